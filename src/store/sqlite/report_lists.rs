//! The rows behind a report's figures (drill-down) and what is still open
//! at the close of the day. Each list re-reads the same facts as the
//! figure it explains, through the same domain rules, so the list and the
//! count never disagree.

use super::report::{delivered, new_cars, visits, RoFacts};
use super::text::text;
use crate::domain::report::kpi::{self, Visit};
use crate::domain::report::{Drill, RoFigures};
use crate::domain::Money;
use crate::store::report::{DrillRow, ReportQuery, StillOpen, DRILL_ROWS};
use crate::store::StoreResult;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// The rows behind `drill` in the period, at most [`DRILL_ROWS`].
pub fn drill(conn: &Connection, q: &ReportQuery, drill: Drill) -> StoreResult<Vec<DrillRow>> {
    let mut rows = match drill {
        Drill::CarsIn | Drill::Comebacks => checked_in(conn, q, drill == Drill::Comebacks)?,
        Drill::Scores => scores(conn, q)?,
        Drill::NoFirstMaintenance => no_first_maintenance(conn, q)?,
        Drill::NoShows => no_shows(conn, q)?,
        Drill::Complaints => complaints(conn, q)?,
        _ => from_delivered(conn, q, drill)?,
    };
    rows.truncate(DRILL_ROWS);
    fill_names(conn, &mut rows)?;
    Ok(rows)
}

/// Whether a delivered RO is behind `drill`, and the amount to show.
fn behind(
    drill: Drill,
    ro: &RoFacts,
    f: &RoFigures,
    as_of: DateTime<Utc>,
) -> Option<(String, Money)> {
    let cat = ro.category.code().to_string();
    let d = ro.delivered();
    let hit = match drill {
        Drill::CarsOut => true,
        Drill::Category(c) => ro.category == c,
        Drill::Payer(p) => f.paid_by(p),
        Drill::Advisor(a) => ro.advisor_id == a,
        Drill::Group(g) => ro.group_id == g,
        Drill::Arrears => return (f.arrears.0 > 0).then_some((cat, f.arrears)),
        Drill::NotCalled { warranty } => {
            (!warranty || d.warranty) && d.call_due(as_of) && !d.called
        }
        Drill::Late => d.on_time() == Some(false),
        Drill::Declined => {
            let n = ro.declined().count();
            return (n > 0).then(|| (format!("{n} declined"), f.total));
        }
        _ => false,
    };
    hit.then_some((cat, f.total))
}

fn from_delivered(conn: &Connection, q: &ReportQuery, drill: Drill) -> StoreResult<Vec<DrillRow>> {
    let tax = super::admin::settings(conn)?.tax_rate_bp;
    let as_of = q.as_of();
    let mut out = Vec::new();
    delivered(conn, q.bounds(), &mut |ro| {
        if out.len() >= DRILL_ROWS {
            return;
        }
        let f = ro.figures(tax);
        if let Some((what, amount)) = behind(drill, ro, &f, as_of) {
            out.push(DrillRow {
                ro_id: Some(ro.id),
                customer_id: Some(ro.customer_id),
                at: Some(ro.delivered_at),
                number: ro.number.clone(),
                what,
                amount: Some(amount),
                ..DrillRow::default()
            });
        }
    })?;
    Ok(out)
}

fn checked_in(
    conn: &Connection,
    q: &ReportQuery,
    comebacks_only: bool,
) -> StoreResult<Vec<DrillRow>> {
    let days = super::admin::settings(conn)?.report_targets.comeback_days;
    let (start, end) = q.bounds();
    let mut out = Vec::new();
    visits(
        conn,
        (start - Duration::days(days), end),
        &mut |car: &[Visit]| {
            let back = kpi::comebacks(car, start, days);
            for v in car.iter().filter(|v| v.checked_in_at >= start) {
                let is_back = back.contains(&v.ro_id);
                if out.len() < DRILL_ROWS && (is_back || !comebacks_only) {
                    out.push(DrillRow {
                        ro_id: Some(v.ro_id),
                        at: Some(v.checked_in_at),
                        what: v.category.code().to_string() + if is_back { " ↺" } else { "" },
                        ..DrillRow::default()
                    });
                }
            }
        },
    )?;
    out.sort_by_key(|r| r.at);
    Ok(out)
}

fn scores(conn: &Connection, q: &ReportQuery) -> StoreResult<Vec<DrillRow>> {
    let (start, end) = q.bounds();
    let mut stmt = conn.prepare_cached(
        "SELECT c.at, c.satisfaction, c.customer_id, cb.ro_id, cb.kind
         FROM contacts c INDEXED BY contacts_at JOIN callbacks cb ON cb.id = c.callback_id
         WHERE c.at >= ?1 AND c.at < ?2 AND c.satisfaction IS NOT NULL
         ORDER BY c.satisfaction, c.at LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![start, end, DRILL_ROWS as i64], |r| {
        Ok(DrillRow {
            at: r.get(0)?,
            what: format!("{}/5 {}", r.get::<_, i64>(1)?, text(r, 4)?),
            customer_id: r.get(2)?,
            ro_id: r.get(3)?,
            ..DrillRow::default()
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn no_first_maintenance(conn: &Connection, q: &ReportQuery) -> StoreResult<Vec<DrillRow>> {
    let mut out = Vec::new();
    for car in new_cars(conn, q)? {
        if !q.period.contains(car.due_by()) || car.returned() {
            continue;
        }
        out.push(DrillRow {
            customer_id: super::customers::owner_of(conn, car.vehicle_id)?,
            plate: plate(conn, car.vehicle_id)?,
            what: format!("bought {} · due {}", car.purchased_on, car.due_by()),
            ..DrillRow::default()
        });
    }
    Ok(out)
}

fn plate(conn: &Connection, vehicle_id: i64) -> StoreResult<String> {
    Ok(conn
        .prepare_cached("SELECT plate FROM vehicles WHERE id = ?1")?
        .query_row([vehicle_id], |r| text(r, 0))
        .optional()?
        .unwrap_or_default())
}

fn no_shows(conn: &Connection, q: &ReportQuery) -> StoreResult<Vec<DrillRow>> {
    let (start, end) = q.bounds();
    let mut stmt = conn.prepare_cached(
        "SELECT a.starts_at, a.customer_id, a.ro_id, coalesce(v.plate, ''), a.requested_work
         FROM appointments a LEFT JOIN vehicles v ON v.id = a.vehicle_id
         WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.status = 'no_show'
         ORDER BY a.starts_at LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![start, end, DRILL_ROWS as i64], |r| {
        Ok(DrillRow {
            at: r.get(0)?,
            customer_id: r.get(1)?,
            ro_id: r.get(2)?,
            plate: text(r, 3)?,
            what: format!("no-show: {}", text(r, 4)?),
            ..DrillRow::default()
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Complaints opened in the period, and those overdue at its end.
fn complaints(conn: &Connection, q: &ReportQuery) -> StoreResult<Vec<DrillRow>> {
    let (start, end) = q.bounds();
    let as_of = q.as_of();
    let facts = super::report::complaints(conn, (start, end))?;
    let mut out = Vec::new();
    for c in facts {
        let overdue = c.overdue(as_of);
        if !(overdue || (start <= c.received_at && c.received_at < end)) {
            continue;
        }
        let (customer, ro): (i64, Option<i64>) = conn
            .prepare_cached("SELECT customer_id, ro_id FROM complaints WHERE id = ?1")?
            .query_row([c.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        out.push(DrillRow {
            ro_id: ro,
            customer_id: Some(customer),
            at: Some(c.received_at),
            number: format!("C-{}", c.id),
            what: if overdue {
                "overdue".into()
            } else if c.closed_at.is_some() {
                "closed".into()
            } else {
                "open".into()
            },
            ..DrillRow::default()
        });
    }
    Ok(out)
}

/// RO number, plate and customer name for each row.
fn fill_names(conn: &Connection, rows: &mut [DrillRow]) -> StoreResult<()> {
    let mut ro = conn.prepare_cached(
        "SELECT r.number, v.plate, c.name, r.customer_id FROM repair_orders r
         JOIN vehicles v ON v.id = r.vehicle_id JOIN customers c ON c.id = r.customer_id
         WHERE r.id = ?1",
    )?;
    let mut customer = conn.prepare_cached("SELECT name FROM customers WHERE id = ?1")?;
    for row in rows.iter_mut() {
        if let Some(id) = row.ro_id {
            let found = ro
                .query_row([id], |r| {
                    Ok((text(r, 0)?, text(r, 1)?, text(r, 2)?, r.get(3)?))
                })
                .optional()?;
            if let Some((number, plate, name, cust)) = found {
                if row.number.is_empty() {
                    row.number = number;
                }
                row.plate = plate;
                row.customer = name;
                row.customer_id = Some(cust);
            }
        } else if let Some(id) = row.customer_id {
            row.customer = customer
                .query_row([id], |r| text(r, 0))
                .optional()?
                .unwrap_or_default();
        }
    }
    Ok(())
}

/// At the close of the day: cars in the shop (checked in, not delivered; a
/// booked RO's car has not come), calls due by midnight and not made,
/// complaints past their reply time.
pub fn still_open(conn: &Connection, q: &ReportQuery) -> StoreResult<StillOpen> {
    let day_end = crate::domain::report::Period::day(crate::domain::report::period::local_day(
        q.now, q.offset,
    ))
    .bounds(q.offset)
    .1;
    let sql = format!(
        "SELECT id, promised_at, status FROM repair_orders
         WHERE status IN ({}) AND status <> 'booked'
         ORDER BY promised_at IS NULL, promised_at LIMIT ?1",
        super::board::open_status_list()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let cars = stmt
        .query_map([DRILL_ROWS as i64], |r| {
            Ok(DrillRow {
                ro_id: Some(r.get(0)?),
                at: r.get(1)?,
                what: text(r, 2)?,
                ..DrillRow::default()
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, customer_id, ro_id, kind, due_at FROM callbacks
         WHERE status = 'open' AND due_at < ?1 ORDER BY priority, due_at LIMIT ?2",
    )?;
    let calls = stmt
        .query_map(params![day_end, DRILL_ROWS as i64], |r| {
            Ok(DrillRow {
                number: format!("CB-{}", r.get::<_, i64>(0)?),
                customer_id: r.get(1)?,
                ro_id: r.get(2)?,
                what: text(r, 3)?,
                at: r.get(4)?,
                ..DrillRow::default()
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let calls_total = conn
        .prepare_cached("SELECT count(*) FROM callbacks WHERE status = 'open' AND due_at < ?1")?
        .query_row(params![day_end], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, customer_id, ro_id, reply_by FROM complaints
         WHERE status IN ('open', 'escalated') AND reply_by < ?1 ORDER BY reply_by LIMIT ?2",
    )?;
    let complaints = stmt
        .query_map(params![q.now, DRILL_ROWS as i64], |r| {
            Ok(DrillRow {
                number: format!("C-{}", r.get::<_, i64>(0)?),
                customer_id: r.get(1)?,
                ro_id: r.get(2)?,
                at: r.get(3)?,
                what: "reply overdue".into(),
                ..DrillRow::default()
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut open = StillOpen {
        cars,
        calls,
        calls_total,
        complaints,
    };
    fill_names(conn, &mut open.cars)?;
    fill_names(conn, &mut open.calls)?;
    fill_names(conn, &mut open.complaints)?;
    Ok(open)
}

/// Advisors (every user, past ones too) and work groups by id.
pub fn names(conn: &Connection) -> StoreResult<crate::store::report::ReportNames> {
    let mut n = crate::store::report::ReportNames::default();
    let mut stmt = conn.prepare_cached("SELECT id, login FROM users")?;
    for r in stmt.query_map([], |r| Ok((r.get(0)?, text(r, 1)?)))? {
        let (id, login) = r?;
        n.advisors.insert(id, login);
    }
    let mut stmt = conn.prepare_cached("SELECT id, name FROM work_groups")?;
    for r in stmt.query_map([], |r| Ok((r.get(0)?, text(r, 1)?)))? {
        let (id, name) = r?;
        n.groups.insert(id, name);
    }
    Ok(n)
}
