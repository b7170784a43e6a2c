//! The span a report covers: a day, an ISO week (Monday to Sunday), a
//! calendar month, or any range of whole days, in the shop's local time.
//! Reports read rows in the half-open interval [start, end) of UTC
//! instants, so a car delivered at 23:59:59 local belongs to its own day
//! and one at 00:00:00 to the next.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, TimeZone, Utc};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Day,
    Week,
    Month,
    Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub span: Span,
    /// The first local day, included.
    pub first: NaiveDate,
    /// The last local day, included.
    pub last: NaiveDate,
}

/// Why a range is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    EndBeforeStart { first: NaiveDate, last: NaiveDate },
    BadDate(String),
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodError::EndBeforeStart { first, last } => write!(
                f,
                "the range ends ({last}) before it starts ({first}); give --from before --to"
            ),
            PeriodError::BadDate(s) => {
                write!(f, "'{s}' is not a date (write it as 2026-11-23)")
            }
        }
    }
}

impl std::error::Error for PeriodError {}

impl Period {
    pub fn day(d: NaiveDate) -> Period {
        Period {
            span: Span::Day,
            first: d,
            last: d,
        }
    }

    /// The ISO week (Monday to Sunday) that holds `d`.
    pub fn week(d: NaiveDate) -> Period {
        let monday = d - Duration::days(d.weekday().num_days_from_monday() as i64);
        Period {
            span: Span::Week,
            first: monday,
            last: monday + Duration::days(6),
        }
    }

    /// The calendar month that holds `d`.
    pub fn month(d: NaiveDate) -> Period {
        let first = d.with_day(1).unwrap_or(d);
        let last = (first + Months::new(1)) - Duration::days(1);
        Period {
            span: Span::Month,
            first,
            last,
        }
    }

    /// Any range of whole days, both ends included.
    pub fn range(first: NaiveDate, last: NaiveDate) -> Result<Period, PeriodError> {
        if last < first {
            return Err(PeriodError::EndBeforeStart { first, last });
        }
        Ok(Period {
            span: Span::Range,
            first,
            last,
        })
    }

    /// A date as typed: 2026-11-23.
    pub fn parse_date(s: &str) -> Result<NaiveDate, PeriodError> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| PeriodError::BadDate(s.trim().to_string()))
    }

    /// The same kind of period holding `d`.
    pub fn of_span(span: Span, d: NaiveDate) -> Period {
        match span {
            Span::Day | Span::Range => Period::day(d),
            Span::Week => Period::week(d),
            Span::Month => Period::month(d),
        }
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> {
        let first = self.first;
        (0..self.days()).map(move |i| first + Duration::days(i))
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first <= d && d <= self.last
    }

    /// [start, end) in UTC: local midnight of the first day to local
    /// midnight after the last.
    pub fn bounds(&self, offset: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            midnight(self.first, offset),
            midnight(self.last + Duration::days(1), offset),
        )
    }

    /// The period `steps` before (negative) or after this one, of the same
    /// kind; a range moves by its own length.
    pub fn shift(&self, steps: i32) -> Period {
        match self.span {
            Span::Day => Period::day(self.first + Duration::days(steps as i64)),
            Span::Week => Period::week(self.first + Duration::days(7 * steps as i64)),
            Span::Month => {
                let m = Months::new(steps.unsigned_abs());
                let d = if steps < 0 {
                    self.first - m
                } else {
                    self.first + m
                };
                Period::month(d)
            }
            Span::Range => {
                let n = Duration::days(self.days() * steps as i64);
                Period {
                    first: self.first + n,
                    last: self.last + n,
                    ..*self
                }
            }
        }
    }

    /// The `n` ISO weeks that end with the week holding `last`, oldest first.
    pub fn weeks_to(last: NaiveDate, n: usize) -> Vec<Period> {
        let end = Period::week(last);
        (0..n).rev().map(|i| end.shift(-(i as i32))).collect()
    }

    /// How the period is named on screen and on paper.
    pub fn label(&self) -> String {
        match self.span {
            Span::Day => self.first.format("%Y-%m-%d %a").to_string(),
            Span::Week => {
                let w = self.first.iso_week();
                format!(
                    "{}-W{:02} ({} … {})",
                    w.year(),
                    w.week(),
                    self.first.format("%m-%d"),
                    self.last.format("%m-%d")
                )
            }
            Span::Month => self.first.format("%Y-%m").to_string(),
            Span::Range => format!("{} … {}", self.first, self.last),
        }
    }
}

/// Local midnight of `day` as a UTC instant (a fixed offset has no gaps).
pub fn midnight(day: NaiveDate, offset: FixedOffset) -> DateTime<Utc> {
    let local = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// The shop's local date of an instant.
pub fn local_day(t: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    t.with_timezone(&offset).date_naive()
}
