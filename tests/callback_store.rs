//! The callback queue on a real database: the sweep is idempotent and
//! follows the records beneath it, a delivery owes its three-day call at
//! once, complaints escalate on the clock, contacts are counted and checked
//! with nothing half-written, two processes claim one callback and exactly
//! one wins, and `frontdesk callbacks` lists CSV and imports recall lists.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::calls::reached;
use frontdesk::demo::build_demo;
use frontdesk::domain::callbacks::complaint::Source;
use frontdesk::domain::callbacks::contact::Outcome;
use frontdesk::domain::callbacks::{Kind, Status};
use frontdesk::store::callbacks::{ListFilter, NewComplaint, QueueFilter, QueueRow};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, SqliteStore, StoreError};
use std::process::Command;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

fn by(login: &str, at: DateTime<Utc>) -> Actor<'_> {
    Actor {
        login,
        user_id: None,
        at,
    }
}

/// The demo in a file, so a test can also change rows underneath it.
fn demo() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let mut store = SqliteStore::open(&path, frontdesk::store::OpenMode::Create).unwrap();
    build_demo(&mut store, t0(), "tester").unwrap();
    (dir, store)
}

fn queue(store: &SqliteStore, at: DateTime<Utc>) -> Vec<QueueRow> {
    store.callback_queue(&QueueFilter::default(), at).unwrap()
}

fn count(store: &SqliteStore) -> i64 {
    let all: i64 = [
        Status::Open,
        Status::Done,
        Status::Withdrawn,
        Status::Unreachable,
    ]
    .iter()
    .map(|s| {
        let f = ListFilter {
            status: Some(*s),
            ..ListFilter::default()
        };
        store.callback_list(&f).unwrap().len() as i64
    })
    .sum();
    all
}

#[test]
fn generating_twice_makes_nothing_twice() {
    let (_dir, mut store) = demo();
    let before = count(&store);
    let first = store.sweep_callbacks(by("tester", t0())).unwrap();
    assert_eq!(first.added, 0, "the demo already ran the rules at now");
    let again = store.sweep_callbacks(by("tester", t0())).unwrap();
    assert_eq!((again.added, again.moved, again.withdrawn), (0, 0, 0));
    assert_eq!(count(&store), before);
    // The next day's sweep adds only what the new day brings, once.
    let next = t0() + Duration::days(1);
    let day2 = store.sweep_callbacks(by("tester", next)).unwrap();
    let twice = store.sweep_callbacks(by("tester", next)).unwrap();
    assert_eq!(twice.added, 0, "{day2:?}");
}

/// A change made underneath, by another tool.
fn sql(store: &SqliteStore, q: &str) {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .execute_batch(q)
        .unwrap();
}

#[test]
fn a_delivery_owes_its_three_day_call_and_an_undone_delivery_withdraws_it() {
    let (_dir, mut store) = demo();
    let calls = queue(&store, t0());
    let three: Vec<&QueueRow> = calls
        .iter()
        .filter(|r| r.kind == Kind::ThreeDayCall)
        .collect();
    assert!(
        !three.is_empty(),
        "the demo's deliveries made their calls as they happened"
    );
    let ro = three[0].ro_id.unwrap();
    // The delivery is undone underneath (a correction by another tool).
    sql(
        &store,
        &format!("UPDATE repair_orders SET status = 'ready_for_pickup' WHERE id = {ro}"),
    );
    let r = store.sweep_callbacks(by("tester", t0())).unwrap();
    assert!(r.withdrawn >= 1);
    assert!(!queue(&store, t0())
        .iter()
        .any(|q| q.ro_id == Some(ro) && q.kind == Kind::ThreeDayCall));
    let gone = store
        .callback_list(&ListFilter {
            status: Some(Status::Withdrawn),
            kind: Some(Kind::ThreeDayCall),
            ..ListFilter::default()
        })
        .unwrap();
    assert!(
        gone.iter().any(|g| g.reason.contains("delivered")),
        "{gone:?}"
    );
}

#[test]
fn a_customer_who_comes_back_closes_their_lost_customer_call() {
    let (_dir, mut store) = demo();
    let lost = queue(&store, t0())
        .into_iter()
        .find(|r| r.kind == Kind::LostCustomer)
        .expect("the demo has a customer at risk");
    // A visit recorded underneath (an import from the old system).
    let (c, v) = (lost.customer_id, lost.vehicle_id.unwrap());
    sql(
        &store,
        &format!(
            "INSERT INTO repair_orders (number, vehicle_id, customer_id, status, delivered_at,
                                    created_at, updated_at)
         VALUES ('RO-BACK1', {v}, {c}, 'delivered', '2026-11-20 10:00:00+00:00',
                 '2026-11-20 08:00:00+00:00', '2026-11-20 10:00:00+00:00')"
        ),
    );
    store.sweep_callbacks(by("tester", t0())).unwrap();
    assert!(!queue(&store, t0()).iter().any(|q| q.id == lost.id));
}

#[test]
fn an_unanswered_complaint_goes_to_the_manager_after_two_days() {
    let (_dir, mut store) = demo();
    let calls = queue(&store, t0());
    let c = calls
        .iter()
        .find(|r| r.reason.contains("grease marks"))
        .expect("the demo's complaint of three days ago");
    let file = store.customer_file(c.customer_id).unwrap();
    let late = file
        .complaints
        .iter()
        .find(|x| x.description.contains("grease"))
        .unwrap();
    assert_eq!(late.status, "escalated");
    // A new one waits its two days.
    let new = NewComplaint {
        customer_id: c.customer_id,
        vehicle_id: None,
        ro_id: None,
        description: "Noise from the dashboard".into(),
        source: Source::Call,
    };
    let id = store.open_complaint(&new, by("tester", t0())).unwrap();
    let status = |s: &SqliteStore| {
        let f = s.customer_file(c.customer_id).unwrap();
        f.complaints
            .iter()
            .find(|x| x.id == id)
            .unwrap()
            .status
            .clone()
    };
    store
        .sweep_callbacks(by("tester", t0() + Duration::hours(47)))
        .unwrap();
    assert_eq!(status(&store), "open");
    store
        .sweep_callbacks(by("tester", t0() + Duration::hours(49)))
        .unwrap();
    assert_eq!(status(&store), "escalated");
    let empty = NewComplaint {
        description: "  ".into(),
        ..new
    };
    assert!(matches!(
        store.open_complaint(&empty, by("tester", t0())),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn contacts_are_checked_counted_and_never_half_written() {
    let (_dir, mut store) = demo();
    let row = queue(&store, t0())
        .into_iter()
        .find(|r| r.kind != Kind::ComplaintFollowup)
        .unwrap();
    let contacts = |s: &SqliteStore| -> i64 {
        rusqlite::Connection::open(s.path())
            .unwrap()
            .query_row(
                "SELECT COUNT(*) FROM contacts WHERE callback_id = ?1",
                [row.id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = contacts(&store);
    // Out of range: refused, nothing recorded.
    let e = store
        .record_contact(row.id, &reached(Some(7)), by("tester", t0()))
        .unwrap_err();
    assert!(e.to_string().contains("1 to 5"), "{e}");
    // A call-back time in the past.
    let mut later = reached(None);
    later.outcome = Outcome::CallBack;
    later.call_back_at = Some(t0() - Duration::hours(1));
    let e = store
        .record_contact(row.id, &later, by("tester", t0()))
        .unwrap_err();
    assert!(e.to_string().contains("in the past"), "{e}");
    assert_eq!(contacts(&store), before);
    // No answer three times: retried, then closed as unreachable.
    let mut none = reached(None);
    none.outcome = Outcome::NoAnswer;
    let r1 = store
        .record_contact(row.id, &none, by("tester", t0()))
        .unwrap();
    assert_eq!(r1.retry_at, Some(t0() + Duration::hours(4)));
    store
        .record_contact(row.id, &none, by("tester", t0() + Duration::hours(4)))
        .unwrap();
    let r3 = store
        .record_contact(row.id, &none, by("tester", t0() + Duration::hours(29)))
        .unwrap();
    assert_eq!(r3.status, Status::Unreachable);
    // A contact on the closed callback is refused.
    let e = store
        .record_contact(
            row.id,
            &reached(Some(5)),
            by("tester", t0() + Duration::hours(30)),
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("already closed as unreachable"),
        "{e}"
    );
    assert_eq!(contacts(&store), before + 3);
}

#[test]
fn do_not_contact_closes_every_call_of_the_customer() {
    let (_dir, mut store) = demo();
    let calls = queue(&store, t0());
    let many = calls
        .iter()
        .find(|r| {
            calls
                .iter()
                .filter(|o| o.customer_id == r.customer_id)
                .count()
                >= 2
        })
        .expect("a customer with two calls")
        .clone();
    let mut stop = reached(None);
    stop.outcome = Outcome::DoNotContact;
    store
        .record_contact(many.id, &stop, by("tester", t0()))
        .unwrap();
    assert!(!queue(&store, t0())
        .iter()
        .any(|r| r.customer_id == many.customer_id));
    assert!(
        store
            .customer_file(many.customer_id)
            .unwrap()
            .do_not_contact
    );
    store
        .sweep_callbacks(by("tester", t0() + Duration::days(3)))
        .unwrap();
    assert!(!queue(&store, t0() + Duration::days(3))
        .iter()
        .any(|r| r.customer_id == many.customer_id));
}

#[test]
fn a_second_agent_is_told_who_holds_the_call() {
    let (_dir, mut store) = demo();
    let row = queue(&store, t0())[0].clone();
    store.claim_callback(row.id, by("tester", t0())).unwrap();
    let e = store
        .claim_callback(row.id, by("chen.jing", t0()))
        .unwrap_err();
    assert!(e.is_conflict());
    assert!(e.to_string().contains("tester took this callback"), "{e}");
    let e = store
        .record_contact(row.id, &reached(None), by("chen.jing", t0()))
        .unwrap_err();
    assert!(e.to_string().contains("tester has taken"), "{e}");
    // Half an hour later, an abandoned claim can be taken over.
    store
        .claim_callback(row.id, by("chen.jing", t0() + Duration::minutes(31)))
        .unwrap();
}

const LOAD: &str = env!("CARGO_BIN_EXE_fd-load");
const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");

#[test]
fn two_processes_claiming_one_callback_one_wins_and_the_other_is_told_who() {
    let (_dir, db) = common::pty::fresh_demo();
    let store = SqliteStore::open(&db, frontdesk::store::OpenMode::ReadWrite).unwrap();
    let id = queue(&store, Utc::now())[0].id;
    drop(store);
    let spawn = || {
        Command::new(LOAD)
            .args([
                "claim",
                "--db",
                db.to_str().unwrap(),
                "--id",
                &id.to_string(),
            ])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let child = spawn();
    // This process claims as another agent at the same moment.
    let mut mine = SqliteStore::open(&db, frontdesk::store::OpenMode::ReadWrite).unwrap();
    mine.set_lock_wait(std::time::Duration::from_secs(30))
        .unwrap();
    let here = mine.claim_callback(id, by("chen.jing", Utc::now()));
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    let them = frontdesk::os::real_login();
    match here {
        Ok(()) => assert!(
            said.contains("refused: chen.jing took this callback"),
            "{said}"
        ),
        Err(e) => {
            assert!(said.contains(&format!("claimed {id}")), "{said}");
            assert!(
                e.to_string()
                    .contains(&format!("{them} took this callback")),
                "{e}"
            );
        }
    }
}

fn frontdesk(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().unwrap()
}

#[test]
fn campaign_lists_export_csv_and_never_over_the_shop() {
    let (dir, db) = common::pty::fresh_demo();
    let db = db.to_str().unwrap();
    let out = frontdesk(&[
        "--db",
        db,
        "callbacks",
        "list",
        "--kind",
        "three_day_call",
        "--csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[1], "kind");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| &r[1] == "three_day_call"));
    let refused = frontdesk(&["--db", db, "callbacks", "list", "--csv", "--out", db]);
    assert!(!refused.status.success());
    let file = dir.path().join("list.csv");
    let f = file.to_str().unwrap();
    assert!(frontdesk(&[
        "--db",
        db,
        "callbacks",
        "list",
        "--kind",
        "lost_customer",
        "--topic",
        "3",
        "--csv",
        "--out",
        f
    ])
    .status
    .success());
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .starts_with("id,kind,topic"));
}

#[test]
fn a_recall_list_with_bad_rows_is_reported_by_line_and_imported_only_when_confirmed() {
    let (dir, db) = common::pty::fresh_demo();
    let store = SqliteStore::open(&db, frontdesk::store::OpenMode::ReadWrite).unwrap();
    let vin = store
        .load_ro(store.board().unwrap().cards[0].id)
        .unwrap()
        .vehicle
        .vin;
    drop(store);
    let file = dir.path().join("recall.csv");
    std::fs::write(&file, format!("VIN,model\n{vin},Han\nWRONG,Han\n")).unwrap();
    let args = |yes: bool| {
        let mut a = vec![
            "--db",
            db.to_str().unwrap(),
            "callbacks",
            "import-recall",
            file.to_str().unwrap(),
            "--code",
            "R-TEST-1",
            "--title",
            "Brake hose",
            "--starts",
            "2026-12-01",
        ];
        if yes {
            a.push("--yes");
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| Command::new(BIN).args(&a).output().unwrap();
    let out = run(args(false));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3: 'WRONG'"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let out = run(args(true));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("1 VINs imported, 1 of them our customers' cars"),
        "{said}"
    );
}
