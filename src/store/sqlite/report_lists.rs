//! The report lists' own reads: the rows behind a score or a no-show, the
//! names on a drill-down row, and what is still open at the close of the
//! day. How a drill-down is chosen lives in `store::report_facts`.

use super::text::text;
use crate::store::report::{DrillRow, ReportQuery, StillOpen, DRILL_ROWS};
use crate::store::report_facts::Bounds;
use crate::store::StoreResult;
use rusqlite::{params, Connection, OptionalExtension};

pub fn scores(conn: &Connection, (start, end): Bounds) -> StoreResult<Vec<DrillRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.at, c.satisfaction, c.customer_id, cb.ro_id, cb.kind
         FROM contacts c INDEXED BY contacts_at JOIN callbacks cb ON cb.id = c.callback_id
         WHERE c.at >= ?1 AND c.at < ?2 AND c.satisfaction IS NOT NULL
         ORDER BY c.satisfaction, c.at, c.id LIMIT ?3",
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

pub fn plate(conn: &Connection, vehicle_id: i64) -> StoreResult<String> {
    Ok(conn
        .prepare_cached("SELECT plate FROM vehicles WHERE id = ?1")?
        .query_row([vehicle_id], |r| text(r, 0))
        .optional()?
        .unwrap_or_default())
}

pub fn no_shows(conn: &Connection, (start, end): Bounds) -> StoreResult<Vec<DrillRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.starts_at, a.customer_id, a.ro_id, coalesce(v.plate, ''), a.requested_work
         FROM appointments a LEFT JOIN vehicles v ON v.id = a.vehicle_id
         WHERE a.starts_at >= ?1 AND a.starts_at < ?2 AND a.status = 'no_show'
         ORDER BY a.starts_at, a.id LIMIT ?3",
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

/// A complaint's customer and RO.
pub fn complaint_link(conn: &Connection, id: i64) -> StoreResult<(i64, Option<i64>)> {
    Ok(conn
        .prepare_cached("SELECT customer_id, ro_id FROM complaints WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// RO number, plate and customer name for each row.
pub fn fill_names(conn: &Connection, rows: &mut [DrillRow]) -> StoreResult<()> {
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
         ORDER BY promised_at IS NULL, promised_at, id LIMIT ?1",
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
         WHERE status = 'open' AND due_at < ?1 ORDER BY priority, due_at, id LIMIT ?2",
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
         WHERE status IN ('open', 'escalated') AND reply_by < ?1 ORDER BY reply_by, id LIMIT ?2",
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
