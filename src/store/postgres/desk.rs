//! The desk's steps on one RO on the group server: payment, final check,
//! exit notice, and the manager's sanctions (dispatch before signing,
//! arrears, reopening). Each locks the RO row, refuses a stale version,
//! asks the domain's guard, writes, bumps the version and seals an audit
//! row, as the shop file does.

use super::admin::permit;
use super::audit::append as audit;
use super::board::{payments, with_facts};
use super::ro::{conflict, load, lock};
use crate::domain::audit::AuditEvent;
use crate::domain::lifecycle;
use crate::domain::roles::Permission;
use crate::domain::settlement::{check_payment, Balance};
use crate::domain::{Money, RepairOrder};
use crate::store::{Actor, StoreError, StoreResult};
use postgres::GenericClient;

/// Locks and loads the RO, and refuses a stale version.
fn current(c: &mut impl GenericClient, id: i64, version: i64) -> StoreResult<RepairOrder> {
    lock(c, id)?;
    let ro = load(c, id)?;
    if ro.version != version {
        return Err(conflict(c, &ro)?);
    }
    Ok(ro)
}

fn bump(c: &mut impl GenericClient, id: i64, by: Actor<'_>) -> StoreResult<()> {
    c.execute(
        "UPDATE repair_orders SET version = version + 1, updated_at = $2 WHERE id = $1",
        &[&id, &by.at],
    )?;
    Ok(())
}

/// A payment, partial or whole; what stays unpaid is owed.
pub fn add_payment(
    c: &mut impl GenericClient,
    id: i64,
    amount: Money,
    method: &str,
    by: Actor<'_>,
) -> StoreResult<Money> {
    permit(c, by, Permission::TakePayment)?;
    lock(c, id)?;
    let ro = load(c, id)?;
    let tax = super::admin::settings(c)?.tax_rate_bp;
    let outstanding = Balance::of(&ro, tax, &payments(c, id)?).outstanding();
    check_payment(amount, outstanding).map_err(StoreError::Invalid)?;
    c.execute(
        "INSERT INTO payments (ro_id, amount_minor, method, paid_at, user_id) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &amount.0, &method, &by.at, &by.user_id],
    )?;
    let left = Money(outstanding.0 - amount.0);
    let event = AuditEvent::Payment {
        number: ro.number,
        amount,
        method: method.to_string(),
        still_owed: left,
    };
    audit(c, by, id, &event)?;
    Ok(left)
}

/// The exit notice (出厂通知单) lets the car out: ready, checked, settled.
pub fn issue_exit_notice(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::IssueExitNotice)?;
    let ro = current(c, id, version)?;
    with_facts(c, &ro, by, |f| Ok(lifecycle::check_exit_notice(f)?))?;
    c.execute(
        "UPDATE repair_orders SET exit_notice_at = $2 WHERE id = $1",
        &[&id, &by.at],
    )?;
    bump(c, id, by)?;
    audit(c, by, id, &AuditEvent::ExitNotice { number: ro.number })
}

/// The final quality check: who checked, passed or the findings.
pub fn record_quality_check(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    passed: bool,
    findings: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::QualityCheck)?;
    let ro = current(c, id, version)?;
    let findings = crate::domain::text::clean_multiline(findings.trim());
    lifecycle::check_quality(&ro, passed, &findings)?;
    c.execute(
        "INSERT INTO quality_checks (ro_id, at, user_id, passed, findings) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &by.at, &by.user_id, &i64::from(passed), &findings],
    )?;
    if passed {
        c.execute(
            "UPDATE repair_orders SET qc_passed_at = $2, qc_passed_by = $3 WHERE id = $1",
            &[&id, &by.at, &by.login],
        )?;
    }
    bump(c, id, by)?;
    let event = AuditEvent::QualityChecked {
        number: ro.number,
        passed,
        findings,
    };
    audit(c, by, id, &event)
}

/// A sanction (who, when, why) written to three columns of the RO.
fn sanction(
    c: &mut impl GenericClient,
    id: i64,
    columns: [&str; 3],
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    // The column names are constants below, never user input.
    let [who, when, why] = columns;
    let sql = format!("UPDATE repair_orders SET {who} = $2, {when} = $3, {why} = $4 WHERE id = $1");
    c.execute(&sql, &[&id, &by.login, &by.at, &reason])?;
    bump(c, id, by)
}

/// A manager dispatches before the customer signs, with the reason.
pub fn override_dispatch(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(c, id, version)?;
    let reason = with_facts(c, &ro, by, |f| {
        Ok(lifecycle::check_dispatch_override(f, reason)?)
    })?;
    let columns = [
        "dispatch_override_by",
        "dispatch_override_at",
        "dispatch_override_reason",
    ];
    sanction(c, id, columns, &reason, by)?;
    let event = AuditEvent::DispatchOverride {
        number: ro.number,
        reason,
    };
    audit(c, by, id, &event)
}

/// A manager accepts what is still owed as arrears, with the reason.
pub fn accept_arrears(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(c, id, version)?;
    let (reason, amount) = with_facts(c, &ro, by, |f| {
        Ok(lifecycle::check_accept_arrears(f, reason)?)
    })?;
    c.execute(
        "UPDATE repair_orders SET arrears_accepted_minor = $2 WHERE id = $1",
        &[&id, &amount.0],
    )?;
    let columns = [
        "arrears_accepted_by",
        "arrears_accepted_at",
        "arrears_reason",
    ];
    sanction(c, id, columns, &reason, by)?;
    let event = AuditEvent::ArrearsAccepted {
        number: ro.number,
        amount,
        reason,
    };
    audit(c, by, id, &event)
}

/// A manager reopens a delivered RO for one correction, with the reason.
pub fn reopen(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    reason: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let ro = current(c, id, version)?;
    let reason = with_facts(c, &ro, by, |f| Ok(lifecycle::check_reopen(f, reason)?))?;
    let columns = ["reopened_by", "reopened_at", "reopen_reason"];
    sanction(c, id, columns, &reason, by)?;
    let event = AuditEvent::Reopened {
        number: ro.number,
        reason,
    };
    audit(c, by, id, &event)
}
