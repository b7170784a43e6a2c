//! Moving a car on the board: which fields change, and when a move is refused.
//! The store reads the current row inside its write transaction, asks
//! [`plan_move`], and writes the plan; the rules live here.

use super::model::{Bay, BayKind, MoveRequest};
use super::status::{check_transition, RoStatus, TransitionRefused};
use super::timing::round_to_ten_minutes;
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
    pub exit_notice_at: Option<DateTime<Utc>>,
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
    /// Step 11: the car leaves with its exit notice.
    ExitNoticeFirst,
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
            MoveError::ExitNoticeFirst => {
                write!(f, "issue the exit notice before handing the car over")
            }
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
pub fn plan_move(
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
    }
    if req.to == RoStatus::Delivered && cur.exit_notice_at.is_none() {
        return Err(MoveError::ExitNoticeFirst);
    }
    let mut next = cur.clone();
    next.status = req.to;
    next.version = cur.version + 1;
    next.work_group_id = req.work_group_id.or(cur.work_group_id);
    next.bay_id = plan_bay(cur, req, bay)?;
    stamp_times(&mut next, cur, now);
    Ok(next)
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
        // Waiting for parts or approval keeps whatever bay the car is on;
        // washing may happen outside; a car in a bay needs one.
        return match (req.to, cur.bay_id) {
            (RoStatus::InBay, None) => Err(MoveError::BayNeeded),
            (RoStatus::InBay | RoStatus::WaitingForParts | RoStatus::AwaitingApproval, b) => Ok(b),
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
        // The workshop receiver signs once, to the nearest ten minutes (step 6).
        next.workshop_received_at = cur.workshop_received_at.or(Some(round_to_ten_minutes(now)));
        next.work_started_at = cur.work_started_at.or(Some(now));
    }
    if next.status == RoStatus::ReadyForPickup {
        next.ready_at = Some(now);
    }
    if next.status == RoStatus::Delivered {
        next.delivered_at = Some(now);
    }
}
