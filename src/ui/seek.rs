//! Search from anywhere (Ctrl-F everywhere, `/` in panes without a filter
//! of their own): plate, phone, VIN, name or RO number; the matches come as
//! you type, and Enter jumps to the RO or to the customer's file.

use super::effects::{Read, ReadOut};
use super::keymap::{Action, KeyContext};
use super::layer::form::{dialog_width, one_line, paste_line, popup, text, type_search, Typed};
use super::layer::{Layer, LayerResult};
use super::pane::{Command, Ctx, PaneId, Request};
use super::text::fit;
use crate::store::Found;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use ratatui_textarea::TextArea;

/// How many matches the list shows.
pub const SHOWN: usize = 12;

/// Where a pick goes: the shell shows the pane with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jump(pub PaneId, pub Request);

pub struct Seek {
    input: TextArea<'static>,
    found: Vec<Found>,
    cursor: usize,
}

impl Default for Seek {
    fn default() -> Self {
        Seek {
            input: one_line(""),
            found: Vec::new(),
            cursor: 0,
        }
    }
}

/// Where Enter on a match goes: an RO to the editor, a car or a customer
/// to the file.
pub fn jump(found: &Found) -> Jump {
    match found {
        Found::Ro { id, .. } => Jump(PaneId::RepairOrder, Request::OpenRo(*id)),
        Found::Car(hit) => Jump(
            PaneId::Customers,
            Request::OpenFile {
                customer_id: hit.customer_id,
                vehicle_id: Some(hit.vehicle_id),
            },
        ),
        Found::Customer { id, .. } => Jump(
            PaneId::Customers,
            Request::OpenFile {
                customer_id: *id,
                vehicle_id: None,
            },
        ),
    }
}

/// One line per match, in words.
pub fn label(found: &Found, cx: &Ctx) -> String {
    let t = cx.texts;
    match found {
        Found::Ro {
            number,
            plate,
            customer,
            ..
        } => format!("{} {number} · {plate} · {customer}", t.get("seek.ro")),
        Found::Car(h) => {
            let open = h
                .open_ro
                .as_ref()
                .map(|(_, n)| format!(" · {} {n}", t.get("finder.open")))
                .unwrap_or_default();
            let vin = h.vin.get(h.vin.len().saturating_sub(6)..).unwrap_or("");
            format!(
                "{} {} {} …{vin} · {} {}{open}",
                h.plate, h.make, h.model, h.customer, h.phone
            )
        }
        Found::Customer { name, phone, .. } => {
            format!(
                "{} {name} {phone} · {}",
                t.get("seek.customer"),
                t.get("seek.no_car")
            )
        }
    }
}

impl Seek {
    fn search(&mut self) -> LayerResult {
        self.cursor = 0;
        LayerResult::Consumed(vec![Command::Read(Read::Find(text(&self.input)))])
    }
}

impl Layer for Seek {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Finder]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        if let Some(action) = cx.keymap.resolve(self.contexts(), key) {
            match action {
                Action::Up => self.cursor = self.cursor.saturating_sub(1),
                Action::Down => {
                    self.cursor = (self.cursor + 1).min(self.found.len().saturating_sub(1))
                }
                Action::PageUp => self.cursor = 0,
                Action::PageDown => self.cursor = self.found.len().saturating_sub(1),
                Action::Open => {
                    return match self.found.get(self.cursor) {
                        Some(f) => LayerResult::done(jump(f)),
                        None => LayerResult::stay(),
                    }
                }
                Action::Back => return LayerResult::Close,
                _ => return LayerResult::Ignored,
            }
            return LayerResult::stay();
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
        if let ReadOut::Found(found) = out {
            self.found = found;
            self.cursor = self.cursor.min(self.found.len().saturating_sub(1));
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let t = cx.texts;
        let w = dialog_width(area);
        let inner_w = w as usize - 2;
        let sel = cx.theme.selected();
        let mut lines = vec![Line::from(""), Line::from("")];
        for (i, f) in self.found.iter().enumerate() {
            let style = if i == self.cursor { sel } else { Style::new() };
            lines.push(Line::from(Span::styled(fit(&label(f, cx), inner_w), style)));
        }
        if self.found.is_empty() {
            let hint = if text(&self.input).trim().is_empty() {
                t.get("seek.hint")
            } else {
                t.get("seek.none")
            };
            lines.push(Line::from(Span::styled(fit(hint, inner_w), cx.theme.dim())));
        }
        let inner = popup(frame, area, t.get("seek.title"), lines, w);
        frame.render_widget(&self.input, Rect::new(inner.x, inner.y, inner.width, 1));
    }
}
