//! Moving a car on the board: which fields change, and when a move is refused.
//! The store reads the current row inside its write transaction, asks
//! [`plan_move`], and writes the plan; the rules live here.

use super::lifecycle::{check_move, Facts, Refusal};
use super::model::{Bay, BayKind, MoveRequest};
use super::status::{check_transition, RoStatus, TransitionRefused};
use chrono::{DateTime, Utc};
use std::fmt;

/// The stored state of an RO that a move can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoState {
    pub status: RoStatus,
    pub version: i64,
    pub bay_id: Option<i64>,
    pub work_group_id: Option<i64>,
    pub workshop_received_at: Option<DateTime<Utc>>,
    pub work_started_at: Option<DateTime<Utc>>,
    pub ready_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The final check that covers the work as it stands.
    pub qc_passed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveError {
    /// Someone saved this RO after the screen loaded it.
    Conflict {
        expected: i64,
        found: i64,
    },
    Transition(TransitionRefused),
    BayNeeded,
    BayFull {
        bay: String,
        occupant: String,
    },
    WrongBayKind {
        bay: String,
        status: RoStatus,
    },
    /// A life-cycle guard said no (signature, quality check, settlement…).
    Refused(Refusal),
}

impl fmt::Display for MoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveError::Conflict { .. } => {
                write!(
                    f,
                    "someone else changed this RO meanwhile; the board has reloaded"
                )
            }
            MoveError::Transition(t) => t.fmt(f),
            MoveError::BayNeeded => write!(f, "choose a bay for this car"),
            MoveError::BayFull { bay, occupant } => write!(f, "{bay} is taken by {occupant}"),
            MoveError::WrongBayKind { bay, status } => {
                write!(f, "{bay} is not a bay for a car that is {status}")
            }
            MoveError::Refused(r) => r.fmt(f),
        }
    }
}

impl std::error::Error for MoveError {}

/// What the bay chosen for the move looks like right now.
pub struct BayChoice<'a> {
    pub bay: &'a Bay,
    /// RO number of a car already filling the bay's capacity, if it is full.
    pub full_with: Option<String>,
}

/// Works out the new state of an RO after a move, or why it cannot move.
/// `facts` is the RO as stored now, for the life-cycle guards.
pub fn plan_move(
    facts: &Facts,
    cur: &RoState,
    req: &MoveRequest,
    bay: Option<BayChoice<'_>>,
    now: DateTime<Utc>,
) -> Result<RoState, MoveError> {
    if cur.version != req.expected_version {
        return Err(MoveError::Conflict {
            expected: req.expected_version,
            found: cur.version,
        });
    }
    // Staying in a bay while changing bay or group is a reassignment, not a move.
    let reassign = cur.status == req.to && req.to.occupies_bay();
    if !reassign {
        check_transition(cur.status, req.to).map_err(MoveError::Transition)?;
        check_move(facts, req.to).map_err(MoveError::Refused)?;
    }
    let mut next = cur.clone();
    next.status = req.to;
    next.version = cur.version + 1;
    next.work_group_id = req.work_group_id.or(cur.work_group_id);
    next.bay_id = plan_bay(cur, req, bay)?;
    stamp_times(&mut next, cur, now);
    Ok(next)
}

/// A move that leaves the car where it was: same state, bay and group.
/// It is not written (no audit row, no new version).
pub fn changes_nothing(cur: &RoState, next: &RoState) -> bool {
    cur.status == next.status
        && cur.bay_id == next.bay_id
        && cur.work_group_id == next.work_group_id
}

fn plan_bay(
    cur: &RoState,
    req: &MoveRequest,
    bay: Option<BayChoice<'_>>,
) -> Result<Option<i64>, MoveError> {
    if !req.to.occupies_bay() {
        // Leaving the bay frees it for the next car.
        return Ok(None);
    }
    let Some(choice) = bay else {
        // A car in a bay needs one (staying on its own); a car waiting for
        // parts or an answer may go off the lift, to free it; washing may
        // happen outside.
        return match (req.to, cur.bay_id) {
            (RoStatus::InBay, None) => Err(MoveError::BayNeeded),
            (RoStatus::InBay, b) => Ok(b),
            _ => Ok(None),
        };
    };
    let wants_wash = req.to == RoStatus::Washing;
    let is_wash = choice.bay.kind == BayKind::Wash;
    if wants_wash != is_wash {
        return Err(MoveError::WrongBayKind {
            bay: choice.bay.name.clone(),
            status: req.to,
        });
    }
    if cur.bay_id != Some(choice.bay.id) {
        if let Some(occupant) = choice.full_with {
            return Err(MoveError::BayFull {
                bay: choice.bay.name.clone(),
                occupant,
            });
        }
    }
    Ok(Some(choice.bay.id))
}

fn stamp_times(next: &mut RoState, cur: &RoState, now: DateTime<Utc>) {
    if next.status == RoStatus::InBay {
        // The workshop receiver signs once (step 6). The time is kept as it
        // happened; it is shown to the ten minutes, never later than now.
        next.workshop_received_at = cur.workshop_received_at.or(Some(now));
        next.work_started_at = cur.work_started_at.or(Some(now));
    }
    if next.status.in_workshop() {
        // More work: an earlier final check no longer covers the car.
        next.qc_passed = false;
    }
    if next.status == RoStatus::ReadyForPickup {
        next.ready_at = Some(now);
    }
    if next.status == RoStatus::Delivered {
        next.delivered_at = Some(now);
    }
}
