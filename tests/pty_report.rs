//! F8 with the real binary in a pseudo-terminal: a manager opens the
//! month's report by its F-key, reads the charts, lists the cars behind
//! "Cars in", opens one RO with Enter, and comes back for the close of day.

mod common;

use common::pty::{base_env, fresh_demo, open_pane};

const ENTER: &str = "\r";
const TAB: &str = "\t";
const F8: &str = "\x1b[19~";

#[test]
fn the_report_drills_down_to_an_ro_and_gives_the_close_of_day() {
    let (_dir, db) = fresh_demo();
    let mut tui = open_pane(&db, "board", &base_env("tester"), 80, 24);
    tui.wait_text("Board");
    tui.send(F8);
    tui.wait_text("[Figures]");
    tui.wait_text("Cars in");
    tui.send(&format!("{TAB}{TAB}"));
    tui.wait_text("Cars in per day");
    tui.wait_text("Billed by category");
    tui.send(TAB);
    tui.wait_text("[Close of day]");
    tui.send(TAB);
    tui.wait_text("[Figures]");
    tui.wait_text("Service report  2026-11 ");
    tui.send(ENTER);
    tui.wait_text("Cars in: ");
    let screen = tui.screen();
    let number = screen
        .lines()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix("RO-")
                .map(|r| format!("RO-{}", &r[..5]))
        })
        .expect("an RO listed");
    tui.send(ENTER);
    tui.wait_text("[3 RO]");
    tui.wait_text(&number);
    tui.send(F8);
    tui.wait_text("Cars in: ");
    tui.send("\x1b");
    tui.wait_text("Summary");
    tui.send("c");
    tui.wait_text("[Close of day]");
    tui.wait_text("Cars not delivered");
    tui.close_master();
    let ended = tui.wait_dead(std::time::Duration::from_secs(10));
    assert!(ended.is_some(), "the process ends when its terminal goes");
}
