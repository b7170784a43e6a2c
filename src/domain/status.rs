//! The repair order's life cycle as an explicit state machine
//! (domain.md "The visit, step by step"; 004 §(二)3–12).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum RoStatus {
    /// An appointment turned into an RO; the car has not arrived yet.
    #[default]
    Booked,
    /// Received at the desk: walk-around done, waiting for dispatch.
    CheckedIn,
    WaitingForBay,
    InBay,
    WaitingForParts,
    /// Added work found; the advisor is asking the customer (step 7).
    AwaitingApproval,
    /// Every car gets a final quality check before delivery.
    QualityCheck,
    Washing,
    ReadyForPickup,
    Delivered,
    /// The customer declined the estimate and left with an exit notice (step 4).
    Declined,
    Cancelled,
}

use RoStatus::*;

impl RoStatus {
    pub const ALL: [RoStatus; 12] = [
        Booked,
        CheckedIn,
        WaitingForBay,
        InBay,
        WaitingForParts,
        AwaitingApproval,
        QualityCheck,
        Washing,
        ReadyForPickup,
        Delivered,
        Declined,
        Cancelled,
    ];

    /// Statuses still on the board.
    pub const OPEN: [RoStatus; 9] = [
        Booked,
        CheckedIn,
        WaitingForBay,
        InBay,
        WaitingForParts,
        AwaitingApproval,
        QualityCheck,
        Washing,
        ReadyForPickup,
    ];

    /// The code stored in the database and used in key files.
    pub fn code(self) -> &'static str {
        match self {
            Booked => "booked",
            CheckedIn => "checked_in",
            WaitingForBay => "waiting_for_bay",
            InBay => "in_bay",
            WaitingForParts => "waiting_for_parts",
            AwaitingApproval => "awaiting_approval",
            QualityCheck => "quality_check",
            Washing => "washing",
            ReadyForPickup => "ready_for_pickup",
            Delivered => "delivered",
            Declined => "declined",
            Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<RoStatus> {
        RoStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The transitions the trade allows from this status.
    pub fn allowed_next(self) -> &'static [RoStatus] {
        match self {
            Booked => &[CheckedIn, Cancelled],
            // A car can go straight onto a lift, or the customer can decline the estimate.
            CheckedIn => &[WaitingForBay, InBay, Declined, Cancelled],
            WaitingForBay => &[InBay, Washing, Declined, Cancelled],
            InBay => &[
                WaitingForParts,
                AwaitingApproval,
                QualityCheck,
                WaitingForBay,
            ],
            WaitingForParts => &[InBay, WaitingForBay],
            // Approved or declined, the job goes on (step 7).
            AwaitingApproval => &[InBay, WaitingForBay, QualityCheck],
            // A failed final check sends the car back to a bay.
            QualityCheck => &[Washing, ReadyForPickup, InBay, WaitingForBay],
            Washing => &[ReadyForPickup],
            ReadyForPickup => &[Delivered, Washing],
            Delivered | Declined | Cancelled => &[],
        }
    }

    pub fn can_move_to(self, to: RoStatus) -> bool {
        self.allowed_next().contains(&to)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Delivered | Declined | Cancelled)
    }

    /// The car is physically in a bay: it occupies the bay's capacity.
    pub fn occupies_bay(self) -> bool {
        matches!(self, InBay | Washing | WaitingForParts | AwaitingApproval)
    }

    /// Work has been handed to the workshop and is not yet finished: the
    /// period in which a progress check makes sense (step 8).
    pub fn in_workshop(self) -> bool {
        matches!(self, InBay | WaitingForParts | AwaitingApproval)
    }

    /// The promise is kept once the car is ready (or the visit has ended).
    pub fn promise_kept_or_void(self) -> bool {
        matches!(self, ReadyForPickup | Delivered | Declined | Cancelled)
    }
}

impl fmt::Display for RoStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionRefused {
    pub from: RoStatus,
    pub to: RoStatus,
}

impl fmt::Display for TransitionRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an RO cannot go from {} to {}", self.from, self.to)
    }
}

pub fn check_transition(from: RoStatus, to: RoStatus) -> Result<(), TransitionRefused> {
    if from.can_move_to(to) {
        Ok(())
    } else {
        Err(TransitionRefused { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in RoStatus::ALL {
            assert_eq!(RoStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(RoStatus::from_code("bogus"), None);
    }

    #[test]
    fn terminal_states_go_nowhere() {
        for s in [Delivered, Declined, Cancelled] {
            assert!(s.allowed_next().is_empty());
            assert!(!s.is_open());
        }
    }

    #[test]
    fn open_list_matches_is_open() {
        for s in RoStatus::ALL {
            assert_eq!(RoStatus::OPEN.contains(&s), s.is_open(), "{s}");
        }
    }
}
