//! A scrollable page of text: help, or an RO's details and history.

use super::picker::centered;
use super::{Layer, LayerResult};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::Ctx;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

#[derive(Debug, Clone)]
pub struct TextView {
    pub title: String,
    pub lines: Vec<Line<'static>>,
    pub scroll: usize,
}

impl TextView {
    pub fn new(title: String, lines: Vec<Line<'static>>) -> TextView {
        TextView {
            title,
            lines,
            scroll: 0,
        }
    }

    /// The text, one string per line (for tests and logs).
    pub fn plain(&self) -> String {
        self.lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn act(&mut self, action: Action) -> LayerResult {
        let last = self.lines.len().saturating_sub(1);
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = (self.scroll + 1).min(last),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::PageDown => self.scroll = (self.scroll + 10).min(last),
            Action::Home => self.scroll = 0,
            Action::End => self.scroll = last,
            Action::Back | Action::Help | Action::Open | Action::Quit => return LayerResult::Close,
            _ => return LayerResult::Ignored,
        }
        LayerResult::stay()
    }
}

impl Layer for TextView {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Popup]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        // `?` and F1 close help as they opened it.
        match cx
            .keymap
            .resolve(&[KeyContext::Popup, KeyContext::Global], key)
        {
            Some(action) => self.act(action),
            None => LayerResult::stay(),
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let rect = centered(
            area,
            area.width.saturating_sub(4).min(100),
            area.height.saturating_sub(2),
        );
        frame.render_widget(Clear, rect);
        let block = Block::new()
            .borders(Borders::ALL)
            .title(Span::styled(format!(" {} ", self.title), cx.theme.title()));
        let para = Paragraph::new(self.lines.clone())
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((self.scroll.min(u16::MAX as usize) as u16, 0));
        frame.render_widget(para, rect);
    }
}
