//! The appointment book (F6): a day by bay or by work group, with each
//! one's booked hours against its capacity, or the week; booking, moving,
//! cancelling, no-shows, telling the workshop, and checking a car in from
//! its appointment in one key. Drawing is in `view.rs`, forms in
//! `dialogs.rs`.

pub mod dialogs;
pub mod view;

use crate::domain::book::capacity::week_of;
use crate::domain::book::{Appointment, ShowRate};
use crate::domain::draft::SearchHit;
use crate::store::{Store, StoreResult};
use crate::ui::desk::{DeskPrompt, Prompted};
use crate::ui::effects::{Write, WriteOut};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use crate::ui::ro::dialogs::{Finder, FinderPick};
use chrono::{Duration, NaiveDate};
use dialogs::BookingFor;
use ratatui::layout::Rect;
use ratatui::Frame;

#[derive(Default)]
pub struct BookPane {
    /// The day shown (shop time); None until first shown: today.
    pub day: Option<NaiveDate>,
    pub week: bool,
    /// Load by work group instead of by bay.
    pub by_group: bool,
    pub appointments: Vec<Appointment>,
    pub rate: ShowRate,
    /// The selected appointment by id, so a reload keeps it.
    pub selected: Option<i64>,
    pub offset: usize,
    page: usize,
    /// The form's answers, brought back if the store refuses them.
    last: Option<Prompted>,
}

impl BookPane {
    pub fn day(&self, cx: &Ctx) -> NaiveDate {
        self.day.unwrap_or_else(|| cx.time.local(cx.now).date())
    }

    /// The days on screen: one, or Monday to Sunday.
    pub fn days(&self, cx: &Ctx) -> Vec<NaiveDate> {
        if self.week {
            week_of(self.day(cx)).to_vec()
        } else {
            vec![self.day(cx)]
        }
    }

    pub fn cursor(&self) -> Option<usize> {
        let id = self.selected?;
        self.appointments.iter().position(|a| a.id == id)
    }

    pub fn current(&self) -> Option<&Appointment> {
        self.cursor().map(|i| &self.appointments[i])
    }

    fn step(&mut self, delta: isize) {
        if self.appointments.is_empty() {
            return;
        }
        let at = self.cursor().unwrap_or(0) as isize;
        let to = (at + delta).clamp(0, self.appointments.len() as isize - 1) as usize;
        self.selected = Some(self.appointments[to].id);
    }

    fn shift(&mut self, days: i64, cx: &Ctx) -> Vec<Command> {
        let step = if self.week { days * 7 } else { days };
        self.day = Some(self.day(cx) + Duration::days(step));
        self.selected = None;
        vec![Command::Reload]
    }

    /// A write on the selected appointment, if there is one and it is still
    /// expected.
    fn on_current(
        &self,
        cx: &Ctx,
        make: impl FnOnce(&Appointment) -> Vec<Command>,
    ) -> Vec<Command> {
        match self.current() {
            Some(a) if a.status.is_active() => make(a),
            Some(a) => vec![Command::Warn(cx.texts.fill(
                "book.closed",
                &[("status", cx.texts.get(&format!("appt.{}", a.status.code())))],
            ))],
            None => vec![Command::Warn(cx.texts.get("book.none_selected").into())],
        }
    }

    fn permitted(&self, cx: &Ctx, p: crate::domain::roles::Permission) -> Option<Vec<Command>> {
        cx.session
            .permit(p, cx.texts)
            .err()
            .map(|e| vec![Command::Warn(e)])
    }

    fn act(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        use crate::domain::roles::Permission::*;
        let permission = match action {
            Action::CheckInAppt | Action::Open => WriteRo,
            _ => BookAppointments,
        };
        if let Some(refused) = self.permitted(cx, permission) {
            return refused;
        }
        let t = cx.texts;
        match action {
            Action::New => vec![Command::Push(Box::new(Finder::titled("book.finder_title")))],
            Action::CheckInAppt | Action::Open => self.on_current(cx, |a| {
                let w = Write::CheckIn {
                    id: a.id,
                    version: a.version,
                };
                vec![Command::write(w, t.get("book.checking_in"))]
            }),
            Action::MoveAppt => self.on_current(cx, |a| dialogs::form(about(a), Some(a), cx)),
            Action::CancelAppt => self.on_current(cx, |a| dialogs::cancel(a, cx)),
            Action::NoShow => self.on_current(cx, |a| {
                let w = Write::NoShow {
                    id: a.id,
                    version: a.version,
                };
                vec![Command::write(w, t.get("book.saving"))]
            }),
            Action::TellWorkshop => self.on_current(cx, |a| {
                let w = Write::TellWorkshop {
                    id: a.id,
                    version: a.version,
                };
                vec![Command::write(w, t.get("book.saving"))]
            }),
            _ => Vec::new(),
        }
    }

    fn wrote(&mut self, write: Write, result: StoreResult<WriteOut>, cx: &Ctx) -> Vec<Command> {
        let t = cx.texts;
        match (write, result) {
            (Write::CheckIn { .. }, Ok(WriteOut::CheckedIn(ro, number))) => vec![
                Command::Notice(t.fill("book.checked_in", &[("number", &number)])),
                Command::Goto(PaneId::RepairOrder, Some(Request::OpenRo(ro))),
            ],
            (Write::Book(_) | Write::MoveAppt { .. }, Ok(_)) => {
                self.last = None;
                vec![Command::Notice(t.get("book.booked").into())]
            }
            (Write::Book(_) | Write::MoveAppt { .. }, Err(e)) => match self.last.take() {
                Some(p) => dialogs::again(&p, e.to_string(), cx),
                None => vec![Command::Warn(e.to_string())],
            },
            (_, Err(e)) => vec![Command::Warn(e.to_string())],
            (_, Ok(_)) => vec![Command::Notice(t.get("book.saved").into())],
        }
    }
}

fn about(a: &Appointment) -> BookingFor {
    BookingFor {
        customer_id: a.customer_id,
        vehicle_id: a.vehicle_id,
        moving: Some((a.id, a.version)),
        who: format!("{} · {}", a.plate, a.customer),
    }
}

fn for_hit(hit: &SearchHit) -> BookingFor {
    BookingFor {
        customer_id: hit.customer_id,
        vehicle_id: Some(hit.vehicle_id),
        moving: None,
        who: format!("{} · {}", hit.plate, hit.customer),
    }
}

impl Pane for BookPane {
    fn id(&self) -> PaneId {
        PaneId::Appointments
    }

    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Book, KeyContext::List]
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        match action {
            Action::Quit => vec![Command::Quit],
            Action::Up => {
                self.step(-1);
                Vec::new()
            }
            Action::Down => {
                self.step(1);
                Vec::new()
            }
            Action::PageUp => {
                self.step(-(self.page.max(1) as isize));
                Vec::new()
            }
            Action::PageDown => {
                self.step(self.page.max(1) as isize);
                Vec::new()
            }
            Action::Home => {
                self.step(isize::MIN / 2);
                Vec::new()
            }
            Action::End => {
                self.step(isize::MAX / 2);
                Vec::new()
            }
            Action::Left => self.shift(-1, cx),
            Action::Right => self.shift(1, cx),
            Action::Today => {
                self.day = None;
                vec![Command::Reload]
            }
            Action::WeekView => {
                self.week = !self.week;
                vec![Command::Reload]
            }
            Action::ByGroup => {
                self.by_group = !self.by_group;
                Vec::new()
            }
            Action::Search => vec![Command::Push(Box::<crate::ui::seek::Seek>::default())],
            other => self.act(other, cx),
        }
    }

    fn on_show(&mut self, request: Option<Request>, cx: &Ctx) -> Vec<Command> {
        match request {
            Some(Request::BookFor {
                customer_id,
                vehicle_id,
            }) => {
                let about = BookingFor {
                    customer_id,
                    vehicle_id,
                    moving: None,
                    who: String::new(),
                };
                dialogs::form(about, None, cx)
            }
            _ => Vec::new(),
        }
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command> {
        match done {
            Done::Wrote { write, result, .. } => self.wrote(write, result, cx),
            Done::Picked(value) => {
                let value = match value.downcast::<FinderPick>() {
                    Ok(pick) => {
                        return match *pick {
                            FinderPick::Hit(hit) => dialogs::form(for_hit(&hit), None, cx),
                            FinderPick::NewCustomer(_) => {
                                vec![Command::Warn(cx.texts.get("book.new_customer").into())]
                            }
                        }
                    }
                    Err(v) => v,
                };
                match value.downcast::<Prompted>() {
                    Ok(p) => {
                        let out = dialogs::write(&p, cx);
                        if matches!(p.purpose, DeskPrompt::Booking(_)) {
                            self.last = Some(*p);
                        }
                        out
                    }
                    Err(_) => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn reload(&mut self, store: &dyn Store, cx: &Ctx) -> StoreResult<()> {
        let days = self.days(cx);
        let offset = cx.time.offset_at(cx.now);
        let from = view::midnight(days[0], offset);
        let to = view::midnight(days[days.len() - 1] + Duration::days(1), offset);
        let old = self.cursor().unwrap_or(0);
        self.appointments = store.appointments(from, to)?;
        // The period's figures come from the rows on screen: no second query.
        self.rate = ShowRate::of(self.appointments.iter().map(|a| a.status));
        let kept = self
            .selected
            .is_some_and(|id| self.appointments.iter().any(|a| a.id == id));
        if !kept {
            let i = old.min(self.appointments.len().saturating_sub(1));
            self.selected = self.appointments.get(i).map(|a| a.id);
        }
        Ok(())
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        self.page = view::render(self, frame, area, cx);
    }
}
