//! The RO being edited: the RO itself, one text area per text field, focus,
//! messages at fields, and whether there is unsaved work.

use super::fields::{self, apply_text, cycle, FieldId, Kind, ORDER};
use crate::domain::draft::{Draft, NEW_RO};
use crate::domain::repair_order::RoLine;
use crate::domain::validate::{check_ro, CheckContext, FieldError};
use crate::domain::{RepairOrder, WorkGroup};
use crate::ui::timefmt::TimeFmt;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{TextArea, WrapMode};
use std::collections::HashMap;

pub struct RoForm {
    pub ro: RepairOrder,
    /// The RO as stored when the edit began (None for a new RO).
    pub stored: Option<RepairOrder>,
    pub inputs: HashMap<FieldId, TextArea<'static>>,
    pub focus: usize,
    pub line_cursor: usize,
    /// Text that could not be read, by field (shown at the field).
    pub parse_errors: HashMap<FieldId, String>,
    /// Problems found by the domain's checks on the last save attempt.
    pub check_errors: Vec<FieldError>,
    /// Changed since the last autosaved draft.
    pub draft_pending: bool,
    pub groups: Vec<WorkGroup>,
    pub time: TimeFmt,
}

fn text_area(text: &str, multi: bool) -> TextArea<'static> {
    let lines: Vec<String> = if multi {
        text.lines().map(String::from).collect()
    } else {
        vec![text.to_string()]
    };
    let mut ta = TextArea::new(if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    });
    ta.set_cursor_line_style(ratatui::style::Style::new());
    // Long text wraps and scrolls inside a multi-line field; a one-line field
    // scrolls sideways. Nothing is cut off silently.
    ta.set_wrap_mode(if multi {
        WrapMode::WordOrGlyph
    } else {
        WrapMode::None
    });
    ta.move_cursor(ratatui_textarea::CursorMove::Bottom);
    ta.move_cursor(ratatui_textarea::CursorMove::End);
    ta
}

impl RoForm {
    pub fn new(
        ro: RepairOrder,
        stored: Option<RepairOrder>,
        groups: Vec<WorkGroup>,
        time: TimeFmt,
    ) -> RoForm {
        let mut form = RoForm {
            ro,
            stored,
            inputs: HashMap::new(),
            focus: 0,
            line_cursor: 0,
            parse_errors: HashMap::new(),
            check_errors: Vec::new(),
            draft_pending: false,
            groups,
            time,
        };
        form.reset_inputs();
        form
    }

    /// The RO as stored, with nothing edited. A signed RO opens on its
    /// lines: the header is the contract, what happens now is desk work,
    /// and the action letters work from there at once.
    pub fn stored(ro: RepairOrder, groups: Vec<WorkGroup>, time: TimeFmt) -> RoForm {
        let signed = ro.is_signed() || !ro.status.is_open();
        let mut form = RoForm::new(ro.clone(), Some(ro), groups, time);
        if signed {
            form.focus_on(FieldId::Lines);
        }
        form
    }

    /// My own write (a save, a signature) landed as `theirs`. Edits made
    /// since `base` was sent stay, on top of it; with none, the form simply
    /// shows the stored RO. The focus stays where it was.
    pub fn land(&mut self, base: &RepairOrder, theirs: RepairOrder) {
        let (focus, line) = (self.focus, self.line_cursor);
        if self.ro == *base {
            *self = RoForm::stored(theirs, self.groups.clone(), self.time);
            self.line_cursor = line.min(self.ro.lines.len().saturating_sub(1));
        } else {
            // Text areas already show my text; only the RO under them moves.
            self.ro = crate::domain::conflict::rebase(base, &self.ro, &theirs);
            self.stored = Some(theirs);
            self.draft_pending = true;
        }
        self.focus = focus;
    }

    /// The key its draft is kept under.
    pub fn draft_key(&self) -> i64 {
        self.ro.id.unwrap_or(NEW_RO)
    }

    /// Rebuilds every text area from the RO (after a load or a resolution).
    pub fn reset_inputs(&mut self) {
        self.inputs.clear();
        for f in ORDER {
            if f.is_text() {
                let multi = matches!(f.kind(), Kind::Multi(_));
                self.inputs.insert(
                    f,
                    text_area(&fields::text_of(&self.ro, f, self.time), multi),
                );
            }
        }
        self.parse_errors.clear();
    }

    pub fn field(&self) -> FieldId {
        ORDER[self.focus.min(ORDER.len() - 1)]
    }

    pub fn focus_on(&mut self, f: FieldId) {
        if let Some(i) = ORDER.iter().position(|x| *x == f) {
            self.focus = i;
        }
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % ORDER.len();
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + ORDER.len() - 1) % ORDER.len();
    }

    pub fn is_new(&self) -> bool {
        self.ro.id.is_none()
    }

    /// Unsaved: different from what is stored (a new RO with anything typed).
    pub fn is_dirty(&self) -> bool {
        match &self.stored {
            Some(s) => *s != self.ro,
            None => {
                self.ro != RepairOrder::new(&self.ro.advisor_login) || !self.ro.lines.is_empty()
            }
        }
    }

    fn changed(&mut self) {
        self.draft_pending = true;
        self.check_errors.clear();
    }

    /// The focused choice field takes its next (or previous) value.
    pub fn cycle(&mut self, forward: bool) {
        let f = self.field();
        if f.kind() == Kind::Choice {
            cycle(&mut self.ro, f, forward, &self.groups);
            self.changed();
        }
    }

    /// A key for the focused text field. Returns true if it was used.
    pub fn type_key(&mut self, key: KeyEvent, now: DateTime<Utc>) -> bool {
        let f = self.field();
        if !f.is_text() {
            return false;
        }
        let multi = matches!(f.kind(), Kind::Multi(_));
        if key.code == KeyCode::Enter && !multi {
            return false; // Enter in a one-line field moves on.
        }
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && !matches!(key.code, KeyCode::Char('h' | 'w' | 'u' | 'k'))
        {
            return false;
        }
        let Some(ta) = self.inputs.get_mut(&f) else {
            return false;
        };
        if !super::dialogs::safe_input(ta, key) {
            // Cursor movement changes nothing worth a draft.
            return matches!(
                key.code,
                KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Up
                    | KeyCode::Down
                    | KeyCode::Home
                    | KeyCode::End
            );
        }
        let text = ta.lines().join("\n");
        match apply_text(&mut self.ro, f, &text, self.time, now) {
            Ok(()) => self.parse_errors.remove(&f),
            Err(msg) => self.parse_errors.insert(f, msg),
        };
        self.changed();
        true
    }

    /// Pasted text into the focused text field: cleaned of control
    /// characters; one-line fields get it on one line.
    pub fn paste(&mut self, pasted: &str, now: DateTime<Utc>) -> bool {
        let f = self.field();
        let multi = matches!(f.kind(), Kind::Multi(_));
        let Some(ta) = self.inputs.get_mut(&f) else {
            return false;
        };
        let clean = if multi {
            crate::domain::text::clean_multiline(pasted)
        } else {
            crate::domain::text::clean_line(pasted)
        };
        if !ta.insert_str(clean) {
            return false;
        }
        let text = ta.lines().join("\n");
        match apply_text(&mut self.ro, f, &text, self.time, now) {
            Ok(()) => self.parse_errors.remove(&f),
            Err(msg) => self.parse_errors.insert(f, msg),
        };
        self.changed();
        true
    }

    /// Runs the domain checks for a save; the problems stay shown at their fields.
    pub fn check(&mut self, now: DateTime<Utc>, is_manager: bool, threshold_bp: i64) -> bool {
        let promise_changed = self
            .stored
            .as_ref()
            .is_none_or(|s| s.promised_at != self.ro.promised_at);
        let ctx = CheckContext {
            now,
            is_manager,
            discount_threshold_bp: threshold_bp,
            promise_changed,
        };
        self.check_errors = check_ro(&self.ro, &ctx);
        if let Some(first) = self.first_problem() {
            self.focus_on(first);
        }
        self.check_errors.is_empty() && self.parse_errors.is_empty()
    }

    fn first_problem(&self) -> Option<FieldId> {
        ORDER.into_iter().find(|f| self.message_at(*f).is_some())
    }

    /// The message to show at a field, if any.
    pub fn message_at(&self, f: FieldId) -> Option<String> {
        if let Some(m) = self.parse_errors.get(&f) {
            return Some(m.clone());
        }
        let df = f.domain_field()?;
        // A field and its override reason share one message: show it at the field.
        if matches!(f, FieldId::VinReason | FieldId::OdometerReason) {
            return None;
        }
        self.check_errors
            .iter()
            .find(|e| e.field == df)
            .map(|e| e.message.clone())
    }

    pub fn line_problems(&self) -> Vec<String> {
        self.check_errors
            .iter()
            .filter(|e| matches!(e.field, crate::domain::validate::Field::Line(_)))
            .map(|e| e.message.clone())
            .collect()
    }

    pub fn push_line(&mut self, line: RoLine) {
        self.ro.lines.push(line);
        self.line_cursor = self.ro.lines.len() - 1;
        self.changed();
    }

    pub fn replace_line(&mut self, i: usize, line: RoLine) {
        if let Some(l) = self.ro.lines.get_mut(i) {
            *l = line;
            self.changed();
        }
    }

    pub fn remove_line(&mut self) {
        if self.line_cursor < self.ro.lines.len() {
            self.ro.lines.remove(self.line_cursor);
            self.line_cursor = self.line_cursor.min(self.ro.lines.len().saturating_sub(1));
            self.changed();
        }
    }

    /// The draft of this edit, as it stands.
    pub fn draft(&self, login: &str, now: DateTime<Utc>) -> Draft {
        Draft {
            user_login: login.to_string(),
            ro_id: self.ro.id.unwrap_or(NEW_RO),
            base_version: self.ro.version,
            ro: self.ro.clone(),
            saved_at: now,
        }
    }
}
