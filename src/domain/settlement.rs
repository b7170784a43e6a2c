//! Settlement (结算, step 11): payments, partial or whole, arrears, and the
//! shares that warranty and insurers pay (receivables, not the customer's
//! arrears).

use super::money::Money;
use super::pricing::totals;
use super::repair_order::{Arrears, Payer, RepairOrder};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub amount: Money,
    pub method: String,
    pub paid_at: DateTime<Utc>,
}

/// What the customer still owes: never negative (an overpayment is refused
/// at the desk, see [`check_payment`]).
pub fn balance(customer_due: Money, payments: &[Payment]) -> Money {
    Money(customer_due.0 - paid(payments).0).max(Money(0))
}

fn paid(payments: &[Payment]) -> Money {
    Money(payments.iter().map(|p| p.amount.0).sum())
}

/// Where the money on an RO stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// The customer's share: their lines after discount, with tax.
    pub customer_due: Money,
    pub paid: Money,
    /// Due minus paid. Negative after a correction that lowered the bill:
    /// the shop then owes the customer a refund.
    pub owed: Money,
    /// Shares paid by warranty or an insurer: receivables from them.
    pub receivables: Vec<(Payer, Money)>,
    /// What a manager accepted as arrears, if anything.
    pub arrears_accepted: Option<Money>,
}

impl Balance {
    pub fn of(ro: &RepairOrder, tax_rate_bp: i64, payments: &[Payment]) -> Balance {
        let t = totals(&ro.lines, ro.discount_bp, tax_rate_bp);
        let paid = paid(payments);
        let customer_due = t.customer_due();
        let receivables = t
            .by_payer
            .iter()
            .filter(|p| p.payer != Payer::Customer && p.total.0 > 0)
            .map(|p| (p.payer, p.total))
            .collect();
        Balance {
            customer_due,
            paid,
            owed: Money(customer_due.0 - paid.0),
            receivables,
            arrears_accepted: ro.desk.arrears.as_ref().map(|a: &Arrears| a.amount),
        }
    }

    /// What is still to pay (never negative).
    pub fn outstanding(&self) -> Money {
        self.owed.max(Money(0))
    }

    pub fn refund_due(&self) -> Money {
        Money(-self.owed.0).max(Money(0))
    }

    /// Nothing left for the customer to pay, or what is left was accepted
    /// as arrears (an acceptance covers no more than its amount).
    pub fn settled(&self) -> bool {
        let owed = self.outstanding();
        owed.0 == 0 || self.arrears_accepted.is_some_and(|a| a >= owed)
    }
}

/// A payment must be more than zero and no more than what is owed: the
/// desk records what was kept, and gives the rest back as change. An
/// overpayment is never absorbed silently.
pub fn check_payment(amount: Money, outstanding: Money) -> Result<(), String> {
    if amount.0 <= 0 {
        return Err("a payment must be more than zero".into());
    }
    if amount > outstanding {
        return Err(format!(
            "that is more than the {} still owed: take {} and give {} change",
            outstanding.format(""),
            outstanding.format(""),
            Money(amount.0 - outstanding.0).format("")
        ));
    }
    Ok(())
}
