//! Forms in dialogs: one-line text inputs, choices, and the keys every form
//! shares (`dialog`, `choice` in the keymap). A form validates when it is
//! finished and stays open, everything kept, pointing at the field.

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

/// What a key did to a search-as-you-type field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// The text changed: search again.
    Changed,
    /// A key that never types: the shell's (F1, Ctrl-…).
    NotMine,
    /// Nothing changed (a cursor move, a control character dropped).
    Kept,
}

/// Feeds a key to a search field (the RO finder, the global search).
pub fn type_search(ta: &mut TextArea<'_>, key: KeyEvent) -> Typed {
    if safe_input(ta, key) {
        Typed::Changed
    } else if non_typing(key) {
        Typed::NotMine
    } else {
        Typed::Kept
    }
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
    /// Checks the form and finishes, or stays open at the field with a problem.
    fn finish(&mut self, cx: &Ctx) -> LayerResult;
    fn clear_error(&mut self);
    /// A form's own action beyond moving, changing and finishing.
    fn other(&mut self, _action: Action, _cx: &Ctx) -> LayerResult {
        LayerResult::Ignored
    }
}

/// A key for a dialog's form: its bindings first, then typing.
pub fn form_key(form: &mut impl DialogForm, key: KeyEvent, cx: &Ctx) -> LayerResult {
    let contexts: &[KeyContext] = if form.on_choice() {
        &[KeyContext::Dialog, KeyContext::Choice]
    } else {
        &[KeyContext::Dialog]
    };
    if let Some(action) = cx.keymap.resolve(contexts, key) {
        return form_action(form, action, cx);
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
fn form_action(form: &mut impl DialogForm, action: Action, cx: &Ctx) -> LayerResult {
    let last = form.field_count().saturating_sub(1);
    let focus = *form.focus_mut();
    match action {
        Action::Submit => return form.finish(cx),
        Action::NextField if focus >= last => return form.finish(cx),
        Action::NextField => *form.focus_mut() = focus + 1,
        Action::PrevField => *form.focus_mut() = focus.saturating_sub(1),
        Action::Back => return LayerResult::Close,
        Action::CycleNext => form.cycle(true),
        Action::CyclePrev => form.cycle(false),
        other => return form.other(other, cx),
    }
    form.clear_error();
    LayerResult::stay()
}
