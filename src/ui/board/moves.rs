//! Moving a car, by keys: status → bay → work group, one picker at a time.
//! Both the board (`a`, `m`) and the editor's "Move to" use this flow; the
//! rule that decides whether the move is allowed is `domain::dispatch`.

use crate::domain::{BayKind, BoardCard, BoardSnapshot, MoveRequest, RoStatus};
use crate::ui::effects::Write;
use crate::ui::i18n::Texts;
use crate::ui::layer::{PickItem, Picker};
use crate::ui::pane::Command;

/// One step's choice. Each carries the RO's version as the screen saw it,
/// so the final write meets anyone else's change as a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MovePick {
    Status {
        ro_id: i64,
        version: i64,
        to: RoStatus,
    },
    Bay {
        ro_id: i64,
        version: i64,
        bay: Option<i64>,
        /// A waiting state that keeps the bay or frees it; None: in a bay
        /// (or washing, by the bay's kind).
        to: Option<RoStatus>,
    },
    Group {
        ro_id: i64,
        version: i64,
        to: RoStatus,
        bay: Option<i64>,
        group: Option<i64>,
    },
}

/// `m`: the states the car may go to next.
pub fn choose_status(card: &BoardCard, t: &Texts) -> Vec<Command> {
    let next = card.status().allowed_next();
    if next.is_empty() {
        return vec![Command::Warn(
            t.fill("msg.no_moves", &[("ro", &card.number)]),
        )];
    }
    let items = next
        .iter()
        .map(|s| {
            let pick = MovePick::Status {
                ro_id: card.id,
                version: card.version,
                to: *s,
            };
            PickItem::new(t.get(&format!("lane.{}", s.code())), pick)
        })
        .collect();
    let picker = Picker::new(t.get("pick.move"), &card.number, items);
    vec![Command::Push(Box::new(picker))]
}

/// `a`, or a move into a bay: the bays a car can go to (lifts for work,
/// wash bays for washing). A full bay is listed but cannot be chosen, and
/// says who is in it.
pub fn choose_bay(
    card: &BoardCard,
    board: &BoardSnapshot,
    only: Option<RoStatus>,
    t: &Texts,
) -> Vec<Command> {
    let mut items = Vec::new();
    for bay in &board.bays {
        let is_wash = bay.kind == BayKind::Wash;
        let fits = match only {
            Some(RoStatus::Washing) => is_wash,
            Some(_) => !is_wash,
            None => true,
        };
        if !fits {
            continue;
        }
        let others = board.occupants(bay.id, Some(card.id));
        let full = others.len() as i64 >= bay.capacity && card.bay_id != Some(bay.id);
        let who: Vec<&str> = others.iter().map(|c| c.number.as_str()).collect();
        let state = match (full, who.is_empty()) {
            (true, _) => format!("{} · {}", t.get("pick.full"), who.join(", ")),
            (false, true) => t.get("lane.free").to_string(),
            (false, false) => who.join(", "),
        };
        let mut item = PickItem::new(
            format!("{:<3} {} — {state}", bay.code, bay.name),
            bay_pick(card, Some(bay.id)),
        );
        item.enabled = !full;
        items.push(item);
    }
    if only == Some(RoStatus::Washing) {
        items.push(PickItem::new(t.get("pick.no_bay"), bay_pick(card, None)));
    }
    let picker = Picker::new(t.get("pick.bay"), &card.number, items);
    vec![Command::Push(Box::new(picker))]
}

fn bay_pick(card: &BoardCard, bay: Option<i64>) -> MovePick {
    MovePick::Bay {
        ro_id: card.id,
        version: card.version,
        bay,
        to: None,
    }
}

/// Waiting for parts: stay on the lift, or free it for the next car.
fn stay_or_free(card: &BoardCard, board: &BoardSnapshot, to: RoStatus, t: &Texts) -> Vec<Command> {
    let Some(bay) = card.bay_id.and_then(|b| board.bay(b)) else {
        return vec![move_to(card, card.version, to, None, None, t)];
    };
    let pick = |bay| MovePick::Bay {
        ro_id: card.id,
        version: card.version,
        bay,
        to: Some(to),
    };
    let items = vec![
        PickItem::new(
            t.fill("pick.stay", &[("bay", &bay.code)]),
            pick(Some(bay.id)),
        ),
        PickItem::new(t.fill("pick.free", &[("bay", &bay.code)]), pick(None)),
    ];
    let picker = Picker::new(t.get(&format!("lane.{}", to.code())), &card.number, items);
    vec![Command::Push(Box::new(picker))]
}

/// The group picker, starting on the car's current group.
fn choose_group(card: &BoardCard, board: &BoardSnapshot, bay: Option<i64>, t: &Texts) -> Command {
    let pick = |group| MovePick::Group {
        ro_id: card.id,
        version: card.version,
        to: RoStatus::InBay,
        bay,
        group,
    };
    let mut items: Vec<PickItem<MovePick>> = board
        .groups
        .iter()
        .map(|g| PickItem::new(g.name.clone(), pick(Some(g.id))))
        .collect();
    items.push(PickItem::new(t.get("pick.no_group"), pick(None)));
    let mut picker = Picker::new(t.get("pick.group"), &card.number, items);
    if card.work_group_id.is_some() {
        picker = picker.starting_at(&pick(card.work_group_id));
    }
    Command::Push(Box::new(picker))
}

/// The step after a pick: another picker, or the move itself.
pub fn next(pick: MovePick, board: &BoardSnapshot, t: &Texts) -> Vec<Command> {
    let ro_id = match &pick {
        MovePick::Status { ro_id, .. }
        | MovePick::Bay { ro_id, .. }
        | MovePick::Group { ro_id, .. } => *ro_id,
    };
    let Some(card) = board.card(ro_id) else {
        return vec![Command::Warn(t.get("msg.no_card").into())];
    };
    match pick {
        MovePick::Status { version, to, .. } => match to {
            RoStatus::InBay | RoStatus::Washing => choose_bay(card, board, Some(to), t),
            RoStatus::WaitingForParts => stay_or_free(card, board, to, t),
            _ => vec![move_to(card, version, to, None, None, t)],
        },
        MovePick::Bay {
            version,
            bay,
            to: Some(to),
            ..
        } => vec![move_to(card, version, to, bay, None, t)],
        MovePick::Bay { version, bay, .. } => {
            let is_wash = bay
                .and_then(|b| board.bay(b))
                .is_none_or(|b| b.kind == BayKind::Wash);
            if is_wash {
                vec![move_to(card, version, RoStatus::Washing, bay, None, t)]
            } else {
                vec![choose_group(card, board, bay, t)]
            }
        }
        MovePick::Group {
            version,
            to,
            bay,
            group,
            ..
        } => vec![move_to(card, version, to, bay, group, t)],
    }
}

fn move_to(
    card: &BoardCard,
    version: i64,
    to: RoStatus,
    bay_id: Option<i64>,
    work_group_id: Option<i64>,
    t: &Texts,
) -> Command {
    let request = MoveRequest {
        ro_id: card.id,
        expected_version: version,
        to,
        bay_id,
        work_group_id,
    };
    let status = t.get(&format!("status.{}", to.code()));
    let what = t.fill("what.move", &[("ro", &card.number), ("status", status)]);
    Command::write(Write::Move(request), what)
}
