//! Saving the editor's RO, closing it, discarding edits, and settling a
//! conflict with someone else's save. A save carries the RO as it was when
//! the edit began, so the store merges with a save made meanwhile when the
//! two touched different things; only a field changed on both sides comes
//! back to the advisor, shown in words.

use super::dialogs::conflict::{ConflictRow, ConflictView};
use super::fields::{choice_text, text_of, FieldId};
use super::form::RoForm;
use super::{Awaiting, RoAction, RoPane};
use crate::domain::conflict::{merge3, Conflict, Prefer, Resolution};
use crate::domain::RepairOrder;
use crate::ui::effects::{DraftOp, Read, Write};
use crate::ui::help::key_for;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::{PickItem, Picker};
use crate::ui::pane::{Command, Ctx};

/// "new RO" or its number, for messages.
pub fn number(form: &RoForm, cx: &Ctx) -> String {
    if form.ro.number.is_empty() {
        cx.texts.get("ro.new").to_string()
    } else {
        form.ro.number.clone()
    }
}

/// Refuses to leave unsaved edits behind by opening something else.
pub fn unsaved_first(form: &RoForm, cx: &Ctx) -> Command {
    let save = key_for(cx.keymap, KeyContext::Editor, Action::Save);
    Command::Warn(format!(
        "{}: {} — {} / {}",
        number(form, cx),
        cx.texts.get("ro.unsaved"),
        cx.texts.fill("act.save", &[("key", &save)]),
        cx.texts.get("act.discard")
    ))
}

/// Ctrl-S: checks at the fields, then the save goes to the writer. While it
/// waits, typing goes on; what is typed meanwhile stays on top of the saved RO.
pub fn save(pane: &mut RoPane, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_mut() else {
        return Vec::new();
    };
    let what = cx.texts.fill("what.save", &[("ro", &number(form, cx))]);
    if pane.saving.is_some() {
        // A second save would carry the old version and meet my own first one.
        let waiting = cx
            .texts
            .fill("msg.waiting", &[("what", &what), ("secs", "…")]);
        return vec![Command::Warn(waiting)];
    }
    if form.ro.is_closed() {
        let closed = crate::domain::lifecycle::Refusal::Closed;
        return vec![Command::Warn(closed.to_string())];
    }
    let threshold = cx.session.settings.discount_threshold_bp;
    let may_approve = cx
        .session
        .may(crate::domain::roles::Permission::ApproveDiscount);
    if !form.check(cx.now, may_approve, threshold) {
        let n = form.check_errors.len() + form.parse_errors.len();
        let msg = cx.texts.fill("msg.fix_fields", &[("n", &n.to_string())]);
        return vec![Command::Warn(msg)];
    }
    pane.saving = Some(form.ro.clone());
    let write = Write::SaveRo {
        ro: Box::new(form.ro.clone()),
        base: form.stored.clone().map(Box::new),
        keep_mine: false,
    };
    vec![Command::write(write, what)]
}

/// The conflict dialog: only the fields both sides changed, in words.
pub fn show_conflict(
    pane: &RoPane,
    message: String,
    theirs: RepairOrder,
    cx: &Ctx,
) -> Vec<Command> {
    let Some(form) = pane.form.as_ref() else {
        return Vec::new();
    };
    let base = form.stored.clone().unwrap_or_else(|| form.ro.clone());
    let (_, conflicts) = merge3(&base, &form.ro, &theirs, Prefer::Mine);
    let rows = conflicts
        .iter()
        .map(|c| describe(c, &form.ro, &theirs, cx))
        .collect();
    let view = ConflictView {
        message: message.clone(),
        rows,
        theirs,
    };
    vec![Command::Push(Box::new(view)), Command::Warn(message)]
}

/// Both sides' changes kept; the fields changed on both sides settled as
/// the advisor chose. "Keep mine" saves at once, recording what it
/// overwrote; "take theirs" leaves the result to review and save.
pub fn resolve(
    pane: &mut RoPane,
    resolution: Resolution,
    theirs: RepairOrder,
    cx: &Ctx,
) -> Vec<Command> {
    let Some(form) = pane.form.as_mut() else {
        return Vec::new();
    };
    let base = form.stored.clone().unwrap_or_else(|| form.ro.clone());
    let prefer = match resolution {
        Resolution::KeepMine => Prefer::Mine,
        Resolution::TakeTheirs => Prefer::Theirs,
    };
    let (merged, _) = merge3(&base, &form.ro, &theirs, prefer);
    let discard = form.draft_key();
    let keep = resolution == Resolution::KeepMine;
    *form = RoForm::new(merged, Some(theirs), cx.board.groups.clone(), cx.time);
    form.draft_pending = true;
    if !keep {
        return vec![Command::Drafts(DraftOp::Discard(discard))];
    }
    pane.saving = Some(form.ro.clone());
    let what = cx.texts.fill("what.save", &[("ro", &number(form, cx))]);
    let write = Write::SaveRo {
        ro: Box::new(form.ro.clone()),
        base: Some(Box::new(base)),
        keep_mine: true,
    };
    vec![Command::write(write, what)]
}

/// A conflicting field as a person reads it: its label, and both values.
fn describe(c: &Conflict, mine: &RepairOrder, theirs: &RepairOrder, cx: &Ctx) -> ConflictRow {
    let field = match c.field.as_str() {
        "customer.name" => Some(FieldId::Customer),
        "customer.phone" => Some(FieldId::Phone),
        "vehicle.plate" => Some(FieldId::Plate),
        "vehicle.vin" => Some(FieldId::Vin),
        "vehicle.make" => Some(FieldId::Make),
        "vehicle.model" => Some(FieldId::Model),
        "vin_override_reason" => Some(FieldId::VinReason),
        "odometer_in_km" => Some(FieldId::Odometer),
        "odometer_override_reason" => Some(FieldId::OdometerReason),
        "fuel_eighths" => Some(FieldId::Fuel),
        "category" => Some(FieldId::Category),
        "pricing" => Some(FieldId::Pricing),
        "promised_at" => Some(FieldId::Promised),
        "estimated_minutes" => Some(FieldId::Estimate),
        "work_group_id" => Some(FieldId::Group),
        "discount_bp" => Some(FieldId::Discount),
        "concerns" => Some(FieldId::Concerns),
        "diagnosis" => Some(FieldId::Diagnosis),
        _ => None,
    };
    let groups = &cx.board.groups;
    let shown = |ro: &RepairOrder, f: FieldId| match f.kind() {
        super::fields::Kind::Choice => choice_text(ro, f, groups, cx.texts),
        _ => text_of(ro, f, cx.time),
    };
    match field {
        Some(f) => ConflictRow {
            label: cx.texts.get(f.text_key()).to_string(),
            mine: shown(mine, f),
            theirs: shown(theirs, f),
        },
        None => ConflictRow {
            label: c.field.replace("lines[", "").replace(']', ""),
            mine: line_words(&c.mine, cx),
            theirs: line_words(&c.theirs, cx),
        },
    }
}

/// A line from its stored form, in words: "2 × ¥180.00 (approved)", or
/// "deleted".
fn line_words(v: &serde_json::Value, cx: &Ctx) -> String {
    let Ok(line) = serde_json::from_value::<crate::domain::repair_order::RoLine>(v.clone()) else {
        return cx.texts.get("conflict.deleted").to_string();
    };
    let cur = &cx.session.settings.currency_symbol;
    let mut words = format!(
        "{} × {}",
        super::dialogs::milli_text(line.quantity_milli),
        cx.texts.money(line.unit_price, cur)
    );
    if line.approval != crate::domain::repair_order::Approval::Original {
        let approval = cx.texts.get(&format!("ro.{}", line.approval.code()));
        words = format!("{words} ({approval})");
    }
    words
}

/// Esc: close the RO; with unsaved changes, ask first.
pub fn close(pane: &mut RoPane, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_ref() else {
        return Vec::new();
    };
    if !form.is_dirty() {
        pane.form = None;
        return Vec::new();
    }
    let save = key_for(cx.keymap, KeyContext::Editor, Action::Save);
    let items = vec![
        PickItem::new(cx.texts.fill("act.save", &[("key", &save)]), RoAction::Save),
        PickItem::new(cx.texts.get("act.discard"), RoAction::Discard),
    ];
    let picker = Picker::new(cx.texts.get("ro.unsaved"), &form.ro.number, items);
    vec![Command::Push(Box::new(picker))]
}

/// Throws my edits away (and their draft), back to the stored RO if any.
pub fn discard(pane: &mut RoPane, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.take() else {
        return Vec::new();
    };
    let mut commands = vec![
        Command::Drafts(DraftOp::Discard(form.draft_key())),
        Command::Notice(cx.texts.get("msg.discarded").into()),
    ];
    if let Some(id) = form.ro.id {
        pane.awaiting = Some(Awaiting::Open);
        commands.push(Command::Read(Read::Ro(id)));
    }
    commands
}
