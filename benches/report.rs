//! Report time on a generated shop: the month before the newest RO, and
//! the five years before it, through the store as F8 and `frontdesk
//! report` call it (the statistics and every KPI), plus the 12-week trend.
//! Medians of several runs, and the query plans: which index each reads.
//!
//!     BENCH_DB=/tmp/b1m.db cargo bench --bench report   # an existing shop
//!     BENCH_TOTAL=100000 cargo bench --bench report     # generates one

mod common;

use chrono::{Duration as Days, FixedOffset, NaiveDate, Utc};
use common::shop;
use frontdesk::domain::report::Period;
use frontdesk::store::report::ReportQuery;
use frontdesk::store::{OpenMode, ReportStore, SqliteStore};
use rusqlite::Connection;
use std::time::{Duration, Instant};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let (_keep, db) = shop();
    let store = SqliteStore::open(&db, OpenMode::ReadOnlyOk).unwrap();
    let conn = Connection::open(&db).unwrap();
    let newest: String = conn
        .query_row("SELECT max(delivered_at) FROM repair_orders", [], |r| {
            r.get(0)
        })
        .unwrap();
    let last = NaiveDate::parse_from_str(&newest[..10], "%Y-%m-%d").unwrap();
    let offset = FixedOffset::east_opt(8 * 3600).unwrap();
    let q = |period| ReportQuery {
        period,
        offset,
        now: Utc::now(),
        group: false,
    };
    let month = q(Period::month(last - Days::days(31)));
    let years = q(Period::range(last - Days::days(5 * 365), last).unwrap());
    let ros: i64 = conn
        .query_row("SELECT count(*) FROM repair_orders", [], |r| r.get(0))
        .unwrap();
    println!("report bench on {} ({ros} ROs)", db.display());
    let r = store.report(&month, &mut |_, _| {}).unwrap();
    let m = time(7, || drop(store.report(&month, &mut |_, _| {}).unwrap()));
    println!(
        "one month ({}, {} ROs delivered): median {m:?} of 7",
        month.period.label(),
        r.stats.cars_out
    );
    let trend = time(3, || {
        for w in Period::weeks_to(month.period.last, 12) {
            store.rates(&month.with(w)).unwrap();
        }
    });
    println!("12-week trend (12 weekly reports without the 369 count): median {trend:?} of 3");
    let r = store.report(&years, &mut |_, _| {}).unwrap();
    let y = time(3, || drop(store.report(&years, &mut |_, _| {}).unwrap()));
    println!(
        "five years ({}, {} ROs delivered): median {y:?} of 3",
        years.period.label(),
        r.stats.cars_out
    );
    for (what, sql) in [
        ("delivered", "SELECT id FROM repair_orders INDEXED BY repair_orders_delivered WHERE delivered_at >= '2026' AND delivered_at < '2027'"),
        ("checked in", "SELECT id FROM repair_orders INDEXED BY repair_orders_checked_in WHERE checked_in_at >= '2026' ORDER BY vehicle_id, checked_in_at"),
        ("369", "SELECT max(checked_in_at) FROM repair_orders INDEXED BY repair_orders_customer_visit WHERE checked_in_at < '2027' GROUP BY customer_id"),
        ("paid", "SELECT sum(amount_minor) FROM payments INDEXED BY payments_ro_amount WHERE ro_id = 1"),
    ] {
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        println!("plan {what}: {}", plan.join("; "));
    }
}
