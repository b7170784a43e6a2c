//! What comes back to the editor: a dialog's answer, a read, or a write's
//! outcome. A write that fails says why and keeps everything typed.

use super::actions::{self, add_canned, new_form, RoAction};
use super::dialogs::{ConflictChoice, DraftChoice, DraftOffer, FinderPick, LineDone, LineEditor};
use super::form::RoForm;
use super::keys::LineChoice;
use super::save;
use super::{Awaiting, RoPane};
use crate::domain::added_work::Decision;
use crate::domain::draft::{Draft, NEW_RO};
use crate::domain::RepairOrder;
use crate::store::StoreError;
use crate::ui::board::moves::{self, MovePick};
use crate::ui::desk::{self, Prompted, Target};
use crate::ui::effects::{DraftOp, Read, ReadOut, Write, WriteOut};
use crate::ui::help::key_for;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::{PickItem, Picker};
use crate::ui::pane::{Command, Ctx, Done};
use std::any::Any;

/// A canned job chosen from its picker, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CannedPick(pub usize);

pub fn on_done(pane: &mut RoPane, done: Done, cx: &Ctx) -> Vec<Command> {
    match done {
        Done::Picked(value) => picked(pane, value, cx),
        Done::Read(out) => read(pane, out, cx),
        Done::Wrote {
            write,
            what,
            result,
        } => match result {
            Ok(out) => wrote(pane, write, &what, out, cx),
            Err(e) => failed(pane, write, what, e, cx),
        },
    }
}

fn take<T: 'static>(value: Box<dyn Any>) -> Result<T, Box<dyn Any>> {
    value.downcast::<T>().map(|b| *b)
}

/// A dialog's answer, by its type.
fn picked(pane: &mut RoPane, value: Box<dyn Any>, cx: &Ctx) -> Vec<Command> {
    let value = match take::<RoAction>(value) {
        Ok(action) => return actions::on_action(pane, action, cx),
        Err(v) => v,
    };
    let value = match take::<FinderPick>(value) {
        Ok(pick) => return finder_pick(pane, pick, cx),
        Err(v) => v,
    };
    let value = match take::<LineDone>(value) {
        Ok(done) => return line_done(pane, done, cx),
        Err(v) => v,
    };
    let value = match take::<Prompted>(value) {
        Ok(p) => return prompted(pane, p, cx),
        Err(v) => v,
    };
    let value = match take::<ConflictChoice>(value) {
        Ok(c) => return save::resolve(pane, c.resolution, *c.theirs, cx),
        Err(v) => v,
    };
    let value = match take::<LineChoice>(value) {
        Ok(LineChoice::Remove(i)) => {
            if let Some(form) = pane.form.as_mut() {
                form.line_cursor = i;
                form.remove_line();
            }
            return Vec::new();
        }
        Ok(LineChoice::Keep) => return Vec::new(),
        Err(v) => v,
    };
    let value = match take::<DraftChoice>(value) {
        Ok(choice) => return draft_choice(pane, choice, cx),
        Err(v) => v,
    };
    let value = match take::<CannedPick>(value) {
        Ok(CannedPick(i)) => {
            add_canned(pane, i, cx);
            return Vec::new();
        }
        Err(v) => v,
    };
    match take::<MovePick>(value) {
        Ok(pick) => moves::next(pick, cx.board, cx.texts),
        Err(_) => Vec::new(),
    }
}

fn finder_pick(pane: &mut RoPane, pick: FinderPick, cx: &Ctx) -> Vec<Command> {
    let form = match pick {
        FinderPick::Hit(hit) => {
            if let Some((id, _)) = hit.open_ro {
                return pane.open(id, cx);
            }
            new_form(Some(*hit), "", cx)
        }
        FinderPick::NewCustomer(query) => new_form(None, &query, cx),
    };
    pane.form = Some(form);
    pane.payments.clear();
    Vec::new()
}

fn line_done(pane: &mut RoPane, done: LineDone, cx: &Ctx) -> Vec<Command> {
    let Some(form) = pane.form.as_mut() else {
        return Vec::new();
    };
    if done.propose {
        let (ro_id, version) = (form.ro.id.unwrap_or_default(), form.ro.version);
        let what = cx.texts.fill("what.propose", &[("ro", &form.ro.number)]);
        let lines = done.items();
        return vec![Command::write(
            Write::Propose {
                ro_id,
                version,
                lines,
            },
            what,
        )];
    }
    match done.index {
        Some(i) => form.replace_line(i, done.line),
        None => form.push_line(done.line),
    }
    Vec::new()
}

/// The RO the pane's desk actions are about.
fn target(pane: &RoPane) -> Option<Target> {
    let ro = &pane.form.as_ref()?.ro;
    Some(Target {
        ro_id: ro.id?,
        version: ro.version,
        number: ro.number.clone(),
    })
}

/// A finished desk dialog: its write, remembered in case the store says no.
fn prompted(pane: &mut RoPane, p: Prompted, cx: &Ctx) -> Vec<Command> {
    let Some(target) = target(pane) else {
        return Vec::new();
    };
    let command = desk::write(&p, &target, cx);
    pane.last_prompt = Some(p);
    command.into_iter().collect()
}

fn draft_choice(pane: &mut RoPane, choice: DraftChoice, cx: &Ctx) -> Vec<Command> {
    match choice {
        DraftChoice::Restore(draft) if draft.ro_id == NEW_RO => {
            restore(pane, *draft, None, cx);
            vec![Command::Notice(cx.texts.get("msg.restored").into())]
        }
        DraftChoice::Restore(draft) => {
            let id = draft.ro_id;
            pane.awaiting = Some(Awaiting::Restore(draft));
            vec![Command::Read(Read::Ro(id))]
        }
        DraftChoice::Discard(draft) => vec![
            Command::Drafts(DraftOp::Discard(draft.ro_id)),
            Command::Notice(cx.texts.get("msg.discarded").into()),
        ],
    }
}

fn restore(pane: &mut RoPane, draft: Draft, stored: Option<RepairOrder>, cx: &Ctx) {
    let mut form = RoForm::new(draft.ro, stored, cx.board.groups.clone(), cx.time);
    form.draft_pending = false;
    pane.form = Some(form);
}

fn read(pane: &mut RoPane, out: ReadOut, cx: &Ctx) -> Vec<Command> {
    match out {
        ReadOut::Ro(ro, payments) => loaded(pane, *ro, payments, cx),
        ReadOut::Canned(jobs) => {
            let items = jobs
                .iter()
                .enumerate()
                .map(|(i, j)| {
                    let hours = super::dialogs::milli_text(j.hours_milli);
                    let label = format!("{:<11} {} ({hours} h)", j.op_code, j.description);
                    PickItem::new(label, CannedPick(i))
                })
                .collect();
            pane.canned = jobs;
            let picker = Picker::new(cx.texts.get("action.canned_job"), "", items);
            vec![Command::Push(Box::new(picker))]
        }
        ReadOut::Drafts(drafts) => offer(pane, drafts, cx),
        _ => Vec::new(),
    }
}

/// Unsaved work from before: offered once, on the editor; else announced.
fn offer(pane: &mut RoPane, drafts: Vec<Draft>, cx: &Ctx) -> Vec<Command> {
    let on_editor = cx.current == crate::ui::pane::PaneId::RepairOrder;
    if !on_editor {
        return match drafts.is_empty() {
            true => Vec::new(),
            false => {
                let key = key_for(cx.keymap, KeyContext::Global, Action::PaneRepairOrder);
                let text = cx.texts.fill("msg.drafts_waiting", &[("key", &key)]);
                vec![Command::Warn(text)]
            }
        };
    }
    if pane.drafts_offered || pane.form.is_some() {
        return Vec::new();
    }
    pane.drafts_offered = true;
    if drafts.is_empty() {
        return Vec::new();
    }
    vec![Command::Push(Box::new(DraftOffer { drafts, cursor: 0 }))]
}

fn loaded(
    pane: &mut RoPane,
    ro: RepairOrder,
    payments: Vec<crate::domain::settlement::Payment>,
    cx: &Ctx,
) -> Vec<Command> {
    let groups = cx.board.groups.clone();
    let same = pane.form.as_ref().and_then(|f| f.ro.id) == ro.id;
    match pane.awaiting.take() {
        Some(Awaiting::Conflict(message)) => return save::show_conflict(pane, message, ro, cx),
        Some(Awaiting::Restore(draft)) => {
            restore(pane, *draft, Some(ro), cx);
            pane.payments = payments;
            return vec![Command::Notice(cx.texts.get("msg.restored").into())];
        }
        Some(Awaiting::Landed) => {
            // The advisor may have closed it or opened another meanwhile.
            let Some(form) = pane.form.as_mut().filter(|_| same) else {
                return Vec::new();
            };
            let base = form.stored.clone().unwrap_or_else(|| form.ro.clone());
            form.land(&base, ro);
        }
        Some(Awaiting::Open) | None => pane.form = Some(RoForm::stored(ro, groups, cx.time)),
    }
    pane.payments = payments;
    Vec::new()
}

/// A write landed: say so, and bring the form up to date.
fn wrote(pane: &mut RoPane, write: Write, what: &str, out: WriteOut, cx: &Ctx) -> Vec<Command> {
    let t = cx.texts;
    // The RO's number, even if the advisor closed it while the write waited.
    let on_board = write.ro_id().and_then(|id| cx.board.card(id));
    let number = on_board
        .map(|c| c.number.clone())
        .or_else(|| pane.form.as_ref().map(|f| f.ro.number.clone()))
        .unwrap_or_else(|| what.to_string());
    let fill = |key: &str| t.fill(key, &[("ro", &number)]);
    let message = match (&write, out) {
        (Write::SaveRo { .. }, WriteOut::Saved(saved)) => return saved_ro(pane, *saved, cx),
        (Write::Pay { .. }, WriteOut::StillOwed(owed)) => {
            let owed = cx.texts.money(owed, &cx.session.settings.currency_symbol);
            t.fill("msg.paid", &[("owed", &owed)])
        }
        (Write::Move(req), _) => {
            let status = t.get(&format!("status.{}", req.to.code()));
            t.fill("msg.moved", &[("ro", &number), ("status", status)])
        }
        (Write::Sign { .. }, _) => fill("msg.signed"),
        (Write::Decline { .. }, _) => fill("msg.declined"),
        (Write::Propose { .. }, _) => fill("msg.proposed"),
        (Write::AddedWorkCall { call, .. }, _) => {
            let count = |d: Decision| call.decisions.iter().filter(|(_, x)| *x == d).count();
            let answer = t.fill(
                "msg.answer_counts",
                &[
                    ("approved", &count(Decision::Approved).to_string()),
                    ("declined", &count(Decision::Declined).to_string()),
                ],
            );
            t.fill("msg.answered", &[("ro", &number), ("answer", &answer)])
        }
        (Write::ProgressCheck { .. }, _) => fill("msg.checked"),
        (Write::PickupCall { .. }, _) => fill("msg.called"),
        (Write::ExitNotice { .. }, _) => fill("msg.exit"),
        (Write::QualityCheck { passed: true, .. }, _) => fill("msg.quality_passed"),
        (Write::QualityCheck { .. }, _) => fill("msg.quality_failed"),
        (Write::OverrideDispatch { .. }, _) => fill("msg.override"),
        (Write::AcceptArrears { .. }, _) => fill("msg.arrears"),
        (Write::Reopen { .. }, _) => fill("msg.reopened"),
        _ => String::new(),
    };
    pane.last_prompt = None;
    let mut commands = vec![Command::Notice(message)];
    if let Some(id) = write.ro_id() {
        pane.awaiting = Some(Awaiting::Landed);
        commands.push(Command::Read(Read::Ro(id)));
    }
    commands
}

/// The save landed. Anything typed while it waited stays, on top of it;
/// the draft it replaces goes (a new RO's draft was kept under "new").
fn saved_ro(pane: &mut RoPane, saved: RepairOrder, cx: &Ctx) -> Vec<Command> {
    let submitted = pane.saving.take();
    // More than one version on: someone saved meanwhile, and the store
    // merged their change with mine (they touched different things).
    let merged = submitted
        .as_ref()
        .is_some_and(|s| s.id.is_some() && saved.version > s.version + 1);
    let key = if merged {
        "msg.saved_merged"
    } else {
        "msg.saved"
    };
    let message = cx.texts.fill(key, &[("ro", &saved.number)]);
    let Some(form) = pane.form.as_mut() else {
        return vec![Command::Notice(message)];
    };
    let old_key = form.draft_key();
    let base = submitted.unwrap_or_else(|| form.ro.clone());
    form.land(&base, saved);
    vec![
        Command::Drafts(DraftOp::Discard(old_key)),
        Command::Notice(message),
    ]
}

/// A write did not happen: say why; nothing typed is lost. A desk dialog
/// comes back with its answers and the reason.
fn failed(pane: &mut RoPane, write: Write, what: String, e: StoreError, cx: &Ctx) -> Vec<Command> {
    if let (Some(p), Some(t)) = (pane.last_prompt.take(), target(pane)) {
        let dialog = desk::again(&p, &t, e.to_string(), cx);
        return vec![
            Command::Push(Box::new(dialog)),
            Command::Warn(e.to_string()),
        ];
    }
    match write {
        Write::SaveRo { ro, .. } => {
            pane.saving = None;
            if let (StoreError::Conflict(msg), Some(id)) = (&e, ro.id) {
                pane.awaiting = Some(Awaiting::Conflict(msg.clone()));
                return vec![Command::Read(Read::Ro(id))];
            }
        }
        // The proposed items come back to the advisor as typed, with the reason.
        Write::Propose { mut lines, .. } if !lines.is_empty() => {
            let rate = cx.session.settings.labour_rate;
            let last = lines.pop().unwrap_or_default();
            let mut editor = LineEditor::new(None, last, true, rate);
            editor.items = lines;
            editor.error = Some(e.to_string());
            return vec![
                Command::Push(Box::new(editor)),
                Command::Warn(e.to_string()),
            ];
        }
        _ => {}
    }
    let why = e.to_string();
    vec![Command::Warn(
        cx.texts
            .fill("msg.not_saved", &[("what", &what), ("why", &why)]),
    )]
}
