//! `frontdesk import` on the group server: checked records written in one
//! transaction and matched to what the group already holds (customers by
//! phone, cars by VIN or plate: they are the group's), so importing the
//! same file twice creates nothing twice. Past visits become ROs of the
//! working shop, whose numbers they keep. As on the file.

use super::admin::permit;
use super::audit::append as audit;
use crate::domain::audit::AuditEvent;
use crate::domain::book::events::FileEvent;
use crate::domain::import::{Record, Visit};
use crate::domain::plate::normalize_plate;
use crate::domain::roles::Permission;
use crate::store::book::Imported;
use crate::store::{Actor, StoreResult};
use chrono::{DateTime, NaiveTime, Utc};
use postgres::GenericClient;

pub fn apply(
    c: &mut impl GenericClient,
    records: &[Record],
    file: &str,
    progress: &mut dyn FnMut(u64),
    by: Actor<'_>,
) -> StoreResult<Imported> {
    permit(c, by, Permission::ImportData)?;
    let mut n = Imported::default();
    for (i, r) in records.iter().enumerate() {
        let customer = customer(c, r, by, &mut n)?;
        let vehicle = vehicle(c, r, customer, by, &mut n)?;
        if let (Some(v), Some(visit)) = (vehicle, &r.visit) {
            history(c, visit, customer, v, by, &mut n)?;
        }
        if i % 500 == 0 {
            progress(i as u64);
        }
    }
    progress(records.len() as u64);
    let event = AuditEvent::File(FileEvent::Imported {
        file: file.into(),
        summary: n.words(),
    });
    audit(c, by, 0, &event)?;
    Ok(n)
}

/// The customer already on file with this phone (or, without a phone, this
/// name and no phone), else a new one.
fn customer(
    c: &mut impl GenericClient,
    r: &Record,
    by: Actor<'_>,
    n: &mut Imported,
) -> StoreResult<i64> {
    let found = match r.phone.is_empty() {
        true => c.query_opt(
            "SELECT id FROM customers WHERE name = $1 AND phone = '' AND merged_into IS NULL
             ORDER BY id LIMIT 1",
            &[&r.name],
        )?,
        false => c.query_opt(
            "SELECT id FROM customers WHERE phone = $1 AND merged_into IS NULL
             ORDER BY id LIMIT 1",
            &[&r.phone],
        )?,
    };
    if let Some(row) = found {
        n.customers_matched += 1;
        return Ok(row.get(0));
    }
    n.customers_new += 1;
    Ok(c.query_one(
        "INSERT INTO customers (name, phone, phone2, email, wechat, address, preferred_contact,
                                created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        &[
            &r.name,
            &r.phone,
            &r.phone2,
            &r.email,
            &r.wechat,
            &r.address,
            &r.preferred_contact,
            &by.at,
        ],
    )?
    .get(0))
}

/// The car already on file with this VIN (or plate), else a new one; its
/// owner now becomes this customer.
fn vehicle(
    c: &mut impl GenericClient,
    r: &Record,
    customer: i64,
    by: Actor<'_>,
    n: &mut Imported,
) -> StoreResult<Option<i64>> {
    if r.plate.is_empty() && r.vin.is_empty() {
        return Ok(None);
    }
    let norm = normalize_plate(&r.plate);
    let found = match r.vin.is_empty() {
        true => c.query_opt(
            "SELECT id FROM vehicles WHERE plate_norm = $1 ORDER BY id LIMIT 1",
            &[&norm],
        )?,
        false => c.query_opt(
            "SELECT id FROM vehicles WHERE vin = $1 ORDER BY id LIMIT 1",
            &[&r.vin],
        )?,
    };
    let id: i64 = match found {
        Some(row) => {
            n.vehicles_matched += 1;
            row.get(0)
        }
        None => {
            n.vehicles_new += 1;
            c.query_one(
                "INSERT INTO vehicles (vin, plate, plate_norm, make, model, year, colour,
                                       created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
                &[
                    &r.vin, &r.plate, &norm, &r.make, &r.model, &r.year, &r.colour, &by.at,
                ],
            )?
            .get(0)
        }
    };
    let owner: Option<i64> = c
        .query_opt(
            "SELECT customer_id FROM vehicle_owners WHERE vehicle_id = $1 AND until IS NULL",
            &[&id],
        )?
        .map(|row| row.get(0));
    if owner != Some(customer) {
        let today = by.at.date_naive();
        c.execute(
            "UPDATE vehicle_owners SET until = $2 WHERE vehicle_id = $1 AND until IS NULL",
            &[&id, &today],
        )?;
        c.execute(
            "INSERT INTO vehicle_owners (vehicle_id, customer_id, since) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&id, &customer, &today],
        )?;
    }
    Ok(Some(id))
}

/// A past visit, delivered on its date, with its total as one line; an RO
/// number this shop already has is the same visit and is left alone.
fn history(
    c: &mut impl GenericClient,
    v: &Visit,
    customer: i64,
    vehicle: i64,
    by: Actor<'_>,
    n: &mut Imported,
) -> StoreResult<()> {
    let exists = c.query_opt(
        "SELECT id FROM repair_orders WHERE number = $1 AND shop_id = frontdesk_shop()",
        &[&v.ro_number],
    )?;
    if exists.is_some() {
        n.visits_matched += 1;
        return Ok(());
    }
    let at: DateTime<Utc> = v
        .date
        .and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon"))
        .and_utc();
    let ro: i64 = c
        .query_one(
            "INSERT INTO repair_orders (number, vehicle_id, customer_id, status, category, concerns,
                 odometer_in_km, checked_in_at, delivered_at, created_at, updated_at, advisor_id)
             VALUES ($1, $2, $3, 'delivered', $4, $5, $6, $7, $7, $7, $8, $9) RETURNING id",
            &[
                &v.ro_number,
                &vehicle,
                &customer,
                &v.category,
                &v.work,
                &v.odometer,
                &at,
                &by.at,
                &by.user_id,
            ],
        )?
        .get(0);
    if v.amount > 0 {
        c.execute(
            "INSERT INTO ro_lines (ro_id, sort, kind, description, quantity_milli, unit_price_minor)
             VALUES ($1, 0, 'fee', $2, 1000, $3)",
            &[&ro, &v.work, &v.amount],
        )?;
    }
    if let Some(km) = v.odometer {
        c.execute(
            "UPDATE vehicles SET last_odometer_km = $2, last_odometer_at = $3
             WHERE id = $1 AND (last_odometer_at IS NULL OR last_odometer_at < $3)",
            &[&vehicle, &km, &at],
        )?;
    }
    n.visits_new += 1;
    Ok(())
}
