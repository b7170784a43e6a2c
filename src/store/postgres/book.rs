//! The appointment book (F6) on the group server: one shop's appointments,
//! booking, moving, cancelling, no-shows, the workshop notice and the
//! check-in that turns an appointment into an RO. The capacity check reads
//! the shop's other appointments under the book's own lock, so two clerks
//! booking the last slot at once cannot both pass it. Every write
//! re-sweeps the customer's calls in the same transaction, as on SQLite.

use super::admin::{permit, settings};
use super::audit::append as audit;
use super::board::{bays, groups};
use super::callbacks::{policy, sweep, Scope};
use crate::domain::audit::AuditEvent;
use crate::domain::book::capacity::{overbooked, Hours, Slot};
use crate::domain::book::events::BookEvent;
use crate::domain::book::{
    check_form, Appointment, AppointmentStatus, Booking, BookingRefusal, ShowRate,
};
use crate::domain::repair_order::VehicleRef;
use crate::domain::roles::Permission;
use crate::domain::Money;
use crate::store::{Actor, SaveRo, StoreError, StoreResult};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use postgres::{GenericClient, Row};

const SELECT: &str = "SELECT a.id, a.version, a.customer_id, c.name, c.phone, a.vehicle_id,
        coalesce(v.plate, ''), coalesce(v.model, ''), coalesce(u.login, ''), a.bay_id, a.work_group_id,
        a.starts_at, a.ends_at, a.requested_work, a.parts_value_minor, a.deposit_minor, a.status,
        a.workshop_told_at, a.ro_id, a.overbooked_reason
    FROM appointments a JOIN customers c ON c.id = a.customer_id
    LEFT JOIN vehicles v ON v.id = a.vehicle_id
    LEFT JOIN users u ON u.id = coalesce(a.advisor_id, a.booked_by)";

fn from_row(r: &Row) -> Appointment {
    Appointment {
        id: r.get(0),
        version: r.get(1),
        customer_id: r.get(2),
        customer: r.get(3),
        phone: r.get(4),
        vehicle_id: r.get(5),
        plate: r.get(6),
        model: r.get(7),
        advisor: r.get(8),
        bay_id: r.get(9),
        work_group_id: r.get(10),
        starts_at: r.get(11),
        ends_at: r.get(12),
        requested_work: r.get(13),
        parts_value: Money(r.get(14)),
        deposit: Money(r.get(15)),
        status: AppointmentStatus::from_code(r.get(16)).unwrap_or(AppointmentStatus::Booked),
        workshop_told_at: r.get(17),
        ro_id: r.get(18),
        overbooked_reason: r.get(19),
    }
}

/// This shop's appointments starting in [from, to), in start order.
pub fn list(
    c: &mut impl GenericClient,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Appointment>> {
    let sql = format!(
        "{SELECT} WHERE a.shop_id = frontdesk_shop() AND a.starts_at >= $1 AND a.starts_at < $2
         ORDER BY a.starts_at, a.id"
    );
    Ok(c.query(&sql, &[&from, &to])?.iter().map(from_row).collect())
}

/// A customer's last appointments, at every shop one may see.
pub fn for_customer(c: &mut impl GenericClient, customer_id: i64) -> StoreResult<Vec<Appointment>> {
    let sql = format!("{SELECT} WHERE a.customer_id = $1 ORDER BY a.starts_at DESC LIMIT 20");
    Ok(c.query(&sql, &[&customer_id])?
        .iter()
        .map(from_row)
        .collect())
}

/// Reads an appointment of this shop and locks its row until commit.
fn load(c: &mut impl GenericClient, id: i64) -> StoreResult<Appointment> {
    let sql = format!("{SELECT} WHERE a.id = $1 AND a.shop_id = frontdesk_shop() FOR UPDATE OF a");
    c.query_opt(&sql, &[&id])?
        .map(|r| from_row(&r))
        .ok_or_else(|| StoreError::NotFound(format!("appointment {id}")))
}

/// The stored appointment, if `version` is still current and it may change.
fn current(c: &mut impl GenericClient, id: i64, version: i64) -> StoreResult<Appointment> {
    let a = load(c, id)?;
    if a.version != version {
        return Err(StoreError::Conflict(format!(
            "appointment {id} was changed by someone else; look again"
        )));
    }
    if !a.status.is_active() {
        return Err(refused(BookingRefusal::Closed(a.status.code())));
    }
    Ok(a)
}

fn changeable(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<Appointment> {
    permit(c, by, Permission::BookAppointments)?;
    current(c, id, version)
}

fn refused(r: BookingRefusal) -> StoreError {
    StoreError::Invalid(r.to_string())
}

/// The shop's hours and clock, and the book's lock for the capacity check.
fn shop_time(c: &mut impl GenericClient, now: DateTime<Utc>) -> StoreResult<(Hours, FixedOffset)> {
    c.query_one(
        "SELECT pg_advisory_xact_lock(73190000 + frontdesk_shop())::text",
        &[],
    )?;
    let s = settings(c)?;
    Ok((s.workshop, policy(c, now)?.offset))
}

/// The form's own rules, then the load: over capacity needs a reason.
fn check(
    c: &mut impl GenericClient,
    b: &Booking,
    except: Option<i64>,
    by: Actor<'_>,
    (hours, offset): (Hours, FixedOffset),
) -> StoreResult<Option<String>> {
    check_form(b, by.at).map_err(refused)?;
    let new = Slot {
        bay_id: b.bay_id,
        work_group_id: b.work_group_id,
        starts_at: b.starts_at,
        ends_at: b.ends_at,
    };
    let others: Vec<Slot> = list(
        c,
        b.starts_at - Duration::days(1),
        b.ends_at + Duration::days(1),
    )?
    .into_iter()
    .filter(|a| a.status.is_active() && Some(a.id) != except)
    .map(|a| a.slot())
    .collect();
    let (bays, groups) = (bays(c)?, groups(c)?);
    match overbooked(&new, &others, &bays, &groups, hours, offset) {
        Some(w) if b.overbook_reason.trim().is_empty() => {
            Err(refused(BookingRefusal::Overbooked(w)))
        }
        w => Ok(w),
    }
}

fn slot_words(c: &mut impl GenericClient, b: &Booking, offset: FixedOffset) -> StoreResult<String> {
    let (s, e) = (
        b.starts_at.with_timezone(&offset),
        b.ends_at.with_timezone(&offset),
    );
    let mut words = format!("{}–{}", s.format("%F %H:%M"), e.format("%H:%M"));
    if let Some(bay) = b.bay_id {
        let code: String = c
            .query_one("SELECT code FROM bays WHERE id = $1", &[&bay])?
            .get(0);
        words.push_str(&format!(" bay {code}"));
    }
    Ok(words)
}

fn clean(s: &str) -> String {
    crate::domain::text::clean_line(s).trim().to_string()
}

pub fn book(c: &mut impl GenericClient, b: &Booking, by: Actor<'_>) -> StoreResult<i64> {
    permit(c, by, Permission::BookAppointments)?;
    let shop = shop_time(c, by.at)?;
    let warning = check(c, b, None, by, shop)?;
    let id: i64 = c
        .query_one(
            "INSERT INTO appointments (customer_id, vehicle_id, advisor_id, booked_by, bay_id,
                 work_group_id, starts_at, ends_at, requested_work, parts_value_minor,
                 deposit_minor, overbooked_reason, created_at)
             VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &[
                &b.customer_id,
                &b.vehicle_id,
                &by.user_id,
                &b.bay_id,
                &b.work_group_id,
                &b.starts_at,
                &b.ends_at,
                &clean(&b.requested_work),
                &b.parts_value.0,
                &b.deposit.0,
                &clean(&b.overbook_reason),
                &by.at,
            ],
        )?
        .get(0);
    let event = BookEvent::Booked {
        slot: slot_words(c, b, shop.1)?,
        work: clean(&b.requested_work),
    };
    audit(c, by, id, &AuditEvent::Book(event))?;
    overbook_audit(c, id, warning, b, by)?;
    sweep(c, Scope::Customer(b.customer_id), by)?;
    Ok(id)
}

fn overbook_audit(
    c: &mut impl GenericClient,
    id: i64,
    warning: Option<String>,
    b: &Booking,
    by: Actor<'_>,
) -> StoreResult<()> {
    if let Some(warning) = warning {
        let reason = clean(&b.overbook_reason);
        let event = AuditEvent::Book(BookEvent::Overbooked { warning, reason });
        audit(c, by, id, &event)?;
    }
    Ok(())
}

pub fn reschedule(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    b: &Booking,
    by: Actor<'_>,
) -> StoreResult<()> {
    let shop = shop_time(c, by.at)?;
    let old = changeable(c, id, version, by)?;
    let warning = check(c, b, Some(id), by, shop)?;
    let before = Booking {
        bay_id: old.bay_id,
        work_group_id: old.work_group_id,
        starts_at: old.starts_at,
        ends_at: old.ends_at,
        ..b.clone()
    };
    c.execute(
        "UPDATE appointments SET bay_id = $2, work_group_id = $3, starts_at = $4, ends_at = $5,
             requested_work = $6, parts_value_minor = $7, deposit_minor = $8,
             overbooked_reason = $9, workshop_told_at = NULL, reminded_at = NULL,
             version = version + 1
         WHERE id = $1",
        &[
            &id,
            &b.bay_id,
            &b.work_group_id,
            &b.starts_at,
            &b.ends_at,
            &clean(&b.requested_work),
            &b.parts_value.0,
            &b.deposit.0,
            &clean(&b.overbook_reason),
        ],
    )?;
    let event = BookEvent::Moved {
        from: slot_words(c, &before, shop.1)?,
        to: slot_words(c, b, shop.1)?,
    };
    audit(c, by, id, &AuditEvent::Book(event))?;
    overbook_audit(c, id, warning, b, by)?;
    sweep(c, Scope::Customer(old.customer_id), by)?;
    Ok(())
}

/// Ends an appointment (cancelled, no-show): its status, the audit line,
/// and the customer's calls (the reminder goes with it).
fn close(
    c: &mut impl GenericClient,
    a: &Appointment,
    status: AppointmentStatus,
    event: BookEvent,
    by: Actor<'_>,
) -> StoreResult<()> {
    let reason = match &event {
        BookEvent::Cancelled { reason } => reason.clone(),
        _ => String::new(),
    };
    c.execute(
        "UPDATE appointments SET status = $2, cancel_reason = $3, version = version + 1
         WHERE id = $1",
        &[&a.id, &status.code(), &reason],
    )?;
    audit(c, by, a.id, &AuditEvent::Book(event))?;
    sweep(c, Scope::Customer(a.customer_id), by)?;
    Ok(())
}

pub fn cancel(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let a = changeable(c, id, version, by)?;
    let reason = clean(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "say why the appointment is cancelled".into(),
        ));
    }
    let event = BookEvent::Cancelled { reason };
    close(c, &a, AppointmentStatus::Cancelled, event, by)
}

pub fn no_show(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    let a = changeable(c, id, version, by)?;
    if a.starts_at > by.at {
        return Err(StoreError::Invalid(
            "the appointment has not started yet; cancel it instead if the customer called off"
                .into(),
        ));
    }
    close(c, &a, AppointmentStatus::NoShow, BookEvent::NoShow, by)
}

pub fn tell_workshop(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    let a = changeable(c, id, version, by)?;
    if a.workshop_told_at.is_some() {
        return Err(StoreError::Invalid("the workshop was already told".into()));
    }
    c.execute(
        "UPDATE appointments SET workshop_told_at = $2, version = version + 1 WHERE id = $1",
        &[&id, &by.at],
    )?;
    audit(c, by, id, &AuditEvent::Book(BookEvent::WorkshopTold))
}

/// The car arrived: an RO from the appointment, checked in and on the board.
pub fn check_in(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<(i64, String)> {
    permit(c, by, Permission::WriteRo)?;
    let a = current(c, id, version)?;
    let Some(vehicle_id) = a.vehicle_id else {
        return Err(StoreError::Invalid(
            "the appointment has no car; open a new RO from the search instead".into(),
        ));
    };
    let ro = a.repair_order(by.login, vehicle(c, vehicle_id)?, by.at);
    let ro_id = super::ro::save(c, &SaveRo::new(&ro), by)?;
    let number: String = c
        .query_one("SELECT number FROM repair_orders WHERE id = $1", &[&ro_id])?
        .get(0);
    c.execute(
        "UPDATE appointments SET status = 'arrived', ro_id = $2, version = version + 1
         WHERE id = $1",
        &[&id, &ro_id],
    )?;
    let event = BookEvent::CheckedIn {
        number: number.clone(),
    };
    audit(c, by, id, &AuditEvent::Book(event))?;
    sweep(c, Scope::Customer(a.customer_id), by)?;
    Ok((ro_id, number))
}

fn vehicle(c: &mut impl GenericClient, id: i64) -> StoreResult<VehicleRef> {
    let r = c.query_one(
        "SELECT id, vin, plate, make, model, last_odometer_km FROM vehicles WHERE id = $1",
        &[&id],
    )?;
    Ok(VehicleRef {
        id: r.get(0),
        vin: r.get(1),
        plate: r.get(2),
        make: r.get(3),
        model: r.get(4),
        last_odometer_km: r.get(5),
    })
}

/// The share of this shop's appointments in [from, to) that came.
pub fn show_rate(
    c: &mut impl GenericClient,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<ShowRate> {
    let codes: Vec<String> = c
        .query(
            "SELECT status FROM appointments
             WHERE shop_id = frontdesk_shop() AND starts_at >= $1 AND starts_at < $2",
            &[&from, &to],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(ShowRate::of(
        codes.iter().filter_map(|c| AppointmentStatus::from_code(c)),
    ))
}
