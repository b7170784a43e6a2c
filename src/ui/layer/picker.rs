//! A list to choose one item from. The values are the opening pane's own
//! type: the picker hands the chosen one back without knowing what it is.

use super::{Layer, LayerResult};
use crate::ui::keymap::{Action, KeyCombo, KeyContext};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, width};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem<T> {
    pub label: String,
    /// A disabled item is shown (a full bay says who is in it) but cannot be chosen.
    pub enabled: bool,
    pub value: T,
    /// A letter that picks the item at once (the actions menu's letters).
    pub hotkey: Option<KeyCombo>,
}

impl<T> PickItem<T> {
    pub fn new(label: impl Into<String>, value: T) -> PickItem<T> {
        PickItem {
            label: label.into(),
            enabled: true,
            value,
            hotkey: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Picker<T> {
    pub title: String,
    pub items: Vec<PickItem<T>>,
    pub cursor: usize,
}

impl<T: Clone + PartialEq + 'static> Picker<T> {
    pub fn new(title: &str, subject: &str, items: Vec<PickItem<T>>) -> Picker<T> {
        let cursor = items.iter().position(|i| i.enabled).unwrap_or(0);
        let title = if subject.is_empty() {
            title.to_string()
        } else {
            format!("{title} · {subject}")
        };
        Picker {
            title,
            items,
            cursor,
        }
    }

    /// Starts on the item holding `value`, if there is one.
    pub fn starting_at(mut self, value: &T) -> Picker<T> {
        if let Some(i) = self.items.iter().position(|i| &i.value == value) {
            self.cursor = i;
        }
        self
    }

    /// Moves to the next enabled item in direction `dir`, staying put at the ends.
    fn step(&mut self, dir: isize, times: usize) {
        for _ in 0..times {
            let mut i = self.cursor as isize + dir;
            while i >= 0 && (i as usize) < self.items.len() && !self.items[i as usize].enabled {
                i += dir;
            }
            if i < 0 || i as usize >= self.items.len() {
                return;
            }
            self.cursor = i as usize;
        }
    }

    /// What an action does to the picker.
    pub fn act(&mut self, action: Action) -> LayerResult {
        let all = self.items.len();
        match action {
            Action::Up => self.step(-1, 1),
            Action::Down => self.step(1, 1),
            Action::PageUp | Action::Home => self.step(-1, all),
            Action::PageDown | Action::End => self.step(1, all),
            Action::Back => return LayerResult::Close,
            Action::Open => {
                return match self.items.get(self.cursor) {
                    Some(item) if item.enabled => LayerResult::done(item.value.clone()),
                    _ => LayerResult::stay(),
                }
            }
            _ => return LayerResult::Ignored,
        }
        LayerResult::stay()
    }
}

impl<T: Clone + PartialEq + 'static> Layer for Picker<T> {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Popup]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        let combo = KeyCombo::from_event(key);
        let hot = self
            .items
            .iter()
            .find(|i| i.enabled && i.hotkey == Some(combo));
        if let Some(item) = hot {
            return LayerResult::done(item.value.clone());
        }
        match cx.keymap.resolve(self.contexts(), key) {
            Some(action) => self.act(action),
            None => LayerResult::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let theme = cx.theme;
        let wanted = self
            .items
            .iter()
            .map(|i| width(&i.label))
            .max()
            .unwrap_or(10)
            .max(width(&self.title))
            + 4;
        // Everything is fitted to the box it really gets, by display width,
        // so a wide (CJK) label is cut whole, never across the border.
        let inner_w = wanted.min((area.width as usize).saturating_sub(2));
        let rect = centered(area, inner_w as u16 + 2, self.items.len() as u16 + 2);
        let visible = rect.height.saturating_sub(2) as usize;
        let top = self.cursor.saturating_sub(visible.saturating_sub(1));
        let lines: Vec<Line<'_>> = self
            .items
            .iter()
            .enumerate()
            .skip(top)
            .take(visible)
            .map(|(i, item)| {
                let marker = if i == self.cursor { "> " } else { "  " };
                let text = fit(&format!("{marker}{}", item.label), inner_w);
                let style = match (i == self.cursor, item.enabled) {
                    (true, _) => theme.selected(),
                    (false, false) => theme.dim(),
                    _ => Style::new(),
                };
                Line::from(Span::styled(text, style))
            })
            .collect();
        frame.render_widget(Clear, rect);
        let title = fit(&self.title, inner_w.saturating_sub(2));
        let block = Block::new().borders(Borders::ALL).title(Span::styled(
            format!(" {} ", title.trim_end()),
            theme.title(),
        ));
        frame.render_widget(Paragraph::new(lines).block(block), rect);
    }
}

/// A rectangle of the given size in the middle of `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
