//! The vehicle-items checklist and the key cabinet: each phase's list is
//! saved whole (replacing its entries) against its version, the customer
//! signs it, keys are tagged on a free hook inside the write lock, and each
//! hand-over is kept. Rules come from `domain::checklist`.

use super::audit;
use super::desk::permit;
use super::repair_order::load;
use super::text::{opt_text, text};
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::keys::{
    check_hand_over, check_hook, first_free, KeyCustody, KeyError, KeyHolder, KeyMove, TagRequest,
};
use crate::domain::checklist::{
    changes_in_words, check_save, check_sign, Acknowledged, Answers, Category, DamageKind, Entry,
    OldParts, Phase, Sheet,
};
use crate::domain::lifecycle::Refusal;
use crate::domain::roles::Permission;
use crate::domain::text::{clean_line, clean_multiline};
use crate::domain::RepairOrder;
use crate::store::{Actor, Readings, SaveSheet, Sheets, StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

fn invalid(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

pub fn sheets(conn: &Connection, ro_id: i64) -> StoreResult<Sheets> {
    Ok(Sheets {
        check_in: sheet(conn, ro_id, Phase::CheckIn)?,
        delivery: sheet(conn, ro_id, Phase::Delivery)?,
        answers: answers(conn, ro_id)?,
        key: custody(conn, ro_id)?,
    })
}

fn sheet(conn: &Connection, ro_id: i64, phase: Phase) -> StoreResult<Option<Sheet>> {
    let head = conn
        .prepare_cached(
            "SELECT version, acknowledged_by, acknowledged_at FROM checklists WHERE ro_id = ?1 AND phase = ?2",
        )?
        .query_row(params![ro_id, phase.code()], |r| {
            let by: Option<String> = opt_text(r, 1)?;
            let at: Option<chrono::DateTime<chrono::Utc>> = r.get(2)?;
            Ok((r.get::<_, i64>(0)?, by.zip(at)))
        })
        .optional()?;
    let Some((version, ack)) = head else {
        return Ok(None);
    };
    let entries = conn
        .prepare_cached(
            "SELECT category, item, present, valid, quantity, damage_kind, severity, note, checked, explanation
             FROM checklist_entries WHERE ro_id = ?1 AND phase = ?2 ORDER BY sort, id",
        )?
        .query_map(params![ro_id, phase.code()], entry_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Sheet {
        phase,
        version,
        entries: entries.into_iter().flatten().collect(),
        acknowledged: ack.map(|(name, at)| Acknowledged { name, at }),
    }))
}

/// A row the program did not write (category 'other') is skipped.
fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Option<Entry>> {
    let Some(category) = Category::from_code(&text(r, 0)?) else {
        return Ok(None);
    };
    let kind: Option<String> = opt_text(r, 5)?;
    let severity: Option<i64> = r.get(6)?;
    Ok(Some(Entry {
        category,
        item: text(r, 1)?,
        present: r.get(2)?,
        valid: r.get(3)?,
        quantity: r.get(4)?,
        damage: kind
            .and_then(|k| DamageKind::from_code(&k))
            .map(|k| (k, severity.unwrap_or(1))),
        note: text(r, 7)?,
        checked: r.get(8)?,
        explanation: text(r, 9)?,
    }))
}

fn answers(conn: &Connection, ro_id: i64) -> StoreResult<Answers> {
    conn
        .prepare_cached(
            "SELECT wash_requested, old_parts, customer_waiting, covers_fitted FROM repair_orders WHERE id = ?1",
        )?
        .query_row([ro_id], |r| {
            Ok(Answers {
                wash: r.get(0)?,
                old_parts: OldParts::from_code(&text(r, 1)?).unwrap_or_default(),
                waiting: r.get(2)?,
                covers: r.get(3)?,
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("RO {ro_id}")))
}

/// The RO's key: its latest tag (open or returned) and its hand-overs.
pub fn custody(conn: &Connection, ro_id: i64) -> StoreResult<Option<KeyCustody>> {
    let tag = conn
        .prepare_cached(
            "SELECT id, tag, holder, returned_at IS NOT NULL FROM key_tags WHERE ro_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([ro_id], |r| {
            Ok((r.get::<_, i64>(0)?, text(r, 1)?, text(r, 2)?, r.get::<_, bool>(3)?))
        })
        .optional()?;
    let Some((id, tag, holder, returned)) = tag else {
        return Ok(None);
    };
    let moves = conn
        .prepare_cached(
            "SELECT m.holder, m.person, coalesce(u.login, ''), m.at FROM key_moves m
             LEFT JOIN users u ON u.id = m.by_user WHERE m.key_tag_id = ?1 ORDER BY m.id",
        )?
        .query_map([id], |r| {
            Ok(KeyMove {
                to: KeyHolder::from_code(&text(r, 0)?).unwrap_or(KeyHolder::Advisor),
                person: text(r, 1)?,
                by: text(r, 2)?,
                at: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(KeyCustody {
        tag,
        holder: KeyHolder::from_code(&holder).unwrap_or(KeyHolder::Advisor),
        returned,
        moves,
    }))
}

/// Saves one phase's list (and at check-in the questions, the readings and
/// a key tag) in one transaction.
pub fn save(tx: &Transaction<'_>, req: &SaveSheet<'_>, by: Actor<'_>) -> StoreResult<()> {
    permit(tx, by, Permission::RecordChecklist)?;
    let ro = load(tx, req.ro_id)?;
    let check_in = sheet(tx, req.ro_id, Phase::CheckIn)?;
    let stored = match req.sheet.phase {
        Phase::CheckIn => check_in.clone(),
        Phase::Delivery => sheet(tx, req.ro_id, Phase::Delivery)?,
    };
    check_save(&ro, stored.as_ref(), req.sheet, check_in.as_ref())?;
    let mut changes = changes_in_words(stored.as_ref(), req.sheet);
    if let Some(readings) = &req.readings {
        save_readings(tx, &ro, readings, by)?;
    }
    if let Some(answers) = &req.answers {
        changes.extend(save_answers(tx, req.ro_id, answers)?);
    }
    let phase = req.sheet.phase;
    if !changes.is_empty() || stored.is_none() {
        write_entries(tx, req.ro_id, req.sheet, by)?;
        bump_sheet(tx, req.ro_id, phase, by)?;
        if changes.is_empty() {
            changes.push("recorded".into());
        }
        let event = AuditEvent::ChecklistSaved {
            number: ro.number.clone(),
            phase: phase.code(),
            changes,
        };
        audit(tx, by, req.ro_id, &event)?;
    }
    if let Some(tag) = req.tag {
        assign_tag(tx, req.ro_id, tag, by)?;
    }
    Ok(())
}

/// Fuel and odometer live on the RO (one value, not two copies): they are
/// saved through the RO's own save, with its rules and its audit line.
fn save_readings(
    tx: &Transaction<'_>,
    ro: &RepairOrder,
    r: &Readings,
    by: Actor<'_>,
) -> StoreResult<()> {
    if ro.fuel_eighths == r.fuel && ro.odometer_in_km == r.odometer {
        return Ok(());
    }
    let mut next = ro.clone();
    next.fuel_eighths = r.fuel;
    next.odometer_in_km = r.odometer;
    if !r.odometer_reason.trim().is_empty() {
        next.odometer_override_reason = r.odometer_reason.clone();
    }
    if next.fuel_eighths.is_some_and(|f| !(0..=8).contains(&f)) {
        return Err(invalid("the fuel gauge reads 0 (E) to 8 (F) eighths"));
    }
    if r.odometer.is_some() && r.odometer != ro.odometer_in_km {
        let last = ro.vehicle.last_odometer_km;
        crate::domain::validate::check_odometer(r.odometer, last, &r.odometer_reason)
            .map_err(|e| invalid(e.message))?;
    }
    super::repair_order::save(tx, &crate::store::SaveRo::new(&next), by)?;
    Ok(())
}

fn save_answers(tx: &Transaction<'_>, ro_id: i64, a: &Answers) -> StoreResult<Vec<String>> {
    let changes = a.changes_since(&answers(tx, ro_id)?);
    if !changes.is_empty() {
        tx.prepare_cached(
            "UPDATE repair_orders SET wash_requested = ?2, old_parts = ?3, customer_waiting = ?4, covers_fitted = ?5 WHERE id = ?1",
        )?
        .execute(params![ro_id, a.wash, a.old_parts.code(), a.waiting, a.covers])?;
    }
    Ok(changes)
}

fn write_entries(
    tx: &Transaction<'_>,
    ro_id: i64,
    sheet: &Sheet,
    by: Actor<'_>,
) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM checklist_entries WHERE ro_id = ?1 AND phase = ?2")?
        .execute(params![ro_id, sheet.phase.code()])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO checklist_entries (ro_id, phase, category, item, present, valid, quantity,
             damage_kind, severity, note, checked, explanation, sort, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (i, e) in sheet.entries.iter().enumerate() {
        insert.execute(params![
            ro_id,
            sheet.phase.code(),
            e.category.code(),
            clean_line(e.item.trim()),
            e.present,
            e.valid,
            e.quantity,
            e.damage.map(|(k, _)| k.code()),
            e.damage.map(|(_, s)| s),
            clean_multiline(&e.note),
            e.checked,
            clean_multiline(&e.explanation),
            i as i64,
            by.at,
            by.user_id
        ])?;
    }
    Ok(())
}

fn bump_sheet(tx: &Transaction<'_>, ro_id: i64, phase: Phase, by: Actor<'_>) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO checklists (ro_id, phase, version, updated_at, updated_by) VALUES (?1, ?2, 1, ?3, ?4)
         ON CONFLICT (ro_id, phase) DO UPDATE SET version = version + 1, updated_at = ?3, updated_by = ?4",
    )?
    .execute(params![ro_id, phase.code(), by.at, by.user_id])?;
    Ok(())
}

/// The customer signs a list: at check-in, the list as saved; at delivery,
/// once every item is confirmed and every difference resolved or explained.
pub fn acknowledge(
    tx: &Transaction<'_>,
    ro_id: i64,
    phase: Phase,
    version: i64,
    name: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::RecordChecklist)?;
    let ro = load(tx, ro_id)?;
    let check_in = sheet(tx, ro_id, Phase::CheckIn)?;
    let list = match phase {
        Phase::CheckIn => check_in.clone(),
        Phase::Delivery => sheet(tx, ro_id, Phase::Delivery)?,
    };
    let name = check_sign(&ro, phase, version, name, list.as_ref(), check_in.as_ref())?;
    tx.prepare_cached(
        "UPDATE checklists SET acknowledged_by = ?3, acknowledged_at = ?4, version = version + 1
         WHERE ro_id = ?1 AND phase = ?2",
    )?
    .execute(params![ro_id, phase.code(), name, by.at])?;
    let event = AuditEvent::ChecklistAcknowledged {
        number: ro.number,
        phase: phase.code(),
        name,
    };
    audit(tx, by, ro_id, &event)
}

/// Hangs the RO's key on a hook: the one asked for if it is free, else the
/// first free one. Inside the write lock, so two advisors asking at the
/// same instant get two hooks; the unique index is the last word.
pub fn assign_tag(
    tx: &Transaction<'_>,
    ro_id: i64,
    req: TagRequest,
    by: Actor<'_>,
) -> StoreResult<String> {
    permit(tx, by, Permission::HandOverKey)?;
    let ro = load(tx, ro_id)?;
    if !ro.status.is_open() {
        return Err(Refusal::Closed.into());
    }
    if let Some((_, tag, _)) = open_tag(tx, ro_id)? {
        return Err(KeyError::AlreadyTagged(tag).into());
    }
    let (first, last) = super::admin::settings(tx)?.key_hooks;
    let hook = match req {
        TagRequest::Auto => first_free(&hooks_in_use(tx)?, first, last)?,
        TagRequest::Hook(n) => {
            check_hook(n, first, last)?;
            if let Some((number, plate)) = holder_of(tx, n)? {
                return Err(KeyError::TagInUse {
                    tag: n.to_string(),
                    ro: number,
                    plate,
                }
                .into());
            }
            n
        }
    };
    let tag = hook.to_string();
    tx.prepare_cached(
        "INSERT INTO key_tags (tag, ro_id, issued_at, holder) VALUES (?1, ?2, ?3, 'advisor')",
    )?
    .execute(params![tag, ro_id, by.at])?;
    let tag_id = tx.last_insert_rowid();
    add_move(tx, tag_id, KeyHolder::Advisor, by.login, by)?;
    audit(
        tx,
        by,
        ro_id,
        &AuditEvent::KeyTagged {
            number: ro.number,
            tag: tag.clone(),
        },
    )?;
    Ok(tag)
}

fn hooks_in_use(tx: &Transaction<'_>) -> StoreResult<Vec<i64>> {
    Ok(tx
        .prepare_cached("SELECT CAST(tag AS INTEGER) FROM key_tags WHERE returned_at IS NULL")?
        .query_map([], |r| r.get::<_, i64>(0))?
        .collect::<Result<Vec<_>, _>>()?)
}

/// The RO number and plate of the car whose key hangs on `hook`.
fn holder_of(tx: &Transaction<'_>, hook: i64) -> StoreResult<Option<(String, String)>> {
    Ok(tx
        .prepare_cached(
            "SELECT ro.number, v.plate FROM key_tags k JOIN repair_orders ro ON ro.id = k.ro_id
             JOIN vehicles v ON v.id = ro.vehicle_id WHERE k.tag = ?1 AND k.returned_at IS NULL",
        )?
        .query_row([hook.to_string()], |r| Ok((text(r, 0)?, text(r, 1)?)))
        .optional()?)
}

fn add_move(
    tx: &Transaction<'_>,
    tag_id: i64,
    to: KeyHolder,
    person: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    tx.prepare_cached("INSERT INTO key_moves (key_tag_id, holder, person, at, by_user) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![tag_id, to.code(), clean_line(person.trim()), by.at, by.user_id])?;
    tx.prepare_cached("UPDATE key_tags SET holder = ?2 WHERE id = ?1")?
        .execute(params![tag_id, to.code()])?;
    Ok(())
}

/// The RO's key on its hook now: the row's id, the tag, who holds it.
fn open_tag(tx: &Transaction<'_>, ro_id: i64) -> StoreResult<Option<(i64, String, KeyHolder)>> {
    Ok(tx
        .prepare_cached(
            "SELECT id, tag, holder FROM key_tags WHERE ro_id = ?1 AND returned_at IS NULL",
        )?
        .query_row([ro_id], |r| {
            let holder = KeyHolder::from_code(&text(r, 2)?).unwrap_or(KeyHolder::Advisor);
            Ok((r.get(0)?, text(r, 1)?, holder))
        })
        .optional()?)
}

/// Records who takes the key next. The customer gets it with the exit
/// notice, and that frees the hook.
pub fn hand_over(
    tx: &Transaction<'_>,
    ro_id: i64,
    to: KeyHolder,
    person: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::HandOverKey)?;
    let ro = load(tx, ro_id)?;
    check_hand_over(
        custody(tx, ro_id)?.as_ref(),
        to,
        ro.exit_notice_at.is_some(),
    )?;
    let (tag_id, tag, _) = open_tag(tx, ro_id)?.ok_or(KeyError::NoTag)?;
    add_move(tx, tag_id, to, person, by)?;
    let event = AuditEvent::KeyHandedOver {
        number: ro.number.clone(),
        tag: tag.clone(),
        to: to.code(),
        person: clean_line(person.trim()),
    };
    audit(tx, by, ro_id, &event)?;
    if to == KeyHolder::Customer {
        free_tag(tx, ro_id, tag_id, &ro.number, &tag, by)?;
    }
    Ok(())
}

/// The car left (delivered, declined, cancelled): its key went with the
/// customer and its hook is free.
pub fn release(tx: &Transaction<'_>, ro_id: i64, number: &str, by: Actor<'_>) -> StoreResult<()> {
    let Some((tag_id, tag, holder)) = open_tag(tx, ro_id)? else {
        return Ok(());
    };
    if holder != KeyHolder::Customer {
        add_move(tx, tag_id, KeyHolder::Customer, "", by)?;
    }
    free_tag(tx, ro_id, tag_id, number, &tag, by)
}

fn free_tag(
    tx: &Transaction<'_>,
    ro_id: i64,
    tag_id: i64,
    number: &str,
    tag: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    tx.prepare_cached("UPDATE key_tags SET returned_at = ?2 WHERE id = ?1")?
        .execute(params![tag_id, by.at])?;
    let event = AuditEvent::KeyReturned {
        number: number.to_string(),
        tag: tag.to_string(),
    };
    audit(tx, by, ro_id, &event)
}

/// The delivery guard's view of the checks, read in the same transaction.
pub fn handover(conn: &Connection, ro_id: i64) -> StoreResult<crate::domain::checklist::Handover> {
    let check_in = sheet(conn, ro_id, Phase::CheckIn)?;
    let delivery = sheet(conn, ro_id, Phase::Delivery)?;
    Ok(crate::domain::checklist::Handover::of(
        check_in.as_ref(),
        delivery.as_ref(),
    ))
}
