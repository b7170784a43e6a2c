//! What the advisor, cashier and manager do to a saved RO at the desk:
//! signature, decline, added work and its calls, payments, the final check,
//! the exit notice, arrears, dispatch before signing, reopening. Each runs
//! in its own write transaction, checks the version, asks the domain's
//! guard (`lifecycle`, `added_work`, `settlement`), and leaves an audit row.

use super::audit;
use super::repair_order::{conflict, load, write_lines};
use super::text::text;
use crate::domain::added_work::{
    propose, record_call, AddedWorkCall, CallRecord, Channel, Decision,
};
use crate::domain::audit::AuditEvent;
use crate::domain::lifecycle::{self, Facts};
use crate::domain::repair_order::RoLine;
use crate::domain::roles::{require, Permission};
use crate::domain::settlement::{check_payment, Balance, Payment};
use crate::domain::{Money, RepairOrder, RoStatus, Role};
use crate::store::{Actor, StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Loads the RO and refuses a stale version.
pub fn current(tx: &Transaction<'_>, id: i64, version: i64) -> StoreResult<RepairOrder> {
    let ro = load(tx, id)?;
    if ro.version != version {
        return Err(conflict(tx, &ro)?);
    }
    Ok(ro)
}

/// The acting user's role, from the users table (the store's own answer).
pub fn role_of(conn: &Connection, by: Actor<'_>) -> StoreResult<Option<Role>> {
    let Some(id) = by.user_id else {
        return Ok(None);
    };
    let code: Option<String> = conn
        .prepare_cached("SELECT role FROM users WHERE id = ?1 AND active = 1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(code.and_then(|c| Role::from_code(&c)))
}

/// The role table's answer for the acting user, from the users table in
/// this same transaction: every write asks it, whatever path it came by.
pub fn permit(conn: &Connection, by: Actor<'_>, p: Permission) -> StoreResult<()> {
    let role = role_of(conn, by)?;
    require(role, p).map_err(|f| StoreError::from(lifecycle::Refusal::NotAllowed(f)))
}

/// The settings the guards need: tax for the balance, currency for words.
fn money_settings(conn: &Connection) -> StoreResult<(i64, String)> {
    let s = super::admin::settings(conn)?;
    Ok((s.tax_rate_bp, s.currency_symbol))
}

/// Runs `f` with the facts the life-cycle guards need.
pub fn with_facts<T>(
    tx: &Transaction<'_>,
    ro: &RepairOrder,
    by: Actor<'_>,
    f: impl FnOnce(&Facts) -> StoreResult<T>,
) -> StoreResult<T> {
    let (tax, currency) = money_settings(tx)?;
    let payments = payments(tx, ro.id.unwrap_or_default())?;
    let facts = Facts {
        ro,
        balance: Balance::of(ro, tax, &payments),
        role: role_of(tx, by)?,
        currency: &currency,
        handover: super::checklist::handover(tx, ro.id.unwrap_or_default())?,
    };
    f(&facts)
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
    permit(tx, by, Permission::RecordSignature)?;
    let ro = current(tx, id, version)?;
    let signer = lifecycle::check_sign(&ro, signer)?;
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

/// The customer declines the estimate: its work is declined (a reason to
/// call later), any diagnosis or estimate fee stays payable, and once that
/// is paid the car leaves with an exit notice (step 4).
pub fn decline(tx: &Transaction<'_>, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
    permit(tx, by, Permission::RecordSignature)?;
    let mut ro = current(tx, id, version)?;
    lifecycle::check_decline(&ro)?;
    ro.decline_estimate();
    with_facts(tx, &ro, by, |f| Ok(lifecycle::check_declined_exit(f)?))?;
    write_lines(tx, id, &ro.lines)?;
    tx.execute(
        "UPDATE repair_orders SET status = 'declined', bay_id = NULL, exit_notice_at = ?2 WHERE id = ?1",
        params![id, by.at],
    )?;
    bump(tx, id, by)?;
    super::checklist::release(tx, id, &ro.number, by)?;
    audit(tx, by, id, &AuditEvent::Declined { number: ro.number })
}

/// The workshop proposes one or more items; the car waits for the
/// customer (step 7). More items may be proposed while earlier ones wait.
pub fn propose_added_work(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    lines: Vec<RoLine>,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::ProposeAddedWork)?;
    let mut ro = current(tx, id, version)?;
    let what: Vec<String> = lines.iter().map(|l| l.description.clone()).collect();
    let before = ro.lines.len();
    propose(&mut ro, lines)?;
    tx.execute(
        "INSERT INTO added_work_requests (ro_id, proposed_at, proposed_by) VALUES (?1, ?2, ?3)",
        params![id, by.at, by.user_id],
    )?;
    let proposal = tx.last_insert_rowid();
    for line in &mut ro.lines[before..] {
        line.proposal_id = Some(proposal);
    }
    write_lines(tx, id, &ro.lines)?;
    write_status_and_times(tx, &ro)?;
    bump(tx, id, by)?;
    let event = AuditEvent::AddedWorkProposed {
        number: ro.number,
        items: what,
    };
    audit(tx, by, id, &event)
}

fn on_a_lift(tx: &Transaction<'_>, id: i64) -> StoreResult<bool> {
    let bay: Option<i64> = tx
        .prepare_cached("SELECT bay_id FROM repair_orders WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    Ok(bay.is_some())
}

fn write_status_and_times(tx: &Transaction<'_>, ro: &RepairOrder) -> StoreResult<()> {
    tx.execute(
        "UPDATE repair_orders SET status = ?2, promised_at = ?3, estimated_minutes = ?4 WHERE id = ?1",
        params![
            ro.id,
            ro.status.code(),
            ro.promised_at,
            ro.estimated_minutes
        ],
    )?;
    Ok(())
}

/// One call's answers: each item approved or declined, the times, who in the
/// workshop was told, and the agreed delay (which moves estimate and promise).
pub fn record_added_work_call(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    call: &AddedWorkCall,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::CallCustomer)?;
    let mut ro = current(tx, id, version)?;
    record_call(&mut ro, call, by.at)?;
    if ro.status == RoStatus::InBay && !on_a_lift(tx, id)? {
        // The car left the lift while it waited: back in the queue for one.
        ro.status = RoStatus::WaitingForBay;
    }
    tx.execute(
        "INSERT INTO added_work_calls (ro_id, asked_at, answered_at, channel, workshop_told,
             workshop_told_at, delay_minutes, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            call.asked_at,
            call.answered_at,
            call.channel.code(),
            crate::domain::text::clean_line(call.workshop_told.trim()),
            call.workshop_told_at,
            call.delay_minutes,
            by.at,
            by.user_id
        ],
    )?;
    let call_id = tx.last_insert_rowid();
    let mut items = Vec::new();
    for (line_id, decision) in &call.decisions {
        if let Some(line) = ro.lines.iter_mut().find(|l| l.id == Some(*line_id)) {
            line.call_id = Some(call_id);
            items.push((line.description.clone(), *decision));
        }
    }
    write_lines(tx, id, &ro.lines)?;
    write_status_and_times(tx, &ro)?;
    bump(tx, id, by)?;
    let event = AuditEvent::AddedWorkAnswered {
        number: ro.number,
        call: call.clone(),
        items,
    };
    audit(tx, by, id, &event)
}

pub fn added_work_calls(conn: &Connection, id: i64) -> StoreResult<Vec<CallRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.asked_at, c.answered_at, c.channel, c.workshop_told, c.workshop_told_at,
                c.delay_minutes, coalesce(u.login, '')
         FROM added_work_calls c LEFT JOIN users u ON u.id = c.recorded_by
         WHERE c.ro_id = ?1 ORDER BY c.id",
    )?;
    let calls = stmt
        .query_map([id], |r| {
            let channel: String = text(r, 3)?;
            Ok(CallRecord {
                id: r.get(0)?,
                call: AddedWorkCall {
                    asked_at: r.get(1)?,
                    answered_at: r.get(2)?,
                    channel: Channel::from_code(&channel).unwrap_or(Channel::Phone),
                    workshop_told: text(r, 4)?,
                    workshop_told_at: r.get(5)?,
                    delay_minutes: r.get(6)?,
                    decisions: Vec::new(),
                },
                recorded_by: text(r, 7)?,
            })
        })?
        .collect::<Result<Vec<CallRecord>, _>>()?;
    // Each item answered on a call carries the call's id and its answer.
    let mut items = conn.prepare_cached(
        "SELECT id, approval FROM ro_lines WHERE ro_id = ?1 AND call_id = ?2 ORDER BY sort, id",
    )?;
    calls
        .into_iter()
        .map(|mut rec| {
            let rows = items.query_map(params![id, rec.id], |r| {
                Ok((r.get::<_, i64>(0)?, text(r, 1)?))
            })?;
            for row in rows {
                let (line, approval) = row?;
                let decision = match approval.as_str() {
                    "approved" => Decision::Approved,
                    _ => Decision::Declined,
                };
                rec.call.decisions.push((line, decision));
            }
            Ok(rec)
        })
        .collect()
}

pub fn payments(conn: &Connection, id: i64) -> StoreResult<Vec<Payment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT amount_minor, method, paid_at FROM payments WHERE ro_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(Payment {
            amount: Money(r.get(0)?),
            method: text(r, 1)?,
            paid_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A payment, partial or whole; what stays unpaid is owed. Paying arrears
/// after delivery is a payment like any other.
pub fn add_payment(
    tx: &Transaction<'_>,
    id: i64,
    amount: Money,
    method: &str,
    tax_rate_bp: i64,
    by: Actor<'_>,
) -> StoreResult<Money> {
    permit(tx, by, Permission::TakePayment)?;
    let ro = load(tx, id)?;
    let balance = Balance::of(&ro, tax_rate_bp, &payments(tx, id)?);
    let outstanding = balance.outstanding();
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

/// The exit notice (出厂通知单) lets the car out: ready, checked, settled.
pub fn issue_exit_notice(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::IssueExitNotice)?;
    let ro = current(tx, id, version)?;
    with_facts(tx, &ro, by, |f| Ok(lifecycle::check_exit_notice(f)?))?;
    tx.execute(
        "UPDATE repair_orders SET exit_notice_at = ?2 WHERE id = ?1",
        params![id, by.at],
    )?;
    bump(tx, id, by)?;
    audit(tx, by, id, &AuditEvent::ExitNotice { number: ro.number })
}

/// The final quality check: who checked, passed or the findings.
pub fn record_quality_check(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    passed: bool,
    findings: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::QualityCheck)?;
    let ro = current(tx, id, version)?;
    let findings = crate::domain::text::clean_multiline(findings.trim());
    lifecycle::check_quality(&ro, passed, &findings)?;
    tx.execute(
        "INSERT INTO quality_checks (ro_id, at, user_id, passed, findings) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, by.at, by.user_id, passed, findings],
    )?;
    if passed {
        tx.execute(
            "UPDATE repair_orders SET qc_passed_at = ?2, qc_passed_by = ?3 WHERE id = ?1",
            params![id, by.at, by.login],
        )?;
    }
    bump(tx, id, by)?;
    let event = AuditEvent::QualityChecked {
        number: ro.number,
        passed,
        findings,
    };
    audit(tx, by, id, &event)
}

/// A sanction (who, when, why) written to three columns of the RO.
fn sanction(
    tx: &Transaction<'_>,
    id: i64,
    columns: [&str; 3],
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    // The column names are constants below, never user input.
    let [who, when, why] = columns;
    let sql = format!("UPDATE repair_orders SET {who} = ?2, {when} = ?3, {why} = ?4 WHERE id = ?1");
    tx.execute(&sql, params![id, by.login, by.at, reason])?;
    bump(tx, id, by)
}

/// A manager dispatches before the customer signs, with the reason.
pub fn override_dispatch(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(tx, id, version)?;
    let reason = with_facts(tx, &ro, by, |f| {
        Ok(lifecycle::check_dispatch_override(f, reason)?)
    })?;
    let columns = [
        "dispatch_override_by",
        "dispatch_override_at",
        "dispatch_override_reason",
    ];
    sanction(tx, id, columns, &reason, by)?;
    let event = AuditEvent::DispatchOverride {
        number: ro.number,
        reason,
    };
    audit(tx, by, id, &event)
}

/// A manager accepts what is still owed as arrears, with the reason.
pub fn accept_arrears(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(tx, id, version)?;
    let (reason, amount) = with_facts(tx, &ro, by, |f| {
        Ok(lifecycle::check_accept_arrears(f, reason)?)
    })?;
    tx.execute(
        "UPDATE repair_orders SET arrears_accepted_minor = ?2 WHERE id = ?1",
        params![id, amount.0],
    )?;
    let columns = [
        "arrears_accepted_by",
        "arrears_accepted_at",
        "arrears_reason",
    ];
    sanction(tx, id, columns, &reason, by)?;
    let event = AuditEvent::ArrearsAccepted {
        number: ro.number,
        amount,
        reason,
    };
    audit(tx, by, id, &event)
}

/// A manager reopens a delivered RO for one correction, with the reason.
pub fn reopen(
    tx: &Transaction<'_>,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(tx, id, version)?;
    let reason = with_facts(tx, &ro, by, |f| Ok(lifecycle::check_reopen(f, reason)?))?;
    let columns = ["reopened_by", "reopened_at", "reopen_reason"];
    sanction(tx, id, columns, &reason, by)?;
    let event = AuditEvent::Reopened {
        number: ro.number,
        reason,
    };
    audit(tx, by, id, &event)
}
