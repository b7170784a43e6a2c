//! Added work found in the workshop (追加维修项目, step 7): proposed lines,
//! the call to the customer, and what the answer changes.

use super::repair_order::{Approval, RepairOrder, RoLine};
use super::status::{check_transition, RoStatus, TransitionRefused};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approved,
    Declined,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::Declined => "declined",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    Phone,
    InPerson,
    Message,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::InPerson => "in_person",
            Channel::Message => "message",
        }
    }
}

/// The advisor's record of the call: when asked, when answered, the answer,
/// and who in the workshop was told, at what time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedWorkCall {
    pub asked_at: DateTime<Utc>,
    pub answered_at: DateTime<Utc>,
    pub decision: Decision,
    pub channel: Channel,
    pub workshop_told: String,
    pub workshop_told_at: DateTime<Utc>,
    /// Extra time the customer agreed to, added to the promise on approval.
    pub delay_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedWorkError {
    Transition(TransitionRefused),
    NoLines,
    NothingProposed,
    WorkshopNotTold,
    AnsweredBeforeAsked,
}

impl fmt::Display for AddedWorkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddedWorkError::Transition(t) => t.fmt(f),
            AddedWorkError::NoLines => f.write_str("propose at least one line"),
            AddedWorkError::NothingProposed => {
                f.write_str("there is no added work awaiting an answer")
            }
            AddedWorkError::WorkshopNotTold => f.write_str("record who in the workshop was told"),
            AddedWorkError::AnsweredBeforeAsked => {
                f.write_str("the answer cannot come before the question")
            }
        }
    }
}

impl std::error::Error for AddedWorkError {}

/// The workshop proposes lines while the car is in a bay; the car then
/// waits for the customer's approval on the board.
pub fn propose(ro: &mut RepairOrder, lines: Vec<RoLine>) -> Result<(), AddedWorkError> {
    if lines.is_empty() {
        return Err(AddedWorkError::NoLines);
    }
    check_transition(ro.status, RoStatus::AwaitingApproval).map_err(AddedWorkError::Transition)?;
    for mut line in lines {
        line.id = None;
        line.approval = Approval::Proposed;
        ro.lines.push(line);
    }
    ro.status = RoStatus::AwaitingApproval;
    Ok(())
}

/// Applies the customer's answer: approved lines join the bill and the
/// promise moves by the agreed delay; declined lines stay on the RO marked
/// declined, as reasons to call later. Either way the job goes on.
pub fn record_decision(ro: &mut RepairOrder, call: &AddedWorkCall) -> Result<(), AddedWorkError> {
    if !ro.lines.iter().any(|l| l.approval == Approval::Proposed) {
        return Err(AddedWorkError::NothingProposed);
    }
    if call.workshop_told.trim().is_empty() {
        return Err(AddedWorkError::WorkshopNotTold);
    }
    if call.answered_at < call.asked_at {
        return Err(AddedWorkError::AnsweredBeforeAsked);
    }
    check_transition(ro.status, RoStatus::InBay).map_err(AddedWorkError::Transition)?;
    let verdict = match call.decision {
        Decision::Approved => Approval::Approved,
        Decision::Declined => Approval::Declined,
    };
    for line in ro
        .lines
        .iter_mut()
        .filter(|l| l.approval == Approval::Proposed)
    {
        line.approval = verdict;
    }
    if call.decision == Decision::Approved && call.delay_minutes > 0 {
        ro.promised_at = ro
            .promised_at
            .map(|p| p + Duration::minutes(call.delay_minutes));
    }
    ro.status = RoStatus::InBay;
    Ok(())
}

/// Declined lines: the raw material of declined-work recapture calls.
pub fn declined_lines(ro: &RepairOrder) -> impl Iterator<Item = &RoLine> {
    ro.lines.iter().filter(|l| l.approval == Approval::Declined)
}
