//! End-to-end: the real binary in a pseudo-terminal, driven by real keys,
//! with more than one process on one database file.

mod common;

use common::pty::{base_env, fresh_demo, me, open_pane, ui_args, waiting_for_bay, Tui};
use rusqlite::Connection;
use std::path::Path;

fn spawn(path: &Path, login: &str, cols: u16, rows: u16) -> Tui {
    open_pane(path, "board", &base_env(login), cols, rows)
}

/// Assigns the RO to the free lift and waits for the move to land.
fn assign_to_free_lift(tui: &mut Tui, number: &str) {
    common::pty::assign_to_free_lift(tui, number);
    tui.wait_text(&format!("{number} moved to in bay"));
}

#[test]
fn moves_a_car_to_a_bay_by_keys_and_the_database_keeps_the_move_and_its_audit_row() {
    let (_dir, db) = fresh_demo();
    let number = waiting_for_bay(&db);
    let mut tui = spawn(&db, "li.na", 80, 24);
    tui.wait_text("Waiting for bay");
    tui.wait_text(&format!("{} (manager)", me()));
    assign_to_free_lift(&mut tui, &number);
    tui.send("\x1b"); // Esc clears the search
    tui.wait_text("B4 Lift 4 1/1");
    tui.send("q");
    assert!(tui.wait_exit(), "q exits cleanly");

    let conn = Connection::open(&db).unwrap();
    let (status, bay, received): (String, String, String) = conn
        .query_row(
            "SELECT ro.status, b.code, ro.workshop_received_at FROM repair_orders ro JOIN bays b ON b.id = ro.bay_id WHERE ro.number = ?1",
            [&number],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), bay.as_str()), ("in_bay", "B4"));
    assert!(
        received.contains(":00:00") || received.contains("0:00"),
        "received at a ten-minute mark: {received}"
    );
    let (who, detail): (String, String) = conn
        .query_row(
            "SELECT user_login, detail FROM audit_log WHERE entity = 'repair_order' AND action = 'move' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(who, me(), "the audit names the real login, not $USER");
    assert!(
        detail.contains(&number)
            && detail.contains("waiting_for_bay → in_bay")
            && detail.contains("B4"),
        "{detail}"
    );
}

#[test]
fn a_commit_by_any_sqlite_client_shows_on_the_board() {
    let (_dir, db) = fresh_demo();
    let tui = spawn(&db, "li.na", 120, 40);
    tui.wait_text("Waiting for bay");
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE customers SET name = 'Live 林' WHERE id =
           (SELECT customer_id FROM repair_orders WHERE status = 'checked_in' LIMIT 1)",
        [],
    )
    .unwrap();
    let took = tui.wait_text("Live 林");
    eprintln!("external commit visible after {took:?}");
}

#[test]
fn a_move_in_one_frontdesk_process_appears_on_another() {
    let (_dir, db) = fresh_demo();
    let number = waiting_for_bay(&db);
    let wall = spawn(&db, "li.na", 120, 40); // the dispatcher's wall screen
    let mut desk = spawn(&db, "li.na", 80, 24);
    wall.wait_text("B4 Lift 4 0/1 · free");
    desk.wait_text("Waiting for bay");
    assign_to_free_lift(&mut desk, &number);
    let took = wall.wait_text("B4 Lift 4 1/1");
    eprintln!("move visible on the other terminal after {took:?}");
    let screen = wall.screen();
    let row = screen
        .lines()
        .skip_while(|l| !l.contains("B4 Lift 4 1/1"))
        .nth(1)
        .unwrap_or("");
    assert!(
        row.contains(&number),
        "the car sits under B4 on the wall screen:\n{screen}"
    );
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    let (_dir, db) = fresh_demo();
    for (name, signal) in [("TERM", libc::SIGTERM), ("HUP", libc::SIGHUP)] {
        let mut tui = spawn(&db, "li.na", 80, 24);
        tui.wait_text("Waiting for bay");
        // SAFETY: kill(2) on our own child's pid, with a valid signal number.
        assert_eq!(unsafe { libc::kill(tui.pid() as libc::pid_t, signal) }, 0);
        assert!(tui.wait_exit(), "SIG{name}: exits cleanly");
        let raw = String::from_utf8_lossy(&tui.raw_output()).into_owned();
        let entered = raw
            .find("\x1b[?1049h")
            .expect("entered the alternate screen");
        let left = raw.rfind("\x1b[?1049l").expect("left the alternate screen");
        assert!(left > entered);
    }
}

#[test]
fn ctrl_c_quits_from_inside_a_dialog() {
    let (_dir, db) = fresh_demo();
    let mut tui = spawn(&db, "li.na", 80, 24);
    tui.wait_text("Waiting for bay");
    tui.send("?");
    tui.wait_text("Help");
    tui.send("\x03");
    assert!(tui.wait_exit());
}

#[test]
fn a_read_only_file_opens_the_board_read_only_and_saves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, db) = fresh_demo();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let mut tui = spawn(&db, "li.na", 80, 24);
    tui.wait_text("READ-ONLY");
    tui.send("c");
    tui.wait_text("read-only: nothing can be saved");
    tui.send("q");
    assert!(tui.wait_exit());
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn an_unregistered_login_sees_the_board_but_cannot_move_cars() {
    let (_dir, db) = fresh_demo();
    // The real login is no longer a user; claiming to be the manager in
    // $USER changes nothing.
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE users SET login = 'moved.away' WHERE login = ?1",
        [me()],
    )
    .unwrap();
    let manager: String = conn
        .query_row(
            "SELECT login FROM users WHERE role = 'manager' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let before: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let mut tui = spawn(&db, &manager, 80, 24);
    tui.wait_text(&format!("{} is not a registered user", me()));
    tui.send("t");
    tui.wait_text("not a registered user");
    tui.send("q");
    assert!(tui.wait_exit());
    let after: i64 = conn
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before, "nothing written");
}

#[test]
fn no_color_sends_no_colour_codes_and_colour_is_used_otherwise() {
    let (_dir, db) = fresh_demo();
    let args = ui_args(&db, "board");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for no_color in [true, false] {
        let mut env = base_env("li.na");
        if no_color {
            env.push(("NO_COLOR".into(), "1".into()));
        }
        let mut tui = Tui::spawn(&args, &env, 80, 24);
        tui.wait_text("LATE");
        tui.send("q");
        assert!(tui.wait_exit());
        let raw = String::from_utf8_lossy(&tui.raw_output()).into_owned();
        let coloured = raw.contains("\x1b[38;5;") || raw.contains("\x1b[48;5;");
        assert_eq!(coloured, !no_color, "NO_COLOR={no_color}");
    }
}

#[test]
fn a_stale_dialog_meets_a_conflict_and_overwrites_nothing() {
    let (_dir, db) = fresh_demo();
    let number = waiting_for_bay(&db);
    let mut tui = spawn(&db, "li.na", 80, 24);
    tui.wait_text("Waiting for bay");
    tui.send("/");
    tui.send(&number);
    tui.send("\r");
    tui.wait_text(&format!("> {number}"));
    tui.send("a");
    tui.wait_text("> B4  Lift 4 — free");
    // Meanwhile another terminal saves this RO (a new promised time).
    let conn = Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE repair_orders SET promised_at = datetime(promised_at, '+1 hour'), version = version + 1 WHERE number = ?1",
        [&number],
    )
    .unwrap();
    tui.send("\r");
    tui.wait_text("Work group");
    tui.send("\r");
    tui.wait_text("someone else changed");
    let status: String = conn
        .query_row(
            "SELECT status FROM repair_orders WHERE number = ?1",
            [&number],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "waiting_for_bay", "the stale move was not written");
    // The board has reloaded, so trying again works.
    tui.send("a");
    tui.wait_text("> B4  Lift 4 — free");
    tui.send("\r");
    tui.wait_text("Work group");
    tui.send("\r");
    tui.wait_text(&format!("{number} moved to in bay"));
    tui.send("q");
    assert!(tui.wait_exit());
}
