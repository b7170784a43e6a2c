//! F4 with the real binary in a pseudo-terminal: a check-in by keys (two
//! damage marks, ten belongings, fuel, odometer, a key tag, the customer's
//! signature), then the joint check at delivery that finds the umbrella
//! gone and will not let the customer sign until that is explained; and
//! the same check-in as one typed line. Keys are counted for the note.

mod common;

use common::pty::{base_env, fresh_demo, open_pane, Tui};
use frontdesk::domain::checklist::{Category, Phase};
use frontdesk::store::prelude::*;
use frontdesk::store::{OpenMode, SqliteStore};
use std::path::Path;

const TAB: &str = "\t";
const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const RIGHT: &str = "\x1b[C";
const CTRL_S: &str = "\x13";
const CTRL_G: &str = "\x07";
const CTRL_D: &str = "\x04";
const CTRL_T: &str = "\x14";

/// A car ready for pickup in the demo, and its id.
fn ready_car(db: &Path, skip: usize) -> (String, i64) {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT number, id FROM repair_orders WHERE status = 'ready_for_pickup' ORDER BY id LIMIT 1 OFFSET ?1",
            [skip as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

/// The board, the car found by its number, and F4 (the digit 4).
fn checklist_of(db: &Path, number: &str) -> Tui {
    let mut tui = open_pane(db, "board", &base_env("li.na"), 80, 24);
    tui.wait_text("open ·");
    tui.send("/");
    tui.send(number);
    tui.send(ENTER);
    tui.wait_text(&format!("> {number}"));
    tui.send("4");
    tui.wait_text(&format!("{number} "));
    tui.wait_text("CHECK-IN");
    tui
}

fn store(db: &Path) -> SqliteStore {
    SqliteStore::open(db, OpenMode::ReadWrite).unwrap()
}

#[test]
fn a_check_in_by_keys_then_a_delivery_check_that_finds_a_difference() {
    let (_dir, db) = fresh_demo();
    let (number, id) = ready_car(&db, 0);
    let mut tui = checklist_of(&db, &number);
    tui.take_key_count();
    // Walk-around: FLD scratch 2, RRB dent 1.
    tui.send(TAB);
    for keys in [
        "F", "L", "D", ENTER, TAB, RIGHT, CTRL_S, "R", "R", "B", ENTER, RIGHT, CTRL_S,
    ] {
        tui.send(keys);
    }
    tui.wait_text("RRB dent 1");
    // Ten belongings.
    tui.send(TAB);
    for _ in 0..10 {
        tui.send(" ");
        tui.send(DOWN);
    }
    // Fuel one up, the odometer, then the key on the first free hook.
    tui.send(TAB);
    tui.send(TAB);
    for keys in ["+", DOWN, ENTER, "399999", ENTER, ENTER, TAB, CTRL_T, ENTER] {
        tui.send(keys);
    }
    tui.wait_text("key on hook");
    tui.send(CTRL_S);
    tui.wait_text("checklist saved");
    let typical = tui.take_key_count();
    tui.send(CTRL_G);
    tui.send("王伟");
    tui.send(ENTER);
    tui.wait_text("the customer signed the list");
    let s = store(&db).sheets(id).unwrap();
    let kept = s.check_in.unwrap();
    assert!(kept.acknowledged.is_some());
    assert_eq!(marks_and_items(&kept), (2, 10));
    assert_eq!(
        store(&db).load_ro(id).unwrap().odometer_in_km,
        Some(399_999)
    );
    assert!(s.key.is_some());
    eprintln!("keys for a typical check-in with the form: {typical}");

    // The joint check at delivery: everything confirmed, the umbrella gone.
    tui.send(CTRL_D);
    tui.wait_text("DELIVERY CHECK");
    for _ in 0..5 {
        tui.send(" ");
        tui.send(DOWN);
    }
    tui.send(TAB);
    for keys in ["F", "L", "D", " ", "R", "R", "B", " "] {
        tui.send(keys);
    }
    tui.send(TAB);
    for i in 0..13 {
        if i == 4 {
            tui.send("-");
        }
        tui.send(" ");
        tui.send(DOWN);
    }
    tui.send(TAB);
    for _ in 0..7 {
        tui.send(" ");
        tui.send(DOWN);
    }
    tui.send(CTRL_S);
    tui.wait_text("checklist saved");
    tui.send(CTRL_G);
    tui.wait_text("umbrella: 1 at check-in, 0 now");
    assert_eq!(
        tui.screen().matches("Customer signs the list").count(),
        0,
        "no signature dialog"
    );
    let out = store(&db).sheets(id).unwrap().delivery.unwrap();
    assert!(out.acknowledged.is_none(), "delivery stays blocked");
    // Explained, saved, signed.
    tui.send("\x1b[Z");
    tui.wait_text("[Belongings]");
    for _ in 0..13 {
        tui.send(DOWN);
    }
    for _ in 0..8 {
        tui.send(UP);
    }
    tui.send(ENTER);
    tui.wait_text("Why it differs");
    tui.send("customer took it at drop-off");
    tui.send(ENTER);
    tui.wait_text("explained");
    tui.send(CTRL_S);
    tui.wait_text("checklist saved");
    tui.send(CTRL_G);
    tui.wait_text("Customer signs the list");
    tui.send("王伟");
    tui.send(ENTER);
    tui.wait_text("the customer signed the list");
    let sheets = store(&db).sheets(id).unwrap();
    let out = sheets.delivery.unwrap();
    assert_eq!(out.phase, Phase::Delivery);
    assert!(out.acknowledged.is_some());
    assert!(out
        .entries
        .iter()
        .any(|e| e.item == "umbrella" && !e.present && e.explanation.contains("drop-off")));
    assert!(
        sheets.check_in.unwrap().acknowledged.is_some(),
        "both checks are kept"
    );
}

#[test]
fn the_same_check_in_as_one_line() {
    let (_dir, db) = fresh_demo();
    let (number, id) = ready_car(&db, 1);
    let mut tui = checklist_of(&db, &number);
    tui.take_key_count();
    tui.send(":");
    tui.wait_text("One-line check-in");
    tui.send("F5/8 ODO 399999 DMG FLD:scratch:2 BEL spare,mats,charger,childseat,umbrella,glasses,camera,cash,jack,tools TAG auto");
    tui.send(ENTER);
    tui.wait_text("checklist saved");
    let typed = tui.take_key_count();
    eprintln!("keys for a typical check-in with the one-line form: {typed}");
    let s = store(&db).sheets(id).unwrap();
    let kept = s.check_in.unwrap();
    assert_eq!(marks_and_items(&kept), (1, 10));
    assert!(s.key.is_some());
    let ro = store(&db).load_ro(id).unwrap();
    assert_eq!(
        (ro.fuel_eighths, ro.odometer_in_km),
        (Some(5), Some(399_999))
    );
    // The list on paper, as text and as HTML with signature lines.
    let print = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
            .args([
                "print",
                &number,
                "--form",
                "checklist",
                "--db",
                db.to_str().unwrap(),
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = print(&[]);
    for want in [
        "VEHICLE ITEMS CHECKLIST",
        "FLD front left door",
        "scratch 2",
        "Umbrella",
        "Fuel 5/8",
        "Key tag",
        "Customer, at check-in:",
    ] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    // In the shop's other languages, item and panel names follow.
    let zh = print(&["--lang", "zh"]);
    assert!(
        zh.contains("随车物品清单") && zh.contains("雨伞") && zh.contains("左前门"),
        "{zh}"
    );
    let es = print(&["--lang", "es"]);
    assert!(
        es.contains("Paraguas") && es.contains("puerta delantera izquierda"),
        "{es}"
    );
    let html = print(&["--html"]);
    assert!(
        html.contains("<table>")
            && html.contains("class=\"sig\"")
            && html.contains("@page{size:A4")
    );
}

/// Damage marks, and belongings and tools present, on a saved list.
fn marks_and_items(list: &frontdesk::domain::checklist::Sheet) -> (usize, usize) {
    let count = |f: &dyn Fn(&frontdesk::domain::checklist::Entry) -> bool| {
        list.entries.iter().filter(|e| f(e)).count()
    };
    (
        count(&|e| e.category == Category::Damage),
        count(&|e| matches!(e.category, Category::Belonging | Category::Tool) && e.present),
    )
}
