//! Field checks for the RO editor. Each problem names its field, so the
//! editor can show the message at the field. Where the trade needs it (a
//! replaced odometer, an old imported car's VIN) a recorded reason overrides.

use super::money::Money;
use super::repair_order::{LineKind, RepairOrder, RoLine};
use super::vin;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    CustomerName,
    Phone,
    Plate,
    Vin,
    Odometer,
    Fuel,
    Concerns,
    Promised,
    Estimate,
    Discount,
    Line(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

fn err(field: Field, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A car's odometer beyond this is a typo, not a car.
pub const MAX_ODOMETER_KM: i64 = 2_000_000;
/// Limits that catch a slipped finger: 1,000 units, 100 hours, ¥1,000,000.
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000;
pub const MAX_HOURS_MILLI: i64 = 100_000;
pub const MAX_UNIT_PRICE: Money = Money(100_000_000);
/// Discounts above this need a manager (004 §(二)12: discounts go to the manager).
pub const DISCOUNT_THRESHOLD_BP: i64 = 1000;

pub fn check_vin(vin_text: &str, override_reason: &str) -> Result<(), FieldError> {
    if !override_reason.trim().is_empty() {
        return Ok(());
    }
    if vin_text.is_empty() {
        return Err(err(
            Field::Vin,
            "VIN is required (or give a reason, e.g. imported car without one)",
        ));
    }
    vin::validate(vin_text).map_err(|e| err(Field::Vin, format!("{e}; give a reason to keep it")))
}

/// A reading lower than the car's last one is refused unless a reason (a
/// replaced instrument cluster) is recorded.
pub fn check_odometer(
    reading: Option<i64>,
    last: Option<i64>,
    override_reason: &str,
) -> Result<(), FieldError> {
    let Some(km) = reading else {
        return Err(err(
            Field::Odometer,
            "odometer reading is required at check-in",
        ));
    };
    if !(0..=MAX_ODOMETER_KM).contains(&km) {
        return Err(err(
            Field::Odometer,
            format!("{km} km is not a plausible reading"),
        ));
    }
    match last {
        Some(prev) if km < prev && override_reason.trim().is_empty() => Err(err(
            Field::Odometer,
            format!("{km} km is lower than the last reading, {prev} km; give a reason to override"),
        )),
        _ => Ok(()),
    }
}

/// Digits with the usual separators and an optional leading +; 5–20 digits.
pub fn check_phone(phone: &str) -> Result<(), FieldError> {
    let p = phone.trim();
    if let Some(bad) = p
        .chars()
        .find(|c| !(c.is_ascii_digit() || " -()+".contains(*c)))
    {
        return Err(err(
            Field::Phone,
            format!("a phone number cannot contain '{bad}'"),
        ));
    }
    let digits = p.chars().filter(char::is_ascii_digit).count();
    if !(5..=20).contains(&digits) || p[1..].contains('+') {
        return Err(err(Field::Phone, "a phone number has 5 to 20 digits"));
    }
    Ok(())
}

pub fn check_promise(
    promised: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), FieldError> {
    match promised {
        None => Err(err(Field::Promised, "promise a delivery time")),
        Some(p) if p <= now => Err(err(Field::Promised, "the promised time is in the past")),
        Some(_) => Ok(()),
    }
}

pub fn check_discount(bp: i64, threshold_bp: i64, is_manager: bool) -> Result<(), FieldError> {
    if !(0..=10_000).contains(&bp) {
        return Err(err(Field::Discount, "a discount is between 0 % and 100 %"));
    }
    if bp > threshold_bp && !is_manager {
        return Err(err(
            Field::Discount,
            format!(
                "a discount over {} % needs a manager",
                threshold_bp as f64 / 100.0
            ),
        ));
    }
    Ok(())
}

/// What the checks need to know besides the RO itself.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext {
    pub now: DateTime<Utc>,
    pub is_manager: bool,
    pub discount_threshold_bp: i64,
    /// The promise is only checked against "now" when it was set or changed.
    pub promise_changed: bool,
}

pub fn check_line(i: usize, line: &RoLine) -> Result<(), FieldError> {
    let max_qty = if line.kind == LineKind::Labour {
        MAX_HOURS_MILLI
    } else {
        MAX_QUANTITY_MILLI
    };
    let what = if line.kind == LineKind::Labour {
        "hours"
    } else {
        "quantity"
    };
    if line.quantity_milli <= 0 {
        return Err(err(
            Field::Line(i),
            format!("line {}: {what} must be more than zero", i + 1),
        ));
    }
    if line.quantity_milli > max_qty {
        return Err(err(
            Field::Line(i),
            format!(
                "line {}: {what} {} is not plausible",
                i + 1,
                line.quantity_milli as f64 / 1000.0
            ),
        ));
    }
    if line.unit_price.0 < 0 || line.unit_price > MAX_UNIT_PRICE {
        return Err(err(
            Field::Line(i),
            format!("line {}: the price is not plausible", i + 1),
        ));
    }
    if line.description.trim().is_empty() {
        return Err(err(
            Field::Line(i),
            format!("line {}: describe the work or part", i + 1),
        ));
    }
    Ok(())
}

/// Every problem that stops this RO from being saved.
pub fn check_ro(ro: &RepairOrder, ctx: &CheckContext) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if ro.customer.name.trim().is_empty() {
        errors.push(err(Field::CustomerName, "the customer's name is required"));
    }
    errors.extend(check_phone(&ro.customer.phone).err());
    if ro.vehicle.plate.trim().is_empty() {
        errors.push(err(Field::Plate, "the plate is required"));
    }
    errors.extend(check_vin(&ro.vehicle.vin, &ro.vin_override_reason).err());
    errors.extend(
        check_odometer(
            ro.odometer_in_km,
            ro.vehicle.last_odometer_km,
            &ro.odometer_override_reason,
        )
        .err(),
    );
    if ctx.promise_changed {
        errors.extend(check_promise(ro.promised_at, ctx.now).err());
    }
    if ro
        .estimated_minutes
        .is_some_and(|m| !(1..=60 * 24 * 60).contains(&m))
    {
        errors.push(err(
            Field::Estimate,
            "the estimate is between 1 minute and 60 days",
        ));
    }
    errors.extend(check_discount(ro.discount_bp, ctx.discount_threshold_bp, ctx.is_manager).err());
    if !ro.is_estimate() && ro.concerns.trim().is_empty() {
        errors.push(err(
            Field::Concerns,
            "a signed RO must state the customer's concern",
        ));
    }
    for (i, line) in ro.lines.iter().enumerate() {
        errors.extend(check_line(i, line).err());
    }
    errors
}

/// Money typed at the desk: "180", "180.5", "1,234.56", "¥99". None if not money.
/// A typed amount with `.` as its decimal point and no grouping, whether
/// it was typed the English way (`1,234.56`) or the Spanish way
/// (`1.234,56`, `120,5`). With both marks, the last is the decimal one; a
/// comma alone is decimal when one or two digits follow it (`120,50`), and
/// grouping when three do (`1,234`). Never guess wrong silently: a price of
/// 120,50 read as 12,050 would be billed.
fn with_decimal_point(t: &str) -> String {
    let (comma, dot) = (t.rfind(','), t.rfind('.'));
    let decimal_comma = match (comma, dot) {
        (Some(c), Some(d)) => c > d,
        (Some(c), None) => (1..=2).contains(&(t.len() - c - 1)),
        _ => false,
    };
    if decimal_comma {
        t.chars()
            .filter(|c| *c != '.')
            .map(|c| if c == ',' { '.' } else { c })
            .collect()
    } else {
        t.chars().filter(|c| *c != ',').collect()
    }
}

pub fn parse_money(text: &str) -> Option<Money> {
    let bare = text
        .trim()
        .trim_start_matches(['¥', '€', '$'])
        .trim_end_matches(['¥', '€', '$'])
        .trim();
    let t = with_decimal_point(bare);
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let major: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let minor: i64 = format!("{frac:0<2}").parse().ok()?;
    major
        .checked_mul(100)?
        .checked_add(if major < 0 { -minor } else { minor })
        .map(Money)
}

/// A decimal typed at the desk, in thousandths: "1.5" → 1500. None if not a number.
pub fn parse_milli(text: &str) -> Option<i64> {
    // "1,5" h typed the Spanish way; "1,000" stays refused (a grouping
    // comma in a quantity is a typo to point out, not to guess at).
    let t = text.trim();
    let spanish = match t.rfind(',') {
        Some(c) if !t.contains('.') => (1..=2).contains(&(t.len() - c - 1)),
        _ => false,
    };
    let owned;
    let t = if spanish {
        owned = t.replacen(',', ".", 1);
        owned.as_str()
    } else {
        t
    };
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if frac.len() > 3
        || !frac.chars().all(|c| c.is_ascii_digit())
        || (whole.is_empty() && frac.is_empty())
    {
        return None;
    }
    let major: i64 = if whole.is_empty() || whole == "-" {
        0
    } else {
        whole.parse().ok()?
    };
    let minor: i64 = format!("{frac:0<3}").parse().ok()?;
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    major.checked_mul(1000)?.checked_add(sign * minor)
}
