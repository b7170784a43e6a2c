//! The queue the agents work: reading it, taking a callback, recording a
//! contact, complaints, recall lists and campaign lists. Every write checks
//! with `domain::callbacks` first and refreshes the customer's callbacks in
//! the same transaction.

use super::callbacks::{policy, sweep, Scope};
use super::text::{opt_text, text};
use super::{audit, StoreError};
use crate::domain::audit::AuditEvent;
use crate::domain::callbacks::complaint::{check_resolve, reply_by, ComplaintStatus};
use crate::domain::callbacks::contact::{self, after, Callback, Contact, ContactRefusal};
use crate::domain::callbacks::events::CallEvent;
use crate::domain::callbacks::{Band, Kind, Status};
use crate::domain::roles::{require, Permission};
use crate::store::callbacks::{
    Agent, CampaignImported, CustomerFile, FileComplaint, FileContact, FileVisit, ListFilter,
    ListRow, NewCampaign, NewComplaint, NewPartOrder, QueueFilter, QueueRow, Recorded,
};
use crate::store::{Actor, StoreResult};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The most the queue lists at once; the rest wait for the next screen.
pub const QUEUE_LIMIT: usize = 2_000;

pub fn queue(conn: &Connection, f: &QueueFilter, now: DateTime<Utc>) -> StoreResult<Vec<QueueRow>> {
    let p = policy(conn, now)?;
    let mut stmt = conn.prepare_cached(
        "SELECT cb.id, cb.kind, cb.priority, MAX(cb.due_at, COALESCE(cb.retry_at, cb.due_at)),
                cb.due_until, cb.reason, cb.topic, cb.customer_id, c.name, c.phone,
                c.preferred_contact, c.preferred_time, cb.vehicle_id, COALESCE(v.plate, ''),
                cb.ro_id, cb.attempts, cb.claimed_by, cb.version, cb.claimed_at
         FROM callbacks cb
         JOIN customers c ON c.id = cb.customer_id
         LEFT JOIN vehicles v ON v.id = cb.vehicle_id
         WHERE cb.status = 'open' AND (?1 IS NULL OR cb.kind = ?1)
         ORDER BY cb.due_at
         LIMIT ?2",
    )?;
    let kind = f.kind.map(|k| k.code());
    let rows = stmt.query_map(params![kind, QUEUE_LIMIT as i64], |r| {
        let due: DateTime<Utc> = r.get(3)?;
        let until: DateTime<Utc> = r.get(4)?;
        let claimed_at: Option<DateTime<Utc>> = r.get(18)?;
        // A lapsed claim shows as not taken, as anyone may take it.
        let claimed_by =
            opt_text(r, 16)?.filter(|_| contact::claim_holds(claimed_at.unwrap_or(now), now));
        Ok(QueueRow {
            id: r.get(0)?,
            kind: Kind::from_code(&text(r, 1)?).unwrap_or(Kind::LifeCycle),
            band: Band::of(due, until.max(due), now, &p),
            priority: r.get::<_, i64>(2)?.clamp(1, 9) as u8,
            due,
            until,
            reason: text(r, 5)?,
            topic: text(r, 6)?,
            customer_id: r.get(7)?,
            customer: text(r, 8)?,
            phone: text(r, 9)?,
            preferred: text(r, 10)?,
            preferred_time: text(r, 11)?,
            vehicle_id: r.get(12)?,
            plate: text(r, 13)?,
            ro_id: r.get(14)?,
            attempts: r.get(15)?,
            claimed_by,
            version: r.get(17)?,
        })
    })?;
    let mut out: Vec<QueueRow> = rows.collect::<Result<_, _>>()?;
    out.retain(|row| match f.agent {
        Agent::All => true,
        Agent::Mine => row.claimed_by.as_deref() == Some(f.me.as_str()),
        Agent::Free => row.claimed_by.is_none(),
    });
    out.sort_by_key(|r| (r.band, r.priority, r.due, r.id));
    Ok(out)
}

pub fn file(conn: &Connection, customer_id: i64) -> StoreResult<CustomerFile> {
    let mut file = conn
        .prepare_cached(
            "SELECT name, phone, preferred_contact, preferred_time, do_not_contact
             FROM customers WHERE id = ?1",
        )?
        .query_row([customer_id], |r| {
            Ok(CustomerFile {
                customer_id,
                name: text(r, 0)?,
                phone: text(r, 1)?,
                preferred: text(r, 2)?,
                preferred_time: text(r, 3)?,
                do_not_contact: r.get(4)?,
                ..CustomerFile::default()
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("customer {customer_id}")))?;
    file.visits = file_visits(conn, customer_id)?;
    file.declined = declined(conn, customer_id)?;
    file.complaints = file_complaints(conn, customer_id, 5)?;
    file.contacts = file_contacts(conn, customer_id, 5)?;
    Ok(file)
}

fn file_visits(conn: &Connection, customer_id: i64) -> StoreResult<Vec<FileVisit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ro.number, v.plate, ro.status, ro.category,
                COALESCE(ro.delivered_at, ro.checked_in_at, ro.created_at), ro.odometer_in_km
         FROM repair_orders ro JOIN vehicles v ON v.id = ro.vehicle_id
         WHERE ro.customer_id = ?1 ORDER BY ro.id DESC LIMIT 5",
    )?;
    let rows = stmt.query_map([customer_id], |r| {
        Ok(FileVisit {
            number: text(r, 0)?,
            plate: text(r, 1)?,
            status: text(r, 2)?,
            category: text(r, 3)?,
            at: r.get(4).ok(),
            odometer: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Declined items of the last visits, with their RO.
fn declined(conn: &Connection, customer_id: i64) -> StoreResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ro.number, l.description FROM ro_lines l
         JOIN repair_orders ro ON ro.id = l.ro_id
         WHERE ro.customer_id = ?1 AND l.approval = 'declined'
         ORDER BY ro.id DESC, l.sort LIMIT 8",
    )?;
    let rows = stmt.query_map([customer_id], |r| Ok((text(r, 0)?, text(r, 1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn file_complaints(
    conn: &Connection,
    customer_id: i64,
    limit: i64,
) -> StoreResult<Vec<FileComplaint>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, received_at, reply_by, status, description, resolution FROM complaints
         WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![customer_id, limit], |r| {
        Ok(FileComplaint {
            id: r.get(0)?,
            received_at: r.get(1)?,
            reply_by: r.get(2).ok().flatten(),
            status: text(r, 3)?,
            description: text(r, 4)?,
            resolution: text(r, 5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn file_contacts(
    conn: &Connection,
    customer_id: i64,
    limit: i64,
) -> StoreResult<Vec<FileContact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, by_login, channel, outcome, satisfaction, notes FROM contacts
         WHERE customer_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![customer_id, limit], |r| {
        Ok(FileContact {
            at: r.get(0)?,
            by: text(r, 1)?,
            channel: text(r, 2)?,
            outcome: text(r, 3)?,
            score: r.get(4)?,
            notes: text(r, 5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A callback as a claim or a contact finds it.
struct Row {
    customer_id: i64,
    kind: Kind,
    cb: Callback,
}

fn load(tx: &Transaction<'_>, id: i64) -> StoreResult<Row> {
    tx.prepare_cached(
        "SELECT customer_id, kind, status, claimed_by, claimed_at, attempts, unanswered
         FROM callbacks WHERE id = ?1",
    )?
    .query_row([id], |r| {
        let claimed = match (opt_text(r, 3)?, r.get::<_, Option<DateTime<Utc>>>(4)?) {
            (Some(who), Some(at)) => Some((who, at)),
            _ => None,
        };
        Ok(Row {
            customer_id: r.get(0)?,
            kind: Kind::from_code(&text(r, 1)?).unwrap_or(Kind::LifeCycle),
            cb: Callback {
                status: Status::from_code(&text(r, 2)?).unwrap_or(Status::Open),
                claimed,
                attempts: r.get(5)?,
                unanswered: r.get(6)?,
            },
        })
    })
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("callback {id}")))
}

fn caller(tx: &Transaction<'_>, by: Actor<'_>) -> StoreResult<()> {
    let role = super::admin::user_by_login(tx, by.login)?.map(|u| u.role);
    require(role, Permission::CallCustomer).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Takes a callback. The update only succeeds while nobody else holds it,
/// so of two agents pressing at once exactly one wins.
pub fn claim(tx: &Transaction<'_>, id: i64, by: Actor<'_>) -> StoreResult<()> {
    caller(tx, by)?;
    let row = load(tx, id)?;
    if row.cb.status != Status::Open {
        return Err(ContactRefusal::Closed(row.cb.status).into());
    }
    let holder = row.cb.claimed.as_ref().map(|(w, at)| (w.as_str(), *at));
    if !contact::may_claim(holder, by.login, by.at) {
        let (who, at) = row.cb.claimed.clone().unwrap_or_default();
        let msg = format!(
            "{who} took this callback at {} UTC; it is theirs for now",
            at.format("%H:%M")
        );
        return Err(StoreError::Conflict(msg));
    }
    tx.prepare_cached(
        "UPDATE callbacks SET claimed_by = ?2, claimed_at = ?3, version = version + 1
         WHERE id = ?1 AND status = 'open'",
    )?
    .execute(params![id, by.login, by.at])?;
    let event = CallEvent::Claimed {
        kind: row.kind.code(),
    };
    audit::append(tx, by, id, &AuditEvent::Call(event))
}

pub fn release(tx: &Transaction<'_>, id: i64, by: Actor<'_>) -> StoreResult<()> {
    let row = load(tx, id)?;
    let n = tx
        .prepare_cached(
            "UPDATE callbacks SET claimed_by = NULL, claimed_at = NULL, version = version + 1
             WHERE id = ?1 AND claimed_by = ?2",
        )?
        .execute(params![id, by.login])?;
    if n == 1 {
        let event = CallEvent::Released {
            kind: row.kind.code(),
        };
        audit::append(tx, by, id, &AuditEvent::Call(event))?;
    }
    Ok(())
}

/// Records a contact: checked, counted, the callback moved on by the
/// policy, a complaint raised on the call opened, and the customer's
/// callbacks refreshed (a reached three-day call owes the second call).
pub fn record(tx: &Transaction<'_>, id: i64, c: &Contact, by: Actor<'_>) -> StoreResult<Recorded> {
    caller(tx, by)?;
    let p = policy(tx, by.at)?;
    let row = load(tx, id)?;
    contact::check(&row.cb, c, by.login, by.at, &p)?;
    let next = after(&row.cb, c, by.at, &p);
    let done_at = (next.status != Status::Open).then_some(by.at);
    tx.prepare_cached(
        "UPDATE callbacks SET status = ?2, attempts = ?3, unanswered = ?4, retry_at = ?5,
                outcome = ?6, satisfaction = COALESCE(?7, satisfaction),
                appointment_obtained = CASE WHEN ?8 THEN 1 ELSE appointment_obtained END,
                notes = CASE WHEN ?9 = '' THEN notes ELSE ?9 END,
                done_at = ?10, claimed_by = NULL, claimed_at = NULL, version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        next.status.code(),
        next.attempts,
        next.unanswered,
        next.retry_at,
        c.outcome.code(),
        c.score,
        c.appointment,
        c.notes,
        done_at
    ])?;
    tx.prepare_cached(
        "INSERT INTO contacts (callback_id, customer_id, at, by_login, channel, outcome,
                               satisfaction, call_back_at, appointment_requested, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        row.customer_id,
        by.at,
        by.login,
        c.channel.code(),
        c.outcome.code(),
        c.score,
        c.call_back_at,
        c.appointment,
        c.notes
    ])?;
    let event = CallEvent::Contact {
        kind: row.kind.code(),
        contact: c.clone(),
        status: next.status,
    };
    audit::append(tx, by, id, &AuditEvent::Call(event))?;
    if next.block_customer {
        tx.prepare_cached(
            "UPDATE customers SET do_not_contact = 1, version = version + 1 WHERE id = ?1",
        )?
        .execute([row.customer_id])?;
        let event = AuditEvent::Call(CallEvent::DoNotContact);
        audit::append(tx, by, row.customer_id, &event)?;
    }
    let complaint = match c.complaint.trim() {
        "" => None,
        what => {
            let (vehicle_id, ro_id) = tx
                .prepare_cached("SELECT vehicle_id, ro_id FROM callbacks WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let new = NewComplaint {
                customer_id: row.customer_id,
                vehicle_id,
                ro_id,
                description: what.to_string(),
                source: crate::domain::callbacks::complaint::Source::Call,
            };
            Some(insert_complaint(tx, &new, by)?)
        }
    };
    sweep(tx, Scope::Customer(row.customer_id), by)?;
    Ok(Recorded {
        status: next.status,
        retry_at: next.retry_at,
        complaint,
    })
}

fn insert_complaint(tx: &Transaction<'_>, c: &NewComplaint, by: Actor<'_>) -> StoreResult<i64> {
    let description = crate::domain::text::clean_line(&c.description);
    if description.trim().is_empty() {
        return Err(crate::domain::callbacks::complaint::ComplaintRefusal::Empty.into());
    }
    let owner = super::admin::user_by_login(tx, by.login)?.map(|u| u.id);
    tx.prepare_cached(
        "INSERT INTO complaints (customer_id, vehicle_id, ro_id, received_at, description,
                                 status, reply_by, source, opened_by, owner_id)
         VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        c.customer_id,
        c.vehicle_id,
        c.ro_id,
        by.at,
        description,
        reply_by(by.at),
        c.source.code(),
        by.login,
        owner
    ])?;
    let id = tx.last_insert_rowid();
    let event = CallEvent::ComplaintOpened {
        description,
        source: c.source.code(),
    };
    audit::append(tx, by, id, &AuditEvent::Call(event))?;
    Ok(id)
}

/// Opens a complaint (from an RO or the desk) and puts its answer in the queue.
pub fn open_complaint(tx: &Transaction<'_>, c: &NewComplaint, by: Actor<'_>) -> StoreResult<i64> {
    caller(tx, by)?;
    let id = insert_complaint(tx, c, by)?;
    sweep(tx, Scope::Customer(c.customer_id), by)?;
    Ok(id)
}

/// The answer found: the customer is told, and called again within a week.
pub fn resolve_complaint(
    tx: &Transaction<'_>,
    id: i64,
    resolution: &str,
    satisfied: Option<bool>,
    by: Actor<'_>,
) -> StoreResult<()> {
    caller(tx, by)?;
    let (customer_id, status): (i64, String) = tx
        .prepare_cached("SELECT customer_id, status FROM complaints WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, text(r, 1)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("complaint {id}")))?;
    let status = ComplaintStatus::from_code(&status).unwrap_or(ComplaintStatus::Open);
    let resolution = crate::domain::text::clean_line(resolution);
    check_resolve(status, &resolution)?;
    tx.prepare_cached(
        "UPDATE complaints SET status = 'resolved', resolved_at = ?2, resolution = ?3,
                answer = ?3, satisfied = ?4, version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![id, by.at, resolution, satisfied])?;
    let event = CallEvent::ComplaintResolved {
        resolution,
        satisfied,
    };
    audit::append(tx, by, id, &AuditEvent::Call(event))?;
    sweep(tx, Scope::Customer(customer_id), by)?;
    Ok(())
}

pub fn import_campaign(
    tx: &Transaction<'_>,
    c: &NewCampaign,
    by: Actor<'_>,
) -> StoreResult<CampaignImported> {
    caller(tx, by)?;
    let code = crate::domain::text::clean_line(&c.code);
    if code.trim().is_empty() {
        return Err(StoreError::Invalid("a campaign needs a code".into()));
    }
    tx.prepare_cached(
        "INSERT INTO campaigns (code, title, recall, starts_on, ends_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(code) DO UPDATE SET title = excluded.title, recall = excluded.recall,
             starts_on = excluded.starts_on, ends_on = excluded.ends_on",
    )?
    .execute(params![
        code,
        crate::domain::text::clean_line(&c.title),
        c.recall,
        c.starts_on.to_string(),
        c.ends_on.map(|d| d.to_string()),
        by.at
    ])?;
    let campaign_id: i64 =
        tx.query_row("SELECT id FROM campaigns WHERE code = ?1", [&code], |r| {
            r.get(0)
        })?;
    let mut add = tx
        .prepare_cached("INSERT OR IGNORE INTO campaign_vins (campaign_id, vin) VALUES (?1, ?2)")?;
    for vin in &c.vins {
        add.execute(params![campaign_id, vin])?;
    }
    let matched: i64 = tx.query_row(
        "SELECT COUNT(*) FROM campaign_vins cv JOIN vehicles v ON v.vin = cv.vin
         WHERE cv.campaign_id = ?1",
        [campaign_id],
        |r| r.get(0),
    )?;
    let event = CallEvent::CampaignImported {
        code,
        vins: c.vins.len(),
        matched: matched as usize,
    };
    audit::append(tx, by, campaign_id, &AuditEvent::Call(event))?;
    let swept = sweep(tx, Scope::Shop, by)?;
    Ok(CampaignImported {
        vins: c.vins.len(),
        matched: matched as usize,
        callbacks: swept.added,
    })
}

/// A campaign list: the callbacks of a kind (open unless asked), by due date.
pub fn list(conn: &Connection, f: &ListFilter) -> StoreResult<Vec<ListRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT cb.id, cb.kind, cb.topic, cb.status, cb.due_at, cb.due_until, c.name, c.phone,
                c.preferred_contact, COALESCE(v.plate, ''), COALESCE(v.vin, ''), cb.reason,
                cb.attempts
         FROM callbacks cb
         JOIN customers c ON c.id = cb.customer_id
         LEFT JOIN vehicles v ON v.id = cb.vehicle_id
         WHERE cb.status = ?1 AND (?2 IS NULL OR cb.kind = ?2) AND (?3 IS NULL OR cb.topic = ?3)
           AND (?4 IS NULL OR cb.due_at >= ?4) AND (?5 IS NULL OR cb.due_at < ?5)
         ORDER BY cb.due_at, cb.id",
    )?;
    let status = f.status.unwrap_or(Status::Open).code();
    let kind = f.kind.map(|k| k.code());
    let rows = stmt.query_map(params![status, kind, f.topic, f.from, f.to], |r| {
        Ok(ListRow {
            id: r.get(0)?,
            kind: text(r, 1)?,
            topic: text(r, 2)?,
            status: text(r, 3)?,
            due: text(r, 4)?,
            until: text(r, 5)?,
            customer: text(r, 6)?,
            phone: text(r, 7)?,
            preferred: text(r, 8)?,
            plate: text(r, 9)?,
            vin: text(r, 10)?,
            reason: text(r, 11)?,
            attempts: r.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn order_part(tx: &Transaction<'_>, o: &NewPartOrder, by: Actor<'_>) -> StoreResult<i64> {
    let description = crate::domain::text::clean_line(&o.description);
    if description.trim().is_empty() {
        return Err(StoreError::Invalid("type what part was ordered".into()));
    }
    let n = tx
        .prepare_cached(
            "INSERT INTO part_orders (customer_id, vehicle_id, ro_id, part_number, description,
                                      ordered_at)
             SELECT customer_id, vehicle_id, id, ?2, ?3, ?4 FROM repair_orders WHERE id = ?1",
        )?
        .execute(params![
            o.ro_id,
            crate::domain::text::clean_line(&o.part_number),
            description,
            by.at
        ])?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("repair order {}", o.ro_id)));
    }
    let id = tx.last_insert_rowid();
    let event = AuditEvent::Call(CallEvent::PartOrder {
        what: "ordered",
        description,
    });
    audit::append(tx, by, id, &event)?;
    Ok(id)
}

/// Marks a part order arrived or collected, once, and refreshes the calls.
pub fn mark_part(tx: &Transaction<'_>, id: i64, column: &str, by: Actor<'_>) -> StoreResult<()> {
    let (customer_id, description, set): (i64, String, bool) = tx
        .prepare_cached(&format!(
            "SELECT customer_id, description, {column} IS NOT NULL FROM part_orders WHERE id = ?1"
        ))?
        .query_row([id], |r| Ok((r.get(0)?, text(r, 1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("part order {id}")))?;
    let what = if column == "arrived_at" {
        "arrived"
    } else {
        "collected"
    };
    if set {
        return Err(StoreError::Invalid(format!(
            "part order {id} is already {what}"
        )));
    }
    tx.execute(
        &format!("UPDATE part_orders SET {column} = ?2 WHERE id = ?1"),
        params![id, by.at],
    )?;
    let event = AuditEvent::Call(CallEvent::PartOrder { what, description });
    audit::append(tx, by, id, &event)?;
    sweep(tx, Scope::Customer(customer_id), by)?;
    Ok(())
}
