//! The appointment book (F6): listing, booking, moving, cancelling, no-shows,
//! the workshop notice, and the check-in that turns an appointment into an
//! RO. Every write re-sweeps the customer's callbacks, so the reminder call
//! appears, moves or goes with the appointment in the same transaction.

use super::callbacks::{self, Scope};
use super::desk::permit;
use super::text::text;
use super::{audit, board, repair_order};
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
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

const SELECT: &str = "SELECT a.id, a.version, a.customer_id, c.name, c.phone, a.vehicle_id,
        coalesce(v.plate, ''), coalesce(v.model, ''), coalesce(u.login, ''), a.bay_id, a.work_group_id,
        a.starts_at, a.ends_at, a.requested_work, a.parts_value_minor, a.deposit_minor, a.status,
        a.workshop_told_at, a.ro_id, a.overbooked_reason
    FROM appointments a JOIN customers c ON c.id = a.customer_id
    LEFT JOIN vehicles v ON v.id = a.vehicle_id
    LEFT JOIN users u ON u.id = coalesce(a.advisor_id, a.booked_by)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    let status: String = text(r, 16)?;
    Ok(Appointment {
        id: r.get(0)?,
        version: r.get(1)?,
        customer_id: r.get(2)?,
        customer: text(r, 3)?,
        phone: text(r, 4)?,
        vehicle_id: r.get(5)?,
        plate: text(r, 6)?,
        model: text(r, 7)?,
        advisor: text(r, 8)?,
        bay_id: r.get(9)?,
        work_group_id: r.get(10)?,
        starts_at: r.get(11)?,
        ends_at: r.get(12)?,
        requested_work: text(r, 13)?,
        parts_value: Money(r.get(14)?),
        deposit: Money(r.get(15)?),
        status: AppointmentStatus::from_code(&status).unwrap_or(AppointmentStatus::Booked),
        workshop_told_at: r.get(17)?,
        ro_id: r.get(18)?,
        overbooked_reason: text(r, 19)?,
    })
}

/// Appointments starting in [from, to), in start order (read from the
/// start-time index, so nothing is sorted).
pub fn list(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Appointment>> {
    let sql = format!("{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 ORDER BY a.starts_at");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![from, to], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn for_customer(conn: &Connection, customer_id: i64) -> StoreResult<Vec<Appointment>> {
    let sql = format!("{SELECT} WHERE a.customer_id = ?1 ORDER BY a.starts_at DESC LIMIT 20");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([customer_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn load(tx: &Transaction<'_>, id: i64) -> StoreResult<Appointment> {
    let sql = format!("{SELECT} WHERE a.id = ?1");
    tx.prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("appointment {id}")))
}

/// The stored appointment, if `version` is still current and it may change.
fn current(tx: &Transaction<'_>, id: i64, version: i64) -> StoreResult<Appointment> {
    let a = load(tx, id)?;
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

/// The appointment a booking clerk may change: their role, the version
/// they saw, and still expected.
fn changeable(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<Appointment> {
    permit(tx, by, Permission::BookAppointments)?;
    current(tx, id, version)
}

fn refused(r: BookingRefusal) -> StoreError {
    StoreError::Invalid(r.to_string())
}

fn shop_time(tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<(Hours, FixedOffset)> {
    let s = super::admin::settings(tx)?;
    Ok((s.workshop, callbacks::policy(tx, now)?.offset))
}

/// The form's own rules, then the load: over capacity needs a reason.
fn check(
    tx: &Transaction<'_>,
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
        tx,
        b.starts_at - Duration::days(1),
        b.ends_at + Duration::days(1),
    )?
    .into_iter()
    .filter(|a| a.status.is_active() && Some(a.id) != except)
    .map(|a| a.slot())
    .collect();
    let (bays, groups) = (board::bays(tx)?, board::groups(tx)?);
    let warning = overbooked(&new, &others, &bays, &groups, hours, offset);
    match warning {
        Some(w) if b.overbook_reason.trim().is_empty() => {
            Err(refused(BookingRefusal::Overbooked(w)))
        }
        w => Ok(w),
    }
}

fn slot_words(b: &Booking, tx: &Transaction<'_>, offset: FixedOffset) -> StoreResult<String> {
    let (s, e) = (
        b.starts_at.with_timezone(&offset),
        b.ends_at.with_timezone(&offset),
    );
    let mut words = format!("{}–{}", s.format("%F %H:%M"), e.format("%H:%M"));
    if let Some(bay) = b.bay_id {
        let code: String =
            tx.query_row("SELECT code FROM bays WHERE id = ?1", [bay], |r| text(r, 0))?;
        words.push_str(&format!(" bay {code}"));
    }
    Ok(words)
}

fn clean(s: &str) -> String {
    crate::domain::text::clean_line(s).trim().to_string()
}

pub fn book(tx: &Transaction<'_>, b: &Booking, by: Actor<'_>) -> StoreResult<i64> {
    permit(tx, by, Permission::BookAppointments)?;
    let shop = shop_time(tx, by.at)?;
    let warning = check(tx, b, None, by, shop)?;
    tx.prepare_cached(
        "INSERT INTO appointments (customer_id, vehicle_id, advisor_id, booked_by, bay_id, work_group_id,
             starts_at, ends_at, requested_work, parts_value_minor, deposit_minor, overbooked_reason, created_at)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        b.customer_id,
        b.vehicle_id,
        by.user_id,
        b.bay_id,
        b.work_group_id,
        b.starts_at,
        b.ends_at,
        clean(&b.requested_work),
        b.parts_value.0,
        b.deposit.0,
        clean(&b.overbook_reason),
        by.at
    ])?;
    let id = tx.last_insert_rowid();
    let event = BookEvent::Booked {
        slot: slot_words(b, tx, shop.1)?,
        work: clean(&b.requested_work),
    };
    audit(tx, by, id, &AuditEvent::Book(event))?;
    overbook_audit(tx, id, warning, b, by)?;
    callbacks::sweep(tx, Scope::Customer(b.customer_id), by)?;
    Ok(id)
}

fn overbook_audit(
    tx: &Transaction<'_>,
    id: i64,
    warning: Option<String>,
    b: &Booking,
    by: Actor<'_>,
) -> StoreResult<()> {
    if let Some(warning) = warning {
        let reason = clean(&b.overbook_reason);
        audit(
            tx,
            by,
            id,
            &AuditEvent::Book(BookEvent::Overbooked { warning, reason }),
        )?;
    }
    Ok(())
}

pub fn reschedule(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    b: &Booking,
    by: Actor<'_>,
) -> StoreResult<()> {
    let old = changeable(tx, id, version, by)?;
    let shop = shop_time(tx, by.at)?;
    let warning = check(tx, b, Some(id), by, shop)?;
    let before = Booking {
        bay_id: old.bay_id,
        work_group_id: old.work_group_id,
        starts_at: old.starts_at,
        ends_at: old.ends_at,
        ..b.clone()
    };
    tx.prepare_cached(
        "UPDATE appointments SET bay_id = ?2, work_group_id = ?3, starts_at = ?4, ends_at = ?5,
             requested_work = ?6, parts_value_minor = ?7, deposit_minor = ?8, overbooked_reason = ?9,
             workshop_told_at = NULL, reminded_at = NULL, version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        b.bay_id,
        b.work_group_id,
        b.starts_at,
        b.ends_at,
        clean(&b.requested_work),
        b.parts_value.0,
        b.deposit.0,
        clean(&b.overbook_reason)
    ])?;
    let event = BookEvent::Moved {
        from: slot_words(&before, tx, shop.1)?,
        to: slot_words(b, tx, shop.1)?,
    };
    audit(tx, by, id, &AuditEvent::Book(event))?;
    overbook_audit(tx, id, warning, b, by)?;
    callbacks::sweep(tx, Scope::Customer(old.customer_id), by)?;
    Ok(())
}

/// Ends an appointment (cancelled, no-show): its status, the audit line,
/// and the customer's calls (the reminder goes with it).
fn close(
    tx: &Transaction<'_>,
    a: &Appointment,
    status: AppointmentStatus,
    event: BookEvent,
    by: Actor<'_>,
) -> StoreResult<()> {
    let reason = match &event {
        BookEvent::Cancelled { reason } => reason.as_str(),
        _ => "",
    };
    tx.prepare_cached(
        "UPDATE appointments SET status = ?2, cancel_reason = ?3, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![a.id, status.code(), reason])?;
    audit(tx, by, a.id, &AuditEvent::Book(event))?;
    callbacks::sweep(tx, Scope::Customer(a.customer_id), by)?;
    Ok(())
}

pub fn cancel(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let a = changeable(tx, id, version, by)?;
    let reason = clean(reason);
    if reason.is_empty() {
        return Err(StoreError::Invalid(
            "say why the appointment is cancelled".into(),
        ));
    }
    close(
        tx,
        &a,
        AppointmentStatus::Cancelled,
        BookEvent::Cancelled { reason },
        by,
    )
}

pub fn no_show(tx: &Transaction<'_>, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
    let a = changeable(tx, id, version, by)?;
    if a.starts_at > by.at {
        return Err(StoreError::Invalid(
            "the appointment has not started yet; cancel it instead if the customer called off"
                .into(),
        ));
    }
    close(tx, &a, AppointmentStatus::NoShow, BookEvent::NoShow, by)
}

pub fn tell_workshop(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    let a = changeable(tx, id, version, by)?;
    if a.workshop_told_at.is_some() {
        return Err(StoreError::Invalid("the workshop was already told".into()));
    }
    tx.prepare_cached(
        "UPDATE appointments SET workshop_told_at = ?2, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![id, by.at])?;
    audit(tx, by, id, &AuditEvent::Book(BookEvent::WorkshopTold))
}

/// The car arrived: an RO from the appointment (customer, car, requested
/// work as the concerns, group, booked time as the estimate, the booked end
/// as the promise when it is still ahead), checked in and on the board.
pub fn check_in(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<(i64, String)> {
    permit(tx, by, Permission::WriteRo)?;
    let a = current(tx, id, version)?;
    let Some(vehicle_id) = a.vehicle_id else {
        return Err(StoreError::Invalid(
            "the appointment has no car; open a new RO from the search instead".into(),
        ));
    };
    let ro = a.repair_order(by.login, vehicle(tx, vehicle_id)?, by.at);
    let ro_id = repair_order::save(tx, &SaveRo::new(&ro), by)?;
    let number: String = tx.query_row(
        "SELECT number FROM repair_orders WHERE id = ?1",
        [ro_id],
        |r| text(r, 0),
    )?;
    tx.prepare_cached(
        "UPDATE appointments SET status = 'arrived', ro_id = ?2, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![id, ro_id])?;
    audit(
        tx,
        by,
        id,
        &AuditEvent::Book(BookEvent::CheckedIn {
            number: number.clone(),
        }),
    )?;
    callbacks::sweep(tx, Scope::Customer(a.customer_id), by)?;
    Ok((ro_id, number))
}

fn vehicle(tx: &Transaction<'_>, id: i64) -> StoreResult<VehicleRef> {
    Ok(tx.query_row(
        "SELECT id, vin, plate, make, model, last_odometer_km FROM vehicles WHERE id = ?1",
        [id],
        |r| {
            Ok(VehicleRef {
                id: r.get(0)?,
                vin: text(r, 1)?,
                plate: text(r, 2)?,
                make: text(r, 3)?,
                model: text(r, 4)?,
                last_odometer_km: r.get(5)?,
            })
        },
    )?)
}

pub fn show_rate(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<ShowRate> {
    let mut stmt = conn.prepare_cached(
        "SELECT status FROM appointments WHERE starts_at >= ?1 AND starts_at < ?2",
    )?;
    let rows = stmt.query_map(params![from, to], |r| text(r, 0))?;
    let codes: Vec<String> = rows.collect::<Result<_, _>>()?;
    Ok(ShowRate::of(
        codes.iter().filter_map(|c| AppointmentStatus::from_code(c)),
    ))
}
