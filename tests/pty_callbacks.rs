//! F5 with the real binary in a pseudo-terminal: an agent works through
//! three calls by keys (reached with a score, no answer, an appointment
//! requested) and the database holds each outcome.

mod common;

use common::pty::{base_env, fresh_demo, open_pane};

const ENTER: &str = "\r";
const TAB: &str = "\t";
const DOWN: &str = "\x1b[B";
const RIGHT: &str = "\x1b[C";
const CTRL_S: &str = "\x13";

fn outcomes(db: &std::path::Path) -> Vec<(String, Option<i64>, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT outcome, satisfaction, appointment_requested FROM contacts
             WHERE by_login = ?1 ORDER BY id",
        )
        .unwrap();
    stmt.query_map([common::pty::me()], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn an_agent_works_through_three_calls_by_keys() {
    let (_dir, db) = fresh_demo();
    let mut tui = open_pane(&db, "callbacks", &base_env("li.na"), 100, 30);
    tui.wait_text("overdue");
    // 1: reached, satisfaction 5.
    tui.send(ENTER);
    tui.wait_text("Record the call");
    tui.send(TAB);
    tui.send(TAB);
    tui.send("5");
    tui.send(CTRL_S);
    tui.wait_text("Call recorded: done");
    // 2: no answer (outcome one step right).
    tui.send(ENTER);
    tui.wait_text("Record the call");
    tui.send(RIGHT);
    tui.send(CTRL_S);
    tui.wait_text("Call recorded: open");
    // 3: the next call, reached, wants an appointment.
    tui.send(DOWN);
    tui.send(ENTER);
    tui.wait_text("Record the call");
    for _ in 0..4 {
        tui.send(TAB);
    }
    tui.send(RIGHT);
    tui.send(CTRL_S);
    tui.wait_text("Call recorded: done");
    let got = outcomes(&db);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], ("reached".into(), Some(5), 0));
    assert_eq!(got[1], ("no_answer".into(), None, 0));
    assert_eq!(got[2], ("reached".into(), None, 1));
}
