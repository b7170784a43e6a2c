//! The appointment book, the customer files and search from anywhere on a
//! real database: booking with its reminder, the overbooking guard and its
//! override, the appointment → RO hand-over onto the board, no-shows and the
//! show rate; an audited edit and a merge that keeps every record; and the
//! search index kept in step after an edit, a merge and an import.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use frontdesk::demo::build_demo;
use frontdesk::domain::book::{AppointmentStatus, Booking};
use frontdesk::domain::callbacks::Kind;
use frontdesk::domain::{Money, RoStatus};
use frontdesk::store::book::{BookStore, FileStore, Found};
use frontdesk::store::callbacks::QueueFilter;
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, AuditFilter, SqliteStore, StoreError};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

/// The demo's users by login: 1 is the manager ("tester"), then the staff.
fn by(login: &str, at: DateTime<Utc>) -> Actor<'_> {
    let staff = [
        "tester",
        "li.na",
        "carlos",
        "zhang.wei",
        "wang.qiang",
        "chen.jing",
        "zhao.min",
    ];
    let id = staff.iter().position(|l| *l == login).map(|i| i as i64 + 1);
    Actor {
        login,
        user_id: id,
        at,
    }
}

fn demo() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let mut store = SqliteStore::open(&path, frontdesk::store::OpenMode::Create).unwrap();
    build_demo(&mut store, t0(), "tester").unwrap();
    (dir, store)
}

fn one(store: &SqliteStore, q: &str) -> i64 {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(q, [], |r| r.get(0))
        .unwrap()
}

/// A customer with a car, and the car.
fn someone(store: &SqliteStore) -> (i64, i64) {
    let v = one(
        store,
        "SELECT vehicle_id FROM vehicle_owners WHERE until IS NULL ORDER BY vehicle_id LIMIT 1",
    );
    let c = one(
        store,
        &format!("SELECT customer_id FROM vehicle_owners WHERE vehicle_id = {v} AND until IS NULL"),
    );
    (c, v)
}

fn booking(c: i64, v: i64, bay: Option<i64>, hours_ahead: i64, len: i64) -> Booking {
    Booking {
        customer_id: c,
        vehicle_id: Some(v),
        bay_id: bay,
        work_group_id: None,
        starts_at: t0() + Duration::hours(hours_ahead),
        ends_at: t0() + Duration::hours(hours_ahead) + Duration::minutes(len),
        requested_work: "10,000 km service".into(),
        parts_value: Money(80_000),
        deposit: Money(40_000),
        overbook_reason: String::new(),
    }
}

fn free_bay(store: &SqliteStore) -> i64 {
    one(
        store,
        "SELECT id FROM bays WHERE capacity = 1 AND kind != 'wash' ORDER BY id DESC LIMIT 1",
    )
}

fn audit_of(store: &SqliteStore, entity: &str, id: i64) -> Vec<frontdesk::store::AuditEntry> {
    store
        .audit_entries(&AuditFilter {
            entity: Some(entity.into()),
            entity_id: Some(id),
            ..AuditFilter::default()
        })
        .unwrap()
}

#[test]
fn a_booking_schedules_its_reminder_and_the_past_is_refused() {
    let (_dir, mut store) = demo();
    let (c, v) = someone(&store);
    let bay = free_bay(&store);
    let id = store
        .book(&booking(c, v, Some(bay), 26, 60), by("tester", t0()))
        .unwrap();
    let reminders = store
        .callback_queue(&QueueFilter::default(), t0() + Duration::days(1))
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == Kind::AppointmentReminder && r.customer_id == c)
        .count();
    assert_eq!(reminders, 1, "the reminder call is in the queue");
    let listed = store.appointments(t0(), t0() + Duration::days(2)).unwrap();
    let a = listed.iter().find(|a| a.id == id).unwrap();
    assert_eq!((a.status, a.minutes()), (AppointmentStatus::Booked, 60));
    let past = store.book(&booking(c, v, None, -1, 60), by("tester", t0()));
    assert!(matches!(past, Err(StoreError::Invalid(m)) if m.contains("past")));
}

#[test]
fn overbooking_a_bay_needs_a_reason_and_the_reason_is_audited() {
    let (_dir, mut store) = demo();
    let (c, v) = someone(&store);
    let bay = free_bay(&store);
    store
        .book(&booking(c, v, Some(bay), 30, 120), by("tester", t0()))
        .unwrap();
    let clash = booking(c, v, Some(bay), 31, 60);
    let refused = store.book(&clash, by("tester", t0()));
    assert!(
        matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("at once") && m.contains("reason")),
        "{refused:?}"
    );
    let before = one(&store, "SELECT count(*) FROM appointments");
    let anyway = Booking {
        overbook_reason: "fleet customer, two technicians free".into(),
        ..clash
    };
    let id = store.book(&anyway, by("tester", t0())).unwrap();
    assert_eq!(one(&store, "SELECT count(*) FROM appointments"), before + 1);
    let audit = audit_of(&store, "appointment", id);
    assert!(
        audit
            .iter()
            .any(|e| e.action == "overbook" && e.detail.contains("fleet customer")),
        "{audit:?}"
    );
}

#[test]
fn check_in_turns_the_appointment_into_an_ro_on_the_board() {
    let (_dir, mut store) = demo();
    let (c, v) = someone(&store);
    let id = store
        .book(&booking(c, v, None, 2, 90), by("tester", t0()))
        .unwrap();
    let a = store
        .appointments(t0(), t0() + Duration::days(1))
        .unwrap()
        .into_iter()
        .find(|a| a.id == id)
        .unwrap();
    let at = t0() + Duration::hours(2);
    let (ro_id, number) = store
        .check_in_appointment(id, a.version, by("tester", at))
        .unwrap();
    let ro = store.load_ro(ro_id).unwrap();
    assert_eq!(ro.number, number);
    assert_eq!((ro.customer.id, ro.vehicle.id), (Some(c), Some(v)));
    assert_eq!(ro.concerns, "10,000 km service");
    assert_eq!(ro.estimated_minutes, Some(90));
    assert_eq!(ro.promised_at, Some(a.ends_at));
    let board = store.board().unwrap();
    let card = board
        .cards
        .iter()
        .find(|c| c.id == ro_id)
        .expect("on the board");
    assert_eq!(card.status(), RoStatus::CheckedIn);
    let after = store
        .appointments(t0(), t0() + Duration::days(1))
        .unwrap()
        .into_iter()
        .find(|a| a.id == id)
        .unwrap();
    assert_eq!(
        (after.status, after.ro_id),
        (AppointmentStatus::Arrived, Some(ro_id))
    );
    // Checked in once: a second press (an old version) changes nothing.
    assert!(store
        .check_in_appointment(id, a.version, by("tester", at))
        .is_err());
    assert_eq!(one(&store, &format!("SELECT count(*) FROM repair_orders WHERE vehicle_id = {v} AND status = 'checked_in'")), 1);
}

#[test]
fn no_shows_count_in_the_show_rate_and_cancellations_do_not() {
    let (_dir, mut store) = demo();
    let (c, v) = someone(&store);
    let ids: Vec<i64> = (0..3)
        .map(|i| {
            store
                .book(&booking(c, v, None, 50 + i * 2, 60), by("tester", t0()))
                .unwrap()
        })
        .collect();
    let list = |s: &SqliteStore| {
        s.appointments(t0() + Duration::hours(40), t0() + Duration::hours(60))
            .unwrap()
    };
    let version =
        |s: &SqliteStore, id: i64| list(s).into_iter().find(|a| a.id == id).unwrap().version;
    // Not before it starts: then it is a cancellation.
    let early = store.no_show(ids[0], version(&store, ids[0]), by("tester", t0()));
    assert!(matches!(early, Err(StoreError::Invalid(m)) if m.contains("not started")));
    let later = t0() + Duration::hours(60);
    store
        .no_show(ids[0], version(&store, ids[0]), by("tester", later))
        .unwrap();
    store
        .check_in_appointment(ids[1], version(&store, ids[1]), by("tester", later))
        .unwrap();
    assert!(store
        .cancel_appointment(ids[2], version(&store, ids[2]), "  ", by("tester", t0()))
        .is_err());
    store
        .cancel_appointment(
            ids[2],
            version(&store, ids[2]),
            "customer away",
            by("tester", t0()),
        )
        .unwrap();
    let rate = store
        .show_rate(t0() + Duration::hours(40), t0() + Duration::hours(60))
        .unwrap();
    assert_eq!((rate.arrived, rate.no_show, rate.cancelled), (1, 1, 1));
    assert_eq!(rate.show_per_mille(), Some(500));
}

#[test]
fn a_moved_appointment_is_audited_and_a_stale_move_is_a_conflict() {
    let (_dir, mut store) = demo();
    let (c, v) = someone(&store);
    let id = store
        .book(&booking(c, v, None, 30, 60), by("tester", t0()))
        .unwrap();
    let a = store
        .appointments(t0(), t0() + Duration::days(3))
        .unwrap()
        .into_iter()
        .find(|a| a.id == id)
        .unwrap();
    store
        .move_appointment(
            id,
            a.version,
            &booking(c, v, None, 54, 60),
            by("tester", t0()),
        )
        .unwrap();
    let stale = store.move_appointment(
        id,
        a.version,
        &booking(c, v, None, 78, 60),
        by("tester", t0()),
    );
    assert!(matches!(stale, Err(StoreError::Conflict(_))));
    store
        .tell_workshop(id, a.version + 1, by("tester", t0()))
        .unwrap();
    let audit = audit_of(&store, "appointment", id);
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "move", "workshop_told"]);
}

fn found_customer(store: &SqliteStore, q: &str, id: i64) -> bool {
    store.search(q, 12).unwrap().iter().any(|f| match f {
        Found::Car(h) => h.customer_id == id,
        Found::Customer { id: c, .. } => *c == id,
        Found::Ro { .. } => false,
    })
}

#[test]
fn search_matches_every_field_kind_and_follows_an_edit() {
    let (_dir, mut store) = demo();
    let (c, v) = someone(&store);
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let (plate, vin, phone, name): (String, String, String, String) = conn
        .query_row(
            &format!("SELECT v.plate, v.vin, cu.phone, cu.name FROM vehicles v, customers cu WHERE v.id = {v} AND cu.id = {c}"),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let spaced = plate.replace('·', " ").to_lowercase();
    for q in [
        plate.as_str(),
        &spaced,
        &vin[vin.len() - 6..],
        &phone[3..8],
        &name,
    ] {
        assert!(found_customer(&store, q, c), "{q} finds the customer");
    }
    let number: String = conn
        .query_row(
            "SELECT number FROM repair_orders ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let serial = number.trim_start_matches("RO-");
    assert!(store
        .search(serial, 12)
        .unwrap()
        .iter()
        .any(|f| matches!(f, Found::Ro { number: n, .. } if *n == number)));
    // An edit: the new name is found, by a Chinese substring too.
    let mut file = store.full_file(c, t0()).unwrap();
    file.details.name = "欧阳娜娜".into();
    store
        .save_customer(c, file.version, &file.details, by("tester", t0()))
        .unwrap();
    assert!(found_customer(&store, "阳娜娜", c));
    assert!(found_customer(&store, "欧阳", c), "a two-character prefix");
    assert!(
        !found_customer(&store, &name, c) || name.contains("欧阳"),
        "the old name is gone from the index"
    );
}

#[test]
fn a_customer_edit_is_audited_checked_and_a_stale_one_is_a_conflict() {
    let (_dir, mut store) = demo();
    let (c, _) = someone(&store);
    let file = store.full_file(c, t0()).unwrap();
    let mut d = file.details.clone();
    d.preferred_time = "after 18:00".into();
    d.membership = "gold".into();
    store
        .save_customer(c, file.version, &d, by("tester", t0()))
        .unwrap();
    let stale = store.save_customer(c, file.version, &d, by("tester", t0()));
    assert!(matches!(stale, Err(StoreError::Conflict(_))));
    let mut bad = d.clone();
    bad.phone = "138-call-me".into();
    let now = store.full_file(c, t0()).unwrap();
    assert!(
        matches!(store.save_customer(c, now.version, &bad, by("tester", t0())), Err(StoreError::Invalid(m)) if m.starts_with("phone"))
    );
    let audit = audit_of(&store, "customer", c);
    let edit = audit
        .iter()
        .find(|e| e.action == "update")
        .expect("audited");
    assert!(
        edit.detail.contains("after 18:00") && edit.detail.contains("gold"),
        "{}",
        edit.detail
    );
    // The cashier may not edit files.
    let refused = store.save_customer(c, now.version, &d, by("zhao.min", t0()));
    assert!(refused.is_err());
}

#[test]
fn a_merge_keeps_all_history_and_is_for_a_manager() {
    let (_dir, mut store) = demo();
    let keep = one(
        &store,
        "SELECT customer_id FROM repair_orders GROUP BY customer_id ORDER BY customer_id LIMIT 1",
    );
    let gone = one(&store, &format!("SELECT customer_id FROM repair_orders WHERE customer_id != {keep} GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1"));
    let count = |s: &SqliteStore, table: &str, who: i64| {
        one(
            s,
            &format!("SELECT count(*) FROM {table} WHERE customer_id = {who}"),
        )
    };
    let tables = [
        "repair_orders",
        "callbacks",
        "contacts",
        "complaints",
        "appointments",
        "vehicle_owners",
    ];
    let before: Vec<i64> = tables
        .iter()
        .map(|t| count(&store, t, keep) + count(&store, t, gone))
        .collect();
    let total_ros = one(&store, "SELECT count(*) FROM repair_orders");
    let gone_name: String = rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(
            &format!("SELECT name FROM customers WHERE id = {gone}"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        store
            .merge_customers(keep, gone, by("li.na", t0()))
            .is_err(),
        "an advisor may not merge"
    );
    let m = store
        .merge_customers(keep, gone, by("tester", t0()))
        .unwrap();
    assert!(m.repair_orders > 0);
    for (t, b) in tables.iter().zip(&before) {
        if *t != "callbacks" {
            assert_eq!(count(&store, t, keep), *b, "{t} all on the kept customer");
        }
        assert_eq!(
            count(&store, t, gone),
            0,
            "{t} nothing left on the duplicate"
        );
    }
    assert_eq!(
        one(&store, "SELECT count(*) FROM repair_orders"),
        total_ros,
        "no RO lost"
    );
    assert_eq!(
        one(
            &store,
            &format!("SELECT merged_into FROM customers WHERE id = {gone}")
        ),
        keep
    );
    let file = store.full_file(keep, t0()).unwrap();
    let visits: usize = file.cars.iter().map(|c| c.visits.len()).sum();
    assert!(visits as i64 >= before[0]);
    // The duplicate leaves the index: its name finds only the kept file.
    assert!(!found_customer(&store, &gone_name, gone));
    assert!(
        store
            .merge_customers(keep, gone, by("tester", t0()))
            .is_err(),
        "merged once"
    );
}
