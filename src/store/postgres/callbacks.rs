//! The callback rules on the group server: the facts the rules read, for
//! one customer (after a delivery, a save) or for the working shop (the
//! daily sweep), and the sweep that writes what `domain::callbacks::plan`
//! decides, in the same transaction as the event. Calls belong to the shop
//! that served the visit: only this shop's ROs, calls and complaints are
//! read, so two shops never derive the same call.

use super::admin::settings;
use super::audit::append as audit;
use crate::domain::audit::AuditEvent;
use crate::domain::callbacks::complaint::{escalates, ComplaintStatus};
use crate::domain::callbacks::events::CallEvent;
use crate::domain::callbacks::plan::{creatable, plan, Plan, Stored, SweepReport};
use crate::domain::callbacks::rules::{
    derive, Appointment, CampaignCar, Car, ComplaintFacts, Customer, Facts, PartOrder, Visit,
};
use crate::domain::callbacks::{Kind, Policy};
use crate::store::{Actor, StoreResult};
use chrono::{DateTime, Duration, Local, NaiveDate, Offset, Utc};
use postgres::types::ToSql;
use postgres::GenericClient;
use std::collections::{HashMap, HashSet};

pub use crate::store::sqlite::callbacks::Scope;

/// How far back the daily sweep reads visits (as for SQLite).
const LOOK_BACK_DAYS: i64 = 400;

pub(super) fn policy(c: &mut impl GenericClient, now: DateTime<Utc>) -> StoreResult<Policy> {
    let local = now.with_timezone(&Local).offset().fix();
    Ok(settings(c)?.calls.policy(local))
}

/// The rows a scope reads: `$1` is the customer (or NULL for the shop),
/// `$2` the look-back date.
struct Where {
    visits: &'static str,
    cars: &'static str,
    /// For shop tables with a `customer_id` column.
    customer: &'static str,
    customers: &'static str,
}

const SHOP: Where = Where {
    visits: "$1::bigint IS NULL AND ro.shop_id = frontdesk_shop() AND (ro.delivered_at >= $2
        OR ro.id IN (SELECT ro_id FROM callbacks WHERE status = 'open' AND ro_id IS NOT NULL
                     AND shop_id = frontdesk_shop()))",
    cars: "$1::bigint IS NULL AND (v.id IN (SELECT vehicle_id FROM repair_orders WHERE status = 'delivered'
                          AND delivered_at >= $2 AND shop_id = frontdesk_shop())
        OR v.purchased_on >= ($2 + interval '280 days')::date
        OR v.insurance_due_on BETWEEN ($2 + interval '370 days')::date AND ($2 + interval '500 days')::date
        OR v.id IN (SELECT vehicle_id FROM callbacks WHERE status = 'open' AND vehicle_id IS NOT NULL
                    AND shop_id = frontdesk_shop()))",
    customer: "$1::bigint IS NULL AND shop_id = frontdesk_shop()",
    customers: "$1::bigint IS NULL",
};

const ONE: Where = Where {
    visits: "ro.customer_id = $1 AND ro.shop_id = frontdesk_shop() AND $2::timestamptz IS NOT NULL",
    cars: "o.customer_id = $1 AND $2::timestamptz IS NOT NULL",
    customer: "customer_id = $1 AND shop_id = frontdesk_shop()",
    customers: "id = $1",
};

fn scope_where(scope: Scope) -> (&'static Where, Option<i64>) {
    match scope {
        Scope::Shop => (&SHOP, None),
        Scope::Customer(id) => (&ONE, Some(id)),
    }
}

/// A query's rows with the scope's customer (and a time) as `$1`, `$2`.
fn rows(
    c: &mut impl GenericClient,
    sql: &str,
    id: Option<i64>,
    at: Option<DateTime<Utc>>,
) -> StoreResult<Vec<postgres::Row>> {
    let params: Vec<&(dyn ToSql + Sync)> = match &at {
        Some(t) => vec![&id, t],
        None => vec![&id],
    };
    Ok(c.query(sql, &params)?)
}

/// Everything the rules read, for `scope`.
pub fn facts(c: &mut impl GenericClient, scope: Scope, now: DateTime<Utc>) -> StoreResult<Facts> {
    let (w, id) = scope_where(scope);
    let since = now - Duration::days(LOOK_BACK_DAYS);
    let mut f = Facts {
        visits: visits(c, w, id, since)?,
        ..Facts::default()
    };
    lines(c, w, id, since, &mut f.visits)?;
    f.cars = cars(c, w, id, since, &f.visits)?;
    f.customers = blocked(c, w, id)?;
    f.parts = parts(c, w, id)?;
    f.campaigns = campaigns(c, id)?;
    f.appointments = appointments(c, w, id, now)?;
    f.complaints = complaints(c, w, id)?;
    f.first_calls_done = first_calls(c, w, id, now)?;
    Ok(f)
}

fn visits(
    c: &mut impl GenericClient,
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
    Ok(rows(c, &sql, id, Some(since))?
        .iter()
        .map(|r| {
            let category: String = r.get(5);
            Visit {
                ro_id: r.get(0),
                number: r.get(1),
                customer_id: r.get(2),
                vehicle_id: r.get(3),
                delivered_at: r.get(4),
                warranty: category == "warranty",
                category,
                odometer: r.get(6),
                declined: Vec::new(),
                done: Vec::new(),
            }
        })
        .collect())
}

/// Declined and done items of the visits read, and warranty lines.
fn lines(
    c: &mut impl GenericClient,
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
    for r in rows(c, &sql, id, Some(since))? {
        let Some(&i) = index.get(&r.get::<_, i64>(0)) else {
            continue;
        };
        let item: (String, String) = (r.get(1), r.get(2));
        let v = &mut visits[i];
        match r.get::<_, String>(3).as_str() {
            "declined" => v.declined.push(item),
            "proposed" => {}
            _ => v.done.push(item),
        }
        v.warranty |= r.get::<_, String>(4) == "warranty";
    }
    Ok(())
}

fn cars(
    c: &mut impl GenericClient,
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
            readings
                .entry(v.vehicle_id)
                .or_default()
                .push((v.delivered_at.date_naive(), km));
        }
    }
    Ok(rows(c, &sql, id, Some(since))?
        .iter()
        .map(|r| {
            let vehicle_id: i64 = r.get(0);
            let mut own = readings.get(&vehicle_id).cloned().unwrap_or_default();
            let last: Option<DateTime<Utc>> = r.get(10);
            if let (Some(km), Some(at)) = (r.get::<_, Option<i64>>(9), last) {
                own.push((at.date_naive(), km));
            }
            own.sort();
            own.dedup();
            Car {
                vehicle_id,
                customer_id: r.get(1),
                plate: r.get(2),
                purchased_on: r.get(3),
                interval_km: r.get(4),
                interval_months: r.get::<_, Option<i64>>(5).map(|m| m.clamp(1, 120) as u32),
                next_due_on: r.get(6),
                next_due_km: r.get(7),
                insurance_due_on: r.get(8),
                readings: own,
            }
        })
        .collect())
}

fn blocked(c: &mut impl GenericClient, w: &Where, id: Option<i64>) -> StoreResult<Vec<Customer>> {
    let sql = format!(
        "SELECT id, name FROM customers WHERE do_not_contact = 1 AND ({})",
        w.customers
    );
    Ok(rows(c, &sql, id, None)?
        .iter()
        .map(|r| Customer {
            id: r.get(0),
            name: r.get(1),
            do_not_contact: true,
        })
        .collect())
}

fn parts(c: &mut impl GenericClient, w: &Where, id: Option<i64>) -> StoreResult<Vec<PartOrder>> {
    let sql = format!(
        "SELECT id, customer_id, vehicle_id, description, arrived_at FROM part_orders
         WHERE arrived_at IS NOT NULL AND collected_at IS NULL AND ({})",
        w.customer
    );
    Ok(rows(c, &sql, id, None)?
        .iter()
        .map(|r| PartOrder {
            id: r.get(0),
            customer_id: r.get(1),
            vehicle_id: r.get(2),
            description: r.get(3),
            arrived_at: r.get(4),
            collected: false,
        })
        .collect())
}

fn campaigns(c: &mut impl GenericClient, id: Option<i64>) -> StoreResult<Vec<CampaignCar>> {
    let sql =
        "SELECT c.id, c.code, c.title, c.recall <> 0, c.starts_on, c.ends_on, v.id, o.customer_id,
                EXISTS (SELECT 1 FROM repair_orders r WHERE r.vehicle_id = v.id
                        AND r.category = 'recall_campaign'
                        AND r.status NOT IN ('cancelled', 'declined')
                        AND r.created_at >= c.starts_on)
         FROM campaigns c
         JOIN campaign_vins cv ON cv.campaign_id = c.id
         JOIN vehicles v ON v.vin = cv.vin
         JOIN vehicle_owners o ON o.vehicle_id = v.id AND o.until IS NULL
         WHERE $1::bigint IS NULL OR o.customer_id = $1";
    Ok(rows(c, sql, id, None)?
        .iter()
        .map(|r| CampaignCar {
            campaign_id: r.get(0),
            code: r.get(1),
            title: r.get(2),
            recall: r.get(3),
            starts_on: r.get::<_, Option<NaiveDate>>(4).unwrap_or_default(),
            ends_on: r.get(5),
            vehicle_id: r.get(6),
            customer_id: r.get(7),
            done: r.get(8),
        })
        .collect())
}

fn appointments(
    c: &mut impl GenericClient,
    w: &Where,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Appointment>> {
    let sql = format!(
        "SELECT id, customer_id, vehicle_id, starts_at, status IN ('booked', 'confirmed'),
                requested_work
         FROM appointments WHERE starts_at >= $2 AND ({})",
        w.customer
    );
    Ok(rows(c, &sql, id, Some(now - Duration::days(2)))?
        .iter()
        .map(|r| Appointment {
            id: r.get(0),
            customer_id: r.get(1),
            vehicle_id: r.get(2),
            starts_at: r.get(3),
            active: r.get(4),
            work: r.get(5),
        })
        .collect())
}

fn complaints(
    c: &mut impl GenericClient,
    w: &Where,
    id: Option<i64>,
) -> StoreResult<Vec<ComplaintFacts>> {
    let sql = format!(
        "SELECT id, customer_id, ro_id, received_at, COALESCE(frontdesk_at(reply_by), received_at),
                resolved_at, description
         FROM complaints WHERE status <> 'closed' AND ({})",
        w.customer
    );
    Ok(rows(c, &sql, id, None)?
        .iter()
        .map(|r| ComplaintFacts {
            id: r.get(0),
            customer_id: r.get(1),
            ro_id: r.get(2),
            received_at: r.get(3),
            reply_by: r.get(4),
            resolved_at: r.get(5),
            closed: false,
            summary: r.get(6),
        })
        .collect())
}

/// Three-day calls that reached the customer lately, by RO.
fn first_calls(
    c: &mut impl GenericClient,
    w: &Where,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<HashMap<i64, DateTime<Utc>>> {
    let sql = format!(
        "SELECT ro_id, done_at FROM callbacks
         WHERE kind = 'three_day_call' AND status = 'done' AND ro_id IS NOT NULL
           AND done_at >= $2 AND ({})",
        w.customer
    );
    Ok(rows(c, &sql, id, Some(now - Duration::days(30)))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// The open rule-made callbacks in scope.
fn stored(c: &mut impl GenericClient, w: &Where, id: Option<i64>) -> StoreResult<Vec<Stored>> {
    let sql = format!(
        "SELECT id, rule_key, kind, customer_id, due_at, due_until, reason FROM callbacks
         WHERE status = 'open' AND rule_key IS NOT NULL AND ({})",
        w.customer
    );
    Ok(rows(c, &sql, id, None)?
        .iter()
        .map(|r| Stored {
            id: r.get(0),
            key: r.get(1),
            kind: Kind::from_code(&r.get::<_, String>(2)).unwrap_or(Kind::LifeCycle),
            customer_id: r.get(3),
            from: r.get(4),
            until: r.get(5),
            reason: r.get(6),
        })
        .collect())
}

/// Runs the rules for `scope` at `by.at` and writes the difference.
pub fn sweep(c: &mut impl GenericClient, scope: Scope, by: Actor<'_>) -> StoreResult<SweepReport> {
    let now = by.at;
    let p = policy(c, now)?;
    let mut report = SweepReport {
        escalated: escalate(c, scope, now)?,
        ..SweepReport::default()
    };
    let f = facts(c, scope, now)?;
    let wanted = derive(&f, now, &p);
    let (w, id) = scope_where(scope);
    let open = stored(c, w, id)?;
    let open_keys: HashSet<&str> = open.iter().map(|s| s.key.as_str()).collect();
    let mut closed = HashSet::new();
    for d in wanted.iter().filter(|d| creatable(d, now, &p)) {
        if !open_keys.contains(d.key.as_str())
            && c.query_opt(
                "SELECT 1 FROM callbacks WHERE rule_key = $1 AND shop_id = frontdesk_shop()",
                &[&d.key],
            )?
            .is_some()
        {
            closed.insert(d.key.clone());
        }
    }
    let blocked: HashSet<i64> = f.customers.iter().map(|c| c.id).collect();
    let changes = plan(wanted, &open, &closed, &blocked, now, &p);
    apply(c, &changes, now)?;
    report.added = changes.add.len();
    report.moved = changes.moves.len();
    report.withdrawn = changes.withdraw.len();
    if !report.is_empty() {
        let event = AuditEvent::Call(CallEvent::Swept(report));
        audit(c, by, id.unwrap_or(0), &event)?;
    }
    Ok(report)
}

fn apply(c: &mut impl GenericClient, changes: &Plan, now: DateTime<Utc>) -> StoreResult<()> {
    for d in &changes.add {
        c.execute(
            "INSERT INTO callbacks (customer_id, vehicle_id, ro_id, kind, rule_key, due_at, due_until,
                                    priority, reason, topic, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &d.customer_id,
                &d.vehicle_id,
                &d.ro_id,
                &d.kind.code(),
                &d.key,
                &d.from,
                &d.until,
                &i64::from(d.priority),
                &d.reason,
                &d.topic,
                &now,
            ],
        )?;
    }
    for (id, d) in &changes.moves {
        c.execute(
            "UPDATE callbacks SET due_at = $2, due_until = $3, reason = $4, priority = $5,
                    version = version + 1
             WHERE id = $1 AND status = 'open'",
            &[id, &d.from, &d.until, &d.reason, &i64::from(d.priority)],
        )?;
    }
    for (id, status, why) in &changes.withdraw {
        c.execute(
            "UPDATE callbacks SET status = $2, outcome = $3, done_at = $4, claimed_by = NULL,
                    claimed_at = NULL, version = version + 1
             WHERE id = $1 AND status = 'open'",
            &[id, &status.code(), why, &now],
        )?;
    }
    Ok(())
}

/// Open complaints past their reply-by time go to the manager (step 13).
fn escalate(c: &mut impl GenericClient, scope: Scope, now: DateTime<Utc>) -> StoreResult<usize> {
    let (w, id) = scope_where(scope);
    let sql = format!(
        "SELECT id, status, COALESCE(frontdesk_at(reply_by), received_at) FROM complaints
         WHERE status = 'open' AND ({})",
        w.customer
    );
    let due: Vec<i64> = rows(c, &sql, id, None)?
        .iter()
        .filter(|r| {
            let status =
                ComplaintStatus::from_code(&r.get::<_, String>(1)).unwrap_or(ComplaintStatus::Open);
            escalates(status, r.get(2), now)
        })
        .map(|r| r.get(0))
        .collect();
    for cid in &due {
        c.execute(
            "UPDATE complaints SET status = 'escalated', escalated_at = $2,
                    owner_id = COALESCE((SELECT id FROM users WHERE role = 'manager' AND active = 1
                                         ORDER BY id LIMIT 1), owner_id),
                    version = version + 1
             WHERE id = $1 AND status = 'open'",
            &[cid, &now],
        )?;
    }
    Ok(due.len())
}

/// Brings the callbacks of the customer an RO belongs to up to date: a
/// delivery owes its three-day call the moment it is recorded.
pub fn follow(c: &mut impl GenericClient, ro_id: i64, by: Actor<'_>) -> StoreResult<()> {
    let customer = c.query_opt(
        "SELECT customer_id FROM repair_orders WHERE id = $1",
        &[&ro_id],
    )?;
    if let Some(r) = customer {
        sweep(c, Scope::Customer(r.get(0)), by)?;
    }
    Ok(())
}
