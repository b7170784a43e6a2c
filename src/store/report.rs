//! The reports' part of the store interface (F8, `frontdesk report`).

use super::StoreResult;
use crate::domain::report::{Drill, Kpis, Period, Report};
use crate::domain::Money;
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::BTreeMap;

/// What a report is asked for: a period in the shop's local time, as of now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportQuery {
    pub period: Period,
    /// The shop's offset from UTC, which places midnight.
    pub offset: FixedOffset,
    pub now: DateTime<Utc>,
    /// Every shop of the group this person may see, rather than the one
    /// they work in. A shop file is a one-shop group, so SQLite ignores it.
    pub group: bool,
}

impl ReportQuery {
    /// The half-open UTC interval of the period.
    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        self.period.bounds(self.offset)
    }

    /// The instant the report speaks for: the period's end, or now.
    pub fn as_of(&self) -> DateTime<Utc> {
        self.bounds().1.min(self.now)
    }

    /// Days of the period up to `as_of` (all of them once it is over).
    pub fn days_so_far(&self) -> i64 {
        let (start, _) = self.bounds();
        let as_of = self.as_of();
        if as_of <= start {
            return 0;
        }
        let last = (as_of - chrono::Duration::seconds(1))
            .with_timezone(&self.offset)
            .date_naive();
        (last - self.period.first).num_days() + 1
    }

    /// The period's last day, or today if it is not over: where a trend ends.
    pub fn last_day_so_far(&self) -> chrono::NaiveDate {
        self.period
            .last
            .min(self.now.with_timezone(&self.offset).date_naive())
    }

    /// The same question for another period.
    pub fn with(&self, period: Period) -> ReportQuery {
        ReportQuery { period, ..*self }
    }
}

/// One RO, call, appointment or complaint behind a figure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrillRow {
    /// Enter opens this RO…
    pub ro_id: Option<i64>,
    /// …or, with no RO, this customer's file.
    pub customer_id: Option<i64>,
    pub at: Option<DateTime<Utc>>,
    /// The RO number, or what the row is (a call, a complaint).
    pub number: String,
    pub plate: String,
    pub customer: String,
    /// Why the row is here: the category, the score, the status.
    pub what: String,
    pub amount: Option<Money>,
}

/// What is still open at the close of the day (004 §(二)17).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StillOpen {
    /// Cars in the shop, not yet delivered.
    pub cars: Vec<DrillRow>,
    /// Calls due by the end of the day and not made, and how many in all.
    pub calls: Vec<DrillRow>,
    pub calls_total: i64,
    /// Complaints past their reply time.
    pub complaints: Vec<DrillRow>,
}

/// Names for the ids a report is keyed by.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportNames {
    pub advisors: BTreeMap<i64, String>,
    pub groups: BTreeMap<i64, String>,
}

impl ReportNames {
    pub fn advisor(&self, id: Option<i64>) -> String {
        id.and_then(|i| self.advisors.get(&i).cloned())
            .unwrap_or_else(|| "–".into())
    }

    pub fn group(&self, id: Option<i64>) -> String {
        id.and_then(|i| self.groups.get(&i).cloned())
            .unwrap_or_else(|| "–".into())
    }
}

/// The most rows a drill-down lists.
pub const DRILL_ROWS: usize = 2000;

pub trait ReportStore {
    /// The statistics and KPIs of a period. `progress(done, total)` counts
    /// the ROs read, for a long range.
    fn report(&self, q: &ReportQuery, progress: &mut dyn FnMut(u64, u64)) -> StoreResult<Report>;

    /// The rates alone (no lost-customer count), for a trend.
    fn rates(&self, q: &ReportQuery) -> StoreResult<Kpis>;

    /// The ROs, calls or complaints behind a figure (at most [`DRILL_ROWS`]).
    fn drill(&self, q: &ReportQuery, drill: Drill) -> StoreResult<Vec<DrillRow>>;

    /// What is still open at `now`: cars, calls due by the end of the
    /// day that holds `now`, and complaints past their reply time.
    fn still_open(&self, q: &ReportQuery) -> StoreResult<StillOpen>;

    fn report_names(&self) -> StoreResult<ReportNames>;
}
