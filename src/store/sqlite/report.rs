//! Report facts, read in one pass per kind of row. Every query reads a
//! range of one time index (see migration 007) and streams: a month at a
//! million ROs reads its own rows and no others, and a ten-year range holds
//! one RO (or one car's visits) in memory at a time.

use super::text::text;
use crate::domain::book::{AppointmentStatus, ShowRate};
use crate::domain::repair_order::{Approval, Category, LineKind, Payer, RoLine};
use crate::domain::report::kpi::{self, ComplaintFact, DeclinedItem, LaterWork, NewCar, Visit};
use crate::domain::report::period::local_day;
use crate::domain::report::{LostCounts, Report};
use crate::domain::{Money, Settings};
use crate::store::report::{DrillRow, ReportQuery};
use crate::store::report_facts::{assemble, Bounds, ReportFacts, RoFacts};
use crate::store::StoreResult;
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use rusqlite::{params, Connection, Row};

/// The ROs first, with what they were paid and whether they were called
/// (once per RO, not once per line), then their lines.
const DELIVERED: &str = "
WITH d AS MATERIALIZED (
  SELECT r.id, r.number, r.vehicle_id, r.customer_id, r.category, r.advisor_id, r.work_group_id,
         r.delivered_at, r.promised_at, r.ready_at, r.discount_bp,
         (SELECT coalesce(sum(p.amount_minor), 0) FROM payments p INDEXED BY payments_ro_amount
          WHERE p.ro_id = r.id) AS paid,
         EXISTS (SELECT 1 FROM callbacks c
                 WHERE c.ro_id = r.id AND c.kind = 'three_day_call' AND c.status = 'done') AS called
  FROM repair_orders r INDEXED BY repair_orders_delivered
  WHERE r.delivered_at >= ?1 AND r.delivered_at < ?2 AND r.status = 'delivered')
SELECT d.id, d.number, d.vehicle_id, d.customer_id, d.category, d.advisor_id, d.work_group_id,
       d.delivered_at, d.promised_at, d.ready_at, d.discount_bp, d.paid, d.called,
       l.kind, l.op_code, l.part_number, l.description, l.quantity_milli, l.unit_price_minor,
       l.payer, l.approval
FROM d LEFT JOIN ro_lines l ON l.ro_id = d.id
ORDER BY d.delivered_at, d.id";

fn head(r: &Row<'_>, tax_rate_bp: i64) -> rusqlite::Result<RoFacts> {
    Ok(RoFacts {
        id: r.get(0)?,
        number: text(r, 1)?,
        vehicle_id: r.get(2)?,
        customer_id: r.get(3)?,
        category: coded(r, 4, Category::from_code)?,
        advisor_id: r.get(5)?,
        group_id: r.get(6)?,
        delivered_at: r.get(7)?,
        promised_at: r.get(8)?,
        ready_at: r.get(9)?,
        discount_bp: r.get(10)?,
        paid: Money(r.get(11)?),
        called: r.get(12)?,
        tax_rate_bp,
        lines: Vec::new(),
    })
}

/// A coded column read in place, without a copy (a million lines a year).
fn coded<T: Default>(r: &Row<'_>, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let v = r.get_ref(i)?;
    let s = std::str::from_utf8(v.as_bytes_or_null()?.unwrap_or_default()).unwrap_or_default();
    Ok(parse(s).unwrap_or_default())
}

/// A line's kind, money and answer; its words only when it was declined
/// (what recapture compares).
fn line(r: &Row<'_>) -> rusqlite::Result<Option<RoLine>> {
    if r.get_ref(13)?.as_bytes_or_null()?.is_none() {
        return Ok(None);
    }
    let kind = coded(r, 13, LineKind::from_code)?;
    let approval = coded(r, 20, Approval::from_code)?;
    let mut l = RoLine {
        kind,
        quantity_milli: r.get(17)?,
        unit_price: Money(r.get(18)?),
        payer: coded(r, 19, Payer::from_code)?,
        approval,
        ..RoLine::default()
    };
    if approval == Approval::Declined {
        l.code = text(r, if kind == LineKind::Part { 15 } else { 14 })?;
        l.description = text(r, 16)?;
    }
    Ok(Some(l))
}

/// Every RO delivered in [start, end), with its lines, in delivery order.
pub fn delivered(
    conn: &Connection,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    tax_rate_bp: i64,
    each: &mut dyn FnMut(&RoFacts),
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(DELIVERED)?;
    let mut rows = stmt.query(params![start, end])?;
    let mut current: Option<RoFacts> = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if current.as_ref().is_none_or(|c| c.id != id) {
            if let Some(done) = current.take() {
                each(&done);
            }
            current = Some(head(r, tax_rate_bp)?);
        }
        if let (Some(c), Some(l)) = (current.as_mut(), line(r)?) {
            c.lines.push(l);
        }
    }
    if let Some(done) = current {
        each(&done);
    }
    Ok(())
}

pub fn count_delivered(
    conn: &Connection,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<u64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM repair_orders WHERE delivered_at >= ?1 AND delivered_at < ?2",
        )?
        .query_row(params![start, end], |r| r.get::<_, i64>(0))? as u64)
}

const VISITS: &str = "
SELECT r.id, r.vehicle_id, r.checked_in_at, r.category
FROM repair_orders r INDEXED BY repair_orders_checked_in
WHERE r.checked_in_at >= ?1 AND r.checked_in_at < ?2 AND r.status NOT IN ('cancelled', 'booked')
ORDER BY r.vehicle_id, r.checked_in_at, r.id";

/// The labour op codes of an RO's active lines.
fn op_codes(conn: &Connection, ro_id: i64) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT op_code FROM ro_lines WHERE ro_id = ?1 AND kind = 'labour' AND op_code <> ''
           AND approval IN ('original', 'approved')",
    )?;
    let rows = stmt.query_map([ro_id], |r| text(r, 0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The visits checked in during [from, end), one car at a time. Op codes
/// are read only for a car with more than one visit: only then can they
/// make a comeback.
pub fn visits(
    conn: &Connection,
    (from, end): (DateTime<Utc>, DateTime<Utc>),
    each_car: &mut dyn FnMut(&[Visit]),
) -> StoreResult<()> {
    let mut stmt = conn.prepare_cached(VISITS)?;
    let mut rows = stmt.query(params![from, end])?;
    let mut car: Vec<Visit> = Vec::new();
    let mut done = |car: &mut Vec<Visit>| -> StoreResult<()> {
        if car.len() > 1 {
            for v in car.iter_mut() {
                v.op_codes = op_codes(conn, v.ro_id)?;
            }
        }
        each_car(car);
        car.clear();
        Ok(())
    };
    while let Some(r) = rows.next()? {
        let v = Visit {
            ro_id: r.get(0)?,
            vehicle_id: r.get(1)?,
            checked_in_at: r.get(2)?,
            category: coded(r, 3, Category::from_code)?,
            op_codes: Vec::new(),
        };
        if car.first().is_some_and(|c| c.vehicle_id != v.vehicle_id) {
            done(&mut car)?;
        }
        car.push(v);
    }
    if !car.is_empty() {
        done(&mut car)?;
    }
    Ok(())
}

/// The scores customers gave on calls made in [start, end).
pub fn scores(
    conn: &Connection,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT satisfaction FROM contacts INDEXED BY contacts_at
         WHERE at >= ?1 AND at < ?2 AND satisfaction IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![start, end], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Cars whose three months after purchase end within the period, with
/// their first maintenance visit.
pub fn new_cars(conn: &Connection, q: &ReportQuery) -> StoreResult<Vec<NewCar>> {
    {
        let three = Months::new(kpi::FIRST_MAINTENANCE_MONTHS);
        // A few days' slack either side: month ends clamp (11-30 + 3 months
        // is 02-28); the domain decides exactly.
        let from = q.period.first - three - Duration::days(4);
        let to = q.period.last - three + Duration::days(4);
        let mut stmt = conn.prepare_cached(
            "SELECT v.id, v.purchased_on,
                    (SELECT min(r.checked_in_at) FROM repair_orders r
                     WHERE r.vehicle_id = v.id AND r.category = 'maintenance'
                       AND r.checked_in_at >= v.purchased_on)
             FROM vehicles v INDEXED BY vehicles_purchased
             WHERE v.purchased_on >= ?1 AND v.purchased_on <= ?2",
        )?;
        let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                text(r, 1)?,
                r.get::<_, Option<DateTime<Utc>>>(2)?,
            ))
        })?;
        let mut cars = Vec::new();
        for row in rows {
            let (id, bought, first) = row?;
            let Some(purchased_on) = parse_day(&bought) else {
                continue;
            };
            cars.push(NewCar {
                vehicle_id: id,
                purchased_on,
                first_maintenance_on: first.map(|t| local_day(t, q.offset)),
            });
        }
        Ok(cars)
    }
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Appointments that started in [start, end), by status.
pub fn show(
    conn: &Connection,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<ShowRate> {
    let mut stmt = conn.prepare_cached(
        "SELECT status FROM appointments WHERE starts_at >= ?1 AND starts_at < ?2",
    )?;
    let rows = stmt.query_map(params![start, end], |r| text(r, 0))?;
    let mut rate = ShowRate::default();
    for s in rows {
        rate.add(AppointmentStatus::from_code(&s?).unwrap_or(AppointmentStatus::Booked));
    }
    Ok(rate)
}

/// What the cars with declined items had done on later visits.
pub fn later_work(conn: &Connection, declined: &[DeclinedItem]) -> StoreResult<Vec<LaterWork>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.vehicle_id, r.checked_in_at, l.kind, l.op_code, l.part_number, l.description
         FROM repair_orders r JOIN ro_lines l ON l.ro_id = r.id
         WHERE r.vehicle_id = ?1 AND r.checked_in_at > ?2
           AND l.approval IN ('original', 'approved')",
    )?;
    let mut cars: Vec<(i64, DateTime<Utc>)> = declined
        .iter()
        .map(|d| (d.vehicle_id, d.declined_at))
        .collect();
    cars.sort();
    cars.dedup_by_key(|c| c.0);
    let mut out = Vec::new();
    for (vehicle, since) in cars {
        let rows = stmt.query_map(params![vehicle, since], |r| {
            let part = text(r, 2)? == "part";
            Ok(LaterWork {
                vehicle_id: r.get(0)?,
                at: r.get(1)?,
                code: if part { text(r, 4)? } else { text(r, 3)? },
                description: text(r, 5)?,
            })
        })?;
        for w in rows {
            out.push(w?);
        }
    }
    Ok(out)
}

/// "369": every customer by their last visit before `end`.
pub fn lost(conn: &Connection, end: DateTime<Utc>, q: &ReportQuery) -> StoreResult<LostCounts> {
    let mut stmt = conn.prepare_cached(
        "SELECT max(checked_in_at) FROM repair_orders INDEXED BY repair_orders_customer_visit
         WHERE checked_in_at < ?1 GROUP BY customer_id",
    )?;
    let as_of = local_day(q.as_of(), q.offset);
    let mut counts = LostCounts::default();
    let mut rows = stmt.query(params![end])?;
    while let Some(r) = rows.next()? {
        if let Some(t) = r.get::<_, Option<DateTime<Utc>>>(0)? {
            counts.add(local_day(t, q.offset), as_of);
        }
    }
    Ok(counts)
}

/// Complaints received before `end`, open then or closed during the period.
pub fn complaints(
    conn: &Connection,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> StoreResult<Vec<ComplaintFact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, received_at,
                CASE WHEN status IN ('resolved', 'closed') THEN coalesce(resolved_at, received_at) END,
                reply_by
         FROM complaints
         WHERE received_at < ?2
           AND (status IN ('open', 'escalated') OR received_at >= ?1 OR resolved_at >= ?1)",
    )?;
    let rows = stmt.query_map(params![start, end], |r| {
        Ok(ComplaintFact {
            id: r.get(0)?,
            received_at: r.get(1)?,
            closed_at: r.get(2)?,
            reply_by: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The whole report; `lost` reads every customer's last visit, which a
/// trend does not need.
pub fn report(
    conn: &Connection,
    q: &ReportQuery,
    with_lost: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> StoreResult<Report> {
    // Reading the file through a memory map saves a system call per page
    // on a long range; the connection goes back to plain reads after.
    conn.pragma_update(None, "mmap_size", 1i64 << 32)?;
    let result = assemble(&Facts(conn), q, with_lost, progress);
    conn.pragma_update(None, "mmap_size", 0)?;
    result
}

/// The report's questions, answered from the shop file.
pub struct Facts<'a>(pub &'a Connection);

impl ReportFacts for Facts<'_> {
    fn settings(&self) -> StoreResult<Settings> {
        super::admin::settings(self.0)
    }
    fn count_delivered(&self, b: Bounds) -> StoreResult<u64> {
        count_delivered(self.0, b)
    }
    fn delivered(&self, b: Bounds, each: &mut dyn FnMut(&RoFacts)) -> StoreResult<()> {
        delivered(self.0, b, self.settings()?.tax_rate_bp, each)
    }
    fn visits(&self, b: Bounds, each_car: &mut dyn FnMut(&[Visit])) -> StoreResult<()> {
        visits(self.0, b, each_car)
    }
    fn scores(&self, b: Bounds) -> StoreResult<Vec<i64>> {
        scores(self.0, b)
    }
    fn new_cars(&self, q: &ReportQuery) -> StoreResult<Vec<NewCar>> {
        new_cars(self.0, q)
    }
    fn show(&self, b: Bounds) -> StoreResult<ShowRate> {
        show(self.0, b)
    }
    fn later_work(&self, declined: &[DeclinedItem]) -> StoreResult<Vec<LaterWork>> {
        later_work(self.0, declined)
    }
    fn complaints(&self, b: Bounds) -> StoreResult<Vec<ComplaintFact>> {
        complaints(self.0, b)
    }
    fn lost(&self, end: DateTime<Utc>, q: &ReportQuery) -> StoreResult<LostCounts> {
        lost(self.0, end, q)
    }
    fn score_rows(&self, b: Bounds) -> StoreResult<Vec<DrillRow>> {
        super::report_lists::scores(self.0, b)
    }
    fn no_show_rows(&self, b: Bounds) -> StoreResult<Vec<DrillRow>> {
        super::report_lists::no_shows(self.0, b)
    }
    fn complaint_link(&self, id: i64) -> StoreResult<(i64, Option<i64>)> {
        super::report_lists::complaint_link(self.0, id)
    }
    fn plate(&self, vehicle_id: i64) -> StoreResult<String> {
        super::report_lists::plate(self.0, vehicle_id)
    }
    fn owner_of(&self, vehicle_id: i64) -> StoreResult<Option<i64>> {
        super::customers::owner_of(self.0, vehicle_id)
    }
    fn fill_names(&self, rows: &mut [DrillRow]) -> StoreResult<()> {
        super::report_lists::fill_names(self.0, rows)
    }
}
