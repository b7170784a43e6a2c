//! Customer and vehicle files (F7, step 12): contact and preferences, the
//! cars owned now and before, every visit with its lines, declined items,
//! payments, complaints, contacts and appointments, and the next
//! maintenance due. `e` edits (audited), `b` books an appointment, `M`
//! merges a duplicate into this file (manager), Enter opens a visit's RO.

pub mod dialogs;
pub mod view;

use crate::domain::roles::Permission;
use crate::store::book::FullFile;
use crate::store::{Store, StoreResult};
use crate::ui::desk::{DeskPrompt, Prompted};
use crate::ui::effects::{Write, WriteOut};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use ratatui::layout::Rect;
use ratatui::Frame;
use view::FileLine;

#[derive(Default)]
pub struct FilesPane {
    pub customer_id: Option<i64>,
    /// The car the file was opened at (the search's pick): `b` books for it.
    pub vehicle_id: Option<i64>,
    /// The cursor still has to move to that car (once, on the first load).
    place_cursor: bool,
    pub file: Option<FullFile>,
    /// The file as lines, built once per load; the cursor moves over them.
    pub lines: Vec<FileLine>,
    pub cursor: usize,
    pub offset: usize,
    page: usize,
}

impl FilesPane {
    fn step(&mut self, delta: isize) {
        let last = self.lines.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
    }

    /// Tab: the next car (or section) heading.
    fn next_section(&mut self, forward: bool) {
        let heads: Vec<usize> = (0..self.lines.len())
            .filter(|i| self.lines[*i].heading)
            .collect();
        let to = if forward {
            heads.into_iter().find(|i| *i > self.cursor)
        } else {
            heads.into_iter().rev().find(|i| *i < self.cursor)
        };
        if let Some(i) = to {
            self.cursor = i;
        }
    }

    fn with_file(
        &self,
        cx: &Ctx,
        p: Permission,
        f: impl FnOnce(&FullFile) -> Vec<Command>,
    ) -> Vec<Command> {
        if let Err(e) = cx.session.permit(p, cx.texts) {
            return vec![Command::Warn(e)];
        }
        match &self.file {
            Some(file) if file.merged_into.is_none() => f(file),
            Some(_) => vec![Command::Warn(cx.texts.get("file.merged").into())],
            None => vec![Command::Warn(cx.texts.get("file.none").into())],
        }
    }

    fn open(&self) -> Vec<Command> {
        match self.lines.get(self.cursor).and_then(|l| l.ro_id) {
            Some(ro) => vec![Command::Goto(
                PaneId::RepairOrder,
                Some(Request::OpenRo(ro)),
            )],
            None => Vec::new(),
        }
    }
}

impl Pane for FilesPane {
    fn id(&self) -> PaneId {
        PaneId::Customers
    }

    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::File, KeyContext::List]
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        let page = self.page.max(1) as isize;
        match action {
            Action::Quit => return vec![Command::Quit],
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-page),
            Action::PageDown => self.step(page),
            Action::Home => self.cursor = 0,
            Action::End => self.step(isize::MAX / 2),
            Action::NextSection => self.next_section(true),
            Action::PrevSection => self.next_section(false),
            Action::Open => return self.open(),
            Action::Search | Action::New => {
                return vec![Command::Push(Box::<crate::ui::seek::Seek>::default())]
            }
            Action::EditFile => {
                return self.with_file(cx, Permission::EditCustomers, |f| dialogs::edit(f, cx))
            }
            Action::MergeFile => {
                return self.with_file(cx, Permission::MergeCustomers, |f| dialogs::merge(f, cx))
            }
            Action::BookAppt => {
                let vehicle = self.vehicle_id;
                return self.with_file(cx, Permission::BookAppointments, |f| {
                    let request = Request::BookFor {
                        customer_id: f.customer_id,
                        vehicle_id: vehicle.or(f
                            .cars
                            .iter()
                            .find(|c| c.until.is_none())
                            .map(|c| c.vehicle_id)),
                    };
                    vec![Command::Goto(PaneId::Appointments, Some(request))]
                });
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_show(&mut self, request: Option<Request>, _cx: &Ctx) -> Vec<Command> {
        match request {
            Some(Request::OpenFile {
                customer_id,
                vehicle_id,
            }) => {
                self.customer_id = Some(customer_id);
                self.vehicle_id = vehicle_id;
                self.place_cursor = true;
                self.cursor = 0;
                self.offset = 0;
                vec![Command::Reload]
            }
            _ => Vec::new(),
        }
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command> {
        let t = cx.texts;
        match done {
            Done::Picked(value) => match value.downcast::<Prompted>() {
                Ok(p)
                    if matches!(
                        p.purpose,
                        DeskPrompt::CustomerEdit { .. } | DeskPrompt::Merge { .. }
                    ) =>
                {
                    dialogs::write(&p, cx)
                }
                _ => Vec::new(),
            },
            Done::Wrote { result: Err(e), .. } => vec![Command::Warn(e.to_string())],
            Done::Wrote {
                write: Write::Merge { gone, .. },
                result: Ok(WriteOut::Merged(m)),
                ..
            } => vec![Command::Notice(t.fill(
                "file.merged_done",
                &[
                    ("gone", &gone.to_string()),
                    ("ros", &m.repair_orders.to_string()),
                    ("cars", &m.cars.to_string()),
                ],
            ))],
            Done::Wrote { .. } => vec![Command::Notice(t.get("file.saved").into())],
            _ => Vec::new(),
        }
    }

    fn reload(&mut self, store: &dyn Store, cx: &Ctx) -> StoreResult<()> {
        let Some(id) = self.customer_id else {
            return Ok(());
        };
        let file = store.full_file(id, cx.now)?;
        self.lines = view::lines(&file, cx);
        if let Some(v) = self.vehicle_id.take() {
            if let Some(i) = self
                .lines
                .iter()
                .position(|l| l.heading && l.vehicle_id == Some(v))
            {
                self.cursor = i;
            }
        }
        self.cursor = self.cursor.min(self.lines.len().saturating_sub(1));
        self.file = Some(file);
        Ok(())
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        self.page = view::render(self, frame, area, cx);
    }
}
