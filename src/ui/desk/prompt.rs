//! The small form every desk dialog is: a few text and choice fields, a
//! line or two of context above them, checked before it closes.

use super::{check, DeskPrompt};
use crate::ui::keymap::KeyContext;
use crate::ui::layer::form::{dialog_width, form_key, paste_line, popup, text, DialogForm};
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, width};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use ratatui_textarea::TextArea;

/// The answers, in field order, with what they answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompted {
    pub purpose: DeskPrompt,
    pub values: Vec<String>,
}

pub enum PromptInput {
    Text(Box<TextArea<'static>>),
    Choice(Vec<String>, usize),
}

pub struct Prompt {
    pub title: String,
    /// Context shown above the fields (what is owed, what was proposed).
    pub notes: Vec<String>,
    pub fields: Vec<(String, PromptInput)>,
    pub focus: usize,
    pub purpose: DeskPrompt,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(title: &str, purpose: DeskPrompt, fields: Vec<(String, PromptInput)>) -> Prompt {
        let mut prompt = Prompt {
            title: title.into(),
            notes: Vec::new(),
            fields,
            focus: 0,
            purpose,
            error: None,
        };
        prompt.select_focused();
        prompt
    }

    /// A field reached with Tab or Enter has its text selected, so typing
    /// replaces a suggested value (the amount owed, the time now) and the
    /// arrow keys keep it for editing.
    fn select_focused(&mut self) {
        if let Some((_, PromptInput::Text(ta))) = self.fields.get_mut(self.focus) {
            ta.select_all();
        }
    }

    pub fn values(&self) -> Vec<String> {
        self.fields
            .iter()
            .map(|(_, input)| match input {
                PromptInput::Text(ta) => text(ta).trim().to_string(),
                PromptInput::Choice(options, i) => options.get(*i).cloned().unwrap_or_default(),
            })
            .collect()
    }

    /// Puts earlier answers back (after the store refused them).
    pub fn with_values(mut self, values: &[String]) -> Prompt {
        for ((_, input), v) in self.fields.iter_mut().zip(values) {
            match input {
                PromptInput::Text(ta) => **ta = crate::ui::layer::form::one_line(v),
                PromptInput::Choice(options, i) => {
                    *i = options.iter().position(|o| o == v).unwrap_or(*i);
                }
            }
        }
        // Typing replaces a value put back, as it does a suggested one.
        self.select_focused();
        self
    }

    pub fn with_error(mut self, field: usize, error: String) -> Prompt {
        self.focus = field.min(self.fields.len().saturating_sub(1));
        self.error = Some(error);
        self.select_focused();
        self
    }

    fn cycle_choice(&mut self, forward: bool) {
        if let Some((_, PromptInput::Choice(options, i))) = self.fields.get_mut(self.focus) {
            let n = options.len().max(1);
            *i = if forward {
                (*i + 1) % n
            } else {
                (*i + n - 1) % n
            };
        }
    }
}

impl DialogForm for Prompt {
    fn focus_mut(&mut self) -> &mut usize {
        &mut self.focus
    }

    fn field_count(&self) -> usize {
        self.fields.len()
    }

    fn on_choice(&self) -> bool {
        matches!(
            self.fields.get(self.focus),
            Some((_, PromptInput::Choice(..)))
        )
    }

    fn input(&mut self) -> Option<&mut TextArea<'static>> {
        match self.fields.get_mut(self.focus) {
            Some((_, PromptInput::Text(ta))) => Some(ta),
            _ => None,
        }
    }

    fn cycle(&mut self, forward: bool) {
        self.cycle_choice(forward);
    }

    /// Checks the answers; a problem keeps the dialog open at its field.
    fn finish(&mut self, cx: &Ctx) -> LayerResult {
        let values = self.values();
        if let Err((field, message)) = check(&self.purpose, &values, cx) {
            self.focus = field.min(self.fields.len().saturating_sub(1));
            self.error = Some(message);
            return LayerResult::stay();
        }
        LayerResult::done(Prompted {
            purpose: self.purpose.clone(),
            values,
        })
    }

    fn clear_error(&mut self) {
        self.error = None;
    }
}

/// A choice as the advisor reads it ("approve" → "同意"); the code stays
/// the value.
fn shown_choice(code: &str, cx: &Ctx) -> String {
    let key = format!("choice.{code}");
    if cx.texts.has(&key) {
        cx.texts.get(&key).to_string()
    } else {
        code.to_string()
    }
}

/// "Enter next · → change · Ctrl-S done · Esc cancel", from the keymap.
fn keys_hint(cx: &Ctx) -> String {
    use crate::ui::keymap::Action;
    crate::ui::help::hint(
        cx.keymap,
        cx.texts,
        &[
            (KeyContext::Dialog, Action::NextField, "hint.next"),
            (KeyContext::Choice, Action::CycleNext, "hint.change"),
            (KeyContext::Dialog, Action::Submit, "hint.done"),
            (KeyContext::Dialog, Action::Back, "hint.cancel"),
        ],
    )
}

impl Layer for Prompt {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Dialog, KeyContext::Choice]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        let before = self.focus;
        let result = form_key(self, key, cx);
        if self.focus != before {
            self.select_focused();
        }
        result
    }

    fn paste(&mut self, pasted: &str, _cx: &Ctx) -> LayerResult {
        if let Some(ta) = self.input() {
            paste_line(ta, pasted);
        }
        LayerResult::stay()
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let w = dialog_width(area);
        let inner = (w as usize).saturating_sub(2);
        // Labels take what the longest needs, so none is cut.
        let label_w = self
            .fields
            .iter()
            .map(|(l, _)| width(l) + 1)
            .max()
            .unwrap_or(12)
            .min(inner / 2);
        let mut lines: Vec<Line<'static>> = self
            .notes
            .iter()
            .flat_map(|n| super::wrapped(n, inner))
            .map(Line::from)
            .collect();
        let first_field = lines.len();
        for (i, (label, input)) in self.fields.iter().enumerate() {
            let value = match input {
                PromptInput::Text(ta) => text(ta),
                PromptInput::Choice(o, j) => format!("‹ {} ›", shown_choice(&o[*j], cx)),
            };
            let style = if i == self.focus {
                cx.theme.selected()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::raw(fit(label, label_w)),
                Span::styled(fit(&value, inner.saturating_sub(label_w)), style),
            ]));
        }
        for e in super::wrapped(self.error.as_deref().unwrap_or(""), inner) {
            lines.push(Line::from(Span::styled(e, cx.theme.error())));
        }
        for h in super::wrapped(&keys_hint(cx), inner) {
            lines.push(Line::from(Span::styled(h, cx.theme.dim())));
        }
        let box_inner = popup(frame, area, &self.title, lines, w);
        // The focused text field gets the real text area, with its cursor.
        if let Some((_, PromptInput::Text(ta))) = self.fields.get(self.focus) {
            let row = Rect::new(
                box_inner.x + label_w as u16,
                box_inner.y + (first_field + self.focus) as u16,
                box_inner.width.saturating_sub(label_w as u16),
                1,
            );
            frame.render_widget(ta.as_ref(), row);
        }
    }
}
