//! The actions menu (F9) and what each entry does: a dialog to fill in, a
//! write to the store, or a change to the form. Writes carry the version the
//! advisor saw, so someone else's change meets a conflict, not an overwrite.

use super::dialogs::{labour, one_line, LineEditor, Prompt, PromptInput, PromptPurpose, Prompted};
use super::fields::FieldId;
use super::form::RoForm;
use super::{Awaiting, RoPane};
use crate::domain::added_work::{AddedWorkCall, Channel, Decision};
use crate::domain::conflict::{resolve, Resolution};
use crate::domain::draft::SearchHit;
use crate::domain::repair_order::{CustomerRef, LineKind, RoLine, VehicleRef};
use crate::domain::validate::parse_money;
use crate::domain::RepairOrder;
use crate::ui::board::moves;
use crate::ui::effects::{DraftOp, Read, Write};
use crate::ui::help::key_for;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::{PickItem, Picker};
use crate::ui::pane::{Command, Ctx};

/// The actions menu's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoAction {
    Save,
    Sign,
    Decline,
    Move,
    Propose,
    AddedWorkCall,
    Progress,
    Pickup,
    Payment,
    ExitNotice,
    NewOwner,
    NewCar,
    Discard,
    Close,
}

impl RoAction {
    pub const ALL: [RoAction; 14] = [
        RoAction::Save,
        RoAction::Sign,
        RoAction::Decline,
        RoAction::Move,
        RoAction::Propose,
        RoAction::AddedWorkCall,
        RoAction::Progress,
        RoAction::Pickup,
        RoAction::Payment,
        RoAction::ExitNotice,
        RoAction::NewOwner,
        RoAction::NewCar,
        RoAction::Discard,
        RoAction::Close,
    ];

    pub fn text_key(self) -> &'static str {
        match self {
            RoAction::Save => "act.save",
            RoAction::Sign => "act.sign",
            RoAction::Decline => "act.decline",
            RoAction::Move => "act.move",
            RoAction::Propose => "act.propose",
            RoAction::AddedWorkCall => "act.call",
            RoAction::Progress => "act.progress",
            RoAction::Pickup => "act.pickup",
            RoAction::Payment => "act.payment",
            RoAction::ExitNotice => "act.exit",
            RoAction::NewOwner => "act.new_owner",
            RoAction::NewCar => "act.new_car",
            RoAction::Discard => "act.discard",
            RoAction::Close => "act.close",
        }
    }

    /// Actions that work on the stored RO need it saved, with no edits pending.
    pub fn needs_saved(self) -> bool {
        !matches!(
            self,
            RoAction::Save
                | RoAction::NewOwner
                | RoAction::NewCar
                | RoAction::Discard
                | RoAction::Close
        )
    }
}

fn action_picker(title: &str, subject: &str, entries: &[RoAction], cx: &Ctx) -> Picker<RoAction> {
    let save_key = key_for(cx.keymap, KeyContext::Editor, Action::Save);
    let items = entries
        .iter()
        .map(|a| {
            let label = cx.texts.fill(a.text_key(), &[("key", &save_key)]);
            PickItem::new(label, *a)
        })
        .collect();
    Picker::new(title, subject, items)
}

pub fn menu(form: &RoForm, cx: &Ctx) -> Picker<RoAction> {
    action_picker(
        cx.texts.get("act.title"),
        &form.ro.number,
        &RoAction::ALL,
        cx,
    )
}

/// "new RO" or its number, for messages.
fn number(form: &RoForm, cx: &Ctx) -> String {
    if form.ro.number.is_empty() {
        cx.texts.get("ro.new").to_string()
    } else {
        form.ro.number.clone()
    }
}

/// Refuses to leave unsaved edits behind by opening something else.
pub fn unsaved_first(form: &RoForm, cx: &Ctx) -> Command {
    let ro = number(form, cx);
    Command::Warn(format!(
        "{ro}: {} — {} / {}",
        cx.texts.get("ro.unsaved"),
        cx.texts.get("act.save"),
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
        return vec![Command::Warn(
            cx.texts
                .fill("msg.waiting", &[("what", &what), ("secs", "…")]),
        )];
    }
    let threshold = cx.session.settings.discount_threshold_bp;
    if !form.check(cx.now, cx.session.is_manager(), threshold) {
        let n = form.check_errors.len() + form.parse_errors.len();
        let msg = cx.texts.fill("msg.fix_fields", &[("n", &n.to_string())]);
        return vec![Command::Warn(msg)];
    }
    pane.saving = Some(form.ro.clone());
    let write = Write::SaveRo {
        ro: Box::new(form.ro.clone()),
        over_version: None,
    };
    vec![Command::write(write, what)]
}

/// "Keep mine": my fields over their version, saved knowingly.
pub fn save_over(pane: &mut RoPane, theirs: RepairOrder, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_mut() else {
        return Vec::new();
    };
    let over = theirs.version;
    form.ro = resolve(form.ro.clone(), theirs.clone(), Resolution::KeepMine);
    form.stored = Some(theirs);
    pane.saving = Some(form.ro.clone());
    let what = cx.texts.fill("what.save", &[("ro", &number(form, cx))]);
    let write = Write::SaveRo {
        ro: Box::new(form.ro.clone()),
        over_version: Some(over),
    };
    vec![Command::write(write, what)]
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
    let entries = [RoAction::Save, RoAction::Discard];
    let picker = action_picker(cx.texts.get("ro.unsaved"), &form.ro.number, &entries, cx);
    vec![Command::Push(Box::new(picker))]
}

/// Throws my edits away (and their draft), back to the stored RO if any.
fn discard(pane: &mut RoPane, cx: &Ctx) -> Vec<Command> {
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

fn text(label: &str, value: &str) -> (String, PromptInput) {
    (
        label.to_string(),
        PromptInput::Text(Box::new(one_line(value))),
    )
}

fn choice(label: &str, options: &[&str]) -> (String, PromptInput) {
    let options = options.iter().map(|s| s.to_string()).collect();
    (label.to_string(), PromptInput::Choice(options, 0))
}

fn prompt(title: &str, purpose: PromptPurpose, fields: Vec<(String, PromptInput)>) -> Command {
    Command::Push(Box::new(Prompt::new(title, purpose, fields)))
}

/// What an entry of the actions menu does.
pub fn on_action(pane: &mut RoPane, action: RoAction, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_ref() else {
        return Vec::new();
    };
    if action.needs_saved() && (form.is_new() || form.is_dirty()) {
        let key = key_for(cx.keymap, KeyContext::Editor, Action::Save);
        return vec![Command::Warn(
            cx.texts.fill("msg.save_first", &[("key", &key)]),
        )];
    }
    let t = cx.texts;
    let hm = cx.time.local(cx.now).format("%H:%M").to_string();
    let command = match action {
        RoAction::Save => return save(pane, cx),
        RoAction::Discard => return discard(pane, cx),
        RoAction::Close => return close(pane, cx),
        RoAction::NewOwner | RoAction::NewCar => {
            change_party(pane, action);
            return Vec::new();
        }
        RoAction::Move => return move_menu(form, cx),
        RoAction::Progress => desk(form, cx, "what.check", |ro_id, version| {
            Write::ProgressCheck { ro_id, version }
        }),
        RoAction::ExitNotice => desk(form, cx, "what.exit", |ro_id, version| Write::ExitNotice {
            ro_id,
            version,
        }),
        RoAction::Sign => prompt(
            t.get("act.sign"),
            PromptPurpose::Sign,
            vec![text(t.get("prompt.signer"), &form.ro.customer.name)],
        ),
        RoAction::Decline => prompt(
            t.get("act.decline"),
            PromptPurpose::Decline,
            vec![text(t.get("prompt.decline"), "")],
        ),
        RoAction::Pickup => prompt(
            t.get("act.pickup"),
            PromptPurpose::PickupCall,
            vec![text(t.get("prompt.late_reason"), "")],
        ),
        RoAction::Payment => prompt(
            t.get("act.payment"),
            PromptPurpose::Payment,
            vec![
                text(t.get("prompt.amount"), &owed(pane, cx)),
                choice(
                    t.get("prompt.method"),
                    &["cash", "card", "wechat", "alipay", "transfer"],
                ),
            ],
        ),
        RoAction::AddedWorkCall => prompt(
            t.get("act.call"),
            PromptPurpose::AddedWorkCall,
            vec![
                choice(t.get("prompt.decision"), &["approved", "declined"]),
                choice(t.get("prompt.channel"), &["phone", "in_person", "message"]),
                text(t.get("prompt.told"), ""),
                text(t.get("prompt.delay"), "0"),
                text(t.get("prompt.asked"), &hm),
                text(t.get("prompt.answered"), &hm),
            ],
        ),
        RoAction::Propose => {
            let line = RoLine {
                kind: LineKind::Part,
                ..Default::default()
            };
            let rate = cx.session.settings.labour_rate;
            Command::Push(Box::new(LineEditor::new(None, line, true, rate)))
        }
    };
    vec![command]
}

/// What the customer still owes on the open RO, as typed money.
fn owed(pane: &RoPane, cx: &Ctx) -> String {
    let Some(form) = &pane.form else {
        return String::new();
    };
    let tax = cx.session.settings.tax_rate_bp;
    let due = crate::domain::pricing::totals(&form.ro.lines, form.ro.discount_bp, tax);
    let owed = crate::domain::settlement::balance(due.customer_due(), &pane.payments);
    owed.format("").replace(',', "")
}

/// A write about the stored RO, with the version the advisor saw.
fn desk(form: &RoForm, cx: &Ctx, what: &str, write: impl FnOnce(i64, i64) -> Write) -> Command {
    let (id, version) = (form.ro.id.unwrap_or_default(), form.ro.version);
    let what = cx.texts.fill(what, &[("ro", &form.ro.number)]);
    Command::write(write(id, version), what)
}

fn move_menu(form: &RoForm, cx: &Ctx) -> Vec<Command> {
    let card = form.ro.id.and_then(|id| cx.board.card(id));
    match card {
        Some(card) => moves::choose_status(card, cx.texts),
        None => vec![Command::Warn(
            cx.texts.fill("msg.no_moves", &[("ro", &form.ro.number)]),
        )],
    }
}

/// Another owner for this car, or another car for this customer: a new
/// record, so retyping never renames the one picked in the search.
fn change_party(pane: &mut RoPane, action: RoAction) {
    let Some(form) = pane.form.as_mut() else {
        return;
    };
    if action == RoAction::NewOwner {
        form.ro.customer = CustomerRef::default();
        form.ro.new_owner = true;
        form.reset_inputs();
        form.focus_on(FieldId::Customer);
    } else {
        form.ro.vehicle = VehicleRef::default();
        form.ro.vin_override_reason.clear();
        form.reset_inputs();
        form.focus_on(FieldId::Plate);
    }
}

/// A prompt was filled in: the write it asks for, or what is wrong with it.
pub fn prompted(pane: &mut RoPane, p: Prompted, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_ref() else {
        return Vec::new();
    };
    let v = &p.values;
    let command = match p.purpose {
        PromptPurpose::Sign => {
            let signer = v[0].clone();
            desk(form, cx, "what.sign", |ro_id, version| Write::Sign {
                ro_id,
                version,
                signer,
            })
        }
        PromptPurpose::Decline if v[0].eq_ignore_ascii_case("yes") => {
            desk(form, cx, "what.decline", |ro_id, version| Write::Decline {
                ro_id,
                version,
            })
        }
        PromptPurpose::Decline => return Vec::new(),
        PromptPurpose::PickupCall => {
            let late_reason = v[0].clone();
            desk(form, cx, "what.call", |ro_id, version| Write::PickupCall {
                ro_id,
                version,
                late_reason,
            })
        }
        PromptPurpose::AddedWorkCall => match added_work_call(v, cx) {
            Ok(call) => desk(form, cx, "what.answer", |ro_id, version| {
                Write::AddedWorkCall {
                    ro_id,
                    version,
                    call,
                }
            }),
            Err(msg) => Command::Warn(msg),
        },
        PromptPurpose::Payment => match parse_money(&v[0]) {
            Some(amount) => {
                let method = v[1].clone();
                desk(form, cx, "what.pay", |ro_id, _| Write::Pay {
                    ro_id,
                    amount,
                    method,
                })
            }
            None => Command::Warn("type an amount, e.g. 500 or 752.58".into()),
        },
    };
    vec![command]
}

/// The call record from the prompt: answer, channel, who was told, delay,
/// and the times asked and answered (told is now).
fn added_work_call(v: &[String], cx: &Ctx) -> Result<AddedWorkCall, String> {
    let at = |s: &str, what: &str| {
        cx.time
            .parse(s, cx.now)
            .ok_or_else(|| format!("{what}: type a time like 14:05"))
    };
    Ok(AddedWorkCall {
        decision: if v[0] == "declined" {
            Decision::Declined
        } else {
            Decision::Approved
        },
        channel: match v[1].as_str() {
            "in_person" => Channel::InPerson,
            "message" => Channel::Message,
            _ => Channel::Phone,
        },
        workshop_told: v[2].clone(),
        delay_minutes: v[3]
            .trim()
            .parse()
            .map_err(|_| "extra minutes: type a whole number".to_string())?,
        asked_at: at(&v[4], "asked at")?,
        answered_at: at(&v[5], "answered at")?,
        workshop_told_at: cx.now,
    })
}

/// A canned job becomes a labour line at the shop's rate, ready to edit.
pub fn add_canned(pane: &mut RoPane, i: usize, cx: &Ctx) {
    let (Some(job), Some(form)) = (pane.canned.get(i), pane.form.as_mut()) else {
        return;
    };
    let rate = cx.session.settings.labour_rate;
    form.push_line(labour(
        &job.op_code,
        &job.description,
        job.hours_milli,
        rate,
    ));
}

/// A new RO, for a car found by the search or for a new customer and car
/// (the typed text goes where it looks like it belongs).
pub fn new_form(hit: Option<SearchHit>, query: &str, cx: &Ctx) -> RoForm {
    let mut r = RepairOrder::new(&cx.session.login);
    let mut focus = FieldId::Customer;
    match hit {
        Some(h) => {
            r.customer = CustomerRef {
                id: Some(h.customer_id),
                name: h.customer,
                phone: h.phone,
            };
            r.vehicle = VehicleRef {
                id: Some(h.vehicle_id),
                vin: h.vin,
                plate: h.plate,
                make: h.make,
                model: h.model,
                last_odometer_km: h.last_odometer_km,
            };
            focus = FieldId::Odometer;
        }
        None => guess_query(&mut r, query.trim()),
    }
    r.fuel_eighths = Some(4);
    let mut form = RoForm::new(r, None, cx.board.groups.clone(), cx.time);
    form.focus_on(focus);
    form
}

fn guess_query(r: &mut RepairOrder, q: &str) {
    let digits = q.chars().filter(char::is_ascii_digit).count();
    let alnum = q.chars().all(|c| c.is_ascii_alphanumeric());
    if q.is_empty() {
    } else if alnum && q.len() == 17 {
        r.vehicle.vin = q.to_uppercase();
    } else if digits >= 7 && q.chars().all(|c| c.is_ascii_digit() || " -+()".contains(c)) {
        r.customer.phone = q.to_string();
    } else if digits > 0 {
        r.vehicle.plate = crate::domain::plate::normalize_plate(q);
    } else {
        r.customer.name = q.to_string();
    }
}
