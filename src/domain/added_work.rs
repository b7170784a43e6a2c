//! Added work found in the workshop (追加维修项目, step 7). The workshop
//! proposes one or more items, and may propose more while earlier ones
//! wait. One call to the customer decides each item, approved or declined;
//! approved items join the bill and the agreed delay moves the estimate and
//! the promise. Declined items stay on the RO as reasons to call later.

use super::repair_order::{Approval, RepairOrder, RoLine};
use super::status::{RoStatus, TransitionRefused};
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

    fn approval(self) -> Approval {
        match self {
            Decision::Approved => Approval::Approved,
            Decision::Declined => Approval::Declined,
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
    pub const ALL: [Channel; 3] = [Channel::Phone, Channel::InPerson, Channel::Message];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::InPerson => "in_person",
            Channel::Message => "message",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// The advisor's record of one call: the answer to each item, when the
/// customer was asked and answered, how, who in the workshop was told and
/// when, and the extra time the customer agreed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedWorkCall {
    pub asked_at: DateTime<Utc>,
    pub answered_at: DateTime<Utc>,
    pub channel: Channel,
    pub workshop_told: String,
    pub workshop_told_at: DateTime<Utc>,
    /// Added to the estimate and the promise when anything is approved.
    pub delay_minutes: i64,
    /// Each item decided on this call, by line id.
    pub decisions: Vec<(i64, Decision)>,
}

/// A call as recorded, for the added-items slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub id: i64,
    pub call: AddedWorkCall,
    pub recorded_by: String,
}

impl AddedWorkCall {
    pub fn approved_any(&self) -> bool {
        self.decisions.iter().any(|(_, d)| *d == Decision::Approved)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedWorkError {
    Transition(TransitionRefused),
    NoLines,
    NothingProposed,
    NoDecision,
    UnknownItem(i64),
    /// Approving or declining an item that was already decided.
    AlreadyDecided {
        item: String,
        approval: Approval,
    },
    WorkshopNotTold,
    AnsweredBeforeAsked,
    AnsweredLater,
    ToldBeforeAnswered,
    ToldLater,
    NegativeDelay,
}

impl fmt::Display for AddedWorkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use AddedWorkError::*;
        match self {
            Transition(t) => write!(f, "added work is proposed while the car is in a bay ({t})"),
            NoLines => f.write_str("propose at least one item"),
            NothingProposed => f.write_str("there is no added work awaiting an answer"),
            NoDecision => f.write_str("record the customer's answer to at least one item"),
            UnknownItem(id) => write!(f, "item {id} is not on this RO"),
            AlreadyDecided { item, approval } => {
                write!(f, "'{item}' was already {}", approval.code())
            }
            WorkshopNotTold => f.write_str("record who in the workshop was told"),
            AnsweredBeforeAsked => f.write_str("the answer cannot come before the question"),
            AnsweredLater => f.write_str("the answer cannot be later than now"),
            ToldBeforeAnswered => {
                f.write_str("the workshop is told the answer after the customer gives it")
            }
            ToldLater => f.write_str("the workshop cannot have been told later than now"),
            NegativeDelay => f.write_str("the agreed delay cannot be negative"),
        }
    }
}

impl std::error::Error for AddedWorkError {}

/// The workshop proposes items while the car is in a bay, or adds more
/// while earlier ones wait; the car then waits for the customer's answer.
pub fn propose(ro: &mut RepairOrder, lines: Vec<RoLine>) -> Result<(), AddedWorkError> {
    if lines.is_empty() {
        return Err(AddedWorkError::NoLines);
    }
    if !matches!(ro.status, RoStatus::InBay | RoStatus::AwaitingApproval) {
        return Err(AddedWorkError::Transition(TransitionRefused {
            from: ro.status,
            to: RoStatus::AwaitingApproval,
        }));
    }
    for mut line in lines {
        line.id = None;
        line.approval = Approval::Proposed;
        line.call_id = None;
        ro.lines.push(line);
    }
    ro.status = RoStatus::AwaitingApproval;
    Ok(())
}

/// Applies one call: each decided item is approved or declined, the agreed
/// delay moves the estimate and the promise, and when nothing waits any
/// more the job goes on in the bay.
pub fn record_call(
    ro: &mut RepairOrder,
    call: &AddedWorkCall,
    now: DateTime<Utc>,
) -> Result<(), AddedWorkError> {
    check_call(ro, call, now)?;
    for (id, decision) in &call.decisions {
        if let Some(line) = ro.lines.iter_mut().find(|l| l.id == Some(*id)) {
            line.approval = decision.approval();
        }
    }
    if call.approved_any() && call.delay_minutes > 0 {
        let delay = Duration::minutes(call.delay_minutes);
        ro.promised_at = ro.promised_at.map(|p| p + delay);
        ro.estimated_minutes = ro.estimated_minutes.map(|m| m + call.delay_minutes);
    }
    if ro.proposed().next().is_none() && ro.status == RoStatus::AwaitingApproval {
        ro.status = RoStatus::InBay;
    }
    Ok(())
}

fn check_call(
    ro: &RepairOrder,
    call: &AddedWorkCall,
    now: DateTime<Utc>,
) -> Result<(), AddedWorkError> {
    use AddedWorkError::*;
    if ro.proposed().next().is_none() {
        return Err(NothingProposed);
    }
    check_call_record(call, now)?;
    for (id, _) in &call.decisions {
        let line = ro
            .lines
            .iter()
            .find(|l| l.id == Some(*id))
            .ok_or(UnknownItem(*id))?;
        if line.approval != Approval::Proposed {
            return Err(AlreadyDecided {
                item: line.description.clone(),
                approval: line.approval,
            });
        }
    }
    Ok(())
}

/// What can be checked of a call without the RO: an answer to something,
/// who was told, and times and delay that make sense.
pub fn check_call_record(call: &AddedWorkCall, now: DateTime<Utc>) -> Result<(), AddedWorkError> {
    use AddedWorkError::*;
    if call.decisions.is_empty() {
        return Err(NoDecision);
    }
    if call.workshop_told.trim().is_empty() {
        return Err(WorkshopNotTold);
    }
    if call.delay_minutes < 0 {
        return Err(NegativeDelay);
    }
    if call.answered_at < call.asked_at {
        return Err(AnsweredBeforeAsked);
    }
    if call.answered_at > now {
        return Err(AnsweredLater);
    }
    if call.workshop_told_at < call.answered_at {
        return Err(ToldBeforeAnswered);
    }
    if call.workshop_told_at > now {
        return Err(ToldLater);
    }
    Ok(())
}

/// Declined lines: the raw material of declined-work recapture calls.
pub fn declined_lines(ro: &RepairOrder) -> impl Iterator<Item = &RoLine> {
    ro.lines.iter().filter(|l| l.approval == Approval::Declined)
}
