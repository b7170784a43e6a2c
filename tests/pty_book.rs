//! F6 with the real binary in a pseudo-terminal: an advisor books an
//! appointment for a car found by its plate, goes to the next day, checks
//! the car in with one key, and finds the new RO on the board.

mod common;

use common::pty::{base_env, fresh_demo, open_pane};

const TAB: &str = "\t";
const ENTER: &str = "\r";
const CTRL_S: &str = "\x13";
const F2: &str = "\x1bOQ";

/// A car with an owner and no open RO, by plate.
fn idle_plate(db: &std::path::Path) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT v.plate FROM vehicles v JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
             WHERE NOT EXISTS (SELECT 1 FROM repair_orders r WHERE r.vehicle_id = v.id
                               AND r.status NOT IN ('delivered', 'declined', 'cancelled'))
             ORDER BY v.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn book_then_check_in_and_the_ro_is_on_the_board() {
    let (_dir, db) = fresh_demo();
    let plate = idle_plate(&db);
    let mut tui = open_pane(&db, "appointments", &base_env("li.na"), 110, 32);
    tui.wait_text("by bay");
    tui.send("n");
    tui.wait_text("Book for");
    tui.send(&plate);
    tui.wait_text(&plate);
    tui.send(ENTER);
    tui.wait_text("New appointment");
    for _ in 0..4 {
        tui.send(TAB);
    }
    tui.send("oil change and tyre check");
    tui.send(CTRL_S);
    tui.wait_text("Appointment booked");
    tui.send("l");
    tui.wait_text("oil change and tyre check");
    tui.send("i");
    tui.wait_text("Checked in as RO-");
    let number: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT r.number FROM appointments a JOIN repair_orders r ON r.id = a.ro_id
             WHERE a.requested_work = 'oil change and tyre check' AND a.status = 'arrived'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    tui.send(F2);
    tui.wait_text(&number);
    assert!(tui.screen().contains(&number));
}
