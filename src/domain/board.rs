//! How the service bay board groups cars into lanes, filters and searches.
//! Pure functions of a snapshot, so the board's layout is testable without a screen.

use super::model::{BoardCard, BoardSnapshot};
use super::status::RoStatus;
use super::timing::Alerts;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LaneKind {
    Queue(RoStatus),
    Bay(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub kind: LaneKind,
    /// Indexes into `BoardSnapshot::cards`, most urgent first.
    pub cards: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoardFilter {
    #[default]
    All,
    /// Cars whose advisor is the user at this terminal.
    Mine,
    Bay(i64),
}

/// Queues before the bays (cars coming in) and after them (cars going out).
const QUEUES_BEFORE: [RoStatus; 2] = [RoStatus::CheckedIn, RoStatus::WaitingForBay];
const QUEUES_AFTER: [RoStatus; 6] = [
    RoStatus::AwaitingApproval,
    RoStatus::WaitingForParts,
    RoStatus::QualityCheck,
    RoStatus::Washing,
    RoStatus::ReadyForPickup,
    RoStatus::Booked,
];

/// The lane a card belongs in: a car working in a bay (or in the wash bay)
/// sits in that bay's lane; every other car sits in its status queue.
pub fn lane_of(card: &BoardCard) -> LaneKind {
    match (card.status(), card.bay_id) {
        (RoStatus::InBay | RoStatus::Washing, Some(bay)) => LaneKind::Bay(bay),
        (status, _) => LaneKind::Queue(status),
    }
}

pub use super::search::matches_query;

fn passes_filter(card: &BoardCard, filter: BoardFilter, me: Option<i64>) -> bool {
    match filter {
        BoardFilter::All => true,
        BoardFilter::Mine => me.is_some() && card.advisor_id == me,
        BoardFilter::Bay(bay) => card.bay_id == Some(bay),
    }
}

/// Builds the lanes in board order. With no filter and no search every bay
/// lane shows, free or not, so the dispatcher sees free bays; otherwise only
/// lanes with cars show.
pub fn build_lanes(
    snap: &BoardSnapshot,
    filter: BoardFilter,
    me: Option<i64>,
    query: &str,
) -> Vec<Lane> {
    let order = QUEUES_BEFORE
        .iter()
        .map(|s| LaneKind::Queue(*s))
        .chain(snap.bays.iter().map(|b| LaneKind::Bay(b.id)))
        .chain(QUEUES_AFTER.iter().map(|s| LaneKind::Queue(*s)));
    let show_empty = filter == BoardFilter::All && query.trim().is_empty();
    let mut lanes: Vec<Lane> = order
        .map(|kind| Lane {
            kind,
            cards: Vec::new(),
        })
        .collect();
    for (i, card) in snap.cards.iter().enumerate() {
        if !passes_filter(card, filter, me) || !matches_query(card, query) {
            continue;
        }
        let kind = lane_of(card);
        if let Some(lane) = lanes.iter_mut().find(|l| l.kind == kind) {
            lane.cards.push(i);
        }
    }
    for lane in &mut lanes {
        lane.cards.sort_by_key(|&i| urgency_key(&snap.cards[i]));
    }
    lanes.retain(|l| !l.cards.is_empty() || (show_empty && matches!(l.kind, LaneKind::Bay(_))));
    lanes
}

fn urgency_key(card: &BoardCard) -> (bool, Option<DateTime<Utc>>, String) {
    // Cars without a promise go last; then the earliest promise first.
    (
        card.times.promised_at.is_none(),
        card.times.promised_at,
        card.number.clone(),
    )
}

/// Counts for the board's summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BoardCounts {
    pub open: usize,
    pub late: usize,
    pub progress_check_due: usize,
    pub pickup_call_due: usize,
}

pub fn counts(cards: &[BoardCard], now: DateTime<Utc>) -> BoardCounts {
    let mut c = BoardCounts::default();
    for card in cards {
        let a = Alerts::of(&card.times, now);
        c.open += 1;
        c.late += a.late as usize;
        c.progress_check_due += a.progress_check_due as usize;
        c.pickup_call_due += a.pickup_call_due as usize;
    }
    c
}
