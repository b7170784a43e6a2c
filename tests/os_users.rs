//! The deployment the README gives, tried for real with two OS users:
//! frontdesk installed setgid to the shop's group, the shop's directory and
//! files the group's alone. Alice (an advisor) cannot read the file
//! directly, but works through frontdesk; she cannot act as Bob (the
//! manager), whatever `$USER` says; what her process creates stays the
//! group's.
//!
//! Needs root (to make users, groups and a setgid binary). `.ci/run` runs
//! as root and creates the users; elsewhere, without root, the test says
//! so and does nothing (under CI it fails instead).

mod common;

use common::pty::Tui;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GROUP: &str = "fdtest_shop";
const ALICE: &str = "fdtest_alice";
const BOB: &str = "fdtest_bob";

struct Deployment {
    bin: PathBuf,
    shop_dir: PathBuf,
    db: PathBuf,
}

impl Drop for Deployment {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.shop_dir);
        if let Some(dir) = self.bin.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn sh(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd).args(args).output().unwrap()
}

fn ensure_users() {
    if !sh("getent", &["group", GROUP]).status.success() {
        assert!(sh("groupadd", &[GROUP]).status.success());
    }
    for u in [ALICE, BOB] {
        if !sh("id", &[u]).status.success() {
            let made = sh(
                "useradd",
                &[
                    "--no-create-home",
                    "--no-user-group",
                    "--shell",
                    "/bin/sh",
                    u,
                ],
            );
            assert!(
                made.status.success(),
                "{}",
                String::from_utf8_lossy(&made.stderr)
            );
        }
    }
}

/// Installs a copy of frontdesk setgid to the group, and a group-only
/// directory for the shop; None when not root (and not in CI).
fn deploy() -> Option<Deployment> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run this as root (.ci/run)"
        );
        eprintln!("os_users: not root, so the deployment test cannot make users; skipped here");
        return None;
    }
    ensure_users();
    let tag = std::process::id();
    let bin_dir = PathBuf::from(format!("/usr/local/libexec/frontdesk-test-{tag}"));
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::fs::set_permissions(&bin_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = bin_dir.join("frontdesk");
    std::fs::copy(common::pty::BIN, &bin).unwrap();
    assert!(
        sh("chown", &[&format!("root:{GROUP}"), bin.to_str().unwrap()])
            .status
            .success()
    );
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o2755)).unwrap();
    let shop_dir = PathBuf::from(format!("/var/tmp/frontdesk-test-{tag}"));
    std::fs::create_dir_all(&shop_dir).unwrap();
    assert!(sh(
        "chown",
        &[&format!("root:{GROUP}"), shop_dir.to_str().unwrap()]
    )
    .status
    .success());
    std::fs::set_permissions(&shop_dir, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let db = shop_dir.join("shop.db");
    Some(Deployment { bin, shop_dir, db })
}

/// `frontdesk args…` as `user`, with `$USER` claiming to be `claimed`.
fn as_user(d: &Deployment, user: &str, claimed: &str, args: &[&str]) -> Output {
    Command::new("runuser")
        .args([
            "-u",
            user,
            "--",
            "env",
            &format!("USER={claimed}"),
            &format!("LOGNAME={claimed}"),
        ])
        .arg(&d.bin)
        .args(args)
        .args(["--db", d.db.to_str().unwrap()])
        .current_dir("/")
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn group_only(path: &Path) {
    let meta = std::fs::metadata(path).unwrap();
    let gid = String::from_utf8_lossy(&sh("getent", &["group", GROUP]).stdout)
        .split(':')
        .nth(2)
        .unwrap()
        .parse::<u32>()
        .unwrap();
    assert_eq!(
        meta.gid(),
        gid,
        "{} belongs to the shop's group",
        path.display()
    );
    assert_eq!(
        meta.mode() & 0o007,
        0,
        "{} is closed to others",
        path.display()
    );
}

#[test]
fn an_advisor_works_through_frontdesk_but_cannot_read_the_file_or_be_the_manager() {
    let Some(d) = deploy() else { return };
    // Bob, the manager, makes the shop and registers Alice as an advisor.
    ok(&as_user(&d, BOB, BOB, &["demo"]));
    ok(&as_user(
        &d,
        BOB,
        BOB,
        &["user", "add", ALICE, "--role", "advisor"],
    ));
    group_only(&d.db);
    // Alice cannot open the file herself…
    let cat = sh(
        "runuser",
        &["-u", ALICE, "--", "cat", d.db.to_str().unwrap()],
    );
    assert!(!cat.status.success(), "a plain read of the file is refused");
    assert!(String::from_utf8_lossy(&cat.stderr).contains("Permission denied"));
    // …but reads it through frontdesk,
    assert!(ok(&as_user(&d, ALICE, ALICE, &["user", "list"])).contains(BOB));
    // and cannot be Bob, whatever her environment says.
    let spoof = as_user(
        &d,
        ALICE,
        BOB,
        &["user", "add", "mallory", "--role", "manager"],
    );
    assert!(!spoof.status.success());
    assert!(String::from_utf8_lossy(&spoof.stderr).contains("only a manager may manage users"));
    // At the board, as herself, she moves a car; the audit names her.
    let number: String = rusqlite::Connection::open(&d.db)
        .unwrap()
        .query_row(
            "SELECT number FROM repair_orders WHERE status = 'waiting_for_bay' ORDER BY promised_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let args = [
        "-u",
        ALICE,
        "--",
        "env",
        &format!("USER={BOB}"),
        "TERM=xterm-256color",
        "LANG=C.UTF-8",
        d.bin.to_str().unwrap(),
        "--db",
        d.db.to_str().unwrap(),
    ];
    let mut tui = Tui::spawn_program("runuser", &args, &common::pty::base_env(BOB), 80, 24);
    tui.wait_text(&format!("{ALICE} (advisor)"));
    common::pty::assign_to_free_lift(&mut tui, &number);
    tui.wait_text(&format!("{number} moved to in bay"));
    tui.send("q");
    assert!(tui.wait_exit());
    let who: String = rusqlite::Connection::open(&d.db)
        .unwrap()
        .query_row(
            "SELECT user_login FROM audit_log WHERE action = 'move' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(who, ALICE);
    // What her process left beside the shop is the group's too.
    for entry in std::fs::read_dir(&d.shop_dir).unwrap() {
        group_only(&entry.unwrap().path());
    }
    let check = ok(&as_user(&d, BOB, BOB, &["check"]));
    assert!(check.contains("is whole"), "{check}");
}
