//! The callback rules' facts, read in a few queries, and the sweep that
//! writes what `domain::callbacks::plan` decides. The whole shop for the
//! daily sweep, or one customer when something happens to them (a
//! delivery, a declined item, a complaint, a contact), in the same
//! transaction as the event.

use super::text::{opt_text, text};
use super::{admin, audit};
use crate::domain::audit::AuditEvent;
use crate::domain::callbacks::complaint::{escalates, ComplaintStatus};
use crate::domain::callbacks::events::CallEvent;
use crate::domain::callbacks::plan::{creatable, plan, Plan, Stored, SweepReport};
use crate::domain::callbacks::rules::{
    derive, Appointment, CampaignCar, Car, ComplaintFacts, Facts, PartOrder, Visit,
};
use crate::domain::callbacks::{Kind, Policy};
use crate::store::{Actor, StoreResult};
use chrono::{DateTime, Duration, Local, NaiveDate, Offset, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::{HashMap, HashSet};

/// Whose calls to work out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Shop,
    Customer(i64),
}

/// How far back the daily sweep reads visits: the lost-customer ladder
/// ends a year after the last visit, and nothing older owes a call. (The
/// car conditions below count from this date: bought in the last 120
/// days, insurance due from 30 days ago to 100 days ahead.)
const LOOK_BACK_DAYS: i64 = 400;

/// The shop's calling policy at `now`.
pub fn policy(conn: &Connection, now: DateTime<Utc>) -> StoreResult<Policy> {
    let s = admin::settings(conn)?;
    let local = now.with_timezone(&Local).offset().fix();
    Ok(s.calls.policy(local))
}

/// The rows a scope reads: `{}` in each query becomes its condition.
struct Where {
    visits: &'static str,
    cars: &'static str,
    /// For tables with a `customer_id` column.
    customer: &'static str,
    /// For the customers table itself.
    customers: &'static str,
}

const SHOP: Where = Where {
    visits: "?1 IS NULL AND (ro.delivered_at >= ?2
        OR ro.id IN (SELECT ro_id FROM callbacks WHERE status = 'open' AND ro_id IS NOT NULL))",
    cars: "?1 IS NULL AND (v.id IN (SELECT vehicle_id FROM repair_orders WHERE status = 'delivered' AND delivered_at >= ?2)
        OR v.purchased_on >= date(?2, '+280 days')
        OR v.insurance_due_on BETWEEN date(?2, '+370 days') AND date(?2, '+500 days')
        OR v.id IN (SELECT vehicle_id FROM callbacks WHERE status = 'open' AND vehicle_id IS NOT NULL))",
    customer: "?1 IS NULL",
    customers: "?1 IS NULL",
};

const ONE: Where = Where {
    visits: "ro.customer_id = ?1 AND ?2 IS NOT NULL",
    cars: "o.customer_id = ?1 AND ?2 IS NOT NULL",
    customer: "customer_id = ?1",
    customers: "id = ?1",
};

fn scope_where(scope: Scope) -> (&'static Where, Option<i64>) {
    match scope {
        Scope::Shop => (&SHOP, None),
        Scope::Customer(id) => (&ONE, Some(id)),
    }
}

/// Everything the rules read, for `scope`.
pub fn facts(conn: &Connection, scope: Scope, now: DateTime<Utc>) -> StoreResult<Facts> {
    let (w, id) = scope_where(scope);
    let since = now - Duration::days(LOOK_BACK_DAYS);
    let mut f = Facts {
        visits: visits(conn, w, id, since)?,
        ..Facts::default()
    };
    lines(conn, w, id, since, &mut f.visits)?;
    f.cars = cars(conn, w, id, since, &f.visits)?;
    f.customers = blocked(conn, w, id)?;
    f.parts = parts(conn, w, id)?;
    f.campaigns = campaigns(conn, id)?;
    f.appointments = appointments(conn, w, id, now)?;
    f.complaints = complaints(conn, w, id)?;
    f.first_calls_done = first_calls(conn, w, id, now)?;
    Ok(f)
}

fn visits(
    conn: &Connection,
    w: &Where,
    id: Option<i64>,
    since: DateTime<Utc>,
) -> StoreResult<Vec<Visit>> {
    let sql = format!(
        "SELECT ro.id, ro.number, ro.customer_id, ro.vehicle_id, ro.delivered_at, ro.category,
                ro.odometer_in_km
         FROM repair_orders ro
         WHERE ro.status = 'delivered' AND ro.delivered_at IS NOT NULL AND ({})",
        w.visits
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id, since], |r| {
        let category = text(r, 5)?;
        Ok(Visit {
            ro_id: r.get(0)?,
            number: text(r, 1)?,
            customer_id: r.get(2)?,
            vehicle_id: r.get(3)?,
            delivered_at: r.get(4)?,
            warranty: category == "warranty",
            category,
            odometer: r.get(6)?,
            declined: Vec::new(),
            done: Vec::new(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Declined and done items of the visits read, and warranty lines.
fn lines(
    conn: &Connection,
    w: &Where,
    id: Option<i64>,
    since: DateTime<Utc>,
    visits: &mut [Visit],
) -> StoreResult<()> {
    let index: HashMap<i64, usize> = visits
        .iter()
        .enumerate()
        .map(|(i, v)| (v.ro_id, i))
        .collect();
    let sql = format!(
        "SELECT l.ro_id, l.op_code, l.description, l.approval, l.payer
         FROM ro_lines l JOIN repair_orders ro ON ro.id = l.ro_id
         WHERE ro.status = 'delivered' AND ({})",
        w.visits
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![id, since])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(&r.get::<_, i64>(0)?) else {
            continue;
        };
        let item = (text(r, 1)?, text(r, 2)?);
        let v = &mut visits[i];
        match text(r, 3)?.as_str() {
            "declined" => v.declined.push(item),
            "proposed" => {}
            _ => v.done.push(item),
        }
        v.warranty |= text(r, 4)? == "warranty";
    }
    Ok(())
}

fn date(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    Ok(opt_text(r, i)?.and_then(|s| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()))
}

fn cars(
    conn: &Connection,
    w: &Where,
    id: Option<i64>,
    since: DateTime<Utc>,
    visits: &[Visit],
) -> StoreResult<Vec<Car>> {
    let sql = format!(
        "SELECT v.id, o.customer_id, v.plate, v.purchased_on, v.service_interval_km,
                v.service_interval_months, v.next_service_due_on, v.next_service_due_km,
                v.insurance_due_on, v.last_odometer_km, v.last_odometer_at
         FROM vehicles v JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
         WHERE {}",
        w.cars
    );
    let mut readings: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
    for v in visits {
        if let Some(km) = v.odometer {
            let day = v.delivered_at.date_naive();
            readings.entry(v.vehicle_id).or_default().push((day, km));
        }
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id, since], |r| {
        let vehicle_id: i64 = r.get(0)?;
        let mut own = readings.get(&vehicle_id).cloned().unwrap_or_default();
        if let (Some(km), Some(day)) = (r.get::<_, Option<i64>>(9)?, date(r, 10)?) {
            own.push((day, km));
        }
        own.sort();
        own.dedup();
        Ok(Car {
            vehicle_id,
            customer_id: r.get(1)?,
            plate: text(r, 2)?,
            purchased_on: date(r, 3)?,
            interval_km: r.get(4)?,
            interval_months: r.get::<_, Option<i64>>(5)?.map(|m| m.clamp(1, 120) as u32),
            next_due_on: date(r, 6)?,
            next_due_km: r.get(7)?,
            insurance_due_on: date(r, 8)?,
            readings: own,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn blocked(
    conn: &Connection,
    w: &Where,
    id: Option<i64>,
) -> StoreResult<Vec<crate::domain::callbacks::rules::Customer>> {
    let sql = format!(
        "SELECT id, name FROM customers WHERE do_not_contact = 1 AND ({})",
        w.customers
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id], |r| {
        Ok(crate::domain::callbacks::rules::Customer {
            id: r.get(0)?,
            name: text(r, 1)?,
            do_not_contact: true,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn parts(conn: &Connection, w: &Where, id: Option<i64>) -> StoreResult<Vec<PartOrder>> {
    let sql = format!(
        "SELECT id, customer_id, vehicle_id, description, arrived_at FROM part_orders
         WHERE arrived_at IS NOT NULL AND collected_at IS NULL AND ({})",
        w.customer
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id], |r| {
        Ok(PartOrder {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            vehicle_id: r.get(2)?,
            description: text(r, 3)?,
            arrived_at: r.get(4)?,
            collected: false,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn campaigns(conn: &Connection, id: Option<i64>) -> StoreResult<Vec<CampaignCar>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.code, c.title, c.recall, c.starts_on, c.ends_on, v.id, o.customer_id,
                EXISTS (SELECT 1 FROM repair_orders r WHERE r.vehicle_id = v.id
                        AND r.category = 'recall_campaign'
                        AND r.status NOT IN ('cancelled', 'declined')
                        AND r.created_at >= c.starts_on)
         FROM campaigns c
         JOIN campaign_vins cv ON cv.campaign_id = c.id
         JOIN vehicles v ON v.vin = cv.vin
         JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
         WHERE ?1 IS NULL OR o.customer_id = ?1",
    )?;
    let rows = stmt.query_map(params![id], |r| {
        Ok(CampaignCar {
            campaign_id: r.get(0)?,
            code: text(r, 1)?,
            title: text(r, 2)?,
            recall: r.get(3)?,
            starts_on: date(r, 4)?.unwrap_or_default(),
            ends_on: date(r, 5)?,
            vehicle_id: r.get(6)?,
            customer_id: r.get(7)?,
            done: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn appointments(
    conn: &Connection,
    w: &Where,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Appointment>> {
    let sql = format!(
        "SELECT id, customer_id, vehicle_id, starts_at, status IN ('booked', 'confirmed'),
                requested_work
         FROM appointments WHERE starts_at >= ?2 AND ({})",
        w.customer
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id, now - Duration::days(2)], |r| {
        Ok(Appointment {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            vehicle_id: r.get(2)?,
            starts_at: r.get(3)?,
            active: r.get(4)?,
            work: text(r, 5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn complaints(conn: &Connection, w: &Where, id: Option<i64>) -> StoreResult<Vec<ComplaintFacts>> {
    let sql = format!(
        "SELECT id, customer_id, ro_id, received_at, COALESCE(reply_by, received_at),
                resolved_at, status, description
         FROM complaints WHERE status != 'closed' AND ({})",
        w.customer
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id], |r| {
        Ok(ComplaintFacts {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            ro_id: r.get(2)?,
            received_at: r.get(3)?,
            reply_by: r.get(4)?,
            resolved_at: r.get(5)?,
            closed: false,
            summary: text(r, 7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Three-day calls that reached the customer lately, by RO.
fn first_calls(
    conn: &Connection,
    w: &Where,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<HashMap<i64, DateTime<Utc>>> {
    let sql = format!(
        "SELECT ro_id, done_at FROM callbacks
         WHERE kind = 'three_day_call' AND status = 'done' AND ro_id IS NOT NULL
           AND done_at >= ?2 AND ({})",
        w.customer
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id, now - Duration::days(30)], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The open rule-made callbacks in scope.
fn stored(conn: &Connection, w: &Where, id: Option<i64>) -> StoreResult<Vec<Stored>> {
    let sql = format!(
        "SELECT id, rule_key, kind, customer_id, due_at, due_until, reason FROM callbacks
         WHERE status = 'open' AND rule_key IS NOT NULL AND ({})",
        w.customer
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![id], |r| {
        Ok(Stored {
            id: r.get(0)?,
            key: text(r, 1)?,
            kind: Kind::from_code(&text(r, 2)?).unwrap_or(Kind::LifeCycle),
            customer_id: r.get(3)?,
            from: r.get(4)?,
            until: r.get(5)?,
            reason: text(r, 6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Runs the rules for `scope` at `by.at` and writes the difference.
pub fn sweep(tx: &Transaction<'_>, scope: Scope, by: Actor<'_>) -> StoreResult<SweepReport> {
    let now = by.at;
    let p = policy(tx, now)?;
    let mut report = SweepReport {
        escalated: escalate(tx, scope, now)?,
        ..SweepReport::default()
    };
    let f = facts(tx, scope, now)?;
    let wanted = derive(&f, now, &p);
    let (w, id) = scope_where(scope);
    let open = stored(tx, w, id)?;
    let open_keys: HashSet<&str> = open.iter().map(|s| s.key.as_str()).collect();
    let mut closed = HashSet::new();
    let mut exists = tx.prepare_cached("SELECT 1 FROM callbacks WHERE rule_key = ?1")?;
    for d in wanted.iter().filter(|d| creatable(d, now, &p)) {
        if !open_keys.contains(d.key.as_str())
            && exists.query_row([&d.key], |_| Ok(())).optional()?.is_some()
        {
            closed.insert(d.key.clone());
        }
    }
    let blocked: HashSet<i64> = f.customers.iter().map(|c| c.id).collect();
    let changes = plan(wanted, &open, &closed, &blocked, now, &p);
    apply(tx, &changes, now)?;
    report.added = changes.add.len();
    report.moved = changes.moves.len();
    report.withdrawn = changes.withdraw.len();
    if !report.is_empty() {
        let event = AuditEvent::Call(CallEvent::Swept(report));
        let entity = id.unwrap_or(0);
        audit::append(tx, by, entity, &event)?;
    }
    Ok(report)
}

fn apply(tx: &Transaction<'_>, changes: &Plan, now: DateTime<Utc>) -> StoreResult<()> {
    let mut add = tx.prepare_cached(
        "INSERT INTO callbacks (customer_id, vehicle_id, ro_id, kind, rule_key, due_at, due_until,
                                priority, reason, topic, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for d in &changes.add {
        add.execute(params![
            d.customer_id,
            d.vehicle_id,
            d.ro_id,
            d.kind.code(),
            d.key,
            d.from,
            d.until,
            d.priority,
            d.reason,
            d.topic,
            now
        ])?;
    }
    let mut mv = tx.prepare_cached(
        "UPDATE callbacks SET due_at = ?2, due_until = ?3, reason = ?4, priority = ?5,
                version = version + 1
         WHERE id = ?1 AND status = 'open'",
    )?;
    for (id, d) in &changes.moves {
        mv.execute(params![id, d.from, d.until, d.reason, d.priority])?;
    }
    let mut close = tx.prepare_cached(
        "UPDATE callbacks SET status = ?2, outcome = ?3, done_at = ?4, claimed_by = NULL,
                claimed_at = NULL, version = version + 1
         WHERE id = ?1 AND status = 'open'",
    )?;
    for (id, status, why) in &changes.withdraw {
        close.execute(params![id, status.code(), why, now])?;
    }
    Ok(())
}

/// Open complaints past their reply-by time go to the manager (step 13).
fn escalate(tx: &Transaction<'_>, scope: Scope, now: DateTime<Utc>) -> StoreResult<usize> {
    let (w, id) = scope_where(scope);
    let sql = format!(
        "SELECT id, status, COALESCE(reply_by, received_at) FROM complaints
         WHERE status = 'open' AND ({})",
        w.customer
    );
    let due: Vec<i64> = {
        let mut stmt = tx.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                text(r, 1)?,
                r.get::<_, DateTime<Utc>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (cid, status, reply_by) = row?;
            let status = ComplaintStatus::from_code(&status).unwrap_or(ComplaintStatus::Open);
            if escalates(status, reply_by, now) {
                out.push(cid);
            }
        }
        out
    };
    let mut up = tx.prepare_cached(
        "UPDATE complaints SET status = 'escalated', escalated_at = ?2,
                owner_id = COALESCE((SELECT id FROM users WHERE role = 'manager' AND active = 1
                                     ORDER BY id LIMIT 1), owner_id),
                version = version + 1
         WHERE id = ?1 AND status = 'open'",
    )?;
    for cid in &due {
        up.execute(params![cid, now])?;
    }
    Ok(due.len())
}
