//! F6, F7, the global search and the board's RISK flag on test terminals:
//! the book's load lines and week grid at 80×24 without colour, a search
//! typed from the board that opens the customer's file, and a car whose
//! remaining work no longer fits before its promise flagged RISK.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{app, app_on_store, draw, press_on, row_of, screen, set_board, snapshot};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::domain::RoStatus;
use frontdesk::store::SqliteStore;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn demo() -> (tempfile::TempDir, SqliteStore) {
    let (dir, _, store) = common::demo_shop(t0());
    (dir, store)
}

#[test]
fn the_book_shows_each_bays_load_and_the_week_at_80_by_24() {
    let (_dir, mut store) = demo();
    let mut app = app_on_store(&store, t0());
    press_on(&mut app, &mut store, &[key('6')]);
    let day = screen(&draw(&mut app, 80, 24));
    assert!(day.contains("by bay"), "{day}");
    let b1 = day
        .lines()
        .find(|l| l.starts_with("B1 "))
        .expect("a load line per bay");
    assert!(b1.contains("/9 h") && b1.contains('%'), "{b1}");
    assert!(
        day.contains("booked ·"),
        "the demo's appointments are listed: {day}"
    );
    press_on(&mut app, &mut store, &[key('g')]);
    let groups = screen(&draw(&mut app, 80, 24));
    assert!(
        groups.contains("by work group") && groups.contains("/18 h"),
        "{groups}"
    );
    press_on(&mut app, &mut store, &[key('w')]);
    let week = screen(&draw(&mut app, 80, 24));
    assert!(
        week.contains("Week") && week.contains("Mon 23") && week.contains("Sun 29"),
        "{week}"
    );
}

#[test]
fn a_search_typed_on_the_board_opens_the_customers_file() {
    let (_dir, mut store) = demo();
    let plate: String = rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT v.plate FROM vehicles v JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL ORDER BY v.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut app = app_on_store(&store, t0());
    let ctrl_f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
    let mut keys = vec![ctrl_f];
    // Typed without the dot, in lower case: any spelling finds it.
    keys.extend(plate.replace('·', "").to_lowercase().chars().map(key));
    press_on(&mut app, &mut store, &keys);
    let found = screen(&draw(&mut app, 80, 24));
    assert!(found.contains(&plate), "{found}");
    press_on(
        &mut app,
        &mut store,
        &[KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)],
    );
    let file = screen(&draw(&mut app, 80, 24));
    assert!(
        file.contains(&plate) && file.contains("Next maintenance"),
        "{file}"
    );
    assert!(file.contains("Preferred channel"), "{file}");
    // `b` books for the car the search found (the customer may own others).
    let tab = KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE);
    let mut keys = vec![key('b'), tab, tab, tab, tab];
    keys.extend("brake check".chars().map(key));
    keys.push(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    press_on(&mut app, &mut store, &keys);
    let booked: String = rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT v.plate FROM appointments a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.requested_work = 'brake check'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(booked, plate);
}

#[test]
fn a_car_whose_work_no_longer_fits_before_its_promise_is_flagged_risk() {
    let mut app = app();
    let mut snap = snapshot();
    let before = screen(&draw(&mut app, 100, 24));
    assert!(
        !before.contains("RISK"),
        "the fixture's work fits: {before}"
    );
    // Ten hours of work (one done) promised in ninety minutes, in a group of two.
    let card = snap
        .cards
        .iter_mut()
        .find(|c| c.number == "RO-1001")
        .unwrap();
    assert_eq!(card.status(), RoStatus::InBay);
    card.times.estimated_minutes = Some(600);
    set_board(&mut app, snap);
    let buf = draw(&mut app, 100, 24);
    let line = |n: &str| common::row_text(&buf, row_of(&buf, n).expect("on the board"));
    assert!(line("RO-1001").contains("RISK"), "{}", screen(&buf));
    // Behind it in the same group, the other car's promise is at risk too;
    // the late car is LATE, not RISK.
    assert!(line("RO-1002").contains("RISK"));
    assert!(line("RO-1003").contains("LATE") && !line("RO-1003").contains("RISK"));
}
