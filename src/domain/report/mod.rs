//! Reports (step 18) and the department's KPIs: what the daily, weekly and
//! monthly reports hold, and how each figure is worked out. The store
//! gathers the facts; everything here is arithmetic on them.

pub mod kpi;
pub mod period;
pub mod stats;

pub use kpi::{Aim, LostCounts, Ratio, Targets};
pub use period::{Period, PeriodError, Span};
pub use stats::{DeliveredRo, RoFigures, Statistics, Sums};

use crate::domain::book::ShowRate;
use crate::domain::money::Money;
use crate::domain::repair_order::{Category, Payer};
use chrono::{DateTime, Utc};
use kpi::ComplaintCounts;

/// The rates a period earns; everything a KPI row needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kpis {
    pub follow_up: Ratio,
    pub follow_up_warranty: Ratio,
    pub satisfaction: Ratio,
    pub csi: Ratio,
    pub comeback: Ratio,
    pub on_time: Ratio,
    pub first_maintenance: Ratio,
    pub show: ShowRate,
    pub recapture: Ratio,
    pub lost: LostCounts,
    pub complaints: ComplaintCounts,
}

impl Kpis {
    /// Counts a delivered car towards follow-up and on-time delivery, by
    /// the same rules as [`kpi::follow_up`] and [`kpi::on_time`].
    pub fn add_delivered(&mut self, d: &kpi::Delivered, as_of: DateTime<Utc>) {
        if d.call_due(as_of) {
            self.follow_up.add(d.called);
            if d.warranty {
                self.follow_up_warranty.add(d.called);
            }
        }
        if let Some(ok) = d.on_time() {
            self.on_time.add(ok);
        }
    }

    /// Counts one car's visits towards the comeback rate ([`kpi::comeback_rate`]).
    pub fn add_visits(&mut self, car: &[kpi::Visit], start: DateTime<Utc>, days: i64) {
        let r = kpi::comeback_rate(car, start, days);
        self.comeback.num += r.num;
        self.comeback.den += r.den;
    }

    pub fn show_rate(&self) -> Ratio {
        Ratio::new(self.show.arrived, self.show.arrived + self.show.no_show)
    }

    /// The rate of a KPI that is a rate.
    pub fn ratio(&self, k: Kpi) -> Option<Ratio> {
        k.rate().map(|(of, _)| of(self))
    }
}

/// Every KPI the report shows, in the order it shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kpi {
    FollowUp,
    FollowUpWarranty,
    Satisfaction,
    Csi,
    Comeback,
    OnTime,
    FirstMaintenance,
    ShowRate,
    Recapture,
    CarsPerDay,
    TicketMaintenance,
    TicketInsurance,
    HoursPerRo,
    LabourRate,
    Lost,
    Complaints,
}

impl Kpi {
    pub const ALL: [Kpi; 16] = [
        Kpi::FollowUp,
        Kpi::FollowUpWarranty,
        Kpi::Satisfaction,
        Kpi::Csi,
        Kpi::Comeback,
        Kpi::OnTime,
        Kpi::FirstMaintenance,
        Kpi::ShowRate,
        Kpi::Recapture,
        Kpi::CarsPerDay,
        Kpi::TicketMaintenance,
        Kpi::TicketInsurance,
        Kpi::HoursPerRo,
        Kpi::LabourRate,
        Kpi::Lost,
        Kpi::Complaints,
    ];

    /// The rates, which have a 12-week trend: the first nine.
    pub const RATES: &'static [Kpi] = Kpi::ALL.split_at(9).0;

    /// The key of its name and formula in the text catalogues
    /// (`kpi.<key>`, `kpi.<key>.formula`) and its column in CSV.
    pub fn key(self) -> &'static str {
        match self {
            Kpi::FollowUp => "follow_up",
            Kpi::FollowUpWarranty => "follow_up_warranty",
            Kpi::Satisfaction => "satisfaction",
            Kpi::Csi => "csi",
            Kpi::Comeback => "comeback",
            Kpi::OnTime => "on_time",
            Kpi::FirstMaintenance => "first_maintenance",
            Kpi::ShowRate => "show_rate",
            Kpi::Recapture => "recapture",
            Kpi::CarsPerDay => "cars_per_day",
            Kpi::TicketMaintenance => "ticket_maintenance",
            Kpi::TicketInsurance => "ticket_insurance",
            Kpi::HoursPerRo => "hours_per_ro",
            Kpi::LabourRate => "labour_rate",
            Kpi::Lost => "lost",
            Kpi::Complaints => "complaints",
        }
    }

    /// The target of a rate.
    pub fn aim(self, t: &Targets) -> Option<Aim> {
        self.rate().map(|(_, aim)| aim(t))
    }

    /// A rate's figure and its target, in one place for every rate.
    #[allow(clippy::type_complexity)]
    fn rate(self) -> Option<(fn(&Kpis) -> Ratio, fn(&Targets) -> Aim)> {
        Some(match self {
            Kpi::FollowUp => (|k| k.follow_up, |t| t.follow_up),
            Kpi::FollowUpWarranty => (|k| k.follow_up_warranty, |t| t.follow_up_warranty),
            Kpi::Satisfaction => (|k| k.satisfaction, |t| t.satisfaction),
            Kpi::Csi => (|k| k.csi, |t| t.csi),
            Kpi::Comeback => (|k| k.comeback, |t| t.comeback),
            Kpi::OnTime => (|k| k.on_time, |t| t.on_time),
            Kpi::FirstMaintenance => (|k| k.first_maintenance, |t| t.first_maintenance),
            Kpi::ShowRate => (|k| k.show_rate(), |t| t.show_rate),
            Kpi::Recapture => (|k| k.recapture, |t| t.recapture),
            _ => return None,
        })
    }
}

/// A KPI as a report shows it: its value and target in words, and whether
/// the target is met (None: nothing to judge, or no target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiRow {
    pub kpi: Kpi,
    pub value: String,
    pub target: String,
    pub met: Option<bool>,
}

/// A whole report: the statistics and the KPIs of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub period: Period,
    /// The instant the report speaks for: the period's end, or now if the
    /// period is not over.
    pub as_of: DateTime<Utc>,
    /// Days of the period up to `as_of`: what "per day" divides by.
    pub days_so_far: i64,
    pub stats: Statistics,
    pub kpis: Kpis,
}

impl Report {
    /// The KPI rows against `targets`; money in `symbol`.
    pub fn kpi_rows(&self, targets: &Targets, labour_rate: Money, symbol: &str) -> Vec<KpiRow> {
        Kpi::ALL
            .iter()
            .map(|k| self.kpi_row(*k, targets, labour_rate, symbol))
            .collect()
    }

    fn kpi_row(&self, kpi: Kpi, t: &Targets, labour_rate: Money, sym: &str) -> KpiRow {
        let row = |value: String, target: String, met: Option<bool>| KpiRow {
            kpi,
            value,
            target,
            met,
        };
        if let (Some(r), Some(aim)) = (self.kpis.ratio(kpi), kpi.aim(t)) {
            let value = format!("{} ({}/{})", r.percent(), r.num, r.den);
            return row(value, aim.text(), r.per_mille().map(|p| aim.met(p)));
        }
        let s = &self.stats;
        let money = |m: Option<Money>| m.map_or("–".into(), |m| m.format(sym));
        let ticket = |c: Category, aim: Money| {
            let avg = s.by_category.get(&c).and_then(|x| x.average_ticket());
            row(
                money(avg),
                format!("≥ {}", aim.format(sym)),
                avg.map(|a| a >= aim),
            )
        };
        match kpi {
            Kpi::CarsPerDay => {
                let days = self.days_so_far;
                let tenths = kpi::cars_per_day_tenths(s.cars_in, days);
                row(
                    tenths.map_or("–".into(), |d| {
                        format!("{}.{} ({} / {days} d)", d / 10, d % 10, s.cars_in)
                    }),
                    format!("≥ {}", t.cars_per_day),
                    tenths.map(|d| d >= t.cars_per_day * 10),
                )
            }
            Kpi::TicketMaintenance => ticket(Category::Maintenance, t.ticket_maintenance),
            Kpi::TicketInsurance => ticket(Category::AccidentInsurance, t.ticket_insurance),
            Kpi::HoursPerRo => {
                let h = kpi::hours_per_ro(s.all.labour_milli_hours, s.all.ros);
                row(
                    h.map_or("–".into(), hours_text),
                    format!("≥ {}", hours_text(t.hours_per_ro_milli)),
                    h.map(|h| h >= t.hours_per_ro_milli),
                )
            }
            Kpi::LabourRate => {
                let r = kpi::effective_labour_rate(s.all.labour, s.all.labour_milli_hours);
                row(
                    money(r),
                    format!("= {}", labour_rate.format(sym)),
                    r.map(|r| r >= labour_rate),
                )
            }
            Kpi::Lost => {
                let l = self.kpis.lost;
                row(
                    format!("{} / {} / {}", l.at_risk, l.nearly_lost, l.lost),
                    "3 / 6 / 9 m".into(),
                    None,
                )
            }
            Kpi::Complaints => {
                let c = self.kpis.complaints;
                row(
                    format!("{} / {} / {}", c.opened, c.closed, c.overdue),
                    "overdue = 0".into(),
                    Some(c.overdue == 0),
                )
            }
            _ => row("–".into(), String::new(), None),
        }
    }
}

/// 1500 thousandths → "1.50 h".
pub fn hours_text(milli: i64) -> String {
    format!("{}.{:02} h", milli / 1000, (milli % 1000) / 10)
}

/// What a figure's Enter lists: the ROs or calls behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drill {
    CarsIn,
    CarsOut,
    Category(Category),
    Payer(Payer),
    Advisor(Option<i64>),
    Group(Option<i64>),
    Arrears,
    /// Cars whose call was due and not made (warranty cars only, or all).
    NotCalled {
        warranty: bool,
    },
    /// Calls with a score, lowest first.
    Scores,
    Comebacks,
    Late,
    NoFirstMaintenance,
    NoShows,
    Declined,
    Complaints,
}

impl Drill {
    /// The list behind a KPI.
    pub fn of_kpi(k: Kpi) -> Option<Drill> {
        Some(match k {
            Kpi::FollowUp => Drill::NotCalled { warranty: false },
            Kpi::FollowUpWarranty => Drill::NotCalled { warranty: true },
            Kpi::Satisfaction | Kpi::Csi => Drill::Scores,
            Kpi::Comeback => Drill::Comebacks,
            Kpi::OnTime => Drill::Late,
            Kpi::FirstMaintenance => Drill::NoFirstMaintenance,
            Kpi::ShowRate => Drill::NoShows,
            Kpi::Recapture => Drill::Declined,
            Kpi::CarsPerDay => Drill::CarsIn,
            Kpi::TicketMaintenance => Drill::Category(Category::Maintenance),
            Kpi::TicketInsurance => Drill::Category(Category::AccidentInsurance),
            Kpi::HoursPerRo | Kpi::LabourRate => Drill::CarsOut,
            Kpi::Complaints => Drill::Complaints,
            Kpi::Lost => return None,
        })
    }
}
