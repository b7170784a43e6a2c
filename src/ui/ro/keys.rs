//! Keys in the editor: its own bindings first (save, actions, Tab, Esc),
//! then the focused field's (the lines table, a choice, a one-line field),
//! then typing. Keys the editor does not use go back to the shell, so F-keys
//! switch panes from inside a text field and digits type.

use super::actions::{self, RoAction};
use super::dialogs::LineEditor;
use super::fields::FieldId;
use super::{save, RoPane};
use crate::domain::lifecycle::Refusal;
use crate::domain::repair_order::RoLine;
use crate::domain::roles::Permission;
use crate::ui::effects::Read;
use crate::ui::keymap::Action;
use crate::ui::layer::{PickItem, Picker};
use crate::ui::pane::{Command, Ctx, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn key(pane: &mut RoPane, key: KeyEvent, cx: &Ctx) -> Option<Vec<Command>> {
    if let Some(action) = cx.keymap.resolve(pane.contexts(), key) {
        return Some(update(pane, action, cx));
    }
    let form = pane.form.as_mut()?;
    if edits(key) {
        if let Some(no) = edit_refused(form, form.field(), cx) {
            return Some(vec![Command::Warn(no)]);
        }
    }
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
    let changes = |field| match action {
        Action::CycleNext | Action::CyclePrev => Some(field),
        Action::AddLine | Action::RemoveLine | Action::CannedJob | Action::Open => {
            Some(FieldId::Lines)
        }
        _ => None,
    };
    if let Some(no) = changes(form.field()).and_then(|f| edit_refused(form, f, cx)) {
        return vec![Command::Warn(no)];
    }
    match action {
        Action::Save => return save::save(pane, cx),
        Action::Actions => return vec![Command::Push(Box::new(actions::menu(pane, cx)))],
        Action::Back => return save::close(pane, cx),
        Action::NextField => form.next_field(),
        Action::PrevField => form.prev_field(),
        Action::CycleNext => form.cycle(true),
        Action::CyclePrev => form.cycle(false),
        Action::Up => form.line_cursor = form.line_cursor.saturating_sub(1),
        Action::Down => {
            form.line_cursor = (form.line_cursor + 1).min(form.ro.lines.len().saturating_sub(1))
        }
        Action::Home => form.line_cursor = 0,
        Action::End => form.line_cursor = form.ro.lines.len().saturating_sub(1),
        Action::RemoveLine => return confirm_removal(form, cx),
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
        other => {
            if let Some(a) = RoAction::from_action(other) {
                return actions::on_action(pane, a, cx);
            }
        }
    }
    Vec::new()
}

/// A key that changes a field's text (rather than moving in it).
fn edits(key: KeyEvent) -> bool {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(_) => plain,
        KeyCode::Backspace | KeyCode::Delete | KeyCode::Enter => true,
        _ => false,
    }
}

/// Why `field` cannot change now, said before anything is typed in vain:
/// the user's role may not (customer care cannot change prices), a
/// delivered RO is closed, and once signed the lines, the discount and the
/// promise change only through added work. (The store's guards have the
/// last word.)
fn edit_refused(form: &super::form::RoForm, field: FieldId, cx: &Ctx) -> Option<String> {
    let ro = &form.ro;
    let priced = matches!(
        field,
        FieldId::Lines | FieldId::Promised | FieldId::Discount
    );
    let needs = if priced {
        Permission::ChangePrices
    } else {
        Permission::WriteRo
    };
    if let Err(why) = cx.session.permit(needs, cx.texts) {
        return Some(why);
    }
    if ro.is_closed() {
        return Some(Refusal::Closed.to_string());
    }
    (priced && ro.is_signed() && ro.status.is_open()).then(|| Refusal::SignedFrozen.to_string())
}

/// What the removal question answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChoice {
    Remove(usize),
    Keep,
}

/// A line goes only after a yes: `-` next to `+` is easy to hit.
fn confirm_removal(form: &super::form::RoForm, cx: &Ctx) -> Vec<Command> {
    let i = form.line_cursor;
    let Some(line) = form.ro.lines.get(i) else {
        return Vec::new();
    };
    let t = cx.texts;
    let subject = format!("{} {}", line.code, line.description);
    let items = vec![
        PickItem::new(t.get("line.remove"), LineChoice::Remove(i)),
        PickItem::new(t.get("line.keep"), LineChoice::Keep),
    ];
    let picker = Picker::new(t.get("line.remove_title"), subject.trim(), items);
    vec![Command::Push(Box::new(picker))]
}
