//! Loading and saving repair orders on the group server. The same steps as
//! the SQLite store's `repair_order.rs` (the domain decides; this writes),
//! with each shop numbering its own ROs from its own counter row.

use super::admin::permit;
use super::audit::append as audit;
use crate::domain::audit::AuditEvent;
use crate::domain::conflict::{changes, FieldChange};
use crate::domain::desk::{conflict_message, numbering};
use crate::domain::lifecycle::{check_save, SaveRule};
use crate::domain::plate::normalize_plate;
use crate::domain::repair_order::*;
use crate::domain::roles::Permission;
use crate::domain::{Money, RepairOrder, RoStatus};
use crate::store::{Actor, SaveRo, StoreError, StoreResult};
use postgres::{GenericClient, Row};

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
    LEFT JOIN users u ON u.id = ro.advisor_id WHERE ro.id = $1 AND ro.shop_id = frontdesk_shop()";

pub fn coded<T>(r: &Row, i: usize, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    let code: String = r.get(i);
    parse(&code).ok_or_else(|| StoreError::Backend(format!("unknown code {code}")))
}

fn ro_from_row(r: &Row) -> StoreResult<RepairOrder> {
    Ok(RepairOrder {
        id: Some(r.get(0)),
        number: r.get(1),
        version: r.get(2),
        status: coded(r, 3, RoStatus::from_code)?,
        customer: CustomerRef {
            id: Some(r.get(4)),
            name: r.get(5),
            phone: r.get(6),
        },
        vehicle: VehicleRef {
            id: Some(r.get(7)),
            vin: r.get(8),
            plate: r.get(9),
            make: r.get(10),
            model: r.get(11),
            last_odometer_km: None,
        },
        new_owner: false,
        vin_override_reason: r.get(12),
        odometer_in_km: r.get(13),
        odometer_override_reason: r.get(14),
        fuel_eighths: r.get(15),
        concerns: r.get(16),
        diagnosis: r.get(17),
        pricing: coded(r, 18, PricingMethod::from_code)?,
        category: coded(r, 19, Category::from_code)?,
        promised_at: r.get(20),
        work_group_id: r.get(21),
        estimated_minutes: r.get(22),
        discount_bp: r.get(23),
        lines: Vec::new(),
        advisor_login: r.get(24),
        checked_in_at: r.get(25),
        signed_by_name: r.get(26),
        signed_at: r.get(27),
        exit_notice_at: r.get(28),
        late_reason: r.get(29),
        desk: desk_from_row(r),
    })
}

fn sanction(r: &Row, i: usize) -> Option<Sanction> {
    let by: Option<String> = r.get(i);
    match (by, r.get(i + 1)) {
        (Some(by), Some(at)) => Some(Sanction {
            by,
            at,
            reason: r.get::<_, Option<String>>(i + 2).unwrap_or_default(),
        }),
        _ => None,
    }
}

fn desk_from_row(r: &Row) -> DeskRecord {
    let qc = match (r.get::<_, Option<String>>(33), r.get(34)) {
        (Some(by), Some(at)) => Some(Sanction {
            by,
            at,
            reason: String::new(),
        }),
        _ => None,
    };
    let arrears = r.get::<_, Option<i64>>(36).and_then(|amount| {
        sanction(r, 37).map(|accepted| Arrears {
            amount: Money(amount),
            accepted,
        })
    });
    DeskRecord {
        dispatch_override: sanction(r, 30),
        qc_passed: qc,
        expected_finish_at: r.get(35),
        arrears,
        reopened: sanction(r, 40),
        corrected_at: r.get(43),
        workshop_received_at: r.get(44),
        delivered_at: r.get(45),
    }
}

pub fn load(c: &mut impl GenericClient, id: i64) -> StoreResult<RepairOrder> {
    let row = c
        .query_opt(RO_SELECT, &[&id])?
        .ok_or_else(|| StoreError::NotFound(format!("repair order {id}")))?;
    let mut ro = ro_from_row(&row)?;
    ro.lines = lines(c, id)?;
    ro.vehicle.last_odometer_km = c
        .query_one(
            "SELECT max(odometer_in_km) FROM repair_orders
             WHERE vehicle_id = $1 AND id != $2 AND checked_in_at < coalesce($3, 'infinity'::timestamptz)",
            &[&ro.vehicle.id, &id, &ro.checked_in_at],
        )?
        .get(0);
    Ok(ro)
}

fn lines(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<Vec<RoLine>> {
    let rows = c.query(
        "SELECT id, kind, op_code, part_number, description, quantity_milli, unit_price_minor, payer, supplier,
                grade, critical_system <> 0, approval, added_work_id, call_id
         FROM ro_lines WHERE ro_id = $1 ORDER BY sort, id",
        &[&ro_id],
    )?;
    rows.iter()
        .map(|r| {
            let kind = coded(r, 1, LineKind::from_code)?;
            let (op, part): (String, String) = (r.get(2), r.get(3));
            Ok(RoLine {
                id: Some(r.get(0)),
                kind,
                code: if kind == LineKind::Part { part } else { op },
                description: r.get(4),
                quantity_milli: r.get(5),
                unit_price: Money(r.get(6)),
                payer: coded(r, 7, Payer::from_code)?,
                supplier: coded(r, 8, Supplier::from_code)?,
                grade: coded(r, 9, Grade::from_code)?,
                critical_system: r.get(10),
                approval: coded(r, 11, Approval::from_code)?,
                proposal_id: r.get(12),
                call_id: r.get(13),
            })
        })
        .collect()
}

pub fn id_by_number(c: &mut impl GenericClient, number: &str) -> StoreResult<Option<i64>> {
    Ok(c.query_opt(
        "SELECT id FROM repair_orders WHERE shop_id = frontdesk_shop() AND number = $1",
        &[&number.trim().to_uppercase()],
    )?
    .map(|r| r.get(0)))
}

/// Saves the editor's RO, as the SQLite store does: the row is locked
/// first, so the version compared is the one this save will replace.
pub fn save(tx: &mut impl GenericClient, req: &SaveRo<'_>, by: Actor<'_>) -> StoreResult<i64> {
    permit(tx, by, Permission::WriteRo)?;
    let Some(id) = req.ro.id else {
        permit_prices(tx, by, &RepairOrder::new(""), req.ro)?;
        return insert(tx, req.ro, by);
    };
    lock(tx, id)?;
    let stored = load(tx, id)?;
    let (ro, merged_with, overwrote) = reconcile(tx, req, &stored)?;
    let rule = check_save(&stored, &ro)?;
    permit_prices(tx, by, &stored, &ro)?;
    let changes = changes(&stored, &ro);
    if changes.is_empty() {
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

/// Locks the RO's row until commit: the guards read it after this.
pub fn lock(c: &mut impl GenericClient, id: i64) -> StoreResult<()> {
    c.query_opt(
        "SELECT 1 FROM repair_orders WHERE id = $1 AND shop_id = frontdesk_shop() FOR UPDATE",
        &[&id],
    )?
    .ok_or_else(|| StoreError::NotFound(format!("repair order {id}")))?;
    Ok(())
}

fn permit_prices(
    tx: &mut impl GenericClient,
    by: Actor<'_>,
    stored: &RepairOrder,
    ro: &RepairOrder,
) -> StoreResult<()> {
    if stored.lines != ro.lines || stored.discount_bp != ro.discount_bp {
        permit(tx, by, Permission::ChangePrices)?;
    }
    if ro.discount_bp != stored.discount_bp {
        let threshold = super::admin::settings(tx)?.discount_threshold_bp;
        if ro.discount_bp > threshold {
            permit(tx, by, Permission::ApproveDiscount)?;
        }
    }
    Ok(())
}

fn insert(tx: &mut impl GenericClient, ro: &RepairOrder, by: Actor<'_>) -> StoreResult<i64> {
    let customer_id = upsert_customer(tx, &ro.customer, by)?;
    let vehicle_id = upsert_vehicle(tx, ro, by)?;
    ensure_owner(tx, vehicle_id, customer_id, by)?;
    let id = insert_header(tx, ro, customer_id, vehicle_id, by)?;
    write_lines(tx, id, &ro.lines)?;
    record_odometer(tx, vehicle_id, ro, by)?;
    Ok(id)
}

fn reconcile(
    tx: &mut impl GenericClient,
    req: &SaveRo<'_>,
    stored: &RepairOrder,
) -> StoreResult<(RepairOrder, Option<i64>, Vec<FieldChange>)> {
    match crate::domain::conflict::reconcile(req.ro, req.base, req.keep_mine, stored) {
        Some(out) => Ok(out),
        None => Err(conflict(tx, stored)?),
    }
}

fn apply_rule(
    tx: &mut impl GenericClient,
    rule: SaveRule,
    id: i64,
    number: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    match rule {
        SaveRule::Plain => Ok(()),
        SaveRule::VoidSignature => {
            tx.execute(
                "UPDATE repair_orders SET signed_by_name = NULL, signed_at = NULL WHERE id = $1",
                &[&id],
            )?;
            let event = AuditEvent::SignatureVoided {
                number: number.to_string(),
            };
            audit(tx, by, id, &event)
        }
        SaveRule::Correction => {
            tx.execute(
                "UPDATE repair_orders SET reopened_by = NULL, reopened_at = NULL, reopen_reason = NULL,
                     corrected_at = $2 WHERE id = $1",
                &[&id, &by.at],
            )?;
            Ok(())
        }
    }
}

fn upsert_customer(
    tx: &mut impl GenericClient,
    c: &CustomerRef,
    by: Actor<'_>,
) -> StoreResult<i64> {
    let (name, phone) = (
        crate::domain::text::clean_line(&c.name),
        c.phone.trim().to_string(),
    );
    match c.id {
        Some(id) => {
            tx.execute(
                "UPDATE customers SET name = $2, phone = $3, updated_at = $4, version = version + 1
                 WHERE id = $1 AND (name != $2 OR phone != $3)",
                &[&id, &name, &phone, &by.at],
            )?;
            Ok(id)
        }
        None => {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO customers (name, phone, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
                    &[&name, &phone, &by.at],
                )?
                .get(0);
            audit(tx, by, id, &AuditEvent::CustomerCreated { name })?;
            Ok(id)
        }
    }
}

fn upsert_vehicle(
    tx: &mut impl GenericClient,
    ro: &RepairOrder,
    by: Actor<'_>,
) -> StoreResult<i64> {
    let v = &ro.vehicle;
    let plate = crate::domain::text::clean_line(v.plate.trim());
    let vin = v.vin.trim().to_uppercase();
    let reason = Some(ro.vin_override_reason.trim()).filter(|r| !r.is_empty());
    let norm = normalize_plate(&plate);
    let (make, model) = (v.make.trim(), v.model.trim());
    match v.id {
        Some(id) => {
            tx.execute(
                "UPDATE vehicles SET vin = $1, plate = $2, plate_norm = $3, make = $4, model = $5,
                     vin_override_reason = $6, updated_at = $7, version = version + 1
                 WHERE id = $8 AND (vin != $1 OR plate != $2 OR make != $4 OR model != $5
                     OR coalesce(vin_override_reason, '') != coalesce($6, ''))",
                &[&vin, &plate, &norm, &make, &model, &reason, &by.at, &id],
            )?;
            Ok(id)
        }
        None => {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO vehicles (vin, plate, plate_norm, make, model, vin_override_reason, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
                    &[&vin, &plate, &norm, &make, &model, &reason, &by.at],
                )?
                .get(0);
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

fn ensure_owner(
    tx: &mut impl GenericClient,
    vehicle_id: i64,
    customer_id: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    let current: Option<i64> = tx
        .query_opt(
            "SELECT customer_id FROM vehicle_owners WHERE vehicle_id = $1 AND until IS NULL",
            &[&vehicle_id],
        )?
        .map(|r| r.get(0));
    if current == Some(customer_id) {
        return Ok(());
    }
    let today = by.at.date_naive();
    tx.execute(
        "UPDATE vehicle_owners SET until = $2 WHERE vehicle_id = $1 AND until IS NULL",
        &[&vehicle_id, &today],
    )?;
    tx.execute(
        "INSERT INTO vehicle_owners (vehicle_id, customer_id, since) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        &[&vehicle_id, &customer_id, &today],
    )?;
    if let Some(old) = current {
        let event = AuditEvent::OwnerChanged {
            from_customer: old,
            to_customer: customer_id,
        };
        audit(tx, by, vehicle_id, &event)?;
    }
    Ok(())
}

/// The next number of this shop: its counter row, bumped and locked until
/// commit, so two terminals can never take the same number.
fn next_number(tx: &mut impl GenericClient) -> StoreResult<String> {
    let serial: i64 = tx
        .query_one(
            "INSERT INTO ro_counter (prefix, last_serial) VALUES ($1, $2::bigint + 1)
             ON CONFLICT (shop_id, prefix) DO UPDATE
                 SET last_serial = greatest(ro_counter.last_serial, $2) + 1
             RETURNING last_serial",
            &[&numbering::PREFIX, &numbering::BEFORE_FIRST],
        )?
        .get(0);
    Ok(numbering::numbered(serial))
}

fn insert_header(
    tx: &mut impl GenericClient,
    ro: &RepairOrder,
    customer_id: i64,
    vehicle_id: i64,
    by: Actor<'_>,
) -> StoreResult<i64> {
    let number = next_number(tx)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO repair_orders (number, vehicle_id, customer_id, advisor_id, status, checked_in_at,
                 created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, 'checked_in', $5, $5, $5, 0) RETURNING id",
            &[&number, &vehicle_id, &customer_id, &by.user_id, &by.at],
        )?
        .get(0);
    write_header(tx, ro, id, (customer_id, vehicle_id), by)?;
    let event = AuditEvent::RoCreated {
        number,
        plate: ro.vehicle.plate.clone(),
        customer: ro.customer.name.clone(),
    };
    audit(tx, by, id, &event)?;
    Ok(id)
}

pub fn conflict(c: &mut impl GenericClient, stored: &RepairOrder) -> StoreResult<StoreError> {
    let last = c
        .query_opt(
            "SELECT user_login, at FROM audit_log WHERE entity = 'repair_order'::bytea AND entity_ref = $1
             ORDER BY id DESC LIMIT 1",
            &[&stored.id],
        )?
        .map(|r| {
            let login = String::from_utf8_lossy(r.get::<_, &[u8]>(0)).into_owned();
            let at = super::audit::parse_at(&String::from_utf8_lossy(r.get::<_, &[u8]>(1)));
            (login, at)
        });
    let last = last.as_ref().map(|(u, at)| (u.as_str(), *at));
    Ok(StoreError::Conflict(conflict_message(&stored.number, last)))
}

fn write_header(
    tx: &mut impl GenericClient,
    ro: &RepairOrder,
    id: i64,
    (customer_id, vehicle_id): (i64, i64),
    by: Actor<'_>,
) -> StoreResult<()> {
    let clean = crate::domain::text::clean_multiline;
    let reason = Some(ro.odometer_override_reason.trim()).filter(|r| !r.is_empty());
    let late = Some(ro.late_reason.trim()).filter(|r| !r.is_empty());
    tx.execute(
        "UPDATE repair_orders SET customer_id = $2, vehicle_id = $3, odometer_in_km = $4, odometer_override_reason = $5,
             fuel_eighths = $6, concerns = $7, diagnosis = $8, pricing_method = $9, category = $10, promised_at = $11,
             work_group_id = $12, estimated_minutes = $13, discount_bp = $14::bigint, no_warranty_notice = $15,
             late_reason = $16, updated_at = $17, version = version + 1,
             discount_approved_by = CASE WHEN $14::bigint > 0 THEN
                 CASE WHEN discount_bp = $14::bigint THEN coalesce(discount_approved_by, $18::bigint) ELSE $18::bigint END END
         WHERE id = $1",
        &[
            &id,
            &customer_id,
            &vehicle_id,
            &ro.odometer_in_km,
            &reason,
            &ro.fuel_eighths,
            &clean(&ro.concerns),
            &clean(&ro.diagnosis),
            &ro.pricing.code(),
            &ro.category.code(),
            &ro.promised_at,
            &ro.work_group_id,
            &ro.estimated_minutes,
            &ro.discount_bp,
            &i64::from(ro.needs_no_warranty_notice()),
            &late,
            &by.at,
            &by.user_id,
        ],
    )?;
    Ok(())
}

pub fn write_lines(tx: &mut impl GenericClient, ro_id: i64, lines: &[RoLine]) -> StoreResult<()> {
    let kept: Vec<i64> = lines.iter().filter_map(|l| l.id).collect();
    let existing: Vec<i64> = tx
        .query("SELECT id FROM ro_lines WHERE ro_id = $1", &[&ro_id])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let gone: Vec<i64> = existing
        .iter()
        .copied()
        .filter(|id| !kept.contains(id))
        .collect();
    tx.execute("DELETE FROM ro_lines WHERE id = ANY($1)", &[&gone])?;
    for (i, l) in lines.iter().enumerate() {
        match l.id.filter(|id| existing.contains(id)) {
            Some(id) => put_line(tx, UPDATE_LINE, id, i, l)?,
            None => put_line(tx, INSERT_LINE, ro_id, i, l)?,
        }
    }
    Ok(())
}

const INSERT_LINE: &str =
    "INSERT INTO ro_lines (ro_id, sort, kind, op_code, part_number, description, quantity_milli,
         unit_price_minor, payer, supplier, grade, critical_system, approval, added_work_id, call_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
const UPDATE_LINE: &str =
    "UPDATE ro_lines SET sort = $2, kind = $3, op_code = $4, part_number = $5, description = $6,
         quantity_milli = $7, unit_price_minor = $8, payer = $9, supplier = $10, grade = $11,
         critical_system = $12, approval = $13, added_work_id = $14, call_id = $15
     WHERE id = $1";

fn put_line(
    tx: &mut impl GenericClient,
    sql: &str,
    key: i64,
    sort: usize,
    l: &RoLine,
) -> StoreResult<()> {
    let (op, part) = if l.kind == LineKind::Part {
        ("", l.code.as_str())
    } else {
        (l.code.as_str(), "")
    };
    tx.execute(
        sql,
        &[
            &key,
            &(sort as i64),
            &l.kind.code(),
            &op,
            &part,
            &crate::domain::text::clean_line(&l.description),
            &l.quantity_milli,
            &l.unit_price.0,
            &l.payer.code(),
            &l.supplier.code(),
            &l.grade.code(),
            &i64::from(l.critical_system),
            &l.approval.code(),
            &l.proposal_id,
            &l.call_id,
        ],
    )?;
    Ok(())
}

fn record_odometer(
    tx: &mut impl GenericClient,
    vehicle_id: i64,
    ro: &RepairOrder,
    by: Actor<'_>,
) -> StoreResult<()> {
    let Some(km) = ro.odometer_in_km else {
        return Ok(());
    };
    let overridden = !ro.odometer_override_reason.trim().is_empty();
    let n = tx.execute(
        "UPDATE vehicles SET last_odometer_km = $2, last_odometer_at = $3
         WHERE id = $1 AND (last_odometer_km IS NULL OR last_odometer_km < $2 OR $4)",
        &[&vehicle_id, &km, &by.at, &overridden],
    )?;
    if n > 0 && overridden {
        let event = AuditEvent::OdometerOverride {
            km,
            reason: ro.odometer_override_reason.trim().to_string(),
        };
        audit(tx, by, vehicle_id, &event)?;
    }
    Ok(())
}
