//! Dialogs of the RO editor, each a layer on the shell's one stack. They
//! hold text fields, so keys that type (`j`, `q`) type; their other keys
//! come from the keymap (`dialog`, `choice`, `finder`, `conflict`, `drafts`).
//! Each ends with a value the RO pane acts on.

pub mod conflict;
pub mod drafts;
pub mod finder;
pub mod line_editor;
pub mod prompt;

use crate::domain::repair_order::{Grade, LineKind, Payer, RoLine, Supplier};
use crate::domain::Money;
use crate::ui::layer::picker::centered;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use ratatui_textarea::TextArea;

pub use conflict::{ConflictChoice, ConflictView};
pub use drafts::{DraftChoice, DraftOffer};
pub use finder::{Finder, FinderPick};
pub use line_editor::{LineDone, LineEditor, LineField, LINE_FIELDS};
pub use prompt::{Prompt, PromptInput, PromptPurpose, Prompted};

pub fn one_line(text: &str) -> TextArea<'static> {
    let mut ta = TextArea::new(vec![text.to_string()]);
    ta.set_cursor_line_style(ratatui::style::Style::new());
    // Typing continues what is there, as in any form.
    ta.move_cursor(ratatui_textarea::CursorMove::End);
    ta
}

/// Feeds a key to a text area, dropping control characters: pasted text
/// must not carry escape sequences onto the screen or into the database.
pub fn safe_input(ta: &mut TextArea<'_>, key: KeyEvent) -> bool {
    if let KeyCode::Char(c) = key.code {
        if c.is_control() {
            return false;
        }
    }
    ta.input(key)
}

/// A key that never types: the shell may still want it (F1 for help).
pub fn non_typing(key: KeyEvent) -> bool {
    matches!(key.code, KeyCode::F(_)) || key.modifiers.contains(KeyModifiers::CONTROL)
}

/// Inserts pasted text, cleaned, on one line.
pub fn paste_line(ta: &mut TextArea<'_>, text: &str) -> bool {
    ta.insert_str(crate::domain::text::clean_line(text))
}

pub fn text(ta: &TextArea<'_>) -> String {
    ta.lines().join(" ")
}

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

/// A bordered box in the middle of `area`; returns its inside.
pub fn popup(
    frame: &mut Frame<'_>,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    w: u16,
) -> Rect {
    let rect = centered(area, w, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    inner
}

/// The width dialogs take on a screen `area` wide.
pub fn dialog_width(area: Rect) -> u16 {
    area.width.saturating_sub(4).min(96)
}
