//! Each way the shop could be wrecked, spoofed or hidden, reproduced as the
//! attacker or the careless user did it, and shown to fail now: the printout
//! onto the database, the `$USER` spoof, forged and removed audit rows, a bad
//! UTF-8 byte, an empty file, bidi overrides on paper, a read-only
//! directory, an unknown language, a doubly bound key, a move that changes
//! nothing, a ZWJ sequence on screen, and the role table itself.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use frontdesk::demo::build_demo;
use frontdesk::domain::roles::{may, require, Permission};
use frontdesk::domain::{Money, MoveRequest, RepairOrder, RoStatus, Role};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, OpenMode, SaveRo, SqliteStore};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("LANG", "C")
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A demo shop in a file, built as the real login (its manager).
fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("shop.db");
    let mut store = SqliteStore::open(&db, OpenMode::Create).unwrap();
    build_demo(&mut store, now(), &frontdesk::os::real_login()).unwrap();
    db
}

fn first_number(db: &Path, status: &str) -> String {
    Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT number FROM repair_orders WHERE status = ?1 ORDER BY id LIMIT 1",
            [status],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_printout_never_lands_on_the_shop_and_overwrites_nothing_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let number = first_number(&db, "in_bay");
    let before = std::fs::read(&db).unwrap();
    let print = |out: &Path, force: bool| {
        let mut args = vec!["print", number.as_str(), "--db", s(&db), "--out", s(out)];
        if force {
            args.push("--force");
        }
        run(&args)
    };
    // The database itself, its WAL and its drafts file: refused, even forced.
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let drafts = PathBuf::from(format!("{}-drafts", db.display()));
    let dotted = dir.path().join(".").join("shop.db");
    for target in [&db, &wal, &drafts, &dotted] {
        for force in [false, true] {
            let out = print(target, force);
            assert!(
                !out.status.success(),
                "{} (force {force})",
                target.display()
            );
            assert!(
                stderr(&out).contains("is the shop database"),
                "{}",
                stderr(&out)
            );
        }
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the shop is untouched");
    // Any other existing file: only with --force.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "keep me").unwrap();
    let out = print(&notes, false);
    assert!(
        !out.status.success() && stderr(&out).contains("--force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "keep me");
    assert!(print(&notes, true).status.success());
    assert!(std::fs::read_to_string(&notes).unwrap().contains(&number));
    // A new file is simply written.
    let fresh = dir.path().join("ro.txt");
    assert!(print(&fresh, false).status.success());
}

#[test]
fn user_in_the_environment_is_not_who_acts() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let me = frontdesk::os::real_login();
    // The real login is no longer a user; $USER names the demo's manager.
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE users SET login = 'moved.away' WHERE login = ?1",
        [&me],
    )
    .unwrap();
    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "intruder",
            "--role",
            "manager",
            "--db",
            s(&db),
        ])
        .env("USER", "moved.away")
        .env("LOGNAME", "moved.away")
        .output()
        .unwrap();
    assert!(!out.status.success(), "a spoofed $USER adds nobody");
    assert!(
        stderr(&out).contains("only a manager may manage users"),
        "{}",
        stderr(&out)
    );
    let intruders: i64 = conn
        .query_row(
            "SELECT count(*) FROM users WHERE login = 'intruder'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(intruders, 0);
}

#[test]
fn check_finds_a_forged_a_changed_and_a_removed_audit_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let backup = dir.path().join("backup.db");
    assert!(run(&["backup", s(&backup), "--db", s(&db)])
        .status
        .success());
    let ok = run(&["check", "--db", s(&db), "--against", s(&backup)]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let conn = Connection::open(&db).unwrap();
    // A row inserted by hand, with any login, is refused without a hash…
    let unsealed = conn.execute(
        "INSERT INTO audit_log (at, user_login, entity, entity_id, action, detail)
         VALUES ('2026-11-22 03:00:00+00:00', 'root', 'repair_order', 1, 'update', 'forged')",
        [],
    );
    assert!(unsealed.is_err(), "unsealed rows are refused");
    // …and with a made-up one, check finds it.
    conn.execute(
        "INSERT INTO audit_log (at, user_login, entity, entity_id, action, detail, hash)
         VALUES ('2026-11-22 03:00:00+00:00', 'root', 'repair_order', 1, 'update', 'forged', 'abc')",
        [],
    )
    .unwrap();
    let forged: i64 = conn
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let out = run(&["check", "--db", s(&db)]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        said.contains(&format!("audit row {forged} does not match its hash")),
        "{said}"
    );
    // Dropping the triggers to wipe rows: the missing guard and the gap show.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update;
         DELETE FROM audit_log WHERE id = 10;
         UPDATE audit_log SET user_login = 'someone' WHERE id = 20;",
    )
    .unwrap();
    let out = run(&["check", "--db", s(&db)]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("audit_log_no_delete that guards audit_log is missing"),
        "{said}"
    );
    assert!(said.contains("audit row 10 was removed"), "{said}");
    // Wiping the tail leaves a consistent chain; the backup's head shows it.
    conn.execute(&format!("DELETE FROM audit_log WHERE id >= {}", 9), [])
        .unwrap();
    let out = run(&["check", "--db", s(&db), "--against", s(&backup)]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        said.contains("the backup") && said.contains("this shop's log does not"),
        "{said}"
    );
}

#[test]
fn a_bad_byte_in_one_car_hides_nothing_and_check_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let store = SqliteStore::open(&db, OpenMode::ReadWrite).unwrap();
    let cards = store.board().unwrap().cards.len();
    let conn = Connection::open(&db).unwrap();
    let vehicle: i64 = conn
        .query_row(
            "SELECT vehicle_id FROM repair_orders WHERE status = 'in_bay' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "UPDATE vehicles SET model = CAST(X'48616EFF20455600' AS TEXT) WHERE id = ?1",
        [vehicle],
    )
    .unwrap();
    let snap = store.board().unwrap();
    assert_eq!(snap.cards.len(), cards, "every car is still on the board");
    assert!(
        snap.cards.iter().any(|c| c.model.contains('\u{FFFD}')),
        "shown as �"
    );
    let out = run(&["check", "--db", s(&db)]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        said.contains(&format!("vehicles row {vehicle}, model: not valid UTF-8")),
        "{said}"
    );
}

#[test]
fn an_empty_or_foreign_file_is_refused_like_a_missing_one_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for args in [vec!["check"], vec!["user", "list"], vec!["print", "RO-1"]] {
        let mut args = args.clone();
        args.extend(["--db", s(&empty)]);
        let out = run(&args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            stderr(&out).contains("empty file") && stderr(&out).contains("frontdesk init"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(
        std::fs::metadata(&empty).unwrap().len(),
        0,
        "nothing written into it"
    );
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "not a database at all, just some notes".repeat(50)).unwrap();
    let out = run(&["check", "--db", s(&text)]);
    assert!(
        stderr(&out).contains("not a SQLite database") && stderr(&out).contains("init"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bidi_overrides_and_escapes_never_reach_paper() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let number = first_number(&db, "in_bay");
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE vehicles SET plate = '粤A·' || char(8238) || '54321'
         WHERE id = (SELECT vehicle_id FROM repair_orders WHERE number = ?1)",
        [&number],
    )
    .unwrap();
    conn.execute(
        "UPDATE customers SET name = 'Evil' || char(27) || ']0;owned' || char(7) || ' Name'
         WHERE id = (SELECT customer_id FROM repair_orders WHERE number = ?1)",
        [&number],
    )
    .unwrap();
    for html in [false, true] {
        let mut args = vec!["print", number.as_str(), "--db", s(&db)];
        if html {
            args.push("--html");
        }
        let out = run(&args);
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(!page.contains('\u{202E}'), "no bidi override (html {html})");
        assert!(
            !page.contains('\u{1b}') && !page.contains("owned"),
            "no escape (html {html})"
        );
        assert!(
            page.contains("粤A·54321") && page.contains("Evil Name"),
            "{page}"
        );
    }
}

#[test]
fn a_read_only_directory_opens_read_only_and_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("shop");
    std::fs::create_dir(&shop).unwrap();
    let db = demo(&shop);
    let number = first_number(&db, "in_bay");
    std::fs::set_permissions(&shop, std::fs::Permissions::from_mode(0o555)).unwrap();
    let store = SqliteStore::open(&db, OpenMode::ReadOnlyOk);
    let listing = run(&["print", &number, "--db", s(&db)]);
    let write = run(&["user", "add", "someone", "--db", s(&db)]);
    std::fs::set_permissions(&shop, std::fs::Permissions::from_mode(0o770)).unwrap();
    let store = store.expect("opens");
    assert!(store.is_read_only(), "watching only");
    assert!(listing.status.success(), "{}", stderr(&listing));
    assert!(!write.status.success());
    assert!(
        stderr(&write).contains("read-only here"),
        "{}",
        stderr(&write)
    );
}

#[test]
fn an_unknown_language_and_a_doubly_bound_key_are_errors() {
    let out = run(&["--lang", "xx", "--db", "/nonexistent/x.db"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("the languages are: en, zh"),
        "{}",
        stderr(&out)
    );
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.toml");
    std::fs::write(
        &keys,
        "[board]\nmove_status = [\"m\"]\nassign_bay = [\"m\"]\n",
    )
    .unwrap();
    let db = demo(dir.path());
    let out = run(&["--keymap", s(&keys), "--db", s(&db)]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("in [board], m is bound to both assign_bay and move_status"),
        "{err}"
    );
    let parsed = frontdesk::ui::keymap::Keymap::with_overrides(
        "[board]\nmove_status = [\"m\"]\nassign_bay = [\"m\"]\n",
    );
    assert!(parsed.is_err());
}

fn by(login: &str, store: &SqliteStore) -> Actor<'static> {
    let id = store.user_by_login(login).unwrap().map(|u| u.id);
    Actor {
        login: Box::leak(login.to_string().into_boxed_str()),
        user_id: id,
        at: now(),
    }
}

/// The first car on the board in `status`.
fn card_in(store: &SqliteStore, status: RoStatus) -> frontdesk::domain::BoardCard {
    let cards = store.board().unwrap().cards;
    cards.into_iter().find(|c| c.status() == status).unwrap()
}

#[test]
fn a_move_that_changes_nothing_writes_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    let card = card_in(&store, RoStatus::InBay);
    let history = store.ro_detail(card.id).unwrap().history.len();
    let same = MoveRequest {
        ro_id: card.id,
        expected_version: card.version,
        to: RoStatus::InBay,
        bay_id: card.bay_id,
        work_group_id: card.work_group_id,
    };
    store.move_ro(&same, by("wang.qiang", &store)).unwrap();
    let after = store.ro_detail(card.id).unwrap();
    assert_eq!(
        after.card.version, card.version,
        "no new version to conflict with"
    );
    assert_eq!(after.history.len(), history, "no audit row");
    // A save with nothing changed is the same.
    let ro = store.load_ro(card.id).unwrap();
    store
        .save_ro(&SaveRo::new(&ro), by("tester", &store))
        .unwrap();
    assert_eq!(store.load_ro(card.id).unwrap().version, ro.version);
}

#[test]
fn a_zwj_sequence_is_measured_and_cut_as_one_unit() {
    use frontdesk::ui::text::{fit, truncate, width};
    let family = "👨\u{200D}👩\u{200D}👧";
    assert_eq!(width(family), 2);
    assert_eq!(width(&fit(&format!("{family} Li"), 6)), 6);
    // Cut just after it: the whole family or nothing, never a stray joiner.
    let cut = truncate(&format!("{family}{family}{family}"), 5);
    assert_eq!(cut, format!("{family}{family}…"));
    let e = "e\u{301}";
    assert_eq!(truncate(&format!("{e}{e}{e}x"), 3), format!("{e}{e}…"));
    // On the board, the columns after a family emoji still line up.
    let mut app = common::app();
    let mut snap = common::snapshot();
    snap.cards[0].customer = format!("{family} Chen");
    common::set_board(&mut app, snap);
    let buf = common::draw(&mut app, 120, 30);
    let with = common::row_of(&buf, "RO-1001").unwrap();
    let without = common::row_of(&buf, "RO-1002").unwrap();
    assert_eq!(
        common::column_of(&buf, with, "in bay"),
        common::column_of(&buf, without, "in bay"),
        "{}",
        common::screen(&buf)
    );
}

#[test]
fn the_role_table_says_who_may_do_what() {
    use Permission::*;
    use Role::*;
    let table: &[(Role, &[Permission], &[Permission])] = &[
        (
            Advisor,
            &[
                WriteRo,
                ChangePrices,
                RecordSignature,
                MoveCars,
                CallCustomer,
                IssueExitNotice,
            ],
            &[
                TakePayment,
                AcceptArrears,
                ApproveDiscount,
                Reopen,
                ManageUsers,
                MergeCustomers,
                OverrideDispatch,
            ],
        ),
        (
            CustomerCare,
            &[CallCustomer],
            &[WriteRo, ChangePrices, MoveCars, TakePayment],
        ),
        (
            Cashier,
            &[TakePayment, IssueExitNotice],
            &[ChangePrices, AcceptArrears, MoveCars, ManageUsers],
        ),
        (
            Dispatcher,
            &[MoveCars, QualityCheck, CheckProgress, ProposeAddedWork],
            &[ChangePrices, TakePayment, Reopen],
        ),
        (
            Technician,
            &[ProposeAddedWork, QualityCheck],
            &[MoveCars, WriteRo, TakePayment],
        ),
        (
            Manager,
            &[
                ApproveDiscount,
                Reopen,
                AcceptArrears,
                ManageUsers,
                MergeCustomers,
                TakePayment,
                OverrideDispatch,
            ],
            &[],
        ),
    ];
    for (role, yes, no) in table {
        for p in *yes {
            assert!(may(Some(*role), *p), "{role:?} may {p:?}");
        }
        for p in *no {
            assert!(!may(Some(*role), *p), "{role:?} may not {p:?}");
        }
    }
    assert!(!may(None, WriteRo), "an unregistered login may do nothing");
    assert_eq!(
        require(Some(Advisor), TakePayment).unwrap_err().to_string(),
        "only a cashier or a manager may take payments"
    );
}

#[test]
fn the_store_asks_the_role_table_whatever_the_path() {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, now(), "tester").unwrap();
    let card = card_in(&store, RoStatus::ReadyForPickup);
    let id = card.id;
    // An advisor may not take a payment; the cashier may.
    let err = store
        .add_payment(id, Money(100), "cash", by("li.na", &store))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("only a cashier or a manager may take payments"),
        "{err}"
    );
    store
        .add_payment(id, Money(100), "cash", by("zhao.min", &store))
        .unwrap();
    // Customer care may not change prices, nor write ROs at all.
    let mut ro: RepairOrder = store.load_ro(id).unwrap();
    ro.diagnosis = "care was here".into();
    let err = store
        .save_ro(&SaveRo::new(&ro), by("chen.jing", &store))
        .unwrap_err();
    assert!(err.to_string().contains("may write repair orders"), "{err}");
    // A discount over the threshold is a manager's: an advisor is refused.
    let checked_in = card_in(&store, RoStatus::CheckedIn);
    let mut ro = store.load_ro(checked_in.id).unwrap();
    ro.discount_bp = 2_500;
    let err = store
        .save_ro(&SaveRo::new(&ro), by("li.na", &store))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("approve a discount over the threshold"),
        "{err}"
    );
    store
        .save_ro(&SaveRo::new(&ro), by("tester", &store))
        .unwrap();
    // Arrears are a manager's too; a stranger may do nothing at all.
    let stranger = Actor {
        login: "x",
        user_id: None,
        at: now(),
    };
    let v = store.load_ro(id).unwrap().version;
    assert!(store
        .accept_arrears(id, v, "fleet", by("zhao.min", &store))
        .is_err());
    assert!(store
        .record_progress_check(
            id,
            v,
            frontdesk::domain::lifecycle::Progress::OnTime,
            stranger
        )
        .is_err());
}
