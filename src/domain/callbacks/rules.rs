//! One rule per reason to call, each a pure function of the records and the
//! date, citing its seed rule. [`derive`] runs them all over a set of
//! [`Facts`] (the whole shop for the daily sweep, one customer when
//! something happens to them) and returns every call owed.

use super::{Due, Kind, Policy};
use chrono::{DateTime, Days, Duration, Months, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};

/// A delivered visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub ro_id: i64,
    pub number: String,
    pub customer_id: i64,
    pub vehicle_id: i64,
    pub delivered_at: DateTime<Utc>,
    /// The RO's repair category code ("maintenance", "warranty", …).
    pub category: String,
    /// A car in warranty: its follow-up is the 100 % target (000).
    pub warranty: bool,
    pub odometer: Option<i64>,
    /// The items the customer declined, as (op code, description).
    pub declined: Vec<(String, String)>,
    /// The items done on this visit, as (op code, description).
    pub done: Vec<(String, String)>,
}

/// A car with what its reminders need.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Car {
    pub vehicle_id: i64,
    /// The owner now.
    pub customer_id: i64,
    pub plate: String,
    pub purchased_on: Option<NaiveDate>,
    pub interval_km: Option<i64>,
    pub interval_months: Option<u32>,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_km: Option<i64>,
    pub insurance_due_on: Option<NaiveDate>,
    /// The car's own odometer readings, oldest first.
    pub readings: Vec<(NaiveDate, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub do_not_contact: bool,
}

/// A part ordered for a customer whose car is not in the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartOrder {
    pub id: i64,
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub description: String,
    pub arrived_at: Option<DateTime<Utc>>,
    pub collected: bool,
}

/// A car on a recall's or a campaign's VIN list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignCar {
    pub campaign_id: i64,
    pub code: String,
    pub title: String,
    pub recall: bool,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub vehicle_id: i64,
    pub customer_id: i64,
    /// The car came in for it (an RO of the recall category since the start).
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: i64,
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    /// Booked or confirmed (not cancelled, not arrived, not a no-show).
    pub active: bool,
    pub work: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintFacts {
    pub id: i64,
    pub customer_id: i64,
    pub ro_id: Option<i64>,
    pub received_at: DateTime<Utc>,
    pub reply_by: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed: bool,
    pub summary: String,
}

/// What the rules read. The store fills it for the whole shop or for one
/// customer; the rules never ask for more.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub visits: Vec<Visit>,
    pub cars: Vec<Car>,
    pub customers: Vec<Customer>,
    pub parts: Vec<PartOrder>,
    pub campaigns: Vec<CampaignCar>,
    pub appointments: Vec<Appointment>,
    pub complaints: Vec<ComplaintFacts>,
    /// Three-day calls that reached the customer, by RO: when.
    pub first_calls_done: HashMap<i64, DateTime<Utc>>,
}

/// Every call owed, whatever its window; `plan` decides what to make now.
pub fn derive(f: &Facts, now: DateTime<Utc>, p: &Policy) -> Vec<Due> {
    let blocked: HashSet<i64> = f
        .customers
        .iter()
        .filter(|c| c.do_not_contact)
        .map(|c| c.id)
        .collect();
    // Each car's visits, grouped once: no rule scans the whole shop per car.
    let mut by_car: HashMap<i64, Vec<&Visit>> = HashMap::new();
    for v in &f.visits {
        by_car.entry(v.vehicle_id).or_default().push(v);
    }
    let latest: HashMap<i64, i64> = by_car
        .iter()
        .filter_map(|(car, vs)| {
            vs.iter()
                .max_by_key(|v| (v.delivered_at, v.ro_id))
                .map(|v| (*car, v.ro_id))
        })
        .collect();
    // In the visits' own order, so rows are made in the same order every run.
    let mut out = Vec::new();
    for v in &f.visits {
        out.extend(three_day_call(v, p));
        if let Some(done) = f.first_calls_done.get(&v.ro_id) {
            out.extend(second_call(v, *done, p));
        }
        if latest.get(&v.vehicle_id) == Some(&v.ro_id) {
            out.extend(life_cycle(v, p));
        }
        out.extend(declined_work(v, &by_car[&v.vehicle_id], p));
    }
    for c in &f.cars {
        let visits = by_car.get(&c.vehicle_id).map_or(&[][..], Vec::as_slice);
        out.extend(first_maintenance(c, visits, p));
        out.extend(maintenance_due(c, visits, p));
        out.extend(insurance_renewal(c, p));
    }
    out.extend(lost_customers(&f.visits, now, p));
    out.extend(f.parts.iter().filter_map(|o| parts_arrived(o, p)));
    out.extend(f.campaigns.iter().filter_map(|c| campaign(c, p)));
    out.extend(
        f.appointments
            .iter()
            .filter_map(|a| appointment_reminder(a, p)),
    );
    out.extend(f.complaints.iter().filter_map(|c| complaint(c, p)));
    // Do not contact: no rule calls this customer (step 14, 002).
    out.retain(|d| !blocked.contains(&d.customer_id));
    out
}

fn plus_days(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs())).unwrap_or(d)
    }
}

/// Calendar months later; Jan 31 + 1 month is the last day of February.
pub fn plus_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

#[allow(clippy::too_many_arguments)]
fn due(
    key: String,
    kind: Kind,
    customer_id: i64,
    vehicle_id: Option<i64>,
    ro_id: Option<i64>,
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    reason: String,
    topic: String,
) -> Due {
    Due {
        key,
        kind,
        customer_id,
        vehicle_id,
        ro_id,
        from,
        until,
        priority: kind.priority(),
        reason,
        topic,
    }
}

/// The first follow-up, 2 days to 1 week after the car leaves (004 §(三)4,
/// §(二)15). A car in warranty comes first: the seeds ask for 100 %.
pub fn three_day_call(v: &Visit, p: &Policy) -> Option<Due> {
    let day = p.date(v.delivered_at);
    let window = p.days(plus_days(day, 2), plus_days(day, 7));
    let mut d = due(
        format!("3dc:ro:{}", v.ro_id),
        Kind::ThreeDayCall,
        v.customer_id,
        Some(v.vehicle_id),
        Some(v.ro_id),
        window,
        format!(
            "{} delivered {}: how is the car, and our service?",
            v.number, day
        ),
        String::new(),
    );
    if v.warranty {
        d.priority = 1;
        d.reason.push_str(" (in warranty: 100 % follow-up)");
    }
    Some(d)
}

/// The second follow-up, a week after the first reached the customer,
/// within 7 days, on a different topic (004 §(三)5).
pub fn second_call(v: &Visit, first_done: DateTime<Utc>, p: &Policy) -> Option<Due> {
    let day = p.date(first_done);
    Some(due(
        format!("2nd:ro:{}", v.ro_id),
        Kind::SecondCall,
        v.customer_id,
        Some(v.vehicle_id),
        Some(v.ro_id),
        p.days(plus_days(day, 7), plus_days(day, 14)),
        format!(
            "{}: second call after the first on {day}; a new topic (maintenance tips, new services)",
            v.number
        ),
        String::new(),
    ))
}

/// The 246 life cycle after a visit, each touch with its topic (002).
pub const LIFE_CYCLE: [(i64, &str); 6] = [
    (30, "satisfaction survey"),
    (60, "how the car is used"),
    (90, "seasonal check recommendation"),
    (120, "club and product activities"),
    (150, "maintenance reminder"),
    (180, "time to come back for maintenance"),
];

/// Only the car's latest visit runs the cycle: a new visit starts it again.
pub fn life_cycle(v: &Visit, p: &Policy) -> Vec<Due> {
    let day = p.date(v.delivered_at);
    LIFE_CYCLE
        .iter()
        .map(|(n, topic)| {
            let start = plus_days(day, *n);
            due(
                format!("life:ro:{}:{n}", v.ro_id),
                Kind::LifeCycle,
                v.customer_id,
                Some(v.vehicle_id),
                Some(v.ro_id),
                p.days(start, plus_days(start, 6)),
                format!("day {n} after {}: {topic}", v.number),
                n.to_string(),
            )
        })
        .collect()
}

/// Whether a later visit of the same car did the item.
fn done_later(item: &(String, String), v: &Visit, visits: &[&Visit]) -> bool {
    visits
        .iter()
        .filter(|w| w.vehicle_id == v.vehicle_id && w.delivered_at > v.delivered_at)
        .flat_map(|w| &w.done)
        .any(|d| same_item(d, item))
}

fn same_item(a: &(String, String), b: &(String, String)) -> bool {
    if !a.0.is_empty() && !b.0.is_empty() {
        return a.0.eq_ignore_ascii_case(&b.0);
    }
    a.1.trim().eq_ignore_ascii_case(b.1.trim())
}

/// Declined items are a reason to call later (003, "items left from the
/// last visit"): two weeks after, and again at three months, naming what
/// is still not done.
pub const DECLINED_TOUCHES: [i64; 2] = [14, 90];

/// `visits`: the car's visits (any others are ignored).
pub fn declined_work(v: &Visit, visits: &[&Visit], p: &Policy) -> Vec<Due> {
    let left: Vec<&str> = v
        .declined
        .iter()
        .filter(|item| !done_later(item, v, visits))
        .map(|(_, d)| d.as_str())
        .collect();
    if left.is_empty() {
        return Vec::new();
    }
    let day = p.date(v.delivered_at);
    DECLINED_TOUCHES
        .iter()
        .map(|n| {
            let start = plus_days(day, *n);
            due(
                format!("declined:ro:{}:{n}", v.ro_id),
                Kind::DeclinedWork,
                v.customer_id,
                Some(v.vehicle_id),
                Some(v.ro_id),
                p.days(start, plus_days(start, 13)),
                format!("declined on {}: {}", v.number, left.join(", ")),
                n.to_string(),
            )
        })
        .collect()
}

fn is_maintenance(v: &Visit) -> bool {
    v.category == "maintenance"
}

/// First maintenance (首保) within 3 months of purchase (004 G.四): called
/// in the third month, until the car comes in for maintenance.
pub fn first_maintenance(c: &Car, visits: &[&Visit], p: &Policy) -> Option<Due> {
    let bought = c.purchased_on?;
    let since = p.start_of(bought);
    if visits
        .iter()
        .any(|v| is_maintenance(v) && v.delivered_at >= since)
    {
        return None;
    }
    let deadline = plus_months(bought, 3);
    Some(due(
        format!("first:veh:{}", c.vehicle_id),
        Kind::FirstMaintenance,
        c.customer_id,
        Some(c.vehicle_id),
        None,
        p.days(plus_months(bought, 2), deadline),
        format!(
            "{}: first maintenance due by {deadline} (bought {bought})",
            c.plate
        ),
        String::new(),
    ))
}

/// Kilometres a day, from the car's own readings: the first and the last
/// that are days apart and do not go backwards; else the shop's default.
pub fn daily_km(readings: &[(NaiveDate, i64)], default: i64) -> f64 {
    let (Some(first), Some(last)) = (readings.first(), readings.last()) else {
        return default as f64;
    };
    let days = (last.0 - first.0).num_days();
    if days <= 0 || last.1 < first.1 {
        return default as f64;
    }
    (last.1 - first.1) as f64 / days as f64
}

/// When the car reaches `target_km`, projected from its readings.
pub fn projected_on(
    readings: &[(NaiveDate, i64)],
    target_km: i64,
    default: i64,
) -> Option<NaiveDate> {
    let last = readings.last()?;
    let rate = daily_km(readings, default);
    if rate <= 0.0 {
        return None;
    }
    let left = (target_km - last.1).max(0) as f64;
    Some(plus_days(last.0, (left / rate).ceil() as i64))
}

/// Maintenance due by date or by mileage, whichever comes first (003).
/// From the last maintenance visit (or the last visit) and the car's
/// interval, or the shop's; the call opens two weeks ahead.
pub fn maintenance_due(c: &Car, visits: &[&Visit], p: &Policy) -> Option<Due> {
    if c.purchased_on.is_some() && first_maintenance(c, visits, p).is_some() {
        return None; // the first-maintenance rule has this car
    }
    let base = visits
        .iter()
        .filter(|v| is_maintenance(v))
        .max_by_key(|v| v.delivered_at)
        .or_else(|| visits.iter().max_by_key(|v| v.delivered_at))?;
    let base_day = p.date(base.delivered_at);
    let months = c.interval_months.unwrap_or(p.interval_months);
    let by_date = c
        .next_due_on
        .unwrap_or_else(|| plus_months(base_day, months));
    let km = c.next_due_km.or_else(|| {
        base.odometer
            .map(|k| k + c.interval_km.unwrap_or(p.interval_km))
    });
    let by_km = km.and_then(|k| projected_on(&c.readings, k, p.daily_km));
    let (when, why) = match (by_km, km) {
        (Some(d), Some(k)) if d < by_date => (
            d,
            format!(
                "by mileage: {k} km around {d} (about {:.0} km a day)",
                daily_km(&c.readings, p.daily_km)
            ),
        ),
        _ => (by_date, format!("by date: {by_date}")),
    };
    Some(due(
        format!("service:veh:{}:after:{}", c.vehicle_id, base.ro_id),
        Kind::MaintenanceDue,
        c.customer_id,
        Some(c.vehicle_id),
        Some(base.ro_id),
        p.days(plus_days(when, -14), plus_days(when, 14)),
        format!("{}: maintenance due {why}", c.plate),
        String::new(),
    ))
}

/// The insurance renewal, in the month before it falls due.
pub fn insurance_renewal(c: &Car, p: &Policy) -> Option<Due> {
    let on = c.insurance_due_on?;
    Some(due(
        format!("insurance:veh:{}:{on}", c.vehicle_id),
        Kind::InsuranceRenewal,
        c.customer_id,
        Some(c.vehicle_id),
        None,
        p.days(plus_days(on, -30), on),
        format!("{}: insurance renews on {on}", c.plate),
        String::new(),
    ))
}

/// The 369 ladder (004 G.四): 3 months without a visit is at risk (fight
/// hardest here), 6 nearly lost, 9 lost. One step at a time: the next step
/// replaces the last, and any visit ends the ladder.
pub const LOST_STEPS: [(u32, &str); 3] = [(3, "at risk"), (6, "nearly lost"), (9, "lost")];

pub fn lost_customers(visits: &[Visit], now: DateTime<Utc>, p: &Policy) -> Vec<Due> {
    let mut last: HashMap<i64, &Visit> = HashMap::new();
    for v in visits {
        let slot = last.entry(v.customer_id).or_insert(v);
        if (v.delivered_at, v.ro_id) > (slot.delivered_at, slot.ro_id) {
            *slot = v;
        }
    }
    last.values().filter_map(|v| lost_step(v, now, p)).collect()
}

/// The ladder's step at `now` for a customer whose last visit was `v`: the
/// step not yet over (the 3-month one before it begins, so it shows as
/// upcoming); none once "lost" has run its three months.
pub fn lost_step(v: &Visit, now: DateTime<Utc>, p: &Policy) -> Option<Due> {
    let day = p.date(v.delivered_at);
    let steps: Vec<(NaiveDate, u32, &str)> = LOST_STEPS
        .iter()
        .map(|(m, w)| (plus_months(day, *m), *m, *w))
        .collect();
    // Each step's window ends where the next begins; "lost" lasts 3 months.
    let ends = [steps[1].0, steps[2].0, plus_months(day, 12)];
    let i = ends.iter().position(|end| p.start_of(*end) > now)?;
    let (start, months, words) = steps[i];
    Some(due(
        format!("lost:cust:{}:after:{}:{months}", v.customer_id, v.ro_id),
        Kind::LostCustomer,
        v.customer_id,
        Some(v.vehicle_id),
        Some(v.ro_id),
        p.days(start, plus_days(ends[i], -1)),
        format!(
            "no visit since {} on {day}: {months} months, {words}",
            v.number
        ),
        months.to_string(),
    ))
}

/// A back-ordered part has come in: call the customer to book the fitting.
pub fn parts_arrived(o: &PartOrder, p: &Policy) -> Option<Due> {
    let at = o.arrived_at.filter(|_| !o.collected)?;
    let day = p.date(at);
    Some(due(
        format!("parts:order:{}", o.id),
        Kind::PartsArrived,
        o.customer_id,
        o.vehicle_id,
        None,
        (p.callable(at), p.days(day, plus_days(day, 3)).1),
        format!("the part you ordered has arrived: {}", o.description),
        String::new(),
    ))
}

/// A recall or a service campaign for a car on its VIN list: by phone two
/// weeks ahead (step 14), until the car has come in for it.
pub fn campaign(c: &CampaignCar, p: &Policy) -> Option<Due> {
    if c.done {
        return None;
    }
    let kind = if c.recall {
        Kind::Recall
    } else {
        Kind::Campaign
    };
    let until = c.ends_on.unwrap_or(plus_days(c.starts_on, 60));
    Some(due(
        format!("{}:{}:veh:{}", kind.code(), c.campaign_id, c.vehicle_id),
        kind,
        c.customer_id,
        Some(c.vehicle_id),
        None,
        p.days(plus_days(c.starts_on, -14), until),
        format!(
            "{} {}: {} (from {})",
            kind.code(),
            c.code,
            c.title,
            c.starts_on
        ),
        c.code.clone(),
    ))
}

/// Half a day to a day before a booked appointment (step 1).
pub fn appointment_reminder(a: &Appointment, p: &Policy) -> Option<Due> {
    if !a.active {
        return None;
    }
    let from = p.callable(a.starts_at - Duration::hours(24));
    let until = a.starts_at - Duration::hours(12);
    let local = a.starts_at.with_timezone(&p.offset);
    Some(due(
        format!("appt:{}", a.id),
        Kind::AppointmentReminder,
        a.customer_id,
        a.vehicle_id,
        None,
        (from.min(until), until),
        format!("appointment on {}: {}", local.format("%F %H:%M"), a.work),
        String::new(),
    ))
}

/// An open complaint is owed its answer by its reply-by time; a resolved
/// one gets a call within a week after (step 13).
pub fn complaint(c: &ComplaintFacts, p: &Policy) -> Option<Due> {
    if c.closed {
        return None;
    }
    let (key, window, reason) = match c.resolved_at {
        None => (
            format!("complaint:{}:reply", c.id),
            (p.callable(c.received_at), c.reply_by),
            format!("complaint to answer: {}", c.summary),
        ),
        Some(at) => (
            format!("complaint:{}:after", c.id),
            p.days(plus_days(p.date(at), 1), plus_days(p.date(at), 7)),
            format!(
                "complaint resolved: is the customer satisfied? {}",
                c.summary
            ),
        ),
    };
    Some(due(
        key,
        Kind::ComplaintFollowup,
        c.customer_id,
        None,
        c.ro_id,
        window,
        reason,
        String::new(),
    ))
}
