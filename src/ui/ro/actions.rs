//! The editor's actions: the F9 menu shows only what the RO's state allows,
//! each with its letter (the `[ro_actions]` keymap section), and the same
//! letters work without the menu wherever no text field has the focus.
//! Desk actions open the shared desk dialogs; their writes carry the
//! version the advisor saw, and the store's guards have the last word.

use super::fields::FieldId;
use super::form::RoForm;
use super::save::{self, number};
use super::RoPane;
use crate::domain::draft::SearchHit;
use crate::domain::repair_order::{CustomerRef, LineKind, RoLine, VehicleRef};
use crate::domain::roles::Permission;
use crate::domain::settlement::Balance;
use crate::domain::{RepairOrder, RoStatus};
use crate::ui::board::moves;
use crate::ui::desk::{self, DeskPrompt, Target};
use crate::ui::effects::Write;
use crate::ui::keymap::{Action, KeyCombo, KeyContext};
use crate::ui::layer::{PickItem, Picker};
use crate::ui::pane::{Command, Ctx};

/// The actions menu's entries, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoAction {
    Save,
    Sign,
    Decline,
    Override,
    Move,
    Propose,
    AddedWorkCall,
    Progress,
    Quality,
    Pickup,
    Payment,
    Arrears,
    ExitNotice,
    Reopen,
    NewOwner,
    NewCar,
    Discard,
    Close,
}

impl RoAction {
    pub const ALL: [RoAction; 18] = [
        RoAction::Save,
        RoAction::Sign,
        RoAction::Decline,
        RoAction::Override,
        RoAction::Move,
        RoAction::Propose,
        RoAction::AddedWorkCall,
        RoAction::Progress,
        RoAction::Quality,
        RoAction::Pickup,
        RoAction::Payment,
        RoAction::Arrears,
        RoAction::ExitNotice,
        RoAction::Reopen,
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
            RoAction::Override => "act.override",
            RoAction::Move => "act.move",
            RoAction::Propose => "act.propose",
            RoAction::AddedWorkCall => "act.call",
            RoAction::Progress => "act.progress",
            RoAction::Quality => "act.quality",
            RoAction::Pickup => "act.pickup",
            RoAction::Payment => "act.payment",
            RoAction::Arrears => "act.arrears",
            RoAction::ExitNotice => "act.exit",
            RoAction::Reopen => "act.reopen",
            RoAction::NewOwner => "act.new_owner",
            RoAction::NewCar => "act.new_car",
            RoAction::Discard => "act.discard",
            RoAction::Close => "act.close",
        }
    }

    /// The keymap action behind the entry's letter.
    pub fn action(self) -> Action {
        match self {
            RoAction::Save => Action::Save,
            RoAction::Sign => Action::ActSign,
            RoAction::Decline => Action::ActDecline,
            RoAction::Override => Action::ActOverride,
            RoAction::Move => Action::ActMove,
            RoAction::Propose => Action::ActPropose,
            RoAction::AddedWorkCall => Action::ActCall,
            RoAction::Progress => Action::ActProgress,
            RoAction::Quality => Action::ActQuality,
            RoAction::Pickup => Action::ActPickup,
            RoAction::Payment => Action::ActPayment,
            RoAction::Arrears => Action::ActArrears,
            RoAction::ExitNotice => Action::ActExit,
            RoAction::Reopen => Action::ActReopen,
            RoAction::NewOwner => Action::ActNewOwner,
            RoAction::NewCar => Action::ActNewCar,
            RoAction::Discard => Action::ActDiscard,
            RoAction::Close => Action::Back,
        }
    }

    pub fn from_action(action: Action) -> Option<RoAction> {
        RoAction::ALL
            .into_iter()
            .find(|a| a.action() == action && *a != RoAction::Close)
    }

    /// Actions on the stored RO need it saved, with no edits pending.
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

impl RoAction {
    /// What the role table must allow for this action (None: anyone).
    pub fn permission(self) -> Option<Permission> {
        use Permission as P;
        Some(match self {
            RoAction::Save | RoAction::NewOwner | RoAction::NewCar => P::WriteRo,
            RoAction::Sign | RoAction::Decline => P::RecordSignature,
            RoAction::Override => P::OverrideDispatch,
            RoAction::Move => P::MoveCars,
            RoAction::Propose => P::ProposeAddedWork,
            RoAction::AddedWorkCall | RoAction::Pickup => P::CallCustomer,
            RoAction::Progress => P::CheckProgress,
            RoAction::Quality => P::QualityCheck,
            RoAction::Payment => P::TakePayment,
            RoAction::Arrears => P::AcceptArrears,
            RoAction::ExitNotice => P::IssueExitNotice,
            RoAction::Reopen => P::Reopen,
            RoAction::Discard | RoAction::Close => return None,
        })
    }
}

/// What fits the moment: the RO's state, its money, and what the user's
/// role may do (the role table in `domain::roles`).
pub fn available(pane: &RoPane, cx: &Ctx) -> Vec<RoAction> {
    let Some(form) = pane.form.as_ref() else {
        return Vec::new();
    };
    let ro = &form.ro;
    let saved = !form.is_new() && !form.is_dirty();
    let owed = balance(pane, cx).outstanding().0 > 0;
    let status = ro.status;
    let before_dispatch = matches!(status, RoStatus::CheckedIn | RoStatus::WaitingForBay);
    RoAction::ALL
        .into_iter()
        .filter(|a| a.permission().is_none_or(|p| cx.session.may(p)))
        .filter(|a| match a {
            RoAction::Save => !ro.is_closed() && (form.is_dirty() || form.is_new()),
            RoAction::Sign => saved && !ro.is_signed() && status.is_open(),
            RoAction::Decline => saved && !ro.is_signed() && status.can_move_to(RoStatus::Declined),
            RoAction::Override => saved && !ro.is_signed() && before_dispatch,
            RoAction::Move => saved && !status.allowed_next().is_empty(),
            RoAction::Propose => {
                saved && matches!(status, RoStatus::InBay | RoStatus::AwaitingApproval)
            }
            RoAction::AddedWorkCall => saved && ro.proposed().next().is_some(),
            RoAction::Progress => saved && status.in_workshop(),
            RoAction::Quality => {
                saved
                    && ro.desk.qc_passed.is_none()
                    && matches!(
                        status,
                        RoStatus::QualityCheck | RoStatus::Washing | RoStatus::ReadyForPickup
                    )
            }
            RoAction::Pickup => saved && status.is_open() && status != RoStatus::Booked,
            RoAction::Payment => saved && owed,
            RoAction::Arrears => {
                saved
                    && owed
                    && ro.desk.arrears.is_none()
                    && crate::domain::lifecycle::at_settlement(ro)
            }
            RoAction::ExitNotice => {
                saved && status == RoStatus::ReadyForPickup && ro.exit_notice_at.is_none()
            }
            RoAction::Reopen => status == RoStatus::Delivered && ro.desk.reopened.is_none(),
            RoAction::NewOwner | RoAction::NewCar => !ro.is_closed() && before_dispatch,
            RoAction::Discard => form.is_dirty(),
            RoAction::Close => true,
        })
        .collect()
}

fn balance(pane: &RoPane, cx: &Ctx) -> Balance {
    match pane.form.as_ref() {
        Some(form) => Balance::of(&form.ro, cx.session.settings.tax_rate_bp, &pane.payments),
        None => Balance::of(&RepairOrder::new(""), 0, &[]),
    }
}

/// The F9 menu: what fits now, each with its letter.
pub fn menu(pane: &RoPane, cx: &Ctx) -> Picker<RoAction> {
    let entries = available(pane, cx);
    let subject = pane
        .form
        .as_ref()
        .map(|f| number(f, cx))
        .unwrap_or_default();
    action_picker(cx.texts.get("act.title"), &subject, &entries, cx)
}

pub fn action_picker(
    title: &str,
    subject: &str,
    entries: &[RoAction],
    cx: &Ctx,
) -> Picker<RoAction> {
    let contexts = [KeyContext::RoActions, KeyContext::Editor];
    let items = entries
        .iter()
        .map(|a| {
            let key = contexts
                .iter()
                .find_map(|c| cx.keymap.first_combo(*c, a.action()));
            let shown = key.map(|k| k.to_string()).unwrap_or_default();
            let save = crate::ui::help::key_for(cx.keymap, KeyContext::Editor, Action::Save);
            let label = cx.texts.fill(a.text_key(), &[("key", &save)]);
            let mut item = PickItem::new(format!("{shown:<6} {label}"), *a);
            item.hotkey = key.filter(|k: &KeyCombo| k.is_plain());
            item
        })
        .collect();
    Picker::new(title, subject, items)
}

/// What an action does: a dialog, a write, or a change to the form.
pub fn on_action(pane: &mut RoPane, action: RoAction, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_ref() else {
        return Vec::new();
    };
    // A letter works without the menu: the role table is asked here too.
    if let Some(Err(why)) = action.permission().map(|p| cx.session.permit(p, cx.texts)) {
        return vec![Command::Warn(why)];
    }
    if action.needs_saved() && (form.is_new() || form.is_dirty()) {
        let key = crate::ui::help::key_for(cx.keymap, KeyContext::Editor, Action::Save);
        return vec![Command::Warn(
            cx.texts.fill("msg.save_first", &[("key", &key)]),
        )];
    }
    let target = Target {
        ro_id: form.ro.id.unwrap_or_default(),
        version: form.ro.version,
        number: form.ro.number.clone(),
    };
    let ro = &form.ro;
    let owed = balance(pane, cx).outstanding();
    let dialog = |purpose| desk::open(purpose, &target, cx);
    match action {
        RoAction::Save => save::save(pane, cx),
        RoAction::Discard => save::discard(pane, cx),
        RoAction::Close => save::close(pane, cx),
        RoAction::NewOwner | RoAction::NewCar => {
            change_party(pane, action);
            Vec::new()
        }
        RoAction::Move => move_menu(ro, cx),
        RoAction::ExitNotice => {
            let (ro_id, version) = (target.ro_id, target.version);
            let what = cx.texts.fill("what.exit", &[("ro", &target.number)]);
            vec![Command::write(Write::ExitNotice { ro_id, version }, what)]
        }
        RoAction::Propose => {
            let line = RoLine {
                kind: LineKind::Part,
                ..Default::default()
            };
            let rate = cx.session.settings.labour_rate;
            let editor = super::dialogs::LineEditor::new(None, line, true, rate);
            vec![Command::Push(Box::new(editor))]
        }
        RoAction::Pickup if !crate::domain::lifecycle::is_late(ro, cx.now) => {
            // On time: nothing to explain, the call is recorded as it is.
            let (ro_id, version) = (target.ro_id, target.version);
            let what = cx.texts.fill("what.call", &[("ro", &target.number)]);
            let late_reason = String::new();
            vec![Command::write(
                Write::PickupCall {
                    ro_id,
                    version,
                    late_reason,
                },
                what,
            )]
        }
        RoAction::Pickup => dialog(DeskPrompt::Pickup),
        RoAction::Sign => dialog(DeskPrompt::Sign {
            signer: ro.customer.name.clone(),
        }),
        RoAction::Decline => dialog(DeskPrompt::Decline),
        RoAction::Override => dialog(DeskPrompt::Override),
        RoAction::Progress => dialog(DeskPrompt::Progress {
            promised: ro.promised_at,
        }),
        RoAction::Quality => dialog(DeskPrompt::Quality),
        RoAction::Payment => dialog(DeskPrompt::Payment { owed }),
        RoAction::Arrears => dialog(DeskPrompt::Arrears { owed }),
        RoAction::Reopen => dialog(DeskPrompt::Reopen),
        RoAction::AddedWorkCall => {
            let items = ro
                .proposed()
                .filter_map(|l| l.id.map(|id| (id, item_label(l, cx))))
                .collect();
            dialog(DeskPrompt::AddedWorkCall { items })
        }
    }
}

/// "P-DISC Front discs ¥1,200.00" for a proposed item.
fn item_label(l: &RoLine, cx: &Ctx) -> String {
    let amount = crate::domain::pricing::line_amount(l);
    format!(
        "{} {}",
        l.description,
        cx.texts.money(amount, &cx.session.settings.currency_symbol)
    )
}

fn move_menu(ro: &RepairOrder, cx: &Ctx) -> Vec<Command> {
    match ro.id.and_then(|id| cx.board.card(id)) {
        Some(card) => moves::choose_status(card, cx.texts),
        None => vec![Command::Warn(
            cx.texts.fill("msg.no_moves", &[("ro", &ro.number)]),
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

/// A canned job becomes a labour line at the shop's rate, ready to edit.
pub fn add_canned(pane: &mut RoPane, i: usize, cx: &Ctx) {
    let (Some(job), Some(form)) = (pane.canned.get(i), pane.form.as_mut()) else {
        return;
    };
    let rate = cx.session.settings.labour_rate;
    let line = super::dialogs::labour(&job.op_code, &job.description, job.hours_milli, rate);
    form.push_line(line);
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
