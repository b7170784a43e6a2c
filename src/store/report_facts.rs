//! How a report is put together from the facts a store reads. The order of
//! reading, the domain rules applied and the drill-down lists live here
//! once; SQLite and PostgreSQL only answer the questions in
//! [`ReportFacts`], each with its own SQL.

use super::report::{DrillRow, ReportQuery, DRILL_ROWS};
use super::StoreResult;
use crate::domain::book::ShowRate;
use crate::domain::repair_order::{Approval, Category, Payer, RoLine};
use crate::domain::report::kpi::{
    self, ComplaintFact, DeclinedItem, Delivered, LaterWork, NewCar, Visit,
};
use crate::domain::report::period::local_day;
use crate::domain::report::{DeliveredRo, Drill, Kpis, LostCounts, Report, RoFigures, Statistics};
use crate::domain::{Money, Settings};
use chrono::{DateTime, Duration, Utc};

/// A delivered RO with its lines, as read.
#[derive(Debug, Clone, Default)]
pub struct RoFacts {
    pub id: i64,
    pub number: String,
    pub vehicle_id: i64,
    pub customer_id: i64,
    pub category: Category,
    pub advisor_id: Option<i64>,
    pub group_id: Option<i64>,
    pub delivered_at: DateTime<Utc>,
    pub promised_at: Option<DateTime<Utc>>,
    pub ready_at: Option<DateTime<Utc>>,
    pub discount_bp: i64,
    pub paid: Money,
    pub called: bool,
    /// The tax of the shop that delivered it: in a group report each shop's
    /// ROs are taxed at their own shop's rate.
    pub tax_rate_bp: i64,
    pub lines: Vec<RoLine>,
}

impl RoFacts {
    pub fn figures(&self) -> RoFigures {
        RoFigures::of(&self.lines, self.discount_bp, self.tax_rate_bp, self.paid)
    }

    pub fn delivered(&self) -> Delivered {
        Delivered {
            ro_id: self.id,
            warranty: self.category == Category::Warranty
                || self
                    .lines
                    .iter()
                    .any(|l| l.is_active() && l.payer == Payer::Warranty),
            delivered_at: self.delivered_at,
            promised_at: self.promised_at,
            ready_at: self.ready_at,
            called: self.called,
        }
    }

    pub fn declined(&self) -> impl Iterator<Item = DeclinedItem> + '_ {
        self.lines
            .iter()
            .filter(|l| l.approval == Approval::Declined)
            .map(|l| DeclinedItem {
                ro_id: self.id,
                vehicle_id: self.vehicle_id,
                declined_at: self.delivered_at,
                code: l.code.clone(),
                description: l.description.clone(),
            })
    }
}

pub type Bounds = (DateTime<Utc>, DateTime<Utc>);

/// The questions a report asks of a store. Each reads one range of one
/// time index and streams, so a month at a million ROs reads its own rows.
pub trait ReportFacts {
    /// The settings the targets come from (the working shop's).
    fn settings(&self) -> StoreResult<Settings>;
    fn count_delivered(&self, b: Bounds) -> StoreResult<u64>;
    /// Every RO delivered in the range, with its lines, in delivery order.
    fn delivered(&self, b: Bounds, each: &mut dyn FnMut(&RoFacts)) -> StoreResult<()>;
    /// The visits checked in during the range, one car at a time (op codes
    /// only for a car with more than one visit).
    fn visits(&self, b: Bounds, each_car: &mut dyn FnMut(&[Visit])) -> StoreResult<()>;
    /// The scores given on calls made in the range.
    fn scores(&self, b: Bounds) -> StoreResult<Vec<i64>>;
    /// Cars whose three months after purchase end near the period.
    fn new_cars(&self, q: &ReportQuery) -> StoreResult<Vec<NewCar>>;
    fn show(&self, b: Bounds) -> StoreResult<ShowRate>;
    fn later_work(&self, declined: &[DeclinedItem]) -> StoreResult<Vec<LaterWork>>;
    fn complaints(&self, b: Bounds) -> StoreResult<Vec<ComplaintFact>>;
    /// "369": every customer by their last visit before `end`.
    fn lost(&self, end: DateTime<Utc>, q: &ReportQuery) -> StoreResult<LostCounts>;

    // The drill-down lists' own reads.
    fn score_rows(&self, b: Bounds) -> StoreResult<Vec<DrillRow>>;
    fn no_show_rows(&self, b: Bounds) -> StoreResult<Vec<DrillRow>>;
    /// A complaint's customer and RO.
    fn complaint_link(&self, id: i64) -> StoreResult<(i64, Option<i64>)>;
    fn plate(&self, vehicle_id: i64) -> StoreResult<String>;
    fn owner_of(&self, vehicle_id: i64) -> StoreResult<Option<i64>>;
    /// RO number, plate and customer name for each row.
    fn fill_names(&self, rows: &mut [DrillRow]) -> StoreResult<()>;
}

/// The delivery KPIs and the statistics of one delivered RO.
fn count_ro(ro: &RoFacts, q: &ReportQuery, stats: &mut Statistics, k: &mut Kpis) {
    stats.delivered(&DeliveredRo {
        category: ro.category,
        advisor_id: ro.advisor_id,
        group_id: ro.group_id,
        delivered_on: local_day(ro.delivered_at, q.offset),
        figures: ro.figures(),
    });
    k.add_delivered(&ro.delivered(), q.as_of());
}

/// The whole report; `with_lost` reads every customer's last visit, which
/// a trend does not need.
pub fn assemble(
    f: &dyn ReportFacts,
    q: &ReportQuery,
    with_lost: bool,
    progress: &mut dyn FnMut(u64, u64),
) -> StoreResult<Report> {
    let bounds = q.bounds();
    let settings = f.settings()?;
    let days = settings.report_targets.comeback_days;
    let total = f.count_delivered(bounds)?;
    let mut stats = Statistics::empty(q.period.dates());
    let mut kpis = Kpis::default();
    let mut declined = Vec::new();
    let mut done = 0u64;
    f.delivered(bounds, &mut |ro| {
        count_ro(ro, q, &mut stats, &mut kpis);
        declined.extend(ro.declined());
        done += 1;
        if done.is_multiple_of(4096) {
            progress(done, total);
        }
    })?;
    progress(done, total);
    f.visits((bounds.0 - Duration::days(days), bounds.1), &mut |car| {
        for v in car.iter().filter(|v| v.checked_in_at >= bounds.0) {
            stats.car_in(local_day(v.checked_in_at, q.offset));
        }
        kpis.add_visits(car, bounds.0, days);
    })?;
    let scores = f.scores(bounds)?;
    kpis.satisfaction = kpi::satisfaction(&scores);
    kpis.csi = kpi::csi(&scores);
    kpis.first_maintenance = kpi::first_maintenance_return(&f.new_cars(q)?, &q.period);
    kpis.show = f.show(bounds)?;
    let later = f.later_work(&declined)?;
    kpis.recapture = kpi::recapture(&declined, &later, settings.report_targets.recapture_days);
    kpis.complaints = kpi::complaints(&f.complaints(bounds)?, bounds, q.as_of());
    if with_lost {
        kpis.lost = f.lost(bounds.1, q)?;
    }
    Ok(Report {
        period: q.period,
        as_of: q.as_of(),
        days_so_far: q.days_so_far(),
        stats,
        kpis,
    })
}

/// The rows behind `drill` in the period, at most [`DRILL_ROWS`]. Each list
/// re-reads the facts of the figure it explains, through the same rules,
/// so the list and the count never disagree.
pub fn drill(f: &dyn ReportFacts, q: &ReportQuery, drill: Drill) -> StoreResult<Vec<DrillRow>> {
    let mut rows = match drill {
        Drill::CarsIn | Drill::Comebacks => checked_in(f, q, drill == Drill::Comebacks)?,
        Drill::Scores => f.score_rows(q.bounds())?,
        Drill::NoFirstMaintenance => no_first_maintenance(f, q)?,
        Drill::NoShows => f.no_show_rows(q.bounds())?,
        Drill::Complaints => complaints(f, q)?,
        _ => from_delivered(f, q, drill)?,
    };
    rows.truncate(DRILL_ROWS);
    f.fill_names(&mut rows)?;
    Ok(rows)
}

/// Whether a delivered RO is behind `drill`, and the amount to show.
fn behind(
    drill: Drill,
    ro: &RoFacts,
    f: &RoFigures,
    as_of: DateTime<Utc>,
) -> Option<(String, Money)> {
    let cat = ro.category.code().to_string();
    let d = ro.delivered();
    let hit = match drill {
        Drill::CarsOut => true,
        Drill::Category(c) => ro.category == c,
        Drill::Payer(p) => f.paid_by(p),
        Drill::Advisor(a) => ro.advisor_id == a,
        Drill::Group(g) => ro.group_id == g,
        Drill::Arrears => return (f.arrears.0 > 0).then_some((cat, f.arrears)),
        Drill::NotCalled { warranty } => {
            (!warranty || d.warranty) && d.call_due(as_of) && !d.called
        }
        Drill::Late => d.on_time() == Some(false),
        Drill::Declined => {
            let n = ro.declined().count();
            return (n > 0).then(|| (format!("{n} declined"), f.total));
        }
        _ => false,
    };
    hit.then_some((cat, f.total))
}

fn from_delivered(
    f: &dyn ReportFacts,
    q: &ReportQuery,
    drill: Drill,
) -> StoreResult<Vec<DrillRow>> {
    let as_of = q.as_of();
    let mut out = Vec::new();
    f.delivered(q.bounds(), &mut |ro| {
        if out.len() >= DRILL_ROWS {
            return;
        }
        let figures = ro.figures();
        if let Some((what, amount)) = behind(drill, ro, &figures, as_of) {
            out.push(DrillRow {
                ro_id: Some(ro.id),
                customer_id: Some(ro.customer_id),
                at: Some(ro.delivered_at),
                number: ro.number.clone(),
                what,
                amount: Some(amount),
                ..DrillRow::default()
            });
        }
    })?;
    Ok(out)
}

fn checked_in(
    f: &dyn ReportFacts,
    q: &ReportQuery,
    comebacks_only: bool,
) -> StoreResult<Vec<DrillRow>> {
    let days = f.settings()?.report_targets.comeback_days;
    let (start, end) = q.bounds();
    let mut out = Vec::new();
    f.visits(
        (start - Duration::days(days), end),
        &mut |car: &[Visit]| {
            let back = kpi::comebacks(car, start, days);
            for v in car.iter().filter(|v| v.checked_in_at >= start) {
                let is_back = back.contains(&v.ro_id);
                if out.len() < DRILL_ROWS && (is_back || !comebacks_only) {
                    out.push(DrillRow {
                        ro_id: Some(v.ro_id),
                        at: Some(v.checked_in_at),
                        what: v.category.code().to_string() + if is_back { " ↺" } else { "" },
                        ..DrillRow::default()
                    });
                }
            }
        },
    )?;
    out.sort_by_key(|r| r.at);
    Ok(out)
}

fn no_first_maintenance(f: &dyn ReportFacts, q: &ReportQuery) -> StoreResult<Vec<DrillRow>> {
    let mut out = Vec::new();
    for car in f.new_cars(q)? {
        if !q.period.contains(car.due_by()) || car.returned() {
            continue;
        }
        out.push(DrillRow {
            customer_id: f.owner_of(car.vehicle_id)?,
            plate: f.plate(car.vehicle_id)?,
            what: format!("bought {} · due {}", car.purchased_on, car.due_by()),
            ..DrillRow::default()
        });
    }
    Ok(out)
}

/// Complaints opened in the period, and those overdue at its end.
fn complaints(f: &dyn ReportFacts, q: &ReportQuery) -> StoreResult<Vec<DrillRow>> {
    let (start, end) = q.bounds();
    let as_of = q.as_of();
    let mut out = Vec::new();
    for c in f.complaints((start, end))? {
        let overdue = c.overdue(as_of);
        if !(overdue || (start <= c.received_at && c.received_at < end)) {
            continue;
        }
        let (customer, ro) = f.complaint_link(c.id)?;
        out.push(DrillRow {
            ro_id: ro,
            customer_id: Some(customer),
            at: Some(c.received_at),
            number: format!("C-{}", c.id),
            what: if overdue {
                "overdue".into()
            } else if c.closed_at.is_some() {
                "closed".into()
            } else {
                "open".into()
            },
            ..DrillRow::default()
        });
    }
    Ok(out)
}
