//! End-to-end tests of the repair-order editor with the real binary: a
//! whole RO by keys from a new customer to settlement, a kill while typing,
//! and a conflict with another process.

mod common;

use common::pty::{base_env, fresh_demo, open_pane, Tui};
use rusqlite::Connection;
use std::path::Path;

const TAB: &str = "\t";
const RIGHT: &str = "\x1b[C";
const F9: &str = "\x1b[20~";
const CTRL_S: &str = "\x13";
const CTRL_N: &str = "\x0e";
const ENTER: &str = "\r";
const BACKTAB: &str = "\x1b[Z";

fn spawn(db: &Path, pane: &str) -> Tui {
    open_pane(db, pane, &base_env("li.na"), 80, 24)
}

/// Types each value and moves on with Tab.
fn fill(tui: &mut Tui, values: &[&str]) {
    for v in values {
        if !v.is_empty() {
            tui.send(v);
        }
        tui.send(TAB);
    }
}

/// Opens the actions menu (F9) and picks an entry by its letter.
fn act(tui: &mut Tui, letter: &str) {
    tui.send(F9);
    tui.wait_text("Actions");
    tui.send(letter);
}

/// Moves the RO through the "Move to" menu, picking the n-th allowed state.
fn move_to(tui: &mut Tui, n: usize) {
    act(tui, "m");
    tui.wait_text("Move to");
    for _ in 0..n {
        tui.send("j");
    }
    tui.send(ENTER);
}

/// Types a new customer's RO by keys and saves it; returns its number.
fn new_ro_by_keys(tui: &mut Tui, db: &Path) -> String {
    new_ro_with_concern(tui, db, "Brake squeal front left")
}

/// The same RO, with `concern` sent as it is (typed, or a paste).
fn new_ro_with_concern(tui: &mut Tui, db: &Path, concern: &str) -> String {
    tui.wait_text("Waiting for bay");
    tui.send("n");
    tui.wait_text("New repair order");
    tui.send("粤B·TEST1");
    tui.wait_text("+ New customer and car");
    tui.send(ENTER);
    tui.wait_text("new RO");
    // Customer, phone, plate (from the search), VIN, make, model, VIN reason.
    fill(
        tui,
        &[
            "林小姐 Lin",
            "13800138000",
            "",
            "1M8GDM9AXKP042788",
            "Honda",
            "Accord",
            "",
        ],
    );
    // Odometer, fuel 6/8, odometer reason, category "general repair", pricing.
    fill(tui, &["15000"]);
    tui.send(RIGHT);
    tui.send(RIGHT);
    fill(tui, &["", ""]);
    tui.send(RIGHT);
    fill(tui, &["", ""]);
    // Promised, estimate, work group (the first), discount, concerns, diagnosis.
    fill(tui, &["+4h", "2h"]);
    tui.send(RIGHT);
    fill(tui, &["", "", concern, "Pads worn to 2 mm"]);
    // Lines: a canned job (BRK-PADS-F is the seventh) and a part typed in.
    tui.send("o");
    tui.wait_text("BRK-PADS-F");
    for _ in 0..6 {
        tui.send("j");
    }
    tui.send(ENTER);
    tui.wait_text("BRK-PADS-F Replace");
    tui.send("+");
    tui.wait_text("Op code / part no.");
    tui.send(RIGHT);
    fill(tui, &["", "P-PAD-01", "Front pad set", "1"]);
    tui.send("450");
    tui.send(CTRL_S);
    tui.wait_text("Front pad set");
    tui.wait_text("¥752.58");
    tui.send(CTRL_S);
    tui.wait_for("saved", |s| s.contains(" saved"));
    let number: String = Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT number FROM repair_orders ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    tui.wait_text(&format!("{number} saved"));
    number
}

/// The walk that once let a car leave unpaid: sign, dispatch, two added
/// items proposed together and answered in one call (one approved, one
/// declined), a partial payment, the exit notice refused until the rest
/// is paid, then delivery. Counts the keys it takes.
#[test]
fn a_whole_visit_by_keys_keeps_every_promise() {
    let (_dir, db) = fresh_demo();
    let mut tui = spawn(&db, "board");
    let number = new_ro_by_keys(&mut tui, &db);
    tui.take_key_count();

    act(&mut tui, "g"); // the customer signs
    tui.wait_text("Signed by");
    tui.send(ENTER);
    tui.wait_text("signed by 林小姐 Lin");
    move_to(&mut tui, 1); // in bay → bay picker (B4, the free lift) → group
    tui.wait_text("Assign bay");
    tui.send(ENTER);
    tui.wait_text("Work group");
    tui.send(ENTER);
    tui.wait_text("moved to in bay");

    // The workshop finds two things; both go to the customer at once.
    act(&mut tui, "w");
    tui.wait_text("Propose added work");
    fill(&mut tui, &["", "P-WIPER", "Wiper blades", "1"]);
    tui.send("120");
    tui.send(CTRL_N);
    tui.wait_text("1. Wiper blades · ¥120.00");
    fill(&mut tui, &["", "P-FILTER", "Cabin filter", "1"]);
    tui.send("160");
    tui.send(CTRL_S);
    tui.wait_text("awaiting the customer");
    // One call: the wipers yes, the filter no, half an hour more agreed.
    act(&mut tui, "c");
    tui.wait_text("2. Cabin filter");
    tui.send(TAB); // item 1: approve (the default)
    tui.send(RIGHT); // item 2: decline
    fill(&mut tui, &["", "", "", "", "王强", ""]);
    tui.send("30");
    tui.send(ENTER);
    tui.wait_text("1 approved, 1 declined");

    move_to(&mut tui, 2); // quality check
    tui.wait_text("moved to QC");
    act(&mut tui, "v"); // passed
    tui.wait_text("final quality check");
    tui.send(ENTER);
    tui.send(ENTER);
    tui.wait_text("final check passed");
    move_to(&mut tui, 1); // ready for pickup
    tui.wait_text("moved to ready");
    // (¥666.00 + ¥120.00 approved) + 13 % = ¥888.18; ¥500 now.
    act(&mut tui, "y");
    tui.wait_text("Still owed: ¥888.18");
    tui.send("500");
    tui.send(ENTER);
    tui.send(ENTER);
    tui.wait_text("still owed ¥388.18");
    act(&mut tui, "e"); // refused: money is owed
    tui.wait_text("¥388.18 is still owed");
    act(&mut tui, "y"); // the rest, as offered, by WeChat
    tui.wait_text("Still owed: ¥388.18");
    tui.send(ENTER);
    tui.send(RIGHT);
    tui.send(RIGHT);
    tui.send(ENTER);
    tui.wait_text("still owed ¥0.00");
    act(&mut tui, "e");
    tui.wait_text("exit notice issued");
    move_to(&mut tui, 0); // delivered
    tui.wait_text("moved to delivered");
    let keys = tui.take_key_count();
    println!("keys for the walk, from the saved RO to delivery: {keys}");
    tui.send("\x1b");
    tui.wait_text("No repair order open");
    tui.send("q");
    assert!(tui.wait_exit());
    check_the_walk(&db, &number);
}

/// The rows and audit values the walk must leave.
fn check_the_walk(db: &Path, number: &str) {
    let me = common::pty::me();
    let conn = Connection::open(db).unwrap();
    let q = |sql: &str| -> Vec<Vec<String>> {
        let mut stmt = conn.prepare(sql).unwrap();
        let cols = stmt.column_count();
        stmt.query_map([number], |r| {
            Ok((0..cols)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => "NULL".to_string(),
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Real(x) => x.to_string(),
                    v => String::from_utf8_lossy(v.as_bytes().unwrap()).into_owned(),
                })
                .collect())
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let ro = &q(
        "SELECT status, signed_by_name, category, odometer_in_km, fuel_eighths, concerns,
                        exit_notice_at IS NOT NULL, qc_passed_by, estimated_minutes,
                        (julianday(promised_at) - julianday(checked_in_at)) * 1440
                 FROM repair_orders WHERE number = ?1",
    )[0];
    assert_eq!(
        ro[..9],
        [
            "delivered",
            "林小姐 Lin",
            "repair",
            "15000",
            "6",
            "Brake squeal front left",
            "1",
            me.as_str(),
            "150"
        ],
        "delivered, signed, checked; the estimate moved by the agreed 30 minutes"
    );
    let promised_after: f64 = ro[9].parse().unwrap();
    assert!(
        (promised_after - 270.0).abs() < 1.0,
        "the promise moved 4 h → 4 h 30: {promised_after}"
    );
    let lines = q(
        "SELECT kind, description, approval, call_id IS NOT NULL FROM ro_lines l
                   JOIN repair_orders r ON r.id = l.ro_id WHERE r.number = ?1 ORDER BY sort",
    );
    let lines: Vec<[&str; 3]> = lines
        .iter()
        .map(|l| [l[1].as_str(), l[2].as_str(), l[3].as_str()])
        .collect();
    assert_eq!(
        lines,
        [
            ["Replace front brake pads", "original", "0"],
            ["Front pad set", "original", "0"],
            ["Wiper blades", "approved", "1"],
            ["Cabin filter", "declined", "1"],
        ]
    );
    let calls = q(
        "SELECT channel, workshop_told, delay_minutes FROM added_work_calls c
                   JOIN repair_orders r ON r.id = c.ro_id WHERE r.number = ?1",
    );
    assert_eq!(calls, [["phone", "王强", "30"]], "one call, recorded whole");
    let paid = q(
        "SELECT amount_minor, method FROM payments p JOIN repair_orders r ON r.id = p.ro_id
                  WHERE r.number = ?1 ORDER BY p.id",
    );
    assert_eq!(paid, [["50000", "cash"], ["38818", "wechat"]]);
    let audit = q("SELECT action, detail FROM audit_log a JOIN repair_orders r
                   ON r.id = a.entity_id AND a.entity = 'repair_order' WHERE r.number = ?1 ORDER BY a.id");
    let actions: Vec<&str> = audit.iter().map(|a| a[0].as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "sign",
            "move",
            "added_work_proposed",
            "added_work_answer",
            "move",
            "quality_check",
            "move",
            "payment",
            "payment",
            "exit_notice",
            "move"
        ],
        "the refused exit notice left no row"
    );
    let answer = &audit[4][1];
    assert!(
        answer.contains("Wiper blades")
            && answer.contains("approved")
            && answer.contains("Cabin filter")
            && answer.contains("declined")
            && answer.contains("王强"),
        "{answer}"
    );
}

#[test]
fn a_killed_editor_leaves_a_draft_that_is_offered_back() {
    let (_dir, db) = fresh_demo();
    let mut tui = spawn(&db, "ro");
    tui.wait_text("No repair order open");
    tui.send("n");
    tui.wait_text("New repair order");
    tui.send("ZZ7");
    tui.send(ENTER);
    tui.wait_text("new RO");
    tui.send("Draft Person");
    tui.send(TAB);
    tui.send("139");
    tui.wait_text("Draft Person");
    // Autosave runs four times a second; wait until the draft is on disk.
    common::pty::wait_for_draft(&db, "139");
    // SAFETY: kill(2) on our own child's pid; SIGKILL cannot be caught.
    assert_eq!(
        unsafe { libc::kill(tui.pid() as libc::pid_t, libc::SIGKILL) },
        0
    );
    assert!(!tui.wait_exit(), "killed, not exited");

    let mut again = spawn(&db, "ro");
    again.wait_text("Unsaved work was found");
    again.wait_text("Draft Person");
    again.send(ENTER);
    again.wait_text("draft restored");
    let screen = again.screen();
    assert!(
        screen.contains("Draft Person") && screen.contains("139"),
        "{screen}"
    );
    assert!(screen.contains("ZZ7"), "{screen}");
}

#[test]
fn a_conflicting_save_shows_both_versions_and_overwrites_nothing() {
    let (_dir, db) = fresh_demo();
    let conn = Connection::open(&db).unwrap();
    let number: String = conn
        .query_row(
            "SELECT number FROM repair_orders WHERE status = 'waiting_for_bay' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut tui = spawn(&db, "ro");
    tui.wait_text("No repair order open");
    tui.send("n");
    tui.send(&number);
    tui.wait_text(&format!("open {number}"));
    tui.send(ENTER);
    tui.wait_text(&format!("{number} ·"));
    // A signed RO opens on its lines; the diagnosis is the field before.
    tui.send(BACKTAB);
    tui.send("Mine: pads worn");
    tui.wait_text("UNSAVED");
    // Another process saves the same RO meanwhile.
    conn.execute(
        "UPDATE repair_orders SET diagnosis = 'Theirs: disc scored', version = version + 1 WHERE number = ?1",
        [&number],
    )
    .unwrap();
    tui.send(CTRL_S);
    tui.wait_text("Saved by someone else");
    tui.wait_text("Theirs: disc scored");
    tui.wait_text("Mine: pads worn");
    let stored: String = conn
        .query_row(
            "SELECT diagnosis FROM repair_orders WHERE number = ?1",
            [&number],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        stored, "Theirs: disc scored",
        "nothing overwritten before the choice"
    );
    tui.send("m");
    tui.wait_text(&format!("{number} saved"));
    let stored: String = conn
        .query_row(
            "SELECT diagnosis FROM repair_orders WHERE number = ?1",
            [&number],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "Mine: pads worn", "kept mine, knowingly");
    let overwrote: String = conn
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'update' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        overwrote.contains("\"overwrote\"") && overwrote.contains("Theirs: disc scored"),
        "the audit says what keeping mine overwrote: {overwrote}"
    );
}

/// Two advisors change different things: both are kept, no dialog.
#[test]
fn saves_that_touch_different_fields_merge() {
    let (_dir, db) = fresh_demo();
    let conn = Connection::open(&db).unwrap();
    let number = common::pty::waiting_for_bay(&db);
    let mut tui = spawn(&db, "ro");
    tui.wait_text("No repair order open");
    tui.send("n");
    tui.send(&number);
    tui.wait_text(&format!("open {number}"));
    tui.send(ENTER);
    tui.wait_text(&format!("{number} ·"));
    tui.send(BACKTAB);
    tui.send("Mine: pads worn");
    tui.wait_text("UNSAVED");
    conn.execute(
        "UPDATE repair_orders SET fuel_eighths = 1, version = version + 1 WHERE number = ?1",
        [&number],
    )
    .unwrap();
    tui.send(CTRL_S);
    tui.wait_text("together with changes saved elsewhere");
    let (diagnosis, fuel): (String, i64) = conn
        .query_row(
            "SELECT diagnosis, fuel_eighths FROM repair_orders WHERE number = ?1",
            [&number],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (diagnosis.as_str(), fuel),
        ("Mine: pads worn", 1),
        "both kept"
    );
    tui.wait_text("1/8");
}

#[test]
fn a_bracketed_paste_stays_in_the_field_it_was_pasted_into() {
    let (_dir, db) = fresh_demo();
    let mut tui = spawn(&db, "ro");
    tui.wait_text("No repair order open");
    tui.send("n");
    tui.wait_text("New repair order");
    tui.send("ZZ5");
    tui.send(ENTER);
    tui.wait_text("new RO");
    // Customer field: a two-line paste with an escape sequence inside.
    tui.send("\x1b[200~Paste Person\nsecond line\x1b[31m\x1b[201~");
    tui.wait_text("Paste Person second line");
    let screen = tui.screen();
    assert!(!screen.contains("[31m"), "the escape sequence went whole");
    let row = screen
        .lines()
        .find(|l| l.contains("Person second line"))
        .unwrap();
    assert!(
        row.trim_start().starts_with(">Customer"),
        "the focus stayed on the customer field: {row}"
    );
}

/// An advisor pastes the customer's words, in Chinese with a full-width
/// comma, an emoji and a combining accent, into the concern field through
/// bracketed paste: the RO saves them exactly, not a character lost,
/// split or doubled.
#[test]
fn chinese_pasted_into_the_concern_field_is_saved_exactly() {
    let (_dir, db) = fresh_demo();
    let mut tui = spawn(&db, "board");
    let words = "左前轮刹车异响,冷车时更明显 🚗 José\u{301}";
    let number = new_ro_with_concern(&mut tui, &db, &format!("\x1b[200~{words}\x1b[201~"));
    let saved: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT concerns FROM repair_orders WHERE number = ?1",
            [&number],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(saved, words);
}
