//! F4 on a test terminal: reached from the board with the RO in hand, the
//! walk-around drawn at 80×24 and 120×40 with and without colour, keys that
//! mark damage, count belongings, answer the questions, hang the key, and
//! the joint check at delivery that blocks until a difference is explained.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{app_on_store, draw, press_on, screen};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::demo::build_demo;
use frontdesk::domain::checklist::{Category, DamageKind, Panel};
use frontdesk::store::prelude::*;
use frontdesk::store::SqliteStore;
use frontdesk::ui::app::App;
use frontdesk::ui::checklist::{ChecklistPane, Section};
use frontdesk::ui::pane::PaneId;
use frontdesk::ui::theme::Theme;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn chars(s: &str) -> Vec<KeyEvent> {
    s.chars().map(|c| k(KeyCode::Char(c))).collect()
}

/// The demo, and the app on F4 with the first checked-in car in hand.
fn on_checklist() -> (SqliteStore, App, i64) {
    let mut store = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut store, t0(), "tester").unwrap();
    let mut app = app_on_store(&store, t0());
    let id = app
        .pane::<frontdesk::ui::board::BoardPane>()
        .unwrap()
        .selected_card()
        .unwrap()
        .id;
    press_on(&mut app, &mut store, &[k(KeyCode::F(4))]);
    assert_eq!(app.current(), PaneId::Checklist);
    (store, app, id)
}

fn pane(app: &App) -> &ChecklistPane {
    app.pane::<ChecklistPane>().unwrap()
}

fn to_section(app: &mut App, store: &mut SqliteStore, s: Section) {
    for _ in 0..6 {
        if pane(app).section == s {
            return;
        }
        press_on(app, store, &[k(KeyCode::Tab)]);
    }
    panic!("no section {s:?}");
}

#[test]
fn f4_opens_the_checklist_of_the_car_under_the_board_cursor() {
    let (_store, app, id) = on_checklist();
    let loaded = pane(&app).loaded.as_ref().expect("an RO in hand");
    assert_eq!(loaded.ro.id, Some(id));
}

#[test]
fn the_outline_is_drawn_at_80x24_and_120x40_with_and_without_colour() {
    let (mut store, mut app, _) = on_checklist();
    to_section(&mut app, &mut store, Section::WalkAround);
    press_on(&mut app, &mut store, &chars("FLD"));
    // Enter: the mark dialog; → dent; Tab, → severity 2; Ctrl-S closes it; Ctrl-S saves.
    press_on(
        &mut app,
        &mut store,
        &[
            k(KeyCode::Enter),
            k(KeyCode::Right),
            k(KeyCode::Tab),
            k(KeyCode::Right),
            ctrl('s'),
            ctrl('s'),
        ],
    );
    for color in [true, false] {
        app.shell.theme = Theme::with_color(color);
        let small = screen(&draw(&mut app, 80, 24));
        for code in [
            "FRB", "HOD", "WSH", "ROF", "TRK", "RRB", "LMR", "RMR", "FLT", "RRT", "DSH",
        ] {
            assert!(small.contains(code), "{code} missing at 80×24:\n{small}");
        }
        assert!(
            small.contains("[FLD]"),
            "the cursor shows without colour:\n{small}"
        );
        assert!(
            small.contains("D2") || small.contains("FLDD2"),
            "the mark shows as letters:\n{small}"
        );
        assert!(small.contains("FLD dent 2"), "and as a list:\n{small}");
        let big = screen(&draw(&mut app, 120, 40));
        assert!(
            big.contains("front left door") && big.contains("FLD dent 2"),
            "{big}"
        );
    }
    let buf = draw(&mut app, 80, 24);
    // Rows line up: the wings sit on the hood's line, the doors on the windscreen's.
    let hood = common::row_of(&buf, "HOD").unwrap();
    assert_eq!(common::row_of(&buf, "FLW"), Some(hood));
    assert!(common::row_of(&buf, "WSH").unwrap() > hood);
}

#[test]
fn marking_damage_counting_belongings_answering_and_tagging_from_the_keys() {
    let (mut store, mut app, id) = on_checklist();
    // Documents: registration present.
    press_on(&mut app, &mut store, &[k(KeyCode::Char(' '))]);
    // Walk-around: two marks by code.
    to_section(&mut app, &mut store, Section::WalkAround);
    press_on(&mut app, &mut store, &chars("FLD"));
    press_on(
        &mut app,
        &mut store,
        &[
            k(KeyCode::Enter),
            k(KeyCode::Tab),
            k(KeyCode::Right),
            k(KeyCode::Enter),
            k(KeyCode::Enter),
        ],
    );
    press_on(&mut app, &mut store, &chars("RRB"));
    press_on(
        &mut app,
        &mut store,
        &[k(KeyCode::Enter), k(KeyCode::Right), ctrl('s')],
    );
    // Belongings: the spare tyre, and the mats counted up to five.
    to_section(&mut app, &mut store, Section::Belongings);
    press_on(
        &mut app,
        &mut store,
        &[
            k(KeyCode::Char(' ')),
            k(KeyCode::Down),
            k(KeyCode::Char('+')),
        ],
    );
    // Questions: fuel up one, no wash, customer waits.
    to_section(&mut app, &mut store, Section::Questions);
    press_on(
        &mut app,
        &mut store,
        &[
            k(KeyCode::Char('+')),
            k(KeyCode::Down),
            k(KeyCode::Down),
            k(KeyCode::Char(' ')),
            k(KeyCode::Down),
            k(KeyCode::Down),
            k(KeyCode::Char(' ')),
        ],
    );
    press_on(&mut app, &mut store, &[ctrl('s')]);
    let sheets = store.sheets(id).unwrap();
    let kept = sheets.check_in.expect("saved");
    let marks: Vec<_> = kept
        .entries
        .iter()
        .filter(|e| e.category == Category::Damage)
        .map(|e| (e.panel().unwrap(), e.damage.unwrap()))
        .collect();
    assert_eq!(
        marks,
        vec![
            (Panel::FrontLeftDoor, (DamageKind::Scratch, 2)),
            (Panel::RearBumper, (DamageKind::Dent, 1))
        ]
    );
    assert!(kept
        .entries
        .iter()
        .any(|e| e.item == "registration" && e.present));
    assert!(kept
        .entries
        .iter()
        .any(|e| e.item == "spare_tyre" && e.present));
    assert!(kept
        .entries
        .iter()
        .any(|e| e.item == "floor_mats" && e.quantity == 5 && e.present));
    assert!(!sheets.answers.wash && sheets.answers.waiting);
    // The key: Ctrl-T, auto.
    to_section(&mut app, &mut store, Section::Key);
    press_on(&mut app, &mut store, &[ctrl('t'), k(KeyCode::Enter)]);
    assert!(store.sheets(id).unwrap().key.is_some());
    let shown = screen(&draw(&mut app, 80, 24));
    assert!(shown.contains("Tag 1"), "{shown}");
}

#[test]
fn a_letter_no_panel_starts_with_still_quits_and_a_bad_code_is_said() {
    let (mut store, mut app, _) = on_checklist();
    to_section(&mut app, &mut store, Section::WalkAround);
    press_on(&mut app, &mut store, &chars("FX"));
    let said = app.message.as_ref().unwrap().text.clone();
    assert!(said.contains("No panel code starts with FX"), "{said}");
    press_on(&mut app, &mut store, &chars("q"));
    assert!(app.quit);
}

#[test]
fn the_one_line_check_in_ends_in_the_same_rows_as_the_keys() {
    let (mut store, mut app, id) = on_checklist();
    let line = "F5/8 ODO 45210 DMG FLD:scratch:2 RRB:dent BEL umbrella,charger×1 TAG auto WASH KEEP-OLD WAIT";
    press_on(&mut app, &mut store, &chars(":"));
    press_on(&mut app, &mut store, &chars(line));
    press_on(&mut app, &mut store, &[k(KeyCode::Enter)]);
    let sheets = store.sheets(id).unwrap();
    let kept = sheets.check_in.expect("saved in one go");
    assert_eq!(
        kept.entries
            .iter()
            .filter(|e| e.category == Category::Damage)
            .count(),
        2
    );
    assert!(kept
        .entries
        .iter()
        .any(|e| e.item == "charging_cable" && e.present && e.quantity == 1));
    assert!(sheets.key.is_some() && sheets.answers.waiting);
    let ro = store.load_ro(id).unwrap();
    assert_eq!(
        (ro.fuel_eighths, ro.odometer_in_km),
        (Some(5), Some(45_210))
    );
}

#[test]
fn a_bad_one_line_check_in_points_at_the_word_and_applies_nothing() {
    let (mut store, mut app, id) = on_checklist();
    press_on(&mut app, &mut store, &chars(":"));
    press_on(&mut app, &mut store, &chars("F5/8 DMG QQQ:dent WAIT"));
    press_on(&mut app, &mut store, &[k(KeyCode::Enter)]);
    let shown = screen(&draw(&mut app, 100, 30));
    assert!(shown.contains("'QQQ:dent' at column 10"), "{shown}");
    assert!(store.sheets(id).unwrap().check_in.is_none());
    assert_eq!(app.layer_count(), 1, "the line stays open to be fixed");
}
