//! The statistics report (004 §(二)17; step 18): cars in and out, ROs by
//! repair category and payer, labour hours, revenue, arrears, average
//! ticket, per advisor and per work group. Money follows the RO's own
//! rules ([`crate::domain::pricing::totals`]), so a report adds up to the
//! settlements it covers.

use crate::domain::money::Money;
use crate::domain::pricing::{line_amount, totals};
use crate::domain::repair_order::{Category, LineKind, Payer, RoLine};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One delivered RO's money, worked out from its lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoFigures {
    pub labour_milli_hours: i64,
    pub labour: Money,
    pub parts: Money,
    pub fees: Money,
    pub discount: Money,
    pub tax: Money,
    /// Billed to every payer: after discount, with tax.
    pub total: Money,
    /// Each payer's share, after discount, with tax (Payer order).
    pub by_payer: [Money; 3],
    /// The customer's share still unpaid.
    pub arrears: Money,
}

fn payer_index(p: Payer) -> usize {
    Payer::ALL.iter().position(|x| *x == p).unwrap_or(0)
}

impl RoFigures {
    /// The figures of an RO's active lines (original and approved).
    pub fn of(lines: &[RoLine], discount_bp: i64, tax_rate_bp: i64, paid: Money) -> RoFigures {
        let t = totals(lines, discount_bp, tax_rate_bp);
        let mut f = RoFigures {
            discount: t.discount,
            tax: t.tax,
            total: t.total,
            ..RoFigures::default()
        };
        for l in lines.iter().filter(|l| l.is_active()) {
            let amount = line_amount(l);
            match l.kind {
                LineKind::Labour => {
                    f.labour.0 += amount.0;
                    f.labour_milli_hours += l.quantity_milli;
                }
                LineKind::Part => f.parts.0 += amount.0,
                LineKind::Fee => f.fees.0 += amount.0,
            }
        }
        for p in &t.by_payer {
            f.by_payer[payer_index(p.payer)] = p.total;
        }
        f.arrears = Money((t.customer_due().0 - paid.0).max(0));
        f
    }

    /// Whether a payer pays any of this RO.
    pub fn paid_by(&self, p: Payer) -> bool {
        self.by_payer[payer_index(p)].0 > 0
    }
}

/// Sums over a set of delivered ROs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sums {
    pub ros: i64,
    pub labour_milli_hours: i64,
    pub labour: Money,
    pub parts: Money,
    pub fees: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub arrears: Money,
}

impl Sums {
    pub fn add(&mut self, f: &RoFigures) {
        self.ros += 1;
        self.labour_milli_hours += f.labour_milli_hours;
        self.labour.0 += f.labour.0;
        self.parts.0 += f.parts.0;
        self.fees.0 += f.fees.0;
        self.discount.0 += f.discount.0;
        self.tax.0 += f.tax.0;
        self.total.0 += f.total.0;
        self.arrears.0 += f.arrears.0;
    }

    /// Average ticket = billed total ÷ ROs (None with no RO).
    pub fn average_ticket(&self) -> Option<Money> {
        (self.ros > 0).then(|| {
            Money(crate::domain::pricing::mul_div_round(
                self.total.0,
                1,
                self.ros,
            ))
        })
    }

    /// Labour + parts + fees, before discount and tax.
    pub fn revenue(&self) -> Money {
        Money(self.labour.0 + self.parts.0 + self.fees.0)
    }
}

/// Cars in and out on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayCount {
    pub cars_in: i64,
    pub cars_out: i64,
}

/// The statistics of a period. ROs count by delivery (the day the money is
/// settled); cars in count by check-in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statistics {
    pub cars_in: i64,
    pub cars_out: i64,
    pub all: Sums,
    pub by_category: BTreeMap<Category, Sums>,
    /// Per payer: ROs it pays part of, and its share of the money.
    pub by_payer: BTreeMap<Payer, (i64, Money)>,
    /// Keyed by user id; None is "no advisor on the RO".
    pub by_advisor: BTreeMap<Option<i64>, Sums>,
    pub by_group: BTreeMap<Option<i64>, Sums>,
    pub per_day: BTreeMap<NaiveDate, DayCount>,
}

/// A delivered RO's place in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveredRo {
    pub category: Category,
    pub advisor_id: Option<i64>,
    pub group_id: Option<i64>,
    pub delivered_on: NaiveDate,
    pub figures: RoFigures,
}

impl Statistics {
    /// An empty report with a zero row for every day, category and payer,
    /// so an empty range shows zeros rather than nothing.
    pub fn empty(days: impl Iterator<Item = NaiveDate>) -> Statistics {
        Statistics {
            by_category: Category::ALL
                .iter()
                .map(|c| (*c, Sums::default()))
                .collect(),
            by_payer: Payer::ALL.iter().map(|p| (*p, (0, Money(0)))).collect(),
            per_day: days.map(|d| (d, DayCount::default())).collect(),
            ..Statistics::default()
        }
    }

    pub fn car_in(&mut self, on: NaiveDate) {
        self.cars_in += 1;
        self.per_day.entry(on).or_default().cars_in += 1;
    }

    pub fn delivered(&mut self, ro: &DeliveredRo) {
        let f = &ro.figures;
        self.cars_out += 1;
        self.per_day.entry(ro.delivered_on).or_default().cars_out += 1;
        self.all.add(f);
        self.by_category.entry(ro.category).or_default().add(f);
        self.by_advisor.entry(ro.advisor_id).or_default().add(f);
        self.by_group.entry(ro.group_id).or_default().add(f);
        for (i, p) in Payer::ALL.iter().enumerate() {
            if f.by_payer[i].0 > 0 {
                let e = self.by_payer.entry(*p).or_default();
                e.0 += 1;
                e.1 .0 += f.by_payer[i].0;
            }
        }
    }
}
