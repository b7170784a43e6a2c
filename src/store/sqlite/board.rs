//! Queries and writes behind the service bay board.

use super::audit;
use super::desk::{current, permit, with_facts};
use super::repair_order::load;
use super::text::{opt_text, text};
use crate::domain::audit::{AuditEvent, Place};
use crate::domain::book::capacity::Slot;
use crate::domain::checklist::keys::KeyHolder;
use crate::domain::dispatch::{changes_nothing, plan_move, BayChoice, RoState};
use crate::domain::lifecycle::{check_pickup_call, check_progress, Progress};
use crate::domain::roles::Permission;
use crate::domain::timing::to_ten_minutes;
use crate::domain::{
    AuditEntry, Bay, BayKind, BoardCard, BoardSnapshot, JobTimes, MoveRequest, RoDetail, RoStatus,
    WorkGroup,
};
use crate::store::{Actor, StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

const CARD_COLUMNS: &str = "ro.id, ro.number, ro.version, v.plate, trim(v.make || ' ' || v.model), c.name,
    ro.advisor_id, coalesce(u.name, ''), ro.work_group_id, ro.bay_id, ro.status, ro.checked_in_at,
    ro.promised_at, ro.estimated_minutes, ro.work_started_at, ro.progress_checked_at, ro.pickup_called_at,
    ro.expected_finish_at, ro.customer_waiting, k.tag, k.holder";

const CARD_FROM: &str = "FROM repair_orders ro
    JOIN vehicles v ON v.id = ro.vehicle_id
    JOIN customers c ON c.id = ro.customer_id
    LEFT JOIN users u ON u.id = ro.advisor_id
    LEFT JOIN key_tags k ON k.ro_id = ro.id AND k.returned_at IS NULL";

fn status_of(row: &Row<'_>, idx: usize) -> rusqlite::Result<RoStatus> {
    let code: String = text(row, idx)?;
    RoStatus::from_code(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown status {code}").into(),
        )
    })
}

fn card_from_row(row: &Row<'_>) -> rusqlite::Result<BoardCard> {
    Ok(BoardCard {
        id: row.get(0)?,
        number: text(row, 1)?,
        version: row.get(2)?,
        plate: text(row, 3)?,
        model: text(row, 4)?,
        customer: text(row, 5)?,
        advisor_id: row.get(6)?,
        advisor: text(row, 7)?,
        work_group_id: row.get(8)?,
        bay_id: row.get(9)?,
        times: JobTimes {
            status: status_of(row, 10)?,
            checked_in_at: row.get(11)?,
            promised_at: row.get(12)?,
            estimated_minutes: row.get(13)?,
            work_started_at: row.get(14)?,
            progress_checked_at: row.get(15)?,
            pickup_called_at: row.get(16)?,
            expected_finish_at: row.get(17)?,
        },
        waiting: row.get(18)?,
        key: opt_text(row, 19)?.map(|tag| {
            let holder = opt_text(row, 20).ok().flatten().unwrap_or_default();
            (
                tag,
                KeyHolder::from_code(&holder).unwrap_or(KeyHolder::Advisor),
            )
        }),
    })
}

/// The open statuses as an SQL list (our own constants, never user input).
pub fn open_status_list() -> String {
    RoStatus::OPEN
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(",")
}

pub fn snapshot(conn: &Connection) -> StoreResult<BoardSnapshot> {
    // The status list is our own constants, not user input.
    let sql = format!(
        "SELECT {CARD_COLUMNS} {CARD_FROM} WHERE ro.status IN ({})",
        open_status_list()
    );
    let cards = conn
        .prepare_cached(&sql)?
        .query_map([], card_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BoardSnapshot {
        bays: bays(conn)?,
        groups: groups(conn)?,
        cards,
        booked: booked_slots(conn)?,
    })
}

/// The appointments still expected (booked or confirmed), for the promise
/// risk: they hold their group's hands before a car's promise. Read from
/// the partial index of active bookings: the `+` keeps SQLite off the
/// `ro_id` index, where "no RO" also means every no-show and cancellation
/// of ten years (42 ms at a million ROs, on every board load).
fn booked_slots(conn: &Connection) -> StoreResult<Vec<Slot>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bay_id, work_group_id, starts_at, ends_at FROM appointments
         WHERE status IN ('booked', 'confirmed') AND +ro_id IS NULL",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Slot {
            bay_id: r.get(0)?,
            work_group_id: r.get(1)?,
            starts_at: r.get(2)?,
            ends_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn bays(conn: &Connection) -> StoreResult<Vec<Bay>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, name, kind, capacity FROM bays WHERE active = 1 ORDER BY sort, code",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = text(r, 3)?;
        Ok(Bay {
            id: r.get(0)?,
            code: text(r, 1)?,
            name: text(r, 2)?,
            kind: BayKind::from_code(&kind).unwrap_or(BayKind::Lift),
            capacity: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn groups(conn: &Connection) -> StoreResult<Vec<WorkGroup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, technicians FROM work_groups WHERE active = 1 ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(WorkGroup {
            id: r.get(0)?,
            name: text(r, 1)?,
            technicians: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn detail(conn: &Connection, ro_id: i64) -> StoreResult<RoDetail> {
    let sql = format!(
        "SELECT {CARD_COLUMNS}, v.vin, c.phone, ro.category, ro.concerns, ro.odometer_in_km, ro.fuel_eighths,
                g.name, b.name, ro.workshop_received_at
         {CARD_FROM} LEFT JOIN work_groups g ON g.id = ro.work_group_id LEFT JOIN bays b ON b.id = ro.bay_id
         WHERE ro.id = ?1"
    );
    let detail = conn
        .query_row(&sql, [ro_id], |r| {
            Ok(RoDetail {
                card: card_from_row(r)?,
                vin: text(r, 21)?,
                phone: text(r, 22)?,
                category: text(r, 23)?,
                concerns: text(r, 24)?,
                odometer_km: r.get(25)?,
                fuel_eighths: r.get(26)?,
                work_group: opt_text(r, 27)?,
                bay: opt_text(r, 28)?,
                workshop_received_at: r.get(29)?,
                history: Vec::new(),
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("repair order {ro_id}")))?;
    Ok(RoDetail {
        history: history(conn, ro_id)?,
        ..detail
    })
}

fn history(conn: &Connection, ro_id: i64) -> StoreResult<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, user_login, action, detail FROM audit_log
         WHERE entity = 'repair_order' AND entity_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([ro_id], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            user_login: text(r, 1)?,
            action: text(r, 2)?,
            detail: text(r, 3)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn current_state(tx: &Transaction<'_>, ro_id: i64) -> StoreResult<(String, RoState)> {
    tx.query_row(
        "SELECT number, status, version, bay_id, work_group_id, workshop_received_at, work_started_at,
                ready_at, delivered_at, qc_passed_at IS NOT NULL FROM repair_orders WHERE id = ?1",
        [ro_id],
        |r| {
            Ok((
                text(r, 0)?,
                RoState {
                    status: status_of(r, 1)?,
                    version: r.get(2)?,
                    bay_id: r.get(3)?,
                    work_group_id: r.get(4)?,
                    workshop_received_at: r.get(5)?,
                    work_started_at: r.get(6)?,
                    ready_at: r.get(7)?,
                    delivered_at: r.get(8)?,
                    qc_passed: r.get(9)?,
                },
            ))
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("repair order {ro_id}")))
}

/// The chosen bay and whether it is already full with other cars.
fn bay_choice(tx: &Transaction<'_>, bay_id: i64, ro_id: i64) -> StoreResult<(Bay, Option<String>)> {
    let bay = bays(tx)?
        .into_iter()
        .find(|b| b.id == bay_id)
        .ok_or_else(|| StoreError::NotFound(format!("bay {bay_id}")))?;
    let occupied: Vec<&str> = RoStatus::OPEN
        .iter()
        .filter(|s| s.occupies_bay())
        .map(|s| s.code())
        .collect();
    let mut stmt = tx.prepare_cached(
        "SELECT number FROM repair_orders
         WHERE bay_id = ?1 AND id != ?2 AND status IN (?3, ?4, ?5, ?6) ORDER BY id",
    )?;
    let occupants = stmt
        .query_map(
            params![
                bay_id,
                ro_id,
                occupied[0],
                occupied[1],
                occupied[2],
                occupied[3]
            ],
            |r| r.get::<_, String>(0),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let full_with = (occupants.len() as i64 >= bay.capacity).then(|| occupants[0].clone());
    Ok((bay, full_with))
}

pub fn move_ro(tx: &Transaction<'_>, req: &MoveRequest, by: Actor<'_>) -> StoreResult<()> {
    permit(tx, by, Permission::MoveCars)?;
    let (number, cur) = current_state(tx, req.ro_id)?;
    // The whole RO, for the life-cycle guards (signature, check, settlement).
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
        // The car is already there: no write, no audit row, no new version
        // for someone else's screen to conflict with.
        return Ok(());
    }
    tx.prepare_cached(
        "UPDATE repair_orders SET status = ?2, bay_id = ?3, work_group_id = ?4, workshop_received_at = ?5,
             work_started_at = ?6, ready_at = ?7, delivered_at = ?8, version = ?9, updated_at = ?10,
             qc_passed_at = CASE WHEN ?11 THEN qc_passed_at END,
             qc_passed_by = CASE WHEN ?11 THEN qc_passed_by END
         WHERE id = ?1",
    )?
    .execute(params![
        req.ro_id,
        next.status.code(),
        next.bay_id,
        next.work_group_id,
        next.workshop_received_at,
        next.work_started_at,
        next.ready_at,
        next.delivered_at,
        next.version,
        by.at,
        next.qc_passed
    ])?;
    let event = AuditEvent::RoMoved {
        number,
        from: place(tx, cur.status, cur.bay_id)?,
        to: place(tx, next.status, next.bay_id)?,
        group: match next.work_group_id {
            Some(g) if cur.work_group_id != next.work_group_id => Some(tx.query_row(
                "SELECT name FROM work_groups WHERE id = ?1",
                [g],
                |r| text(r, 0),
            )?),
            _ => None,
        },
        received_at: next
            .workshop_received_at
            .filter(|_| cur.workshop_received_at != next.workshop_received_at)
            .map(to_ten_minutes),
    };
    audit(tx, by, req.ro_id, &event)?;
    // The car left: its key went with the customer and its hook is free.
    if !next.status.is_open() {
        let number = load(tx, req.ro_id)?.number;
        super::checklist::release(tx, req.ro_id, &number, by)?;
    }
    Ok(())
}

fn place(tx: &Transaction<'_>, status: RoStatus, bay_id: Option<i64>) -> StoreResult<Place> {
    let bay = match bay_id {
        Some(id) => {
            Some(tx.query_row("SELECT code FROM bays WHERE id = ?1", [id], |r| text(r, 0))?)
        }
        None => None,
    };
    Ok(Place { status, bay })
}

/// What the workshop said when asked about progress (step 8): on time, or
/// late with a new finish time, which the board shows and which asks for
/// the customer's call.
pub fn record_progress_check(
    tx: &Transaction<'_>,
    ro_id: i64,
    version: i64,
    report: Progress,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::CheckProgress)?;
    let ro = current(tx, ro_id, version)?;
    check_progress(&ro, report, by.at)?;
    let (on_time, new_finish) = match report {
        Progress::OnTime => (true, None),
        Progress::Late { new_finish } => (false, Some(new_finish)),
    };
    tx.execute(
        "INSERT INTO progress_checks (ro_id, at, user_id, on_time, new_finish_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![ro_id, by.at, by.user_id, on_time, new_finish],
    )?;
    tx.execute(
        "UPDATE repair_orders SET progress_checked_at = ?2, progress_checked_by = ?3,
             expected_finish_at = ?4, version = version + 1, updated_at = ?2 WHERE id = ?1",
        params![ro_id, by.at, by.user_id, new_finish],
    )?;
    let event = AuditEvent::ProgressChecked {
        number: ro.number,
        report,
    };
    audit(tx, by, ro_id, &event)
}

/// The pickup call (step 10). A late car's call gives the reason and an
/// apology, and only a late car's: the same rule from every pane.
pub fn record_pickup_call(
    tx: &Transaction<'_>,
    ro_id: i64,
    version: i64,
    late_reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::CallCustomer)?;
    let ro = current(tx, ro_id, version)?;
    let reason = check_pickup_call(&ro, late_reason, by.at)?;
    tx.execute(
        "UPDATE repair_orders SET pickup_called_at = ?2, pickup_called_by = ?3,
             version = version + 1, updated_at = ?2 WHERE id = ?1",
        params![ro_id, by.at, by.user_id],
    )?;
    let number = ro.number;
    if !reason.is_empty() {
        tx.execute(
            "UPDATE repair_orders SET late_reason = ?2 WHERE id = ?1",
            params![ro_id, reason],
        )?;
        audit(tx, by, ro_id, &AuditEvent::LateCall { reason })?;
    }
    audit(tx, by, ro_id, &AuditEvent::PickupCalled { number })
}
