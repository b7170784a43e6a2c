//! `frontdesk report` on the demo shop: the CSV and the HTML read back and
//! compared with what F8 shows on screen; a range that ends before it
//! starts; an empty range; ten years.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{app_on_store, draw, press_on, row_of, row_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::store::SqliteStore;
use std::path::{Path, PathBuf};
use std::process::Command;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

fn demo() -> (tempfile::TempDir, PathBuf, SqliteStore) {
    common::demo_shop(t0())
}

fn report(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "--now",
            "2026-11-23T02:00:00Z",
            "--utc-offset",
            "+00:00",
            "--lang",
            "en",
            "report",
        ])
        .args(args)
        .env("CI", "true")
        .output()
        .unwrap()
}

fn stdout(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The value F8 shows on the row that starts with `label`.
fn on_screen(store: &mut SqliteStore, label: &str) -> String {
    let mut app = app_on_store(store, t0());
    press_on(
        &mut app,
        store,
        &[KeyEvent::new(KeyCode::F(8), KeyModifiers::NONE)],
    );
    let buf = draw(&mut app, 80, 40);
    let y = row_of(&buf, label).unwrap_or_else(|| panic!("{label} not on screen"));
    row_text(&buf, y)
        .trim_end()
        .rsplit("  ")
        .next()
        .unwrap()
        .trim()
        .to_string()
}

/// "¥14,343.97" → "14343.97": the screen's words as the CSV's number.
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn summary<'a>(rows: &'a [Vec<String>], label: &str) -> &'a str {
    &rows
        .iter()
        .find(|r| r[0] == "summary" && r[1] == label)
        .unwrap_or_else(|| panic!("{label}"))[2]
}

#[test]
fn the_csv_reads_back_as_the_screen_shows_it() {
    let (_dir, path, mut store) = demo();
    let rows = csv_rows(&stdout(&report(&path, &["--month", "--format", "csv"])));
    for label in [
        "Cars in",
        "Cars out (ROs delivered)",
        "Parts",
        "Billed (all payers, with tax)",
        "Arrears (customers' unpaid share)",
    ] {
        let screen = on_screen(&mut store, label);
        assert_eq!(
            summary(&rows, label),
            plain(&screen),
            "{label}: screen {screen}"
        );
    }
    assert_eq!(summary(&rows, "Cars in"), "33");
    // Every table starts with its column names, and every KPI is there.
    assert!(rows.iter().any(|r| r[0] == "category.head"));
    let kpis: Vec<_> = rows.iter().filter(|r| r[0] == "kpi").collect();
    assert_eq!(kpis.len(), 16);
    let on_time = kpis.iter().find(|r| r[1] == "On-time delivery").unwrap();
    assert_eq!((on_time[2].as_str(), on_time[4].as_str()), ("100.0", "ok"));
    // The trend: 12 weeks a rate.
    let head = rows.iter().find(|r| r[0] == "trend.head").unwrap();
    assert_eq!(head.len(), 1 + 1 + 12 + 1);
}

#[test]
fn the_html_has_the_same_figures_the_charts_and_the_formulas() {
    let (_dir, path, mut store) = demo();
    let html = stdout(&report(&path, &["--format", "html"]));
    for label in ["Billed (all payers, with tax)", "Labour hours sold"] {
        let screen = on_screen(&mut store, label);
        let cell = format!("<td>{label}</td><td class=\"n\">{screen}</td>").replace('\'', "&#39;");
        assert!(html.contains(&cell), "{cell} not in the HTML");
    }
    assert!(html.contains("@page { size: A4"), "prints on A4");
    assert_eq!(
        html.matches("<svg").count(),
        2 + 9,
        "cars per day, revenue, and nine trends"
    );
    assert!(html.contains("stroke-dasharray"), "the target line");
    assert!(html.contains("<dt>Comebacks</dt><dd>Cars checked in during the period"));
    assert!(html.contains("</html>"));
}

#[test]
fn a_range_that_ends_before_it_starts_is_a_clear_error() {
    let (_dir, path, _store) = demo();
    let o = report(&path, &["--from", "2026-11-30", "--to", "2026-11-01"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("the range ends (2026-11-01) before it starts (2026-11-30)"),
        "{err}"
    );
    let o = report(&path, &["--from", "2026-11-31", "--to", "2026-12-01"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("'2026-11-31' is not a date"));
}

#[test]
fn an_empty_range_is_zeros_and_ten_years_work() {
    let (_dir, path, _store) = demo();
    let rows = csv_rows(&stdout(&report(
        &path,
        &[
            "--from",
            "2031-01-01",
            "--to",
            "2031-01-31",
            "--format",
            "csv",
            "--no-trend",
        ],
    )));
    assert_eq!(summary(&rows, "Cars in"), "0");
    assert_eq!(summary(&rows, "Billed (all payers, with tax)"), "0.00");
    let text = stdout(&report(
        &path,
        &["--from", "2016-11-24", "--to", "2026-11-23", "--no-trend"],
    ));
    assert!(text.contains("2016-11-24 … 2026-11-23"), "{text}");
    let c = rusqlite::Connection::open(&path).unwrap();
    let all: i64 = c
        .query_row(
            "SELECT count(*) FROM repair_orders WHERE checked_in_at < '2026-11-24'
               AND status NOT IN ('cancelled', 'booked')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let cars_in = text.lines().find(|l| l.starts_with("Cars in")).unwrap();
    assert!(
        cars_in.trim_end().ends_with(&format!(" {all}")),
        "every demo RO in ten years ({all}): {cars_in}"
    );
}

#[test]
fn the_close_of_day_lists_what_is_open() {
    let (_dir, path, _store) = demo();
    let text = stdout(&report(&path, &["--day"]));
    assert!(text.contains("Service report 2026-11-23 Mon"), "{text}");
    assert!(
        text.contains("Cars not delivered") && text.contains("RO-24081"),
        "{text}"
    );
    assert!(text.contains("Calls due and not made ("), "{text}");
    assert!(text.contains("Complaints past their reply time"), "{text}");
}

#[test]
fn out_never_overwrites_the_shop_file() {
    let (_dir, path, _store) = demo();
    let o = report(
        &path,
        &[
            "--format",
            "html",
            "--out",
            path.to_str().unwrap(),
            "--force",
        ],
    );
    assert!(!o.status.success());
    assert!(SqliteStore::open(&path, frontdesk::store::OpenMode::ReadOnlyOk).is_ok());
}
