//! Layers above a pane: pickers, the RO detail view and help. The topmost
//! layer gets every key first and swallows it; the pane beneath sees nothing.

use super::keymap::Action;
use super::text::fit;
use super::theme::Theme;
use crate::domain::RoStatus;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickValue {
    Bay(Option<i64>),
    Group(Option<i64>),
    Status(RoStatus),
    RoAction(super::ro::RoAction),
    Canned(usize),
}

/// What a picker is choosing for, carrying the RO's version so the final
/// save can detect someone else's change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickPurpose {
    Bay {
        ro_id: i64,
        version: i64,
    },
    Group {
        ro_id: i64,
        version: i64,
        to: RoStatus,
        bay_id: Option<i64>,
    },
    Move {
        ro_id: i64,
        version: i64,
    },
    /// The RO editor's actions menu (or its "unsaved changes" question).
    RoAction,
    Canned,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    pub label: String,
    pub enabled: bool,
    pub value: PickValue,
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub title: String,
    pub items: Vec<PickItem>,
    pub cursor: usize,
    pub purpose: PickPurpose,
}

impl Picker {
    pub fn new(title: &str, subject: &str, items: Vec<PickItem>, purpose: PickPurpose) -> Picker {
        let cursor = items.iter().position(|i| i.enabled).unwrap_or(0);
        Picker {
            title: format!("{title} · {subject}"),
            items,
            cursor,
            purpose,
        }
    }

    pub fn select_value(&mut self, value: &PickValue) {
        if let Some(i) = self.items.iter().position(|i| &i.value == value) {
            self.cursor = i;
        }
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
}

/// A scrollable page of text: help, or an RO's details.
#[derive(Debug, Clone)]
pub struct TextView {
    pub title: String,
    pub lines: Vec<Line<'static>>,
    pub scroll: usize,
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Picker(Picker),
    Help(TextView),
    Detail(TextView),
}

pub enum Outcome {
    Stay,
    Close,
    Picked(PickPurpose, PickValue),
}

impl Overlay {
    pub fn handle(&mut self, action: Action) -> Outcome {
        match self {
            Overlay::Picker(p) => match action {
                Action::Up => p.step(-1, 1),
                Action::Down => p.step(1, 1),
                Action::PageUp | Action::Home => p.step(-1, p.items.len()),
                Action::PageDown | Action::End => p.step(1, p.items.len()),
                Action::Back => return Outcome::Close,
                Action::Open => {
                    return match p.items.get(p.cursor) {
                        Some(item) if item.enabled => {
                            Outcome::Picked(p.purpose.clone(), item.value.clone())
                        }
                        _ => Outcome::Stay,
                    }
                }
                _ => {}
            },
            Overlay::Help(v) | Overlay::Detail(v) => match action {
                Action::Up => v.scroll = v.scroll.saturating_sub(1),
                Action::Down => v.scroll = (v.scroll + 1).min(v.lines.len().saturating_sub(1)),
                Action::PageUp => v.scroll = v.scroll.saturating_sub(10),
                Action::PageDown => v.scroll = (v.scroll + 10).min(v.lines.len().saturating_sub(1)),
                Action::Home => v.scroll = 0,
                Action::Back | Action::Help | Action::Open | Action::Quit => return Outcome::Close,
                _ => {}
            },
        }
        Outcome::Stay
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        match self {
            Overlay::Picker(p) => render_picker(p, frame, area, theme),
            Overlay::Help(v) | Overlay::Detail(v) => render_text(v, frame, area, theme),
        }
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

fn render_picker(p: &Picker, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let inner_w = p
        .items
        .iter()
        .map(|i| super::text::width(&i.label))
        .max()
        .unwrap_or(10)
        .max(super::text::width(&p.title))
        + 4;
    let rect = centered(area, inner_w as u16 + 2, p.items.len() as u16 + 2);
    let visible = rect.height.saturating_sub(2) as usize;
    let top = p.cursor.saturating_sub(visible.saturating_sub(1));
    let lines: Vec<Line<'_>> = p
        .items
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, item)| {
            let marker = if i == p.cursor { "> " } else { "  " };
            let text = fit(&format!("{marker}{}", item.label), inner_w);
            let style = match (i == p.cursor, item.enabled) {
                (true, _) => theme.selected(),
                (false, false) => theme.dim(),
                _ => ratatui::style::Style::new(),
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(Clear, rect);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {} ", p.title), theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn render_text(v: &TextView, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {} ", v.title), theme.title()));
    let para = Paragraph::new(v.lines.clone())
        .block(block)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .scroll((v.scroll.min(u16::MAX as usize) as u16, 0));
    frame.render_widget(para, rect);
}
