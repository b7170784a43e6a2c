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
const ENTER: &str = "\r";

fn spawn(db: &Path, pane: &str) -> Tui {
    open_pane(db, pane, &base_env("tester"), 80, 24)
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

/// Opens the actions menu and picks the n-th entry.
fn action(tui: &mut Tui, n: usize) {
    tui.send(F9);
    tui.wait_text("Actions");
    for _ in 0..n {
        tui.send("j");
    }
    tui.send(ENTER);
}

/// Moves the RO through the "Move to" menu, picking the n-th allowed state.
fn move_to(tui: &mut Tui, n: usize) {
    action(tui, 3);
    tui.wait_text("Move to");
    for _ in 0..n {
        tui.send("j");
    }
    tui.send(ENTER);
}

#[test]
fn a_whole_repair_order_by_keys_from_new_customer_to_settlement() {
    let (_dir, db) = fresh_demo();
    let mut tui = spawn(&db, "board");
    tui.wait_text("Waiting for bay");
    tui.send("n");
    tui.wait_text("New repair order");
    tui.send("粤B·TEST1");
    tui.wait_text("+ New customer and car");
    tui.send(ENTER);
    tui.wait_text("new RO");
    // Customer, phone, plate (from the search), VIN, make, model, VIN reason.
    fill(
        &mut tui,
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
    fill(&mut tui, &["15000"]);
    tui.send(RIGHT);
    tui.send(RIGHT);
    fill(&mut tui, &["", ""]);
    tui.send(RIGHT);
    fill(&mut tui, &["", ""]);
    // Promised, estimate, work group (the first), discount, concerns, diagnosis.
    fill(&mut tui, &["+4h", "2h"]);
    tui.send(RIGHT);
    fill(
        &mut tui,
        &["", "", "Brake squeal front left", "Pads worn to 2 mm"],
    );
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
    fill(&mut tui, &["", "P-PAD-01", "Front pad set", "1"]);
    tui.send("450");
    tui.send(CTRL_S);
    tui.wait_text("Front pad set");
    tui.wait_text("¥752.58");
    tui.send(CTRL_S);
    tui.wait_for("saved", |s| s.contains(" saved"));
    let number: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT number FROM repair_orders ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    tui.wait_text(&format!("{number} saved"));

    action(&mut tui, 1); // Customer signs
    tui.wait_text("Signed by");
    tui.send(ENTER);
    tui.wait_text("signed by 林小姐 Lin");
    move_to(&mut tui, 1); // in bay → bay picker → group picker
    tui.wait_text("Assign bay");
    tui.send(ENTER);
    tui.wait_text("Work group");
    tui.send(ENTER);
    tui.wait_text("moved to in bay");
    move_to(&mut tui, 2); // quality check
    tui.wait_text("moved to QC");
    move_to(&mut tui, 1); // ready for pickup
    tui.wait_text("moved to ready");
    action(&mut tui, 9); // exit notice
    tui.wait_text("exit notice issued");
    action(&mut tui, 8); // a partial payment
    tui.wait_text("Amount");
    tui.send(&"\x7f".repeat(12));
    tui.send("500");
    tui.send(ENTER);
    tui.send(ENTER);
    tui.wait_text("still owed ¥252.58");
    action(&mut tui, 8); // the rest, as offered
    tui.wait_text("Amount");
    tui.send(ENTER);
    tui.send(RIGHT); // by WeChat
    tui.send(RIGHT);
    tui.send(ENTER);
    tui.wait_text("still owed ¥0.00");
    move_to(&mut tui, 0); // delivered
    tui.wait_text("moved to delivered");
    tui.send("\x1b");
    tui.wait_text("No repair order open");
    tui.send("q");
    assert!(tui.wait_exit());

    let conn = Connection::open(&db).unwrap();
    let (status, signer, category, odo, fuel, concerns, exit): (String, String, String, i64, i64, String, Option<String>) = conn
        .query_row(
            "SELECT status, signed_by_name, category, odometer_in_km, fuel_eighths, concerns, exit_notice_at
             FROM repair_orders WHERE number = ?1",
            [&number],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    assert_eq!(
        (
            status.as_str(),
            signer.as_str(),
            category.as_str(),
            odo,
            fuel,
            concerns.as_str()
        ),
        (
            "delivered",
            "林小姐 Lin",
            "repair",
            15_000,
            6,
            "Brake squeal front left"
        )
    );
    assert!(exit.is_some());
    let lines: Vec<(String, i64, i64)> = conn
        .prepare("SELECT kind, quantity_milli, unit_price_minor FROM ro_lines l JOIN repair_orders r ON r.id = l.ro_id WHERE r.number = ?1 ORDER BY sort")
        .unwrap()
        .query_map([&number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        lines,
        vec![
            ("labour".into(), 1200, 18_000),
            ("part".into(), 1000, 45_000)
        ]
    );
    let paid: Vec<(i64, String)> = conn
        .prepare("SELECT amount_minor, method FROM payments p JOIN repair_orders r ON r.id = p.ro_id WHERE r.number = ?1 ORDER BY p.id")
        .unwrap()
        .query_map([&number], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        paid,
        vec![(50_000, "cash".into()), (25_258, "wechat".into())]
    );
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit_log a JOIN repair_orders r ON r.id = a.entity_id AND a.entity = 'repair_order' WHERE r.number = ?1 ORDER BY a.id")
        .unwrap()
        .query_map([&number], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        actions,
        vec![
            "create",
            "sign",
            "move",
            "move",
            "move",
            "exit_notice",
            "payment",
            "payment",
            "move"
        ]
    );
    let who: String = conn
        .query_row(
            "SELECT DISTINCT user_login FROM audit_log WHERE action = 'sign'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(who, "tester");
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
    // Go to the diagnosis (the 18th field) and type.
    tui.send(&TAB.repeat(17));
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
    tui.wait_text("Person second line[31m");
    let screen = tui.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("Person second line"))
        .unwrap();
    assert!(
        row.trim_start().starts_with(">Customer"),
        "the focus stayed on the customer field: {row}"
    );
}
