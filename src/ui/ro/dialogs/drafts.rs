//! Unsaved work found on opening the editor: restore it or let it go.

use super::{dialog_width, popup};
use crate::domain::draft::Draft;
use crate::ui::help::hint;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, truncate};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftChoice {
    Restore(Box<Draft>),
    Discard(Box<Draft>),
}

pub struct DraftOffer {
    pub drafts: Vec<Draft>,
    pub cursor: usize,
}

impl DraftOffer {
    fn chosen(&self, restore: bool) -> LayerResult {
        let Some(draft) = self.drafts.get(self.cursor) else {
            return LayerResult::Close;
        };
        let draft = Box::new(draft.clone());
        LayerResult::done(if restore {
            DraftChoice::Restore(draft)
        } else {
            DraftChoice::Discard(draft)
        })
    }
}

impl Layer for DraftOffer {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Drafts]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        let last = self.drafts.len().saturating_sub(1);
        match cx.keymap.resolve(self.contexts(), key) {
            Some(Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Action::Down) => self.cursor = (self.cursor + 1).min(last),
            Some(Action::Home) => self.cursor = 0,
            Some(Action::End) => self.cursor = last,
            Some(Action::Restore) => return self.chosen(true),
            Some(Action::Discard) => return self.chosen(false),
            Some(Action::Back) => return LayerResult::Close,
            _ => return LayerResult::Ignored,
        }
        LayerResult::stay()
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let t = cx.texts;
        let w = dialog_width(area);
        let mut lines: Vec<Line<'static>> = self
            .drafts
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let name = if d.ro.number.is_empty() {
                    t.get("ro.new").to_string()
                } else {
                    d.ro.number.clone()
                };
                let row = format!(
                    "{} {name} · {} {} · {}",
                    cx.time.long(d.saved_at),
                    d.ro.vehicle.plate,
                    d.ro.customer.name,
                    truncate(&d.ro.concerns, 30)
                );
                let style = if i == self.cursor {
                    cx.theme.selected()
                } else {
                    Style::new()
                };
                Line::from(Span::styled(fit(&row, w as usize - 2), style))
            })
            .collect();
        let keys = hint(
            cx.keymap,
            t,
            &[
                (KeyContext::Drafts, Action::Restore, "hint.restore"),
                (KeyContext::Drafts, Action::Discard, "hint.discard"),
                (KeyContext::Drafts, Action::Back, "hint.later"),
            ],
        );
        lines.push(Line::from(Span::styled(keys, cx.theme.title())));
        popup(frame, area, t.get("drafts.title"), lines, w);
    }
}
