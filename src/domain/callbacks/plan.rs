//! From the calls the rules want to the rows to write. Keyed by reason, so
//! a second run adds nothing; an open row whose reason is gone is
//! withdrawn, and one whose window moved (a new odometer reading, a moved
//! appointment) follows it.

use super::{Due, Kind, Policy, Status};
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, HashSet};

/// An open, rule-made callback as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: i64,
    pub key: String,
    pub kind: Kind,
    pub customer_id: i64,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub add: Vec<Due>,
    /// Open rows whose window or reason changed: (id, the new terms).
    pub moves: Vec<(i64, Due)>,
    /// Open rows whose reason is gone: (id, new status, why in words).
    pub withdraw: Vec<(i64, Status, String)>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.moves.is_empty() && self.withdraw.is_empty()
    }
}

/// What a sweep changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SweepReport {
    pub added: usize,
    pub moved: usize,
    pub withdrawn: usize,
    /// Complaints past their reply-by time, sent to the manager.
    pub escalated: usize,
}

impl SweepReport {
    pub fn is_empty(&self) -> bool {
        *self == SweepReport::default()
    }
}

/// Whether a wanted call is made now: its window has not passed, and it
/// opens within the horizon (so "upcoming" shows a fortnight, not a year).
pub fn creatable(d: &Due, now: DateTime<Utc>, p: &Policy) -> bool {
    d.until >= now && d.from <= now + Duration::days(p.horizon_days)
}

/// Why a rule's callback went away, for the agent and the audit.
pub fn withdrawn_because(kind: Kind) -> &'static str {
    match kind {
        Kind::ThreeDayCall | Kind::SecondCall => "the delivery it followed is no longer recorded",
        Kind::LifeCycle => "a newer visit started the cycle again",
        Kind::LostCustomer => "the customer came back (or the next step began)",
        Kind::FirstMaintenance | Kind::MaintenanceDue => "the car came in (or its due date moved)",
        Kind::DeclinedWork => "the declined items were done",
        Kind::PartsArrived => "the part was collected",
        Kind::Recall | Kind::Campaign => "the car came in for it",
        Kind::AppointmentReminder => "the appointment was cancelled or kept",
        Kind::InsuranceRenewal => "the renewal date changed",
        Kind::ComplaintFollowup => "the complaint moved on",
    }
}

/// Two due times a call would be made at alike: within a millisecond. A
/// file keeps nanoseconds and a group server microseconds, and a time read
/// back rounded must not move every call it derives (an audit row each).
fn same_time(a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
    (a - b).num_microseconds().is_some_and(|d| d.abs() < 1_000)
}

/// The changes that bring the stored rows in line with `wanted`.
/// - `open`: the open rule-made rows in scope;
/// - `closed`: keys already stored and closed (never made again);
/// - `blocked`: customers who asked not to be contacted.
pub fn plan(
    wanted: Vec<Due>,
    open: &[Stored],
    closed: &HashSet<String>,
    blocked: &HashSet<i64>,
    now: DateTime<Utc>,
    p: &Policy,
) -> Plan {
    let by_key: HashMap<&str, &Stored> = open.iter().map(|s| (s.key.as_str(), s)).collect();
    let mut out = Plan::default();
    let mut seen = HashSet::new();
    for d in wanted {
        if !seen.insert(d.key.clone()) {
            continue;
        }
        match by_key.get(d.key.as_str()) {
            Some(s)
                if !same_time(s.from, d.from)
                    || !same_time(s.until, d.until)
                    || s.reason != d.reason =>
            {
                out.moves.push((s.id, d))
            }
            Some(_) => {}
            None if closed.contains(&d.key) => {}
            None if creatable(&d, now, p) => out.add.push(d),
            None => {}
        }
    }
    for s in open.iter().filter(|s| !seen.contains(&s.key)) {
        let (status, why) = if blocked.contains(&s.customer_id) {
            (
                Status::DoNotContact,
                "the customer asked not to be contacted",
            )
        } else {
            (Status::Withdrawn, withdrawn_because(s.kind))
        };
        out.withdraw.push((s.id, status, why.to_string()));
    }
    out
}
