//! The callback queue on the group server: reading it for one shop or the
//! group, taking a call, recording a contact, complaints, campaign lists
//! and part orders. The rules are `domain::callbacks`'s, as on SQLite; only
//! the SQL differs.
//!
//! A call centre works the whole group's queue, so a call may belong to
//! another shop than the one the agent signed in to. Every write on a call,
//! a complaint or a part order therefore acts *in the row's shop* for the
//! rest of its transaction (`act_in`): the contact, the complaint raised on
//! the call, the audit row (that shop's chain) and the refreshed callbacks
//! all land where the visit was. Row-level security still decides which
//! rows may be touched at all.

use super::admin::{permit, user_by_login};
use super::audit::append as audit;
use super::callbacks::{policy, sweep, Scope};
use crate::domain::audit::AuditEvent;
use crate::domain::callbacks::complaint::{check_resolve, reply_by, ComplaintStatus};
use crate::domain::callbacks::contact::{self, after, Callback, Contact, ContactRefusal};
use crate::domain::callbacks::events::CallEvent;
use crate::domain::callbacks::{Band, Kind, Status};
use crate::domain::roles::Permission;
use crate::store::callbacks::{
    Agent, CampaignImported, CustomerFile, FileComplaint, FileContact, FileVisit, ListFilter,
    ListRow, NewCampaign, NewComplaint, NewPartOrder, QueueFilter, QueueRow, Recorded,
};
use crate::store::{Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use postgres::GenericClient;

/// The most the queue lists at once, as on SQLite.
const QUEUE_LIMIT: i64 = 2_000;

/// A time as the file keeps text times (rusqlite's form), so a moved-in
/// shop and the server write the same text.
fn text_time(t: DateTime<Utc>) -> String {
    t.format("%F %T%.f%:z").to_string()
}

/// Makes the rest of this transaction act in `table`'s row's shop. Not
/// found when the row does not exist or row security hides it.
fn act_in(c: &mut impl GenericClient, table: &str, id: i64) -> StoreResult<()> {
    let sql = format!(
        "SELECT set_config('frontdesk.shop', shop_id::text, true) FROM {table} WHERE id = $1"
    );
    match c.query_opt(&sql, &[&id])? {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(format!(
            "{} {id}",
            table.trim_end_matches('s').replace('_', " ")
        ))),
    }
}

pub fn queue(
    c: &mut impl GenericClient,
    f: &QueueFilter,
    now: DateTime<Utc>,
) -> StoreResult<Vec<QueueRow>> {
    let p = policy(c, now)?;
    // Another shop's call says whose it is before its reason.
    let sql = format!(
        "SELECT cb.id, cb.kind, cb.priority, greatest(cb.due_at, coalesce(cb.retry_at, cb.due_at)),
                cb.due_until,
                CASE WHEN cb.shop_id = frontdesk_shop() THEN cb.reason
                     ELSE s.code || ' · ' || cb.reason END,
                cb.topic, cb.customer_id, c.name, c.phone, c.preferred_contact, c.preferred_time,
                cb.vehicle_id, coalesce(v.plate, ''), cb.ro_id, cb.attempts, cb.claimed_by,
                cb.version, cb.claimed_at
         FROM callbacks cb
         JOIN shops s ON s.id = cb.shop_id
         JOIN customers c ON c.id = cb.customer_id
         LEFT JOIN vehicles v ON v.id = cb.vehicle_id
         WHERE cb.status = 'open' AND ($1::text IS NULL OR cb.kind = $1) AND {}
         ORDER BY cb.due_at, cb.id
         LIMIT $2",
        if f.group {
            "TRUE"
        } else {
            "cb.shop_id = frontdesk_shop()"
        }
    );
    let kind = f.kind.map(|k| k.code().to_string());
    let mut out = Vec::new();
    for r in c.query(&sql, &[&kind, &QUEUE_LIMIT])? {
        let due: DateTime<Utc> = r.get(3);
        let until: DateTime<Utc> = r.get(4);
        let claimed_at: Option<DateTime<Utc>> = r.get(18);
        // A lapsed claim shows as not taken, as anyone may take it.
        let claimed_by: Option<String> = r
            .get::<_, Option<String>>(16)
            .filter(|_| contact::claim_holds(claimed_at.unwrap_or(now), now));
        out.push(QueueRow {
            id: r.get(0),
            kind: Kind::from_code(r.get(1)).unwrap_or(Kind::LifeCycle),
            band: Band::of(due, until.max(due), now, &p),
            priority: r.get::<_, i64>(2).clamp(1, 9) as u8,
            due,
            until,
            reason: r.get(5),
            topic: r.get(6),
            customer_id: r.get(7),
            customer: r.get(8),
            phone: r.get(9),
            preferred: r.get(10),
            preferred_time: r.get(11),
            vehicle_id: r.get(12),
            plate: r.get(13),
            ro_id: r.get(14),
            attempts: r.get(15),
            claimed_by,
            version: r.get(17),
        });
    }
    out.retain(|row| match f.agent {
        Agent::All => true,
        Agent::Mine => row.claimed_by.as_deref() == Some(f.me.as_str()),
        Agent::Free => row.claimed_by.is_none(),
    });
    out.sort_by_key(|r| (r.band, r.priority, r.due, r.id));
    Ok(out)
}

/// The customer's file for the agent on the call. Customers are shared, so
/// their visits at every shop the agent may see are listed; another shop's
/// RO number carries its shop's code.
pub fn file(c: &mut impl GenericClient, customer_id: i64) -> StoreResult<CustomerFile> {
    let r = c
        .query_opt(
            "SELECT name, phone, preferred_contact, preferred_time, do_not_contact
             FROM customers WHERE id = $1",
            &[&customer_id],
        )?
        .ok_or_else(|| StoreError::NotFound(format!("customer {customer_id}")))?;
    let mut file = CustomerFile {
        customer_id,
        name: r.get(0),
        phone: r.get(1),
        preferred: r.get(2),
        preferred_time: r.get(3),
        do_not_contact: r.get::<_, i64>(4) != 0,
        ..CustomerFile::default()
    };
    file.visits = visits(c, customer_id)?;
    file.declined = c
        .query(
            "SELECT ro.number, l.description FROM ro_lines l
             JOIN repair_orders ro ON ro.id = l.ro_id
             WHERE ro.customer_id = $1 AND l.approval = 'declined'
             ORDER BY ro.id DESC, l.sort LIMIT 8",
            &[&customer_id],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    file.complaints = complaints(c, customer_id, 5)?;
    file.contacts = contacts(c, customer_id, 5)?;
    Ok(file)
}

fn visits(c: &mut impl GenericClient, customer_id: i64) -> StoreResult<Vec<FileVisit>> {
    Ok(c.query(
        "SELECT CASE WHEN ro.shop_id = frontdesk_shop() THEN ro.number
                         ELSE s.code || '·' || ro.number END,
                    v.plate, ro.status, ro.category,
                    coalesce(ro.delivered_at, ro.checked_in_at, ro.created_at), ro.odometer_in_km
             FROM repair_orders ro JOIN vehicles v ON v.id = ro.vehicle_id
             JOIN shops s ON s.id = ro.shop_id
             WHERE ro.customer_id = $1 ORDER BY ro.id DESC LIMIT 5",
        &[&customer_id],
    )?
    .iter()
    .map(|r| FileVisit {
        number: r.get(0),
        plate: r.get(1),
        status: r.get(2),
        category: r.get(3),
        at: r.get(4),
        odometer: r.get(5),
    })
    .collect())
}

pub(super) fn complaints(
    c: &mut impl GenericClient,
    customer_id: i64,
    limit: i64,
) -> StoreResult<Vec<FileComplaint>> {
    Ok(c.query(
        "SELECT id, received_at, frontdesk_at(reply_by), status, description, resolution
             FROM complaints WHERE customer_id = $1 ORDER BY id DESC LIMIT $2",
        &[&customer_id, &limit],
    )?
    .iter()
    .map(|r| FileComplaint {
        id: r.get(0),
        received_at: r.get(1),
        reply_by: r.get(2),
        status: r.get(3),
        description: r.get(4),
        resolution: r.get(5),
    })
    .collect())
}

pub(super) fn contacts(
    c: &mut impl GenericClient,
    customer_id: i64,
    limit: i64,
) -> StoreResult<Vec<FileContact>> {
    Ok(c.query(
        "SELECT at, by_login, channel, outcome, satisfaction, notes FROM contacts
             WHERE customer_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        &[&customer_id, &limit],
    )?
    .iter()
    .map(|r| FileContact {
        at: r.get(0),
        by: r.get(1),
        channel: r.get(2),
        outcome: r.get(3),
        score: r.get(4),
        notes: r.get(5),
    })
    .collect())
}

/// A callback as a claim or a contact finds it.
struct Row {
    customer_id: i64,
    vehicle_id: Option<i64>,
    ro_id: Option<i64>,
    kind: Kind,
    cb: Callback,
}

/// Reads a callback and locks its row until commit: of two agents pressing
/// at once, the second waits and then sees the first one's claim.
fn load(c: &mut impl GenericClient, id: i64) -> StoreResult<Row> {
    let r = c
        .query_opt(
            "SELECT customer_id, vehicle_id, ro_id, kind, status, claimed_by, claimed_at,
                    attempts, unanswered
             FROM callbacks WHERE id = $1 FOR UPDATE",
            &[&id],
        )?
        .ok_or_else(|| StoreError::NotFound(format!("callback {id}")))?;
    let claimed = match (
        r.get::<_, Option<String>>(5),
        r.get::<_, Option<DateTime<Utc>>>(6),
    ) {
        (Some(who), Some(at)) => Some((who, at)),
        _ => None,
    };
    Ok(Row {
        customer_id: r.get(0),
        vehicle_id: r.get(1),
        ro_id: r.get(2),
        kind: Kind::from_code(r.get(3)).unwrap_or(Kind::LifeCycle),
        cb: Callback {
            status: Status::from_code(r.get(4)).unwrap_or(Status::Open),
            claimed,
            attempts: r.get(7),
            unanswered: r.get(8),
        },
    })
}

/// Takes a callback, refused (naming the holder) while another agent holds it.
pub fn claim(c: &mut impl GenericClient, id: i64, by: Actor<'_>) -> StoreResult<()> {
    permit(c, by, Permission::CallCustomer)?;
    act_in(c, "callbacks", id)?;
    let row = load(c, id)?;
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
    c.execute(
        "UPDATE callbacks SET claimed_by = $2, claimed_at = $3, version = version + 1
         WHERE id = $1 AND status = 'open'",
        &[&id, &by.login, &by.at],
    )?;
    let kind = row.kind.code();
    audit(c, by, id, &AuditEvent::Call(CallEvent::Claimed { kind }))
}

pub fn release(c: &mut impl GenericClient, id: i64, by: Actor<'_>) -> StoreResult<()> {
    act_in(c, "callbacks", id)?;
    let row = load(c, id)?;
    let n = c.execute(
        "UPDATE callbacks SET claimed_by = NULL, claimed_at = NULL, version = version + 1
         WHERE id = $1 AND claimed_by = $2",
        &[&id, &by.login],
    )?;
    if n == 1 {
        let kind = row.kind.code();
        audit(c, by, id, &AuditEvent::Call(CallEvent::Released { kind }))?;
    }
    Ok(())
}

/// Records a contact: checked, counted, the callback moved on by the
/// policy, a complaint raised on the call opened, and the customer's calls
/// refreshed (a reached three-day call owes the second call).
pub fn record(
    c: &mut impl GenericClient,
    id: i64,
    contact: &Contact,
    by: Actor<'_>,
) -> StoreResult<Recorded> {
    permit(c, by, Permission::CallCustomer)?;
    act_in(c, "callbacks", id)?;
    let p = policy(c, by.at)?;
    let row = load(c, id)?;
    contact::check(&row.cb, contact, by.login, by.at, &p)?;
    let next = after(&row.cb, contact, by.at, &p);
    let done_at = (next.status != Status::Open).then_some(by.at);
    c.execute(
        "UPDATE callbacks SET status = $2, attempts = $3, unanswered = $4, retry_at = $5,
                outcome = $6, satisfaction = coalesce($7, satisfaction),
                appointment_obtained = CASE WHEN $8 THEN 1 ELSE appointment_obtained END,
                notes = CASE WHEN $9 = '' THEN notes ELSE $9 END,
                done_at = $10, claimed_by = NULL, claimed_at = NULL, version = version + 1
         WHERE id = $1",
        &[
            &id,
            &next.status.code(),
            &next.attempts,
            &next.unanswered,
            &next.retry_at,
            &contact.outcome.code(),
            &contact.score,
            &contact.appointment,
            &contact.notes,
            &done_at,
        ],
    )?;
    c.execute(
        "INSERT INTO contacts (callback_id, customer_id, at, by_login, channel, outcome,
                               satisfaction, call_back_at, appointment_requested, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &id,
            &row.customer_id,
            &by.at,
            &by.login,
            &contact.channel.code(),
            &contact.outcome.code(),
            &contact.score,
            &contact.call_back_at,
            &i64::from(contact.appointment),
            &contact.notes,
        ],
    )?;
    let event = CallEvent::Contact {
        kind: row.kind.code(),
        contact: contact.clone(),
        status: next.status,
    };
    audit(c, by, id, &AuditEvent::Call(event))?;
    if next.block_customer {
        c.execute(
            "UPDATE customers SET do_not_contact = 1, version = version + 1 WHERE id = $1",
            &[&row.customer_id],
        )?;
        let event = AuditEvent::Call(CallEvent::DoNotContact);
        audit(c, by, row.customer_id, &event)?;
    }
    let complaint = match contact.complaint.trim() {
        "" => None,
        what => {
            let new = NewComplaint {
                customer_id: row.customer_id,
                vehicle_id: row.vehicle_id,
                ro_id: row.ro_id,
                description: what.to_string(),
                source: crate::domain::callbacks::complaint::Source::Call,
            };
            Some(insert_complaint(c, &new, by)?)
        }
    };
    sweep(c, Scope::Customer(row.customer_id), by)?;
    Ok(Recorded {
        status: next.status,
        retry_at: next.retry_at,
        complaint,
    })
}

fn insert_complaint(
    c: &mut impl GenericClient,
    new: &NewComplaint,
    by: Actor<'_>,
) -> StoreResult<i64> {
    let description = crate::domain::text::clean_line(&new.description);
    if description.trim().is_empty() {
        return Err(crate::domain::callbacks::complaint::ComplaintRefusal::Empty.into());
    }
    let owner = user_by_login(c, by.login)?.map(|u| u.id);
    let id: i64 = c
        .query_one(
            "INSERT INTO complaints (customer_id, vehicle_id, ro_id, received_at, description,
                                     status, reply_by, source, opened_by, owner_id)
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9) RETURNING id",
            &[
                &new.customer_id,
                &new.vehicle_id,
                &new.ro_id,
                &by.at,
                &description,
                &text_time(reply_by(by.at)),
                &new.source.code(),
                &by.login,
                &owner,
            ],
        )?
        .get(0);
    let event = CallEvent::ComplaintOpened {
        description,
        source: new.source.code(),
    };
    audit(c, by, id, &AuditEvent::Call(event))?;
    Ok(id)
}

/// Opens a complaint (from an RO or the desk) in the RO's shop, or the
/// working shop, and puts its answer in the queue.
pub fn open_complaint(
    c: &mut impl GenericClient,
    new: &NewComplaint,
    by: Actor<'_>,
) -> StoreResult<i64> {
    permit(c, by, Permission::CallCustomer)?;
    if let Some(ro) = new.ro_id {
        act_in(c, "repair_orders", ro)?;
    }
    let id = insert_complaint(c, new, by)?;
    sweep(c, Scope::Customer(new.customer_id), by)?;
    Ok(id)
}

/// The answer found: the customer is told, and called again within a week.
pub fn resolve_complaint(
    c: &mut impl GenericClient,
    id: i64,
    resolution: &str,
    satisfied: Option<bool>,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(c, by, Permission::CallCustomer)?;
    act_in(c, "complaints", id)?;
    let r = c.query_one(
        "SELECT customer_id, status FROM complaints WHERE id = $1 FOR UPDATE",
        &[&id],
    )?;
    let customer_id: i64 = r.get(0);
    let status = ComplaintStatus::from_code(r.get(1)).unwrap_or(ComplaintStatus::Open);
    let resolution = crate::domain::text::clean_line(resolution);
    check_resolve(status, &resolution)?;
    c.execute(
        "UPDATE complaints SET status = 'resolved', resolved_at = $2, resolution = $3,
                answer = $3, satisfied = $4, version = version + 1
         WHERE id = $1",
        &[&id, &by.at, &resolution, &satisfied.map(i64::from)],
    )?;
    let event = CallEvent::ComplaintResolved {
        resolution,
        satisfied,
    };
    audit(c, by, id, &AuditEvent::Call(event))?;
    sweep(c, Scope::Customer(customer_id), by)?;
    Ok(())
}

/// A recall or campaign is the maker's, so it is kept once for the group;
/// the working shop's sweep then calls the customers it serves.
pub fn import_campaign(
    c: &mut impl GenericClient,
    new: &NewCampaign,
    by: Actor<'_>,
) -> StoreResult<CampaignImported> {
    permit(c, by, Permission::CallCustomer)?;
    let code = crate::domain::text::clean_line(&new.code);
    if code.trim().is_empty() {
        return Err(StoreError::Invalid("a campaign needs a code".into()));
    }
    let campaign_id: i64 = c
        .query_one(
            "INSERT INTO campaigns (code, title, recall, starts_on, ends_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (code) DO UPDATE SET title = excluded.title, recall = excluded.recall,
                 starts_on = excluded.starts_on, ends_on = excluded.ends_on
             RETURNING id",
            &[
                &code,
                &crate::domain::text::clean_line(&new.title),
                &i64::from(new.recall),
                &new.starts_on,
                &new.ends_on,
                &by.at,
            ],
        )?
        .get(0);
    for vin in &new.vins {
        c.execute(
            "INSERT INTO campaign_vins (campaign_id, vin) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&campaign_id, vin],
        )?;
    }
    let matched: i64 = c
        .query_one(
            "SELECT count(*) FROM campaign_vins cv JOIN vehicles v ON v.vin = cv.vin
             WHERE cv.campaign_id = $1",
            &[&campaign_id],
        )?
        .get(0);
    let event = CallEvent::CampaignImported {
        code,
        vins: new.vins.len(),
        matched: matched as usize,
    };
    audit(c, by, campaign_id, &AuditEvent::Call(event))?;
    let swept = sweep(c, Scope::Shop, by)?;
    Ok(CampaignImported {
        vins: new.vins.len(),
        matched: matched as usize,
        callbacks: swept.added,
    })
}

/// A campaign list of the working shop: the callbacks of a kind (open
/// unless asked), by due date. Times are written as the file writes them,
/// so a CSV from either store reads the same.
pub fn list(c: &mut impl GenericClient, f: &ListFilter) -> StoreResult<Vec<ListRow>> {
    let status = f.status.unwrap_or(Status::Open).code();
    let kind = f.kind.map(|k| k.code().to_string());
    let rows = c.query(
        "SELECT cb.id, cb.kind, cb.topic, cb.status, cb.due_at, cb.due_until, c.name, c.phone,
                c.preferred_contact, coalesce(v.plate, ''), coalesce(v.vin, ''), cb.reason,
                cb.attempts
         FROM callbacks cb
         JOIN customers c ON c.id = cb.customer_id
         LEFT JOIN vehicles v ON v.id = cb.vehicle_id
         WHERE cb.shop_id = frontdesk_shop() AND cb.status = $1
           AND ($2::text IS NULL OR cb.kind = $2) AND ($3::text IS NULL OR cb.topic = $3)
           AND ($4::timestamptz IS NULL OR cb.due_at >= $4)
           AND ($5::timestamptz IS NULL OR cb.due_at < $5)
         ORDER BY cb.due_at, cb.id",
        &[&status, &kind, &f.topic, &f.from, &f.to],
    )?;
    Ok(rows
        .iter()
        .map(|r| ListRow {
            id: r.get(0),
            kind: r.get(1),
            topic: r.get(2),
            status: r.get(3),
            due: text_time(r.get(4)),
            until: text_time(r.get(5)),
            customer: r.get(6),
            phone: r.get(7),
            preferred: r.get(8),
            plate: r.get(9),
            vin: r.get(10),
            reason: r.get(11),
            attempts: r.get(12),
        })
        .collect())
}

/// A part ordered for an RO's customer, in the RO's shop.
pub fn order_part(c: &mut impl GenericClient, o: &NewPartOrder, by: Actor<'_>) -> StoreResult<i64> {
    let description = crate::domain::text::clean_line(&o.description);
    if description.trim().is_empty() {
        return Err(StoreError::Invalid("type what part was ordered".into()));
    }
    act_in(c, "repair_orders", o.ro_id)?;
    let id: i64 = c
        .query_one(
            "INSERT INTO part_orders (customer_id, vehicle_id, ro_id, part_number, description,
                                      ordered_at)
             SELECT customer_id, vehicle_id, id, $2, $3, $4 FROM repair_orders WHERE id = $1
             RETURNING id",
            &[
                &o.ro_id,
                &crate::domain::text::clean_line(&o.part_number),
                &description,
                &by.at,
            ],
        )?
        .get(0);
    let event = AuditEvent::Call(CallEvent::PartOrder {
        what: "ordered",
        description,
    });
    audit(c, by, id, &event)?;
    Ok(id)
}

/// Whether a part came in (the customer is called) or was collected (the
/// call is withdrawn). Each happens once.
#[derive(Debug, Clone, Copy)]
pub enum PartEvent {
    Arrived,
    Collected,
}

pub fn mark_part(
    c: &mut impl GenericClient,
    id: i64,
    event: PartEvent,
    by: Actor<'_>,
) -> StoreResult<()> {
    let (column, what) = match event {
        PartEvent::Arrived => ("arrived_at", "arrived"),
        PartEvent::Collected => ("collected_at", "collected"),
    };
    act_in(c, "part_orders", id)?;
    let r = c.query_one(
        &format!(
            "SELECT customer_id, description, {column} IS NOT NULL FROM part_orders
             WHERE id = $1 FOR UPDATE"
        ),
        &[&id],
    )?;
    let (customer_id, description): (i64, String) = (r.get(0), r.get(1));
    if r.get::<_, bool>(2) {
        return Err(StoreError::Invalid(format!(
            "part order {id} is already {what}"
        )));
    }
    c.execute(
        &format!("UPDATE part_orders SET {column} = $2 WHERE id = $1"),
        &[&id, &by.at],
    )?;
    let event = AuditEvent::Call(CallEvent::PartOrder { what, description });
    audit(c, by, id, &event)?;
    sweep(c, Scope::Customer(customer_id), by)?;
    Ok(())
}
