//! A small form for a desk action: the signer's name, a payment, the
//! added-work call, the reason a car is late.

use super::{dialog_width, form_key, paste_line, popup, text, DialogForm};
use crate::ui::keymap::KeyContext;
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::Ctx;
use crate::ui::text::fit;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use ratatui_textarea::TextArea;

/// What a prompt is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptPurpose {
    Sign,
    Decline,
    AddedWorkCall,
    PickupCall,
    Payment,
}

/// The answers, in field order, for the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompted {
    pub purpose: PromptPurpose,
    pub values: Vec<String>,
}

pub enum PromptInput {
    Text(Box<TextArea<'static>>),
    Choice(Vec<String>, usize),
}

pub struct Prompt {
    pub title: String,
    pub fields: Vec<(String, PromptInput)>,
    pub focus: usize,
    pub purpose: PromptPurpose,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(title: &str, purpose: PromptPurpose, fields: Vec<(String, PromptInput)>) -> Prompt {
        Prompt {
            title: title.into(),
            fields,
            focus: 0,
            purpose,
            error: None,
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

    fn answers(&self) -> LayerResult {
        LayerResult::done(Prompted {
            purpose: self.purpose,
            values: self.values(),
        })
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

    fn finish(&mut self) -> LayerResult {
        self.answers()
    }

    fn clear_error(&mut self) {
        self.error = None;
    }
}

impl Layer for Prompt {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Dialog, KeyContext::Choice]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        form_key(self, key, cx)
    }

    fn paste(&mut self, pasted: &str, _cx: &Ctx) -> LayerResult {
        if let Some(ta) = self.input() {
            paste_line(ta, pasted);
        }
        LayerResult::stay()
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let w = dialog_width(area);
        let mut lines = Vec::new();
        for (i, (label, input)) in self.fields.iter().enumerate() {
            let value = match input {
                PromptInput::Text(ta) => text(ta),
                PromptInput::Choice(o, j) => format!("‹ {} ›", o[*j]),
            };
            let style = if i == self.focus {
                cx.theme.selected()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::raw(fit(label, 24)),
                Span::styled(fit(&value, (w as usize).saturating_sub(27)), style),
            ]));
        }
        lines.push(Line::from(Span::styled(
            self.error.clone().unwrap_or_default(),
            cx.theme.error(),
        )));
        popup(frame, area, &self.title, lines, w);
    }
}
