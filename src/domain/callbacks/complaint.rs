//! The complaint clock (step 13, 004 §(二)14, 000 §7): every complaint is
//! recorded; it is answered within 2 days or goes to the manager; the
//! customer hears the solution the day it is found, and is called again
//! within a week after.

use chrono::{DateTime, Duration, Utc};
use std::fmt;

/// Unresolved after this long, a complaint goes to the manager.
pub const REPLY_WITHIN: Duration = Duration::days(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintStatus {
    Open,
    /// Past its reply-by time, now the manager's.
    Escalated,
    Resolved,
    Closed,
}

impl ComplaintStatus {
    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Open => "open",
            ComplaintStatus::Escalated => "escalated",
            ComplaintStatus::Resolved => "resolved",
            ComplaintStatus::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<ComplaintStatus> {
        use ComplaintStatus::*;
        [Open, Escalated, Resolved, Closed]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// Still waiting for its answer.
    pub fn is_pending(self) -> bool {
        matches!(self, ComplaintStatus::Open | ComplaintStatus::Escalated)
    }
}

/// Where a complaint came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Call,
    RepairOrder,
    Desk,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Call => "call",
            Source::RepairOrder => "ro",
            Source::Desk => "desk",
        }
    }
}

pub fn reply_by(received_at: DateTime<Utc>) -> DateTime<Utc> {
    received_at + REPLY_WITHIN
}

/// Whether an open complaint must go to the manager now.
pub fn escalates(status: ComplaintStatus, reply_by: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status == ComplaintStatus::Open && now > reply_by
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintRefusal {
    Empty,
    NoResolution,
    NotPending(ComplaintStatus),
}

impl fmt::Display for ComplaintRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComplaintRefusal::Empty => write!(f, "type what the customer complains about"),
            ComplaintRefusal::NoResolution => write!(f, "type the solution given to the customer"),
            ComplaintRefusal::NotPending(s) => {
                write!(
                    f,
                    "this complaint is already {}; nothing was recorded",
                    s.code()
                )
            }
        }
    }
}

/// Checks a complaint's resolution before it is written.
pub fn check_resolve(status: ComplaintStatus, resolution: &str) -> Result<(), ComplaintRefusal> {
    if !status.is_pending() {
        return Err(ComplaintRefusal::NotPending(status));
    }
    if resolution.trim().is_empty() {
        return Err(ComplaintRefusal::NoResolution);
    }
    Ok(())
}
