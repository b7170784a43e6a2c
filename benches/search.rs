//! Search from anywhere, the appointment day view and the CSV import, on a
//! generated shop. Search is timed per keystroke: every prefix of plates,
//! phones, VIN tails, names and RO numbers typed one character at a time,
//! as the search layer asks on each key. Medians and 99th percentiles.
//!
//!     BENCH_DB=/tmp/big.db cargo bench --bench search    # an existing shop
//!     BENCH_TOTAL=100000 cargo bench --bench search      # generates one

mod common;

use chrono::Utc;
use common::shop;
use frontdesk::store::book::{BookStore, FileStore};
use frontdesk::store::prelude::*;
use frontdesk::store::{OpenMode, SqliteStore};
use rusqlite::Connection;
use std::time::{Duration, Instant};

fn pct(xs: &mut [Duration], p: usize) -> Duration {
    xs.sort();
    xs[(xs.len() * p / 100).min(xs.len() - 1)]
}

/// What people type: real plates, phones, VINs, names and RO numbers from
/// the shop, spread over it (not only the first rows).
fn queries(db: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let pick = |sql: &str| -> Vec<String> {
        let mut st = conn.prepare(sql).unwrap();
        st.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let mut q = Vec::new();
    q.extend(pick(
        "SELECT plate FROM vehicles WHERE id % 9973 = 1 LIMIT 8",
    ));
    q.extend(pick(
        "SELECT substr(replace(phone, ' ', ''), 4, 7) FROM customers WHERE id % 7919 = 3 LIMIT 8",
    ));
    q.extend(pick(
        "SELECT substr(vin, 12, 6) FROM vehicles WHERE id % 6007 = 5 AND vin != '' LIMIT 8",
    ));
    q.extend(pick(
        "SELECT name FROM customers WHERE id % 5003 = 7 LIMIT 8",
    ));
    q.extend(pick(
        "SELECT number FROM repair_orders WHERE id % 99991 = 11 LIMIT 8",
    ));
    q.push("wang".into());
    q.push("138".into());
    q
}

fn main() {
    let (_keep, db) = shop();
    let store = SqliteStore::open(&db, OpenMode::ReadOnlyOk).unwrap();
    let ros: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM repair_orders", [], |r| r.get(0))
        .unwrap();
    println!("shop: {} ({ros} ROs)", db.display());
    let mut per_key = Vec::new();
    let mut slowest = Vec::new();
    for q in queries(&db) {
        let chars: Vec<char> = q.chars().collect();
        for n in 1..=chars.len() {
            let typed: String = chars[..n].iter().collect();
            let start = Instant::now();
            std::hint::black_box(store.search(&typed, 12).unwrap());
            per_key.push(start.elapsed());
            slowest.push((start.elapsed(), typed));
        }
    }
    let keys = per_key.len();
    println!(
        "search per keystroke ({keys} keys): median {:.2?}, p99 {:.2?}, max {:.2?}",
        pct(&mut per_key, 50),
        pct(&mut per_key, 99),
        pct(&mut per_key, 100)
    );
    slowest.sort();
    let worst: Vec<String> = slowest
        .iter()
        .rev()
        .take(5)
        .map(|(t, q)| format!("{q:?} {t:.1?}"))
        .collect();
    println!("slowest keystrokes: {}", worst.join(", "));
    let mut day = Vec::new();
    let now = Utc::now();
    for i in 0..50 {
        let from = now + chrono::Duration::days(i % 7);
        let start = Instant::now();
        std::hint::black_box(
            store
                .appointments(from, from + chrono::Duration::days(1))
                .unwrap(),
        );
        std::hint::black_box(
            store
                .show_rate(from, from + chrono::Duration::days(1))
                .unwrap(),
        );
        std::hint::black_box(store.board().unwrap());
        day.push(start.elapsed());
    }
    println!(
        "appointment day view data (book, show rate, board): median {:.2?}",
        pct(&mut day, 50)
    );
    import_speed(&db);
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

/// Runs the real binary; it must succeed.
fn frontdesk(args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Exports the shop's customers and imports them into a fresh shop.
fn import_speed(db: &std::path::Path) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("customers.csv");
    let fresh = dir.path().join("fresh.db");
    frontdesk(&["export", "customers", "--db", path(db), "--out", path(&csv)]);
    frontdesk(&["init", "--db", path(&fresh)]);
    // The generator draws plates at random, and some repeat on other cars;
    // the import rightly refuses a file like that, so the bench keeps the
    // first car of each plate.
    let exported = std::fs::read_to_string(&csv).unwrap();
    let mut seen = std::collections::HashSet::new();
    let kept: Vec<&str> = exported
        .lines()
        .enumerate()
        .filter(|(i, l)| {
            *i == 0
                || seen.insert(l.split(',').nth(7).unwrap_or("").to_string())
                || l.split(',').nth(7) == Some("")
        })
        .map(|(_, l)| l)
        .collect();
    std::fs::write(&csv, kept.join("\n") + "\n").unwrap();
    let rows = kept.len() - 1;
    let mut times = Vec::new();
    for i in 0..3 {
        let target = dir.path().join(format!("shop{i}.db"));
        std::fs::copy(&fresh, &target).unwrap();
        let start = Instant::now();
        frontdesk(&["import", path(&csv), "--db", path(&target)]);
        times.push(start.elapsed());
    }
    let t = pct(&mut times, 50);
    println!(
        "import: {rows} rows in {t:.2?} (median of 3): {:.0} rows/s",
        rows as f64 / t.as_secs_f64()
    );
}
