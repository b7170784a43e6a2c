//! The service bay board (F2): its state and what its keys do. Drawing is in
//! `view.rs`, the move sequence in `moves.rs`. `update` changes state and
//! returns commands; it does no I/O.

pub mod moves;
pub mod view;

use crate::domain::board::{build_lanes, BoardFilter, Lane};
use crate::domain::roles::Permission;
use crate::domain::timing::is_late;
use crate::domain::{BoardCard, BoardSnapshot};
use crate::store::{Store, StoreResult};
use crate::ui::desk::{self, DeskPrompt, Prompted, Target};
use crate::ui::detail::detail_view;
use crate::ui::effects::{Read, ReadOut, Write};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use moves::MovePick;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardRow {
    Lane(usize),
    Card(usize),
}

#[derive(Debug, Default)]
pub struct BoardPane {
    pub snapshot: Arc<BoardSnapshot>,
    pub filter: BoardFilter,
    pub query: String,
    pub searching: bool,
    /// The selected RO by id, so a reload never moves the cursor to another car.
    pub selected: Option<i64>,
    /// First visible row.
    pub offset: usize,
    pub lanes: Vec<Lane>,
    pub rows: Vec<BoardRow>,
    me: Option<i64>,
    /// Rows the board showed last frame, for PgUp/PgDn.
    page: usize,
    /// The last desk dialog's answers and car, brought back if refused.
    last_prompt: Option<(Prompted, Target)>,
    /// ROs whose remaining work no longer fits before their promise, and
    /// the snapshot and minute they were reckoned for.
    pub risk: std::collections::HashSet<i64>,
    risk_for: Option<(usize, i64)>,
}

impl BoardPane {
    /// Replaces the data (after any commit), keeping the cursor on the same
    /// RO; if that RO has left the board, on the row where it was.
    pub fn set_snapshot(&mut self, snapshot: Arc<BoardSnapshot>, me: Option<i64>) {
        let old_row = self.selected_row();
        self.snapshot = snapshot;
        self.me = me;
        self.rebuild(old_row);
    }

    /// Reckons the promise risk again when the data or the minute changed
    /// (not on every frame: a cursor move redraws without it).
    pub fn refresh_risk(&mut self, cx: &Ctx) {
        let key = (
            Arc::as_ptr(&self.snapshot) as usize,
            cx.now.timestamp() / 60,
        );
        if self.risk_for == Some(key) {
            return;
        }
        let settings = &cx.session.settings;
        let offset = cx.time.offset_at(cx.now);
        self.risk = crate::domain::book::risk::at_risk(
            &self.snapshot,
            &self.snapshot.booked,
            settings.workshop,
            offset,
            cx.now,
        );
        self.risk_for = Some(key);
    }

    fn rebuild(&mut self, old_row: Option<usize>) {
        self.lanes = build_lanes(&self.snapshot, self.filter, self.me, &self.query);
        self.rows.clear();
        for (i, lane) in self.lanes.iter().enumerate() {
            self.rows.push(BoardRow::Lane(i));
            self.rows
                .extend(lane.cards.iter().map(|&c| BoardRow::Card(c)));
        }
        let still_here = self.selected.is_some_and(|id| self.row_of(id).is_some());
        if !still_here {
            self.selected = self.nearest_card(old_row.unwrap_or(0));
        }
    }

    fn row_of(&self, id: i64) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| matches!(r, BoardRow::Card(c) if self.snapshot.cards[*c].id == id))
    }

    pub fn selected_row(&self) -> Option<usize> {
        self.selected.and_then(|id| self.row_of(id))
    }

    /// The card nearest to `row` (the later one on a tie).
    fn nearest_card(&self, row: usize) -> Option<i64> {
        let id_at = |r: usize| match self.rows.get(r) {
            Some(BoardRow::Card(c)) => Some(self.snapshot.cards[*c].id),
            _ => None,
        };
        (0..=self.rows.len())
            .find_map(|d| id_at(row + d).or_else(|| row.checked_sub(d).and_then(id_at)))
    }

    pub fn selected_card(&self) -> Option<&BoardCard> {
        self.selected.and_then(|id| self.snapshot.card(id))
    }

    /// Moves the cursor by `delta` cards (negative is up).
    fn step(&mut self, delta: isize) {
        let cards: Vec<usize> = (0..self.rows.len())
            .filter(|&r| matches!(self.rows[r], BoardRow::Card(_)))
            .collect();
        if cards.is_empty() {
            return;
        }
        let current = self
            .selected_row()
            .and_then(|r| cards.iter().position(|&c| c == r))
            .unwrap_or(0) as isize;
        let target = (current + delta).clamp(0, cards.len() as isize - 1) as usize;
        if let BoardRow::Card(c) = self.rows[cards[target]] {
            self.selected = Some(self.snapshot.cards[c].id);
        }
    }

    /// Keeps the selected row inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if let Some(row) = self.selected_row() {
            // Show the lane header above the first card of a lane when possible.
            let top = if row > 0 && matches!(self.rows[row - 1], BoardRow::Lane(_)) {
                row - 1
            } else {
                row
            };
            if top < self.offset {
                self.offset = top;
            } else if row >= self.offset + height {
                self.offset = row + 1 - height;
            }
        }
        self.offset = self.offset.min(self.rows.len().saturating_sub(height));
    }

    pub fn set_query(&mut self, query: String) {
        let row = self.selected_row();
        self.query = query;
        self.offset = 0;
        self.rebuild(row);
    }

    fn cycle_filter(&mut self) {
        let bays: Vec<i64> = self.snapshot.bays.iter().map(|b| b.id).collect();
        let next = match self.filter {
            BoardFilter::All => BoardFilter::Mine,
            BoardFilter::Mine => bays
                .first()
                .map_or(BoardFilter::All, |&b| BoardFilter::Bay(b)),
            BoardFilter::Bay(b) => match bays.iter().position(|&x| x == b) {
                Some(i) if i + 1 < bays.len() => BoardFilter::Bay(bays[i + 1]),
                _ => BoardFilter::All,
            },
        };
        self.filter = next;
        self.offset = 0;
        let row = self.selected_row();
        self.rebuild(row);
    }
}

impl BoardPane {
    fn with_card(&self, cx: &Ctx, f: impl FnOnce(&BoardCard) -> Vec<Command>) -> Vec<Command> {
        match self.selected_card() {
            Some(card) => f(card),
            None => vec![Command::Warn(cx.texts.get("msg.no_card").into())],
        }
    }

    /// Moving cars is for the roles that dispatch; the others are told so.
    fn dispatch(&self, cx: &Ctx, f: impl FnOnce(&BoardCard) -> Vec<Command>) -> Vec<Command> {
        if let Err(why) = cx.session.permit(Permission::MoveCars, cx.texts) {
            return vec![Command::Warn(why)];
        }
        self.with_card(cx, f)
    }

    /// The desk dialogs on the selected car: the progress check (`c`), the
    /// pickup call (`t`, which asks for a reason only when the car is or
    /// will be late), the final quality check (`v`).
    fn desk(&mut self, cx: &Ctx, action: Action) -> Vec<Command> {
        let Some(card) = self.selected_card() else {
            return vec![Command::Warn(cx.texts.get("msg.no_card").into())];
        };
        let permission = match action {
            Action::ProgressChecked => Permission::CheckProgress,
            Action::PickupCalled => Permission::CallCustomer,
            _ => Permission::QualityCheck,
        };
        if let Err(why) = cx.session.permit(permission, cx.texts) {
            return vec![Command::Warn(why)];
        }
        let target = Target {
            ro_id: card.id,
            version: card.version,
            number: card.number.clone(),
        };
        let purpose = match action {
            Action::ProgressChecked => DeskPrompt::Progress {
                promised: card.times.promised_at,
            },
            Action::PickupCalled if !is_late(&card.times, cx.now) => {
                let (ro_id, version) = (card.id, card.version);
                let what = cx.texts.fill("what.call", &[("ro", &card.number)]);
                let late_reason = String::new();
                let write = Write::PickupCall {
                    ro_id,
                    version,
                    late_reason,
                };
                return vec![Command::write(write, what)];
            }
            Action::PickupCalled => DeskPrompt::Pickup,
            _ => DeskPrompt::Quality,
        };
        desk::open(purpose, &target, cx)
    }

    /// A finished desk dialog: its write, kept in case the store says no.
    fn prompted(&mut self, p: Prompted, cx: &Ctx) -> Vec<Command> {
        let Some(card) = self.selected_card() else {
            return Vec::new();
        };
        let target = Target {
            ro_id: card.id,
            version: card.version,
            number: card.number.clone(),
        };
        let command = desk::write(&p, &target, cx);
        self.last_prompt = Some((p, target));
        command.into_iter().collect()
    }

    /// Typing in the search field: the search keys, else characters.
    fn search_key(&mut self, key: KeyEvent, cx: &Ctx) -> Option<Vec<Command>> {
        let mut query = self.query.clone();
        match cx.keymap.resolve(&[KeyContext::Search], key) {
            Some(Action::Submit) => self.searching = false,
            Some(Action::Back) => {
                self.searching = false;
                query.clear();
            }
            _ => match key.code {
                KeyCode::Backspace => drop(query.pop()),
                KeyCode::Char(c)
                    if !c.is_control()
                        && !key
                            .modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    query.push(c)
                }
                // F-keys and the like reach the shell.
                _ => return None,
            },
        }
        if query != self.query {
            self.set_query(query);
        }
        Some(Vec::new())
    }

    /// A write came back: say what happened. A refused desk dialog comes
    /// back with its answers and the reason.
    fn wrote(&mut self, write: &Write, failed: Option<String>, cx: &Ctx) -> Vec<Command> {
        let prompt = self.last_prompt.take();
        if let Some(why) = failed {
            let mut commands = vec![Command::Warn(why.clone())];
            if let Some((p, target)) = prompt {
                let dialog = desk::again(&p, &target, why, cx);
                commands.insert(0, Command::Push(Box::new(dialog)));
            }
            return commands;
        }
        let t = cx.texts;
        let number = write
            .ro_id()
            .and_then(|id| self.snapshot.card(id))
            .map(|c| c.number.clone())
            .unwrap_or_default();
        let text = match write {
            Write::Move(req) => {
                let status = t.get(&format!("status.{}", req.to.code()));
                t.fill("msg.moved", &[("ro", &number), ("status", status)])
            }
            Write::ProgressCheck { .. } => t.fill("msg.checked", &[("ro", &number)]),
            Write::PickupCall { .. } => t.fill("msg.called", &[("ro", &number)]),
            Write::QualityCheck { passed: true, .. } => {
                t.fill("msg.quality_passed", &[("ro", &number)])
            }
            Write::QualityCheck { .. } => t.fill("msg.quality_failed", &[("ro", &number)]),
            _ => return Vec::new(),
        };
        vec![Command::Notice(text)]
    }
}

impl Pane for BoardPane {
    fn in_hand(&self) -> Option<i64> {
        self.selected_card().map(|c| c.id)
    }

    fn id(&self) -> PaneId {
        PaneId::Board
    }

    fn contexts(&self) -> &'static [KeyContext] {
        if self.searching {
            &[KeyContext::Search]
        } else {
            &[KeyContext::Board, KeyContext::List]
        }
    }

    fn help_contexts(&self) -> &'static [KeyContext] {
        &[
            KeyContext::Board,
            KeyContext::Global,
            KeyContext::List,
            KeyContext::Search,
            KeyContext::Popup,
        ]
    }

    fn help_note(&self) -> Option<&'static str> {
        Some("help.legend")
    }

    fn typing(&self) -> bool {
        self.searching
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> Option<Vec<Command>> {
        if self.searching {
            return self.search_key(key, cx);
        }
        let action = cx.keymap.resolve(self.contexts(), key)?;
        Some(self.update(action, cx))
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        let page = self.page.max(1) as isize;
        match action {
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-page),
            Action::PageDown => self.step(page),
            Action::Home => self.step(isize::MIN / 2),
            Action::End => self.step(isize::MAX / 2),
            Action::Search => self.searching = true,
            Action::Back if !self.query.is_empty() => self.set_query(String::new()),
            Action::CycleFilter => self.cycle_filter(),
            Action::Quit => return vec![Command::Quit],
            Action::New => return vec![Command::Goto(PaneId::RepairOrder, Some(Request::NewRo))],
            Action::Open => {
                return self.with_card(cx, |c| vec![Command::Read(Read::Detail(c.id))]);
            }
            Action::Edit => {
                return self.with_card(cx, |c| {
                    let open = Request::OpenRo(c.id);
                    vec![Command::Goto(PaneId::RepairOrder, Some(open))]
                });
            }
            Action::AssignBay => {
                return self.dispatch(cx, |c| moves::choose_bay(c, cx.board, None, cx.texts));
            }
            Action::MoveStatus => {
                return self.dispatch(cx, |c| moves::choose_status(c, cx.texts));
            }
            Action::ProgressChecked | Action::PickupCalled | Action::ActQuality => {
                return self.desk(cx, action)
            }
            _ => {}
        }
        Vec::new()
    }

    fn paste(&mut self, text: &str, _cx: &Ctx) -> Vec<Command> {
        if self.searching {
            let query = format!("{}{}", self.query, crate::domain::text::clean_line(text));
            self.set_query(query);
        }
        Vec::new()
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command> {
        match done {
            Done::Read(ReadOut::Detail(d)) => {
                let view = detail_view(&d, cx.texts, cx.time);
                vec![Command::Push(Box::new(view))]
            }
            Done::Wrote {
                write,
                what,
                result,
            } => {
                let failed = result.err().map(|e| {
                    let why = e.to_string();
                    cx.texts
                        .fill("msg.not_saved", &[("what", &what), ("why", &why)])
                });
                self.wrote(&write, failed, cx)
            }
            Done::Picked(value) => match value.downcast::<MovePick>() {
                Ok(pick) => moves::next(*pick, cx.board, cx.texts),
                Err(value) => match value.downcast::<Prompted>() {
                    Ok(p) => self.prompted(*p, cx),
                    Err(_) => Vec::new(),
                },
            },
            Done::Read(_) => Vec::new(),
        }
    }

    fn reload(&mut self, _store: &dyn Store, cx: &Ctx) -> StoreResult<()> {
        self.set_snapshot(Arc::clone(cx.board), cx.session.me());
        Ok(())
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        self.page = area.height.saturating_sub(3).max(1) as usize;
        view::render(self, frame, area, cx);
    }
}
