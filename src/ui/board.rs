//! The service bay board (F2): its state and what its keys do. Drawing is in
//! `board_view.rs`. `update` changes state and returns commands; it does no I/O.

use super::overlay::{Overlay, PickItem, PickPurpose, PickValue, Picker};
use super::{Command, Effect};
use crate::domain::board::{build_lanes, BoardFilter, Lane};
use crate::domain::{BayKind, BoardCard, BoardSnapshot, RoStatus};
use crate::ui::i18n::Texts;
use crate::ui::keymap::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardRow {
    Lane(usize),
    Card(usize),
}

/// What the board needs to know about the person at the keyboard.
pub struct BoardCtx<'a> {
    pub me: Option<i64>,
    pub may_dispatch: bool,
    pub texts: &'a Texts,
}

#[derive(Debug, Default)]
pub struct BoardPane {
    pub snapshot: BoardSnapshot,
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
}

impl BoardPane {
    /// Replaces the data (after any commit), keeping the cursor on the same
    /// RO; if that RO has left the board, on the row where it was.
    pub fn set_snapshot(&mut self, snapshot: BoardSnapshot, me: Option<i64>) {
        let old_row = self.selected_row();
        self.snapshot = snapshot;
        self.me = me;
        self.rebuild(old_row);
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

    pub fn update(&mut self, action: Action, ctx: &BoardCtx<'_>, page: usize) -> Vec<Command> {
        match action {
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-(page.max(1) as isize)),
            Action::PageDown => self.step(page.max(1) as isize),
            Action::Home => self.step(isize::MIN / 2),
            Action::End => self.step(isize::MAX / 2),
            Action::Search => self.searching = true,
            Action::Back if !self.query.is_empty() => self.set_query(String::new()),
            Action::CycleFilter => self.cycle_filter(),
            Action::Open => {
                return self.with_card(ctx, |c| vec![Command::Store(Effect::LoadDetail(c.id))])
            }
            Action::AssignBay => {
                return self.dispatch(ctx, |b, c| b.bay_picker(c, None, ctx.texts))
            }
            Action::MoveStatus => return self.dispatch(ctx, |b, c| b.move_picker(c, ctx.texts)),
            Action::ProgressChecked => {
                return self.stamp(ctx, |id, version| Effect::ProgressChecked {
                    ro_id: id,
                    version,
                })
            }
            Action::PickupCalled => {
                return self.stamp(ctx, |id, version| Effect::PickupCalled {
                    ro_id: id,
                    version,
                })
            }
            _ => {}
        }
        Vec::new()
    }

    fn with_card(
        &self,
        ctx: &BoardCtx<'_>,
        f: impl FnOnce(&BoardCard) -> Vec<Command>,
    ) -> Vec<Command> {
        match self.selected_card() {
            Some(card) => f(card),
            None => vec![Command::Message(ctx.texts.get("msg.no_card").into(), true)],
        }
    }

    fn dispatch(
        &self,
        ctx: &BoardCtx<'_>,
        f: impl FnOnce(&Self, &BoardCard) -> Vec<Command>,
    ) -> Vec<Command> {
        if !ctx.may_dispatch {
            return vec![Command::Message(ctx.texts.get("msg.no_right").into(), true)];
        }
        self.with_card(ctx, |c| f(self, c))
    }

    fn stamp(&self, ctx: &BoardCtx<'_>, effect: impl FnOnce(i64, i64) -> Effect) -> Vec<Command> {
        self.with_card(ctx, |c| vec![Command::Store(effect(c.id, c.version))])
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

    /// The bays a car can go to: lifts for work, wash bays for washing.
    /// A full bay is listed but cannot be chosen, and says who is in it.
    pub fn bay_picker(&self, card: &BoardCard, only: Option<RoStatus>, t: &Texts) -> Vec<Command> {
        let mut items: Vec<PickItem> = Vec::new();
        for bay in &self.snapshot.bays {
            let is_wash = bay.kind == BayKind::Wash;
            let fits = match only {
                Some(RoStatus::Washing) => is_wash,
                Some(_) => !is_wash,
                None => true,
            };
            if !fits {
                continue;
            }
            let others = self.snapshot.occupants(bay.id, Some(card.id));
            let full = others.len() as i64 >= bay.capacity && card.bay_id != Some(bay.id);
            let who: Vec<&str> = others.iter().map(|c| c.number.as_str()).collect();
            let state = match (full, who.is_empty()) {
                (true, _) => format!("{} · {}", t.get("pick.full"), who.join(", ")),
                (false, true) => t.get("lane.free").to_string(),
                (false, false) => who.join(", "),
            };
            items.push(PickItem {
                label: format!("{:<3} {} — {state}", bay.code, bay.name),
                enabled: !full,
                value: PickValue::Bay(Some(bay.id)),
            });
        }
        if only == Some(RoStatus::Washing) {
            items.push(PickItem {
                label: t.get("pick.no_bay").into(),
                enabled: true,
                value: PickValue::Bay(None),
            });
        }
        let purpose = PickPurpose::Bay {
            ro_id: card.id,
            version: card.version,
        };
        vec![Command::Push(Overlay::Picker(Picker::new(
            t.get("pick.bay"),
            &card.number,
            items,
            purpose,
        )))]
    }

    /// The group picker, starting on the car's current group.
    pub fn group_picker(
        &self,
        card: &BoardCard,
        to: RoStatus,
        bay_id: Option<i64>,
        t: &Texts,
    ) -> Overlay {
        let mut items: Vec<PickItem> = self
            .snapshot
            .groups
            .iter()
            .map(|g| PickItem {
                label: g.name.clone(),
                enabled: true,
                value: PickValue::Group(Some(g.id)),
            })
            .collect();
        items.push(PickItem {
            label: t.get("pick.no_group").into(),
            enabled: true,
            value: PickValue::Group(None),
        });
        let purpose = PickPurpose::Group {
            ro_id: card.id,
            version: card.version,
            to,
            bay_id,
        };
        let mut picker = Picker::new(t.get("pick.group"), &card.number, items, purpose);
        // Start on the car's group if it has one, else on the first group.
        if card.work_group_id.is_some() {
            picker.select_value(&PickValue::Group(card.work_group_id));
        }
        Overlay::Picker(picker)
    }

    pub fn move_picker(&self, card: &BoardCard, t: &Texts) -> Vec<Command> {
        let next = card.status().allowed_next();
        if next.is_empty() {
            let msg = t.fill("msg.no_moves", &[("ro", &card.number)]);
            return vec![Command::Message(msg, true)];
        }
        let items = next
            .iter()
            .map(|s| PickItem {
                label: t.get(&format!("lane.{}", s.code())).to_string(),
                enabled: true,
                value: PickValue::Status(*s),
            })
            .collect();
        let purpose = PickPurpose::Move {
            ro_id: card.id,
            version: card.version,
        };
        vec![Command::Push(Overlay::Picker(Picker::new(
            t.get("pick.move"),
            &card.number,
            items,
            purpose,
        )))]
    }
}
