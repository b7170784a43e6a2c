//! The customer's answers on the group server: the signature, declining
//! the estimate, added work proposed by the workshop and the calls that
//! settle it (steps 4 and 7). Each locks the RO row, refuses a stale
//! version and asks the domain's guard, as the shop file does.

use super::admin::permit;
use super::audit::append as audit;
use super::board::with_facts;
use super::ro::{conflict, load, lock, write_lines};
use crate::domain::added_work::{
    propose, record_call, AddedWorkCall, CallRecord, Channel, Decision,
};
use crate::domain::audit::AuditEvent;
use crate::domain::lifecycle;
use crate::domain::repair_order::RoLine;
use crate::domain::roles::Permission;
use crate::domain::{RepairOrder, RoStatus};
use crate::store::{Actor, StoreResult};
use postgres::GenericClient;

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

/// The customer signs at the desk: from here on the RO is a contract.
pub fn sign(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    signer: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::RecordSignature)?;
    let ro = current(c, id, version)?;
    let signer = lifecycle::check_sign(&ro, signer)?;
    c.execute(
        "UPDATE repair_orders SET signed_by_name = $2, signed_at = $3 WHERE id = $1",
        &[&id, &signer, &by.at],
    )?;
    bump(c, id, by)?;
    let event = AuditEvent::Signed {
        number: ro.number,
        signer,
    };
    audit(c, by, id, &event)
}

/// The customer declines the estimate: its work is declined, any fee stays
/// payable, and once paid the car leaves with an exit notice.
pub fn decline(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::RecordSignature)?;
    let mut ro = current(c, id, version)?;
    lifecycle::check_decline(&ro)?;
    ro.decline_estimate();
    with_facts(c, &ro, by, |f| Ok(lifecycle::check_declined_exit(f)?))?;
    write_lines(c, id, &ro.lines)?;
    c.execute(
        "UPDATE repair_orders SET status = 'declined', bay_id = NULL, exit_notice_at = $2
         WHERE id = $1",
        &[&id, &by.at],
    )?;
    bump(c, id, by)?;
    super::checklist::release_key(c, id, &ro.number, by)?;
    audit(c, by, id, &AuditEvent::Declined { number: ro.number })
}

/// The workshop proposes items; the car waits for the customer.
pub fn propose_added_work(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    lines: Vec<RoLine>,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::ProposeAddedWork)?;
    let mut ro = current(c, id, version)?;
    let what: Vec<String> = lines.iter().map(|l| l.description.clone()).collect();
    let before = ro.lines.len();
    propose(&mut ro, lines)?;
    let proposal: i64 = c
        .query_one(
            "INSERT INTO added_work_requests (ro_id, proposed_at, proposed_by)
             VALUES ($1, $2, $3) RETURNING id",
            &[&id, &by.at, &by.user_id],
        )?
        .get(0);
    for line in &mut ro.lines[before..] {
        line.proposal_id = Some(proposal);
    }
    write_lines(c, id, &ro.lines)?;
    write_status_and_times(c, &ro)?;
    bump(c, id, by)?;
    let event = AuditEvent::AddedWorkProposed {
        number: ro.number,
        items: what,
    };
    audit(c, by, id, &event)
}

fn write_status_and_times(c: &mut impl GenericClient, ro: &RepairOrder) -> StoreResult<()> {
    c.execute(
        "UPDATE repair_orders SET status = $2, promised_at = $3, estimated_minutes = $4
         WHERE id = $1",
        &[
            &ro.id,
            &ro.status.code(),
            &ro.promised_at,
            &ro.estimated_minutes,
        ],
    )?;
    Ok(())
}

/// One call's answers: each item approved or declined, the times, who in
/// the workshop was told, and the agreed delay.
pub fn record_added_work_call(
    c: &mut impl GenericClient,
    id: i64,
    version: i64,
    call: &AddedWorkCall,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::CallCustomer)?;
    let mut ro = current(c, id, version)?;
    record_call(&mut ro, call, by.at)?;
    let on_a_lift = c
        .query_one("SELECT bay_id FROM repair_orders WHERE id = $1", &[&id])?
        .get::<_, Option<i64>>(0)
        .is_some();
    if ro.status == RoStatus::InBay && !on_a_lift {
        // The car left the lift while it waited: back in the queue for one.
        ro.status = RoStatus::WaitingForBay;
    }
    let call_id: i64 = c
        .query_one(
            "INSERT INTO added_work_calls (ro_id, asked_at, answered_at, channel, workshop_told,
                 workshop_told_at, delay_minutes, recorded_at, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &id,
                &call.asked_at,
                &call.answered_at,
                &call.channel.code(),
                &crate::domain::text::clean_line(call.workshop_told.trim()),
                &call.workshop_told_at,
                &call.delay_minutes,
                &by.at,
                &by.user_id,
            ],
        )?
        .get(0);
    let mut items = Vec::new();
    for (line_id, decision) in &call.decisions {
        if let Some(line) = ro.lines.iter_mut().find(|l| l.id == Some(*line_id)) {
            line.call_id = Some(call_id);
            items.push((line.description.clone(), *decision));
        }
    }
    write_lines(c, id, &ro.lines)?;
    write_status_and_times(c, &ro)?;
    bump(c, id, by)?;
    let event = AuditEvent::AddedWorkAnswered {
        number: ro.number,
        call: call.clone(),
        items,
    };
    audit(c, by, id, &event)
}

/// The calls about an RO's added work, each with the items it settled.
pub fn calls(c: &mut impl GenericClient, id: i64) -> StoreResult<Vec<CallRecord>> {
    let rows = c.query(
        "SELECT c.id, c.asked_at, c.answered_at, c.channel, c.workshop_told, c.workshop_told_at,
                c.delay_minutes, coalesce(u.login, '')
         FROM added_work_calls c LEFT JOIN users u ON u.id = c.recorded_by
         WHERE c.ro_id = $1 ORDER BY c.id",
        &[&id],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let call_id: i64 = r.get(0);
        let decisions = c
            .query(
                "SELECT id, approval FROM ro_lines WHERE ro_id = $1 AND call_id = $2
                 ORDER BY sort, id",
                &[&id, &call_id],
            )?
            .iter()
            .map(|l| {
                let decision = match l.get::<_, &str>(1) {
                    "approved" => Decision::Approved,
                    _ => Decision::Declined,
                };
                (l.get::<_, i64>(0), decision)
            })
            .collect();
        out.push(CallRecord {
            id: call_id,
            call: AddedWorkCall {
                asked_at: r.get(1),
                answered_at: r.get(2),
                channel: Channel::from_code(r.get(3)).unwrap_or(Channel::Phone),
                workshop_told: r.get(4),
                workshop_told_at: r.get(5),
                delay_minutes: r.get(6),
                decisions,
            },
            recorded_by: r.get(7),
        });
    }
    Ok(out)
}
