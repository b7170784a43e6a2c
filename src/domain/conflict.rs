//! Two people saved the same RO. Nothing is overwritten silently: the editor
//! shows both versions, field by field, and the advisor chooses.

use super::repair_order::RepairOrder;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    pub field: &'static str,
    pub mine: String,
    pub theirs: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Save my version over theirs, knowingly (the audit log says so).
    KeepMine,
    /// Throw my edits away and continue from theirs.
    TakeTheirs,
}

fn show<T: std::fmt::Debug>(v: &T) -> String {
    format!("{v:?}")
}

/// The fields that differ between my edit and the stored version.
pub fn diff(mine: &RepairOrder, theirs: &RepairOrder) -> Vec<FieldDiff> {
    let pairs: Vec<(&'static str, String, String)> = vec![
        (
            "customer",
            format!("{} {}", mine.customer.name, mine.customer.phone),
            format!("{} {}", theirs.customer.name, theirs.customer.phone),
        ),
        (
            "vehicle",
            format!("{} {}", mine.vehicle.plate, mine.vehicle.vin),
            format!("{} {}", theirs.vehicle.plate, theirs.vehicle.vin),
        ),
        (
            "odometer",
            show(&mine.odometer_in_km),
            show(&theirs.odometer_in_km),
        ),
        ("fuel", show(&mine.fuel_eighths), show(&theirs.fuel_eighths)),
        ("concerns", mine.concerns.clone(), theirs.concerns.clone()),
        (
            "diagnosis",
            mine.diagnosis.clone(),
            theirs.diagnosis.clone(),
        ),
        (
            "pricing",
            mine.pricing.code().into(),
            theirs.pricing.code().into(),
        ),
        (
            "category",
            mine.category.code().into(),
            theirs.category.code().into(),
        ),
        (
            "promised",
            show(&mine.promised_at),
            show(&theirs.promised_at),
        ),
        (
            "group",
            show(&mine.work_group_id),
            show(&theirs.work_group_id),
        ),
        (
            "estimate",
            show(&mine.estimated_minutes),
            show(&theirs.estimated_minutes),
        ),
        (
            "discount",
            show(&mine.discount_bp),
            show(&theirs.discount_bp),
        ),
        ("lines", lines_text(mine), lines_text(theirs)),
        (
            "status",
            mine.status.code().into(),
            theirs.status.code().into(),
        ),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, mine, theirs)| FieldDiff {
            field,
            mine,
            theirs,
        })
        .collect()
}

fn lines_text(ro: &RepairOrder) -> String {
    ro.lines
        .iter()
        .map(|l| {
            format!(
                "{} {} ×{} @{} {}",
                l.code,
                l.description,
                l.quantity_milli,
                l.unit_price.0,
                l.approval.code()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The RO to save (or keep editing) after the advisor chose.
pub fn resolve(mine: RepairOrder, theirs: RepairOrder, choice: Resolution) -> RepairOrder {
    match choice {
        // Keep my fields, but against their version, so the save goes through.
        Resolution::KeepMine => RepairOrder {
            version: theirs.version,
            ..mine
        },
        Resolution::TakeTheirs => theirs,
    }
}

/// My edits on top of a newer stored version of my own making: every field
/// I changed since `base` keeps my value, every other field takes `theirs`.
/// Used when my save or desk action lands while I kept typing (a write may
/// wait for another terminal's lock), so nothing typed meanwhile is lost.
/// Someone else's change is never rebased: that is a conflict to show.
pub fn rebase(base: &RepairOrder, mine: &RepairOrder, theirs: &RepairOrder) -> RepairOrder {
    let value = |ro: &RepairOrder| serde_json::to_value(ro).unwrap_or(Value::Null);
    let merged = merge(&value(base), &value(mine), value(theirs));
    // The three are the same type, so the merge always reads back.
    serde_json::from_value(merged).unwrap_or_else(|_| mine.clone())
}

fn merge(base: &Value, mine: &Value, theirs: Value) -> Value {
    match (base, mine, theirs) {
        (Value::Object(b), Value::Object(m), Value::Object(mut t)) => {
            for (key, mv) in m {
                let tv = t.remove(key).unwrap_or(Value::Null);
                let bv = b.get(key).unwrap_or(&Value::Null);
                t.insert(key.clone(), merge(bv, mv, tv));
            }
            Value::Object(t)
        }
        (b, m, _) if m != b => m.clone(),
        (_, _, t) => t,
    }
}
