//! `frontdesk import` and `frontdesk export`: checked records written in one
//! transaction, matched to what the shop already holds so that importing
//! the same file twice creates nothing twice; and the shop read back out in
//! the import's own columns.

use super::audit;
use super::desk::permit;
use super::text::text;
use crate::domain::audit::AuditEvent;
use crate::domain::book::events::FileEvent;
use crate::domain::import::{Record, Visit, FIELDS};
use crate::domain::plate::normalize_plate;
use crate::domain::roles::Permission;
use crate::domain::Money;
use crate::store::book::{Export, Imported};
use crate::store::{Actor, StoreResult};
use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

pub fn apply(
    tx: &Transaction<'_>,
    records: &[Record],
    file: &str,
    progress: &mut dyn FnMut(u64),
    by: Actor<'_>,
) -> StoreResult<Imported> {
    permit(tx, by, Permission::ImportData)?;
    let mut n = Imported::default();
    for (i, r) in records.iter().enumerate() {
        let customer = customer(tx, r, by, &mut n)?;
        let vehicle = vehicle(tx, r, customer, by, &mut n)?;
        if let (Some(v), Some(visit)) = (vehicle, &r.visit) {
            history(tx, visit, customer, v, by, &mut n)?;
        }
        if i % 500 == 0 {
            progress(i as u64);
        }
    }
    progress(records.len() as u64);
    let summary = n.words();
    let event = AuditEvent::File(FileEvent::Imported {
        file: file.into(),
        summary,
    });
    audit(tx, by, 0, &event)?;
    Ok(n)
}

/// The customer already on file with this phone (or, without a phone, this
/// name and no phone), else a new one.
fn customer(tx: &Transaction<'_>, r: &Record, by: Actor<'_>, n: &mut Imported) -> StoreResult<i64> {
    let found: Option<i64> = if r.phone.is_empty() {
        tx.prepare_cached("SELECT id FROM customers WHERE name = ?1 AND phone = '' AND merged_into IS NULL LIMIT 1")?
            .query_row([&r.name], |row| row.get(0))
            .optional()?
    } else {
        tx.prepare_cached(
            "SELECT id FROM customers WHERE phone = ?1 AND merged_into IS NULL LIMIT 1",
        )?
        .query_row([&r.phone], |row| row.get(0))
        .optional()?
    };
    if let Some(id) = found {
        n.customers_matched += 1;
        return Ok(id);
    }
    tx.prepare_cached(
        "INSERT INTO customers (name, phone, phone2, email, wechat, address, preferred_contact, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![r.name, r.phone, r.phone2, r.email, r.wechat, r.address, r.preferred_contact, by.at])?;
    n.customers_new += 1;
    Ok(tx.last_insert_rowid())
}

/// The car already on file with this VIN (or plate), else a new one; its
/// owner now becomes this customer.
fn vehicle(
    tx: &Transaction<'_>,
    r: &Record,
    customer: i64,
    by: Actor<'_>,
    n: &mut Imported,
) -> StoreResult<Option<i64>> {
    if r.plate.is_empty() && r.vin.is_empty() {
        return Ok(None);
    }
    let norm = normalize_plate(&r.plate);
    let found: Option<i64> = if r.vin.is_empty() {
        tx.prepare_cached("SELECT id FROM vehicles WHERE plate_norm = ?1 LIMIT 1")?
            .query_row([&norm], |row| row.get(0))
            .optional()?
    } else {
        tx.prepare_cached("SELECT id FROM vehicles WHERE vin = ?1 LIMIT 1")?
            .query_row([&r.vin], |row| row.get(0))
            .optional()?
    };
    let id = match found {
        Some(id) => {
            n.vehicles_matched += 1;
            id
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO vehicles (vin, plate, plate_norm, make, model, year, colour, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            )?
            .execute(params![r.vin, r.plate, norm, r.make, r.model, r.year, r.colour, by.at])?;
            n.vehicles_new += 1;
            tx.last_insert_rowid()
        }
    };
    let owner: Option<i64> = tx
        .prepare_cached(
            "SELECT customer_id FROM vehicle_owners WHERE vehicle_id = ?1 AND until IS NULL",
        )?
        .query_row([id], |row| row.get(0))
        .optional()?;
    if owner != Some(customer) {
        tx.execute(
            "UPDATE vehicle_owners SET until = ?2 WHERE vehicle_id = ?1 AND until IS NULL",
            params![id, by.at],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO vehicle_owners (vehicle_id, customer_id, since) VALUES (?1, ?2, ?3)",
            params![id, customer, by.at],
        )?;
    }
    Ok(Some(id))
}

/// A past visit, delivered on its date, with its total as one line; an RO
/// number already on file is the same visit and is left alone.
fn history(
    tx: &Transaction<'_>,
    v: &Visit,
    customer: i64,
    vehicle: i64,
    by: Actor<'_>,
    n: &mut Imported,
) -> StoreResult<()> {
    let exists: Option<i64> = tx
        .prepare_cached("SELECT id FROM repair_orders WHERE number = ?1")?
        .query_row([&v.ro_number], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        n.visits_matched += 1;
        return Ok(());
    }
    let at: DateTime<Utc> = v
        .date
        .and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon"))
        .and_utc();
    tx.prepare_cached(
        "INSERT INTO repair_orders (number, vehicle_id, customer_id, status, category, concerns, odometer_in_km,
             checked_in_at, delivered_at, created_at, updated_at, advisor_id)
         VALUES (?1, ?2, ?3, 'delivered', ?4, ?5, ?6, ?7, ?7, ?7, ?8, ?9)",
    )?
    .execute(params![v.ro_number, vehicle, customer, v.category, v.work, v.odometer, at, by.at, by.user_id])?;
    let ro = tx.last_insert_rowid();
    if v.amount > 0 {
        tx.prepare_cached(
            "INSERT INTO ro_lines (ro_id, sort, kind, description, quantity_milli, unit_price_minor)
             VALUES (?1, 0, 'fee', ?2, 1000, ?3)",
        )?
        .execute(params![ro, v.work, v.amount])?;
    }
    if let Some(km) = v.odometer {
        tx.execute(
            "UPDATE vehicles SET last_odometer_km = ?2, last_odometer_at = ?3
             WHERE id = ?1 AND (last_odometer_at IS NULL OR last_odometer_at < ?3)",
            params![vehicle, km, at],
        )?;
    }
    n.visits_new += 1;
    Ok(())
}

/// The headers of each export; customers, vehicles and ROs use the
/// import's own field names, so an export reads back through the import.
pub fn headers(what: Export) -> &'static [&'static str] {
    match what {
        // The import's own fields up to the car's colour: it reads them back.
        Export::Customers => &FIELDS[..13],
        Export::Vehicles => &[
            "plate", "vin", "make", "model", "year", "colour", "name", "phone",
        ],
        Export::Ros => &[
            "ro_number",
            "date",
            "status",
            "plate",
            "vin",
            "name",
            "phone",
            "category",
            "odometer",
            "work",
            "amount",
            "lines",
        ],
    }
}

/// Streams the rows of an export to `sink`; returns how many.
pub fn export(
    conn: &Connection,
    what: Export,
    sink: &mut dyn FnMut(&[String]) -> StoreResult<()>,
) -> StoreResult<u64> {
    let sql = match what {
        Export::Customers => {
            "SELECT c.name, c.phone, c.phone2, c.email, c.wechat, c.address, c.preferred_contact,
                    coalesce(v.plate, ''), coalesce(v.vin, ''), coalesce(v.make, ''), coalesce(v.model, ''),
                    coalesce(v.year, ''), coalesce(v.colour, '')
             FROM customers c
             LEFT JOIN vehicle_owners o ON o.customer_id = c.id AND o.until IS NULL
             LEFT JOIN vehicles v ON v.id = o.vehicle_id
             WHERE c.merged_into IS NULL ORDER BY c.id"
        }
        Export::Vehicles => {
            "SELECT v.plate, v.vin, v.make, v.model, coalesce(v.year, ''), v.colour, c.name, c.phone
             FROM vehicles v
             JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
             JOIN customers c ON c.id = o.customer_id ORDER BY v.id"
        }
        Export::Ros => {
            "SELECT ro.number, substr(coalesce(ro.delivered_at, ro.checked_in_at, ro.created_at), 1, 10), ro.status,
                    v.plate, v.vin, c.name, c.phone, ro.category, coalesce(ro.odometer_in_km, ''), ro.concerns,
                    (SELECT coalesce(sum(quantity_milli * unit_price_minor / 1000), 0) FROM ro_lines l
                      WHERE l.ro_id = ro.id AND l.approval != 'declined'),
                    (SELECT coalesce(group_concat(l.kind || ':' || l.description || ':' || l.approval, ' | '), '')
                      FROM ro_lines l WHERE l.ro_id = ro.id)
             FROM repair_orders ro JOIN vehicles v ON v.id = ro.vehicle_id JOIN customers c ON c.id = ro.customer_id
             ORDER BY ro.id"
        }
    };
    let width = headers(what).len();
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    let mut fields = vec![String::new(); width];
    while let Some(row) = rows.next()? {
        for (i, f) in fields.iter_mut().enumerate() {
            *f = text(row, i)?;
        }
        if what == Export::Ros {
            // Money in the file as the import reads it: 880.50.
            fields[10] = Money(fields[10].parse().unwrap_or(0)).decimal();
        }
        sink(&fields)?;
        count += 1;
    }
    Ok(count)
}
