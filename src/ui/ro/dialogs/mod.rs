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
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::picker::centered;
use crate::ui::layer::LayerResult;
use crate::ui::pane::Ctx;
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

/// A form in a dialog: fields in focus order, some typed, some chosen.
/// The line editor and the prompts share its keys (`dialog`, `choice`).
pub trait DialogForm {
    fn focus_mut(&mut self) -> &mut usize;
    fn field_count(&self) -> usize;
    /// The focused field is a choice (← → Space change it).
    fn on_choice(&self) -> bool;
    /// The focused field's text, if it is typed.
    fn input(&mut self) -> Option<&mut TextArea<'static>>;
    fn cycle(&mut self, forward: bool);
    fn finish(&mut self) -> LayerResult;
    fn clear_error(&mut self);
}

/// A key for a dialog's form: its bindings first, then typing.
pub fn form_key(form: &mut impl DialogForm, key: KeyEvent, cx: &Ctx) -> LayerResult {
    let contexts: &[KeyContext] = if form.on_choice() {
        &[KeyContext::Dialog, KeyContext::Choice]
    } else {
        &[KeyContext::Dialog]
    };
    if let Some(action) = cx.keymap.resolve(contexts, key) {
        return form_action(form, action);
    }
    let typed = form.input().is_some_and(|ta| safe_input(ta, key));
    if typed {
        form.clear_error();
    } else if non_typing(key) {
        return LayerResult::Ignored;
    }
    LayerResult::stay()
}

/// Enter moves on, and on the last field finishes, as in any form.
fn form_action(form: &mut impl DialogForm, action: Action) -> LayerResult {
    let last = form.field_count().saturating_sub(1);
    let focus = *form.focus_mut();
    match action {
        Action::Submit => return form.finish(),
        Action::NextField if focus >= last => return form.finish(),
        Action::NextField => *form.focus_mut() = focus + 1,
        Action::PrevField => *form.focus_mut() = focus.saturating_sub(1),
        Action::Back => return LayerResult::Close,
        Action::CycleNext => form.cycle(true),
        Action::CyclePrev => form.cycle(false),
        _ => return LayerResult::Ignored,
    }
    form.clear_error();
    LayerResult::stay()
}
