//! The repair-order editor (F3): a new RO in seconds from a search, the
//! header, the lines, totals, signature, added work, calls, settlement.
//! Keys change the form; store work goes out as [`RoEffect`]s that the app
//! runs (see `effects.rs`).

pub mod dialogs;
mod effects;
pub mod fields;
pub mod form;
pub mod keys;
pub mod view;

use crate::domain::draft::Draft;
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::Payment;
use crate::domain::Money;
use crate::store::CannedJob;
use dialogs::{ConflictView, DialogKey, DraftOffer, Finder, LineEditor, Prompt, RoOutcome};
pub use effects::{autosave, run_effect};
use form::RoForm;

/// An open RO dialog (the app's own overlays sit above it).
pub enum Dialog {
    Finder(Box<Finder>),
    Line(Box<LineEditor>),
    Prompt(Box<Prompt>),
    Conflict(Box<ConflictView>),
    Drafts(Box<DraftOffer>),
}

impl Dialog {
    pub fn key(&mut self, key: crossterm::event::KeyEvent) -> DialogKey {
        match self {
            Dialog::Finder(d) => d.key(key),
            Dialog::Line(d) => d.key(key),
            Dialog::Prompt(d) => d.key(key),
            Dialog::Conflict(d) => d.key(key),
            Dialog::Drafts(d) => d.key(key),
        }
    }
}

/// Store work the RO pane asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoEffect {
    Search(String),
    Open(i64),
    Save,
    /// Save over a newer version, after the advisor chose "keep mine".
    SaveOver,
    /// Look for this user's unsaved drafts (on entering the pane).
    FindDrafts,
    Restore(Draft),
    DiscardDraft(Draft),
    LoadCanned,
    Desk(DeskOp),
}

/// Operations on a saved RO, from the actions menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskOp {
    Sign(String),
    Decline,
    Propose(Vec<RoLine>),
    AddedWorkCall(Vec<String>),
    Progress,
    Pickup(String),
    Pay(Money, String),
    ExitNotice,
}

/// The actions menu's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoAction {
    Save,
    Sign,
    Decline,
    Move,
    Propose,
    AddedWorkCall,
    Progress,
    Pickup,
    Payment,
    ExitNotice,
    NewOwner,
    NewCar,
    Discard,
    Close,
}

impl RoAction {
    pub const ALL: [RoAction; 14] = [
        RoAction::Save,
        RoAction::Sign,
        RoAction::Decline,
        RoAction::Move,
        RoAction::Propose,
        RoAction::AddedWorkCall,
        RoAction::Progress,
        RoAction::Pickup,
        RoAction::Payment,
        RoAction::ExitNotice,
        RoAction::NewOwner,
        RoAction::NewCar,
        RoAction::Discard,
        RoAction::Close,
    ];

    pub fn text_key(self) -> &'static str {
        match self {
            RoAction::Save => "act.save",
            RoAction::Sign => "act.sign",
            RoAction::Decline => "act.decline",
            RoAction::Move => "act.move",
            RoAction::Propose => "act.propose",
            RoAction::AddedWorkCall => "act.call",
            RoAction::Progress => "act.progress",
            RoAction::Pickup => "act.pickup",
            RoAction::Payment => "act.payment",
            RoAction::ExitNotice => "act.exit",
            RoAction::NewOwner => "act.new_owner",
            RoAction::NewCar => "act.new_car",
            RoAction::Discard => "act.discard",
            RoAction::Close => "act.close",
        }
    }

    /// Actions that work on the stored RO need it saved, with no edits pending.
    pub fn needs_saved(self) -> bool {
        !matches!(
            self,
            RoAction::Save
                | RoAction::NewOwner
                | RoAction::NewCar
                | RoAction::Discard
                | RoAction::Close
        )
    }
}

#[derive(Default)]
pub struct RoPane {
    pub form: Option<RoForm>,
    pub dialog: Option<Dialog>,
    pub canned: Vec<CannedJob>,
    /// Payments on the open RO, for the settlement lines.
    pub payments: Vec<Payment>,
    /// Drafts are offered once per session.
    pub drafts_offered: bool,
    /// The drafts in the offer dialog.
    pub offered: Vec<Draft>,
}

impl RoPane {
    /// Feeds a key to the open dialog; `None` when there is no dialog.
    pub fn dialog_key(&mut self, key: crossterm::event::KeyEvent) -> Option<Option<RoOutcome>> {
        let dialog = self.dialog.as_mut()?;
        Some(match dialog.key(key) {
            DialogKey::Stay => None,
            DialogKey::Close => {
                self.dialog = None;
                None
            }
            DialogKey::Done(outcome) => Some(*outcome),
        })
    }

    pub fn open_finder(&mut self) {
        self.dialog = Some(Dialog::Finder(Box::default()));
    }
}
