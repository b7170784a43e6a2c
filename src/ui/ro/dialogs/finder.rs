//! The new-RO search: type a plate, phone, VIN, name or RO number; matches
//! appear as you type; the last row starts a new customer and car.

use super::{dialog_width, one_line, paste_line, popup, text};
use crate::domain::draft::SearchHit;
use crate::ui::effects::{Read, ReadOut};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::form::{type_search, Typed};
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::{Command, Ctx};
use crate::ui::text::fit;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinderPick {
    Hit(Box<SearchHit>),
    /// Nothing matched (or the advisor chose so): a new customer and car,
    /// with the typed text where it looks like it belongs.
    NewCustomer(String),
}

pub struct Finder {
    pub input: TextArea<'static>,
    pub hits: Vec<SearchHit>,
    /// 0..hits.len() is a hit; hits.len() is "new customer and car".
    pub cursor: usize,
    /// The title's text key: what the pick is for.
    pub title: &'static str,
}

impl Default for Finder {
    fn default() -> Self {
        Finder {
            input: one_line(""),
            hits: Vec::new(),
            cursor: 0,
            title: "finder.title",
        }
    }
}

impl Finder {
    /// The same search, for another purpose (booking an appointment).
    pub fn titled(title: &'static str) -> Finder {
        Finder {
            title,
            ..Finder::default()
        }
    }

    fn search(&mut self) -> LayerResult {
        self.cursor = 0;
        LayerResult::Consumed(vec![Command::Read(Read::Search(text(&self.input)))])
    }

    fn act(&mut self, action: Action) -> LayerResult {
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(self.hits.len()),
            // Home and End edit the search text; the list has its own keys.
            Action::PageUp => self.cursor = 0,
            Action::PageDown => self.cursor = self.hits.len(),
            Action::Open => {
                return LayerResult::done(match self.hits.get(self.cursor) {
                    Some(hit) => FinderPick::Hit(Box::new(hit.clone())),
                    None => FinderPick::NewCustomer(text(&self.input)),
                })
            }
            Action::Back => return LayerResult::Close,
            _ => return LayerResult::Ignored,
        }
        LayerResult::stay()
    }
}

impl Layer for Finder {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Finder]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        if let Some(action) = cx.keymap.resolve(self.contexts(), key) {
            return self.act(action);
        }
        match type_search(&mut self.input, key) {
            Typed::Changed => self.search(),
            Typed::NotMine => LayerResult::Ignored,
            Typed::Kept => LayerResult::stay(),
        }
    }

    fn paste(&mut self, pasted: &str, _cx: &Ctx) -> LayerResult {
        if paste_line(&mut self.input, pasted) {
            return self.search();
        }
        LayerResult::stay()
    }

    fn on_read(&mut self, out: ReadOut) {
        if let ReadOut::Hits(hits) = out {
            self.hits = hits;
            self.cursor = self.cursor.min(self.hits.len());
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let t = cx.texts;
        let w = dialog_width(area);
        let inner_w = w as usize - 2;
        let sel = cx.theme.selected();
        let style = |i: usize| if i == self.cursor { sel } else { Style::new() };
        let mut lines = vec![Line::from(""), Line::from("")];
        for (i, h) in self.hits.iter().enumerate() {
            let open = h
                .open_ro
                .as_ref()
                .map(|(_, n)| format!(" · {} {n}", t.get("finder.open")))
                .unwrap_or_default();
            let row = format!(
                "{} {} {} · {} {}{open}",
                h.plate, h.make, h.model, h.customer, h.phone
            );
            lines.push(Line::from(Span::styled(fit(&row, inner_w), style(i))));
        }
        let new = fit(t.get("finder.new"), inner_w);
        lines.push(Line::from(Span::styled(new, style(self.hits.len()))));
        let inner = popup(frame, area, t.get(self.title), lines, w);
        frame.render_widget(&self.input, Rect::new(inner.x, inner.y, inner.width, 1));
    }
}
