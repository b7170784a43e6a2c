//! The callback rules at their edges, as pure functions of the records and
//! the date: day 1 vs day 2 after delivery, day 7, the second call, the
//! mileage projection, 3 months ± 1 day across month ends, do-not-contact,
//! quiet hours, the no-answer policy, the complaint clock, and the plan that
//! makes generation idempotent.

mod common;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use common::calls::reached;
use frontdesk::domain::callbacks::complaint::{escalates, reply_by, ComplaintStatus};
use frontdesk::domain::callbacks::contact::{
    self, after, Callback, Contact, ContactRefusal, Outcome,
};
use frontdesk::domain::callbacks::plan::{plan, Stored};
use frontdesk::domain::callbacks::recall::parse_rows;
use frontdesk::domain::callbacks::rules::*;
use frontdesk::domain::callbacks::{read_out, Band, Kind, Policy, Status};
use std::collections::HashSet;

fn p() -> Policy {
    Policy::default()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn visit(id: i64, delivered: DateTime<Utc>) -> Visit {
    Visit {
        ro_id: id,
        number: format!("RO-{id}"),
        customer_id: 7,
        vehicle_id: 70,
        delivered_at: delivered,
        category: "repair".into(),
        warranty: false,
        odometer: Some(40_000),
        declined: Vec::new(),
        done: Vec::new(),
    }
}

fn band(d: &frontdesk::domain::callbacks::Due, now: DateTime<Utc>) -> Band {
    Band::of(d.from, d.until, now, &p())
}

#[test]
fn three_day_call_opens_on_day_2_and_closes_after_day_7() {
    let v = visit(1, at(2026, 11, 10, 8));
    let d = three_day_call(&v, &p()).unwrap();
    assert_eq!(d.kind, Kind::ThreeDayCall);
    // Day 1: not yet. Day 2 (from 09:00, out of quiet hours): due.
    assert_eq!(band(&d, at(2026, 11, 11, 12)), Band::Upcoming);
    assert_eq!(d.from, at(2026, 11, 12, 9));
    assert_eq!(band(&d, at(2026, 11, 12, 10)), Band::Today);
    // Day 7 still in time; day 8 overdue.
    assert_eq!(band(&d, at(2026, 11, 17, 23)), Band::Today);
    assert_eq!(band(&d, at(2026, 11, 18, 0)), Band::Overdue);
}

#[test]
fn a_car_in_warranty_comes_first() {
    let mut v = visit(1, at(2026, 11, 10, 8));
    assert_eq!(three_day_call(&v, &p()).unwrap().priority, 2);
    v.warranty = true;
    let d = three_day_call(&v, &p()).unwrap();
    assert_eq!(d.priority, 1);
    assert!(d.reason.contains("warranty"));
}

#[test]
fn second_call_is_a_week_after_the_first_within_seven_days() {
    let v = visit(1, at(2026, 11, 1, 8));
    let d = second_call(&v, at(2026, 11, 4, 10), &p()).unwrap();
    assert_eq!(d.from, at(2026, 11, 11, 9));
    assert_eq!(d.until, at(2026, 11, 19, 0));
    let mut f = Facts {
        visits: vec![v],
        ..Facts::default()
    };
    let now = at(2026, 11, 5, 10);
    assert!(!derive(&f, now, &p())
        .iter()
        .any(|d| d.kind == Kind::SecondCall));
    f.first_calls_done.insert(1, at(2026, 11, 4, 10));
    assert!(derive(&f, now, &p())
        .iter()
        .any(|d| d.kind == Kind::SecondCall));
}

#[test]
fn life_cycle_touches_fall_on_days_30_to_180_of_the_latest_visit_only() {
    let old = visit(1, at(2026, 1, 1, 8));
    let new = visit(2, at(2026, 3, 1, 8));
    let f = Facts {
        visits: vec![old, new],
        ..Facts::default()
    };
    let life: Vec<_> = derive(&f, at(2026, 3, 2, 10), &p())
        .into_iter()
        .filter(|d| d.kind == Kind::LifeCycle)
        .collect();
    assert_eq!(life.len(), 6);
    assert!(life.iter().all(|d| d.ro_id == Some(2)));
    let days: Vec<&str> = life.iter().map(|d| d.topic.as_str()).collect();
    assert_eq!(days, ["30", "60", "90", "120", "150", "180"]);
    assert_eq!(life[0].from, at(2026, 3, 31, 9));
    assert!(life[0].reason.contains("satisfaction survey"));
}

#[test]
fn months_are_calendar_months_across_month_ends() {
    assert_eq!(plus_months(day(2026, 1, 31), 3), day(2026, 4, 30));
    assert_eq!(plus_months(day(2025, 11, 30), 3), day(2026, 2, 28));
    assert_eq!(plus_months(day(2027, 11, 30), 3), day(2028, 2, 29));
}

#[test]
fn lost_customer_at_three_months_plus_or_minus_a_day() {
    // Last visit Jan 31: at risk from Apr 30 (Jan 31 + 3 months).
    let v = visit(1, at(2026, 1, 31, 8));
    let d = lost_step(&v, at(2026, 4, 29, 12), &p()).unwrap();
    assert_eq!(d.topic, "3");
    assert_eq!(band(&d, at(2026, 4, 29, 12)), Band::Upcoming);
    assert_eq!(band(&d, at(2026, 4, 30, 12)), Band::Today);
    assert_eq!(d.from, at(2026, 4, 30, 9));
    // From Jul 31 the step is 6 months (nearly lost); from Oct 31, lost.
    let six = lost_step(&v, at(2026, 7, 31, 12), &p()).unwrap();
    assert_eq!(six.topic, "6");
    assert!(six.reason.contains("nearly lost"));
    let nine = lost_step(&v, at(2026, 10, 31, 12), &p()).unwrap();
    assert_eq!(nine.topic, "9");
    // A year on, the ladder is over.
    assert!(lost_step(&v, at(2027, 2, 1, 12), &p()).is_none());
}

#[test]
fn a_customer_who_comes_back_leaves_the_ladder() {
    let first = visit(1, at(2026, 1, 31, 8));
    let now = at(2026, 5, 2, 12);
    let f = Facts {
        visits: vec![first.clone()],
        ..Facts::default()
    };
    let lost: Vec<_> = derive(&f, now, &p())
        .into_iter()
        .filter(|d| d.kind == Kind::LostCustomer)
        .collect();
    assert_eq!(lost.len(), 1);
    let back = Facts {
        visits: vec![first, visit(2, at(2026, 5, 1, 8))],
        ..Facts::default()
    };
    let keys: Vec<String> = derive(&back, now, &p())
        .into_iter()
        .filter(|d| d.kind == Kind::LostCustomer)
        .map(|d| d.key)
        .collect();
    assert!(
        !keys.contains(&lost[0].key),
        "the old step is no longer wanted"
    );
}

#[test]
fn mileage_is_projected_from_the_cars_own_readings() {
    let readings = vec![(day(2026, 1, 1), 10_000), (day(2026, 4, 11), 15_000)];
    assert_eq!(daily_km(&readings, 40), 50.0);
    // 5,000 km more at 50 a day: 100 days after the last reading.
    assert_eq!(projected_on(&readings, 20_000, 40), Some(day(2026, 7, 20)));
    // One reading: the shop's default, 40 km a day.
    let one = vec![(day(2026, 1, 1), 10_000)];
    assert_eq!(daily_km(&one, 40), 40.0);
    assert_eq!(projected_on(&one, 14_000, 40), Some(day(2026, 4, 11)));
    // A reading that went backwards (a new cluster) is not a rate.
    let back = vec![(day(2026, 1, 1), 10_000), (day(2026, 2, 1), 2_000)];
    assert_eq!(daily_km(&back, 40), 40.0);
}

#[test]
fn maintenance_is_due_by_date_or_mileage_whichever_comes_first() {
    let mut v = visit(1, at(2026, 1, 1, 8));
    v.category = "maintenance".into();
    v.odometer = Some(10_000);
    let car = |readings: Vec<(NaiveDate, i64)>| Car {
        vehicle_id: 70,
        customer_id: 7,
        plate: "粤A·12345".into(),
        readings,
        ..Car::default()
    };
    // A gentle driver: 6 months comes first (Jul 1).
    let slow = car(vec![(day(2026, 1, 1), 10_000), (day(2026, 3, 1), 11_000)]);
    let d = maintenance_due(&slow, &[&v], &p()).unwrap();
    assert!(d.reason.contains("by date: 2026-07-01"), "{}", d.reason);
    // A taxi: 5,000 km at 100 a day, 50 days after the reading of Jan 1.
    let fast = car(vec![(day(2026, 1, 1), 10_000), (day(2026, 1, 11), 11_000)]);
    let d = maintenance_due(&fast, &[&v], &p()).unwrap();
    assert!(
        d.reason.contains("by mileage: 15000 km around 2026-02-20"),
        "{}",
        d.reason
    );
    assert_eq!(d.from, at(2026, 2, 6, 9), "two weeks ahead");
}

#[test]
fn first_maintenance_within_three_months_of_purchase_until_it_is_done() {
    let car = Car {
        vehicle_id: 70,
        customer_id: 7,
        plate: "粤A·12345".into(),
        purchased_on: Some(day(2025, 11, 30)),
        ..Car::default()
    };
    let d = first_maintenance(&car, &[], &p()).unwrap();
    assert!(d.reason.contains("by 2026-02-28"), "{}", d.reason);
    assert_eq!(d.from, at(2026, 1, 30, 9));
    let mut v = visit(1, at(2026, 2, 10, 8));
    v.category = "maintenance".into();
    assert!(first_maintenance(&car, &[&v], &p()).is_none());
}

#[test]
fn declined_work_names_the_items_until_they_are_done() {
    let mut v = visit(1, at(2026, 3, 1, 8));
    v.declined = vec![
        ("BRK-F".into(), "Front brake pads".into()),
        (String::new(), "Wiper blades".into()),
    ];
    let all = declined_work(&v, &[&v], &p());
    assert_eq!(all.len(), 2);
    assert!(all[0].reason.contains("Front brake pads, Wiper blades"));
    assert_eq!(all[0].from, at(2026, 3, 15, 9));
    let mut later = visit(2, at(2026, 3, 20, 8));
    later.done = vec![("BRK-F".into(), "pads".into())];
    let left = declined_work(&v, &[&v, &later], &p());
    assert!(left[0].reason.contains("Wiper blades") && !left[0].reason.contains("brake"));
    later.done.push((String::new(), "wiper blades".into()));
    assert!(declined_work(&v, &[&v, &later], &p()).is_empty());
}

#[test]
fn appointment_reminder_half_a_day_to_a_day_before() {
    let a = Appointment {
        id: 5,
        customer_id: 7,
        vehicle_id: None,
        starts_at: at(2026, 11, 25, 14),
        active: true,
        work: "oil change".into(),
    };
    let d = appointment_reminder(&a, &p()).unwrap();
    assert_eq!(d.from, at(2026, 11, 24, 14));
    assert_eq!(d.until, at(2026, 11, 25, 2));
    assert!(appointment_reminder(&Appointment { active: false, ..a }, &p()).is_none());
}

#[test]
fn do_not_contact_silences_every_rule() {
    let mut v = visit(1, at(2026, 11, 10, 8));
    v.declined = vec![(String::new(), "Tyres".into())];
    let mut f = Facts {
        visits: vec![v],
        ..Facts::default()
    };
    assert!(!derive(&f, at(2026, 11, 12, 10), &p()).is_empty());
    f.customers.push(Customer {
        id: 7,
        name: "王伟".into(),
        do_not_contact: true,
    });
    assert!(derive(&f, at(2026, 11, 12, 10), &p()).is_empty());
}

#[test]
fn quiet_hours_move_a_window_and_refuse_a_call() {
    let p = p();
    assert!(p.is_quiet(at(2026, 11, 12, 21)));
    assert!(p.is_quiet(at(2026, 11, 12, 8)));
    assert!(!p.is_quiet(at(2026, 11, 12, 9)));
    assert_eq!(p.callable(at(2026, 11, 12, 22)), at(2026, 11, 13, 9));
    assert_eq!(p.callable(at(2026, 11, 12, 3)), at(2026, 11, 12, 9));
    // In Beijing time, 09:00 is 01:00 UTC.
    let cn = Policy {
        offset: FixedOffset::east_opt(8 * 3600).unwrap(),
        ..Policy::default()
    };
    assert_eq!(cn.callable(at(2026, 11, 12, 0)), at(2026, 11, 12, 1));
    let cb = open_callback();
    let call = reached(None);
    let refused = contact::check(&cb, &call, "me", at(2026, 11, 12, 22), &p);
    assert!(matches!(refused, Err(ContactRefusal::QuietHours(_))));
}

fn open_callback() -> Callback {
    Callback {
        status: Status::Open,
        claimed: None,
        attempts: 0,
        unanswered: 0,
    }
}

#[test]
fn bad_contacts_are_refused_with_a_reason() {
    let now = at(2026, 11, 12, 10);
    let cb = open_callback();
    let check = |c: &Contact, cb: &Callback| contact::check(cb, c, "me", now, &p());
    assert_eq!(
        check(&reached(Some(6)), &cb),
        Err(ContactRefusal::ScoreOutOfRange(6))
    );
    assert_eq!(
        check(&reached(Some(0)), &cb),
        Err(ContactRefusal::ScoreOutOfRange(0))
    );
    assert_eq!(check(&reached(Some(5)), &cb), Ok(()));
    let mut later = reached(None);
    later.outcome = Outcome::CallBack;
    assert_eq!(check(&later, &cb), Err(ContactRefusal::CallBackMissing));
    later.call_back_at = Some(now - Duration::minutes(5));
    assert_eq!(check(&later, &cb), Err(ContactRefusal::CallBackInPast));
    later.call_back_at = Some(at(2026, 11, 12, 23));
    assert!(matches!(
        check(&later, &cb),
        Err(ContactRefusal::CallBackQuiet(_))
    ));
    let closed = Callback {
        status: Status::Done,
        ..open_callback()
    };
    assert_eq!(
        check(&reached(None), &closed),
        Err(ContactRefusal::Closed(Status::Done))
    );
    let held = Callback {
        claimed: Some(("li.na".into(), now - Duration::minutes(5))),
        ..open_callback()
    };
    assert_eq!(
        check(&reached(None), &held),
        Err(ContactRefusal::ClaimedByOther("li.na".into()))
    );
    let mut no_answer = reached(Some(4));
    no_answer.outcome = Outcome::NoAnswer;
    assert_eq!(check(&no_answer, &cb), Err(ContactRefusal::ScoreNeedsReach));
}

#[test]
fn no_answer_retries_in_four_hours_then_next_day_then_closes() {
    let mut cb = open_callback();
    let mut call = reached(None);
    call.outcome = Outcome::NoAnswer;
    let first = after(&cb, &call, at(2026, 11, 12, 10), &p());
    assert_eq!(first.status, Status::Open);
    assert_eq!(first.retry_at, Some(at(2026, 11, 12, 14)));
    cb.attempts = first.attempts;
    cb.unanswered = first.unanswered;
    let second = after(&cb, &call, at(2026, 11, 12, 14), &p());
    assert_eq!(second.retry_at, Some(at(2026, 11, 13, 14)));
    cb.attempts = second.attempts;
    cb.unanswered = second.unanswered;
    let third = after(&cb, &call, at(2026, 11, 13, 14), &p());
    assert_eq!(third.status, Status::Unreachable);
    assert_eq!(third.attempts, 3);
    // A no-answer at 19:00 retries at 09:00 next day, not at 23:00.
    let late = after(&open_callback(), &call, at(2026, 11, 12, 19), &p());
    assert_eq!(late.retry_at, Some(at(2026, 11, 13, 9)));
}

#[test]
fn the_complaint_clock_escalates_after_two_days() {
    let received = at(2026, 11, 10, 10);
    let by = reply_by(received);
    assert_eq!(by, at(2026, 11, 12, 10));
    assert!(!escalates(
        ComplaintStatus::Open,
        by,
        by - Duration::minutes(1)
    ));
    assert!(!escalates(ComplaintStatus::Open, by, by));
    assert!(escalates(
        ComplaintStatus::Open,
        by,
        by + Duration::minutes(1)
    ));
    assert!(!escalates(
        ComplaintStatus::Resolved,
        by,
        by + Duration::days(3)
    ));
    let c = ComplaintFacts {
        id: 3,
        customer_id: 7,
        ro_id: None,
        received_at: received,
        reply_by: by,
        resolved_at: Some(at(2026, 11, 11, 15)),
        closed: false,
        summary: "noise".into(),
    };
    let d = complaint(&c, &p()).unwrap();
    assert_eq!(d.key, "complaint:3:after");
    assert_eq!(
        (d.from, d.until),
        (at(2026, 11, 12, 9), at(2026, 11, 19, 0))
    );
}

#[test]
fn plan_makes_nothing_twice_and_withdraws_what_is_gone() {
    let now = at(2026, 11, 12, 10);
    let v = visit(1, at(2026, 11, 10, 8));
    let wanted = vec![three_day_call(&v, &p()).unwrap()];
    let none: HashSet<String> = HashSet::new();
    let nobody: HashSet<i64> = HashSet::new();
    let first = plan(wanted.clone(), &[], &none, &nobody, now, &p());
    assert_eq!(first.add.len(), 1);
    let d = &first.add[0];
    let stored = vec![Stored {
        id: 9,
        key: d.key.clone(),
        kind: d.kind,
        customer_id: 7,
        from: d.from,
        until: d.until,
        reason: d.reason.clone(),
    }];
    assert!(plan(wanted.clone(), &stored, &none, &nobody, now, &p()).is_empty());
    // Closed already: never made again.
    let closed: HashSet<String> = [d.key.clone()].into();
    assert!(plan(wanted, &[], &closed, &nobody, now, &p()).is_empty());
    // The delivery is gone: the open call is withdrawn.
    let gone = plan(Vec::new(), &stored, &none, &nobody, now, &p());
    assert_eq!(gone.withdraw[0].0, 9);
    assert_eq!(gone.withdraw[0].1, Status::Withdrawn);
    let blocked: HashSet<i64> = [7].into();
    let dnc = plan(Vec::new(), &stored, &none, &blocked, now, &p());
    assert_eq!(dnc.withdraw[0].1, Status::DoNotContact);
}

#[test]
fn recall_lists_report_bad_rows_by_line() {
    let good = frontdesk::domain::vin::with_check_digit("LSVAU2180N2183294").unwrap();
    let rows = vec![
        (1, vec!["VIN".to_string(), "model".to_string()]),
        (2, vec![good.clone()]),
        (3, vec!["NOT-A-VIN".to_string()]),
        (4, vec![String::new()]),
        (5, vec![good.to_lowercase()]),
    ];
    let list = parse_rows(rows);
    assert_eq!(list.vins, vec![good]);
    assert_eq!(list.bad.len(), 1);
    assert_eq!(list.bad[0].line, 3);
    assert!(list.bad[0].why.contains("17 characters"));
}

#[test]
fn phone_numbers_are_grouped_for_reading_out() {
    assert_eq!(read_out("13800138000"), "138 0013 8000");
    assert_eq!(read_out("020-8888-1234"), "020 8888 1234");
    assert_eq!(read_out(""), "");
}
