//! Dialogs of the RO editor, each a layer on the shell's one stack. They
//! hold text fields, so keys that type (`j`, `q`) type; their other keys
//! come from the keymap (`dialog`, `choice`, `finder`, `conflict`, `drafts`).
//! Each ends with a value the RO pane acts on.

pub mod conflict;
pub mod drafts;
pub mod finder;
pub mod line_editor;

use crate::domain::repair_order::{Grade, LineKind, Payer, RoLine, Supplier};
use crate::domain::Money;

pub use crate::ui::layer::form::{
    dialog_width, form_key, non_typing, one_line, paste_line, popup, safe_input, text, DialogForm,
};
pub use conflict::{ConflictChoice, ConflictView};
pub use drafts::{DraftChoice, DraftOffer};
pub use finder::{Finder, FinderPick};
pub use line_editor::{LineDone, LineEditor, LineField, LINE_FIELDS};

pub fn milli_text(m: i64) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{}", m as f64 / 1000.0)
    }
}

/// A labour line at a rate (canned jobs, tests).
pub fn labour(code: &str, description: &str, hours_milli: i64, rate: Money) -> RoLine {
    RoLine {
        kind: LineKind::Labour,
        code: code.into(),
        description: description.into(),
        quantity_milli: hours_milli,
        unit_price: rate,
        payer: Payer::Customer,
        supplier: Supplier::Shop,
        grade: Grade::Oem,
        ..Default::default()
    }
}
