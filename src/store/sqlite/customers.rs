//! Customer and vehicle files (F7, step 12): the whole file, audited edits,
//! and a manager's merge of two duplicates that keeps every record.

use super::callbacks::{self, Scope};
use super::calls::{file_complaints, file_contacts};
use super::desk::permit;
use super::text::{opt_text, text};
use super::{audit, book};
use crate::domain::audit::AuditEvent;
use crate::domain::book::events::FileEvent;
use crate::domain::callbacks::{rules, Kind};
use crate::domain::conflict::value_changes;
use crate::domain::roles::Permission;
use crate::domain::Money;
use crate::store::book::{
    CarFile, CustomerDetails, FileLine, FilePayment, FullFile, Merged, VisitFile,
};
use crate::store::{Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

fn details(conn: &Connection, id: i64) -> StoreResult<(CustomerDetails, i64, Option<i64>)> {
    conn.prepare_cached(
        "SELECT name, phone, phone2, email, wechat, preferred_contact, preferred_time, address, wishes,
                notes, do_not_contact, membership, points, version, merged_into
         FROM customers WHERE id = ?1",
    )?
    .query_row([id], |r| {
        let d = CustomerDetails {
            name: text(r, 0)?,
            phone: text(r, 1)?,
            phone2: text(r, 2)?,
            email: text(r, 3)?,
            wechat: text(r, 4)?,
            preferred_contact: text(r, 5)?,
            preferred_time: text(r, 6)?,
            address: text(r, 7)?,
            wishes: text(r, 8)?,
            notes: text(r, 9)?,
            do_not_contact: r.get(10)?,
            membership: text(r, 11)?,
            points: r.get(12)?,
        };
        Ok((d, r.get(13)?, r.get(14)?))
    })
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("customer {id}")))
}

pub fn full(conn: &Connection, id: i64, now: DateTime<Utc>) -> StoreResult<FullFile> {
    let (details, version, merged_into) = details(conn, id)?;
    let mut cars = cars(conn, id)?;
    next_due(conn, id, now, &mut cars)?;
    Ok(FullFile {
        customer_id: id,
        version,
        details,
        cars,
        complaints: file_complaints(conn, id, 50)?,
        contacts: file_contacts(conn, id, 50)?,
        appointments: book::for_customer(conn, id)?,
        merged_into,
    })
}

/// Cars owned now first, then those owned before, each with its visits.
fn cars(conn: &Connection, customer_id: i64) -> StoreResult<Vec<CarFile>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.plate, v.vin, v.make, v.model, v.year, o.since, o.until, v.last_odometer_km,
                v.next_service_due_on, v.next_service_due_km
         FROM vehicle_owners o JOIN vehicles v ON v.id = o.vehicle_id
         WHERE o.customer_id = ?1 ORDER BY o.until IS NOT NULL, o.since DESC",
    )?;
    let rows = stmt.query_map([customer_id], |r| {
        Ok(CarFile {
            vehicle_id: r.get(0)?,
            plate: text(r, 1)?,
            vin: text(r, 2)?,
            make: text(r, 3)?,
            model: text(r, 4)?,
            year: r.get(5)?,
            since: day(&text(r, 6)?),
            until: opt_text(r, 7)?.as_deref().and_then(day),
            last_odometer_km: r.get(8)?,
            next_due: None,
            next_due_on: r.get(9).ok().flatten(),
            next_due_km: r.get(10)?,
            visits: Vec::new(),
        })
    })?;
    let mut cars: Vec<CarFile> = rows.collect::<Result<_, _>>()?;
    for car in &mut cars {
        car.visits = visits(conn, car.vehicle_id)?;
    }
    Ok(cars)
}

/// The day of a stored date or time ("2024-05-01", "2026-11-23 02:00:00+00:00").
fn day(s: &str) -> Option<NaiveDate> {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// Every visit of a car (whoever owned it then), newest first, with lines
/// and payments.
fn visits(conn: &Connection, vehicle_id: i64) -> StoreResult<Vec<VisitFile>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, number, status, category, checked_in_at, delivered_at, odometer_in_km, concerns, customer_id
         FROM repair_orders WHERE vehicle_id = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([vehicle_id], |r| {
        Ok(VisitFile {
            ro_id: r.get(0)?,
            number: text(r, 1)?,
            status: text(r, 2)?,
            category: text(r, 3)?,
            checked_in_at: r.get(4).ok().flatten(),
            delivered_at: r.get(5).ok().flatten(),
            odometer: r.get(6)?,
            concerns: text(r, 7)?,
            lines: Vec::new(),
            payments: Vec::new(),
            customer_id: r.get(8)?,
        })
    })?;
    let mut visits: Vec<VisitFile> = rows.collect::<Result<_, _>>()?;
    for v in &mut visits {
        v.lines = lines(conn, v.ro_id)?;
        v.payments = payments(conn, v.ro_id)?;
    }
    Ok(visits)
}

fn lines(conn: &Connection, ro_id: i64) -> StoreResult<Vec<FileLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, description, quantity_milli * unit_price_minor / 1000, approval
         FROM ro_lines WHERE ro_id = ?1 ORDER BY sort",
    )?;
    let rows = stmt.query_map([ro_id], |r| {
        Ok(FileLine {
            kind: text(r, 0)?,
            description: text(r, 1)?,
            amount: Money(r.get(2)?),
            approval: text(r, 3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn payments(conn: &Connection, ro_id: i64) -> StoreResult<Vec<FilePayment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT paid_at, amount_minor, method FROM payments WHERE ro_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([ro_id], |r| {
        Ok(FilePayment {
            at: r.get(0)?,
            amount: Money(r.get(1)?),
            method: text(r, 2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The next maintenance of each car the customer owns now, as the callback
/// rules reckon it (first maintenance, or routine by date or mileage).
fn next_due(
    conn: &Connection,
    customer_id: i64,
    now: DateTime<Utc>,
    cars: &mut [CarFile],
) -> StoreResult<()> {
    let facts = callbacks::facts(conn, Scope::Customer(customer_id), now)?;
    let p = callbacks::policy(conn, now)?;
    for due in rules::derive(&facts, now, &p) {
        if !matches!(due.kind, Kind::MaintenanceDue | Kind::FirstMaintenance) {
            continue;
        }
        if let Some(car) = cars
            .iter_mut()
            .find(|c| Some(c.vehicle_id) == due.vehicle_id && c.until.is_none())
        {
            car.next_due = Some(due.reason.clone());
        }
    }
    Ok(())
}

pub fn save(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    d: &CustomerDetails,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::EditCustomers)?;
    let (old, stored, merged) = details(tx, id)?;
    if merged.is_some() {
        return Err(StoreError::Invalid(
            "this customer was merged into another; edit that file".into(),
        ));
    }
    if stored != version {
        return Err(StoreError::Conflict(
            "someone else saved this customer's file after you opened it; look again".into(),
        ));
    }
    if write_details(tx, id, &old, d, by)? {
        // Do-not-contact and the preferred time change what the queue may ask.
        callbacks::sweep(tx, Scope::Customer(id), by)?;
    }
    Ok(())
}

/// Writes the file's details over `old`, checked and audited field by
/// field; false when nothing changed (no row, no audit line).
fn write_details(
    tx: &Transaction<'_>,
    id: i64,
    old: &CustomerDetails,
    d: &CustomerDetails,
    by: Actor<'_>,
) -> StoreResult<bool> {
    let new = d.cleaned();
    new.check().map_err(StoreError::Invalid)?;
    let changes = value_changes(old, &new);
    if changes.is_empty() {
        return Ok(false);
    }
    tx.prepare_cached(
        "UPDATE customers SET name = ?2, phone = ?3, phone2 = ?4, email = ?5, wechat = ?6,
             preferred_contact = ?7, preferred_time = ?8, address = ?9, wishes = ?10, notes = ?11,
             do_not_contact = ?12, membership = ?13, points = ?14, updated_at = ?15, version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        new.name,
        new.phone,
        new.phone2,
        new.email,
        new.wechat,
        new.preferred_contact,
        new.preferred_time,
        new.address,
        new.wishes,
        new.notes,
        new.do_not_contact,
        new.membership,
        new.points,
        by.at
    ])?;
    audit(
        tx,
        by,
        id,
        &AuditEvent::File(FileEvent::CustomerEdited { changes }),
    )?;
    Ok(true)
}

/// Tables whose rows belong to a customer and move with a merge.
const OWNED: [&str; 6] = [
    "repair_orders",
    "appointments",
    "callbacks",
    "contacts",
    "complaints",
    "part_orders",
];

pub fn merge(tx: &Transaction<'_>, keep: i64, gone: i64, by: Actor<'_>) -> StoreResult<Merged> {
    permit(tx, by, Permission::MergeCustomers)?;
    if keep == gone {
        return Err(StoreError::Invalid(
            "pick two different customers to merge".into(),
        ));
    }
    let (kept, _, kept_merged) = details(tx, keep)?;
    let (dup, _, dup_merged) = details(tx, gone)?;
    if kept_merged.is_some() || dup_merged.is_some() {
        return Err(StoreError::Invalid(
            "one of these customers was already merged".into(),
        ));
    }
    let mut counts = [0usize; 6];
    for (i, table) in OWNED.iter().enumerate() {
        // Table names are our own constants, not user input.
        let sql = format!("UPDATE {table} SET customer_id = ?1 WHERE customer_id = ?2");
        counts[i] = tx.execute(&sql, params![keep, gone])?;
    }
    // Ownership rows keep their dates; an identical one already on the kept
    // customer is the same fact and stays once.
    let cars = tx.execute(
        "UPDATE OR IGNORE vehicle_owners SET customer_id = ?1 WHERE customer_id = ?2",
        params![keep, gone],
    )?;
    tx.execute("DELETE FROM vehicle_owners WHERE customer_id = ?1", [gone])?;
    fill_blanks(tx, keep, &kept, &dup, by)?;
    tx.execute(
        "UPDATE customers SET merged_into = ?1, updated_at = ?3, version = version + 1 WHERE id = ?2",
        params![keep, gone, by.at],
    )?;
    let merged = Merged {
        repair_orders: counts[0],
        appointments: counts[1],
        callbacks: counts[2],
        contacts: counts[3],
        complaints: counts[4],
        cars,
    };
    let moved = format!(
        "{} ROs, {} cars, {} appointments, {} callbacks, {} contacts, {} complaints",
        merged.repair_orders,
        merged.cars,
        merged.appointments,
        merged.callbacks,
        merged.contacts,
        merged.complaints
    );
    let event = AuditEvent::File(FileEvent::Merged {
        gone,
        name: dup.name.clone(),
        moved,
    });
    audit(tx, by, keep, &event)?;
    audit(tx, by, gone, &event)?;
    callbacks::sweep(tx, Scope::Customer(keep), by)?;
    Ok(merged)
}

/// The kept file takes what only the duplicate knew (part of the merge,
/// swept once at its end).
fn fill_blanks(
    tx: &Transaction<'_>,
    keep: i64,
    kept: &CustomerDetails,
    dup: &CustomerDetails,
    by: Actor<'_>,
) -> StoreResult<()> {
    write_details(tx, keep, kept, &kept.taking_from(dup), by).map(|_| ())
}

pub fn owner_of(conn: &Connection, vehicle_id: i64) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT customer_id FROM vehicle_owners WHERE vehicle_id = ?1 AND until IS NULL",
        )?
        .query_row([vehicle_id], |r| r.get(0))
        .optional()?)
}
