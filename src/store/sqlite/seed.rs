//! Writes a whole [`ShopSeed`] in one transaction (demo and benchmark data).

use super::audit;
use crate::domain::audit::AuditEvent;
use crate::domain::plate::normalize_plate;
use crate::store::seed::{SeedIds, SeedLine, SeedRo};
use crate::store::{Actor, ShopSeed, StoreResult};
use rusqlite::{params, Transaction};

pub fn write_shop(tx: &Transaction<'_>, shop: &ShopSeed, by: Actor<'_>) -> StoreResult<SeedIds> {
    for (key, value) in &shop.settings {
        tx.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
    }
    let users = insert_all(tx, &shop.users, |tx, u| {
        tx.execute(
            "INSERT INTO users (login, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![u.login, u.name, u.role.code(), by.at],
        )
    })?;
    let bays = insert_all(
        tx,
        &shop.bays.iter().enumerate().collect::<Vec<_>>(),
        |tx, (i, b)| {
            tx.execute(
                "INSERT INTO bays (code, name, kind, capacity, sort) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![b.code, b.name, b.kind.code(), b.capacity, *i as i64],
            )
        },
    )?;
    let groups = insert_all(tx, &shop.groups, |tx, g| {
        tx.execute("INSERT INTO work_groups (name) VALUES (?1)", [g])
    })?;
    let customers = insert_all(tx, &shop.customers, |tx, c| {
        tx.prepare_cached(
            "INSERT INTO customers (name, phone, preferred_contact, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        )?
        .execute(params![c.name, c.phone, c.preferred_contact, by.at])
    })?;
    let vehicles = insert_vehicles(tx, shop, &customers, by)?;
    let ids = Ids {
        users: &users,
        bays: &bays,
        groups: &groups,
        customers: &customers,
        vehicles: &vehicles,
    };
    let ros = shop
        .repair_orders
        .iter()
        .map(|ro| insert_ro(tx, ro, shop, &ids, by))
        .collect::<Result<Vec<i64>, _>>()?;
    write_followups(tx, shop, by)?;
    for job in &shop.canned_jobs {
        tx.prepare_cached("INSERT OR REPLACE INTO canned_jobs (op_code, description, hours_milli, category) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![job.op_code, job.description, job.hours_milli, job.category])?;
    }
    let event = AuditEvent::ShopSeeded {
        repair_orders: ros.len(),
    };
    audit(tx, by, 0, &event)?;
    Ok(SeedIds {
        users,
        bays,
        groups,
        customers,
        vehicles,
    })
}

fn insert_vehicles(
    tx: &Transaction<'_>,
    shop: &ShopSeed,
    customers: &[i64],
    by: Actor<'_>,
) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(shop.vehicles.len());
    for v in &shop.vehicles {
        tx.prepare_cached(
            "INSERT INTO vehicles (vin, plate, plate_norm, make, model, year, colour, purchased_on,
                 last_odometer_km, last_odometer_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10)",
        )?
        .execute(params![
            v.vin,
            v.plate,
            normalize_plate(&v.plate),
            v.make,
            v.model,
            v.year,
            v.colour,
            v.purchased_on,
            v.odometer_km,
            by.at
        ])?;
        let id = tx.last_insert_rowid();
        tx.prepare_cached(
            "INSERT INTO vehicle_owners (vehicle_id, customer_id, since) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![id, customers[v.owner], v.purchased_on])?;
        ids.push(id);
    }
    Ok(ids)
}

struct Ids<'a> {
    users: &'a [i64],
    bays: &'a [i64],
    groups: &'a [i64],
    customers: &'a [i64],
    vehicles: &'a [i64],
}

/// Inserts every item and returns the new row ids in order.
fn insert_all<T>(
    tx: &Transaction<'_>,
    items: &[T],
    mut insert: impl FnMut(&Transaction<'_>, &T) -> rusqlite::Result<usize>,
) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        insert(tx, item)?;
        ids.push(tx.last_insert_rowid());
    }
    Ok(ids)
}

/// Inserts one RO and its lines; returns the RO's id.
fn insert_ro(
    tx: &Transaction<'_>,
    ro: &SeedRo,
    shop: &ShopSeed,
    ids: &Ids<'_>,
    by: Actor<'_>,
) -> rusqlite::Result<i64> {
    let t = &ro.times;
    let owner = ids.customers[shop.vehicles[ro.vehicle].owner];
    tx.prepare_cached(
        "INSERT INTO repair_orders (number, vehicle_id, customer_id, advisor_id, work_group_id, bay_id, status,
             category, concerns, odometer_in_km, fuel_eighths, checked_in_at, promised_at, estimated_minutes,
             workshop_received_at, work_started_at, progress_checked_at, pickup_called_at, ready_at, delivered_at,
             signed_by_name, signed_at, created_at, updated_at, qc_passed_at, qc_passed_by, exit_notice_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
             ?21, ?12, coalesce(?12, ?22), coalesce(?12, ?22), ?23, ?24, ?25)",
    )?
    .execute(params![
        ro.number,
        ids.vehicles[ro.vehicle],
        owner,
        ids.users[ro.advisor],
        ro.group.map(|g| ids.groups[g]),
        ro.bay.map(|b| ids.bays[b]),
        ro.status.code(),
        ro.category,
        ro.concerns,
        ro.odometer_km,
        ro.fuel_eighths,
        t.checked_in_at,
        t.promised_at,
        t.estimated_minutes,
        t.workshop_received_at,
        t.work_started_at,
        t.progress_checked_at,
        t.pickup_called_at,
        t.ready_at,
        t.delivered_at,
        t.checked_in_at.map(|_| shop.customers[shop.vehicles[ro.vehicle].owner].name.clone()),
        by.at,
        t.qc_passed_at,
        t.qc_passed_at.map(|_| by.login),
        t.exit_notice_at,
    ])?;
    let ro_id = tx.last_insert_rowid();
    for (i, line) in ro.lines.iter().enumerate() {
        insert_line(tx, ro_id, i, line)?;
    }
    for (at, amount) in &ro.payments {
        tx.prepare_cached(
            "INSERT INTO payments (ro_id, amount_minor, method, paid_at, user_id) VALUES (?1, ?2, 'card', ?3, ?4)",
        )?
        .execute(params![ro_id, amount, at, ids.users[ro.advisor]])?;
    }
    Ok(ro_id)
}

fn insert_line(
    tx: &Transaction<'_>,
    ro_id: i64,
    sort: usize,
    l: &SeedLine,
) -> rusqlite::Result<usize> {
    let (op_code, part_number) = if l.kind == "part" {
        ("", l.code.as_str())
    } else {
        (l.code.as_str(), "")
    };
    tx.prepare_cached(
        "INSERT INTO ro_lines (ro_id, sort, kind, op_code, part_number, description, quantity_milli,
             unit_price_minor, payer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        ro_id,
        sort as i64,
        l.kind,
        op_code,
        part_number,
        l.description,
        l.quantity_milli,
        l.unit_price_minor,
        l.payer
    ])
}

fn write_followups(tx: &Transaction<'_>, shop: &ShopSeed, by: Actor<'_>) -> StoreResult<()> {
    for cb in &shop.callbacks {
        tx.prepare_cached(
            "INSERT INTO callbacks (customer_id, vehicle_id, ro_id, kind, due_at, due_until, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5 || ' 00:00:00+00:00', date(?5, '+7 days') || ' 00:00:00+00:00', ?6)",
        )?
        .execute(params![cb.customer_id, cb.vehicle_id, cb.ro_id, cb.kind, cb.due_on, by.at])?;
    }
    for ap in &shop.appointments {
        tx.prepare_cached(
            "INSERT INTO appointments (customer_id, vehicle_id, starts_at, ends_at, requested_work, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            ap.customer_id,
            ap.vehicle_id,
            ap.starts_at,
            ap.ends_at,
            ap.requested_work,
            by.at
        ])?;
    }
    Ok(())
}
