//! The command line: every subcommand has --help, and every bad input gives
//! one clear line on stderr, a non-zero exit, and an untouched file.

use rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");
const NOW: &str = "2026-11-22T10:00:00+08:00";

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("USER", "tester")
        .env("LANG", "C")
        .output()
        .unwrap()
}

/// Fails with exactly one line on stderr that contains `expect`.
fn assert_fails(out: &Output, expect: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(expect), "expected '{expect}' in: {err}");
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        vec![],
        vec!["init"],
        vec!["demo"],
        vec!["generate"],
        vec!["check"],
        vec!["backup"],
        vec!["user"],
        vec!["user", "add"],
        vec!["user", "list"],
        vec!["import"],
        vec!["export"],
    ] {
        let mut args = sub.clone();
        args.push("--help");
        let out = run(&args);
        assert!(out.status.success(), "{sub:?} --help");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{sub:?}"
        );
    }
}

#[test]
fn missing_directory_directory_and_absent_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_fails(
        &run(&["check", "--db", "/no/such/dir/shop.db"]),
        "directory /no/such/dir does not exist",
    );
    assert_fails(&run(&["check", "--db", s(dir.path())]), "is a directory");
    assert_fails(
        &run(&["check", "--db", s(&dir.path().join("x.db"))]),
        "no database at",
    );
    assert_fails(
        &run(&["--db", s(&dir.path().join("x.db"))]),
        "no database at",
    );
}

#[test]
fn not_sqlite_and_newer_schema_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("letter.db");
    let bytes = b"Dear customer, your car is ready.\n".repeat(50);
    std::fs::write(&text, &bytes).unwrap();
    for args in [vec!["check"], vec!["user", "add", "bob"], vec![]] {
        let mut a = args.clone();
        a.extend(["--db", s(&text)]);
        assert_fails(&run(&a), "not a SQLite database");
    }
    assert_eq!(std::fs::read(&text).unwrap(), bytes);

    let future = dir.path().join("future.db");
    Connection::open(&future)
        .unwrap()
        .execute_batch("CREATE TABLE x (y); PRAGMA user_version = 99;")
        .unwrap();
    let before = std::fs::read(&future).unwrap();
    assert_fails(
        &run(&["user", "add", "bob", "--db", s(&future)]),
        "newer frontdesk",
    );
    assert_fails(&run(&["--db", s(&future)]), "newer frontdesk");
    assert_eq!(std::fs::read(&future).unwrap(), before);
}

#[test]
fn a_read_only_file_refuses_write_commands_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    assert!(run(&["init", "--db", s(&db)]).status.success());
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&db).unwrap();
    assert_fails(&run(&["user", "add", "bob", "--db", s(&db)]), "read-only");
    assert!(
        run(&["check", "--db", s(&db)]).status.success(),
        "checking only reads"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn init_users_check_and_backup() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // The deployment's shape: the shop's directory is its group's alone.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o770)).unwrap();
    let db = dir.path().join("shop.db");
    assert!(run(&["init", "--db", s(&db)]).status.success());
    assert_eq!(
        mode(&db),
        0o660,
        "personal data: the group's, whatever the umask"
    );
    assert_fails(&run(&["init", "--db", s(&db)]), "already exists");
    assert!(run(&[
        "user",
        "add",
        "li.na",
        "--name",
        "李娜",
        "--role",
        "advisor",
        "--db",
        s(&db)
    ])
    .status
    .success());
    assert_fails(
        &run(&["user", "add", "li.na", "--db", s(&db)]),
        "already exists",
    );
    let list = String::from_utf8(run(&["user", "list", "--db", s(&db)]).stdout).unwrap();
    assert!(
        list.contains("li.na")
            && list.contains(&frontdesk::os::real_login())
            && list.contains("manager"),
        "{list}"
    );
    let check = run(&["check", "--db", s(&db)]);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        said.starts_with("ok:"),
        "{said}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let copy = dir.path().join("copy.db");
    assert!(run(&["backup", s(&copy), "--db", s(&db)]).status.success());
    assert_eq!(mode(&copy), 0o660, "a backup holds the same personal data");
    // Opened up to others: check says so, and what to do (a warning only).
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let check = run(&["check", "--db", s(&db)]);
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{said}");
    assert!(
        said.contains("shop.db is open to others (mode 0644)") && said.contains("chmod 660"),
        "{said}"
    );
    assert!(said.contains("is open to others (mode 0755)"), "{said}");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o660)).unwrap();
    assert_fails(
        &run(&["backup", s(&copy), "--db", s(&db)]),
        "not overwriting",
    );
}

#[test]
fn check_reports_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    assert!(run(&["demo", "--db", s(&db), "--now", NOW])
        .status
        .success());
    let mut bytes = std::fs::read(&db).unwrap();
    // Scribble over the middle pages, leaving the header intact.
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 8192] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = run(&["check", "--db", s(&db)]);
    assert!(
        !out.status.success(),
        "damage must be reported: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn demo_replaces_a_demo_but_never_a_real_shop() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.db");
    assert!(run(&["demo", "--db", s(&demo), "--now", NOW])
        .status
        .success());
    assert!(
        run(&["demo", "--db", s(&demo), "--now", NOW])
            .status
            .success(),
        "a demo is refreshed"
    );
    let real = dir.path().join("shop.db");
    assert!(run(&["init", "--db", s(&real)]).status.success());
    let before = std::fs::read(&real).unwrap();
    assert_fails(&run(&["demo", "--db", s(&real)]), "not a demo");
    assert_fails(&run(&["--demo", "--db", s(&real)]), "not a demo");
    assert_eq!(std::fs::read(&real).unwrap(), before);
}

/// `generate` with a fixed clock, into `db`; its printed figures.
fn generated(db: &std::path::Path, seed: &str) -> String {
    let out = run(&[
        "--now",
        "2026-11-23T10:00:00Z",
        "generate",
        "--years",
        "0.3",
        "--cars-per-day",
        "30",
        "--seed",
        seed,
        "--checksum",
        "--db",
        s(db),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The figures without the first line, which names the file.
fn figures(out: &str) -> Vec<&str> {
    out.lines().skip(1).collect()
}

#[test]
fn generate_is_deterministic_per_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    let first = generated(&a, "7");
    let again = generated(&b, "7");
    assert_eq!(
        figures(&first),
        figures(&again),
        "the same seed gives the same rows"
    );
    let other = generated(&c, "8");
    assert_ne!(
        figures(&first),
        figures(&other),
        "another seed, another shop"
    );
    assert!(first.contains("checksum "), "{first}");
}

#[test]
fn a_generated_history_is_whole_and_realistic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    generated(&db, "3");
    // Integrity, CHECK constraints and foreign keys, as a shop is checked.
    let check = run(&["check", "--db", s(&db)]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let conn = Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    // Every category and payer, added work both ways, owners who sold on.
    assert_eq!(one("SELECT count(DISTINCT category) FROM repair_orders"), 6);
    assert_eq!(one("SELECT count(DISTINCT payer) FROM ro_lines"), 3);
    assert_eq!(one("SELECT count(DISTINCT approval) FROM ro_lines"), 3);
    assert!(one("SELECT count(*) FROM vehicle_owners WHERE until IS NOT NULL") > 0);
    assert!(one("SELECT count(*) FROM (SELECT customer_id FROM vehicle_owners WHERE until IS NULL GROUP BY 1 HAVING count(*) > 1)") > 0);
    // Plates are unique; odometers only grow from visit to visit.
    assert_eq!(
        one("SELECT count(*) - count(DISTINCT plate_norm) FROM vehicles"),
        0
    );
    assert_eq!(
        one("SELECT count(*) FROM repair_orders a JOIN repair_orders b
             ON a.vehicle_id = b.vehicle_id AND b.checked_in_at > a.checked_in_at
             AND b.odometer_in_km < a.odometer_in_km"),
        0
    );
    // Follow-ups with outcomes, complaints, appointments, key tags, checklists.
    assert!(one("SELECT count(DISTINCT outcome) FROM contacts") >= 2);
    assert!(one("SELECT count(*) FROM callbacks WHERE satisfaction IS NOT NULL") > 0);
    assert!(one("SELECT count(*) FROM complaints") > 0);
    assert!(one("SELECT count(DISTINCT status) FROM appointments") >= 3);
    assert_eq!(
        one("SELECT count(*) FROM key_tags"),
        one("SELECT count(*) FROM repair_orders")
    );
    assert!(one("SELECT count(*) FROM checklist_entries WHERE damage_kind IS NOT NULL") > 0);
    // Chinese and Latin names.
    assert!(one("SELECT count(*) FROM customers WHERE unicode(name) > 0x2E80") > 0);
    assert!(one("SELECT count(*) FROM customers WHERE unicode(name) < 0x80") > 0);
    // ROs were written in time order, and some are still in the workshop.
    assert_eq!(
        one(
            "SELECT count(*) FROM repair_orders a JOIN repair_orders b ON b.id = a.id + 1
             WHERE b.checked_in_at < a.checked_in_at"
        ),
        0
    );
    assert!(one("SELECT count(*) FROM repair_orders WHERE status <> 'delivered'") > 0);
    // The desk's next number follows the generated ones.
    assert_eq!(
        one("SELECT last_serial FROM ro_counter"),
        one("SELECT max(CAST(substr(number, 4) AS INTEGER)) FROM repair_orders")
    );
}

#[test]
fn generate_refuses_bad_numbers_and_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    assert_fails(
        &run(&["generate", "--years", "0", "--db", s(&db)]),
        "--years",
    );
    assert_fails(
        &run(&["generate", "--cars-per-day", "0", "--db", s(&db)]),
        "--cars-per-day",
    );
    assert!(!db.exists());
    std::fs::write(&db, b"precious").unwrap();
    assert_fails(
        &run(&["generate", "--years", "0.01", "--db", s(&db)]),
        "already exists",
    );
    assert_eq!(std::fs::read(&db).unwrap(), b"precious");
}

#[test]
fn bad_arguments_are_usage_errors() {
    assert!(!run(&["--pane", "garage"]).status.success());
    assert!(!run(&["--now", "yesterday"]).status.success());
    assert!(!run(&["user", "add", "x", "--role", "king"])
        .status
        .success());
}

#[test]
fn the_interface_without_a_terminal_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    assert!(run(&["init", "--db", s(&db)]).status.success());
    assert_fails(&run(&["--db", s(&db)]), "needs a terminal");
}

#[test]
fn a_bad_keymap_file_stops_start_up_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    assert!(run(&["init", "--db", s(&db)]).status.success());
    let keys = dir.path().join("keys.toml");
    std::fs::write(&keys, "[board]\nassign_bay = [\"hyper-q\"]\n").unwrap();
    assert_fails(
        &run(&["--db", s(&db), "--keymap", s(&keys)]),
        "keys.toml: unknown key name 'hyper-q'",
    );
}

#[test]
fn managers_change_roles_and_disable_users_but_never_the_last_manager() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let me = frontdesk::os::real_login();
    assert!(run(&["init", "--db", s(&db)]).status.success());
    assert!(
        run(&["user", "add", "li.na", "--role", "advisor", "--db", s(&db)])
            .status
            .success()
    );
    assert!(run(&["user", "role", "li.na", "cashier", "--db", s(&db)])
        .status
        .success());
    let list = String::from_utf8(run(&["user", "list", "--db", s(&db)]).stdout).unwrap();
    assert!(
        list.lines()
            .any(|l| l.starts_with("li.na") && l.contains("cashier")),
        "{list}"
    );
    assert_fails(
        &run(&["user", "role", &me, "advisor", "--db", s(&db)]),
        "is the last manager",
    );
    assert_fails(
        &run(&["user", "disable", &me, "--db", s(&db)]),
        "is the last manager",
    );
    assert!(run(&["user", "disable", "li.na", "--db", s(&db)])
        .status
        .success());
    let list = String::from_utf8(run(&["user", "list", "--db", s(&db)]).stdout).unwrap();
    assert!(
        !list.contains("li.na"),
        "disabled users do not log in: {list}"
    );
    let audit =
        String::from_utf8(run(&["audit", "--entity", "user", "--db", s(&db)]).stdout).unwrap();
    assert!(
        audit.contains("li.na: advisor → cashier") && audit.contains("li.na may no longer log in"),
        "{audit}"
    );
    assert!(
        audit.lines().all(|l| l.contains(&me)),
        "every row names the real login: {audit}"
    );
}
