//! What the advisor does to a saved RO at the desk: signature, decline with
//! exit notice, added work and its call, payments, exit notice. Each runs in
//! its own write transaction, checks the version, and leaves an audit row.

use super::audit;
use super::repair_order::{conflict, load, write_lines};
use crate::domain::added_work::{propose, record_decision, AddedWorkCall};
use crate::domain::audit::AuditEvent;
use crate::domain::desk;
use crate::domain::pricing::totals;
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::{balance, check_payment, Payment};
use crate::domain::{Money, RepairOrder};
use crate::store::{Actor, StoreError, StoreResult};
use rusqlite::{params, Connection, Transaction};

/// Loads the RO and refuses a stale version.
fn current(tx: &Transaction<'_>, id: i64, version: i64) -> StoreResult<RepairOrder> {
    let ro = load(tx, id)?;
    if ro.version != version {
        return Err(conflict(tx, &ro)?);
    }
    Ok(ro)
}

fn bump(tx: &Transaction<'_>, id: i64, by: Actor<'_>) -> StoreResult<()> {
    tx.prepare_cached(
        "UPDATE repair_orders SET version = version + 1, updated_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, by.at])?;
    Ok(())
}

/// The customer signs at the desk: from here on the RO is a contract (step 4).
pub fn sign(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    signer: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(tx, id, version)?;
    let signer = desk::sign(&ro, signer)?;
    tx.execute(
        "UPDATE repair_orders SET signed_by_name = ?2, signed_at = ?3 WHERE id = ?1",
        params![id, signer, by.at],
    )?;
    bump(tx, id, by)?;
    let event = AuditEvent::Signed {
        number: ro.number,
        signer,
    };
    audit(tx, by, id, &event)
}

/// The customer declines the estimate: the car leaves with an exit notice,
/// and any diagnosis or estimate fee lines stay payable (step 4).
pub fn decline(tx: &Transaction<'_>, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
    let ro = current(tx, id, version)?;
    desk::decline(&ro)?;
    tx.execute(
        "UPDATE repair_orders SET status = 'declined', bay_id = NULL, exit_notice_at = ?2 WHERE id = ?1",
        params![id, by.at],
    )?;
    bump(tx, id, by)?;
    audit(tx, by, id, &AuditEvent::Declined { number: ro.number })
}

fn write_status_and_lines(
    tx: &Transaction<'_>,
    ro: &RepairOrder,
    by: Actor<'_>,
) -> StoreResult<()> {
    let id = ro.id.unwrap_or_default();
    write_lines(tx, id, &ro.lines)?;
    tx.execute(
        "UPDATE repair_orders SET status = ?2, promised_at = ?3 WHERE id = ?1",
        params![id, ro.status.code(), ro.promised_at],
    )?;
    bump(tx, id, by)
}

/// The workshop proposes added work; the car waits for the customer (step 7).
pub fn propose_added_work(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    lines: Vec<RoLine>,
    by: Actor<'_>,
) -> StoreResult<()> {
    let mut ro = current(tx, id, version)?;
    let what: Vec<String> = lines.iter().map(|l| l.description.clone()).collect();
    propose(&mut ro, lines).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write_status_and_lines(tx, &ro, by)?;
    tx.execute(
        "INSERT INTO added_work_requests (ro_id, proposed_at, proposed_by) VALUES (?1, ?2, ?3)",
        params![id, by.at, by.user_id],
    )?;
    let event = AuditEvent::AddedWorkProposed {
        number: ro.number,
        items: what,
    };
    audit(tx, by, id, &event)
}

/// The advisor's call about added work: the answer, and who was told when.
pub fn record_added_work_call(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    call: &AddedWorkCall,
    by: Actor<'_>,
) -> StoreResult<()> {
    let mut ro = current(tx, id, version)?;
    record_decision(&mut ro, call).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write_status_and_lines(tx, &ro, by)?;
    let decision = call.decision.code();
    tx.execute(
        "UPDATE added_work_requests SET asked_at = ?2, answered_at = ?3, decision = ?4, channel = ?5,
             delay_minutes = ?6, workshop_told = ?7, workshop_told_at = ?8
         WHERE id = (SELECT max(id) FROM added_work_requests WHERE ro_id = ?1 AND decision IS NULL)",
        params![
            id,
            call.asked_at,
            call.answered_at,
            decision,
            call.channel.code(),
            call.delay_minutes,
            call.workshop_told.trim(),
            call.workshop_told_at
        ],
    )?;
    let event = AuditEvent::AddedWorkAnswered {
        number: ro.number,
        call: call.clone(),
    };
    audit(tx, by, id, &event)
}

pub fn payments(conn: &Connection, id: i64) -> StoreResult<Vec<Payment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT amount_minor, method, paid_at FROM payments WHERE ro_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Payment {
            amount: Money(r.get(0)?),
            method: r.get(1)?,
            paid_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A payment, partial or whole; what stays unpaid is the arrears.
pub fn add_payment(
    tx: &Transaction<'_>,
    id: i64,
    amount: Money,
    method: &str,
    tax_rate_bp: i64,
    by: Actor<'_>,
) -> StoreResult<Money> {
    let ro = load(tx, id)?;
    let due = totals(&ro.lines, ro.discount_bp, tax_rate_bp).customer_due();
    let outstanding = balance(due, &payments(tx, id)?);
    check_payment(amount, outstanding).map_err(StoreError::Invalid)?;
    tx.execute(
        "INSERT INTO payments (ro_id, amount_minor, method, paid_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, amount.0, method, by.at, by.user_id],
    )?;
    let left = Money(outstanding.0 - amount.0);
    let event = AuditEvent::Payment {
        number: ro.number,
        amount,
        method: method.to_string(),
        still_owed: left,
    };
    audit(tx, by, id, &event)?;
    Ok(left)
}

/// The exit notice (出厂通知单) lets the car out; it comes after the final check.
pub fn issue_exit_notice(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(tx, id, version)?;
    desk::exit_notice(&ro)?;
    tx.execute(
        "UPDATE repair_orders SET exit_notice_at = ?2 WHERE id = ?1",
        params![id, by.at],
    )?;
    bump(tx, id, by)?;
    audit(tx, by, id, &AuditEvent::ExitNotice { number: ro.number })
}
