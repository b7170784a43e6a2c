//! The department's KPIs (000, 004; domain.md "Targets"), each a pure
//! function of plain facts, so a test can write the answer out by hand.
//! Rates are [`Ratio`]s: the count behind a percentage stays visible, and
//! 0 of 0 reads as "none due", never as 0 % or 100 %.

use super::period::Period;
use crate::domain::money::Money;
use crate::domain::repair_order::Category;
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};

/// `num` out of `den`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    pub fn new(num: i64, den: i64) -> Ratio {
        Ratio { num, den }
    }

    /// Per mille, rounded half up; None when nothing was due.
    pub fn per_mille(&self) -> Option<i64> {
        (self.den > 0).then(|| (self.num * 2000 + self.den) / (2 * self.den))
    }

    /// "98.5%", or "–" when nothing was due.
    pub fn percent(&self) -> String {
        match self.per_mille() {
            Some(p) => per_mille_text(p),
            None => "–".into(),
        }
    }

    pub fn add(&mut self, counted: bool) {
        self.den += 1;
        self.num += counted as i64;
    }
}

/// 985 → "98.5%".
pub fn per_mille_text(p: i64) -> String {
    format!("{}.{}%", p / 10, (p % 10).abs())
}

/// Which side of the target is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aim {
    /// At least this many per mille (follow-up 100 %, CSI ≥ 93 %).
    AtLeast(i64),
    /// More than this (satisfaction > 98 %).
    Above(i64),
    /// Less than this (comebacks < 2 %).
    Below(i64),
}

impl Aim {
    pub fn met(self, per_mille: i64) -> bool {
        match self {
            Aim::AtLeast(t) => per_mille >= t,
            Aim::Above(t) => per_mille > t,
            Aim::Below(t) => per_mille < t,
        }
    }

    pub fn per_mille(self) -> i64 {
        match self {
            Aim::AtLeast(t) | Aim::Above(t) | Aim::Below(t) => t,
        }
    }

    /// "≥ 93.0%", "> 98.0%", "< 2.0%".
    pub fn text(self) -> String {
        let sign = match self {
            Aim::AtLeast(_) => "≥",
            Aim::Above(_) => ">",
            Aim::Below(_) => "<",
        };
        format!("{sign} {}", per_mille_text(self.per_mille()))
    }
}

/// The targets a shop is held to. The seeds' values are the defaults;
/// where the seeds give none (on time, first maintenance, show rate,
/// recapture) the default is the trade's usual aim, and a shop sets its own
/// (`report_target_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub follow_up: Aim,
    pub follow_up_warranty: Aim,
    pub satisfaction: Aim,
    pub csi: Aim,
    pub comeback: Aim,
    /// A car back within this many days for the same category or op code
    /// is a comeback.
    pub comeback_days: i64,
    pub on_time: Aim,
    pub first_maintenance: Aim,
    pub show_rate: Aim,
    pub recapture: Aim,
    /// Declined work done within this many days counts as recaptured.
    pub recapture_days: i64,
    /// Cars in and out: 20 a day, 650 a month.
    pub cars_per_day: i64,
    pub cars_per_month: i64,
    /// Average tickets: 800 for maintenance, 1,800 for insurance work.
    pub ticket_maintenance: Money,
    pub ticket_insurance: Money,
    /// Labour hours sold per RO, in thousandths of an hour.
    pub hours_per_ro_milli: i64,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            follow_up: Aim::AtLeast(1000),
            follow_up_warranty: Aim::AtLeast(1000),
            satisfaction: Aim::Above(980),
            csi: Aim::AtLeast(930),
            comeback: Aim::Below(20),
            comeback_days: 30,
            on_time: Aim::AtLeast(950),
            first_maintenance: Aim::AtLeast(800),
            show_rate: Aim::AtLeast(900),
            recapture: Aim::AtLeast(300),
            recapture_days: 180,
            cars_per_day: 20,
            cars_per_month: 650,
            ticket_maintenance: Money(80_000),
            ticket_insurance: Money(180_000),
            hours_per_ro_milli: 1_500,
        }
    }
}

impl Targets {
    /// Reads one `report_target_<name>` setting; a value that does not
    /// parse keeps the default. Rates are per mille (`980` = 98 %).
    pub fn set(&mut self, name: &str, value: &str) {
        let Ok(n) = value.trim().parse::<i64>() else {
            return;
        };
        let keep = |a: Aim| match a {
            Aim::AtLeast(_) => Aim::AtLeast(n),
            Aim::Above(_) => Aim::Above(n),
            Aim::Below(_) => Aim::Below(n),
        };
        match name {
            "follow_up" => self.follow_up = keep(self.follow_up),
            "follow_up_warranty" => self.follow_up_warranty = keep(self.follow_up_warranty),
            "satisfaction" => self.satisfaction = keep(self.satisfaction),
            "csi" => self.csi = keep(self.csi),
            "comeback" => self.comeback = keep(self.comeback),
            "comeback_days" => self.comeback_days = n.max(1),
            "on_time" => self.on_time = keep(self.on_time),
            "first_maintenance" => self.first_maintenance = keep(self.first_maintenance),
            "show_rate" => self.show_rate = keep(self.show_rate),
            "recapture" => self.recapture = keep(self.recapture),
            "recapture_days" => self.recapture_days = n.max(1),
            "cars_per_day" => self.cars_per_day = n,
            "cars_per_month" => self.cars_per_month = n,
            "ticket_maintenance_minor" => self.ticket_maintenance = Money(n),
            "ticket_insurance_minor" => self.ticket_insurance = Money(n),
            "hours_per_ro_milli" => self.hours_per_ro_milli = n,
            _ => {}
        }
    }
}

/// A repair order that left in the period, as the delivery KPIs see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub ro_id: i64,
    /// Warranty work: the warranty category, or any line warranty pays.
    pub warranty: bool,
    pub delivered_at: DateTime<Utc>,
    pub promised_at: Option<DateTime<Utc>>,
    pub ready_at: Option<DateTime<Utc>>,
    /// Its three-day call was made (the callback is done).
    pub called: bool,
}

/// The first call's window closes a week after the car leaves (step 14).
pub const FOLLOW_UP_DAYS: i64 = 7;

impl Delivered {
    /// The call is owed: it was made, or its week is over.
    pub fn call_due(&self, as_of: DateTime<Utc>) -> bool {
        self.called || self.delivered_at + Duration::days(FOLLOW_UP_DAYS) <= as_of
    }

    /// Finished by the promise: ready for pickup (or, with no ready time
    /// on file, handed over) no later than the promised time.
    pub fn on_time(&self) -> Option<bool> {
        let promised = self.promised_at?;
        Some(self.ready_at.unwrap_or(self.delivered_at) <= promised)
    }
}

/// Follow-up rate = cars called ÷ cars whose call is due (called, or out
/// for a week by `as_of`); with `warranty_only`, warranty cars alone.
pub fn follow_up(cars: &[Delivered], as_of: DateTime<Utc>, warranty_only: bool) -> Ratio {
    let mut r = Ratio::default();
    for d in cars.iter().filter(|d| !warranty_only || d.warranty) {
        if d.call_due(as_of) {
            r.add(d.called);
        }
    }
    r
}

/// On-time delivery = cars ready by the promised time ÷ cars with a promise.
pub fn on_time(cars: &[Delivered]) -> Ratio {
    let mut r = Ratio::default();
    for ok in cars.iter().filter_map(Delivered::on_time) {
        r.add(ok);
    }
    r
}

/// Satisfaction = calls scored 4 or 5 (of 5) ÷ calls with a score.
pub fn satisfaction(scores: &[i64]) -> Ratio {
    let mut r = Ratio::default();
    for s in scores {
        r.add(*s >= 4);
    }
    r
}

/// CSI = the sum of scores ÷ (5 × calls with a score): the mean score as
/// a share of the best.
pub fn csi(scores: &[i64]) -> Ratio {
    Ratio::new(scores.iter().sum(), 5 * scores.len() as i64)
}

/// A car's visit, as the comeback and recapture rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub ro_id: i64,
    pub vehicle_id: i64,
    pub checked_in_at: DateTime<Utc>,
    pub category: Category,
    /// The labour op codes on the RO (active lines).
    pub op_codes: Vec<String>,
}

impl Visit {
    fn same_job(&self, before: &Visit) -> bool {
        self.category == before.category
            || self.op_codes.iter().any(|c| before.op_codes.contains(c))
    }
}

/// The visits in the period that are comebacks: the same car was checked in
/// before, within `days`, for the same category or a shared op code.
/// `visits` holds the period's visits and those of the `days` before it, in
/// any order.
pub fn comebacks(visits: &[Visit], start: DateTime<Utc>, days: i64) -> Vec<i64> {
    let mut sorted: Vec<&Visit> = visits.iter().collect();
    sorted.sort_by_key(|v| (v.vehicle_id, v.checked_in_at, v.ro_id));
    let window = Duration::days(days);
    let mut out = Vec::new();
    for (i, v) in sorted.iter().enumerate() {
        if v.checked_in_at < start {
            continue;
        }
        let back = sorted[..i].iter().rev().take_while(|p| {
            p.vehicle_id == v.vehicle_id && v.checked_in_at - p.checked_in_at <= window
        });
        if back.into_iter().any(|p| v.same_job(p)) {
            out.push(v.ro_id);
        }
    }
    out
}

/// Comeback rate = comebacks ÷ cars checked in during the period.
pub fn comeback_rate(visits: &[Visit], start: DateTime<Utc>, days: i64) -> Ratio {
    let checked_in = visits.iter().filter(|v| v.checked_in_at >= start).count();
    Ratio::new(
        comebacks(visits, start, days).len() as i64,
        checked_in as i64,
    )
}

/// A car bought new: its first maintenance is due within three months
/// (首保, step 17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCar {
    pub vehicle_id: i64,
    pub purchased_on: NaiveDate,
    /// Its first maintenance visit, if it came.
    pub first_maintenance_on: Option<NaiveDate>,
}

pub const FIRST_MAINTENANCE_MONTHS: u32 = 3;

impl NewCar {
    pub fn due_by(&self) -> NaiveDate {
        self.purchased_on + Months::new(FIRST_MAINTENANCE_MONTHS)
    }

    pub fn returned(&self) -> bool {
        self.first_maintenance_on
            .is_some_and(|d| d >= self.purchased_on && d <= self.due_by())
    }
}

/// First-maintenance return = cars back for maintenance within three
/// months of purchase ÷ cars whose three months ended in the period.
pub fn first_maintenance_return(cars: &[NewCar], period: &Period) -> Ratio {
    let mut r = Ratio::default();
    for c in cars.iter().filter(|c| period.contains(c.due_by())) {
        r.add(c.returned());
    }
    r
}

/// Work the customer declined (step 7), and what the car had done later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclinedItem {
    pub ro_id: i64,
    pub vehicle_id: i64,
    pub declined_at: DateTime<Utc>,
    pub code: String,
    pub description: String,
}

/// A line done on a later visit of a car.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaterWork {
    pub vehicle_id: i64,
    pub at: DateTime<Utc>,
    pub code: String,
    pub description: String,
}

impl DeclinedItem {
    /// Done later within `days`: the same op code or part number, or (with
    /// no code) the same description.
    pub fn recaptured(&self, later: &[LaterWork], days: i64) -> bool {
        let until = self.declined_at + Duration::days(days);
        later.iter().any(|w| {
            w.vehicle_id == self.vehicle_id
                && w.at > self.declined_at
                && w.at <= until
                && if self.code.is_empty() {
                    w.description
                        .trim()
                        .eq_ignore_ascii_case(self.description.trim())
                } else {
                    w.code == self.code
                }
        })
    }
}

/// Declined-work recapture = declined items done later within the window
/// ÷ items declined on cars that left in the period.
pub fn recapture(declined: &[DeclinedItem], later: &[LaterWork], days: i64) -> Ratio {
    let mut r = Ratio::default();
    for d in declined {
        r.add(d.recaptured(later, days));
    }
    r
}

/// "369" (step 17): customers whose last visit is 3–6 months old (at risk),
/// 6–9 (nearly lost), or 9 or more (lost), as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LostCounts {
    pub at_risk: i64,
    pub nearly_lost: i64,
    pub lost: i64,
}

impl LostCounts {
    /// Counts one customer by their last visit.
    pub fn add(&mut self, last_visit: NaiveDate, as_of: NaiveDate) {
        let ago = |m| as_of - Months::new(m);
        if last_visit <= ago(9) {
            self.lost += 1;
        } else if last_visit <= ago(6) {
            self.nearly_lost += 1;
        } else if last_visit <= ago(3) {
            self.at_risk += 1;
        }
    }

    pub fn of(last_visits: &[NaiveDate], as_of: NaiveDate) -> LostCounts {
        let mut c = LostCounts::default();
        for d in last_visits {
            c.add(*d, as_of);
        }
        c
    }
}

/// A complaint, as the counts see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintFact {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    /// When it was resolved or closed.
    pub closed_at: Option<DateTime<Utc>>,
    pub reply_by: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ComplaintCounts {
    /// Received in the period.
    pub opened: i64,
    /// Resolved or closed in the period.
    pub closed: i64,
    /// Still open at `as_of` with their reply time passed.
    pub overdue: i64,
}

impl ComplaintFact {
    pub fn overdue(&self, as_of: DateTime<Utc>) -> bool {
        let open = self.closed_at.is_none_or(|c| c > as_of);
        open && self.received_at < as_of && self.reply_by.is_some_and(|r| r < as_of)
    }
}

/// Complaints opened and closed in [start, end), and overdue at `as_of`.
pub fn complaints(
    all: &[ComplaintFact],
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    as_of: DateTime<Utc>,
) -> ComplaintCounts {
    let within = |t: DateTime<Utc>| start <= t && t < end;
    ComplaintCounts {
        opened: all.iter().filter(|c| within(c.received_at)).count() as i64,
        closed: all
            .iter()
            .filter(|c| c.closed_at.is_some_and(within))
            .count() as i64,
        overdue: all.iter().filter(|c| c.overdue(as_of)).count() as i64,
    }
}

/// Cars per day = cars checked in ÷ days so far, in tenths (None before
/// the period starts).
pub fn cars_per_day_tenths(cars_in: i64, days: i64) -> Option<i64> {
    (days > 0).then(|| (cars_in * 20 + days) / (2 * days))
}

/// Hours per RO = labour hours sold ÷ ROs delivered, in thousandths of an
/// hour (None with no RO).
pub fn hours_per_ro(labour_milli_hours: i64, ros: i64) -> Option<i64> {
    (ros > 0).then(|| (labour_milli_hours * 2 + ros) / (2 * ros))
}

/// Effective labour rate = labour revenue ÷ labour hours sold (None with no
/// hours): below the posted rate when labour is discounted or given away.
pub fn effective_labour_rate(labour: Money, labour_milli_hours: i64) -> Option<Money> {
    (labour_milli_hours > 0).then(|| {
        Money(crate::domain::pricing::mul_div_round(
            labour.0,
            1000,
            labour_milli_hours,
        ))
    })
}
