//! Domain rules on their own: the RO state machine, the timing rules at their
//! edges, and the rules for moving a car between bays.

use chrono::{DateTime, Duration, TimeZone, Utc};
use frontdesk::domain::dispatch::{plan_move, BayChoice, MoveError, RoState};
use frontdesk::domain::lifecycle::Facts;
use frontdesk::domain::repair_order::Sanction;
use frontdesk::domain::settlement::Balance;
use frontdesk::domain::status::check_transition;
use frontdesk::domain::timing::*;
use frontdesk::domain::RoStatus::{self, *};
use frontdesk::domain::{Bay, BayKind, JobTimes, MoveRequest, RepairOrder, Role};

fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, s).unwrap()
}

/// Every allowed transition, written out by hand from domain.md: if the
/// table in the code changes, this test says so.
const ALLOWED: &[(RoStatus, RoStatus)] = &[
    (Booked, CheckedIn),
    (Booked, Cancelled),
    (CheckedIn, WaitingForBay),
    (CheckedIn, InBay),
    (CheckedIn, Declined),
    (CheckedIn, Cancelled),
    (WaitingForBay, InBay),
    (WaitingForBay, Washing),
    (WaitingForBay, Declined),
    (WaitingForBay, Cancelled),
    (InBay, WaitingForParts),
    (InBay, AwaitingApproval),
    (InBay, QualityCheck),
    (InBay, WaitingForBay),
    (WaitingForParts, InBay),
    (WaitingForParts, WaitingForBay),
    (AwaitingApproval, InBay),
    (AwaitingApproval, WaitingForBay),
    (AwaitingApproval, QualityCheck),
    (QualityCheck, Washing),
    (QualityCheck, ReadyForPickup),
    (QualityCheck, InBay),
    (QualityCheck, WaitingForBay),
    (Washing, ReadyForPickup),
    (ReadyForPickup, Delivered),
    (ReadyForPickup, Washing),
];

#[test]
fn transition_table_allows_exactly_the_listed_moves() {
    for from in RoStatus::ALL {
        for to in RoStatus::ALL {
            let expected = ALLOWED.contains(&(from, to));
            assert_eq!(
                check_transition(from, to).is_ok(),
                expected,
                "{from} → {to}"
            );
        }
    }
}

#[test]
fn refused_transitions_say_which() {
    let err = check_transition(Delivered, InBay).unwrap_err();
    assert_eq!(err.to_string(), "an RO cannot go from delivered to in_bay");
    assert!(
        check_transition(Booked, ReadyForPickup).is_err(),
        "no skipping the workshop"
    );
    assert!(
        check_transition(InBay, Delivered).is_err(),
        "no delivery without a final check"
    );
    assert!(
        check_transition(Cancelled, Booked).is_err(),
        "cancelled is final"
    );
}

fn job(status: RoStatus) -> JobTimes {
    JobTimes {
        status,
        checked_in_at: Some(t(8, 0, 0)),
        promised_at: Some(t(12, 0, 0)),
        estimated_minutes: Some(100),
        work_started_at: Some(t(9, 0, 0)),
        progress_checked_at: None,
        pickup_called_at: None,
        expected_finish_at: None,
    }
}

#[test]
fn late_means_past_the_promise_and_not_ready() {
    let j = job(InBay);
    assert!(
        !is_late(&j, t(12, 0, 0)),
        "exactly at the promise is not late"
    );
    assert!(is_late(&j, t(12, 0, 1)));
    assert!(
        !is_late(&job(ReadyForPickup), t(13, 0, 0)),
        "a ready car is not late"
    );
    assert!(!is_late(&job(Delivered), t(13, 0, 0)));
    assert!(
        is_late(&job(WaitingForBay), t(13, 0, 0)),
        "waiting for a bay can be late too"
    );
    let mut no_promise = job(InBay);
    no_promise.promised_at = None;
    assert!(!is_late(&no_promise, t(23, 0, 0)));
}

#[test]
fn progress_check_is_due_at_exactly_seventy_percent() {
    // 100 minutes estimated from 09:00: 70 % is 09:70 = 10:10:00.
    let j = job(InBay);
    assert!(!progress_check_due(&j, t(10, 9, 59)), "just under 70 %");
    assert!(progress_check_due(&j, t(10, 10, 0)), "exactly 70 %");
    assert!(progress_check_due(&j, t(10, 30, 0)));
}

#[test]
fn progress_check_clears_once_checked_and_needs_a_started_workshop_job() {
    let mut j = job(InBay);
    j.progress_checked_at = Some(t(10, 15, 0));
    assert!(!progress_check_due(&j, t(10, 30, 0)));
    assert!(progress_check_due(&job(AwaitingApproval), t(10, 30, 0)));
    assert!(progress_check_due(&job(WaitingForParts), t(10, 30, 0)));
    assert!(
        !progress_check_due(&job(QualityCheck), t(10, 30, 0)),
        "work is done"
    );
    assert!(
        !progress_check_due(&job(WaitingForBay), t(10, 30, 0)),
        "work not started"
    );
    let mut no_start = job(InBay);
    no_start.work_started_at = None;
    assert!(!progress_check_due(&no_start, t(11, 0, 0)));
}

#[test]
fn pickup_lead_is_four_hours_from_exactly_two_days() {
    assert_eq!(
        pickup_call_lead(Duration::days(2) - Duration::seconds(1)),
        Duration::hours(1)
    );
    assert_eq!(pickup_call_lead(Duration::days(2)), Duration::hours(4));
    assert_eq!(pickup_call_lead(Duration::days(5)), Duration::hours(4));
    assert_eq!(pickup_call_lead(Duration::hours(3)), Duration::hours(1));
}

#[test]
fn pickup_call_due_at_sixty_and_fifty_nine_minutes_before_not_sixty_one() {
    let j = job(InBay); // a 4-hour job: 1 h lead
    assert!(!pickup_call_due(&j, t(10, 59, 0)), "61 minutes before");
    assert!(pickup_call_due(&j, t(11, 0, 0)), "60 minutes before");
    assert!(pickup_call_due(&j, t(11, 1, 0)), "59 minutes before");
    assert!(
        pickup_call_due(&j, t(12, 30, 0)),
        "late: the late-delivery call is due"
    );
}

#[test]
fn pickup_call_for_a_long_job_comes_four_hours_ahead() {
    let mut j = job(InBay);
    j.checked_in_at = Some(t(12, 0, 0) - Duration::days(2)); // exactly two days
    assert!(!pickup_call_due(&j, t(7, 59, 0)));
    assert!(pickup_call_due(&j, t(8, 0, 0)));
    // Just under two days: back to the one-hour lead.
    j.checked_in_at = Some(t(12, 0, 0) - Duration::days(2) + Duration::minutes(1));
    assert!(!pickup_call_due(&j, t(8, 0, 0)));
    assert!(pickup_call_due(&j, t(11, 0, 0)));
}

#[test]
fn pickup_call_clears_once_called_and_ignores_closed_and_booked() {
    let mut j = job(ReadyForPickup);
    assert!(pickup_call_due(&j, t(11, 30, 0)), "ready and nobody called");
    j.pickup_called_at = Some(t(11, 10, 0));
    assert!(!pickup_call_due(&j, t(11, 30, 0)));
    assert!(!pickup_call_due(&job(Delivered), t(11, 30, 0)));
    assert!(!pickup_call_due(&job(Booked), t(11, 30, 0)));
}

#[test]
fn workshop_times_show_to_ten_minutes_and_never_later_than_they_happened() {
    assert_eq!(to_ten_minutes(t(9, 4, 59)), t(9, 0, 0));
    assert_eq!(to_ten_minutes(t(9, 5, 0)), t(9, 0, 0), "10:28 shows 10:20");
    assert_eq!(to_ten_minutes(t(9, 10, 0)), t(9, 10, 0));
    assert_eq!(to_ten_minutes(t(9, 59, 59)), t(9, 50, 0));
    for (h, m, s) in [(10, 28, 0), (23, 55, 0), (0, 0, 1)] {
        assert!(to_ten_minutes(t(h, m, s)) <= t(h, m, s));
    }
}

fn state(status: RoStatus, bay: Option<i64>) -> RoState {
    RoState {
        status,
        version: 3,
        bay_id: bay,
        work_group_id: None,
        workshop_received_at: None,
        work_started_at: None,
        ready_at: None,
        delivered_at: None,
        qc_passed: false,
    }
}

/// A signed RO, nothing owed, checked: the moves here test the bay rules,
/// and `tests/lifecycle.rs` the life-cycle guards.
fn signed(status: RoStatus) -> RepairOrder {
    let mut ro = RepairOrder::new("li.na");
    ro.status = status;
    ro.signed_at = Some(t(8, 0, 0));
    ro.signed_by_name = Some("王建国".into());
    ro
}

fn plan(
    cur: &RoState,
    req: &MoveRequest,
    bay: Option<BayChoice<'_>>,
    now: DateTime<Utc>,
) -> Result<RoState, MoveError> {
    let mut ro = signed(cur.status);
    if cur.qc_passed {
        ro.desk.qc_passed = Some(Sanction {
            by: "wang.qiang".into(),
            at: t(8, 30, 0),
            reason: String::new(),
        });
    }
    let facts = Facts {
        ro: &ro,
        balance: Balance::of(&ro, 1300, &[]),
        role: Some(Role::Dispatcher),
        currency: "¥",
        handover: frontdesk::domain::lifecycle::Handover::NoSheet,
    };
    plan_move(&facts, cur, req, bay, now)
}

fn request(to: RoStatus, bay: Option<i64>) -> MoveRequest {
    MoveRequest {
        ro_id: 1,
        expected_version: 3,
        to,
        bay_id: bay,
        work_group_id: Some(2),
    }
}

fn bay(id: i64, kind: BayKind) -> Bay {
    Bay {
        id,
        code: format!("B{id}"),
        name: format!("Lift {id}"),
        kind,
        capacity: 1,
    }
}

#[test]
fn moving_into_a_bay_stamps_the_hand_over_time_as_it_happened() {
    let lift = bay(4, BayKind::Lift);
    let choice = BayChoice {
        bay: &lift,
        full_with: None,
    };
    let next = plan(
        &state(WaitingForBay, None),
        &request(InBay, Some(4)),
        Some(choice),
        t(9, 13, 0),
    )
    .unwrap();
    assert_eq!(next.status, InBay);
    assert_eq!(next.bay_id, Some(4));
    assert_eq!(next.work_group_id, Some(2));
    assert_eq!(next.version, 4);
    // Stored as it happened (shown to the ten minutes, never later than now).
    assert_eq!(next.workshop_received_at, Some(t(9, 13, 0)));
    assert_eq!(next.work_started_at, Some(t(9, 13, 0)));
}

#[test]
fn a_stale_version_is_a_conflict_not_an_overwrite() {
    let mut req = request(QualityCheck, None);
    req.expected_version = 2;
    let err = plan(&state(InBay, Some(1)), &req, None, t(9, 0, 0)).unwrap_err();
    assert_eq!(
        err,
        MoveError::Conflict {
            expected: 2,
            found: 3
        }
    );
}

#[test]
fn a_full_bay_or_the_wrong_kind_of_bay_is_refused() {
    let lift = bay(4, BayKind::Lift);
    let full = BayChoice {
        bay: &lift,
        full_with: Some("RO-1".into()),
    };
    let err = plan(
        &state(WaitingForBay, None),
        &request(InBay, Some(4)),
        Some(full),
        t(9, 0, 0),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "Lift 4 is taken by RO-1");
    let wash = bay(8, BayKind::Wash);
    let wrong = BayChoice {
        bay: &wash,
        full_with: None,
    };
    let err = plan(
        &state(WaitingForBay, None),
        &request(InBay, Some(8)),
        Some(wrong),
        t(9, 0, 0),
    )
    .unwrap_err();
    assert!(matches!(err, MoveError::WrongBayKind { .. }));
    let err = plan(
        &state(WaitingForBay, None),
        &request(InBay, None),
        None,
        t(9, 0, 0),
    )
    .unwrap_err();
    assert_eq!(err, MoveError::BayNeeded);
}

#[test]
fn leaving_the_workshop_frees_the_bay_and_parts_may_keep_it() {
    let next = plan(
        &state(InBay, Some(1)),
        &request(QualityCheck, None),
        None,
        t(9, 0, 0),
    )
    .unwrap();
    assert_eq!(next.bay_id, None, "quality check frees the lift");
    let own = bay(1, BayKind::Lift);
    let stay = BayChoice {
        bay: &own,
        full_with: Some("RO-7".into()),
    };
    let next = plan(
        &state(InBay, Some(1)),
        &request(WaitingForParts, Some(1)),
        Some(stay),
        t(9, 0, 0),
    )
    .unwrap();
    assert_eq!(
        next.bay_id,
        Some(1),
        "a car waiting for parts may stay on its lift"
    );
    let next = plan(
        &state(InBay, Some(1)),
        &request(WaitingForParts, None),
        None,
        t(9, 0, 0),
    )
    .unwrap();
    assert_eq!(next.bay_id, None, "or leave it, to free it for another car");
    let mut checked = state(QualityCheck, None);
    checked.qc_passed = true;
    let next = plan(&checked, &request(ReadyForPickup, None), None, t(9, 0, 0)).unwrap();
    assert_eq!(next.ready_at, Some(t(9, 0, 0)));
}

#[test]
fn moving_between_bays_is_a_reassignment_not_a_refused_transition() {
    let lift = bay(2, BayKind::Lift);
    let choice = BayChoice {
        bay: &lift,
        full_with: None,
    };
    let next = plan(
        &state(InBay, Some(1)),
        &request(InBay, Some(2)),
        Some(choice),
        t(9, 0, 0),
    )
    .unwrap();
    assert_eq!(next.bay_id, Some(2));
    // The car's own bay never counts as full against itself.
    let own = bay(1, BayKind::Lift);
    let choice = BayChoice {
        bay: &own,
        full_with: Some("RO-9".into()),
    };
    assert!(plan(
        &state(InBay, Some(1)),
        &request(InBay, Some(1)),
        Some(choice),
        t(9, 0, 0)
    )
    .is_ok());
}
