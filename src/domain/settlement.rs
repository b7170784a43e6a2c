//! Settlement (结算, step 11): payments, partial or whole, and arrears.

use super::money::Money;
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
    let paid: i64 = payments.iter().map(|p| p.amount.0).sum();
    Money((customer_due.0 - paid).max(0))
}

pub fn check_payment(amount: Money, outstanding: Money) -> Result<(), String> {
    if amount.0 <= 0 {
        return Err("a payment must be more than zero".into());
    }
    if amount > outstanding {
        return Err(format!(
            "that is more than the {} still owed",
            outstanding.format("")
        ));
    }
    Ok(())
}
