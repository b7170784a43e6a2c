//! The panes whose issues are still open (F4–F8) say so, and still obey
//! the keys everyone relies on (`q`, `n`, the pane keys).

use super::keymap::{Action, KeyContext};
use super::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use crate::store::{Store, StoreResult};
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub struct NotBuilt(pub PaneId);

impl Pane for NotBuilt {
    fn id(&self) -> PaneId {
        self.0
    }

    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::List]
    }

    fn update(&mut self, action: Action, _cx: &Ctx) -> Vec<Command> {
        match action {
            Action::Quit => vec![Command::Quit],
            Action::New => vec![Command::Goto(PaneId::RepairOrder, Some(Request::NewRo))],
            _ => Vec::new(),
        }
    }

    fn on_done(&mut self, _done: Done, _cx: &Ctx) -> Vec<Command> {
        Vec::new()
    }

    fn reload(&mut self, _store: &dyn Store, _cx: &Ctx) -> StoreResult<()> {
        Ok(())
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let para =
            Paragraph::new(cx.texts.get("pane.not_built").to_string()).wrap(Wrap { trim: true });
        frame.render_widget(para, area);
    }
}
