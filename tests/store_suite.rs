//! The store suite, run against both backends. Every check is written once
//! against `dyn Store` and runs on the demo shop in an SQLite file and on
//! the same demo moved into a PostgreSQL group (a throwaway cluster). Each
//! area's finer parity (queue, checklist, book, search, reports, files) is
//! in tests/postgres.rs, which compares the two stores directly.

mod common;

use chrono::{DateTime, Utc};
use common::pg::Cluster;
use common::pty::{make_demo, me, NOW};
use frontdesk::domain::dispatch::MoveError;
use frontdesk::domain::lifecycle::Progress;
use frontdesk::domain::{MoveRequest, RepairOrder, RoStatus};
use frontdesk::store::postgres::PgStore;
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, ChangeWatcher, OpenMode, SaveRo, SqliteStore, StoreError};
use std::time::{Duration, Instant};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW).unwrap().to_utc()
}

fn by(login: &str) -> Actor<'_> {
    Actor {
        login,
        user_id: None,
        at: now(),
    }
}

/// Runs every check, in order, on one shop; `store` and `other` are two
/// connections to it.
fn suite(store: &mut dyn Store, other: &mut dyn Store) {
    let login = me();
    let login = login.as_str();
    let by = Actor {
        user_id: store.user_by_login(login).unwrap().map(|u| u.id),
        ..by(login)
    };
    the_demo_has_bays_groups_and_every_open_state(store);
    a_move_is_saved_audited_and_a_stale_one_refused(store, by);
    a_full_bay_is_refused(store, by);
    progress_check_and_pickup_call_clear_their_flags(store, by);
    new_ros_are_numbered_in_turn_and_a_stale_save_is_a_conflict(store, other, by);
    the_watcher_hears_another_connections_commit(store, other, by);
    a_delivery_owes_its_three_day_call_at_once(store, by);
    two_terminals_hang_two_keys_on_two_hooks(store, other, by);
    assert!(
        store.audit_problems().unwrap().problems.is_empty(),
        "the audit chain is whole after the suite"
    );
}

fn the_demo_has_bays_groups_and_every_open_state(store: &mut dyn Store) {
    let snap = store.board().unwrap();
    assert!((6..=10).contains(&snap.bays.len()), "{}", snap.bays.len());
    assert!((3..=4).contains(&snap.groups.len()));
    for status in RoStatus::OPEN {
        assert!(
            snap.cards.iter().any(|c| c.status() == status),
            "no car is {status}"
        );
    }
    let counts = frontdesk::domain::board::counts(&snap.cards, now());
    assert!(
        counts.late > 0 && counts.progress_check_due > 0 && counts.pickup_call_due > 0,
        "{counts:?}"
    );
    let mut plates: Vec<&str> = snap.cards.iter().map(|c| c.plate.as_str()).collect();
    plates.sort();
    plates.dedup();
    assert_eq!(plates.len(), snap.cards.len(), "each car is in once");
}

fn waiting_car(store: &dyn Store) -> frontdesk::domain::BoardCard {
    store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| c.status() == RoStatus::WaitingForBay)
        .expect("a car waits for a bay")
}

fn a_move_is_saved_audited_and_a_stale_one_refused(store: &mut dyn Store, by: Actor<'_>) {
    let car = waiting_car(store);
    let snap = store.board().unwrap();
    let lift = snap
        .bays
        .iter()
        .find(|b| b.code == "B4" && snap.occupants(b.id, None).is_empty())
        .expect("Lift 4 is free in the demo")
        .id;
    let req = MoveRequest {
        ro_id: car.id,
        expected_version: car.version,
        to: RoStatus::InBay,
        bay_id: Some(lift),
        work_group_id: Some(snap.groups[0].id),
    };
    store.move_ro(&req, by).unwrap();
    let detail = store.ro_detail(car.id).unwrap();
    assert_eq!(detail.card.status(), RoStatus::InBay);
    assert_eq!(detail.card.bay_id, Some(lift));
    assert_eq!(detail.card.version, car.version + 1);
    let last = detail.history.last().unwrap();
    assert_eq!(last.user_login, by.login);
    assert_eq!(last.at, now());
    assert!(
        last.detail.contains("waiting_for_bay → in_bay"),
        "{}",
        last.detail
    );
    let err = store.move_ro(&req, by).unwrap_err();
    assert!(
        matches!(err, StoreError::Move(MoveError::Conflict { .. })),
        "{err}"
    );
    assert_eq!(
        store.ro_detail(car.id).unwrap().history.len(),
        detail.history.len(),
        "nothing written by the stale move"
    );
}

fn a_full_bay_is_refused(store: &mut dyn Store, by: Actor<'_>) {
    let car = waiting_car(store);
    let snap = store.board().unwrap();
    let b1 = snap.bays.iter().find(|b| b.code == "B1").unwrap();
    let req = MoveRequest {
        ro_id: car.id,
        expected_version: car.version,
        to: RoStatus::InBay,
        bay_id: Some(b1.id),
        work_group_id: None,
    };
    let err = store.move_ro(&req, by).unwrap_err();
    assert!(err.to_string().contains("is taken by"), "{err}");
    assert_eq!(
        store.ro_detail(car.id).unwrap().card.status(),
        RoStatus::WaitingForBay
    );
}

fn progress_check_and_pickup_call_clear_their_flags(store: &mut dyn Store, by: Actor<'_>) {
    use frontdesk::domain::timing::{pickup_call_due, progress_check_due};
    let due = store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| progress_check_due(&c.times, now()))
        .expect("a progress check is due");
    store
        .record_progress_check(due.id, due.version, Progress::OnTime, by)
        .unwrap();
    let after = store.ro_detail(due.id).unwrap();
    assert!(!progress_check_due(&after.card.times, now()));
    assert_eq!(after.history.last().unwrap().action, "progress_check");
    assert!(
        store
            .record_pickup_call(due.id, due.version, "", by)
            .is_err(),
        "a stale version is refused"
    );
    store
        .record_pickup_call(due.id, after.card.version, "", by)
        .unwrap();
    let times = store.ro_detail(due.id).unwrap().card.times;
    assert!(!pickup_call_due(&times, now()));
}

fn new_ro(n: u32) -> RepairOrder {
    let mut ro = RepairOrder::new("");
    ro.customer.name = format!("Suite {n}");
    ro.customer.phone = format!("1370000{n:04}");
    ro.vehicle.plate = format!("粤S{n:05}");
    ro.vehicle.make = "Toyota".into();
    ro.vehicle.model = "Corolla".into();
    ro.concerns = "noise".into();
    ro
}

fn new_ros_are_numbered_in_turn_and_a_stale_save_is_a_conflict(
    store: &mut dyn Store,
    other: &mut dyn Store,
    by: Actor<'_>,
) {
    let serial = |ro: &RepairOrder| -> u64 {
        ro.number
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap()
    };
    let a = store.save_ro(&SaveRo::new(&new_ro(1)), by).unwrap();
    let b = other.save_ro(&SaveRo::new(&new_ro(2)), by).unwrap();
    assert_eq!(serial(&b), serial(&a) + 1, "{} then {}", a.number, b.number);
    // Both terminals hold version 1; one saves, the other's save of the
    // same field is a conflict, and the first one's words are kept.
    let id = a.id.unwrap();
    let (mut mine, mut theirs) = (store.load_ro(id).unwrap(), other.load_ro(id).unwrap());
    mine.concerns = "brake noise, front left".into();
    theirs.concerns = "engine light".into();
    store.save_ro(&SaveRo::new(&mine), by).unwrap();
    let err = other.save_ro(&SaveRo::new(&theirs), by).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(
        store.load_ro(id).unwrap().concerns,
        "brake noise, front left"
    );
}

/// Waits (up to 10 s, so a slow machine does not fail it) until the
/// watcher reports a change.
fn heard(w: &mut dyn ChangeWatcher) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if w.changed().unwrap() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn the_watcher_hears_another_connections_commit(
    store: &mut dyn Store,
    other: &mut dyn Store,
    by: Actor<'_>,
) {
    let mut watcher = store.watcher().unwrap();
    while watcher.changed().unwrap() {} // what came before
    let car = waiting_car(other);
    let req = MoveRequest {
        ro_id: car.id,
        expected_version: car.version,
        to: RoStatus::Cancelled,
        bay_id: None,
        work_group_id: None,
    };
    let moved = other.move_ro(&req, by).map(|_| ()).or_else(|_| {
        // Cancelling may need a reason on this shop; a progress check is
        // a commit too.
        let due = other.board().unwrap().cards[0].clone();
        other.record_progress_check(due.id, due.version, Progress::OnTime, by)
    });
    moved.unwrap();
    assert!(heard(watcher.as_mut()), "the commit was heard");
}

fn a_delivery_owes_its_three_day_call_at_once(store: &mut dyn Store, by: Actor<'_>) {
    use frontdesk::domain::callbacks::Kind;
    use frontdesk::domain::settlement::Balance;
    use frontdesk::store::callbacks::QueueFilter;
    let ready: Vec<_> = store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .filter(|c| c.status() == RoStatus::ReadyForPickup)
        .collect();
    let mut delivered = 0;
    for car in ready {
        let ro = store.load_ro(car.id).unwrap();
        let tax = store.settings().unwrap().tax_rate_bp;
        let owed = Balance::of(&ro, tax, &store.payments(car.id).unwrap()).outstanding();
        if owed.0 > 0 {
            store.add_payment(car.id, owed, "card", by).unwrap();
        }
        let v = store.load_ro(car.id).unwrap().version;
        if store.issue_exit_notice(car.id, v, by).is_err() {
            continue; // its final check or walk-around is still to do
        }
        let req = MoveRequest {
            ro_id: car.id,
            expected_version: store.load_ro(car.id).unwrap().version,
            to: RoStatus::Delivered,
            bay_id: None,
            work_group_id: car.work_group_id,
        };
        if store.move_ro(&req, by).is_err() {
            continue;
        }
        delivered += 1;
        let queue = store
            .callback_queue(&QueueFilter::default(), now())
            .unwrap();
        assert!(
            queue
                .iter()
                .any(|r| r.ro_id == Some(car.id) && r.kind == Kind::ThreeDayCall),
            "RO {} owes its three-day call",
            car.number
        );
    }
    assert!(delivered > 0, "a car could be delivered");
}

fn two_terminals_hang_two_keys_on_two_hooks(
    store: &mut dyn Store,
    other: &mut dyn Store,
    by: Actor<'_>,
) {
    use frontdesk::domain::checklist::keys::TagRequest;
    let a = store.save_ro(&SaveRo::new(&new_ro(3)), by).unwrap();
    let b = other.save_ro(&SaveRo::new(&new_ro(4)), by).unwrap();
    let ta = store
        .assign_key_tag(a.id.unwrap(), TagRequest::Auto, by)
        .unwrap();
    let tb = other
        .assign_key_tag(b.id.unwrap(), TagRequest::Auto, by)
        .unwrap();
    assert_ne!(ta, tb);
    let hook = ta.parse().unwrap();
    let err = other
        .assign_key_tag(b.id.unwrap(), TagRequest::Hook(hook), by)
        .unwrap_err();
    assert!(
        err.to_string().contains(&ta) || err.to_string().contains("already"),
        "{err}"
    );
}

#[test]
fn the_suite_on_an_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    make_demo(&db, "tester", NOW);
    let mut store = SqliteStore::open(&db, OpenMode::ReadWrite).unwrap();
    let mut other = SqliteStore::open(&db, OpenMode::ReadWrite).unwrap();
    suite(&mut store, &mut other);
}

#[test]
fn the_suite_on_a_postgresql_group() {
    let pg = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    make_demo(&db, "tester", NOW);
    let url = pg.create_db("grp");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args([
            "migrate",
            "--from",
            db.to_str().unwrap(),
            "--to",
            &url,
            "--shop",
            "SH01",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conninfo = pg.conninfo("grp", &me());
    let mut store = PgStore::open(&conninfo, Some("SH01"), OpenMode::ReadWrite).unwrap();
    let mut other = PgStore::open(&conninfo, Some("SH01"), OpenMode::ReadWrite).unwrap();
    suite(&mut store, &mut other);
}
