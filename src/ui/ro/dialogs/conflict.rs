//! Someone else saved the same RO, and both of you changed the same
//! fields. Everything else was merged already; these fields are shown in
//! words, both values, and the advisor decides. Nothing is overwritten
//! silently.

use super::{dialog_width, popup};
use crate::domain::conflict::Resolution;
use crate::domain::RepairOrder;
use crate::ui::desk::wrapped;
use crate::ui::help::hint;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::Ctx;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// What the advisor chose, with the stored version it was chosen against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictChoice {
    pub resolution: Resolution,
    pub theirs: Box<RepairOrder>,
}

/// One field changed on both sides, as the advisor reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRow {
    pub label: String,
    pub mine: String,
    pub theirs: String,
}

pub struct ConflictView {
    pub message: String,
    pub rows: Vec<ConflictRow>,
    pub theirs: RepairOrder,
}

impl ConflictView {
    fn choose(&self, resolution: Resolution) -> LayerResult {
        LayerResult::done(ConflictChoice {
            resolution,
            theirs: Box::new(self.theirs.clone()),
        })
    }
}

impl Layer for ConflictView {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Conflict]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        match cx.keymap.resolve(self.contexts(), key) {
            Some(Action::KeepMine) => self.choose(Resolution::KeepMine),
            Some(Action::TakeTheirs) => self.choose(Resolution::TakeTheirs),
            Some(Action::Back) => LayerResult::Close,
            _ => LayerResult::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let t = cx.texts;
        let w = dialog_width(area);
        let inner = (w as usize).saturating_sub(2);
        let bold = cx.theme.title().add_modifier(Modifier::BOLD);
        let mut lines: Vec<Line<'static>> = wrapped(&self.message, inner)
            .into_iter()
            .map(Line::from)
            .collect();
        for row in &self.rows {
            lines.push(Line::from(Span::styled(row.label.clone(), bold)));
            for (who, value) in [
                ("conflict.mine", &row.mine),
                ("conflict.theirs", &row.theirs),
            ] {
                let text = format!("  {}: {value}", t.get(who));
                lines.extend(wrapped(&text, inner).into_iter().map(Line::from));
            }
        }
        let keys = hint(
            cx.keymap,
            t,
            &[
                (KeyContext::Conflict, Action::KeepMine, "hint.keep_mine"),
                (KeyContext::Conflict, Action::TakeTheirs, "hint.take_theirs"),
                (KeyContext::Conflict, Action::Back, "hint.keep_editing"),
            ],
        );
        for k in wrapped(&keys, inner) {
            lines.push(Line::from(Span::styled(k, cx.theme.title())));
        }
        popup(frame, area, t.get("conflict.title"), lines, w);
    }
}
