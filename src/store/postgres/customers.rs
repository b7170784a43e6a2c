//! Customer and car files (F7) on the group server. Customers and cars are
//! the group's, so a file shows every visit at every shop one may see, and
//! another shop's RO carries its shop's code. An edit locks the customer's
//! row, so of two saves from the same version the second is a conflict.
//! A merge moves every record of the duplicate, and refuses when some of
//! them are in shops the manager may not see (they would stay behind).

use super::admin::permit;
use super::audit::append as audit;
use super::callbacks::{facts, policy, sweep, Scope};
use super::calls::{complaints, contacts};
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
use chrono::{DateTime, Utc};
use postgres::GenericClient;

const DETAILS: &str = "SELECT name, phone, phone2, email, wechat, preferred_contact,
        preferred_time, address, wishes, notes, do_not_contact, membership, points, version,
        merged_into
    FROM customers WHERE id = $1";

/// The file's details, its version and what it was merged into; with
/// `lock`, the row is held until commit.
fn details(
    c: &mut impl GenericClient,
    id: i64,
    lock: bool,
) -> StoreResult<(CustomerDetails, i64, Option<i64>)> {
    let sql = match lock {
        true => format!("{DETAILS} FOR UPDATE"),
        false => DETAILS.to_string(),
    };
    let r = c
        .query_opt(&sql, &[&id])?
        .ok_or_else(|| StoreError::NotFound(format!("customer {id}")))?;
    let d = CustomerDetails {
        name: r.get(0),
        phone: r.get(1),
        phone2: r.get(2),
        email: r.get(3),
        wechat: r.get(4),
        preferred_contact: r.get(5),
        preferred_time: r.get(6),
        address: r.get(7),
        wishes: r.get(8),
        notes: r.get(9),
        do_not_contact: r.get::<_, i64>(10) != 0,
        membership: r.get(11),
        points: r.get(12),
    };
    Ok((d, r.get(13), r.get(14)))
}

pub fn full(c: &mut impl GenericClient, id: i64, now: DateTime<Utc>) -> StoreResult<FullFile> {
    let (details, version, merged_into) = details(c, id, false)?;
    let mut cars = cars(c, id)?;
    next_due(c, id, now, &mut cars)?;
    Ok(FullFile {
        customer_id: id,
        version,
        details,
        cars,
        complaints: complaints(c, id, 50)?,
        contacts: contacts(c, id, 50)?,
        appointments: super::book::for_customer(c, id)?,
        merged_into,
    })
}

/// Cars owned now first, then those owned before, each with its visits.
fn cars(c: &mut impl GenericClient, customer_id: i64) -> StoreResult<Vec<CarFile>> {
    let rows = c.query(
        "SELECT v.id, v.plate, v.vin, v.make, v.model, v.year, o.since, o.until,
                v.last_odometer_km, v.next_service_due_on, v.next_service_due_km
         FROM vehicle_owners o JOIN vehicles v ON v.id = o.vehicle_id
         WHERE o.customer_id = $1 ORDER BY o.until IS NOT NULL, o.since DESC",
        &[&customer_id],
    )?;
    let mut cars = Vec::new();
    for r in rows {
        let vehicle_id: i64 = r.get(0);
        cars.push(CarFile {
            vehicle_id,
            plate: r.get(1),
            vin: r.get(2),
            make: r.get(3),
            model: r.get(4),
            year: r.get(5),
            since: r.get(6),
            until: r.get(7),
            last_odometer_km: r.get(8),
            next_due: None,
            next_due_on: r.get(9),
            next_due_km: r.get(10),
            visits: visits(c, vehicle_id)?,
        });
    }
    Ok(cars)
}

/// Every visit of a car at the shops one may see, newest first.
fn visits(c: &mut impl GenericClient, vehicle_id: i64) -> StoreResult<Vec<VisitFile>> {
    let rows = c.query(
        "SELECT ro.id, CASE WHEN ro.shop_id = frontdesk_shop() THEN ro.number
                            ELSE s.code || '·' || ro.number END,
                ro.status, ro.category, ro.checked_in_at, ro.delivered_at, ro.odometer_in_km,
                ro.concerns, ro.customer_id
         FROM repair_orders ro JOIN shops s ON s.id = ro.shop_id
         WHERE ro.vehicle_id = $1 ORDER BY ro.id DESC",
        &[&vehicle_id],
    )?;
    let mut visits = Vec::new();
    for r in rows {
        let ro_id: i64 = r.get(0);
        visits.push(VisitFile {
            ro_id,
            number: r.get(1),
            status: r.get(2),
            category: r.get(3),
            checked_in_at: r.get(4),
            delivered_at: r.get(5),
            odometer: r.get(6),
            concerns: r.get(7),
            lines: lines(c, ro_id)?,
            payments: payments(c, ro_id)?,
            customer_id: r.get(8),
        });
    }
    Ok(visits)
}

fn lines(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<Vec<FileLine>> {
    Ok(c.query(
        "SELECT kind, description, quantity_milli * unit_price_minor / 1000, approval
             FROM ro_lines WHERE ro_id = $1 ORDER BY sort",
        &[&ro_id],
    )?
    .iter()
    .map(|r| FileLine {
        kind: r.get(0),
        description: r.get(1),
        amount: Money(r.get(2)),
        approval: r.get(3),
    })
    .collect())
}

fn payments(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<Vec<FilePayment>> {
    Ok(c.query(
        "SELECT paid_at, amount_minor, method FROM payments WHERE ro_id = $1 ORDER BY id",
        &[&ro_id],
    )?
    .iter()
    .map(|r| FilePayment {
        at: r.get(0),
        amount: Money(r.get(1)),
        method: r.get(2),
    })
    .collect())
}

/// The next maintenance of each car the customer owns now, as the callback
/// rules reckon it.
fn next_due(
    c: &mut impl GenericClient,
    customer_id: i64,
    now: DateTime<Utc>,
    cars: &mut [CarFile],
) -> StoreResult<()> {
    let f = facts(c, Scope::Customer(customer_id), now)?;
    let p = policy(c, now)?;
    for due in rules::derive(&f, now, &p) {
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
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    d: &CustomerDetails,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::EditCustomers)?;
    let (old, stored, merged) = details(c, id, true)?;
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
    if write_details(c, id, &old, d, by)? {
        // Do-not-contact and the preferred time change what the queue may ask.
        sweep(c, Scope::Customer(id), by)?;
    }
    Ok(())
}

/// Writes the details over `old`, checked and audited field by field;
/// false when nothing changed.
fn write_details(
    c: &mut impl GenericClient,
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
    c.execute(
        "UPDATE customers SET name = $2, phone = $3, phone2 = $4, email = $5, wechat = $6,
             preferred_contact = $7, preferred_time = $8, address = $9, wishes = $10,
             notes = $11, do_not_contact = $12, membership = $13, points = $14,
             updated_at = $15, version = version + 1
         WHERE id = $1",
        &[
            &id,
            &new.name,
            &new.phone,
            &new.phone2,
            &new.email,
            &new.wechat,
            &new.preferred_contact,
            &new.preferred_time,
            &new.address,
            &new.wishes,
            &new.notes,
            &i64::from(new.do_not_contact),
            &new.membership,
            &new.points,
            &by.at,
        ],
    )?;
    let event = AuditEvent::File(FileEvent::CustomerEdited { changes });
    audit(c, by, id, &event)?;
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

pub fn merge(
    c: &mut impl GenericClient,
    keep: i64,
    gone: i64,
    by: Actor<'_>,
) -> StoreResult<Merged> {
    permit(c, by, Permission::MergeCustomers)?;
    if keep == gone {
        return Err(StoreError::Invalid(
            "pick two different customers to merge".into(),
        ));
    }
    // Both rows held until commit, in id order so two merges cannot deadlock.
    let (kept, dup) = if keep < gone {
        let k = details(c, keep, true)?;
        (k, details(c, gone, true)?)
    } else {
        let d = details(c, gone, true)?;
        (details(c, keep, true)?, d)
    };
    let ((kept, _, kept_merged), (dup, _, dup_merged)) = (kept, dup);
    if kept_merged.is_some() || dup_merged.is_some() {
        return Err(StoreError::Invalid(
            "one of these customers was already merged".into(),
        ));
    }
    let hidden: Option<i64> = c
        .query_one("SELECT frontdesk_rows_out_of_sight($1)", &[&gone])?
        .get(0);
    if hidden.unwrap_or(0) > 0 {
        return Err(StoreError::Invalid(format!(
            "{} also has records at shops you may not see; a manager of every shop \
             involved (or the group's administrator) must merge them, so nothing stays behind",
            dup.name
        )));
    }
    let mut counts = [0usize; 6];
    for (i, table) in OWNED.iter().enumerate() {
        // Table names are our own constants, not user input.
        let sql = format!("UPDATE {table} SET customer_id = $1 WHERE customer_id = $2");
        counts[i] = c.execute(&sql, &[&keep, &gone])? as usize;
    }
    // Ownership rows keep their dates; one the kept customer already has is
    // the same fact and stays once.
    let cars = c.execute(
        "UPDATE vehicle_owners o SET customer_id = $1 WHERE o.customer_id = $2
           AND NOT EXISTS (SELECT 1 FROM vehicle_owners k WHERE k.customer_id = $1
                           AND k.vehicle_id = o.vehicle_id AND k.since = o.since)",
        &[&keep, &gone],
    )? as usize;
    c.execute(
        "DELETE FROM vehicle_owners WHERE customer_id = $1",
        &[&gone],
    )?;
    fill_blanks(c, keep, &kept, &dup, by)?;
    c.execute(
        "UPDATE customers SET merged_into = $1, updated_at = $3, version = version + 1
         WHERE id = $2",
        &[&keep, &gone, &by.at],
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
    audit(c, by, keep, &event)?;
    audit(c, by, gone, &event)?;
    sweep(c, Scope::Customer(keep), by)?;
    Ok(merged)
}

/// The kept file takes what only the duplicate knew (part of the merge,
/// swept once at its end).
fn fill_blanks(
    c: &mut impl GenericClient,
    keep: i64,
    kept: &CustomerDetails,
    dup: &CustomerDetails,
    by: Actor<'_>,
) -> StoreResult<()> {
    write_details(c, keep, kept, &kept.taking_from(dup), by).map(|_| ())
}

pub fn owner_of(c: &mut impl GenericClient, vehicle_id: i64) -> StoreResult<Option<i64>> {
    Ok(c.query_opt(
        "SELECT customer_id FROM vehicle_owners WHERE vehicle_id = $1 AND until IS NULL",
        &[&vehicle_id],
    )?
    .map(|r| r.get(0)))
}
