//! The terminal interface. Keys become actions (keymap), actions update a
//! pane's state and return commands (no I/O), the app runs the commands'
//! effects against the store, and the screen is redrawn from state.

pub mod app;
pub mod board;
pub mod board_view;
mod chrome;
mod detail;
mod help;
pub mod i18n;
pub mod keymap;
pub mod overlay;
pub mod ro;
pub mod run;
pub mod text;
pub mod theme;
pub mod timefmt;

use crate::domain::MoveRequest;
use overlay::Overlay;

/// What a pane asks the app to do after a key.
#[derive(Debug)]
pub enum Command {
    /// Something that touches the store.
    Store(Effect),
    /// Open a layer above the pane.
    Push(Overlay),
    /// A one-line message for the status bar; `true` for an error.
    Message(String, bool),
}

/// Store operations the app runs on a pane's behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Move(MoveRequest),
    ProgressChecked {
        ro_id: i64,
        version: i64,
    },
    PickupCalled {
        ro_id: i64,
        version: i64,
    },
    LoadDetail(i64),
    /// Work for the repair-order editor.
    Ro(Box<ro::RoEffect>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Board,
    RepairOrder,
    Checklist,
    Callbacks,
    Appointments,
    Customers,
    Reports,
}

impl Pane {
    pub const ALL: [Pane; 7] = [
        Pane::Board,
        Pane::RepairOrder,
        Pane::Checklist,
        Pane::Callbacks,
        Pane::Appointments,
        Pane::Customers,
        Pane::Reports,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Pane::Board => "board",
            Pane::RepairOrder => "repair_order",
            Pane::Checklist => "checklist",
            Pane::Callbacks => "callbacks",
            Pane::Appointments => "appointments",
            Pane::Customers => "customers",
            Pane::Reports => "reports",
        }
    }

    pub fn from_name(name: &str) -> Option<Pane> {
        let name = name.replace('-', "_");
        Pane::ALL
            .into_iter()
            .find(|p| p.key() == name || (name == "ro" && *p == Pane::RepairOrder))
    }

    /// The F-key that opens the pane (F2…F8).
    pub fn function_key(self) -> u8 {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0) as u8 + 2
    }
}
