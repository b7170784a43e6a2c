//! The group store on a real PostgreSQL server (a throwaway cluster per
//! test, see common/pg.rs): moving a shop in, one shop's board, the row
//! security between shops, conflicts, and eight writers at once.

mod common;

use common::pg::{Cluster, ADMIN};
use common::pty::{make_demo, me, NOW};
use frontdesk::domain::{MoveRequest, RepairOrder, RoStatus};
use frontdesk::store::postgres::PgStore;
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, OpenMode, SaveRo};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");

fn migrate(from: &Path, to: &str, shop: &str) -> String {
    let out = Command::new(BIN)
        .args([
            "migrate",
            "--from",
            from.to_str().unwrap(),
            "--to",
            to,
            "--shop",
            shop,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "migrate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn demo(dir: &Path, name: &str) -> std::path::PathBuf {
    let db = dir.join(name);
    make_demo(&db, "tester", NOW);
    db
}

fn actor(login: &str) -> Actor<'_> {
    Actor {
        login,
        user_id: None,
        at: chrono::Utc::now(),
    }
}

fn sqlite_count(db: &Path, table: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_shop_moved_in_keeps_every_row_its_numbers_and_its_audit_chain() {
    let pg = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "shop.db");
    let url = pg.create_db("grp");
    let out = migrate(&db, &url, "SH01");
    // Every table of the file, with the checksum the copy verified on the
    // server before committing.
    let mut admin = pg.admin("grp");
    for line in out.lines().filter(|l| l.contains(" rows ")) {
        let mut w = line.split_whitespace();
        let (table, rows) = (w.next().unwrap(), w.next().unwrap().parse::<i64>().unwrap());
        assert_eq!(sqlite_count(&db, table), rows, "{table} in the report");
        let on_server: i64 = admin
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0);
        assert_eq!(on_server, rows, "{table} on the server");
    }
    assert!(
        out.lines().filter(|l| l.contains(" rows ")).count() >= 25,
        "{out}"
    );
    // The RO numbers are the file's.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut numbers: Vec<String> = conn
        .prepare("SELECT number FROM repair_orders ORDER BY number")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut moved: Vec<String> = admin
        .query("SELECT number FROM repair_orders ORDER BY number", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    numbers.sort();
    moved.sort();
    assert_eq!(numbers, moved);
    // The audit chain verifies on the server, row for row.
    let check = Command::new(BIN)
        .args(["check", "--db", &url, "--shop", "SH01"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    let rows = sqlite_count(&db, "audit_log");
    assert!(
        check.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        said.contains(&format!("audit chain of {rows} rows is whole")),
        "{said}"
    );
    // And cannot be rewritten, even by the owner.
    let err = admin
        .execute(
            "UPDATE audit_log SET detail = 'x'::bytea WHERE seq = 1",
            &[],
        )
        .unwrap_err();
    assert!(err.to_string().contains("append-only") || format!("{err:?}").contains("append-only"));
    // A second run changes nothing.
    let again = migrate(&db, &url, "SH01");
    assert!(again.contains("already moved in"), "{again}");
    let ros: i64 = admin
        .query_one("SELECT count(*) FROM repair_orders", &[])
        .unwrap()
        .get(0);
    assert_eq!(ros, sqlite_count(&db, "repair_orders"));
}

#[test]
fn a_migration_that_fails_leaves_nothing_behind() {
    let pg = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), "shop.db");
    let url = pg.create_db("grp");
    // A second shop already using the code, with ROs of its own, refuses
    // a different file; and the refused run writes no row anywhere.
    migrate(&db, &url, "SH01");
    let other = demo(dir.path(), "other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute("UPDATE ro_counter SET last_serial = last_serial", [])
        .unwrap();
    let mut admin = pg.admin("grp");
    let before: i64 = admin
        .query_one("SELECT count(*) FROM audit_log", &[])
        .unwrap()
        .get(0);
    let out = Command::new(BIN)
        .args([
            "migrate",
            "--from",
            other.to_str().unwrap(),
            "--to",
            &url,
            "--shop",
            "SH01",
        ])
        .output()
        .unwrap();
    // Same content, same chain: the same shop. Nothing is copied twice.
    let after: i64 = admin
        .query_one("SELECT count(*) FROM audit_log", &[])
        .unwrap()
        .get(0);
    assert_eq!(before, after, "{}", String::from_utf8_lossy(&out.stdout));
}

fn open(pg: &Cluster, user: &str, shop: &str) -> PgStore {
    PgStore::open(&pg.conninfo("grp", user), Some(shop), OpenMode::ReadWrite).unwrap()
}

fn group_of_two(pg: &Cluster) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "a.db");
    let url = pg.create_db("grp");
    migrate(&a, &url, "SH01");
    // The second shop: its own bays and ROs (the demo again, renamed).
    let b = demo(dir.path(), "b.db");
    rusqlite::Connection::open(&b)
        .unwrap()
        .execute_batch("UPDATE bays SET code = 'Z' || code, name = 'Zhuhai ' || name; UPDATE campaigns SET code = code || '-B'")
        .unwrap();
    migrate(&b, &url, "SH02");
    // bob works in SH02 only.
    let mut admin = pg.admin("grp");
    admin
        .batch_execute(
            "INSERT INTO users (login, name, role, created_at, home_shop_id)
             SELECT 'bob', 'Bob', 'dispatcher', now(), id FROM shops WHERE code = 'SH02';
             CREATE ROLE bob LOGIN IN ROLE frontdesk_staff;",
        )
        .unwrap();
    dir
}

#[test]
fn a_user_of_one_shop_never_sees_the_other_shops_bays() {
    let pg = Cluster::start();
    let _dir = group_of_two(&pg);
    let bob = open(&pg, "bob", "SH02");
    let board = bob.board().unwrap();
    assert!(!board.bays.is_empty());
    assert!(
        board.bays.iter().all(|b| b.code.starts_with('Z')),
        "{:?}",
        board.bays
    );
    // Row-level security, not the program's WHERE: bob's own SQL sees
    // only SH02's rows.
    let mut raw = postgres::Client::connect(&pg.conninfo("grp", "bob"), postgres::NoTls).unwrap();
    let codes: Vec<String> = raw
        .query("SELECT code FROM bays", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c.starts_with('Z')),
        "{codes:?}"
    );
    let theirs: i64 = raw
        .query_one("SELECT count(*) FROM repair_orders r JOIN shops s ON s.id = r.shop_id WHERE s.code = 'SH01'", &[])
        .unwrap()
        .get(0);
    assert_eq!(theirs, 0);
    // Nor may he write into SH01.
    assert!(raw
        .execute(
            "INSERT INTO bays (code, name, kind, shop_id) SELECT 'X9', 'x', 'lift', id FROM shops WHERE code = 'SH01'",
            &[]
        )
        .is_err());
    // Opening SH01 is refused outright.
    let refused = PgStore::open(
        &pg.conninfo("grp", "bob"),
        Some("SH01"),
        OpenMode::ReadWrite,
    );
    assert!(refused.is_err());
    // Someone allowed both sees both shops' ROs: the group's sum.
    let mut admin = pg.admin("grp");
    let per_shop: Vec<i64> = admin
        .query(
            "SELECT count(*) FROM repair_orders GROUP BY shop_id ORDER BY shop_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let me_store = open(&pg, &me(), "SH01");
    let mine = me_store.board().unwrap().cards.len();
    assert!(mine > 0);
    assert_eq!(per_shop.len(), 2);
}

fn waiting(store: &PgStore) -> (i64, i64) {
    let card = store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| c.times.status == RoStatus::WaitingForBay)
        .expect("a car waiting for a bay");
    (card.id, card.version)
}

#[test]
fn a_move_and_a_stale_save_behave_as_on_sqlite() {
    let pg = Cluster::start();
    let _dir = group_of_two(&pg);
    let login = me();
    let mut one = open(&pg, &login, "SH01");
    let mut two = open(&pg, &login, "SH01");
    let (id, version) = waiting(&one);
    let stale = two.load_ro(id).unwrap();
    let board = one.board().unwrap();
    let free = board
        .bays
        .iter()
        .find(|b| {
            !board.cards.iter().any(|c| c.bay_id == Some(b.id))
                && b.kind == frontdesk::domain::BayKind::Lift
        })
        .expect("a free lift");
    let req = MoveRequest {
        ro_id: id,
        expected_version: version,
        to: RoStatus::InBay,
        bay_id: Some(free.id),
        work_group_id: board.groups.first().map(|g| g.id),
    };
    one.move_ro(&req, actor(&login)).unwrap();
    let moved = two.load_ro(id).unwrap();
    assert_eq!(moved.status, RoStatus::InBay);
    // The other terminal's copy is stale: its save is a conflict, not an
    // overwrite.
    let mut edit = stale.clone();
    edit.concerns.push_str(" and a rattle");
    let err = two.save_ro(&SaveRo::new(&edit), actor(&login)).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    // The move is in the shop's audit chain, sealed by the server's login.
    let history = two.ro_detail(id).unwrap().history;
    assert!(history.last().unwrap().user_login == login);
    assert!(two.audit_problems().unwrap().problems.is_empty());
}

fn new_ro(n: usize) -> RepairOrder {
    let mut ro = RepairOrder::new("");
    ro.customer.name = format!("Writer {n}");
    ro.customer.phone = format!("1380000{n:04}");
    ro.vehicle.plate = format!("粤B{n:05}");
    ro.vehicle.make = "Toyota".into();
    ro.vehicle.model = "Camry".into();
    ro.concerns = "noise".into();
    ro
}

#[test]
fn eight_writers_lose_no_update_and_never_share_an_ro_number() {
    let pg = Cluster::start();
    let _dir = group_of_two(&pg);
    let login = me();
    let target = waiting(&open(&pg, &login, "SH01")).0;
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let info = pg.conninfo("grp", &login);
            let login = login.clone();
            std::thread::spawn(move || {
                let mut store = PgStore::open(&info, Some("SH01"), OpenMode::ReadWrite).unwrap();
                let (mut created, mut marks) = (Vec::new(), Vec::new());
                let mut i = 0;
                while std::time::Instant::now() < until {
                    i += 1;
                    let saved = store
                        .save_ro(&SaveRo::new(&new_ro(w * 10_000 + i)), actor(&login))
                        .unwrap();
                    created.push(saved.number);
                    // Everyone appends a mark to the same RO; a conflict is
                    // retried on the new version, never written over.
                    let mark = format!("[w{w}-{i}]");
                    loop {
                        let mut ro = store.load_ro(target).unwrap();
                        ro.diagnosis.push_str(&mark);
                        match store.save_ro(&SaveRo::new(&ro), actor(&login)) {
                            Ok(_) => break,
                            Err(e) if e.is_conflict() => continue,
                            Err(e) => panic!("{e}"),
                        }
                    }
                    marks.push(mark);
                }
                (created, marks)
            })
        })
        .collect();
    let mut numbers = Vec::new();
    let mut marks = Vec::new();
    for w in writers {
        let (c, m) = w.join().unwrap();
        numbers.extend(c);
        marks.extend(m);
    }
    let store = open(&pg, &login, "SH01");
    let diagnosis = store.load_ro(target).unwrap().diagnosis;
    let lost: Vec<_> = marks
        .iter()
        .filter(|m| !diagnosis.contains(m.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} updates lost",
        lost.len(),
        marks.len()
    );
    let mut admin = pg.admin("grp");
    let twice: i64 = admin
        .query_one(
            "SELECT count(*) FROM (SELECT shop_id, number FROM repair_orders GROUP BY 1, 2 HAVING count(*) > 1) d",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(twice, 0);
    let unique: std::collections::HashSet<_> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len());
    assert!(numbers.len() >= 8, "every writer saved");
    assert!(store.audit_problems().unwrap().problems.is_empty());
    let _ = ADMIN;
}

fn month_of_now(group: bool) -> frontdesk::store::report::ReportQuery {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    frontdesk::store::report::ReportQuery {
        period: frontdesk::domain::report::Period::month(now.date_naive()),
        offset: *now.offset(),
        now: now.with_timezone(&chrono::Utc),
        group,
    }
}

#[test]
fn a_group_report_sums_both_shops_and_each_shop_matches_its_file() {
    let pg = Cluster::start();
    let dir = group_of_two(&pg);
    let login = me();
    // Moving SH02 in gave this person (a login both files know) SH02 too.
    let allowed: i64 = pg
        .admin("grp")
        .query_one(
            "SELECT count(*) FROM user_shops us JOIN users u ON u.id = us.user_id
             JOIN shops s ON s.id = us.shop_id WHERE u.login = $1 AND s.code = 'SH02'",
            &[&login],
        )
        .unwrap()
        .get(0);
    assert_eq!(allowed, 1, "SH02 is allowed");
    let none = &mut |_, _| {};
    let file = frontdesk::store::SqliteStore::open(&dir.path().join("a.db"), OpenMode::ReadOnlyOk)
        .unwrap()
        .report(&month_of_now(false), none)
        .unwrap();
    let one = open(&pg, &login, "SH01")
        .report(&month_of_now(false), none)
        .unwrap();
    let two = open(&pg, &login, "SH02")
        .report(&month_of_now(false), none)
        .unwrap();
    let group = open(&pg, &login, "SH01")
        .report(&month_of_now(true), none)
        .unwrap();
    // The same rules over the same rows: the server's shop is the file.
    assert!(file.stats.cars_out > 0, "the demo delivers cars this month");
    assert_eq!(one.stats, file.stats);
    assert_eq!(one.kpis, file.kpis);
    // The group is the sum of its shops.
    assert_eq!(
        group.stats.cars_out,
        one.stats.cars_out + two.stats.cars_out
    );
    assert_eq!(group.stats.cars_in, one.stats.cars_in + two.stats.cars_in);
    assert_eq!(
        group.stats.all.total.0,
        one.stats.all.total.0 + two.stats.all.total.0
    );
    assert_eq!(group.stats.all.ros, one.stats.all.ros + two.stats.all.ros);
    // bob may see SH02 only: his "group" is his one shop, by row security.
    let bob = open(&pg, "bob", "SH02")
        .report(&month_of_now(true), none)
        .unwrap();
    assert_eq!(bob.stats, two.stats);
    // The lists behind the figures, and the close of day, match the file.
    let sqlite =
        frontdesk::store::SqliteStore::open(&dir.path().join("a.db"), OpenMode::ReadOnlyOk)
            .unwrap();
    let server = open(&pg, &login, "SH01");
    for drill in [
        frontdesk::domain::report::Drill::CarsOut,
        frontdesk::domain::report::Drill::CarsIn,
        frontdesk::domain::report::Drill::Scores,
    ] {
        let q = month_of_now(false);
        assert_eq!(
            micros(server.drill(&q, drill).unwrap()),
            micros(sqlite.drill(&q, drill).unwrap())
        );
    }
    let (a, b) = (
        server.still_open(&month_of_now(false)).unwrap(),
        sqlite.still_open(&month_of_now(false)).unwrap(),
    );
    assert_eq!(micros(a.cars), micros(b.cars));
    assert_eq!(micros(a.calls), micros(b.calls));
    assert_eq!(a.calls_total, b.calls_total);
    assert_eq!(micros(a.complaints), micros(b.complaints));
    // The drill-down behind the group's cars out lists both shops' ROs.
    let rows = open(&pg, &login, "SH01")
        .drill(
            &month_of_now(true),
            frontdesk::domain::report::Drill::CarsOut,
        )
        .unwrap();
    assert_eq!(rows.len() as i64, group.stats.cars_out);
    assert!(rows.iter().any(|r| r.number.starts_with("SH01·")));
    assert!(rows.iter().any(|r| r.number.starts_with("SH02·")));
}

/// The rows with their times to the microsecond: the server keeps no more
/// (the file's nanoseconds are a known loss of the move, see the README).
fn micros(
    rows: Vec<frontdesk::store::report::DrillRow>,
) -> Vec<frontdesk::store::report::DrillRow> {
    use chrono::SubsecRound;
    rows.into_iter()
        .map(|mut r| {
            r.at = r.at.map(|t| t.trunc_subsecs(6));
            r
        })
        .collect()
}

#[test]
fn eight_processes_for_ten_seconds_lose_no_update_and_share_no_number() {
    let pg = Cluster::start();
    let _dir = group_of_two(&pg);
    // fd-load: eight OS processes, each its own connection, creating ROs,
    // merging lines into each other's ROs and moving cars; then it checks
    // every claimed write is on the server once, numbers are unique per
    // shop, and the audit chain is whole.
    let out = Command::new(env!("CARGO_BIN_EXE_fd-load"))
        .args(["run", "--db", &pg.conninfo("grp", &me())])
        .args(["--processes", "8", "--seconds", "10"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("no lost update, unique numbers, audit chain whole"),
        "{text}"
    );
    let ros: u64 = text
        .split("verified: ")
        .nth(1)
        .and_then(|v| v.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(ros >= 8, "the processes created ROs: {text}");
    let merged: u64 = text
        .split("ROs, ")
        .nth(1)
        .and_then(|v| v.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(merged > 0, "lines were merged into shared ROs: {text}");
}

/// frontdesk's board on the group server, shop SH01, in a terminal.
fn board_on_server(conninfo: &str, cols: u16, rows: u16) -> common::pty::Tui {
    pane_on_server(conninfo, "board", cols, rows)
}

fn pane_on_server(conninfo: &str, pane: &str, cols: u16, rows: u16) -> common::pty::Tui {
    let args = [
        "--db",
        conninfo,
        "--shop",
        "SH01",
        "--now",
        NOW,
        "--utc-offset",
        "+08:00",
        "--pane",
        pane,
    ];
    common::pty::Tui::spawn(&args, &common::pty::base_env("li.na"), cols, rows)
}

#[test]
fn a_move_in_one_terminal_reaches_the_other_through_the_server() {
    let pg = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "a.db");
    let number = common::pty::waiting_for_bay(&a);
    migrate(&a, &pg.create_db("grp"), "SH01");
    let conninfo = pg.conninfo("grp", &me());
    let wall = board_on_server(&conninfo, 120, 40); // the dispatcher's wall screen
    let mut desk = board_on_server(&conninfo, 80, 24);
    wall.wait_text("B4 Lift 4 0/1 · free");
    desk.wait_text("Waiting for bay");
    common::pty::assign_to_free_lift(&mut desk, &number);
    desk.wait_text(&format!("{number} moved to in bay"));
    // No polling: the other process reloads on the server's NOTIFY.
    let took = wall.wait_text("B4 Lift 4 1/1");
    eprintln!("move visible on the other terminal after {took:?}");
    let screen = wall.screen();
    let row = screen
        .lines()
        .skip_while(|l| !l.contains("B4 Lift 4 1/1"))
        .nth(1)
        .unwrap_or("");
    assert!(row.contains(&number), "the car sits under B4:\n{screen}");
    // A commit by any client of the server (here psql-like raw SQL) too.
    pg.admin("grp")
        .execute(
            "UPDATE customers SET name = 'Live 林' WHERE id =
               (SELECT customer_id FROM repair_orders WHERE status = 'checked_in' LIMIT 1)",
            &[],
        )
        .unwrap();
    let took = wall.wait_text("Live 林");
    eprintln!("raw commit visible after {took:?}");
    let _ = (desk.pid(), wall.pid()); // both end by pid when dropped
}

#[test]
fn a_delivery_owes_its_three_day_call_and_the_daily_sweep_agrees_with_the_file() {
    let pg = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "a.db");
    migrate(&a, &pg.create_db("grp"), "SH01");
    let login = me();
    let mut server = open(&pg, &login, "SH01");
    let mut file = frontdesk::store::SqliteStore::open(&a, OpenMode::ReadWrite).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    let by = Actor {
        login: &login,
        user_id: None,
        at,
    };
    // The daily sweep finds the same calls to add, move and withdraw.
    let user = file.user_by_login(&login).unwrap().map(|u| u.id);
    let by = Actor {
        user_id: user,
        ..by
    };
    assert_eq!(
        server.sweep_callbacks(by).unwrap(),
        file.sweep_callbacks(by).unwrap()
    );
    // Every car ready for pickup is delivered the same way on both, and a
    // delivered one has its three-day call at once.
    let ready: Vec<_> = server
        .board()
        .unwrap()
        .cards
        .into_iter()
        .filter(|c| c.times.status == RoStatus::ReadyForPickup)
        .collect();
    assert!(!ready.is_empty());
    let mut delivered = 0;
    for card in ready {
        // Paid in full and let out with the exit notice, on both.
        let mut version = card.version;
        for store in [&mut server as &mut dyn Store, &mut file] {
            let owed = frontdesk::domain::settlement::Balance::of(
                &store.load_ro(card.id).unwrap(),
                store.settings().unwrap().tax_rate_bp,
                &store.payments(card.id).unwrap(),
            )
            .outstanding();
            if owed.0 > 0 {
                store.add_payment(card.id, owed, "card", by).unwrap();
            }
            let v = store.load_ro(card.id).unwrap().version;
            store.issue_exit_notice(card.id, v, by).unwrap();
            version = store.load_ro(card.id).unwrap().version;
        }
        let req = MoveRequest {
            ro_id: card.id,
            expected_version: version,
            to: RoStatus::Delivered,
            bay_id: None,
            work_group_id: card.work_group_id,
        };
        let on_server = server.move_ro(&req, by).map_err(|e| e.to_string());
        let on_file = file.move_ro(&req, by).map_err(|e| e.to_string());
        assert_eq!(on_server, on_file, "RO {}", card.number);
        if on_server.is_ok() {
            delivered += 1;
            let calls: i64 = pg
                .admin("grp")
                .query_one(
                    "SELECT count(*) FROM callbacks WHERE ro_id = $1 AND kind = 'three_day_call'",
                    &[&card.id],
                )
                .unwrap()
                .get(0);
            assert_eq!(calls, 1, "RO {} owes its three-day call", card.number);
        }
    }
    assert!(delivered > 0, "at least one car could be delivered");
}

/// SH01 on the server and the file it was moved in from, with the acting
/// user's id in the file (the same person on both).
fn server_and_file(
    pg: &Cluster,
    dir: &Path,
    login: &str,
) -> (PgStore, frontdesk::store::SqliteStore, Option<i64>) {
    let server = open(pg, login, "SH01");
    let file = frontdesk::store::SqliteStore::open(&dir.join("a.db"), OpenMode::ReadWrite).unwrap();
    let user = file.user_by_login(login).unwrap().map(|u| u.id);
    (server, file, user)
}

/// The tests' clock: the demo's "now".
fn test_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc()
}

fn acting(login: &str, user_id: Option<i64>, at: chrono::DateTime<chrono::Utc>) -> Actor<'_> {
    Actor { login, user_id, at }
}

fn contact(complaint: &str) -> frontdesk::domain::callbacks::contact::Contact {
    use frontdesk::domain::callbacks::contact::{Channel, Contact, Outcome};
    Contact {
        outcome: Outcome::Reached,
        channel: Channel::Phone,
        score: Some(5),
        call_back_at: None,
        appointment: false,
        notes: "happy with the service".into(),
        complaint: complaint.into(),
    }
}

/// The queue as both stores must agree on it: the file keeps nanoseconds,
/// the server microseconds.
fn queue_key(
    rows: &[frontdesk::store::callbacks::QueueRow],
) -> Vec<(i64, String, u8, String, String, i64)> {
    rows.iter()
        .map(|r| {
            (
                r.id,
                format!("{:?}/{:?}", r.kind, r.band),
                r.priority,
                r.reason.clone(),
                r.customer.clone(),
                r.due.timestamp_micros(),
            )
        })
        .collect()
}

fn audit_rows(pg: &Cluster, shop: &str) -> i64 {
    pg.admin("grp")
        .query_one(
            "SELECT count(*) FROM audit_log a JOIN shops s ON s.id = a.shop_id WHERE s.code = $1",
            &[&shop],
        )
        .unwrap()
        .get(0)
}

#[test]
fn the_call_centre_works_the_group_queue_and_each_call_stays_in_its_shop() {
    use frontdesk::store::callbacks::{ListFilter, NewPartOrder, QueueFilter};
    let pg = Cluster::start();
    let dir = group_of_two(&pg);
    let login = me();
    let (mut server, mut file, user) = server_and_file(&pg, dir.path(), &login);
    let at = test_now();
    let by = acting(&login, user, at);
    let shop = QueueFilter {
        me: login.clone(),
        ..QueueFilter::default()
    };
    let group = QueueFilter {
        group: true,
        ..shop.clone()
    };
    // One shop's queue is its file's queue, row for row and in order.
    let ours = server.callback_queue(&shop, at).unwrap();
    assert!(!ours.is_empty());
    assert_eq!(
        queue_key(&ours),
        queue_key(&file.callback_queue(&shop, at).unwrap())
    );
    // The group's queue holds both shops; the other shop's calls say whose.
    let all = server.callback_queue(&group, at).unwrap();
    let theirs: Vec<_> = all
        .iter()
        .filter(|r| r.reason.starts_with("SH02 · "))
        .collect();
    assert_eq!(all.len(), ours.len() + theirs.len(), "{all:#?}");
    assert!(!theirs.is_empty());
    // bob, of SH02 only, asking for the group gets SH02's queue: row
    // security bounds it, not the program.
    let bob = open(&pg, "bob", "SH02");
    let bobs = bob.callback_queue(&group, at).unwrap();
    assert_eq!(bobs.len(), theirs.len());
    assert!(bobs.iter().all(|r| !r.reason.starts_with("SH0")));
    // Calling SH02's customer from SH01: the claim, the contact, the
    // complaint raised on the call and every audit row land in SH02.
    let call = theirs[0].clone();
    let (sh01, sh02) = (audit_rows(&pg, "SH01"), audit_rows(&pg, "SH02"));
    server.claim_callback(call.id, by).unwrap();
    let mut admin = pg.admin("grp");
    admin
        .batch_execute(
            "INSERT INTO users (login, name, role, created_at, home_shop_id)
             SELECT 'carol', 'Carol', 'customer_care', now(), id FROM shops WHERE code = 'SH02';
             CREATE ROLE carol LOGIN IN ROLE frontdesk_staff;",
        )
        .unwrap();
    let mut carol = open(&pg, "carol", "SH02");
    let taken = carol.claim_callback(call.id, by).unwrap_err().to_string();
    assert!(taken.contains(&login), "{taken}");
    let recorded = server
        .record_contact(call.id, &contact("the car still pulls to the left"), by)
        .unwrap();
    let complaint = recorded.complaint.expect("a complaint was opened");
    let shop_of = |table: &str, id: i64| -> String {
        pg.admin("grp")
            .query_one(
                &format!(
                    "SELECT s.code FROM {table} t JOIN shops s ON s.id = t.shop_id WHERE t.id = $1"
                ),
                &[&id],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(shop_of("complaints", complaint), "SH02");
    let contact_shop: String = admin
        .query_one(
            "SELECT s.code FROM contacts c JOIN shops s ON s.id = c.shop_id WHERE c.callback_id = $1",
            &[&call.id],
        )
        .unwrap()
        .get(0);
    assert_eq!(contact_shop, "SH02");
    assert_eq!(audit_rows(&pg, "SH01"), sh01, "nothing in SH01's chain");
    assert!(audit_rows(&pg, "SH02") >= sh02 + 3);
    for code in ["SH01", "SH02"] {
        let check = Command::new(BIN)
            .args(["check", "--db", &pg.conninfo("grp", ADMIN), "--shop", code])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{code}: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
    // The complaint is answered from SH01 too, once.
    server
        .resolve_complaint(complaint, "wheel alignment redone", Some(true), by)
        .unwrap();
    assert!(server
        .resolve_complaint(complaint, "again", Some(true), by)
        .is_err());
    let file_view = server.customer_file(call.customer_id).unwrap();
    assert!(file_view
        .complaints
        .iter()
        .any(|c| c.id == complaint && c.status == "resolved"));
    assert_eq!(file_view.contacts[0].notes, "happy with the service");
    // A contact on one of SH01's calls does on the server what it does on
    // the file.
    let mine = ours.iter().find(|r| r.claimed_by.is_none()).unwrap();
    for store in [&mut server as &mut dyn Store, &mut file] {
        store.claim_callback(mine.id, by).unwrap();
    }
    assert_eq!(
        server.record_contact(mine.id, &contact(""), by).unwrap(),
        file.record_contact(mine.id, &contact(""), by).unwrap()
    );
    // A part order: ordered, arrived (the customer is called), and not
    // twice, alike on both.
    let ro = server.board().unwrap().cards[0].id;
    let order = NewPartOrder {
        ro_id: ro,
        part_number: "04465-02220".into(),
        description: "brake pads".into(),
    };
    let (a, b) = (
        server.order_part(&order, by).unwrap(),
        file.order_part(&order, by).unwrap(),
    );
    server.part_arrived(a, by).unwrap();
    file.part_arrived(b, by).unwrap();
    assert_eq!(
        server.part_arrived(a, by).unwrap_err().to_string(),
        format!("part order {a} is already arrived")
    );
    let lists = |s: &dyn Store| -> Vec<(i64, String, String)> {
        s.callback_list(&ListFilter::default())
            .unwrap()
            .into_iter()
            .map(|r| (r.id, r.kind, r.customer))
            .collect()
    };
    // A recall is the maker's, kept once for the group: SH02's copy of the
    // demo brought its own campaigns for the same VINs, so on the server
    // SH01's customers owe a call for those too. Every other call matches.
    let maker = |r: &(i64, String, String)| r.1 == "recall" || r.1 == "campaign";
    let (mut on_server, mut on_file) = (lists(&server), lists(&file));
    let recalls = |l: &[(i64, String, String)]| l.iter().filter(|r| maker(r)).count();
    assert!(recalls(&on_server) > recalls(&on_file));
    on_server.retain(|r| !maker(r));
    on_file.retain(|r| !maker(r));
    assert_eq!(on_server.len(), on_file.len());
    let kinds = |l: &[(i64, String, String)]| {
        let mut k: Vec<_> = l.iter().map(|r| (r.1.clone(), r.2.clone())).collect();
        k.sort();
        k
    };
    assert_eq!(kinds(&on_server), kinds(&on_file));
    assert!(on_server.iter().any(|r| r.1 == "parts_arrived"));
}

#[test]
fn g_in_the_callback_queue_shows_the_whole_group_and_back() {
    let pg = Cluster::start();
    let _dir = group_of_two(&pg);
    let mut tui = pane_on_server(&pg.conninfo("grp", &me()), "callbacks", 160, 60);
    tui.wait_text("this shop (G)");
    assert!(!tui.screen().contains("SH02 · "), "{}", tui.screen());
    tui.send("G");
    tui.wait_text("group (G)");
    tui.wait_text("SH02 · ");
    tui.send("G");
    tui.wait_for("SH01's queue again", |s| {
        s.contains("this shop (G)") && !s.contains("SH02 · ")
    });
    let _ = tui.pid(); // ends by pid when dropped
}

/// A check-in list with three belongings ticked.
fn check_in_list() -> frontdesk::domain::checklist::Sheet {
    let mut s = frontdesk::domain::checklist::template::Template::builtin().blank();
    for e in s
        .entries
        .iter_mut()
        .filter(|e| ["umbrella", "spare_tyre", "registration"].contains(&e.item.as_str()))
    {
        e.present = true;
    }
    s
}

/// Checks a new car in on `store`: the list, the questions, fuel and
/// odometer, and a key on the first free hook. Returns the RO and its tag.
fn check_in_on(store: &mut dyn Store, n: usize, by: Actor<'_>) -> (i64, String) {
    use frontdesk::domain::checklist::keys::TagRequest;
    use frontdesk::domain::checklist::{Answers, OldParts};
    let id = store
        .save_ro(&SaveRo::new(&new_ro(n)), by)
        .unwrap()
        .id
        .unwrap();
    let answers = Answers {
        wash: false,
        old_parts: OldParts::CustomerKeeps,
        waiting: true,
        covers: true,
    };
    let readings = frontdesk::store::Readings {
        fuel: Some(3),
        odometer: Some(42_000),
        odometer_reason: String::new(),
    };
    let sheet = check_in_list();
    let req = frontdesk::store::SaveSheet {
        ro_id: id,
        sheet: &sheet,
        answers: Some(&answers),
        readings: Some(&readings),
        tag: Some(TagRequest::Auto),
    };
    store.save_sheet(&req, by).unwrap();
    let tag = store.sheets(id).unwrap().key.unwrap().tag;
    (id, tag)
}

#[test]
fn the_checklist_and_each_shops_key_cabinet_work_as_on_the_file() {
    use frontdesk::domain::checklist::keys::{KeyHolder, TagRequest};
    use frontdesk::domain::checklist::Phase;
    let pg = Cluster::start();
    let dir = group_of_two(&pg);
    let login = me();
    let (mut server, mut file, user) = server_and_file(&pg, dir.path(), &login);
    let by = acting(&login, user, chrono::Utc::now());
    let (a, tag_a) = check_in_on(&mut server, 1, by);
    let (b, tag_b) = check_in_on(&mut file, 1, by);
    // The same RO number, the same hook, the same list and answers.
    assert_eq!(
        server.load_ro(a).unwrap().number,
        file.load_ro(b).unwrap().number
    );
    assert_eq!(tag_a, tag_b);
    let (sa, sb) = (server.sheets(a).unwrap(), file.sheets(b).unwrap());
    assert_eq!(
        sa.check_in.as_ref().unwrap().entries,
        sb.check_in.as_ref().unwrap().entries
    );
    assert_eq!(sa.answers, sb.answers);
    assert_eq!(server.load_ro(a).unwrap().fuel_eighths, Some(3));
    // The customer signs; then the list is frozen on both.
    for (store, id) in [(&mut server as &mut dyn Store, a), (&mut file, b)] {
        let version = store.sheets(id).unwrap().check_in.unwrap().version;
        store
            .acknowledge_sheet(id, Phase::CheckIn, version, "王伟", by)
            .unwrap();
        store
            .hand_over_key(id, KeyHolder::Workshop, "Zhang", by)
            .unwrap();
    }
    let (sa, sb) = (server.sheets(a).unwrap(), file.sheets(b).unwrap());
    assert_eq!(
        sa.check_in.unwrap().acknowledged.unwrap().name,
        sb.check_in.unwrap().acknowledged.unwrap().name
    );
    let (ka, kb) = (sa.key.unwrap(), sb.key.unwrap());
    assert_eq!((ka.holder, ka.moves.len()), (kb.holder, kb.moves.len()));
    let list = check_in_list();
    let again = |s: &mut dyn Store, id| {
        s.save_sheet(
            &frontdesk::store::SaveSheet {
                ro_id: id,
                sheet: &list,
                answers: None,
                readings: None,
                tag: None,
            },
            by,
        )
        .unwrap_err()
        .to_string()
    };
    assert_eq!(again(&mut server, a), again(&mut file, b));
    // A hook in use is refused, naming the car on it, alike.
    let second = |s: &mut dyn Store| {
        let id = s.save_ro(&SaveRo::new(&new_ro(2)), by).unwrap().id.unwrap();
        let hook = tag_a.parse().unwrap();
        s.assign_key_tag(id, TagRequest::Hook(hook), by)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(second(&mut server), second(&mut file));
    // SH02 has its own cabinet: the same hook number is free there.
    let mut sh02 = open(&pg, &login, "SH02");
    let (_, tag_c) = check_in_on(&mut sh02, 3, by);
    assert_eq!(tag_c, tag_a, "each shop numbers its own hooks");
    // Eight advisors of SH01 hanging keys at once get eight hooks.
    let conninfo = pg.conninfo("grp", &login);
    let ids: Vec<i64> = (0..8)
        .map(|n| {
            server
                .save_ro(&SaveRo::new(&new_ro(10 + n)), by)
                .unwrap()
                .id
                .unwrap()
        })
        .collect();
    let tags: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .iter()
            .map(|&id| {
                let conninfo = conninfo.clone();
                let login = login.clone();
                s.spawn(move || {
                    let mut st =
                        PgStore::open(&conninfo, Some("SH01"), OpenMode::ReadWrite).unwrap();
                    let by = Actor {
                        login: &login,
                        user_id: user,
                        at: chrono::Utc::now(),
                    };
                    st.assign_key_tag(id, TagRequest::Auto, by).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut unique = tags.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8, "{tags:?}");
    assert!(!tags.contains(&tag_a));
}

#[test]
fn the_appointment_book_shows_one_shop_and_books_as_the_file_does() {
    use chrono::Duration;
    use frontdesk::domain::book::Booking;
    use frontdesk::domain::Money;
    use frontdesk::store::BookStore;
    let pg = Cluster::start();
    let dir = group_of_two(&pg);
    let login = me();
    let (mut server, mut file, user) = server_and_file(&pg, dir.path(), &login);
    let at = test_now();
    let by = acting(&login, user, at);
    // The book shows SH01's appointments only, as its file has them.
    let (from, to) = (at - Duration::days(30), at + Duration::days(30));
    let key = |s: &dyn Store| -> Vec<(i64, String, i64, String)> {
        s.appointments(from, to)
            .unwrap()
            .into_iter()
            .map(|a| {
                (
                    a.id,
                    a.status.code().to_string(),
                    a.starts_at.timestamp(),
                    a.customer,
                )
            })
            .collect()
    };
    let ours = key(&server);
    assert!(!ours.is_empty());
    assert_eq!(ours, key(&file));
    assert_eq!(
        server.show_rate(from, to).unwrap(),
        file.show_rate(from, to).unwrap()
    );
    // A booking, a clash refused alike, the clash taken with a reason.
    let model = server
        .appointments(from, to)
        .unwrap()
        .into_iter()
        .find(|a| a.vehicle_id.is_some() && a.starts_at > at && a.status.is_active())
        .expect("a booked appointment ahead");
    let bay = server.board().unwrap().bays[0].id;
    let slot = Booking {
        customer_id: model.customer_id,
        vehicle_id: model.vehicle_id,
        bay_id: Some(bay),
        work_group_id: None,
        starts_at: model.starts_at + Duration::days(7),
        ends_at: model.ends_at + Duration::days(7),
        requested_work: "10,000 km service".into(),
        parts_value: Money(80_000),
        deposit: Money(40_000),
        overbook_reason: String::new(),
    };
    let booked: Vec<Result<i64, String>> = [&mut server as &mut dyn Store, &mut file]
        .into_iter()
        .map(|s| s.book(&slot, by).map_err(|e| e.to_string()))
        .collect();
    assert!(booked[0].is_ok(), "{booked:?}");
    assert_eq!(booked[0].is_ok(), booked[1].is_ok());
    let clash = |s: &mut dyn Store| s.book(&slot, by).map_err(|e| e.to_string());
    let (a, b) = (clash(&mut server), clash(&mut file));
    assert!(a.is_err(), "{a:?}");
    assert_eq!(a, b);
    let anyway = Booking {
        overbook_reason: "fleet customer, two technicians free".into(),
        ..slot.clone()
    };
    assert!(server.book(&anyway, by).is_ok());
    // Cancel it, tell the workshop of the first, check the model in: the
    // same RO number on both.
    let ids: Vec<i64> = booked.iter().map(|r| *r.as_ref().unwrap()).collect();
    for (store, id) in [(&mut server as &mut dyn Store, ids[0]), (&mut file, ids[1])] {
        store.tell_workshop(id, 1, by).unwrap();
        assert!(store.tell_workshop(id, 2, by).is_err());
        assert!(store.cancel_appointment(id, 2, "  ", by).is_err());
        store
            .cancel_appointment(id, 2, "customer travels", by)
            .unwrap();
    }
    let checked: Vec<String> = [&mut server as &mut dyn Store, &mut file]
        .into_iter()
        .map(|s| {
            let early = Actor {
                at: model.starts_at,
                ..by
            };
            s.check_in_appointment(model.id, model.version, early)
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(checked[0], checked[1]);
    // SH02's book is its own: bob sees none of SH01's.
    let bob = open(&pg, "bob", "SH02");
    let theirs: Vec<i64> = bob
        .appointments(from, to)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert!(!theirs.is_empty());
    assert!(theirs.iter().all(|id| !ours.iter().any(|o| o.0 == *id)));
    // Two clerks booking the last place at once: one gets it, the other
    // is told it is full.
    let later = Booking {
        starts_at: slot.starts_at + Duration::days(7),
        ends_at: slot.ends_at + Duration::days(7),
        ..slot.clone()
    };
    let conninfo = pg.conninfo("grp", &login);
    let results: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (conninfo, login, later) = (conninfo.clone(), login.clone(), later.clone());
                s.spawn(move || {
                    let mut st =
                        PgStore::open(&conninfo, Some("SH01"), OpenMode::ReadWrite).unwrap();
                    let by = Actor {
                        login: &login,
                        user_id: user,
                        at,
                    };
                    st.book(&later, by).is_ok()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|ok| **ok).count(), 1, "{results:?}");
}

#[test]
fn signing_added_work_declining_and_the_people_of_a_shop_go_as_on_the_file() {
    use chrono::Duration;
    use frontdesk::domain::added_work::{AddedWorkCall, Channel, Decision};
    use frontdesk::domain::repair_order::{LineKind, RoLine};
    use frontdesk::domain::{Money, Role};
    let pg = Cluster::start();
    let dir = group_of_two(&pg);
    let login = me();
    let (mut server, mut file, user) = server_and_file(&pg, dir.path(), &login);
    let at = test_now();
    let by = acting(&login, user, at);
    // A new RO signed at the desk, and another declined, alike on both.
    let mut numbers = Vec::new();
    for store in [&mut server as &mut dyn Store, &mut file] {
        let signed = store.save_ro(&SaveRo::new(&new_ro(1)), by).unwrap();
        let id = signed.id.unwrap();
        assert!(store.sign_ro(id, signed.version, "  ", by).is_err());
        store.sign_ro(id, signed.version, "王伟", by).unwrap();
        let stale = store.sign_ro(id, signed.version, "王伟", by).unwrap_err();
        let ro = store.load_ro(id).unwrap();
        let declined = store.save_ro(&SaveRo::new(&new_ro(2)), by).unwrap();
        let did = declined.id.unwrap();
        store.decline_ro(did, declined.version, by).unwrap();
        let gone = store.load_ro(did).unwrap();
        numbers.push((
            ro.number,
            ro.signed_by_name,
            ro.status,
            stale.to_string().contains("changed"),
            gone.status,
            gone.exit_notice_at.is_some(),
        ));
    }
    assert_eq!(numbers[0], numbers[1]);
    // Added work on a car in a bay: proposed, then approved on the call,
    // which moves the promise by the agreed delay.
    let card = server
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| {
            c.times.status == RoStatus::InBay && server.load_ro(c.id).unwrap().signed_at.is_some()
        })
        .expect("a signed car in a bay");
    let extra = RoLine {
        kind: LineKind::Part,
        code: "P-DISC".into(),
        description: "Front discs".into(),
        quantity_milli: 2000,
        unit_price: Money(60_000),
        ..Default::default()
    };
    let mut after = Vec::new();
    for store in [&mut server as &mut dyn Store, &mut file] {
        let v = store.load_ro(card.id).unwrap().version;
        store
            .propose_added_work(card.id, v, vec![extra.clone()], by)
            .unwrap();
        let waiting = store.load_ro(card.id).unwrap();
        assert_eq!(waiting.status, RoStatus::AwaitingApproval);
        let item = waiting.lines.last().unwrap().id.unwrap();
        let call = AddedWorkCall {
            asked_at: at,
            answered_at: at + Duration::minutes(4),
            channel: Channel::Phone,
            workshop_told: "王强".into(),
            workshop_told_at: at + Duration::minutes(5),
            delay_minutes: 90,
            decisions: vec![(item, Decision::Approved)],
        };
        let later = Actor {
            at: at + Duration::minutes(10),
            ..by
        };
        store
            .record_added_work_call(card.id, waiting.version, &call, later)
            .unwrap();
        let ro = store.load_ro(card.id).unwrap();
        let calls = store.added_work_calls(card.id).unwrap();
        after.push((
            ro.status,
            ro.promised_at.map(|p| p.timestamp_micros()),
            ro.lines
                .iter()
                .map(|l| (l.description.clone(), l.approval))
                .collect::<Vec<_>>(),
            calls.len(),
            calls[0].call.decisions.len(),
            calls[0].call.delay_minutes,
        ));
    }
    assert_eq!(after[0], after[1]);
    assert_eq!(after[0].3, 1);
    // The people of a shop: a manager changes a role and disables a user
    // of their own shop, not of another; a disabled user sees nothing.
    pg.admin("grp")
        .batch_execute(
            "INSERT INTO users (login, name, role, created_at, home_shop_id)
             SELECT 'dave', 'Dave', 'advisor', now(), id FROM shops WHERE code = 'SH01';
             CREATE ROLE dave LOGIN IN ROLE frontdesk_staff;",
        )
        .unwrap();
    server.set_user_role("dave", Role::Cashier, by).unwrap();
    let not_ours = server
        .set_user_role("bob", Role::Advisor, by)
        .unwrap_err()
        .to_string();
    assert!(not_ours.contains("no active user bob"), "{not_ours}");
    let mut dave = postgres::Client::connect(&pg.conninfo("grp", "dave"), postgres::NoTls).unwrap();
    let count = |c: &mut postgres::Client| -> i64 {
        c.query_one("SELECT count(*) FROM repair_orders", &[])
            .unwrap()
            .get(0)
    };
    assert!(count(&mut dave) > 0);
    server.disable_user("dave", by).unwrap();
    assert_eq!(count(&mut dave), 0, "a disabled user sees no shop");
    assert!(server.users().unwrap().iter().all(|u| u.login != "dave"));
}

#[test]
fn the_search_finds_on_the_server_what_it_finds_in_the_file() {
    use frontdesk::store::{FileStore, Found};
    let pg = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "a.db");
    migrate(&a, &pg.create_db("grp"), "SH01");
    let server = open(&pg, &me(), "SH01");
    let file = frontdesk::store::SqliteStore::open(&a, OpenMode::ReadOnlyOk).unwrap();
    let card = server.board().unwrap().cards[0].clone();
    let phone: String = server
        .search_vehicles(&card.plate, 1)
        .unwrap()
        .first()
        .map(|h| h.phone.clone())
        .expect("the car of a card is found by its plate");
    let name_part: String = card.customer.chars().skip(1).take(2).collect();
    let first: String = card.customer.chars().take(1).collect();
    let queries = [
        card.plate.clone(),
        card.plate.to_lowercase().replace(' ', ""),
        card.number.clone(),
        card.number.trim_start_matches("RO-").to_string(),
        phone[phone.len().saturating_sub(6)..].to_string(),
        name_part,
        first,
        "100%_\\".into(),
    ];
    let words = |f: &Found| match f {
        Found::Ro { number, .. } => format!("RO {number}"),
        Found::Car(h) => format!("car {} {} {:?}", h.plate, h.customer, h.open_ro),
        Found::Customer { name, phone, .. } => format!("customer {name} {phone}"),
    };
    for q in queries {
        let on_server: Vec<String> = server.search(&q, 12).unwrap().iter().map(words).collect();
        let on_file: Vec<String> = file.search(&q, 12).unwrap().iter().map(words).collect();
        assert_eq!(on_server, on_file, "query {q:?}");
        let cars = |s: &dyn Store| -> Vec<String> {
            s.search_vehicles(&q, 8)
                .unwrap()
                .iter()
                .map(|h| format!("{} {}", h.plate, h.customer))
                .collect()
        };
        assert_eq!(cars(&server), cars(&file), "query {q:?}");
    }
}

#[test]
fn the_customer_file_its_edits_and_merges_work_as_on_the_file_and_keep_every_shops_records() {
    use frontdesk::store::FileStore;
    let pg = Cluster::start();
    let dir = group_of_two(&pg);
    let login = me();
    let (mut server, mut file, user) = server_and_file(&pg, dir.path(), &login);
    let at = test_now();
    let by = acting(&login, user, at);
    // The whole file reads alike.
    let card = server.board().unwrap().cards[0].clone();
    let customer = server.load_ro(card.id).unwrap().customer.id.unwrap();
    let shape = |s: &dyn Store| {
        let f = s.full_file(customer, at).unwrap();
        let cars: Vec<_> = f
            .cars
            .iter()
            .map(|c| {
                let visits: Vec<_> = c
                    .visits
                    .iter()
                    .map(|v| (v.number.clone(), v.lines.len(), v.payments.len()))
                    .collect();
                (c.plate.clone(), c.since, c.next_due.clone(), visits)
            })
            .collect();
        (
            f.details,
            f.version,
            cars,
            f.complaints.len(),
            f.contacts.len(),
            f.appointments.len(),
        )
    };
    assert_eq!(shape(&server), shape(&file));
    let vehicle = server.full_file(customer, at).unwrap().cars[0].vehicle_id;
    assert_eq!(
        server.owner_of(vehicle).unwrap(),
        file.owner_of(vehicle).unwrap()
    );
    // An edit, then the same stale edit: refused alike.
    let mut edited = server.full_file(customer, at).unwrap().details;
    edited.phone2 = "13900001111".into();
    edited.notes = "prefers mornings".into();
    let v = server.full_file(customer, at).unwrap().version;
    for store in [&mut server as &mut dyn Store, &mut file] {
        store.save_customer(customer, v, &edited, by).unwrap();
    }
    let stale = |s: &mut dyn Store| {
        s.save_customer(customer, v, &edited, by)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(stale(&mut server), stale(&mut file));
    assert_eq!(shape(&server), shape(&file));
    // Two new customers, one a duplicate of the other: merged alike.
    let mut merged = Vec::new();
    for store in [&mut server as &mut dyn Store, &mut file] {
        let keep = store.save_ro(&SaveRo::new(&new_ro(1)), by).unwrap();
        let gone = store.save_ro(&SaveRo::new(&new_ro(2)), by).unwrap();
        let (k, g) = (keep.customer.id.unwrap(), gone.customer.id.unwrap());
        let m = store.merge_customers(k, g, by).unwrap();
        let f = store.full_file(k, at).unwrap();
        merged.push((
            m,
            f.cars.len(),
            store.full_file(g, at).unwrap().merged_into == Some(k),
        ));
    }
    assert_eq!(merged[0], merged[1]);
    assert_eq!(merged[0].1, 2);
    // A manager who sees only SH01 may not merge away a customer with
    // records at SH02: they would stay behind on the duplicate.
    let mut admin = pg.admin("grp");
    admin
        .batch_execute(
            "INSERT INTO users (login, name, role, created_at, home_shop_id)
             SELECT 'erin', 'Erin', 'manager', now(), id FROM shops WHERE code = 'SH01';
             CREATE ROLE erin LOGIN IN ROLE frontdesk_staff;",
        )
        .unwrap();
    let theirs: i64 = admin
        .query_one(
            "SELECT r.customer_id FROM repair_orders r JOIN shops s ON s.id = r.shop_id
             WHERE s.code = 'SH02' LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    let ros_of = |c: i64| -> i64 {
        pg.admin("grp")
            .query_one(
                "SELECT count(*) FROM repair_orders WHERE customer_id = $1",
                &[&c],
            )
            .unwrap()
            .get(0)
    };
    let before = ros_of(theirs);
    assert!(before > 0);
    let mut erin = open(&pg, "erin", "SH01");
    let refused = erin
        .merge_customers(customer, theirs, by)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("shops you may not see"), "{refused}");
    assert_eq!(ros_of(theirs), before, "nothing moved");
    // Someone who sees both shops merges them, and every RO follows.
    let mine = ros_of(customer);
    server.merge_customers(customer, theirs, by).unwrap();
    assert_eq!(ros_of(theirs), 0);
    assert_eq!(ros_of(customer), mine + before);
    let numbers: Vec<String> = server
        .full_file(customer, at)
        .unwrap()
        .cars
        .iter()
        .flat_map(|c| c.visits.iter().map(|v| v.number.clone()))
        .collect();
    assert!(
        numbers.iter().any(|n| n.starts_with("SH02·")),
        "{numbers:?}"
    );
}

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn export_and_import_on_the_server_read_as_the_files_do() {
    let pg = Cluster::start();
    let dir = tempfile::tempdir().unwrap();
    let a = demo(dir.path(), "a.db");
    let url = pg.create_db("grp");
    migrate(&a, &url, "SH01");
    let conninfo = pg.conninfo("grp", &me());
    let (db, out) = (a.to_str().unwrap(), dir.path());
    let sorted = |p: &Path| {
        let mut l: Vec<String> = std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        l.sort();
        l
    };
    for what in ["customers", "vehicles", "ros"] {
        let (f, s) = (
            out.join(format!("{what}.file.csv")),
            out.join(format!("{what}.server.csv")),
        );
        run(&["export", what, "--db", db, "--out", f.to_str().unwrap()]);
        run(&[
            "export",
            what,
            "--db",
            &conninfo,
            "--shop",
            "SH01",
            "--out",
            s.to_str().unwrap(),
        ]);
        assert!(sorted(&f).len() > 1, "{what} has rows");
        assert_eq!(sorted(&f), sorted(&s), "{what}");
    }
    // The file's own customers read back into the server: all matched,
    // nothing new. A new customer is added once, however often imported.
    let customers = out.join("customers.file.csv");
    let said = run(&[
        "import",
        customers.to_str().unwrap(),
        "--db",
        &conninfo,
        "--shop",
        "SH01",
    ]);
    assert!(
        said.contains(" 0 customers new") && said.contains(" 0 cars new"),
        "{said}"
    );
    let extra = out.join("extra.csv");
    std::fs::write(
        &extra,
        "name,phone,plate,vin,make,model\n陈新,13912345678,粤B7Z001,,BYD,Seal\n",
    )
    .unwrap();
    let count = || -> i64 {
        pg.admin("grp")
            .query_one(
                "SELECT count(*) FROM customers WHERE phone = '13912345678'",
                &[],
            )
            .unwrap()
            .get(0)
    };
    for _ in 0..2 {
        run(&[
            "import",
            extra.to_str().unwrap(),
            "--db",
            &conninfo,
            "--shop",
            "SH01",
        ]);
        assert_eq!(count(), 1);
    }
}
