//! The store behind the RO editor: save and reload, conflicts, search,
//! signature, decline, added work, payments, exit notice, drafts.

use chrono::{DateTime, Duration, TimeZone, Utc};
use frontdesk::demo::build_demo;
use frontdesk::domain::added_work::{AddedWorkCall, Channel, Decision};
use frontdesk::domain::draft::{Draft, NEW_RO};
use frontdesk::domain::repair_order::*;
use frontdesk::domain::{Money, MoveRequest, RepairOrder, RoStatus};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, OpenMode, SaveRo, SqliteStore, StoreError};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

fn by(login: &str) -> Actor<'_> {
    Actor {
        login,
        user_id: Some(1),
        at: now(),
    }
}

fn shop() -> SqliteStore {
    let mut s = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut s, now(), "tester").unwrap();
    s
}

/// A new RO saved by the desk (the demo's manager): number, version, ids.
fn save_new(store: &mut SqliteStore) -> RepairOrder {
    store
        .save_ro(&SaveRo::new(&new_ro()), by("tester"))
        .unwrap()
}

fn new_ro() -> RepairOrder {
    let mut ro = RepairOrder::new("tester");
    ro.customer = CustomerRef {
        id: None,
        name: "新客户 Nuevo".into(),
        phone: "139 1234 5678".into(),
    };
    ro.vehicle = VehicleRef {
        id: None,
        vin: "1M8GDM9AXKP042788".into(),
        plate: "粤A·NEW01".into(),
        make: "Toyota".into(),
        model: "Camry".into(),
        last_odometer_km: None,
    };
    ro.odometer_in_km = Some(12_345);
    ro.fuel_eighths = Some(4);
    ro.concerns = "Brake noise\nfront left".into();
    ro.promised_at = Some(now() + Duration::hours(4));
    ro.estimated_minutes = Some(120);
    ro.lines = vec![
        RoLine {
            kind: LineKind::Labour,
            code: "BRK-PADS-F".into(),
            description: "Front pads".into(),
            quantity_milli: 1200,
            unit_price: Money(18_000),
            ..Default::default()
        },
        RoLine {
            kind: LineKind::Part,
            code: "P-PAD-01".into(),
            description: "Pad set".into(),
            quantity_milli: 1000,
            unit_price: Money(45_000),
            ..Default::default()
        },
    ];
    ro
}

#[test]
fn a_new_ro_creates_customer_car_owner_and_number_and_reloads_equal() {
    let mut store = shop();
    let saved = save_new(&mut store);
    assert!(saved.number.starts_with("RO-"));
    assert_eq!(saved.status, RoStatus::CheckedIn);
    assert_eq!(saved.checked_in_at, Some(now()));
    assert_eq!(saved.version, 1);
    assert_eq!(saved.customer.name, "新客户 Nuevo");
    assert_eq!(saved.concerns, "Brake noise\nfront left");
    assert_eq!(saved.lines.len(), 2);
    assert_eq!(saved.lines[0].quantity_milli, 1200);
    assert_eq!(saved.lines[1].code, "P-PAD-01");
    // It is on the board, waiting for dispatch.
    let card = store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| c.id == saved.id.unwrap())
        .unwrap();
    assert_eq!(card.status(), RoStatus::CheckedIn);
    let hits = store.search_vehicles("粤a new01", 5).unwrap();
    assert_eq!(hits[0].customer, "新客户 Nuevo");
    assert_eq!(hits[0].last_odometer_km, Some(12_345));
    assert_eq!(
        hits[0].open_ro.as_ref().map(|o| o.1.clone()),
        Some(saved.number.clone())
    );
}

#[test]
fn numbers_are_unique_and_increasing() {
    let mut store = shop();
    let a = save_new(&mut store);
    let mut second = new_ro();
    second.vehicle.plate = "粤A·NEW02".into();
    let b = store.save_ro(&SaveRo::new(&second), by("tester")).unwrap();
    let n = |s: &str| s[3..].parse::<i64>().unwrap();
    assert_eq!(n(&b.number), n(&a.number) + 1);
}

/// A demo shop in a file, for tests that reach under the store.
fn shop_file(dir: &std::path::Path) -> (std::path::PathBuf, SqliteStore) {
    let path = dir.join("shop.db");
    let mut s = SqliteStore::open(&path, OpenMode::Create).unwrap();
    build_demo(&mut s, now(), "tester").unwrap();
    (path, s)
}

fn serial(number: &str) -> i64 {
    number[3..].parse().unwrap()
}

#[test]
fn a_number_written_by_another_path_moves_the_counter_on() {
    // An import (or any writer that brings its own number) must never let
    // the desk hand out a number already on file.
    let dir = tempfile::tempdir().unwrap();
    let (path, mut store) = shop_file(dir.path());
    let raw = rusqlite::Connection::open(&path).unwrap();
    let ro = new_ro();
    raw.execute(
        "INSERT INTO repair_orders (number, vehicle_id, customer_id, status, created_at, updated_at, version)
         SELECT 'RO-40000', vehicle_id, customer_id, 'declined', created_at, updated_at, 0
         FROM repair_orders LIMIT 1",
        [],
    )
    .unwrap();
    let saved = store.save_ro(&SaveRo::new(&ro), by("tester")).unwrap();
    assert_eq!(saved.number, "RO-40001");
}

#[test]
fn an_existing_shop_is_migrated_to_the_counter_from_its_highest_number() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = shop_file(dir.path());
    drop(store);
    // Put the file back to schema 7: no counter, and a high number on file.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "DROP TRIGGER repair_orders_counter; DROP TABLE ro_counter;
         UPDATE repair_orders SET number = 'RO-35000' WHERE id = (SELECT max(id) FROM repair_orders);
         PRAGMA user_version = 7;",
    )
    .unwrap();
    drop(raw);
    let mut store = SqliteStore::open(&path, OpenMode::ReadWrite).unwrap();
    let a = store
        .save_ro(&SaveRo::new(&new_ro()), by("tester"))
        .unwrap();
    assert_eq!(a.number, "RO-35001");
    let mut second = new_ro();
    second.vehicle.plate = "粤A·NEW02".into();
    let b = store.save_ro(&SaveRo::new(&second), by("tester")).unwrap();
    assert_eq!(serial(&b.number), 35_002);
}

#[test]
fn a_stale_save_is_a_conflict_and_writes_nothing() {
    let mut store = shop();
    let saved = save_new(&mut store);
    let mut mine = saved.clone();
    let mut theirs = saved.clone();
    theirs.diagnosis = "Pads at 2 mm".into();
    store.save_ro(&SaveRo::new(&theirs), by("carlos")).unwrap();
    mine.concerns = "Brake noise, also squeal".into();
    let err = store
        .save_ro(&SaveRo::new(&mine), by("tester"))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("saved by carlos")),
        "{err}"
    );
    let stored = store.load_ro(saved.id.unwrap()).unwrap();
    assert_eq!(stored.diagnosis, "Pads at 2 mm");
    assert_eq!(stored.concerns, "Brake noise\nfront left");
}

#[test]
fn two_connections_to_one_file_conflict_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let mut a = SqliteStore::open(&path, OpenMode::Create).unwrap();
    build_demo(&mut a, now(), "tester").unwrap();
    let saved = save_new(&mut a);
    let mut b = SqliteStore::open(&path, OpenMode::ReadWrite).unwrap();
    let mut theirs = b.load_ro(saved.id.unwrap()).unwrap();
    theirs.fuel_eighths = Some(8);
    b.save_ro(&SaveRo::new(&theirs), by("carlos")).unwrap();
    let mut mine = saved;
    mine.fuel_eighths = Some(2);
    assert!(matches!(
        a.save_ro(&SaveRo::new(&mine), by("tester")),
        Err(StoreError::Conflict(_))
    ));
}

#[test]
fn search_finds_plate_phone_vin_name_and_ro_number() {
    let mut store = shop();
    let saved = save_new(&mut store);
    for q in [
        "NEW01",
        "粤a.new 01",
        "1391234",
        "M8GDM9AX",
        "新客户",
        saved.number.as_str(),
    ] {
        let hits = store.search_vehicles(q, 10).unwrap();
        assert!(
            hits.iter().any(|h| h.plate == "粤A·NEW01"),
            "query {q:?} found {hits:?}"
        );
    }
    assert!(
        store.search_vehicles("%", 10).unwrap().is_empty(),
        "wildcards are literal"
    );
    assert!(store.search_vehicles("   ", 10).unwrap().is_empty());
}

#[test]
fn a_lower_odometer_with_a_reason_replaces_the_cars_reading() {
    let mut store = shop();
    let saved = save_new(&mut store);
    let mut next = new_ro();
    next.vehicle = saved.vehicle.clone();
    next.customer = saved.customer.clone();
    next.odometer_in_km = Some(50);
    next.odometer_override_reason = "instrument cluster replaced".into();
    let later = Actor {
        login: "tester",
        user_id: Some(1),
        at: now() + Duration::days(30),
    };
    store.save_ro(&SaveRo::new(&next), later).unwrap();
    let hits = store.search_vehicles("NEW01", 1).unwrap();
    assert_eq!(hits[0].last_odometer_km, Some(50));
}

#[test]
fn a_car_can_change_owner() {
    let mut store = shop();
    let saved = save_new(&mut store);
    let mut next = new_ro();
    next.vehicle = saved.vehicle.clone();
    next.customer = CustomerRef {
        id: None,
        name: "Second Owner".into(),
        phone: "13700000000".into(),
    };
    next.new_owner = true;
    next.odometer_in_km = Some(20_000);
    store.save_ro(&SaveRo::new(&next), by("tester")).unwrap();
    let hits = store.search_vehicles("NEW01", 5).unwrap();
    assert_eq!(hits.len(), 1, "one current owner");
    assert_eq!(hits[0].customer, "Second Owner");
}

#[test]
fn signing_needs_a_name_and_a_concern() {
    let mut store = shop();
    let saved = save_new(&mut store);
    let id = saved.id.unwrap();
    assert!(store
        .sign_ro(id, saved.version, "  ", by("tester"))
        .is_err());
    store
        .sign_ro(id, saved.version, "王伟", by("tester"))
        .unwrap();
    let signed = store.load_ro(id).unwrap();
    assert_eq!(signed.signed_by_name.as_deref(), Some("王伟"));
    assert!(!signed.is_estimate());
    assert!(
        store
            .sign_ro(id, saved.version, "again", by("tester"))
            .is_err(),
        "stale version"
    );
}

#[test]
fn declining_keeps_the_fee_payable_and_issues_the_exit_notice_once_paid() {
    let mut store = shop();
    let mut ro = new_ro();
    ro.lines.push(RoLine {
        kind: LineKind::Fee,
        code: "DIAG".into(),
        description: "Diagnosis fee".into(),
        quantity_milli: 1000,
        unit_price: Money(10_000),
        ..Default::default()
    });
    let saved = store.save_ro(&SaveRo::new(&ro), by("tester")).unwrap();
    let id = saved.id.unwrap();
    // The fee is owed (¥100 + 13 %): the car does not leave before it is paid.
    let err = store
        .decline_ro(id, saved.version, by("tester"))
        .unwrap_err();
    assert!(err.to_string().contains("113.00 is still owed"), "{err}");
    assert_eq!(store.load_ro(id).unwrap().status, RoStatus::CheckedIn);
    store
        .add_payment(id, Money(11_300), "cash", by("zhao.min"))
        .unwrap();
    store.decline_ro(id, saved.version, by("tester")).unwrap();
    let declined = store.load_ro(id).unwrap();
    assert_eq!(declined.status, RoStatus::Declined);
    assert_eq!(declined.exit_notice_at, Some(now()));
    // The estimate's work is declined (a reason to call later); the fee stays.
    let approvals: Vec<Approval> = declined.lines.iter().map(|l| l.approval).collect();
    assert_eq!(
        approvals,
        vec![Approval::Declined, Approval::Declined, Approval::Original]
    );
}

/// Signs a new RO and puts it on lift B4: the start of most walks here.
fn signed_in_bay(store: &mut SqliteStore) -> (RepairOrder, i64) {
    let saved = save_new(store);
    let id = saved.id.unwrap();
    store
        .sign_ro(id, saved.version, "新客户 Nuevo", by("tester"))
        .unwrap();
    let bay = store.board().unwrap().bay_coded("B4").unwrap().id;
    let version = store.load_ro(id).unwrap().version;
    store
        .move_ro(
            &MoveRequest {
                ro_id: id,
                expected_version: version,
                to: RoStatus::InBay,
                bay_id: Some(bay),
                work_group_id: None,
            },
            by("wang.qiang"),
        )
        .unwrap();
    (saved, id)
}

fn move_to(store: &mut SqliteStore, id: i64, to: RoStatus) -> Result<(), StoreError> {
    let version = store.load_ro(id).unwrap().version;
    let req = MoveRequest {
        ro_id: id,
        expected_version: version,
        to,
        bay_id: None,
        work_group_id: None,
    };
    store.move_ro(&req, by("tester"))
}

#[test]
fn added_work_from_proposal_to_approval_moves_the_promise() {
    let mut store = shop();
    let (saved, id) = signed_in_bay(&mut store);
    let in_bay = store.load_ro(id).unwrap();
    let extra = RoLine {
        kind: LineKind::Part,
        code: "P-DISC".into(),
        description: "Front discs".into(),
        quantity_milli: 2000,
        unit_price: Money(60_000),
        ..Default::default()
    };
    store
        .propose_added_work(id, in_bay.version, vec![extra], by("wang.qiang"))
        .unwrap();
    let waiting = store.load_ro(id).unwrap();
    assert_eq!(waiting.status, RoStatus::AwaitingApproval);
    assert_eq!(waiting.lines.last().unwrap().approval, Approval::Proposed);
    let item = waiting.lines.last().unwrap().id.unwrap();
    let call = AddedWorkCall {
        asked_at: now(),
        answered_at: now() + Duration::minutes(4),
        channel: Channel::Phone,
        workshop_told: "王强".into(),
        workshop_told_at: now() + Duration::minutes(5),
        delay_minutes: 90,
        decisions: vec![(item, Decision::Approved)],
    };
    let later = Actor {
        at: now() + Duration::minutes(10),
        ..by("tester")
    };
    store
        .record_added_work_call(id, waiting.version, &call, later)
        .unwrap();
    let approved = store.load_ro(id).unwrap();
    assert_eq!(approved.status, RoStatus::InBay);
    assert_eq!(approved.lines.last().unwrap().approval, Approval::Approved);
    assert_eq!(
        approved.promised_at,
        saved.promised_at.map(|p| p + Duration::minutes(90))
    );
    let history = store.ro_detail(id).unwrap().history;
    let answer = history
        .iter()
        .find(|h| h.action == "added_work_answer")
        .unwrap();
    assert!(
        answer.detail.contains("by phone; approved: Front discs;")
            && !answer.detail.contains("declined")
            && answer.detail.contains("workshop told: 王强"),
        "{}",
        answer.detail
    );
}

#[test]
fn payments_may_be_partial_but_the_car_leaves_settled_or_on_accepted_arrears() {
    let mut store = shop();
    let (_, id) = signed_in_bay(&mut store);
    move_to(&mut store, id, RoStatus::QualityCheck).unwrap();
    let err = move_to(&mut store, id, RoStatus::ReadyForPickup).unwrap_err();
    assert!(err.to_string().contains("quality check"), "{err}");
    let v = store.load_ro(id).unwrap().version;
    store
        .record_quality_check(id, v, true, "", by("wang.qiang"))
        .unwrap();
    move_to(&mut store, id, RoStatus::ReadyForPickup).unwrap();
    // (1.2 h × 180 + 450) = 666.00, plus 13 % tax = 752.58
    let left = store
        .add_payment(id, Money(50_000), "wechat", by("zhao.min"))
        .unwrap();
    assert_eq!(left, Money(75_258 - 50_000));
    for bad in [0, -100, 99_999] {
        assert!(
            store
                .add_payment(id, Money(bad), "cash", by("zhao.min"))
                .is_err(),
            "a payment of {bad} is refused"
        );
    }
    assert_eq!(store.payments(id).unwrap().len(), 1, "nothing changed");
    let err = move_to(&mut store, id, RoStatus::Delivered).unwrap_err();
    assert!(err.to_string().contains("exit notice"), "{err}");
    let v = store.load_ro(id).unwrap().version;
    let err = store.issue_exit_notice(id, v, by("tester")).unwrap_err();
    assert!(err.to_string().contains("¥252.58 is still owed"), "{err}");
    assert!(
        store.accept_arrears(id, v, " ", by("tester")).is_err(),
        "arrears need a reason"
    );
    store
        .accept_arrears(id, v, "fleet account, pays monthly", by("tester"))
        .unwrap();
    let v = store.load_ro(id).unwrap().version;
    store.issue_exit_notice(id, v, by("tester")).unwrap();
    move_to(&mut store, id, RoStatus::Delivered).unwrap();
    let delivered = store.load_ro(id).unwrap();
    assert_eq!(delivered.status, RoStatus::Delivered);
    let arrears = delivered.desk.arrears.unwrap();
    assert_eq!(arrears.amount, Money(25_258));
    assert_eq!(arrears.accepted.by, "tester");
}

#[test]
fn drafts_are_kept_per_user_one_per_ro() {
    let mut store = shop();
    let mut ro = new_ro();
    ro.concerns = "half typed".into();
    let draft = Draft {
        user_login: "tester".into(),
        ro_id: NEW_RO,
        base_version: 0,
        ro: ro.clone(),
        saved_at: now(),
    };
    store.save_draft(&draft).unwrap();
    ro.concerns = "half typed, more".into();
    store
        .save_draft(&Draft {
            ro: ro.clone(),
            ..draft.clone()
        })
        .unwrap();
    let mine = store.drafts("tester").unwrap();
    assert_eq!(mine.len(), 1, "one draft per user and RO");
    assert_eq!(mine[0].ro.concerns, "half typed, more");
    assert!(store.drafts("carlos").unwrap().is_empty());
    store.delete_draft("tester", NEW_RO).unwrap();
    assert!(store.drafts("tester").unwrap().is_empty());
}

/// Drafts live in their own file beside the shop: writing one never moves
/// the shop's `data_version` (so no other terminal reloads) and never waits
/// for another terminal's write lock on the shop.
#[test]
fn drafts_live_beside_the_shop_and_never_touch_it() {
    use frontdesk::store::sqlite::drafts_path;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    SqliteStore::open(&db, OpenMode::Create).unwrap();
    let mut store = SqliteStore::open(&db, OpenMode::ReadWrite).unwrap();
    let mut watcher = store.watcher().unwrap();
    assert!(!watcher.changed().unwrap());
    // Another terminal holds the shop's write lock.
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let draft = Draft {
        user_login: "tester".into(),
        ro_id: NEW_RO,
        base_version: 0,
        ro: new_ro(),
        saved_at: now(),
    };
    // Were drafts in the shop file, this would fail "busy" after 5 s.
    store.save_draft(&draft).unwrap();
    other.execute_batch("ROLLBACK").unwrap();
    assert!(drafts_path(&db).exists());
    assert!(!watcher.changed().unwrap(), "no reload anywhere");
    // The shop file's own drafts table stays empty.
    let n: i64 = other
        .query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    // Another process (a fresh connection) finds the draft.
    let again = SqliteStore::open(&db, OpenMode::ReadWrite).unwrap();
    assert_eq!(again.drafts("tester").unwrap().len(), 1);
}

/// An earlier version kept drafts in the shop file; an upgrade moves them.
#[test]
fn drafts_left_in_the_shop_file_by_an_earlier_version_are_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    SqliteStore::open(&db, OpenMode::Create).unwrap();
    let payload = serde_json::to_string(&new_ro()).unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO drafts (user_login, entity, entity_id, base_version, payload, saved_at)
             VALUES ('tester', 'repair_order', 0, 0, ?1, '2026-11-22T02:00:00Z')",
            [payload],
        )
        .unwrap();
    let store = SqliteStore::open(&db, OpenMode::ReadWrite).unwrap();
    let drafts = store.drafts("tester").unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].ro.customer.name, new_ro().customer.name);
    let left: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "moved, not copied");
}

#[test]
fn control_characters_are_cleaned_before_storing() {
    let mut store = shop();
    let mut ro = new_ro();
    ro.customer.name = "Evil\x1b[2J Name".into();
    ro.concerns = "line one\x07\nline two\x1b]0;x".into();
    let saved = store.save_ro(&SaveRo::new(&ro), by("tester")).unwrap();
    assert_eq!(
        saved.customer.name, "Evil Name",
        "the escape sequence goes whole"
    );
    assert_eq!(saved.concerns, "line one\nline two");
    let conn_check = |s: &SqliteStore| s.integrity_check().unwrap().is_empty();
    assert!(conn_check(&store));
}

#[test]
fn the_demo_ships_canned_jobs() {
    let store = shop();
    let jobs = store.canned_jobs().unwrap();
    assert!(jobs
        .iter()
        .any(|j| j.op_code == "BRK-PADS-F" && j.hours_milli == 1200));
}

/// Every user who may write the shop may keep drafts beside it: the drafts
/// file takes the shop file's permissions, whatever the creator's umask.
#[test]
fn the_drafts_file_takes_the_shop_files_permissions() {
    use frontdesk::store::sqlite::drafts_path;
    use std::os::unix::fs::PermissionsExt;
    for mode in [0o666, 0o640] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        SqliteStore::open(&db, OpenMode::Create).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(mode)).unwrap();
        let store = SqliteStore::open(&db, OpenMode::ReadWrite).unwrap();
        store.drafts("tester").unwrap();
        let got = std::fs::metadata(drafts_path(&db))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(got, mode, "drafts file mode for a {mode:o} shop");
    }
}

/// A delivered RO of the demo, with a call that answered two items.
fn delivered_with_a_call(store: &SqliteStore) -> RepairOrder {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let number: String = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row(
            "SELECT r.number FROM repair_orders r JOIN added_work_calls c ON c.ro_id = r.id
             WHERE r.status = 'delivered' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let id = store.ro_id_by_number(&number).unwrap().unwrap();
    store.load_ro(id).unwrap()
}

#[test]
fn bad_input_at_the_desk_is_refused_and_changes_nothing() {
    let mut store = shop();
    let ro = delivered_with_a_call(&store);
    let id = ro.id.unwrap();
    // Reopening needs a reason.
    let err = store
        .reopen_ro(id, ro.version, "   ", by("tester"))
        .unwrap_err();
    assert!(err.to_string().contains("give the reason"), "{err}");
    // Deciding an item that was already decided.
    let decided = ro
        .lines
        .iter()
        .find(|l| l.approval == Approval::Approved)
        .unwrap();
    let call = AddedWorkCall {
        asked_at: now(),
        answered_at: now(),
        channel: Channel::Phone,
        workshop_told: "王强".into(),
        workshop_told_at: now(),
        delay_minutes: 0,
        decisions: vec![(decided.id.unwrap(), Decision::Declined)],
    };
    assert!(store
        .record_added_work_call(id, ro.version, &call, by("tester"))
        .is_err());
    // Editing a closed RO.
    let mut edit = ro.clone();
    edit.diagnosis = "changed after delivery".into();
    let err = store
        .save_ro(&SaveRo::new(&edit), by("tester"))
        .unwrap_err();
    assert!(err.to_string().contains("closed"), "{err}");
    // Nothing changed: same version, same lines, not reopened.
    let after = store.load_ro(id).unwrap();
    assert_eq!(after, ro);
    // With a reason, a manager reopens it; a correction is then saved as
    // one, and the paid history stays as it was.
    let paid_before = store.payments(id).unwrap();
    store
        .reopen_ro(
            id,
            ro.version,
            "wrong part number on the invoice",
            by("tester"),
        )
        .unwrap();
    let mut fix = store.load_ro(id).unwrap();
    fix.lines[0].code = "OP-FIXED".into();
    store.save_ro(&SaveRo::new(&fix), by("tester")).unwrap();
    let fixed = store.load_ro(id).unwrap();
    assert_eq!(fixed.lines[0].code, "OP-FIXED");
    assert!(fixed.is_closed(), "closed again after its one correction");
    assert!(fixed.desk.corrected_at.is_some());
    assert_eq!(store.payments(id).unwrap(), paid_before);
    let history = store.ro_detail(id).unwrap().history;
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert!(actions.ends_with(&["reopen", "correction"]), "{actions:?}");
}

#[test]
fn an_overpayment_says_what_change_to_give_and_is_not_taken() {
    let mut store = shop();
    let (_, id) = signed_in_bay(&mut store);
    // (216 + 450) × 1.13 = 752.58 owed.
    let err = store
        .add_payment(id, Money(80_000), "cash", by("zhao.min"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("take 752.58 and give 47.42 change"),
        "{err}"
    );
    assert!(store.payments(id).unwrap().is_empty());
}

#[test]
fn after_signing_the_lines_are_frozen_and_a_new_customer_needs_a_new_signature() {
    let mut store = shop();
    let saved = save_new(&mut store);
    let id = saved.id.unwrap();
    store
        .sign_ro(id, saved.version, "新客户 Nuevo", by("tester"))
        .unwrap();
    let signed = store.load_ro(id).unwrap();
    // A line added after the signature: refused, nothing written.
    let mut more = signed.clone();
    more.lines.push(more.lines[0].clone());
    let err = store
        .save_ro(&SaveRo::new(&more), by("tester"))
        .unwrap_err();
    assert!(err.to_string().contains("added work"), "{err}");
    // A price changed, or the promise moved: the same.
    let mut cheaper = signed.clone();
    cheaper.lines[1].unit_price = Money(1);
    assert!(store.save_ro(&SaveRo::new(&cheaper), by("tester")).is_err());
    assert_eq!(store.load_ro(id).unwrap(), signed);
    // The customer's name changed: saved, and the signature is void.
    let mut renamed = signed.clone();
    renamed.customer.name = "王建国".into();
    let after = store.save_ro(&SaveRo::new(&renamed), by("tester")).unwrap();
    assert!(!after.is_signed(), "a new signature is needed");
    assert_eq!(after.signed_by_name, None);
    let history = store.ro_detail(id).unwrap().history;
    assert!(history.iter().any(|h| h.action == "signature_voided"));
    // The audit says which field changed, from what to what.
    let update = history.iter().rfind(|h| h.action == "update").unwrap();
    assert!(
        update.detail.contains("\"customer.name\"")
            && update.detail.contains("新客户 Nuevo")
            && update.detail.contains("王建国"),
        "{}",
        update.detail
    );
}
