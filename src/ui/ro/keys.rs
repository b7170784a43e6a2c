//! Keys in the RO pane: a dialog first, then the editor's own keys, then the
//! lines table, then the focused field, then the global keys. Inside a text
//! field only keys that never type (F-keys, Ctrl-…) reach the global ones.

use super::dialogs::{labour, LineEditor, Prompt, PromptInput, PromptPurpose, RoOutcome};
use super::fields::FieldId;
use super::form::RoForm;
use super::{DeskOp, Dialog, RoAction, RoEffect};
use crate::domain::conflict::Resolution;
use crate::domain::draft::SearchHit;
use crate::domain::repair_order::{LineKind, RoLine};
use crate::domain::RepairOrder;
use crate::ui::app::App;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::overlay::{Overlay, PickItem, PickPurpose, PickValue, Picker};
use crate::ui::Effect;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn ro(e: RoEffect) -> Vec<Effect> {
    vec![Effect::Ro(Box::new(e))]
}

pub fn handle(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if let Some(outcome) = app.ro.dialog_key(key) {
        return outcome.map(|o| on_outcome(app, o)).unwrap_or_default();
    }
    if app.ro.form.is_none() {
        return match app
            .keymap
            .resolve(&[KeyContext::List, KeyContext::Global], key)
        {
            Some(Action::New | Action::Search) => {
                app.ro.open_finder();
                Vec::new()
            }
            Some(action) => app.global_action(action),
            None => Vec::new(),
        };
    }
    if let Some(action) = app.keymap.resolve(&[KeyContext::Editor], key) {
        return editor_action(app, action);
    }
    let now = app.now;
    let form = app.ro.form.as_mut().expect("checked above");
    if form.field() == FieldId::Lines {
        if let Some(action) = app.keymap.resolve(&[KeyContext::Lines], key) {
            return lines_action(app, action);
        }
    } else if form.edit_key(key, now) {
        return Vec::new();
    }
    let form = app.ro.form.as_mut().expect("checked above");
    if key.code == KeyCode::Enter && form.field().is_text() {
        form.next_field();
        return Vec::new();
    }
    let typing = form.field().is_text();
    let non_typing =
        matches!(key.code, KeyCode::F(_)) || key.modifiers.contains(KeyModifiers::CONTROL);
    if typing && !non_typing {
        return Vec::new();
    }
    match app.keymap.resolve(&[KeyContext::Global], key) {
        Some(action) => app.global_action(action),
        None => Vec::new(),
    }
}

/// A paste goes to the open dialog's focused input, else to the focused field.
pub fn paste(app: &mut App, text: &str) -> Vec<Effect> {
    let now = app.now;
    match app.ro.dialog.as_mut() {
        Some(Dialog::Finder(f)) => {
            return f
                .paste(text)
                .map(|o| on_outcome(app, o))
                .unwrap_or_default()
        }
        Some(Dialog::Line(e)) => e.paste(text),
        Some(Dialog::Prompt(p)) => p.paste(text),
        Some(_) => {}
        None => {
            if let Some(form) = app.ro.form.as_mut() {
                form.paste(text, now);
            }
        }
    }
    Vec::new()
}

fn editor_action(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(form) = app.ro.form.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Save => return ro(RoEffect::Save),
        Action::NextField => form.next_field(),
        Action::PrevField => form.prev_field(),
        Action::Actions => app.overlays.push(actions_menu(app)),
        Action::Back => return on_action(app, RoAction::Close),
        _ => {}
    }
    Vec::new()
}

fn lines_action(app: &mut App, action: Action) -> Vec<Effect> {
    let Some(form) = app.ro.form.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Up => form.line_cursor = form.line_cursor.saturating_sub(1),
        Action::Down => {
            form.line_cursor = (form.line_cursor + 1).min(form.ro.lines.len().saturating_sub(1))
        }
        Action::RemoveLine => form.remove_line(),
        Action::AddLine => {
            let rate = app.session.settings.labour_rate;
            app.ro.dialog = Some(Dialog::Line(Box::new(LineEditor::new(
                None,
                RoLine::default(),
                false,
                rate,
            ))));
        }
        Action::Open => {
            if let Some(line) = form.ro.lines.get(form.line_cursor).cloned() {
                let i = form.line_cursor;
                let rate = app.session.settings.labour_rate;
                app.ro.dialog = Some(Dialog::Line(Box::new(LineEditor::new(
                    Some(i),
                    line,
                    false,
                    rate,
                ))));
            }
        }
        Action::CannedJob => return ro(RoEffect::LoadCanned),
        _ => {}
    }
    Vec::new()
}

fn actions_menu(app: &App) -> Overlay {
    let items = RoAction::ALL
        .iter()
        .map(|a| PickItem {
            label: app.texts.get(a.text_key()).to_string(),
            enabled: true,
            value: PickValue::RoAction(*a),
        })
        .collect();
    let number = app
        .ro
        .form
        .as_ref()
        .map(|f| f.ro.number.clone())
        .unwrap_or_default();
    Overlay::Picker(Picker::new(
        app.texts.get("act.title"),
        &number,
        items,
        PickPurpose::RoAction,
    ))
}

/// The canned-job picker, once the jobs are loaded.
pub fn canned_picker(app: &App) -> Overlay {
    let items = app
        .ro
        .canned
        .iter()
        .enumerate()
        .map(|(i, j)| PickItem {
            label: format!(
                "{:<11} {} ({} h)",
                j.op_code,
                j.description,
                super::dialogs::milli_text(j.hours_milli)
            ),
            enabled: true,
            value: PickValue::Canned(i),
        })
        .collect();
    Overlay::Picker(Picker::new(
        app.texts.get("action.canned_job"),
        "",
        items,
        PickPurpose::Canned,
    ))
}

/// A canned job becomes a labour line at the shop's rate, ready to edit.
pub fn add_canned(app: &mut App, i: usize) {
    let Some(job) = app.ro.canned.get(i).cloned() else {
        return;
    };
    let line = labour(
        &job.op_code,
        &job.description,
        job.hours_milli,
        app.session.settings.labour_rate,
    );
    if let Some(form) = app.ro.form.as_mut() {
        form.push_line(line);
    }
}

fn text(label: &str, value: &str) -> (String, PromptInput) {
    (
        label.to_string(),
        PromptInput::Text(Box::new(super::dialogs::one_line(value))),
    )
}

fn choice(label: &str, options: &[&str]) -> (String, PromptInput) {
    (
        label.to_string(),
        PromptInput::Choice(options.iter().map(|s| s.to_string()).collect(), 0),
    )
}

/// What an entry of the actions menu does.
pub fn on_action(app: &mut App, action: RoAction) -> Vec<Effect> {
    let Some(form) = app.ro.form.as_ref() else {
        return Vec::new();
    };
    if action.needs_saved() && (form.is_new() || form.is_dirty()) {
        app.set_message(app.texts.get("msg.save_first").to_string(), true);
        return Vec::new();
    }
    let t = &app.texts;
    let hm = app.time.local(app.now).format("%H:%M").to_string();
    let prompt = |title: &str, purpose, fields| {
        Some(Dialog::Prompt(Box::new(Prompt::new(
            title, purpose, fields,
        ))))
    };
    let dialog = match action {
        RoAction::Save => return ro(RoEffect::Save),
        RoAction::Progress => return ro(RoEffect::Desk(DeskOp::Progress)),
        RoAction::ExitNotice => return ro(RoEffect::Desk(DeskOp::ExitNotice)),
        RoAction::Move => return move_menu(app),
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
                text(
                    t.get("prompt.amount"),
                    &app.owed().format("").replace(',', ""),
                ),
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
            Some(Dialog::Line(Box::new(LineEditor::new(
                None,
                line,
                true,
                app.session.settings.labour_rate,
            ))))
        }
        RoAction::NewOwner => {
            let form = app.ro.form.as_mut().expect("checked above");
            form.ro.customer = Default::default();
            form.ro.new_owner = true;
            form.reset_inputs();
            form.focus_on(FieldId::Customer);
            None
        }
        RoAction::NewCar => {
            // The same customer with another car: a new vehicle record, so
            // retyping the plate never renames the car picked in the search.
            let form = app.ro.form.as_mut().expect("checked above");
            form.ro.vehicle = Default::default();
            form.ro.vin_override_reason.clear();
            form.reset_inputs();
            form.focus_on(FieldId::Plate);
            None
        }
        RoAction::Discard => return discard(app),
        RoAction::Close => return close(app),
    };
    app.ro.dialog = dialog;
    Vec::new()
}

fn move_menu(app: &mut App) -> Vec<Effect> {
    let Some(id) = app.ro.form.as_ref().and_then(|f| f.ro.id) else {
        return Vec::new();
    };
    app.board.selected = Some(id);
    let Some(card) = app.board.snapshot.card(id).cloned() else {
        return Vec::new();
    };
    let commands = app.board.move_picker(&card, &app.texts);
    app.run_commands(commands)
}

fn discard(app: &mut App) -> Vec<Effect> {
    let Some(form) = app.ro.form.take() else {
        return Vec::new();
    };
    let draft = form.draft(&app.session.login, app.now);
    let mut effects = ro(RoEffect::DiscardDraft(draft));
    if let Some(id) = form.ro.id {
        effects.extend(ro(RoEffect::Open(id)));
    }
    effects
}

/// Esc: close the RO; with unsaved changes, ask first.
fn close(app: &mut App) -> Vec<Effect> {
    let Some(form) = app.ro.form.as_ref() else {
        return Vec::new();
    };
    if !form.is_dirty() {
        app.ro.form = None;
        return Vec::new();
    }
    let t = &app.texts;
    let items = [RoAction::Save, RoAction::Discard]
        .iter()
        .map(|a| PickItem {
            label: t.get(a.text_key()).to_string(),
            enabled: true,
            value: PickValue::RoAction(*a),
        })
        .collect();
    app.overlays.push(Overlay::Picker(Picker::new(
        t.get("ro.unsaved"),
        &form.ro.number,
        items,
        PickPurpose::RoAction,
    )));
    Vec::new()
}

fn on_outcome(app: &mut App, outcome: RoOutcome) -> Vec<Effect> {
    let keep_dialog = matches!(outcome, RoOutcome::Search(_));
    if !keep_dialog {
        app.ro.dialog = None;
    }
    match outcome {
        RoOutcome::Search(q) => ro(RoEffect::Search(q)),
        RoOutcome::PickHit(hit) => match hit.open_ro {
            Some((id, _)) => ro(RoEffect::Open(id)),
            None => start_new(app, Some(hit), ""),
        },
        RoOutcome::NewCustomer(query) => start_new(app, None, &query),
        RoOutcome::Line {
            propose: true,
            line,
            ..
        } => ro(RoEffect::Desk(DeskOp::Propose(vec![line]))),
        RoOutcome::Line { index, line, .. } => {
            if let Some(form) = app.ro.form.as_mut() {
                match index {
                    Some(i) => form.replace_line(i, line),
                    None => form.push_line(line),
                }
            }
            Vec::new()
        }
        RoOutcome::Prompted(purpose, values) => prompted(app, purpose, values),
        RoOutcome::Resolve(Resolution::KeepMine) => ro(RoEffect::SaveOver),
        RoOutcome::Resolve(Resolution::TakeTheirs) => {
            let id = app.ro.form.as_ref().and_then(|f| f.ro.id);
            id.map(|id| ro(RoEffect::Open(id))).unwrap_or_default()
        }
        RoOutcome::RestoreDraft(i) | RoOutcome::DiscardDraft(i)
            if app.ro.offered.get(i).is_none() =>
        {
            Vec::new()
        }
        RoOutcome::RestoreDraft(i) => ro(RoEffect::Restore(app.ro.offered[i].clone())),
        RoOutcome::DiscardDraft(i) => ro(RoEffect::DiscardDraft(app.ro.offered[i].clone())),
    }
}

fn prompted(app: &mut App, purpose: PromptPurpose, v: Vec<String>) -> Vec<Effect> {
    let op = match purpose {
        PromptPurpose::Sign => DeskOp::Sign(v[0].clone()),
        PromptPurpose::Decline if v[0].eq_ignore_ascii_case("yes") => DeskOp::Decline,
        PromptPurpose::Decline => return Vec::new(),
        PromptPurpose::PickupCall => DeskOp::Pickup(v[0].clone()),
        PromptPurpose::AddedWorkCall => DeskOp::AddedWorkCall(v),
        PromptPurpose::Payment => match crate::domain::validate::parse_money(&v[0]) {
            Some(amount) => DeskOp::Pay(amount, v[1].clone()),
            None => {
                app.set_message("type an amount, e.g. 500 or 752.58".into(), true);
                return Vec::new();
            }
        },
    };
    ro(RoEffect::Desk(op))
}

fn start_new(app: &mut App, hit: Option<SearchHit>, query: &str) -> Vec<Effect> {
    app.ro.form = Some(new_form(app, hit, query));
    app.ro.payments.clear();
    app.pane = crate::ui::Pane::RepairOrder;
    Vec::new()
}

/// A new RO, for a car found by the search or for a new customer and car
/// (the typed text goes where it looks like it belongs).
pub fn new_form(app: &App, hit: Option<SearchHit>, query: &str) -> RoForm {
    let mut r = RepairOrder::new(&app.session.login);
    let mut focus = FieldId::Customer;
    match hit {
        Some(h) => {
            r.customer = crate::domain::repair_order::CustomerRef {
                id: Some(h.customer_id),
                name: h.customer,
                phone: h.phone,
            };
            r.vehicle = crate::domain::repair_order::VehicleRef {
                id: Some(h.vehicle_id),
                vin: h.vin,
                plate: h.plate,
                make: h.make,
                model: h.model,
                last_odometer_km: h.last_odometer_km,
            };
            focus = FieldId::Odometer;
        }
        None => guess_query(&mut r, query.trim(), &mut focus),
    }
    r.fuel_eighths = Some(4);
    let mut form = RoForm::new(r, None, app.board.snapshot.groups.clone(), app.time);
    form.focus_on(focus);
    form
}

fn guess_query(r: &mut RepairOrder, q: &str, focus: &mut FieldId) {
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
    *focus = FieldId::Customer;
}
