//! F8 on test terminals: the figures, the KPIs with their sparklines, the
//! charts at 80×24 with and without colour, drill-down to an RO, the close
//! of day, and the range dialog refusing an end before its start.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{app_on_store, draw, press_on, row_of, row_text, screen};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::store::SqliteStore;
use frontdesk::ui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn demo() -> (tempfile::TempDir, SqliteStore) {
    let (dir, _, store) = common::demo_shop(t0());
    (dir, store)
}

fn on_reports(color: bool) -> (tempfile::TempDir, SqliteStore, frontdesk::ui::app::App) {
    let (dir, mut store) = demo();
    let mut app = app_on_store(&store, t0());
    app.shell.theme = Theme::with_color(color);
    press_on(&mut app, &mut store, &[code(KeyCode::F(8))]);
    (dir, store, app)
}

/// Whether any cell is drawn in a colour.
fn coloured(buf: &Buffer) -> bool {
    buf.content()
        .iter()
        .any(|c| c.fg != Color::Reset || c.bg != Color::Reset)
}

#[test]
fn the_months_figures_fit_80_by_24_without_colour() {
    let (_dir, _store, mut app) = on_reports(false);
    let buf = draw(&mut app, 80, 24);
    let s = screen(&buf);
    assert!(s.contains("Service report  2026-11  [Figures]"), "{s}");
    let y = row_of(&buf, "Cars in ").expect("cars in row");
    assert!(row_text(&buf, y).trim_end().ends_with("33"), "{s}");
    assert!(
        s.contains("Billed (all payers, with tax)     ¥14,343.97"),
        "{s}"
    );
    assert!(!coloured(&buf), "no colour without colour:\n{s}");
}

#[test]
fn kpis_show_value_target_status_and_twelve_weeks() {
    let (_dir, mut store, mut app) = on_reports(false);
    press_on(&mut app, &mut store, &[code(KeyCode::Tab)]);
    let buf = draw(&mut app, 80, 24);
    let s = screen(&buf);
    let y = row_of(&buf, "Follow-up calls").expect("follow-up row");
    let row = row_text(&buf, y);
    // Missed is said in words and marked, so it reads without colour.
    assert!(
        row.contains("0.0% (0/4)") && row.contains("MISSED") && row.contains('!'),
        "{row}"
    );
    let y = row_of(&buf, "On-time delivery").unwrap();
    assert!(row_text(&buf, y).contains("100.0% (10/10)"), "{s}");
    // A sparkline of 12 weeks: one mark per week.
    let spark: String = row.chars().filter(|c| "▁▂▃▄▅▆▇█·".contains(*c)).collect();
    assert_eq!(spark.chars().count(), 12, "{row}");
}

fn charts(color: bool) -> Buffer {
    let (_dir, mut store, mut app) = on_reports(color);
    press_on(
        &mut app,
        &mut store,
        &[code(KeyCode::Tab), code(KeyCode::Tab)],
    );
    draw(&mut app, 80, 24)
}

#[test]
fn the_charts_read_at_80_by_24_with_and_without_colour() {
    for color in [false, true] {
        let buf = charts(color);
        let s = screen(&buf);
        assert!(s.contains("Cars in per day (Σ 33, max 14)"), "{s}");
        assert!(s.contains("Billed by category"), "{s}");
        // Each category's bar carries its amount in words.
        assert!(s.contains("¥3,853.19"), "{s}");
        assert!(s.contains("↑↓ Follow-up calls"), "{s}");
        assert!(s.contains("(≥ 100.0%)"), "the target is named:\n{s}");
        assert!(s.contains('█'), "bars are drawn:\n{s}");
        // The target line is drawn in its own symbol, not only its own colour.
        assert!(s.contains('•'), "{s}");
        assert_eq!(coloured(&buf), color, "colour only when allowed:\n{s}");
    }
}

#[test]
fn enter_lists_the_ros_behind_a_figure_and_enter_again_opens_one() {
    let (_dir, mut store, mut app) = on_reports(false);
    press_on(&mut app, &mut store, &[code(KeyCode::Enter)]);
    let s = screen(&draw(&mut app, 80, 24));
    assert!(s.contains("Cars in: 33 rows"), "{s}");
    let first = s
        .lines()
        .find(|l| l.starts_with("RO-"))
        .expect("an RO row")
        .to_string();
    let number = first.split_whitespace().next().unwrap().to_string();
    press_on(&mut app, &mut store, &[code(KeyCode::Enter)]);
    let s = screen(&draw(&mut app, 80, 24));
    assert!(s.contains("[3 RO]"), "Enter opens the RO:\n{s}");
    assert!(s.contains(&number), "{number}:\n{s}");
}

#[test]
fn the_close_of_day_lists_what_is_still_open() {
    let (_dir, mut store, mut app) = on_reports(false);
    press_on(&mut app, &mut store, &[key('c')]);
    let buf = draw(&mut app, 100, 120);
    let s = screen(&buf);
    assert!(
        s.contains("2026-11-23 Mon") && s.contains("[Close of day]"),
        "{s}"
    );
    assert!(
        s.contains("RO-24081 粤B·N7526 徐磊           waiting_for_parts"),
        "{s}"
    );
    assert!(
        !s.contains(" booked "),
        "a booked car has not come in:\n{s}"
    );
    assert!(s.contains("Cars not delivered"), "{s}");
    assert!(s.contains("Calls due and not made ("), "{s}");
    assert!(s.contains("Complaints past their reply time"), "{s}");
    assert!(s.contains("reply overdue"), "{s}");
    // Leaving the close of day gives back the month shown before.
    press_on(&mut app, &mut store, &[code(KeyCode::Tab)]);
    let s = screen(&draw(&mut app, 80, 24));
    assert!(s.contains("Service report  2026-11  [Figures]"), "{s}");
}

/// `r`, the first day, Tab, the last day, Enter.
fn range_keys(first: &str, last: &str) -> Vec<KeyEvent> {
    let mut keys = vec![key('r')];
    keys.extend(first.chars().map(key));
    keys.push(code(KeyCode::Tab));
    keys.extend(last.chars().map(key));
    keys.push(code(KeyCode::Enter));
    keys
}

#[test]
fn a_range_that_ends_before_it_starts_is_refused_at_the_field() {
    let (_dir, mut store, mut app) = on_reports(false);
    press_on(
        &mut app,
        &mut store,
        &range_keys("2026-11-30", "2026-11-01"),
    );
    let s = screen(&draw(&mut app, 80, 24));
    assert!(s.contains("before it starts"), "{s}");
    // A good range is taken.
    press_on(&mut app, &mut store, &[code(KeyCode::Esc)]);
    press_on(
        &mut app,
        &mut store,
        &range_keys("2026-11-01", "2026-11-15"),
    );
    let s = screen(&draw(&mut app, 80, 24));
    assert!(s.contains("2026-11-01 … 2026-11-15"), "{s}");
}

#[test]
fn day_week_and_month_keys_and_arrows_move_the_period() {
    let (_dir, mut store, mut app) = on_reports(false);
    press_on(&mut app, &mut store, &[key('w')]);
    assert!(screen(&draw(&mut app, 80, 24)).contains("2026-W48 (11-23 … 11-29)"));
    press_on(&mut app, &mut store, &[code(KeyCode::Left)]);
    assert!(screen(&draw(&mut app, 80, 24)).contains("2026-W47 (11-16 … 11-22)"));
    press_on(&mut app, &mut store, &[key('d')]);
    assert!(screen(&draw(&mut app, 80, 24)).contains("2026-11-16 Mon"));
    press_on(&mut app, &mut store, &[key('.')]);
    assert!(screen(&draw(&mut app, 80, 24)).contains("2026-11-23 Mon"));
    press_on(&mut app, &mut store, &[key('m'), code(KeyCode::Right)]);
    assert!(screen(&draw(&mut app, 80, 24)).contains("Service report  2026-12 "));
}

#[test]
fn help_in_f8_states_each_kpis_formula() {
    let (_dir, mut store, mut app) = on_reports(false);
    press_on(&mut app, &mut store, &[key('?')]);
    let s = screen(&draw(&mut app, 100, 200));
    assert!(s.contains("How each KPI is worked out"), "{s}");
    assert!(
        s.contains("Sum of the scores ÷ (5 × calls with a score)"),
        "{s}"
    );
    assert!(s.contains("Report of a week (Monday to Sunday)"), "{s}");
}
