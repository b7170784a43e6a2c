//! Running the RO pane's effects against the store, and the autosave tick.

use super::dialogs::{ConflictView, DraftOffer};
use super::form::RoForm;
use super::keys::canned_picker;
use super::{DeskOp, Dialog, RoEffect};
use crate::domain::added_work::{AddedWorkCall, Channel, Decision};
use crate::domain::conflict::{diff, resolve, Resolution};
use crate::domain::Role;
use crate::store::{Actor, Store, StoreError};
use crate::ui::app::App;
use crate::ui::Pane;
use chrono::{DateTime, Utc};

pub fn run_effect(app: &mut App, effect: RoEffect, store: &mut dyn Store, now: DateTime<Utc>) {
    if let Err(e) = try_effect(app, effect, store, now) {
        app.set_message(e.to_string(), true);
    }
}

fn actor<'a>(app: &'a App, now: DateTime<Utc>) -> Result<Actor<'a>, StoreError> {
    let user = app.writer()?;
    Ok(Actor {
        login: &user.login,
        user_id: Some(user.id),
        at: now,
    })
}

fn try_effect(
    app: &mut App,
    effect: RoEffect,
    store: &mut dyn Store,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    match effect {
        RoEffect::Search(q) => {
            let hits = store.search_vehicles(&q, 8)?;
            if let Some(Dialog::Finder(f)) = app.ro.dialog.as_mut() {
                f.set_hits(hits);
            }
        }
        RoEffect::Open(id) => open(app, store, id)?,
        RoEffect::Save => save(app, store, now)?,
        RoEffect::SaveOver => save_over(app, store, now)?,
        RoEffect::FindDrafts => {
            app.ro.drafts_offered = true;
            let drafts = store.drafts(&app.session.login)?;
            if !drafts.is_empty() && app.ro.form.is_none() {
                app.ro.offered = drafts.clone();
                app.ro.dialog = Some(Dialog::Drafts(Box::new(DraftOffer { drafts, cursor: 0 })));
            }
        }
        RoEffect::Restore(draft) => {
            let stored = if draft.ro_id == 0 {
                None
            } else {
                Some(store.load_ro(draft.ro_id)?)
            };
            let mut form = RoForm::new(
                draft.ro,
                stored,
                app.board.snapshot.groups.clone(),
                app.time,
            );
            form.draft_pending = false;
            app.ro.form = Some(form);
            app.set_message(app.texts.get("msg.restored").into(), false);
        }
        RoEffect::DiscardDraft(draft) => {
            if !store.is_read_only() {
                store.delete_draft(&app.session.login, draft.ro_id)?;
            }
            app.ro.offered.retain(|d| d.ro_id != draft.ro_id);
            app.set_message(app.texts.get("msg.discarded").into(), false);
        }
        RoEffect::LoadCanned => {
            app.ro.canned = store.canned_jobs()?;
            let picker = canned_picker(app);
            app.overlays.push(picker);
        }
        RoEffect::Desk(op) => desk(app, store, op, now)?,
    }
    Ok(())
}

fn open(app: &mut App, store: &mut dyn Store, id: i64) -> Result<(), StoreError> {
    let ro = store.load_ro(id)?;
    app.ro.payments = store.payments(id)?;
    app.ro.form = Some(RoForm::new(
        ro.clone(),
        Some(ro),
        app.board.snapshot.groups.clone(),
        app.time,
    ));
    app.pane = Pane::RepairOrder;
    Ok(())
}

fn save(app: &mut App, store: &mut dyn Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let is_manager = app
        .session
        .user
        .as_ref()
        .is_some_and(|u| u.role == Role::Manager);
    let threshold = app.session.settings.discount_threshold_bp;
    let Some(form) = app.ro.form.as_mut() else {
        return Ok(());
    };
    if !form.check(now, is_manager, threshold) {
        let n = form.check_errors.len() + form.parse_errors.len();
        let msg = app.texts.fill("msg.fix_fields", &[("n", &n.to_string())]);
        app.set_message(msg, true);
        return Ok(());
    }
    let mine = form.ro.clone();
    match store.save_ro(&mine, actor(app, now)?) {
        Ok(saved) => after_save(app, store, saved),
        Err(StoreError::Conflict(msg)) => {
            let theirs = store.load_ro(mine.id.unwrap_or_default())?;
            let diffs = diff(&mine, &theirs);
            app.ro.dialog = Some(Dialog::Conflict(Box::new(ConflictView {
                message: msg.clone(),
                diffs,
                theirs,
            })));
            app.set_message(msg, true);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn after_save(
    app: &mut App,
    store: &mut dyn Store,
    saved: crate::domain::RepairOrder,
) -> Result<(), StoreError> {
    let focus = app.ro.form.as_ref().map(|f| f.focus).unwrap_or(0);
    let msg = app.texts.fill("msg.saved", &[("ro", &saved.number)]);
    let mut form = RoForm::new(
        saved.clone(),
        Some(saved),
        app.board.snapshot.groups.clone(),
        app.time,
    );
    form.focus = focus;
    app.ro.form = Some(form);
    app.reload(store);
    app.set_message(msg, false);
    Ok(())
}

/// "Keep mine": my fields over their version, saved knowingly.
fn save_over(app: &mut App, store: &mut dyn Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    let Some(form) = app.ro.form.as_ref() else {
        return Ok(());
    };
    let theirs = store.load_ro(form.ro.id.unwrap_or_default())?;
    let mine = resolve(form.ro.clone(), theirs, Resolution::KeepMine);
    let saved = store.save_ro(&mine, actor(app, now)?)?;
    after_save(app, store, saved)
}

fn desk(
    app: &mut App,
    store: &mut dyn Store,
    op: DeskOp,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(form) = app.ro.form.as_ref() else {
        return Ok(());
    };
    let (id, version, number) = (
        form.ro.id.unwrap_or_default(),
        form.ro.version,
        form.ro.number.clone(),
    );
    let by = actor(app, now)?;
    let t = &app.texts;
    let msg = match op {
        DeskOp::Sign(name) => {
            store.sign_ro(id, version, &name, by)?;
            t.fill("msg.signed", &[("ro", &number)])
        }
        DeskOp::Decline => {
            store.decline_ro(id, version, by)?;
            t.fill("msg.declined", &[("ro", &number)])
        }
        DeskOp::Propose(lines) => {
            store.propose_added_work(id, version, lines, by)?;
            t.fill("msg.proposed", &[("ro", &number)])
        }
        DeskOp::AddedWorkCall(v) => {
            let call = added_work_call(app, &v, now)?;
            store.record_added_work_call(id, version, &call, by)?;
            t.fill("msg.answered", &[("ro", &number), ("answer", &v[0])])
        }
        DeskOp::Progress => {
            store.record_progress_check(id, version, by)?;
            t.fill("msg.checked", &[("ro", &number)])
        }
        DeskOp::Pickup(reason) => {
            store.record_pickup_call(id, version, &reason, by)?;
            t.fill("msg.called", &[("ro", &number)])
        }
        DeskOp::Pay(amount, method) => {
            let owed = store.add_payment(id, amount, &method, by)?;
            t.fill(
                "msg.paid",
                &[("owed", &owed.format(&app.session.settings.currency_symbol))],
            )
        }
        DeskOp::ExitNotice => {
            store.issue_exit_notice(id, version, by)?;
            t.fill("msg.exit", &[("ro", &number)])
        }
    };
    // Desk actions need a saved, unedited RO, so the reload refreshes it.
    app.reload(store);
    app.set_message(msg, false);
    Ok(())
}

/// The call record from the prompt: answer, channel, who was told, delay,
/// and the times asked and answered (told is now).
fn added_work_call(
    app: &App,
    v: &[String],
    now: DateTime<Utc>,
) -> Result<AddedWorkCall, StoreError> {
    let bad = |what: &str| StoreError::Invalid(format!("{what}: type a time like 14:05"));
    let at = |s: &str, what: &str| app.time.parse(s, now).ok_or_else(|| bad(what));
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
            .map_err(|_| StoreError::Invalid("extra minutes: type a whole number".into()))?,
        asked_at: at(&v[4], "asked at")?,
        answered_at: at(&v[5], "answered at")?,
        workshop_told_at: now,
    })
}

/// Autosaves the open RO's draft: called from the terminal loop a few times
/// a second, so a dropped link or a kill loses well under a second of typing.
pub fn autosave(app: &mut App, store: &mut dyn Store, now: DateTime<Utc>) {
    let Some(form) = app.ro.form.as_mut() else {
        return;
    };
    if !form.draft_pending || store.is_read_only() {
        return;
    }
    form.draft_pending = false;
    let login = app.session.login.clone();
    let result = if form.is_dirty() {
        store.save_draft(&form.draft(&login, now))
    } else {
        store.delete_draft(&login, form.ro.id.unwrap_or(0))
    };
    if let Err(e) = result {
        app.set_message(format!("draft not saved: {e}"), true);
    }
}
