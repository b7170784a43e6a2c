//! The book's and the customer file's audit lines, in words (see
//! `domain::audit`).

use crate::domain::conflict::FieldChange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookEvent {
    /// "2026-11-24 10:00–11:00 bay B2: 5,000 km service".
    Booked {
        slot: String,
        work: String,
    },
    Moved {
        from: String,
        to: String,
    },
    /// Booked over capacity on purpose, with the advisor's reason.
    Overbooked {
        warning: String,
        reason: String,
    },
    Cancelled {
        reason: String,
    },
    NoShow,
    /// Step 1: the workshop was told the same day, so the bay is held.
    WorkshopTold,
    CheckedIn {
        number: String,
    },
}

impl BookEvent {
    pub fn action(&self) -> &'static str {
        match self {
            BookEvent::Booked { .. } => "create",
            BookEvent::Moved { .. } => "move",
            BookEvent::Overbooked { .. } => "overbook",
            BookEvent::Cancelled { .. } => "cancel",
            BookEvent::NoShow => "no_show",
            BookEvent::WorkshopTold => "workshop_told",
            BookEvent::CheckedIn { .. } => "check_in",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            BookEvent::Booked { slot, work } => format!("{slot}: {work}"),
            BookEvent::Moved { from, to } => format!("{from} → {to}"),
            BookEvent::Overbooked { warning, reason } => {
                format!("{warning}; booked anyway: {reason}")
            }
            BookEvent::Cancelled { reason } => reason.clone(),
            BookEvent::NoShow => "the customer did not come".into(),
            BookEvent::WorkshopTold => "workshop told; bay held".into(),
            BookEvent::CheckedIn { number } => format!("checked in as {number}"),
        }
    }
}

/// A customer's file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEvent {
    CustomerEdited {
        changes: Vec<FieldChange>,
    },
    /// A duplicate folded into the kept customer, with what moved.
    Merged {
        gone: i64,
        name: String,
        moved: String,
    },
    /// Rows written by `frontdesk import`.
    Imported {
        file: String,
        summary: String,
    },
}

impl FileEvent {
    pub fn entity(&self) -> &'static str {
        match self {
            FileEvent::Imported { .. } => "shop",
            _ => "customer",
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            FileEvent::CustomerEdited { .. } => "update",
            FileEvent::Merged { .. } => "merge",
            FileEvent::Imported { .. } => "import",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            FileEvent::CustomerEdited { changes } => {
                serde_json::json!({ "changes": changes }).to_string()
            }
            FileEvent::Merged { gone, name, moved } => {
                format!("merged customer #{gone} ({name}) into this one: {moved}")
            }
            FileEvent::Imported { file, summary } => format!("{file}: {summary}"),
        }
    }
}
