//! The vehicle-items checklist and the key cabinet on the group server.
//! Each phase's list is saved whole against its version under the RO's row
//! lock; keys hang on the working shop's own hooks (each shop has its own
//! cabinet), handed out under a per-shop lock so two advisors asking at
//! once get two hooks. The rules are `domain::checklist`'s, as on SQLite.

use super::admin::{permit, settings};
use super::audit::append as audit;
use super::ro::{load, lock};
use crate::domain::audit::AuditEvent;
use crate::domain::checklist::keys::{
    check_hand_over, check_hook, first_free, KeyCustody, KeyError, KeyHolder, KeyMove, TagRequest,
};
use crate::domain::checklist::{
    changes_in_words, check_save, check_sign, Acknowledged, Answers, Category, DamageKind, Entry,
    Handover, OldParts, Phase, Sheet,
};
use crate::domain::lifecycle::Refusal;
use crate::domain::roles::Permission;
use crate::domain::text::{clean_line, clean_multiline};
use crate::domain::RepairOrder;
use crate::store::{Actor, Readings, SaveSheet, Sheets, StoreError, StoreResult};
use postgres::GenericClient;

pub fn sheets(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<Sheets> {
    Ok(Sheets {
        check_in: sheet(c, ro_id, Phase::CheckIn)?,
        delivery: sheet(c, ro_id, Phase::Delivery)?,
        answers: answers(c, ro_id)?,
        key: custody(c, ro_id)?,
    })
}

/// The delivery guard's view of the checks, read in the same transaction.
pub(super) fn handover(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<Handover> {
    let check_in = sheet(c, ro_id, Phase::CheckIn)?;
    let delivery = sheet(c, ro_id, Phase::Delivery)?;
    Ok(Handover::of(check_in.as_ref(), delivery.as_ref()))
}

fn sheet(c: &mut impl GenericClient, ro_id: i64, phase: Phase) -> StoreResult<Option<Sheet>> {
    let Some(head) = c.query_opt(
        "SELECT version, acknowledged_by, acknowledged_at FROM checklists WHERE ro_id = $1 AND phase = $2",
        &[&ro_id, &phase.code()],
    )?
    else {
        return Ok(None);
    };
    let ack = head
        .get::<_, Option<String>>(1)
        .zip(head.get(2))
        .map(|(name, at)| Acknowledged { name, at });
    let entries = c
        .query(
            "SELECT category, item, present <> 0, valid <> 0, quantity, damage_kind, severity, note,
                    checked <> 0, explanation
             FROM checklist_entries WHERE ro_id = $1 AND phase = $2 ORDER BY sort, id",
            &[&ro_id, &phase.code()],
        )?
        .iter()
        .filter_map(|r| {
            let category = Category::from_code(r.get(0))?;
            let kind: Option<String> = r.get(5);
            let severity: Option<i64> = r.get(6);
            Some(Entry {
                category,
                item: r.get(1),
                present: r.get(2),
                valid: r.get(3),
                quantity: r.get(4),
                damage: kind
                    .and_then(|k| DamageKind::from_code(&k))
                    .map(|k| (k, severity.unwrap_or(1))),
                note: r.get(7),
                checked: r.get(8),
                explanation: r.get(9),
            })
        })
        .collect();
    Ok(Some(Sheet {
        phase,
        version: head.get(0),
        entries,
        acknowledged: ack,
    }))
}

/// The car left: its key went with the customer and its hook is free.
pub(super) fn release_key(
    c: &mut impl GenericClient,
    ro_id: i64,
    number: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    let Some(r) = c.query_opt(
        "SELECT id, tag, holder FROM key_tags WHERE ro_id = $1 AND returned_at IS NULL",
        &[&ro_id],
    )?
    else {
        return Ok(());
    };
    let (tag_id, tag, holder): (i64, String, String) = (r.get(0), r.get(1), r.get(2));
    if KeyHolder::from_code(&holder) != Some(KeyHolder::Customer) {
        c.execute(
            "INSERT INTO key_moves (key_tag_id, holder, person, at, by_user) VALUES ($1, 'customer', '', $2, $3)",
            &[&tag_id, &by.at, &by.user_id],
        )?;
        c.execute(
            "UPDATE key_tags SET holder = 'customer' WHERE id = $1",
            &[&tag_id],
        )?;
    }
    c.execute(
        "UPDATE key_tags SET returned_at = $2 WHERE id = $1",
        &[&tag_id, &by.at],
    )?;
    let event = AuditEvent::KeyReturned {
        number: number.to_string(),
        tag,
    };
    audit(c, by, ro_id, &event)
}

fn answers(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<Answers> {
    let r = c
        .query_opt(
            "SELECT wash_requested <> 0, old_parts, customer_waiting <> 0, covers_fitted <> 0
             FROM repair_orders WHERE id = $1",
            &[&ro_id],
        )?
        .ok_or_else(|| StoreError::NotFound(format!("RO {ro_id}")))?;
    Ok(Answers {
        wash: r.get(0),
        old_parts: OldParts::from_code(r.get(1)).unwrap_or_default(),
        waiting: r.get(2),
        covers: r.get(3),
    })
}

/// The RO's key: its latest tag (open or returned) and its hand-overs.
fn custody(c: &mut impl GenericClient, ro_id: i64) -> StoreResult<Option<KeyCustody>> {
    let Some(r) = c.query_opt(
        "SELECT id, tag, holder, returned_at IS NOT NULL FROM key_tags
         WHERE ro_id = $1 ORDER BY id DESC LIMIT 1",
        &[&ro_id],
    )?
    else {
        return Ok(None);
    };
    let id: i64 = r.get(0);
    let moves = c
        .query(
            "SELECT m.holder, m.person, coalesce(u.login, ''), m.at FROM key_moves m
             LEFT JOIN users u ON u.id = m.by_user WHERE m.key_tag_id = $1 ORDER BY m.id",
            &[&id],
        )?
        .iter()
        .map(|m| KeyMove {
            to: KeyHolder::from_code(m.get(0)).unwrap_or(KeyHolder::Advisor),
            person: m.get(1),
            by: m.get(2),
            at: m.get(3),
        })
        .collect();
    Ok(Some(KeyCustody {
        tag: r.get(1),
        holder: KeyHolder::from_code(r.get(2)).unwrap_or(KeyHolder::Advisor),
        returned: r.get(3),
        moves,
    }))
}

/// Saves one phase's list (and at check-in the questions, the readings and
/// a key tag) in one transaction, under the RO's row lock.
pub fn save(tx: &mut impl GenericClient, req: &SaveSheet<'_>, by: Actor<'_>) -> StoreResult<()> {
    permit(tx, by, Permission::RecordChecklist)?;
    lock(tx, req.ro_id)?;
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
    if let Some(a) = &req.answers {
        changes.extend(save_answers(tx, req.ro_id, a)?);
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

/// Fuel and odometer live on the RO: saved through the RO's own save, with
/// its rules and its audit line.
fn save_readings(
    tx: &mut impl GenericClient,
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
        return Err(StoreError::Invalid(
            "the fuel gauge reads 0 (E) to 8 (F) eighths".into(),
        ));
    }
    if r.odometer.is_some() && r.odometer != ro.odometer_in_km {
        let last = ro.vehicle.last_odometer_km;
        crate::domain::validate::check_odometer(r.odometer, last, &r.odometer_reason)
            .map_err(|e| StoreError::Invalid(e.message))?;
    }
    super::ro::save(tx, &crate::store::SaveRo::new(&next), by)?;
    Ok(())
}

fn save_answers(tx: &mut impl GenericClient, ro_id: i64, a: &Answers) -> StoreResult<Vec<String>> {
    let changes = a.changes_since(&answers(tx, ro_id)?);
    if !changes.is_empty() {
        tx.execute(
            "UPDATE repair_orders SET wash_requested = $2, old_parts = $3, customer_waiting = $4,
                    covers_fitted = $5
             WHERE id = $1",
            &[
                &ro_id,
                &i64::from(a.wash),
                &a.old_parts.code(),
                &i64::from(a.waiting),
                &i64::from(a.covers),
            ],
        )?;
    }
    Ok(changes)
}

fn write_entries(
    tx: &mut impl GenericClient,
    ro_id: i64,
    sheet: &Sheet,
    by: Actor<'_>,
) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM checklist_entries WHERE ro_id = $1 AND phase = $2",
        &[&ro_id, &sheet.phase.code()],
    )?;
    let insert = tx.prepare(
        "INSERT INTO checklist_entries (ro_id, phase, category, item, present, valid, quantity,
             damage_kind, severity, note, checked, explanation, sort, recorded_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )?;
    for (i, e) in sheet.entries.iter().enumerate() {
        tx.execute(
            &insert,
            &[
                &ro_id,
                &sheet.phase.code(),
                &e.category.code(),
                &clean_line(e.item.trim()),
                &i64::from(e.present),
                &i64::from(e.valid),
                &e.quantity,
                &e.damage.map(|(k, _)| k.code()),
                &e.damage.map(|(_, s)| s),
                &clean_multiline(&e.note),
                &i64::from(e.checked),
                &clean_multiline(&e.explanation),
                &(i as i64),
                &by.at,
                &by.user_id,
            ],
        )?;
    }
    Ok(())
}

fn bump_sheet(
    tx: &mut impl GenericClient,
    ro_id: i64,
    phase: Phase,
    by: Actor<'_>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO checklists (ro_id, phase, version, updated_at, updated_by)
         VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (ro_id, phase) DO UPDATE
             SET version = checklists.version + 1, updated_at = $3, updated_by = $4",
        &[&ro_id, &phase.code(), &by.at, &by.user_id],
    )?;
    Ok(())
}

/// The customer signs a list: at check-in, the list as saved; at delivery,
/// once every item is confirmed and every difference resolved or explained.
pub fn acknowledge(
    tx: &mut impl GenericClient,
    ro_id: i64,
    phase: Phase,
    version: i64,
    name: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::RecordChecklist)?;
    lock(tx, ro_id)?;
    let ro = load(tx, ro_id)?;
    let check_in = sheet(tx, ro_id, Phase::CheckIn)?;
    let list = match phase {
        Phase::CheckIn => check_in.clone(),
        Phase::Delivery => sheet(tx, ro_id, Phase::Delivery)?,
    };
    let name = check_sign(&ro, phase, version, name, list.as_ref(), check_in.as_ref())?;
    tx.execute(
        "UPDATE checklists SET acknowledged_by = $3, acknowledged_at = $4, version = version + 1
         WHERE ro_id = $1 AND phase = $2",
        &[&ro_id, &phase.code(), &name, &by.at],
    )?;
    let event = AuditEvent::ChecklistAcknowledged {
        number: ro.number,
        phase: phase.code(),
        name,
    };
    audit(tx, by, ro_id, &event)
}

/// Hangs the RO's key on a hook of this shop's cabinet: the one asked for
/// if it is free, else the first free one. The cabinet's lock makes two
/// advisors asking at once take turns; the unique index is the last word.
pub fn assign_tag(
    tx: &mut impl GenericClient,
    ro_id: i64,
    req: TagRequest,
    by: Actor<'_>,
) -> StoreResult<String> {
    permit(tx, by, Permission::HandOverKey)?;
    lock(tx, ro_id)?;
    tx.query_one(
        "SELECT pg_advisory_xact_lock(73180000 + frontdesk_shop())::text",
        &[],
    )?;
    let ro = load(tx, ro_id)?;
    if !ro.status.is_open() {
        return Err(Refusal::Closed.into());
    }
    if let Some((_, tag, _)) = open_tag(tx, ro_id)? {
        return Err(KeyError::AlreadyTagged(tag).into());
    }
    let (first, last) = settings(tx)?.key_hooks;
    let hook = match req {
        TagRequest::Auto => first_free(&hooks_in_use(tx)?, first, last)?,
        TagRequest::Hook(n) => {
            check_hook(n, first, last)?;
            if let Some((number, plate)) = holder_of(tx, n)? {
                let tag = n.to_string();
                return Err(KeyError::TagInUse {
                    tag,
                    ro: number,
                    plate,
                }
                .into());
            }
            n
        }
    };
    let tag = hook.to_string();
    let tag_id: i64 = tx
        .query_one(
            "INSERT INTO key_tags (tag, ro_id, issued_at, holder) VALUES ($1, $2, $3, 'advisor')
             RETURNING id",
            &[&tag, &ro_id, &by.at],
        )?
        .get(0);
    add_move(tx, tag_id, KeyHolder::Advisor, by.login, by)?;
    let event = AuditEvent::KeyTagged {
        number: ro.number,
        tag: tag.clone(),
    };
    audit(tx, by, ro_id, &event)?;
    Ok(tag)
}

/// The hooks in use in this shop's cabinet (a tag that is not a number,
/// as an import may bring, holds no hook).
fn hooks_in_use(tx: &mut impl GenericClient) -> StoreResult<Vec<i64>> {
    Ok(tx
        .query(
            "SELECT tag::bigint FROM key_tags
             WHERE returned_at IS NULL AND shop_id = frontdesk_shop() AND tag ~ '^[0-9]{1,18}$'",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

/// The RO number and plate of the car whose key hangs on `hook` here.
fn holder_of(tx: &mut impl GenericClient, hook: i64) -> StoreResult<Option<(String, String)>> {
    Ok(tx
        .query_opt(
            "SELECT ro.number, v.plate FROM key_tags k JOIN repair_orders ro ON ro.id = k.ro_id
             JOIN vehicles v ON v.id = ro.vehicle_id
             WHERE k.tag = $1 AND k.returned_at IS NULL AND k.shop_id = frontdesk_shop()",
            &[&hook.to_string()],
        )?
        .map(|r| (r.get(0), r.get(1))))
}

fn add_move(
    tx: &mut impl GenericClient,
    tag_id: i64,
    to: KeyHolder,
    person: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO key_moves (key_tag_id, holder, person, at, by_user) VALUES ($1, $2, $3, $4, $5)",
        &[&tag_id, &to.code(), &clean_line(person.trim()), &by.at, &by.user_id],
    )?;
    tx.execute(
        "UPDATE key_tags SET holder = $2 WHERE id = $1",
        &[&tag_id, &to.code()],
    )?;
    Ok(())
}

/// The RO's key on its hook now: the row's id, the tag, who holds it.
fn open_tag(
    tx: &mut impl GenericClient,
    ro_id: i64,
) -> StoreResult<Option<(i64, String, KeyHolder)>> {
    Ok(tx
        .query_opt(
            "SELECT id, tag, holder FROM key_tags WHERE ro_id = $1 AND returned_at IS NULL",
            &[&ro_id],
        )?
        .map(|r| {
            let holder = KeyHolder::from_code(r.get(2)).unwrap_or(KeyHolder::Advisor);
            (r.get(0), r.get(1), holder)
        }))
}

/// Records who takes the key next. The customer gets it with the exit
/// notice, and that frees the hook.
pub fn hand_over(
    tx: &mut impl GenericClient,
    ro_id: i64,
    to: KeyHolder,
    person: &str,
    by: Actor<'_>,
) -> StoreResult<()> {
    permit(tx, by, Permission::HandOverKey)?;
    lock(tx, ro_id)?;
    let ro = load(tx, ro_id)?;
    let custody = custody(tx, ro_id)?;
    check_hand_over(custody.as_ref(), to, ro.exit_notice_at.is_some())?;
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
        release_key(tx, ro_id, &ro.number, by)?;
    }
    Ok(())
}
