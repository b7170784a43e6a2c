//! Keys in the editor: its own bindings first (save, actions, Tab, Esc),
//! then the focused field's (the lines table, a choice, a one-line field),
//! then typing. Keys the editor does not use go back to the shell, so F-keys
//! switch panes from inside a text field and digits type.

use super::dialogs::LineEditor;
use super::{actions, RoPane};
use crate::domain::repair_order::RoLine;
use crate::ui::effects::Read;
use crate::ui::keymap::Action;
use crate::ui::pane::{Command, Ctx, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn key(pane: &mut RoPane, key: KeyEvent, cx: &Ctx) -> Option<Vec<Command>> {
    if let Some(action) = cx.keymap.resolve(pane.contexts(), key) {
        return Some(update(pane, action, cx));
    }
    let form = pane.form.as_mut()?;
    if form.type_key(key, cx.now) {
        return Some(Vec::new());
    }
    // A control character that a field refused is still not a pane key.
    let plain = matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    (form.field().is_text() && plain).then(Vec::new)
}

pub fn update(pane: &mut RoPane, action: Action, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_mut() else {
        return match action {
            Action::New | Action::Search => pane.find(cx),
            Action::Quit => vec![Command::Quit],
            _ => Vec::new(),
        };
    };
    let rate = cx.session.settings.labour_rate;
    match action {
        Action::Save => return actions::save(pane, cx),
        Action::Actions => return vec![Command::Push(Box::new(actions::menu(form, cx)))],
        Action::Back => return actions::close(pane, cx),
        Action::NextField => form.next_field(),
        Action::PrevField => form.prev_field(),
        Action::CycleNext => form.cycle(true),
        Action::CyclePrev => form.cycle(false),
        Action::Up => form.line_cursor = form.line_cursor.saturating_sub(1),
        Action::Down => {
            form.line_cursor = (form.line_cursor + 1).min(form.ro.lines.len().saturating_sub(1))
        }
        Action::RemoveLine => form.remove_line(),
        Action::AddLine => {
            let editor = LineEditor::new(None, RoLine::default(), false, rate);
            return vec![Command::Push(Box::new(editor))];
        }
        Action::Open => {
            if let Some(line) = form.ro.lines.get(form.line_cursor).cloned() {
                let editor = LineEditor::new(Some(form.line_cursor), line, false, rate);
                return vec![Command::Push(Box::new(editor))];
            }
        }
        Action::CannedJob => return vec![Command::Read(Read::CannedJobs)],
        _ => {}
    }
    Vec::new()
}
