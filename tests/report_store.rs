//! The report read from a real database: a hand-built November with the
//! answers written out, the month's edge at local midnight, and the lists
//! behind the figures.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use frontdesk::domain::money::Money;
use frontdesk::domain::report::{Drill, Period, Ratio};
use frontdesk::store::report::ReportQuery;
use frontdesk::store::{OpenMode, ReportStore, SqliteStore};
use rusqlite::{params, Connection};

fn utc(m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, min, s).unwrap()
}

fn shop() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = SqliteStore::open(&path, OpenMode::Create).unwrap();
    let c = Connection::open(&path).unwrap();
    let t = utc(1, 1, 0, 0, 0);
    c.execute("INSERT INTO customers (id, name, phone, created_at, updated_at) VALUES (1, '王伟', '13800000001', ?1, ?1)", [t]).unwrap();
    c.execute("INSERT INTO vehicles (id, plate, plate_norm, created_at, updated_at) VALUES (1, '粤A·11111', '粤A11111', ?1, ?1)", [t]).unwrap();
    c.execute("INSERT INTO vehicles (id, plate, plate_norm, purchased_on, created_at, updated_at) VALUES (2, '粤A·22222', '粤A22222', '2026-08-15', ?1, ?1)", [t]).unwrap();
    let ro = |id: i64,
              car: i64,
              cat: &str,
              inn: DateTime<Utc>,
              out: DateTime<Utc>,
              promised: DateTime<Utc>| {
        c.execute(
            "INSERT INTO repair_orders (id, number, vehicle_id, customer_id, status, category, checked_in_at,
                 delivered_at, promised_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, 1, 'delivered', ?4, ?5, ?6, ?7, ?5, ?6)",
            params![id, format!("RO-{}", 100 + id), car, cat, inn, out, promised],
        )
        .unwrap();
    };
    // A: in at 23:00 and out at 23:59:59 local on 10-31: October's.
    ro(
        1,
        1,
        "maintenance",
        utc(10, 31, 15, 0, 0),
        utc(10, 31, 15, 59, 59),
        utc(10, 31, 15, 30, 0),
    );
    // B: in at 00:00 local on 11-01, out late: November's, and a comeback.
    ro(
        2,
        1,
        "maintenance",
        utc(10, 31, 16, 0, 0),
        utc(11, 1, 3, 0, 0),
        utc(11, 1, 2, 0, 0),
    );
    // C: the new car's first maintenance, on time.
    ro(
        3,
        2,
        "maintenance",
        utc(11, 10, 1, 0, 0),
        utc(11, 10, 8, 0, 0),
        utc(11, 10, 9, 0, 0),
    );
    let line = |ro: i64,
                kind: &str,
                code: &str,
                qty: i64,
                price: i64,
                payer: &str,
                approval: &str| {
        c.execute(
            "INSERT INTO ro_lines (ro_id, kind, op_code, part_number, description, quantity_milli, unit_price_minor, payer, approval)
             VALUES (?1, ?2, ?3, ?3, 'item', ?4, ?5, ?6, ?7)",
            params![ro, kind, code, qty, price, payer, approval],
        )
        .unwrap();
    };
    line(1, "labour", "OIL", 1000, 18_000, "customer", "original");
    line(2, "labour", "OIL", 1000, 18_000, "customer", "original");
    line(2, "part", "P1", 1000, 10_000, "customer", "declined");
    line(3, "labour", "OIL", 2000, 18_000, "customer", "original");
    line(3, "part", "P2", 1000, 10_000, "warranty", "original");
    let pay = |ro: i64, amount: i64| {
        c.execute(
            "INSERT INTO payments (ro_id, amount_minor, paid_at) VALUES (?1, ?2, ?3)",
            params![ro, amount, utc(11, 20, 0, 0, 0)],
        )
        .unwrap();
    };
    pay(2, 10_000);
    pay(3, 40_680);
    c.execute(
        "INSERT INTO callbacks (id, customer_id, vehicle_id, ro_id, kind, due_at, due_until, status, created_at)
         VALUES (1, 1, 2, 3, 'three_day_call', ?1, ?1, 'done', ?1)",
        [utc(11, 12, 1, 0, 0)],
    )
    .unwrap();
    for (score, d) in [(5, 12), (3, 13)] {
        c.execute(
            "INSERT INTO contacts (callback_id, customer_id, at, by_login, channel, outcome, satisfaction)
             VALUES (1, 1, ?1, 'care', 'phone', 'reached', ?2)",
            params![utc(11, d, 2, 0, 0), score],
        )
        .unwrap();
    }
    for (status, d) in [("arrived", 10), ("no_show", 11)] {
        c.execute(
            "INSERT INTO appointments (customer_id, vehicle_id, starts_at, ends_at, status, created_at)
             VALUES (1, 2, ?1, ?1, ?2, ?1)",
            params![utc(11, d, 1, 0, 0), status],
        )
        .unwrap();
    }
    c.execute(
        "INSERT INTO complaints (customer_id, ro_id, received_at, description, status, reply_by)
         VALUES (1, 2, ?1, 'noise again', 'open', ?2)",
        params![utc(11, 5, 2, 0, 0), utc(11, 7, 2, 0, 0)],
    )
    .unwrap();
    (dir, store)
}

fn query(period: Period) -> ReportQuery {
    ReportQuery {
        period,
        offset: FixedOffset::east_opt(8 * 3600).unwrap(),
        now: utc(12, 5, 0, 0, 0),
        group: false,
    }
}

fn november() -> ReportQuery {
    query(Period::month(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()))
}

#[test]
fn novembers_figures_and_kpis_from_a_hand_built_month() {
    let (_dir, store) = shop();
    let r = store.report(&november(), &mut |_, _| {}).unwrap();
    let s = &r.stats;
    assert_eq!((s.cars_in, s.cars_out), (2, 2));
    assert_eq!(s.all.labour_milli_hours, 3_000);
    assert_eq!(s.all.labour, Money(54_000));
    // The declined part is not billed; the warranty part is.
    assert_eq!(s.all.parts, Money(10_000));
    // B: 180.00 + 13 % = 203.40; C: 360.00 + 46.80 and warranty 100.00 + 13.00.
    assert_eq!(s.all.total, Money(20_340 + 40_680 + 11_300));
    // B paid 100.00 of 203.40.
    assert_eq!(s.all.arrears, Money(10_340));
    let k = &r.kpis;
    assert_eq!(k.comeback, Ratio::new(1, 2));
    assert_eq!(k.on_time, Ratio::new(1, 2));
    assert_eq!(k.follow_up, Ratio::new(1, 2));
    assert_eq!(k.follow_up_warranty, Ratio::new(1, 1));
    assert_eq!(k.satisfaction, Ratio::new(1, 2));
    assert_eq!(k.csi, Ratio::new(8, 10));
    assert_eq!(k.show_rate(), Ratio::new(1, 2));
    assert_eq!(k.recapture, Ratio::new(0, 1));
    assert_eq!(k.first_maintenance, Ratio::new(1, 1));
    assert_eq!(
        (
            k.complaints.opened,
            k.complaints.closed,
            k.complaints.overdue
        ),
        (1, 0, 1)
    );
    assert_eq!(r.days_so_far, 30);
}

#[test]
fn the_months_edge_is_local_midnight() {
    let (_dir, store) = shop();
    let oct = query(Period::month(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
    let r = store.report(&oct, &mut |_, _| {}).unwrap();
    // Only A: checked in and delivered before 00:00 local on 11-01.
    assert_eq!((r.stats.cars_in, r.stats.cars_out), (1, 1));
    let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    assert_eq!(r.stats.per_day[&day(31)].cars_in, 1);
    assert_eq!(r.stats.per_day.len(), 31);
}

#[test]
fn an_empty_range_is_zeros_not_an_error() {
    let (_dir, store) = shop();
    let q = query(Period::month(NaiveDate::from_ymd_opt(2031, 3, 1).unwrap()));
    let r = store.report(&q, &mut |_, _| {}).unwrap();
    assert_eq!(
        (r.stats.cars_in, r.stats.cars_out, r.stats.all.total),
        (0, 0, Money(0))
    );
    assert_eq!(
        r.stats.by_category.len(),
        6,
        "every category shows, at zero"
    );
    assert_eq!(r.kpis.comeback.per_mille(), None);
    assert_eq!(r.days_so_far, 0);
}

#[test]
fn the_lists_behind_the_figures_name_the_ros() {
    let (_dir, store) = shop();
    let q = november();
    let numbers = |d| -> Vec<String> {
        store
            .drill(&q, d)
            .unwrap()
            .into_iter()
            .map(|r| r.number)
            .collect()
    };
    assert_eq!(numbers(Drill::Comebacks), ["RO-102"]);
    assert_eq!(numbers(Drill::Late), ["RO-102"]);
    assert_eq!(numbers(Drill::Arrears), ["RO-102"]);
    assert_eq!(numbers(Drill::NotCalled { warranty: false }), ["RO-102"]);
    assert_eq!(numbers(Drill::CarsIn), ["RO-102", "RO-103"]);
    let scores = store.drill(&q, Drill::Scores).unwrap();
    assert_eq!(scores[0].what, "3/5 three_day_call", "lowest score first");
    assert_eq!(scores[0].ro_id, Some(3));
    let complaints = store.drill(&q, Drill::Complaints).unwrap();
    assert_eq!(
        (complaints[0].what.as_str(), complaints[0].ro_id),
        ("overdue", Some(2))
    );
    let open = store.still_open(&q).unwrap();
    assert!(open.cars.is_empty());
    assert_eq!(open.complaints.len(), 1);
    assert_eq!(open.complaints[0].customer, "王伟");
}

#[test]
fn ten_years_of_weeks_and_a_long_range_report_progress() {
    let (_dir, store) = shop();
    let first = NaiveDate::from_ymd_opt(2016, 12, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let q = query(Period::range(first, last).unwrap());
    let mut calls = Vec::new();
    let r = store
        .report(&q, &mut |done, total| calls.push((done, total)))
        .unwrap();
    assert_eq!((r.stats.cars_in, r.stats.cars_out), (3, 3));
    assert_eq!(r.stats.per_day.len() as i64, q.period.days());
    assert_eq!(calls.last(), Some(&(3, 3)), "progress ends at the total");
}
