//! Two people saved the same RO. Nothing is overwritten silently: the editor
//! shows both versions, field by field, and the advisor chooses.

use super::repair_order::RepairOrder;
use serde::Serialize;
use serde_json::{Map, Value};

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

/// One field that differs between two versions, with both values, for the
/// audit log ("customer.phone", "lines[OP-837]", …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// Fields no editor writes: compared, merged, but never reported as changes.
const NOT_EDITED: [&str; 2] = ["version", "desk"];

fn json(ro: &RepairOrder) -> Value {
    serde_json::to_value(ro).unwrap_or(Value::Null)
}

/// Every field that differs between `old` and `new`, with both values.
/// Lines are matched by id: an added line has no old value, a removed one
/// no new value.
pub fn changes(old: &RepairOrder, new: &RepairOrder) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk_changes("", &json(old), &json(new), &mut out);
    out
}

/// Every field that differs between two versions of any record (a
/// customer's file), for the audit log.
pub fn value_changes<T: Serialize>(old: &T, new: &T) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let as_json = |v: &T| serde_json::to_value(v).unwrap_or(Value::Null);
    walk_changes("", &as_json(old), &as_json(new), &mut out);
    out
}

fn walk_changes(path: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, av) in a {
                if path.is_empty() && NOT_EDITED.contains(&key.as_str()) {
                    continue;
                }
                let bv = b.get(key).unwrap_or(&Value::Null);
                if path.is_empty() && key == "lines" {
                    line_changes(av, bv, out);
                } else {
                    walk_changes(&join(path, key), av, bv, out);
                }
            }
        }
        (a, b) if a != b => out.push(FieldChange {
            field: path.to_string(),
            old: a.clone(),
            new: b.clone(),
        }),
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn lines_of(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn line_id(l: &Value) -> Option<i64> {
    l.get("id").and_then(Value::as_i64)
}

/// "lines[OP-837 Replace pads]": how a person finds the line.
fn line_label(l: &Value) -> String {
    let text = |k: &str| l.get(k).and_then(Value::as_str).unwrap_or("").trim();
    format!("lines[{} {}]", text("code"), text("description")).replace(" ]", "]")
}

fn line_changes(old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    let (old, new) = (lines_of(old), lines_of(new));
    for o in old {
        match find(new, line_id(o)) {
            Some(n) if n == o => {}
            n => out.push(FieldChange {
                field: line_label(o),
                old: o.clone(),
                new: n.cloned().unwrap_or(Value::Null),
            }),
        }
    }
    for n in new.iter().filter(|n| find(old, line_id(n)).is_none()) {
        out.push(FieldChange {
            field: line_label(n),
            old: Value::Null,
            new: n.clone(),
        });
    }
}

/// Which side a field changed on both sides takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    Mine,
    Theirs,
}

/// A field (or line) changed differently on both sides since the edit began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub field: String,
    pub mine: Value,
    pub theirs: Value,
}

/// The three-way merge of two saves of one RO: fields changed on one side
/// only take that side; lines added on either side are kept; a line deleted
/// on one side and untouched on the other goes. Only what changed on both
/// sides (differently) is a conflict, settled by `prefer`.
pub fn merge3(
    base: &RepairOrder,
    mine: &RepairOrder,
    theirs: &RepairOrder,
    prefer: Prefer,
) -> (RepairOrder, Vec<Conflict>) {
    let mut conflicts = Vec::new();
    let merged = merge_value(
        "",
        &json(base),
        &json(mine),
        json(theirs),
        prefer,
        &mut conflicts,
    );
    let ro = serde_json::from_value(merged).unwrap_or_else(|_| match prefer {
        Prefer::Mine => mine.clone(),
        Prefer::Theirs => theirs.clone(),
    });
    (ro, conflicts)
}

fn merge_value(
    path: &str,
    base: &Value,
    mine: &Value,
    theirs: Value,
    prefer: Prefer,
    conflicts: &mut Vec<Conflict>,
) -> Value {
    if path == "lines" {
        return merge_lines(base, mine, &theirs, prefer, conflicts);
    }
    match (base, mine, theirs) {
        (Value::Object(b), Value::Object(m), Value::Object(t)) => {
            let mut out = Map::new();
            for (key, tv) in t {
                let mv = m.get(&key).unwrap_or(&Value::Null);
                let bv = b.get(&key).unwrap_or(&Value::Null);
                let merged = merge_value(&join(path, &key), bv, mv, tv, prefer, conflicts);
                out.insert(key, merged);
            }
            Value::Object(out)
        }
        (b, m, t) => pick(path, b, m, t, prefer, conflicts),
    }
}

/// One value: the side that changed it, or a conflict if both did.
fn pick(
    field: &str,
    base: &Value,
    mine: &Value,
    theirs: Value,
    prefer: Prefer,
    conflicts: &mut Vec<Conflict>,
) -> Value {
    if *mine == theirs || mine == base {
        return theirs;
    }
    if theirs == *base {
        return mine.clone();
    }
    conflicts.push(Conflict {
        field: field.to_string(),
        mine: mine.clone(),
        theirs: theirs.clone(),
    });
    match prefer {
        Prefer::Mine => mine.clone(),
        Prefer::Theirs => theirs,
    }
}

fn merge_lines(
    base: &Value,
    mine: &Value,
    theirs: &Value,
    prefer: Prefer,
    conflicts: &mut Vec<Conflict>,
) -> Value {
    let (base, mine, theirs) = (lines_of(base), lines_of(mine), lines_of(theirs));
    let mut out = Vec::new();
    // Their lines, in their order, merged with mine.
    for t in theirs {
        let id = line_id(t);
        let b = find(base, id);
        let merged = match (b, find(mine, id)) {
            (Some(b), Some(m)) => Some(pick(&line_label(b), b, m, t.clone(), prefer, conflicts)),
            // I deleted it: gone, unless they changed it meanwhile.
            (Some(b), None) if t == b => None,
            (Some(b), None) => {
                let kept = pick(
                    &line_label(b),
                    b,
                    &Value::Null,
                    t.clone(),
                    prefer,
                    conflicts,
                );
                (!kept.is_null()).then_some(kept)
            }
            // They added it.
            (None, _) => Some(t.clone()),
        };
        out.extend(merged);
    }
    // My lines they do not have: added by me, or deleted by them.
    for m in mine.iter().filter(|m| find(theirs, line_id(m)).is_none()) {
        match find(base, line_id(m)) {
            None => out.push(m.clone()),
            Some(b) if b == m => {}
            Some(b) => {
                let kept = pick(&line_label(b), b, m, Value::Null, prefer, conflicts);
                out.extend((!kept.is_null()).then_some(kept));
            }
        }
    }
    Value::Array(out)
}

fn find(lines: &[Value], id: Option<i64>) -> Option<&Value> {
    id.and_then(|id| lines.iter().find(|l| line_id(l) == Some(id)))
}

/// What a save writes over the stored RO, decided the same way by every
/// store: the editor's own RO when it is current; merged with the stored
/// one when someone saved meanwhile and the two touched different things
/// (then `merged_with` is the version merged with); with "keep mine", the
/// changes of theirs it overwrote. `None` is a conflict: nothing is written.
#[allow(clippy::type_complexity)]
pub fn reconcile(
    mine: &RepairOrder,
    base: Option<&RepairOrder>,
    keep_mine: bool,
    stored: &RepairOrder,
) -> Option<(RepairOrder, Option<i64>, Vec<FieldChange>)> {
    if stored.version == mine.version {
        let overwrote = match (keep_mine, base) {
            (true, Some(base)) => {
                let theirs: Vec<String> =
                    changes(base, stored).into_iter().map(|c| c.field).collect();
                changes(stored, mine)
                    .into_iter()
                    .filter(|c| theirs.contains(&c.field))
                    .collect()
            }
            _ => Vec::new(),
        };
        return Some((mine.clone(), None, overwrote));
    }
    let (merged, conflicts) = merge3(base?, mine, stored, Prefer::Theirs);
    conflicts
        .is_empty()
        .then(|| (merged, Some(stored.version), Vec::new()))
}
