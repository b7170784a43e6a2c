//! The callback queue (F5): overdue, today and upcoming calls, filtered by
//! kind and by agent; the selected customer's history and a script; taking
//! a call (claimed across terminals), recording its outcome, opening a
//! complaint. Drawing is in `view.rs`, the dialogs in `dialogs.rs`.

pub mod dialogs;
pub mod script;
pub mod view;

use crate::domain::callbacks::Kind;
use crate::domain::roles::Permission;
use crate::store::callbacks::{Agent, CustomerFile, QueueFilter, QueueRow};
use crate::store::{Store, StoreResult};
use crate::ui::desk::{DeskPrompt, Prompted};
use crate::ui::effects::{Read, ReadOut, Write, WriteOut};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use ratatui::layout::Rect;
use ratatui::Frame;

#[derive(Default)]
pub struct CallbacksPane {
    pub rows: Vec<QueueRow>,
    /// The selected callback by id, so a reload keeps the cursor on it.
    pub selected: Option<i64>,
    pub kind: Option<Kind>,
    pub agent: Agent,
    /// The whole group's queue (a call centre), not only the working shop's.
    pub group: bool,
    /// The selected customer's file, once read.
    pub file: Option<CustomerFile>,
    pub offset: usize,
    page: usize,
    /// The contact dialog's answers, brought back if the store refuses.
    last: Option<Prompted>,
}

impl CallbacksPane {
    pub fn cursor(&self) -> Option<usize> {
        let id = self.selected?;
        self.rows.iter().position(|r| r.id == id)
    }

    pub fn current(&self) -> Option<&QueueRow> {
        self.cursor().map(|i| &self.rows[i])
    }

    fn filter(&self, cx: &Ctx) -> QueueFilter {
        QueueFilter {
            kind: self.kind,
            agent: self.agent,
            me: cx.session.login.clone(),
            group: self.group && cx.session.group,
        }
    }

    /// Moves the cursor by `delta` rows and asks for the new customer's file.
    fn step(&mut self, delta: isize) -> Vec<Command> {
        if self.rows.is_empty() {
            return Vec::new();
        }
        let at = self.cursor().unwrap_or(0) as isize;
        let to = (at + delta).clamp(0, self.rows.len() as isize - 1) as usize;
        self.selected = Some(self.rows[to].id);
        self.read_file()
    }

    fn read_file(&mut self) -> Vec<Command> {
        match self.current() {
            Some(row) if self.file.as_ref().map(|f| f.customer_id) != Some(row.customer_id) => {
                vec![Command::Read(Read::CustomerFile(row.customer_id))]
            }
            _ => Vec::new(),
        }
    }

    /// Enter: take the call (if not ours yet), then record it.
    fn take(&mut self, cx: &Ctx) -> Vec<Command> {
        if let Err(e) = cx.session.permit(Permission::CallCustomer, cx.texts) {
            return vec![Command::Warn(e)];
        }
        let Some(row) = self.current() else {
            return Vec::new();
        };
        if row.claimed_by.as_deref() == Some(cx.session.login.as_str()) {
            return dialogs::contact(row, cx);
        }
        let what = cx.texts.fill("calls.taking", &[("who", &row.customer)]);
        vec![Command::write(Write::Claim { id: row.id }, what)]
    }

    fn complaint(&self, cx: &Ctx) -> Vec<Command> {
        if let Err(e) = cx.session.permit(Permission::CallCustomer, cx.texts) {
            return vec![Command::Warn(e)];
        }
        match self.current() {
            Some(row) => dialogs::complaint(row, cx),
            None => Vec::new(),
        }
    }

    fn release(&self, cx: &Ctx) -> Vec<Command> {
        match self.current() {
            Some(row) if row.claimed_by.as_deref() == Some(cx.session.login.as_str()) => {
                let what = cx.texts.get("calls.releasing").to_string();
                vec![Command::write(Write::Release { id: row.id }, what)]
            }
            _ => Vec::new(),
        }
    }

    fn cycle_kind(&mut self) {
        let all = Kind::ALL;
        self.kind = match self.kind {
            None => Some(all[0]),
            Some(k) => all
                .iter()
                .position(|x| *x == k)
                .and_then(|i| all.get(i + 1).copied()),
        };
    }

    fn cycle_agent(&mut self) {
        self.agent = match self.agent {
            Agent::All => Agent::Mine,
            Agent::Mine => Agent::Free,
            Agent::Free => Agent::All,
        };
    }

    fn wrote(&mut self, write: Write, result: StoreResult<WriteOut>, cx: &Ctx) -> Vec<Command> {
        match (write, result) {
            (Write::Claim { id }, Ok(_)) => {
                let row = self.rows.iter().find(|r| r.id == id).cloned();
                match row {
                    Some(mut row) => {
                        row.claimed_by = Some(cx.session.login.clone());
                        dialogs::contact(&row, cx)
                    }
                    None => Vec::new(),
                }
            }
            (Write::Contact { .. }, Ok(WriteOut::Contact(status))) => {
                self.last = None;
                vec![Command::Notice(
                    cx.texts
                        .fill("calls.recorded", &[("status", status.words())]),
                )]
            }
            (Write::Contact { id, .. }, Err(e)) => {
                let row = self.rows.iter().find(|r| r.id == id).cloned();
                match (self.last.take(), row) {
                    (Some(p), Some(row)) => dialogs::again(&p, &row, e.to_string(), cx),
                    _ => vec![Command::Warn(e.to_string())],
                }
            }
            (_, Err(e)) => vec![Command::Warn(e.to_string())],
            (Write::Complaint(_), Ok(_)) => {
                vec![Command::Notice(
                    cx.texts.get("calls.complaint_opened").into(),
                )]
            }
            _ => Vec::new(),
        }
    }
}

impl Pane for CallbacksPane {
    fn id(&self) -> PaneId {
        PaneId::Callbacks
    }

    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Callbacks, KeyContext::List]
    }

    fn in_hand(&self) -> Option<i64> {
        self.current().and_then(|r| r.ro_id)
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        match action {
            Action::Quit => vec![Command::Quit],
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-(self.page.max(1) as isize)),
            Action::PageDown => self.step(self.page.max(1) as isize),
            Action::Home => self.step(-(self.rows.len() as isize)),
            Action::End => self.step(self.rows.len() as isize),
            Action::Open | Action::ActCall => self.take(cx),
            Action::OpenComplaint => self.complaint(cx),
            Action::ReleaseCall => self.release(cx),
            Action::CycleFilter => {
                self.cycle_kind();
                vec![Command::Reload]
            }
            Action::CycleAgent => {
                self.cycle_agent();
                vec![Command::Reload]
            }
            Action::ShopOrGroup if cx.session.group => {
                self.group = !self.group;
                vec![Command::Reload]
            }
            Action::New => vec![Command::Goto(PaneId::RepairOrder, Some(Request::NewRo))],
            Action::Back => vec![Command::Goto(PaneId::Board, None)],
            _ => Vec::new(),
        }
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command> {
        match done {
            Done::Read(ReadOut::File(file)) => {
                self.file = Some(*file);
                Vec::new()
            }
            Done::Wrote { write, result, .. } => self.wrote(write, result, cx),
            Done::Picked(value) => match value.downcast::<Prompted>() {
                Ok(p) => {
                    let out = dialogs::write(&p, cx);
                    if matches!(p.purpose, DeskPrompt::Contact { .. }) {
                        self.last = Some(*p);
                    }
                    out
                }
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn reload(&mut self, store: &dyn Store, cx: &Ctx) -> StoreResult<()> {
        let old = self.cursor().unwrap_or(0);
        self.rows = store.callback_queue(&self.filter(cx), cx.now)?;
        let kept = self
            .selected
            .is_some_and(|id| self.rows.iter().any(|r| r.id == id));
        if !kept {
            let i = old.min(self.rows.len().saturating_sub(1));
            self.selected = self.rows.get(i).map(|r| r.id);
        }
        self.file = match self.current() {
            Some(row) => Some(store.customer_file(row.customer_id)?),
            None => None,
        };
        Ok(())
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        self.page = view::render(self, frame, area, cx);
    }
}
