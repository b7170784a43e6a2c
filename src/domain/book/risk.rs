//! The promise-time risk: a car whose remaining work no longer fits the
//! capacity its group (or bay) has left before its promise is flagged
//! `RISK` while there is still time to act, before it runs late.
//!
//! The workshop is taken to work by earliest promise first: a car's share
//! of the queue is its own remaining minutes plus those of every car in the
//! same group promised before it, plus the booked appointments that start
//! before its promise. That total must fit in the group's hands × the
//! working minutes from now to the promise.

use super::capacity::{lanes, overlap, Hours, Resource, Slot};
use crate::domain::model::{BoardCard, BoardSnapshot};
use crate::domain::timing::is_late;
use crate::domain::RoStatus;
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::HashSet;

/// Minutes of work still to do on a car, if it has an estimate and is not
/// past its workshop time (quality check, washing and pickup are short).
pub fn remaining_minutes(card: &BoardCard, now: DateTime<Utc>) -> Option<i64> {
    use RoStatus::*;
    let estimate = card.times.estimated_minutes.filter(|m| *m > 0)?;
    match card.status() {
        Booked | CheckedIn | WaitingForBay | WaitingForParts | AwaitingApproval => Some(estimate),
        InBay => {
            let done = card
                .times
                .work_started_at
                .map_or(0, |s| (now - s).num_minutes().max(0));
            Some((estimate - done).max(0))
        }
        _ => None,
    }
}

fn resource(card: &BoardCard) -> Option<Resource> {
    card.work_group_id
        .map(Resource::Group)
        .or(card.bay_id.map(Resource::Bay))
}

/// The ROs at risk. A car already late is flagged LATE instead.
pub fn at_risk(
    snap: &BoardSnapshot,
    booked: &[Slot],
    hours: Hours,
    offset: FixedOffset,
    now: DateTime<Utc>,
) -> HashSet<i64> {
    let mut out = HashSet::new();
    let queue: Vec<(&BoardCard, Resource, DateTime<Utc>, i64)> = snap
        .cards
        .iter()
        .filter(|c| !is_late(&c.times, now))
        .filter_map(|c| {
            Some((
                c,
                resource(c)?,
                c.times.promised_at?,
                remaining_minutes(c, now)?,
            ))
        })
        .collect();
    for (card, r, promise, _) in &queue {
        let ahead: i64 = queue
            .iter()
            .filter(|(o, or, op, _)| {
                *or == *r && (*op < *promise || (*op == *promise && o.id <= card.id))
            })
            .map(|q| q.3)
            .sum();
        let appointments: i64 = booked
            .iter()
            .filter(|s| holds(*r, s))
            .map(|s| overlap(s.starts_at, s.ends_at, now, *promise))
            .sum();
        let hands = lanes(*r, &snap.bays, &snap.groups);
        let left = hands * hours.working_minutes(offset, now, *promise);
        if ahead + appointments > left {
            out.insert(card.id);
        }
    }
    out
}

fn holds(r: Resource, s: &Slot) -> bool {
    match r {
        Resource::Bay(b) => s.bay_id == Some(b),
        Resource::Group(g) => s.work_group_id == Some(g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{JobTimes, WorkGroup};
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        // 15:00 shop time (UTC+8).
        Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap()
    }

    fn card(id: i64, status: RoStatus, estimate: i64, promise_in: i64) -> BoardCard {
        BoardCard {
            id,
            number: format!("RO-{id}"),
            version: 1,
            plate: String::new(),
            model: String::new(),
            customer: String::new(),
            advisor_id: None,
            advisor: String::new(),
            work_group_id: Some(1),
            bay_id: None,
            times: JobTimes {
                status,
                checked_in_at: None,
                promised_at: Some(now() + Duration::minutes(promise_in)),
                estimated_minutes: Some(estimate),
                work_started_at: None,
                progress_checked_at: None,
                pickup_called_at: None,
                expected_finish_at: None,
            },
            waiting: false,
            key: None,
        }
    }

    fn snap(cards: Vec<BoardCard>) -> BoardSnapshot {
        BoardSnapshot {
            bays: vec![],
            groups: vec![WorkGroup {
                id: 1,
                name: "A".into(),
                technicians: 1,
            }],
            cards,
            booked: vec![],
        }
    }

    #[test]
    fn work_that_no_longer_fits_before_the_promise_is_at_risk() {
        let off = FixedOffset::east_opt(8 * 3600).unwrap();
        let h = Hours::default();
        // 150 working minutes left today (15:00–17:30).
        let fits = snap(vec![card(1, RoStatus::WaitingForBay, 120, 150)]);
        assert!(at_risk(&fits, &[], h, off, now()).is_empty());
        // A second car promised earlier takes 60 of those minutes first.
        let queued = snap(vec![
            card(1, RoStatus::WaitingForBay, 120, 150),
            card(2, RoStatus::WaitingForBay, 60, 90),
        ]);
        assert_eq!(at_risk(&queued, &[], h, off, now()), HashSet::from([1]));
        // A booked appointment in the group before the promise counts too.
        let slot = Slot {
            bay_id: None,
            work_group_id: Some(1),
            starts_at: now() + Duration::minutes(30),
            ends_at: now() + Duration::minutes(90),
        };
        assert_eq!(at_risk(&fits, &[slot], h, off, now()), HashSet::from([1]));
    }

    #[test]
    fn work_in_progress_counts_only_what_is_left_and_late_cars_are_late_not_risky() {
        let off = FixedOffset::east_opt(8 * 3600).unwrap();
        let mut c = card(1, RoStatus::InBay, 200, 100);
        c.times.work_started_at = Some(now() - Duration::minutes(120));
        assert_eq!(remaining_minutes(&c, now()), Some(80));
        assert!(at_risk(&snap(vec![c]), &[], Hours::default(), off, now()).is_empty());
        let late = card(2, RoStatus::WaitingForBay, 60, -10);
        assert!(at_risk(&snap(vec![late]), &[], Hours::default(), off, now()).is_empty());
    }
}
