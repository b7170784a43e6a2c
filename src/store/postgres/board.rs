//! The service bay board on the group server: one shop's bays, groups and
//! open ROs, and the moves, progress checks and pickup calls made on it.

use super::admin::{permit, role_of, settings};
use super::audit::append as audit;
use super::ro::{coded, conflict, load, lock};
use crate::domain::audit::{AuditEvent, Place};
use crate::domain::book::capacity::Slot;
use crate::domain::checklist::keys::KeyHolder;
use crate::domain::dispatch::{changes_nothing, plan_move, BayChoice, RoState};
use crate::domain::lifecycle::{check_pickup_call, check_progress, Facts, Progress};
use crate::domain::roles::Permission;
use crate::domain::settlement::{Balance, Payment};
use crate::domain::timing::to_ten_minutes;
use crate::domain::{
    Bay, BayKind, BoardCard, BoardSnapshot, JobTimes, Money, MoveRequest, RepairOrder, RoDetail,
    RoStatus, WorkGroup,
};
use crate::store::sqlite::board::open_status_list;
use crate::store::{Actor, StoreError, StoreResult};
use postgres::{GenericClient, Row};

const CARD_COLUMNS: &str = "ro.id, ro.number, ro.version, v.plate, trim(v.make || ' ' || v.model), c.name,
    ro.advisor_id, coalesce(u.name, ''), ro.work_group_id, ro.bay_id, ro.status, ro.checked_in_at,
    ro.promised_at, ro.estimated_minutes, ro.work_started_at, ro.progress_checked_at, ro.pickup_called_at,
    ro.expected_finish_at, ro.customer_waiting <> 0, k.tag, k.holder";

const CARD_FROM: &str = "FROM repair_orders ro
    JOIN vehicles v ON v.id = ro.vehicle_id
    JOIN customers c ON c.id = ro.customer_id
    LEFT JOIN users u ON u.id = ro.advisor_id
    LEFT JOIN key_tags k ON k.ro_id = ro.id AND k.returned_at IS NULL";

fn card_from_row(r: &Row) -> StoreResult<BoardCard> {
    Ok(BoardCard {
        id: r.get(0),
        number: r.get(1),
        version: r.get(2),
        plate: r.get(3),
        model: r.get(4),
        customer: r.get(5),
        advisor_id: r.get(6),
        advisor: r.get(7),
        work_group_id: r.get(8),
        bay_id: r.get(9),
        times: JobTimes {
            status: coded(r, 10, RoStatus::from_code)?,
            checked_in_at: r.get(11),
            promised_at: r.get(12),
            estimated_minutes: r.get(13),
            work_started_at: r.get(14),
            progress_checked_at: r.get(15),
            pickup_called_at: r.get(16),
            expected_finish_at: r.get(17),
        },
        waiting: r.get(18),
        key: r.get::<_, Option<String>>(19).map(|tag| {
            let holder: Option<String> = r.get(20);
            let holder = holder.as_deref().and_then(KeyHolder::from_code);
            (tag, holder.unwrap_or(KeyHolder::Advisor))
        }),
    })
}

/// This shop's board: the other shops' cars are never read.
pub fn snapshot(c: &mut impl GenericClient) -> StoreResult<BoardSnapshot> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} {CARD_FROM} WHERE ro.shop_id = frontdesk_shop() AND ro.status IN ({})",
        open_status_list()
    );
    let cards = c
        .query(&sql, &[])?
        .iter()
        .map(card_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(BoardSnapshot {
        bays: bays(c)?,
        groups: groups(c)?,
        cards,
        booked: booked_slots(c)?,
    })
}

fn booked_slots(c: &mut impl GenericClient) -> StoreResult<Vec<Slot>> {
    Ok(c
        .query(
            "SELECT bay_id, work_group_id, starts_at, ends_at FROM appointments
             WHERE shop_id = frontdesk_shop() AND status IN ('booked', 'confirmed') AND ro_id IS NULL",
            &[],
        )?
        .iter()
        .map(|r| Slot {
            bay_id: r.get(0),
            work_group_id: r.get(1),
            starts_at: r.get(2),
            ends_at: r.get(3),
        })
        .collect())
}

pub fn bays(c: &mut impl GenericClient) -> StoreResult<Vec<Bay>> {
    Ok(c.query(
        "SELECT id, code, name, kind, capacity FROM bays
             WHERE shop_id = frontdesk_shop() AND active = 1 ORDER BY sort, code",
        &[],
    )?
    .iter()
    .map(|r| Bay {
        id: r.get(0),
        code: r.get(1),
        name: r.get(2),
        kind: BayKind::from_code(r.get(3)).unwrap_or(BayKind::Lift),
        capacity: r.get(4),
    })
    .collect())
}

pub fn groups(c: &mut impl GenericClient) -> StoreResult<Vec<WorkGroup>> {
    Ok(c.query(
        "SELECT id, name, technicians FROM work_groups
             WHERE shop_id = frontdesk_shop() AND active = 1 ORDER BY name",
        &[],
    )?
    .iter()
    .map(|r| WorkGroup {
        id: r.get(0),
        name: r.get(1),
        technicians: r.get(2),
    })
    .collect())
}

pub fn detail(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<RoDetail> {
    let sql = format!(
        "SELECT {CARD_COLUMNS}, v.vin, c.phone, ro.category, ro.concerns, ro.odometer_in_km, ro.fuel_eighths,
                g.name, b.name, ro.workshop_received_at
         {CARD_FROM} LEFT JOIN work_groups g ON g.id = ro.work_group_id LEFT JOIN bays b ON b.id = ro.bay_id
         WHERE ro.id = $1 AND ro.shop_id = frontdesk_shop()"
    );
    let r = c
        .query_opt(&sql, &[&ro_id])?
        .ok_or_else(|| StoreError::NotFound(format!("repair order {ro_id}")))?;
    Ok(RoDetail {
        card: card_from_row(&r)?,
        vin: r.get(21),
        phone: r.get(22),
        category: r.get(23),
        concerns: r.get(24),
        odometer_km: r.get(25),
        fuel_eighths: r.get(26),
        work_group: r.get(27),
        bay: r.get(28),
        workshop_received_at: r.get(29),
        history: super::audit::history(c, ro_id)?,
    })
}

fn current_state(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<(String, RoState)> {
    let r = c
        .query_opt(
            "SELECT number, status, version, bay_id, work_group_id, workshop_received_at, work_started_at,
                    ready_at, delivered_at, qc_passed_at IS NOT NULL
             FROM repair_orders WHERE id = $1 AND shop_id = frontdesk_shop()",
            &[&ro_id],
        )?
        .ok_or_else(|| StoreError::NotFound(format!("repair order {ro_id}")))?;
    Ok((
        r.get(0),
        RoState {
            status: coded(&r, 1, RoStatus::from_code)?,
            version: r.get(2),
            bay_id: r.get(3),
            work_group_id: r.get(4),
            workshop_received_at: r.get(5),
            work_started_at: r.get(6),
            ready_at: r.get(7),
            delivered_at: r.get(8),
            qc_passed: r.get(9),
        },
    ))
}

fn bay_choice(
    c: &mut impl GenericClient,
    bay_id: i64,
    ro_id: i64,
) -> StoreResult<(Bay, Option<String>)> {
    let bay = bays(c)?
        .into_iter()
        .find(|b| b.id == bay_id)
        .ok_or_else(|| StoreError::NotFound(format!("bay {bay_id}")))?;
    let occupied: Vec<&str> = RoStatus::OPEN
        .iter()
        .filter(|s| s.occupies_bay())
        .map(|s| s.code())
        .collect();
    let occupants: Vec<String> = c
        .query(
            "SELECT number FROM repair_orders WHERE bay_id = $1 AND id != $2 AND status = ANY($3) ORDER BY id",
            &[&bay_id, &ro_id, &occupied],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let full_with = (occupants.len() as i64 >= bay.capacity).then(|| occupants[0].clone());
    Ok((bay, full_with))
}

/// The facts the life-cycle guards need, read in the caller's transaction.
pub fn with_facts<T>(
    c: &mut impl GenericClient,
    ro: &RepairOrder,
    by: Actor<'_>,
    f: impl FnOnce(&Facts) -> StoreResult<T>,
) -> StoreResult<T> {
    let s = settings(c)?;
    let id = ro.id.unwrap_or_default();
    let payments = payments(c, id)?;
    let facts = Facts {
        ro,
        balance: Balance::of(ro, s.tax_rate_bp, &payments),
        role: role_of(c, by)?,
        currency: &s.currency_symbol,
        handover: super::checklist::handover(c, id)?,
    };
    f(&facts)
}

pub fn payments(c: &mut impl GenericClient, id: i64) -> StoreResult<Vec<Payment>> {
    Ok(c.query(
        "SELECT amount_minor, method, paid_at FROM payments WHERE ro_id = $1 ORDER BY id",
        &[&id],
    )?
    .iter()
    .map(|r| Payment {
        amount: Money(r.get(0)),
        method: r.get(1),
        paid_at: r.get(2),
    })
    .collect())
}

pub fn move_ro(tx: &mut impl GenericClient, req: &MoveRequest, by: Actor<'_>) -> StoreResult<()> {
    permit(tx, by, Permission::MoveCars)?;
    lock(tx, req.ro_id)?;
    let (number, cur) = current_state(tx, req.ro_id)?;
    let ro = load(tx, req.ro_id)?;
    let chosen = match req.bay_id {
        Some(bay_id) => Some(bay_choice(tx, bay_id, req.ro_id)?),
        None => None,
    };
    let choice = chosen.as_ref().map(|(bay, full)| BayChoice {
        bay,
        full_with: full.clone(),
    });
    let next = with_facts(tx, &ro, by, |f| Ok(plan_move(f, &cur, req, choice, by.at)?))?;
    if changes_nothing(&cur, &next) {
        return Ok(());
    }
    tx.execute(
        "UPDATE repair_orders SET status = $2, bay_id = $3, work_group_id = $4, workshop_received_at = $5,
             work_started_at = $6, ready_at = $7, delivered_at = $8, version = $9, updated_at = $10,
             qc_passed_at = CASE WHEN $11 THEN qc_passed_at END,
             qc_passed_by = CASE WHEN $11 THEN qc_passed_by END
         WHERE id = $1",
        &[
            &req.ro_id,
            &next.status.code(),
            &next.bay_id,
            &next.work_group_id,
            &next.workshop_received_at,
            &next.work_started_at,
            &next.ready_at,
            &next.delivered_at,
            &next.version,
            &by.at,
            &next.qc_passed,
        ],
    )?;
    let group = match next.work_group_id {
        Some(g) if cur.work_group_id != next.work_group_id => Some(
            tx.query_one("SELECT name FROM work_groups WHERE id = $1", &[&g])?
                .get(0),
        ),
        _ => None,
    };
    let event = AuditEvent::RoMoved {
        number: number.clone(),
        from: place(tx, cur.status, cur.bay_id)?,
        to: place(tx, next.status, next.bay_id)?,
        group,
        received_at: next
            .workshop_received_at
            .filter(|_| cur.workshop_received_at != next.workshop_received_at)
            .map(to_ten_minutes),
    };
    audit(tx, by, req.ro_id, &event)?;
    if !next.status.is_open() {
        super::checklist::release_key(tx, req.ro_id, &number, by)?;
    }
    Ok(())
}

fn place(c: &mut impl GenericClient, status: RoStatus, bay_id: Option<i64>) -> StoreResult<Place> {
    let bay = match bay_id {
        Some(id) => Some(
            c.query_one("SELECT code FROM bays WHERE id = $1", &[&id])?
                .get(0),
        ),
        None => None,
    };
    Ok(Place { status, bay })
}

/// Loads the RO under its row lock and refuses a stale version.
fn current(tx: &mut impl GenericClient, id: i64, version: i64) -> StoreResult<RepairOrder> {
    lock(tx, id)?;
    let ro = load(tx, id)?;
    if ro.version != version {
        return Err(conflict(tx, &ro)?);
    }
    Ok(ro)
}

pub fn record_progress_check(
    tx: &mut impl GenericClient,
    ro_id: i64,
    version: i64,
    report: Progress,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::CheckProgress)?;
    let ro = current(tx, ro_id, version)?;
    check_progress(&ro, report, by.at)?;
    let (on_time, new_finish) = match report {
        Progress::OnTime => (1i64, None),
        Progress::Late { new_finish } => (0, Some(new_finish)),
    };
    tx.execute(
        "INSERT INTO progress_checks (ro_id, at, user_id, on_time, new_finish_at) VALUES ($1, $2, $3, $4, $5)",
        &[&ro_id, &by.at, &by.user_id, &on_time, &new_finish],
    )?;
    tx.execute(
        "UPDATE repair_orders SET progress_checked_at = $2, progress_checked_by = $3,
             expected_finish_at = $4, version = version + 1, updated_at = $2 WHERE id = $1",
        &[&ro_id, &by.at, &by.user_id, &new_finish],
    )?;
    let event = AuditEvent::ProgressChecked {
        number: ro.number,
        report,
    };
    audit(tx, by, ro_id, &event)
}

pub fn record_pickup_call(
    tx: &mut impl GenericClient,
    ro_id: i64,
    version: i64,
    late_reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::CallCustomer)?;
    let ro = current(tx, ro_id, version)?;
    let reason = check_pickup_call(&ro, late_reason, by.at)?;
    tx.execute(
        "UPDATE repair_orders SET pickup_called_at = $2, pickup_called_by = $3,
             version = version + 1, updated_at = $2 WHERE id = $1",
        &[&ro_id, &by.at, &by.user_id],
    )?;
    if !reason.is_empty() {
        tx.execute(
            "UPDATE repair_orders SET late_reason = $2 WHERE id = $1",
            &[&ro_id, &reason],
        )?;
        audit(tx, by, ro_id, &AuditEvent::LateCall { reason })?;
    }
    audit(
        tx,
        by,
        ro_id,
        &AuditEvent::PickupCalled { number: ro.number },
    )
}
