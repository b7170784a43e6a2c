//! Both versions side by side when someone else saved first; the advisor
//! decides. Nothing is overwritten silently.

use super::{dialog_width, popup};
use crate::domain::conflict::{FieldDiff, Resolution};
use crate::domain::RepairOrder;
use crate::ui::help::hint;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, truncate};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// What the advisor chose, with the stored version it was chosen against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictChoice {
    pub resolution: Resolution,
    pub theirs: Box<RepairOrder>,
}

pub struct ConflictView {
    pub message: String,
    pub diffs: Vec<FieldDiff>,
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
        let half = (w as usize).saturating_sub(16) / 2;
        let mut lines = vec![
            Line::from(self.message.clone()),
            Line::from(format!(
                "{:<12} {} {}",
                "",
                fit(t.get("conflict.mine"), half),
                t.get("conflict.theirs")
            )),
        ];
        for d in &self.diffs {
            lines.push(Line::from(format!(
                "{:<12} {} {}",
                d.field,
                fit(&d.mine, half),
                truncate(&d.theirs, half)
            )));
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
        lines.push(Line::from(Span::styled(keys, cx.theme.title())));
        popup(frame, area, t.get("conflict.title"), lines, w);
    }
}
