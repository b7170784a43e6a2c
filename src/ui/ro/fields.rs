//! The RO editor's fields: their order, kind and layout, and how typed text
//! becomes the RO's values (with a message at the field when it cannot).

use crate::domain::validate::{parse_milli, Field};
use crate::domain::{RepairOrder, WorkGroup};
use crate::ui::timefmt::TimeFmt;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    Customer,
    Phone,
    Plate,
    Vin,
    Make,
    Model,
    VinReason,
    Odometer,
    Fuel,
    OdometerReason,
    Category,
    Pricing,
    Promised,
    Estimate,
    Group,
    Discount,
    Concerns,
    Diagnosis,
    Lines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text; Enter moves on.
    Text,
    /// Several lines; Enter is a new line, Tab moves on.
    Multi(u16),
    /// A fixed list; ← → or Space change it.
    Choice,
    /// The lines table.
    Lines,
}

use FieldId::*;

/// Focus order, which is also layout order. Half-width fields pair up on one row.
pub const ORDER: [FieldId; 19] = [
    Customer,
    Phone,
    Plate,
    Vin,
    Make,
    Model,
    VinReason,
    Odometer,
    Fuel,
    OdometerReason,
    Category,
    Pricing,
    Promised,
    Estimate,
    Group,
    Discount,
    Concerns,
    Diagnosis,
    Lines,
];

impl FieldId {
    pub fn kind(self) -> Kind {
        match self {
            Fuel | Category | Pricing | Group => Kind::Choice,
            Concerns => Kind::Multi(4),
            Diagnosis => Kind::Multi(3),
            Lines => Kind::Lines,
            _ => Kind::Text,
        }
    }

    pub fn is_text(self) -> bool {
        matches!(self.kind(), Kind::Text | Kind::Multi(_))
    }

    /// Half-width fields share a row with their neighbour on wide enough screens.
    pub fn half(self) -> bool {
        !matches!(
            self,
            VinReason | OdometerReason | Concerns | Diagnosis | Lines
        )
    }

    pub fn text_key(self) -> &'static str {
        match self {
            Customer => "ro.customer",
            Phone => "ro.phone",
            Plate => "ro.plate",
            Vin => "ro.vin",
            Make => "ro.make",
            Model => "ro.model",
            VinReason => "ro.vin_reason",
            Odometer => "ro.odometer",
            Fuel => "ro.fuel",
            OdometerReason => "ro.odometer_reason",
            Category => "ro.category",
            Pricing => "ro.pricing",
            Promised => "ro.promised",
            Estimate => "ro.estimate",
            Group => "ro.group",
            Discount => "ro.discount",
            Concerns => "ro.concerns",
            Diagnosis => "ro.diagnosis",
            Lines => "ro.lines",
        }
    }

    /// Where the domain's checks point for this field.
    pub fn domain_field(self) -> Option<Field> {
        Some(match self {
            Customer => Field::CustomerName,
            Phone => Field::Phone,
            Plate => Field::Plate,
            Vin | VinReason => Field::Vin,
            Odometer | OdometerReason => Field::Odometer,
            Fuel => Field::Fuel,
            Concerns => Field::Concerns,
            Promised => Field::Promised,
            Estimate => Field::Estimate,
            Discount => Field::Discount,
            _ => return None,
        })
    }
}

/// The text a field shows for the RO's current value.
pub fn text_of(ro: &RepairOrder, f: FieldId, time: TimeFmt) -> String {
    match f {
        Customer => ro.customer.name.clone(),
        Phone => ro.customer.phone.clone(),
        Plate => ro.vehicle.plate.clone(),
        Vin => ro.vehicle.vin.clone(),
        Make => ro.vehicle.make.clone(),
        Model => ro.vehicle.model.clone(),
        VinReason => ro.vin_override_reason.clone(),
        Odometer => ro.odometer_in_km.map(|k| k.to_string()).unwrap_or_default(),
        OdometerReason => ro.odometer_override_reason.clone(),
        Promised => ro.promised_at.map(|p| time.medium(p)).unwrap_or_default(),
        Estimate => ro
            .estimated_minutes
            .map(|m| format!("{}h{:02}", m / 60, m % 60))
            .unwrap_or_default(),
        Discount => format_percent(ro.discount_bp),
        Concerns => ro.concerns.clone(),
        Diagnosis => ro.diagnosis.clone(),
        Fuel | Category | Pricing | Group | Lines => String::new(),
    }
}

fn format_percent(bp: i64) -> String {
    if bp % 100 == 0 {
        format!("{}", bp / 100)
    } else {
        format!("{:.2}", bp as f64 / 100.0)
    }
}

/// Sets the RO's value from the field's text. Err is the message shown at
/// the field; the RO keeps its previous value then.
pub fn apply_text(
    ro: &mut RepairOrder,
    f: FieldId,
    text: &str,
    time: TimeFmt,
    now: DateTime<Utc>,
) -> Result<(), String> {
    match f {
        Customer => ro.customer.name = text.to_string(),
        Phone => ro.customer.phone = text.to_string(),
        Plate => ro.vehicle.plate = text.to_string(),
        Vin => ro.vehicle.vin = text.trim().to_uppercase(),
        Make => ro.vehicle.make = text.to_string(),
        Model => ro.vehicle.model = text.to_string(),
        VinReason => ro.vin_override_reason = text.to_string(),
        OdometerReason => ro.odometer_override_reason = text.to_string(),
        Concerns => ro.concerns = text.to_string(),
        Diagnosis => ro.diagnosis = text.to_string(),
        Odometer => ro.odometer_in_km = parse_km(text)?,
        Promised => {
            ro.promised_at = parse_optional(
                text,
                |t| time.parse(t, now),
                "type 17:30, 11-24 17:30 or +2h",
            )?
        }
        Estimate => {
            ro.estimated_minutes =
                parse_optional(text, parse_duration, "type 90 (minutes), 1h30 or 1.5h")?
        }
        Discount => {
            ro.discount_bp = parse_optional(
                text,
                |t| parse_milli(t.trim_end_matches('%')).map(|m| m / 10),
                "type a percentage, e.g. 10 or 12.5",
            )?
            .unwrap_or(0)
        }
        Fuel | Category | Pricing | Group | Lines => {}
    }
    Ok(())
}

fn parse_optional<T>(
    text: &str,
    parse: impl Fn(&str) -> Option<T>,
    hint: &str,
) -> Result<Option<T>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse(text.trim()).map(Some).ok_or_else(|| hint.to_string())
}

fn parse_km(text: &str) -> Result<Option<i64>, String> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | ',' | '_'))
        .collect();
    let digits = digits.trim_end_matches("km").trim();
    if digits.is_empty() {
        return Ok(None);
    }
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!("the odometer takes whole kilometres, not '{bad}'"));
    }
    digits
        .parse()
        .map(Some)
        .map_err(|_| "that reading is too large".into())
}

/// "90" minutes, "1h30", "1.5h", "2d".
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim().to_lowercase();
    if let Some(d) = t.strip_suffix('d') {
        return parse_milli(d).map(|m| m * 24 * 60 / 1000);
    }
    if let Some((h, m)) = t.split_once('h') {
        let hours = parse_milli(h)?;
        let mins: i64 = if m.trim().is_empty() {
            0
        } else {
            m.trim().trim_end_matches('m').parse().ok()?
        };
        return Some(hours * 60 / 1000 + mins);
    }
    t.trim_end_matches('m').parse().ok()
}

/// Changes a choice field by one step.
pub fn cycle(ro: &mut RepairOrder, f: FieldId, forward: bool, groups: &[WorkGroup]) {
    match f {
        Fuel => {
            let v = ro.fuel_eighths.unwrap_or(4);
            ro.fuel_eighths = Some(if forward {
                (v + 1).min(8)
            } else {
                (v - 1).max(0)
            });
        }
        Category => {
            ro.category = if forward {
                ro.category.next()
            } else {
                ro.category.prev()
            }
        }
        Pricing => {
            ro.pricing = if forward {
                ro.pricing.next()
            } else {
                ro.pricing.prev()
            }
        }
        Group => {
            // None, then each group in order.
            let ids: Vec<Option<i64>> = std::iter::once(None)
                .chain(groups.iter().map(|g| Some(g.id)))
                .collect();
            let i = ids.iter().position(|g| *g == ro.work_group_id).unwrap_or(0);
            let n = ids.len();
            ro.work_group_id = ids[if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
        }
        _ => {}
    }
}

/// The text a choice field shows.
pub fn choice_text(
    ro: &RepairOrder,
    f: FieldId,
    groups: &[WorkGroup],
    t: &crate::ui::i18n::Texts,
) -> String {
    match f {
        Fuel => match ro.fuel_eighths {
            Some(e) => format!(
                "E {}{} F  {e}/8",
                "■".repeat(e as usize),
                "□".repeat(8 - e as usize)
            ),
            None => "—".into(),
        },
        Category => t
            .get(&format!("category.{}", ro.category.code()))
            .to_string(),
        Pricing => t.get(&format!("pricing.{}", ro.pricing.code())).to_string(),
        Group => ro
            .work_group_id
            .and_then(|id| groups.iter().find(|g| g.id == id))
            .map(|g| g.name.clone())
            .unwrap_or_else(|| "—".into()),
        _ => String::new(),
    }
}
