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

#[test]
fn generate_validates_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    assert_fails(
        &run(&["generate", "--open", "60", "--total", "50", "--db", s(&db)]),
        "cannot exceed",
    );
    assert!(!db.exists());
    assert!(
        run(&["generate", "--open", "20", "--total", "200", "--db", s(&db)])
            .status
            .success()
    );
    let conn = Connection::open(&db).unwrap();
    let open: i64 = conn
        .query_row("SELECT count(*) FROM repair_orders WHERE status NOT IN ('delivered','declined','cancelled')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(open, 20);
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
