//! The SQLite store: migrations, refusing bad files untouched, moves with
//! their audit rows, conflicts, write locking and change detection.

use chrono::{DateTime, TimeZone, Utc};
use frontdesk::demo::build_demo;
use frontdesk::domain::dispatch::MoveError;
use frontdesk::domain::lifecycle::Progress;
use frontdesk::domain::{MoveRequest, RoStatus};
use frontdesk::store::prelude::*;
use frontdesk::store::sqlite::{migrate, LATEST_VERSION};
use frontdesk::store::{Actor, OpenMode, SqliteStore, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

/// The demo's people by login, with the ids the demo gives them (the
/// store asks their roles); anyone else is a stranger.
fn actor(login: &str) -> Actor<'_> {
    let demo = [
        "tester",
        "li.na",
        "carlos",
        "zhang.wei",
        "wang.qiang",
        "chen.jing",
        "zhao.min",
    ];
    Actor {
        login,
        user_id: demo.iter().position(|l| *l == login).map(|i| i as i64 + 1),
        at: now(),
    }
}

fn demo_file(dir: &Path) -> PathBuf {
    let path = dir.join("shop.db");
    let mut store = SqliteStore::open(&path, OpenMode::Create).unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    path
}

fn open_err(path: &Path, mode: OpenMode) -> String {
    match SqliteStore::open(path, mode) {
        Ok(_) => panic!("{} opened but should not", path.display()),
        Err(e) => e.to_string(),
    }
}

const TABLES: [&str; 19] = [
    "settings",
    "users",
    "work_groups",
    "bays",
    "customers",
    "vehicles",
    "vehicle_owners",
    "appointments",
    "repair_orders",
    "added_work_requests",
    "ro_lines",
    "payments",
    "checklist_entries",
    "key_tags",
    "callbacks",
    "complaints",
    "canned_jobs",
    "drafts",
    "audit_log",
];

#[test]
fn migrations_run_from_empty_and_again_without_change() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, LATEST_VERSION);
    let schema_before: String = conn
        .query_row("SELECT group_concat(sql) FROM sqlite_master", [], |r| {
            r.get(0)
        })
        .unwrap();
    migrate(&mut conn).unwrap();
    let schema_after: String = conn
        .query_row("SELECT group_concat(sql) FROM sqlite_master", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(schema_before, schema_after);
    for table in TABLES {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "table {table} missing");
    }
}

#[test]
fn a_file_store_uses_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path());
    drop(SqliteStore::open(&path, OpenMode::ReadWrite).unwrap());
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Foreign keys are enforced by the store's own connection.
    let store = SqliteStore::open(&path, OpenMode::ReadWrite).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
}

fn assert_untouched(path: &Path, before: &[u8]) {
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "{} was modified",
        path.display()
    );
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        assert!(!side.exists(), "{} was created", side.display());
    }
}

#[test]
fn bad_paths_are_refused_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/shop.db");
    let msg = open_err(&missing, OpenMode::Create);
    assert!(msg.contains("does not exist"), "{msg}");
    let msg = open_err(dir.path(), OpenMode::ReadOnlyOk);
    assert!(msg.contains("is a directory"), "{msg}");
    let msg = open_err(&dir.path().join("absent.db"), OpenMode::ReadOnlyOk);
    assert!(
        msg.contains("no database at") && msg.contains("frontdesk init"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let text = b"This is a shopping list, not a database. It is long enough to have a header.\n"
        .repeat(20);
    std::fs::write(&path, &text).unwrap();
    let msg = open_err(&path, OpenMode::ReadWrite);
    assert!(msg.contains("not a SQLite database"), "{msg}");
    assert_untouched(&path, &text);
}

#[test]
fn another_programs_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (x);")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let msg = open_err(&path, OpenMode::ReadWrite);
    assert!(msg.contains("not a frontdesk one"), "{msg}");
    assert_untouched(&path, &before);
}

#[test]
fn a_database_from_a_newer_frontdesk_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "CREATE TABLE future (x); PRAGMA user_version = {};",
        LATEST_VERSION + 5
    ))
    .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    for mode in [OpenMode::ReadWrite, OpenMode::ReadOnlyOk] {
        let msg = open_err(&path, mode);
        assert!(msg.contains("newer frontdesk"), "{msg}");
    }
    assert_untouched(&path, &before);
}

#[test]
fn a_read_only_file_refuses_writes_but_opens_for_watching() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let msg = open_err(&path, OpenMode::ReadWrite);
    assert!(msg.contains("read-only"), "{msg}");
    let mut store = SqliteStore::open(&path, OpenMode::ReadOnlyOk).unwrap();
    assert!(store.is_read_only());
    let snap = store.board().unwrap();
    assert!(!snap.cards.is_empty(), "the board still reads");
    let card = &snap.cards[0];
    let err = store
        .record_progress_check(card.id, card.version, Progress::OnTime, actor("x"))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn the_demo_has_bays_groups_customers_and_every_open_state() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    let snap = store.board().unwrap();
    assert!((6..=10).contains(&snap.bays.len()));
    assert!((3..=4).contains(&snap.groups.len()));
    for status in RoStatus::OPEN {
        assert!(
            snap.cards.iter().any(|c| c.status() == status),
            "no car is {status}"
        );
    }
    let conn_statuses = store_statuses(&store);
    for s in ["delivered", "declined", "cancelled"] {
        assert!(
            conn_statuses.contains(&s.to_string()),
            "no {s} RO in the demo"
        );
    }
    let users = store.users().unwrap();
    let me = users
        .iter()
        .find(|u| u.login == "tester")
        .expect("the login running the demo is a user");
    assert_eq!(me.role.code(), "manager");
    let counts = frontdesk::domain::board::counts(&snap.cards, now());
    assert!(
        counts.late > 0 && counts.progress_check_due > 0 && counts.pickup_call_due > 0,
        "{counts:?}"
    );
    // Each car is in the shop once.
    let mut plates: Vec<&str> = snap.cards.iter().map(|c| c.plate.as_str()).collect();
    plates.sort();
    plates.dedup();
    assert_eq!(plates.len(), snap.cards.len());
}

fn store_statuses(store: &SqliteStore) -> Vec<String> {
    // The board shows open ROs only; closed ones are checked through a backup copy.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let conn = Connection::open(&copy).unwrap();
    let mut stmt = conn
        .prepare("SELECT DISTINCT status FROM repair_orders")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn waiting_car(store: &SqliteStore) -> frontdesk::domain::BoardCard {
    let snap = store.board().unwrap();
    snap.cards
        .into_iter()
        .find(|c| c.status() == RoStatus::WaitingForBay)
        .unwrap()
}

fn free_lift(store: &SqliteStore) -> i64 {
    let snap = store.board().unwrap();
    snap.bays
        .iter()
        .find(|b| b.code == "B4" && snap.occupants(b.id, None).is_empty())
        .map(|b| b.id)
        .expect("Lift 4 is free in the demo")
}

#[test]
fn a_move_saves_the_row_and_an_audit_entry_with_user_and_time() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    let car = waiting_car(&store);
    let bay = free_lift(&store);
    let req = MoveRequest {
        ro_id: car.id,
        expected_version: car.version,
        to: RoStatus::InBay,
        bay_id: Some(bay),
        work_group_id: Some(store.board().unwrap().groups[0].id),
    };
    store.move_ro(&req, actor("li.na")).unwrap();
    let detail = store.ro_detail(car.id).unwrap();
    assert_eq!(detail.card.status(), RoStatus::InBay);
    assert_eq!(detail.card.bay_id, Some(bay));
    assert_eq!(detail.card.version, car.version + 1);
    let last = detail.history.last().unwrap();
    assert_eq!(last.user_login, "li.na");
    assert_eq!(last.at, now());
    assert!(
        last.detail.contains("waiting_for_bay → in_bay"),
        "{}",
        last.detail
    );
    // The same request again carries a stale version: a conflict, nothing written.
    let err = store.move_ro(&req, actor("carlos")).unwrap_err();
    assert!(
        matches!(err, StoreError::Move(MoveError::Conflict { .. })),
        "{err}"
    );
    assert_eq!(
        store.ro_detail(car.id).unwrap().history.len(),
        detail.history.len()
    );
}

#[test]
fn a_full_bay_is_refused_by_the_store() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    let car = waiting_car(&store);
    let snap = store.board().unwrap();
    let b1 = snap.bays.iter().find(|b| b.code == "B1").unwrap();
    let req = MoveRequest {
        ro_id: car.id,
        expected_version: car.version,
        to: RoStatus::InBay,
        bay_id: Some(b1.id),
        work_group_id: None,
    };
    let err = store.move_ro(&req, actor("li.na")).unwrap_err();
    assert!(err.to_string().contains("is taken by"), "{err}");
    assert_eq!(
        store.ro_detail(car.id).unwrap().card.status(),
        RoStatus::WaitingForBay
    );
}

#[test]
fn progress_check_and_pickup_call_are_recorded_and_clear_their_flags() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    let snap = store.board().unwrap();
    let due = snap
        .cards
        .iter()
        .find(|c| frontdesk::domain::timing::progress_check_due(&c.times, now()))
        .unwrap()
        .clone();
    store
        .record_progress_check(due.id, due.version, Progress::OnTime, actor("wang.qiang"))
        .unwrap();
    let after = store.ro_detail(due.id).unwrap();
    assert!(!frontdesk::domain::timing::progress_check_due(
        &after.card.times,
        now()
    ));
    assert_eq!(after.history.last().unwrap().action, "progress_check");
    // Stale version: refused.
    assert!(store
        .record_pickup_call(due.id, due.version, "", actor("li.na"))
        .is_err());
    store
        .record_pickup_call(due.id, after.card.version, "", actor("li.na"))
        .unwrap();
    assert!(!frontdesk::domain::timing::pickup_call_due(
        &store.ro_detail(due.id).unwrap().card.times,
        now()
    ));
}

#[test]
fn the_audit_log_cannot_be_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path());
    let conn = Connection::open(&path).unwrap();
    let update = conn.execute("UPDATE audit_log SET user_login = 'nobody'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM audit_log", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn a_writer_waits_for_another_process_instead_of_failing_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path());
    let mut store = SqliteStore::open(&path, OpenMode::ReadWrite).unwrap();
    let car = waiting_car(&store);
    // Another terminal holds the write lock for a moment, then commits.
    let other = Connection::open(&path).unwrap();
    other
        .execute_batch(
            "BEGIN IMMEDIATE; UPDATE settings SET value = value WHERE key = 'shop_name';",
        )
        .unwrap();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        other.execute_batch("COMMIT").unwrap();
    });
    store
        .record_pickup_call(car.id, car.version, "waiting for a lift", actor("li.na"))
        .unwrap();
    holder.join().unwrap();
    assert_eq!(
        store
            .ro_detail(car.id)
            .unwrap()
            .history
            .last()
            .unwrap()
            .action,
        "pickup_call"
    );
}

#[test]
fn the_watcher_sees_another_connections_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path());
    let store = SqliteStore::open(&path, OpenMode::ReadWrite).unwrap();
    let mut watcher = store.watcher().unwrap();
    assert!(!watcher.changed().unwrap());
    let other = Connection::open(&path).unwrap();
    other
        .execute("UPDATE customers SET name = name || '!' WHERE id = 1", [])
        .unwrap();
    assert!(watcher.changed().unwrap());
    assert!(!watcher.changed().unwrap(), "reported once per commit");
}

#[test]
fn backup_copies_a_live_database_and_check_passes_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_file(dir.path());
    let store = SqliteStore::open(&path, OpenMode::ReadWrite).unwrap();
    let target = dir.path().join("copy.db");
    store.backup_to(&target).unwrap();
    let copy = SqliteStore::open(&target, OpenMode::ReadOnlyOk).unwrap();
    assert_eq!(
        copy.board().unwrap().cards.len(),
        store.board().unwrap().cards.len()
    );
    assert!(copy.integrity_check().unwrap().is_empty());
    assert!(store.backup_to(&target).is_err(), "never overwrites");
}

/// Every record in the demo passed the desk's own guards: no car past the
/// desk unsigned, none out of the gate unchecked, unpaid or without
/// accepted arrears. It also shows one call that approved one item and
/// declined another, and an insurance job whose share is a receivable.
#[test]
fn the_demo_obeys_the_life_cycle() {
    use frontdesk::domain::repair_order::Payer;
    use frontdesk::domain::settlement::Balance;
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let conn = Connection::open(&copy).unwrap();
    let numbers: Vec<String> = conn
        .prepare("SELECT number FROM repair_orders")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let tax = store.settings().unwrap().tax_rate_bp;
    let (mut receivable, mut delivered) = (false, 0);
    for number in &numbers {
        let id = store.ro_id_by_number(number).unwrap().unwrap();
        let ro = store.load_ro(id).unwrap();
        let past_the_desk = !matches!(
            ro.status,
            RoStatus::Booked | RoStatus::CheckedIn | RoStatus::Declined | RoStatus::Cancelled
        ) && ro.status != RoStatus::WaitingForBay;
        if past_the_desk {
            assert!(ro.is_signed(), "{number} ({}) is not signed", ro.status);
        }
        if ro.status == RoStatus::Delivered {
            delivered += 1;
            let balance = Balance::of(&ro, tax, &store.payments(id).unwrap());
            assert!(ro.exit_notice_at.is_some(), "{number}: no exit notice");
            assert!(ro.desk.qc_passed.is_some(), "{number}: no final check");
            assert!(balance.settled(), "{number}: left owing {:?}", balance.owed);
            receivable |= balance
                .receivables
                .iter()
                .any(|(p, _)| *p == Payer::Insurer);
        }
    }
    assert!(
        delivered > 20 && receivable,
        "{delivered} delivered; receivable {receivable}"
    );
    let split_calls: i64 = conn
        .query_row(
            "SELECT count(*) FROM added_work_calls c
             WHERE EXISTS (SELECT 1 FROM ro_lines l WHERE l.call_id = c.id AND l.approval = 'approved')
               AND EXISTS (SELECT 1 FROM ro_lines l WHERE l.call_id = c.id AND l.approval = 'declined')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        split_calls >= 1,
        "a call that approved one item and declined another"
    );
    let arrears: i64 = conn
        .query_row(
            "SELECT count(*) FROM repair_orders WHERE arrears_accepted_by IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(arrears >= 1, "accepted arrears, by someone who may");
}
