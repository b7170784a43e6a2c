//! Line amounts and totals, in integer minor units.
//!
//! Rounding, stated once: every division rounds half away from zero to the
//! nearest minor unit (fen), at three points only: each line's amount, the
//! discount, and each payer's tax. Totals are sums of those rounded parts,
//! so a printed bill always adds up.

use super::money::Money;
use super::repair_order::{Payer, PricingMethod, RoLine};

/// Symptom-based estimates are risky (step 4): we show a 15 % margin.
pub const SYMPTOM_RISK_MARGIN_BP: i64 = 1500;

/// `a × b / d`, rounded half away from zero, without overflow.
pub fn mul_div_round(a: i64, b: i64, d: i64) -> i64 {
    let p = a as i128 * b as i128;
    let d = d as i128;
    let q = (p.abs() * 2 + d) / (2 * d);
    (if p < 0 { -q } else { q }) as i64
}

/// quantity (thousandths) × unit price, rounded to the fen.
pub fn line_amount(line: &RoLine) -> Money {
    Money(mul_div_round(line.quantity_milli, line.unit_price.0, 1000))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PayerTotal {
    pub payer: Payer,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    /// One entry per payer that has active lines, in Payer order.
    pub by_payer: Vec<PayerTotal>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
}

impl Totals {
    pub fn of(&self, payer: Payer) -> PayerTotal {
        self.by_payer
            .iter()
            .copied()
            .find(|p| p.payer == payer)
            .unwrap_or(PayerTotal {
                payer,
                ..Default::default()
            })
    }

    /// What the customer owes at the desk.
    pub fn customer_due(&self) -> Money {
        self.of(Payer::Customer).total
    }
}

/// Totals of the active lines (original and approved; proposed and declined
/// lines are shown but not billed). The discount applies to the customer's
/// share only: warranty and insurers pay list price. Tax is charged on each
/// payer's amount after discount.
pub fn totals(lines: &[RoLine], discount_bp: i64, tax_rate_bp: i64) -> Totals {
    let mut t = Totals::default();
    for payer in Payer::ALL.iter().copied() {
        let active: Vec<&RoLine> = lines
            .iter()
            .filter(|l| l.is_active() && l.payer == payer)
            .collect();
        if active.is_empty() {
            continue;
        }
        let subtotal: i64 = active.iter().map(|l| line_amount(l).0).sum();
        let discount = if payer == Payer::Customer {
            mul_div_round(subtotal, discount_bp, 10_000)
        } else {
            0
        };
        let tax = mul_div_round(subtotal - discount, tax_rate_bp, 10_000);
        let p = PayerTotal {
            payer,
            subtotal: Money(subtotal),
            discount: Money(discount),
            tax: Money(tax),
            total: Money(subtotal - discount + tax),
        };
        t.subtotal.0 += subtotal;
        t.discount.0 += discount;
        t.tax.0 += tax;
        t.total.0 += p.total.0;
        t.by_payer.push(p);
    }
    t
}

/// The margin shown beside a symptom-based estimate; zero otherwise.
pub fn risk_margin(method: PricingMethod, total: Money) -> Money {
    match method {
        PricingMethod::Symptom => Money(mul_div_round(total.0, SYMPTOM_RISK_MARGIN_BP, 10_000)),
        _ => Money(0),
    }
}
