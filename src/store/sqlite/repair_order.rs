//! Loading, saving and searching repair orders. A save never changes the
//! status: that is done by the desk operations in `desk.rs` and by moves.

use super::audit;
use super::desk::permit;
use super::text::{opt_text, text};
use crate::domain::audit::AuditEvent;
use crate::domain::conflict::{changes, FieldChange};
use crate::domain::desk::{conflict_message, numbering};
use crate::domain::lifecycle::{check_save, SaveRule};
use crate::domain::plate::normalize_plate;
use crate::domain::repair_order::*;
use crate::domain::roles::Permission;
use crate::domain::{Money, RepairOrder, RoStatus};
use crate::store::{Actor, SaveRo, StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

const RO_SELECT: &str = "SELECT ro.id, ro.number, ro.version, ro.status, ro.customer_id, c.name, c.phone,
    ro.vehicle_id, v.vin, v.plate, v.make, v.model, coalesce(v.vin_override_reason, ''),
    ro.odometer_in_km, coalesce(ro.odometer_override_reason, ''), ro.fuel_eighths, ro.concerns, ro.diagnosis,
    ro.pricing_method, ro.category, ro.promised_at, ro.work_group_id, ro.estimated_minutes, ro.discount_bp,
    coalesce(u.login, ''), ro.checked_in_at, ro.signed_by_name, ro.signed_at, ro.exit_notice_at,
    coalesce(ro.late_reason, ''),
    ro.dispatch_override_by, ro.dispatch_override_at, ro.dispatch_override_reason,
    ro.qc_passed_by, ro.qc_passed_at, ro.expected_finish_at,
    ro.arrears_accepted_minor, ro.arrears_accepted_by, ro.arrears_accepted_at, ro.arrears_reason,
    ro.reopened_by, ro.reopened_at, ro.reopen_reason, ro.corrected_at,
    ro.workshop_received_at, ro.delivered_at
    FROM repair_orders ro JOIN customers c ON c.id = ro.customer_id JOIN vehicles v ON v.id = ro.vehicle_id
    LEFT JOIN users u ON u.id = ro.advisor_id WHERE ro.id = ?1";

fn coded<T>(row: &Row<'_>, i: usize, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let code: String = text(row, i)?;
    parse(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown code {code}").into(),
        )
    })
}

fn ro_from_row(r: &Row<'_>) -> rusqlite::Result<RepairOrder> {
    Ok(RepairOrder {
        id: Some(r.get(0)?),
        number: text(r, 1)?,
        version: r.get(2)?,
        status: coded(r, 3, RoStatus::from_code)?,
        customer: CustomerRef {
            id: Some(r.get(4)?),
            name: text(r, 5)?,
            phone: text(r, 6)?,
        },
        vehicle: VehicleRef {
            id: Some(r.get(7)?),
            vin: text(r, 8)?,
            plate: text(r, 9)?,
            make: text(r, 10)?,
            model: text(r, 11)?,
            last_odometer_km: None,
        },
        new_owner: false,
        vin_override_reason: text(r, 12)?,
        odometer_in_km: r.get(13)?,
        odometer_override_reason: text(r, 14)?,
        fuel_eighths: r.get(15)?,
        concerns: text(r, 16)?,
        diagnosis: text(r, 17)?,
        pricing: coded(r, 18, PricingMethod::from_code)?,
        category: coded(r, 19, Category::from_code)?,
        promised_at: r.get(20)?,
        work_group_id: r.get(21)?,
        estimated_minutes: r.get(22)?,
        discount_bp: r.get(23)?,
        lines: Vec::new(),
        advisor_login: text(r, 24)?,
        checked_in_at: r.get(25)?,
        signed_by_name: opt_text(r, 26)?,
        signed_at: r.get(27)?,
        exit_notice_at: r.get(28)?,
        late_reason: text(r, 29)?,
        desk: desk_from_row(r)?,
    })
}

/// A sanction from three columns: who, when, why (absent when `who` is).
fn sanction(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Sanction>> {
    let by: Option<String> = opt_text(r, i)?;
    Ok(match (by, r.get(i + 1)?) {
        (Some(by), Some(at)) => Some(Sanction {
            by,
            at,
            reason: opt_text(r, i + 2)?.unwrap_or_default(),
        }),
        _ => None,
    })
}

fn desk_from_row(r: &Row<'_>) -> rusqlite::Result<DeskRecord> {
    let qc = match (opt_text(r, 33)?, r.get(34)?) {
        (Some(by), Some(at)) => Some(Sanction {
            by,
            at,
            reason: String::new(),
        }),
        _ => None,
    };
    let arrears = match r.get::<_, Option<i64>>(36)? {
        Some(amount) => sanction(r, 37)?.map(|accepted| Arrears {
            amount: Money(amount),
            accepted,
        }),
        None => None,
    };
    Ok(DeskRecord {
        dispatch_override: sanction(r, 30)?,
        qc_passed: qc,
        expected_finish_at: r.get(35)?,
        arrears,
        reopened: sanction(r, 40)?,
        corrected_at: r.get(43)?,
        workshop_received_at: r.get(44)?,
        delivered_at: r.get(45)?,
    })
}

pub fn load(conn: &Connection, id: i64) -> StoreResult<RepairOrder> {
    let mut ro = conn
        .prepare_cached(RO_SELECT)?
        .query_row([id], ro_from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("repair order {id}")))?;
    ro.lines = lines(conn, id)?;
    // The reading to compare with is the car's last one before this visit.
    ro.vehicle.last_odometer_km = conn
        .prepare_cached(
            "SELECT max(odometer_in_km) FROM repair_orders
             WHERE vehicle_id = ?1 AND id != ?2 AND checked_in_at < coalesce(?3, '9999')",
        )?
        .query_row(params![ro.vehicle.id, id, ro.checked_in_at], |r| r.get(0))?;
    Ok(ro)
}

fn lines(conn: &Connection, ro_id: i64) -> StoreResult<Vec<RoLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, op_code, part_number, description, quantity_milli, unit_price_minor, payer, supplier,
                grade, critical_system, approval, added_work_id, call_id
         FROM ro_lines WHERE ro_id = ?1 ORDER BY sort, id",
    )?;
    let rows = stmt.query_map([ro_id], |r| {
        let kind = coded(r, 1, LineKind::from_code)?;
        let (op, part): (String, String) = (text(r, 2)?, text(r, 3)?);
        Ok(RoLine {
            id: Some(r.get(0)?),
            kind,
            code: if kind == LineKind::Part { part } else { op },
            description: text(r, 4)?,
            quantity_milli: r.get(5)?,
            unit_price: Money(r.get(6)?),
            payer: coded(r, 7, Payer::from_code)?,
            supplier: coded(r, 8, Supplier::from_code)?,
            grade: coded(r, 9, Grade::from_code)?,
            critical_system: r.get(10)?,
            approval: coded(r, 11, Approval::from_code)?,
            proposal_id: r.get(12)?,
            call_id: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn id_by_number(conn: &Connection, number: &str) -> StoreResult<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM repair_orders WHERE number = ?1")?
        .query_row([number.trim().to_uppercase()], |r| r.get(0))
        .optional()?)
}

/// Saves the editor's RO: customer, car, owner, header and lines, in the
/// caller's transaction. A save against an older version merges with the
/// one stored meanwhile when it can (see `conflict::merge3`); the life-cycle
/// guard decides what a save may change. Returns the RO's id.
pub fn save(tx: &Transaction<'_>, req: &SaveRo<'_>, by: Actor<'_>) -> StoreResult<i64> {
    permit(tx, by, Permission::WriteRo)?;
    let Some(id) = req.ro.id else {
        permit_prices(tx, by, &RepairOrder::new(""), req.ro)?;
        return insert(tx, req.ro, by);
    };
    let stored = load(tx, id)?;
    let (ro, merged_with, overwrote) = reconcile(tx, req, &stored)?;
    let rule = check_save(&stored, &ro)?;
    permit_prices(tx, by, &stored, &ro)?;
    // What changed, with old and new values, before anything is written.
    let changes = changes(&stored, &ro);
    if changes.is_empty() {
        // Nothing to write: no audit row, no new version to conflict with.
        return Ok(id);
    }
    let customer_id = upsert_customer(tx, &ro.customer, by)?;
    let vehicle_id = upsert_vehicle(tx, &ro, by)?;
    ensure_owner(tx, vehicle_id, customer_id, by)?;
    write_header(tx, &ro, id, (customer_id, vehicle_id), by)?;
    write_lines(tx, id, &ro.lines)?;
    record_odometer(tx, vehicle_id, &ro, by)?;
    apply_rule(tx, rule, id, &stored.number, by)?;
    let event = AuditEvent::RoUpdated {
        number: stored.number,
        changes,
        overwrote,
        merged_with,
        correction: rule == SaveRule::Correction,
    };
    audit(tx, by, id, &event)?;
    Ok(id)
}

/// Lines, prices and the discount are for the roles that price work; a
/// discount over the shop's threshold is a manager's.
fn permit_prices(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    stored: &RepairOrder,
    ro: &RepairOrder,
) -> StoreResult<()> {
    if stored.lines != ro.lines || stored.discount_bp != ro.discount_bp {
        permit(tx, by, Permission::ChangePrices)?;
    }
    // The settings are read only when the discount moved (not on every save).
    if ro.discount_bp != stored.discount_bp {
        let threshold = super::admin::settings(tx)?.discount_threshold_bp;
        if ro.discount_bp > threshold {
            permit(tx, by, Permission::ApproveDiscount)?;
        }
    }
    Ok(())
}

fn insert(tx: &Transaction<'_>, ro: &RepairOrder, by: Actor<'_>) -> StoreResult<i64> {
    let customer_id = upsert_customer(tx, &ro.customer, by)?;
    let vehicle_id = upsert_vehicle(tx, ro, by)?;
    ensure_owner(tx, vehicle_id, customer_id, by)?;
    let id = insert_header(tx, ro, customer_id, vehicle_id, by)?;
    write_lines(tx, id, &ro.lines)?;
    record_odometer(tx, vehicle_id, ro, by)?;
    Ok(id)
}

/// The RO to write against the stored version: the editor's own when it is
/// current; merged with the stored one when someone saved meanwhile and the
/// two touch different things; "keep mine" records what it overwrote.
fn reconcile(
    tx: &Transaction<'_>,
    req: &SaveRo<'_>,
    stored: &RepairOrder,
) -> StoreResult<(RepairOrder, Option<i64>, Vec<FieldChange>)> {
    match crate::domain::conflict::reconcile(req.ro, req.base, req.keep_mine, stored) {
        Some(out) => Ok(out),
        None => Err(conflict(tx, stored)?),
    }
}

/// What a save does besides its fields: a new signature is needed after the
/// customer changed; a correction closes the reopened RO again.
fn apply_rule(
    tx: &Transaction<'_>,
    rule: SaveRule,
    id: i64,
    number: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    match rule {
        SaveRule::Plain => Ok(()),
        SaveRule::VoidSignature => {
            tx.execute(
                "UPDATE repair_orders SET signed_by_name = NULL, signed_at = NULL WHERE id = ?1",
                [id],
            )?;
            let event = AuditEvent::SignatureVoided {
                number: number.to_string(),
            };
            audit(tx, by, id, &event)
        }
        SaveRule::Correction => {
            tx.execute(
                "UPDATE repair_orders SET reopened_by = NULL, reopened_at = NULL, reopen_reason = NULL,
                     corrected_at = ?2 WHERE id = ?1",
                params![id, by.at],
            )?;
            Ok(())
        }
    }
}

fn upsert_customer(tx: &Transaction<'_>, c: &CustomerRef, by: Actor<'_>) -> StoreResult<i64> {
    let (name, phone) = (
        crate::domain::text::clean_line(&c.name),
        c.phone.trim().to_string(),
    );
    match c.id {
        Some(id) => {
            tx.prepare_cached(
                "UPDATE customers SET name = ?2, phone = ?3, updated_at = ?4, version = version + 1
                 WHERE id = ?1 AND (name != ?2 OR phone != ?3)",
            )?
            .execute(params![id, name, phone, by.at])?;
            Ok(id)
        }
        None => {
            tx.prepare_cached("INSERT INTO customers (name, phone, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)")?
                .execute(params![name, phone, by.at])?;
            let id = tx.last_insert_rowid();
            audit(tx, by, id, &AuditEvent::CustomerCreated { name })?;
            Ok(id)
        }
    }
}

fn upsert_vehicle(tx: &Transaction<'_>, ro: &RepairOrder, by: Actor<'_>) -> StoreResult<i64> {
    let v = &ro.vehicle;
    let plate = crate::domain::text::clean_line(v.plate.trim());
    let vin = v.vin.trim().to_uppercase();
    let reason = Some(ro.vin_override_reason.trim()).filter(|r| !r.is_empty());
    let norm = normalize_plate(&plate);
    let (make, model) = (v.make.trim(), v.model.trim());
    match v.id {
        Some(id) => {
            tx.prepare_cached(
                "UPDATE vehicles SET vin = ?1, plate = ?2, plate_norm = ?3, make = ?4, model = ?5,
                     vin_override_reason = ?6, updated_at = ?7, version = version + 1
                 WHERE id = ?8 AND (vin != ?1 OR plate != ?2 OR make != ?4 OR model != ?5
                     OR coalesce(vin_override_reason, '') != coalesce(?6, ''))",
            )?
            .execute(params![vin, plate, norm, make, model, reason, by.at, id])?;
            Ok(id)
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO vehicles (vin, plate, plate_norm, make, model, vin_override_reason, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            )?
            .execute(params![vin, plate, norm, make, model, reason, by.at])?;
            let id = tx.last_insert_rowid();
            let event = AuditEvent::VehicleCreated {
                plate,
                vin,
                vin_override: reason.map(str::to_string),
            };
            audit(tx, by, id, &event)?;
            Ok(id)
        }
    }
}

/// A car can change owner: the previous ownership ends, a new one starts.
fn ensure_owner(
    tx: &Transaction<'_>,
    vehicle_id: i64,
    customer_id: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    let current: Option<i64> = tx
        .prepare_cached(
            "SELECT customer_id FROM vehicle_owners WHERE vehicle_id = ?1 AND until IS NULL",
        )?
        .query_row([vehicle_id], |r| r.get(0))
        .optional()?;
    if current == Some(customer_id) {
        return Ok(());
    }
    tx.prepare_cached(
        "UPDATE vehicle_owners SET until = ?2 WHERE vehicle_id = ?1 AND until IS NULL",
    )?
    .execute(params![vehicle_id, by.at])?;
    tx.prepare_cached(
        "INSERT INTO vehicle_owners (vehicle_id, customer_id, since) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![vehicle_id, customer_id, by.at])?;
    if let Some(old) = current {
        let event = AuditEvent::OwnerChanged {
            from_customer: old,
            to_customer: customer_id,
        };
        audit(tx, by, vehicle_id, &event)?;
    }
    Ok(())
}

/// The next RO number, under the write lock taken by `BEGIN IMMEDIATE`:
/// one counter row read and bumped in this transaction, never a scan.
fn next_number(tx: &Transaction<'_>) -> StoreResult<String> {
    let serial: i64 = tx
        .prepare_cached(
            "UPDATE ro_counter SET last_serial = max(last_serial, ?2) + 1
             WHERE prefix = ?1 RETURNING last_serial",
        )?
        .query_row(params![numbering::PREFIX, numbering::BEFORE_FIRST], |r| {
            r.get(0)
        })?;
    Ok(numbering::numbered(serial))
}

fn insert_header(
    tx: &Transaction<'_>,
    ro: &RepairOrder,
    customer_id: i64,
    vehicle_id: i64,
    by: Actor<'_>,
) -> StoreResult<i64> {
    let number = next_number(tx)?;
    tx.prepare_cached(
        "INSERT INTO repair_orders (number, vehicle_id, customer_id, advisor_id, status, checked_in_at,
             created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, 'checked_in', ?5, ?5, ?5, 0)",
    )?
    .execute(params![number, vehicle_id, customer_id, by.user_id, by.at])?;
    let id = tx.last_insert_rowid();
    write_header(tx, ro, id, (customer_id, vehicle_id), by)?;
    let event = AuditEvent::RoCreated {
        number,
        plate: ro.vehicle.plate.clone(),
        customer: ro.customer.name.clone(),
    };
    audit(tx, by, id, &event)?;
    Ok(id)
}

/// "RO-24090 was saved by carlos at 10:32 after you opened it".
pub fn conflict(conn: &Connection, stored: &RepairOrder) -> StoreResult<StoreError> {
    let last: Option<(String, chrono::DateTime<chrono::Utc>)> = conn
        .prepare_cached("SELECT user_login, at FROM audit_log WHERE entity = 'repair_order' AND entity_id = ?1 ORDER BY id DESC LIMIT 1")?
        .query_row([stored.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let last = last.as_ref().map(|(u, at)| (u.as_str(), *at));
    Ok(StoreError::Conflict(conflict_message(&stored.number, last)))
}

fn write_header(
    tx: &Transaction<'_>,
    ro: &RepairOrder,
    id: i64,
    (customer_id, vehicle_id): (i64, i64),
    by: Actor<'_>,
) -> StoreResult<()> {
    let clean = crate::domain::text::clean_multiline;
    let reason = Some(ro.odometer_override_reason.trim()).filter(|r| !r.is_empty());
    tx.prepare_cached(
        "UPDATE repair_orders SET customer_id = ?2, vehicle_id = ?3, odometer_in_km = ?4, odometer_override_reason = ?5,
             fuel_eighths = ?6, concerns = ?7, diagnosis = ?8, pricing_method = ?9, category = ?10, promised_at = ?11,
             work_group_id = ?12, estimated_minutes = ?13, discount_bp = ?14, no_warranty_notice = ?15,
             late_reason = ?16, updated_at = ?17, version = version + 1,
             -- Whoever sets or changes a discount is recorded as approving it
             -- (the editor lets only a manager go over the threshold).
             discount_approved_by = CASE WHEN ?14 > 0 THEN
                 CASE WHEN discount_bp = ?14 THEN coalesce(discount_approved_by, ?18) ELSE ?18 END END
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        customer_id,
        vehicle_id,
        ro.odometer_in_km,
        reason,
        ro.fuel_eighths,
        clean(&ro.concerns),
        clean(&ro.diagnosis),
        ro.pricing.code(),
        ro.category.code(),
        ro.promised_at,
        ro.work_group_id,
        ro.estimated_minutes,
        ro.discount_bp,
        ro.needs_no_warranty_notice(),
        Some(ro.late_reason.trim()).filter(|r| !r.is_empty()),
        by.at,
        by.user_id
    ])?;
    Ok(())
}

/// Writes the RO's lines by id, so a line keeps its identity from save to
/// save (the three-way merge matches lines by it): existing lines are
/// updated, new ones inserted, missing ones deleted.
pub fn write_lines(tx: &Transaction<'_>, ro_id: i64, lines: &[RoLine]) -> StoreResult<()> {
    let kept: Vec<i64> = lines.iter().filter_map(|l| l.id).collect();
    let existing: Vec<i64> = tx
        .prepare_cached("SELECT id FROM ro_lines WHERE ro_id = ?1")?
        .query_map([ro_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for gone in existing.iter().filter(|id| !kept.contains(id)) {
        tx.prepare_cached("DELETE FROM ro_lines WHERE id = ?1")?
            .execute([gone])?;
    }
    for (i, l) in lines.iter().enumerate() {
        match l.id.filter(|id| existing.contains(id)) {
            Some(id) => update_line(tx, id, i, l)?,
            None => insert_line(tx, ro_id, i, l)?,
        }
    }
    Ok(())
}

/// The op code or part number column a line's code goes into.
fn codes(l: &RoLine) -> (&str, &str) {
    if l.kind == LineKind::Part {
        ("", l.code.as_str())
    } else {
        (l.code.as_str(), "")
    }
}

/// Both take the same columns after the first parameter: the RO's id for
/// an insert, the line's own for an update.
const INSERT_LINE: &str =
    "INSERT INTO ro_lines (ro_id, sort, kind, op_code, part_number, description, quantity_milli,
         unit_price_minor, payer, supplier, grade, critical_system, approval, added_work_id, call_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
const UPDATE_LINE: &str =
    "UPDATE ro_lines SET sort = ?2, kind = ?3, op_code = ?4, part_number = ?5, description = ?6,
         quantity_milli = ?7, unit_price_minor = ?8, payer = ?9, supplier = ?10, grade = ?11,
         critical_system = ?12, approval = ?13, added_work_id = ?14, call_id = ?15
     WHERE id = ?1";

fn insert_line(tx: &Transaction<'_>, ro_id: i64, sort: usize, l: &RoLine) -> StoreResult<()> {
    put_line(tx, INSERT_LINE, ro_id, sort, l)
}

fn update_line(tx: &Transaction<'_>, id: i64, sort: usize, l: &RoLine) -> StoreResult<()> {
    put_line(tx, UPDATE_LINE, id, sort, l)
}

fn put_line(tx: &Transaction<'_>, sql: &str, key: i64, sort: usize, l: &RoLine) -> StoreResult<()> {
    let (op, part) = codes(l);
    tx.prepare_cached(sql)?.execute(params![
        key,
        sort as i64,
        l.kind.code(),
        op,
        part,
        crate::domain::text::clean_line(&l.description),
        l.quantity_milli,
        l.unit_price.0,
        l.payer.code(),
        l.supplier.code(),
        l.grade.code(),
        l.critical_system,
        l.approval.code(),
        l.proposal_id,
        l.call_id
    ])?;
    Ok(())
}

/// The car's last reading moves up; an overridden lower reading replaces it
/// (a new instrument cluster), and the override is in the audit log.
fn record_odometer(
    tx: &Transaction<'_>,
    vehicle_id: i64,
    ro: &RepairOrder,
    by: Actor<'_>,
) -> StoreResult<()> {
    let Some(km) = ro.odometer_in_km else {
        return Ok(());
    };
    let overridden = !ro.odometer_override_reason.trim().is_empty();
    let n = tx
        .prepare_cached(
            "UPDATE vehicles SET last_odometer_km = ?2, last_odometer_at = ?3
             WHERE id = ?1 AND (last_odometer_km IS NULL OR last_odometer_km < ?2 OR ?4)",
        )?
        .execute(params![vehicle_id, km, by.at, overridden])?;
    if n > 0 && overridden {
        let event = AuditEvent::OdometerOverride {
            km,
            reason: ro.odometer_override_reason.trim().to_string(),
        };
        audit(tx, by, vehicle_id, &event)?;
    }
    Ok(())
}
