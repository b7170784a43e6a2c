//! The repair-order editor (F3): a new RO in seconds from a search, the
//! header, the lines, totals, signature, added work, calls, settlement.
//! Keys change the form (`keys.rs`); the actions menu and its dialogs turn
//! into writes (`actions.rs`); what comes back lands in `outcomes.rs`.

mod actions;
pub mod dialogs;
pub mod fields;
pub mod form;
mod keys;
mod outcomes;
mod save;
pub mod view;

use crate::domain::draft::Draft;
use crate::domain::settlement::Payment;
use crate::domain::RepairOrder;
use crate::store::{CannedJob, DraftStore, Store, StoreResult};
use crate::ui::effects::{DraftOp, Read};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use crossterm::event::KeyEvent;
use fields::Kind;
use form::RoForm;
use ratatui::layout::Rect;
use ratatui::Frame;

pub use actions::{action_picker, new_form, RoAction};
pub use keys::LineChoice;

/// What the next read of an RO is for (reads answer at once, in order).
#[derive(Debug, Clone)]
enum Awaiting {
    /// Show it in the editor.
    Open,
    /// My own write landed: refresh, keeping any typing done meanwhile.
    Landed,
    /// My save met someone else's: show both.
    Conflict(String),
    /// Put the draft back over the stored RO.
    Restore(Box<Draft>),
}

#[derive(Default)]
pub struct RoPane {
    pub form: Option<RoForm>,
    /// Payments on the open RO, for the settlement lines.
    pub payments: Vec<Payment>,
    canned: Vec<CannedJob>,
    /// Drafts are offered once per session.
    drafts_offered: bool,
    /// The RO as sent with the save in flight: typing done while it waits
    /// for the database is kept on top of what comes back.
    saving: Option<RepairOrder>,
    awaiting: Option<Awaiting>,
    /// The last desk dialog's answers, brought back if the store says no.
    last_prompt: Option<crate::ui::desk::Prompted>,
}

impl RoPane {
    /// The focused field's kind, when an RO is open.
    fn focus_kind(&self) -> Option<Kind> {
        self.form.as_ref().map(|f| f.field().kind())
    }

    /// Opens an RO by id, unless unsaved edits to another one are on screen.
    fn open(&mut self, id: i64, cx: &Ctx) -> Vec<Command> {
        if let Some(form) = &self.form {
            if form.ro.id == Some(id) {
                return Vec::new();
            }
            if form.is_dirty() {
                return vec![save::unsaved_first(form, cx)];
            }
        }
        self.awaiting = Some(Awaiting::Open);
        vec![Command::Read(Read::Ro(id))]
    }

    /// The new-RO search, unless unsaved edits are on screen.
    fn find(&mut self, cx: &Ctx) -> Vec<Command> {
        self.drafts_offered = true;
        match &self.form {
            Some(form) if form.is_dirty() => vec![save::unsaved_first(form, cx)],
            _ => vec![Command::Push(Box::<dialogs::Finder>::default())],
        }
    }
}

impl Pane for RoPane {
    fn in_hand(&self) -> Option<i64> {
        self.form.as_ref().and_then(|f| f.ro.id)
    }

    fn id(&self) -> PaneId {
        PaneId::RepairOrder
    }

    fn contexts(&self) -> &'static [KeyContext] {
        match self.focus_kind() {
            None => &[KeyContext::List],
            // Where no text field has the focus, the action letters work.
            Some(Kind::Lines) => &[KeyContext::Editor, KeyContext::Lines, KeyContext::RoActions],
            Some(Kind::Choice) => &[
                KeyContext::Editor,
                KeyContext::Choice,
                KeyContext::RoActions,
            ],
            Some(Kind::Text) => &[KeyContext::Editor, KeyContext::Field],
            Some(Kind::Multi(_)) => &[KeyContext::Editor],
        }
    }

    fn help_contexts(&self) -> &'static [KeyContext] {
        &[
            KeyContext::Editor,
            KeyContext::Field,
            KeyContext::Choice,
            KeyContext::Lines,
            KeyContext::RoActions,
            KeyContext::Global,
            KeyContext::Dialog,
            KeyContext::Finder,
            KeyContext::Conflict,
            KeyContext::Drafts,
            KeyContext::Popup,
            KeyContext::List,
        ]
    }

    fn typing(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.field().is_text())
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> Option<Vec<Command>> {
        keys::key(self, key, cx)
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        keys::update(self, action, cx)
    }

    fn paste(&mut self, text: &str, cx: &Ctx) -> Vec<Command> {
        if let Some(form) = self.form.as_mut() {
            form.paste(text, cx.now);
        }
        Vec::new()
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command> {
        outcomes::on_done(self, done, cx)
    }

    fn on_start(&mut self, _cx: &Ctx) -> Vec<Command> {
        vec![Command::Drafts(DraftOp::List)]
    }

    fn on_show(&mut self, request: Option<Request>, cx: &Ctx) -> Vec<Command> {
        match request {
            Some(Request::OpenRo(id)) => self.open(id, cx),
            Some(Request::NewRo) => self.find(cx),
            None if !self.drafts_offered && self.form.is_none() => {
                vec![Command::Drafts(DraftOp::List)]
            }
            _ => Vec::new(),
        }
    }

    /// An open RO without unsaved edits follows the store (a move on the
    /// board, a payment at the cashier). One with edits is left alone; its
    /// title says it was saved elsewhere, and saving it meets the conflict.
    fn reload(&mut self, store: &dyn Store, cx: &Ctx) -> StoreResult<()> {
        let Some(form) = self.form.as_mut() else {
            return Ok(());
        };
        let Some(id) = form.ro.id else { return Ok(()) };
        // Payments are not part of the edit: a payment taken elsewhere shows at once.
        self.payments = store.payments(id)?;
        // The board knows the version of an open RO: load only when it moved.
        let on_board = cx.board.card(id).map(|c| c.version);
        if form.is_dirty() || on_board == Some(form.ro.version) {
            return Ok(());
        }
        let stored = store.load_ro(id)?;
        if stored.version != form.ro.version {
            let focus = form.focus;
            *form = RoForm::stored(stored, cx.board.groups.clone(), cx.time);
            form.focus = focus;
        }
        Ok(())
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        view::render(self, frame, area, cx);
    }

    /// Called on a timer and on the way out, so a dropped link or a kill
    /// loses well under a second of typing.
    fn autosave(&mut self, drafts: &mut dyn DraftStore, cx: &Ctx) -> StoreResult<()> {
        let Some(form) = self.form.as_mut() else {
            return Ok(());
        };
        if !form.draft_pending || cx.session.read_only {
            return Ok(());
        }
        let login = &cx.session.login;
        let result = if form.is_dirty() {
            drafts.save_draft(&form.draft(login, cx.now))
        } else {
            drafts.delete_draft(login, form.draft_key())
        };
        // A failed draft is tried again on the next tick.
        form.draft_pending = result.is_err();
        result
    }
}
