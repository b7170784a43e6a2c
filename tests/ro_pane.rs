//! The repair-order pane and its dialogs without a terminal or a database:
//! keys go in through `key`/`update`, outcomes through `on_done`, and the
//! tests read the form and the commands that come out.

mod common;

use chrono::Duration;
use common::{now, shell};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::domain::conflict::Resolution;
use frontdesk::domain::draft::{Draft, SearchHit, NEW_RO};
use frontdesk::domain::repair_order::{CustomerRef, VehicleRef};
use frontdesk::domain::{RepairOrder, Role};
use frontdesk::store::StoreError;
use frontdesk::ui::app::Shell;
use frontdesk::ui::desk::{DeskPrompt, Prompt, PromptInput, Prompted};
use frontdesk::ui::effects::{DraftOp, Read, ReadOut, Write, WriteOut};
use frontdesk::ui::keymap::Keymap;
use frontdesk::ui::layer::{Layer, LayerResult};
use frontdesk::ui::ro::dialogs::{
    ConflictChoice, ConflictView, DraftChoice, DraftOffer, FinderPick, LineDone, LineEditor,
};
use frontdesk::ui::ro::fields::FieldId;
use frontdesk::ui::ro::form::RoForm;
use frontdesk::ui::ro::{LineChoice, RoAction, RoPane};
use frontdesk::ui::timefmt::TimeFmt;
use frontdesk::ui::{Command, Done, Pane, PaneId, Request};

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn editor_shell() -> Shell {
    let mut shell = shell(Some(Role::Advisor));
    shell.current = PaneId::RepairOrder;
    shell
}

/// An RO that passes every field check.
fn valid_ro() -> RepairOrder {
    let mut ro = RepairOrder::new("li.na");
    ro.customer = CustomerRef {
        id: None,
        name: "欧阳娜娜".into(),
        phone: "13800001111".into(),
    };
    ro.vehicle = VehicleRef {
        id: None,
        vin: "1M8GDM9AXKP042788".into(),
        plate: "粤A·12345".into(),
        make: "BYD".into(),
        model: "Han".into(),
        last_odometer_km: None,
    };
    ro.odometer_in_km = Some(12_000);
    ro.fuel_eighths = Some(4);
    ro.concerns = "Brake noise".into();
    ro.promised_at = Some(now() + Duration::hours(3));
    ro
}

fn pane_with(ro: RepairOrder, stored: bool, shell: &Shell) -> RoPane {
    let mut pane = RoPane::default();
    let groups = shell.board.groups.clone();
    let form = if stored {
        RoForm::stored(ro, groups, TimeFmt::utc())
    } else {
        RoForm::new(ro, None, groups, TimeFmt::utc())
    };
    pane.form = Some(form);
    pane
}

fn press(pane: &mut RoPane, shell: &Shell, keys: &[KeyEvent]) -> Vec<Command> {
    let cx = shell.ctx();
    keys.iter()
        .flat_map(|key| pane.key(*key, &cx).unwrap_or_default())
        .collect()
}

fn form(pane: &RoPane) -> &RoForm {
    pane.form.as_ref().unwrap()
}

#[test]
fn tab_enter_and_choice_keys_come_from_the_keymap() {
    let shell = editor_shell();
    let mut pane = pane_with(valid_ro(), false, &shell);
    assert_eq!(form(&pane).field(), FieldId::Customer);
    press(&mut pane, &shell, &[k(KeyCode::Tab)]);
    assert_eq!(form(&pane).field(), FieldId::Phone);
    // Enter in a one-line field moves on.
    press(&mut pane, &shell, &[k(KeyCode::Enter)]);
    assert_eq!(form(&pane).field(), FieldId::Plate);
    pane.form.as_mut().unwrap().focus_on(FieldId::Fuel);
    let fuel = form(&pane).ro.fuel_eighths;
    press(&mut pane, &shell, &[k(KeyCode::Char(' '))]);
    assert_ne!(form(&pane).ro.fuel_eighths, fuel, "Space cycles a choice");
    press(&mut pane, &shell, &[k(KeyCode::Left)]);
    assert_eq!(form(&pane).ro.fuel_eighths, fuel, "← goes back");
    // A digit on a choice field is not the editor's: it goes to the shell.
    assert!(pane.key(k(KeyCode::Char('5')), &shell.ctx()).is_none());
    // In a text field it types.
    pane.form.as_mut().unwrap().focus_on(FieldId::Customer);
    press(&mut pane, &shell, &[k(KeyCode::Char('5'))]);
    assert_eq!(form(&pane).ro.customer.name, "欧阳娜娜5");
}

#[test]
fn a_rebound_choice_key_reaches_the_editor() {
    let mut shell = editor_shell();
    shell.keymap = Keymap::with_overrides("[choice]\ncycle_next = [\"ctrl-n\"]\n").unwrap();
    let mut pane = pane_with(valid_ro(), false, &shell);
    pane.form.as_mut().unwrap().focus_on(FieldId::Category);
    let before = form(&pane).ro.category;
    press(&mut pane, &shell, &[k(KeyCode::Right)]);
    assert_eq!(form(&pane).ro.category, before, "→ is no longer bound");
    press(&mut pane, &shell, &[ctrl('n')]);
    assert_ne!(form(&pane).ro.category, before);
}

#[test]
fn ctrl_s_with_missing_fields_names_them_and_writes_nothing() {
    let shell = editor_shell();
    let mut pane = pane_with(RepairOrder::new("li.na"), false, &shell);
    pane.form.as_mut().unwrap().ro.customer.name = "x".into();
    let cmds = press(&mut pane, &shell, &[ctrl('s')]);
    assert!(matches!(&cmds[..], [Command::Warn(t)] if t.contains("problem")));
    assert!(form(&pane).message_at(FieldId::Phone).is_some());
}

fn saves(cmds: &[Command]) -> Vec<RepairOrder> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Write {
                write: Write::SaveRo { ro, .. },
                ..
            } => Some((**ro).clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn one_save_at_a_time_and_typing_meanwhile_stays_on_top_of_it() {
    let shell = editor_shell();
    let mut pane = pane_with(valid_ro(), false, &shell);
    let sent = saves(&press(&mut pane, &shell, &[ctrl('s')]));
    assert_eq!(sent.len(), 1, "one save sent");
    // The save waits for the lock; the advisor goes on typing.
    pane.form.as_mut().unwrap().focus_on(FieldId::Diagnosis);
    press(&mut pane, &shell, &[k(KeyCode::Char('!'))]);
    let again = press(&mut pane, &shell, &[ctrl('s')]);
    assert!(
        saves(&again).is_empty(),
        "a second save would meet the first"
    );
    assert!(matches!(&again[..], [Command::Warn(_)]));
    // The save lands: the RO has its number and version, and the "!" stays.
    let mut saved = sent[0].clone();
    saved.id = Some(41);
    saved.number = "RO-24041".into();
    saved.version = 1;
    saved.customer.id = Some(7);
    let landed = Done::Wrote {
        write: Write::SaveRo {
            ro: Box::new(sent[0].clone()),
            base: None,
            keep_mine: false,
        },
        what: "save".into(),
        result: Ok(WriteOut::Saved(Box::new(saved.clone()))),
    };
    let cmds = pane.on_done(landed, &shell.ctx());
    let f = form(&pane);
    assert_eq!((f.ro.id, f.ro.version), (Some(41), 1));
    assert_eq!(f.ro.customer.id, Some(7), "the new customer's id is kept");
    assert_eq!(f.ro.diagnosis, "!", "typed while saving, kept");
    assert!(
        f.is_dirty() && f.draft_pending,
        "still unsaved, drafted again"
    );
    assert!(cmds
        .iter()
        .any(|c| matches!(c, Command::Drafts(DraftOp::Discard(NEW_RO)))));
    // Now a second save goes, against the landed version.
    let next = saves(&press(&mut pane, &shell, &[ctrl('s')]));
    assert_eq!(next[0].version, 1);
}

#[test]
fn a_save_that_meets_someone_elses_shows_both() {
    let shell = editor_shell();
    let mut ro = valid_ro();
    ro.id = Some(9);
    ro.number = "RO-24009".into();
    let mut pane = pane_with(ro.clone(), true, &shell);
    pane.form.as_mut().unwrap().ro.diagnosis = "mine".into();
    let sent = saves(&press(&mut pane, &shell, &[ctrl('s')]));
    let conflict = Done::Wrote {
        write: Write::SaveRo {
            ro: Box::new(sent[0].clone()),
            base: None,
            keep_mine: false,
        },
        what: "save".into(),
        result: Err(StoreError::Conflict("RO-24009 was saved by carlos".into())),
    };
    let cmds = pane.on_done(conflict, &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Read(Read::Ro(9))]));
    let mut theirs = ro.clone();
    theirs.version = 5;
    theirs.diagnosis = "theirs".into();
    let cmds = pane.on_done(
        Done::Read(ReadOut::Ro(Box::new(theirs.clone()), vec![])),
        &shell.ctx(),
    );
    assert!(matches!(&cmds[..], [Command::Push(_), Command::Warn(_)]));
    assert_eq!(form(&pane).ro.diagnosis, "mine", "nothing overwritten");
    // Keep mine: saved over their version, knowingly, so the store can
    // record what it overwrote.
    let choice = ConflictChoice {
        resolution: Resolution::KeepMine,
        theirs: Box::new(theirs),
    };
    let cmds = pane.on_done(Done::Picked(Box::new(choice)), &shell.ctx());
    assert!(matches!(
        &cmds[..],
        [Command::Write { write: Write::SaveRo { ro, keep_mine: true, base: Some(_) }, .. }]
            if ro.version == 5 && ro.diagnosis == "mine"
    ));
}

#[test]
fn desk_actions_need_a_saved_ro_and_carry_its_version() {
    let shell = editor_shell();
    let mut ro = valid_ro();
    ro.id = Some(9);
    ro.number = "RO-24009".into();
    ro.version = 4;
    let mut pane = pane_with(ro, true, &shell);
    // The progress check asks what the workshop said; its answers carry
    // the RO's version.
    let cmds = pane.on_done(Done::Picked(Box::new(RoAction::Progress)), &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Push(_)]));
    let answers = Prompted {
        purpose: DeskPrompt::Progress { promised: None },
        values: vec!["on time".into(), String::new()],
    };
    let cmds = pane.on_done(Done::Picked(Box::new(answers)), &shell.ctx());
    assert!(matches!(
        &cmds[..],
        [Command::Write {
            write: Write::ProgressCheck {
                ro_id: 9,
                version: 4,
                ..
            },
            ..
        }]
    ));
    pane.form.as_mut().unwrap().ro.concerns.push('!');
    let cmds = pane.on_done(Done::Picked(Box::new(RoAction::Sign)), &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Warn(t)] if t.contains("save the RO first")));
}

#[test]
fn the_lines_keys_open_dialogs_and_ask_for_canned_jobs() {
    let shell = editor_shell();
    let mut ro = valid_ro();
    ro.lines.push(frontdesk::ui::ro::dialogs::labour(
        "OIL",
        "Oil change",
        500,
        frontdesk::domain::Money(18_000),
    ));
    let mut pane = pane_with(ro, false, &shell);
    pane.form.as_mut().unwrap().focus_on(FieldId::Lines);
    assert!(matches!(
        &press(&mut pane, &shell, &[k(KeyCode::Char('+'))])[..],
        [Command::Push(_)]
    ));
    assert!(matches!(
        &press(&mut pane, &shell, &[k(KeyCode::Enter)])[..],
        [Command::Push(_)]
    ));
    assert!(matches!(
        &press(&mut pane, &shell, &[k(KeyCode::Char('o'))])[..],
        [Command::Read(Read::CannedJobs)]
    ));
    // `-` asks first: it sits next to `+` and is easy to hit.
    assert!(matches!(
        &press(&mut pane, &shell, &[k(KeyCode::Char('-'))])[..],
        [Command::Push(_)]
    ));
    assert_eq!(form(&pane).ro.lines.len(), 1, "nothing gone yet");
    pane.on_done(Done::Picked(Box::new(LineChoice::Keep)), &shell.ctx());
    assert_eq!(form(&pane).ro.lines.len(), 1, "kept");
    pane.on_done(Done::Picked(Box::new(LineChoice::Remove(0))), &shell.ctx());
    assert!(form(&pane).ro.lines.is_empty(), "removed after the yes");
    // A finished line comes back into the form.
    let done = LineDone {
        index: None,
        line: frontdesk::ui::ro::dialogs::labour("X", "Wipers", 100, frontdesk::domain::Money(1)),
        propose: false,
        earlier: vec![],
    };
    pane.on_done(Done::Picked(Box::new(done)), &shell.ctx());
    assert_eq!(form(&pane).ro.lines[0].description, "Wipers");
}

#[test]
fn the_finder_answer_opens_a_car_in_the_shop_or_starts_a_new_ro() {
    let shell = editor_shell();
    let mut pane = RoPane::default();
    let new = FinderPick::NewCustomer("13912345678".into());
    pane.on_done(Done::Picked(Box::new(new)), &shell.ctx());
    assert_eq!(form(&pane).ro.customer.phone, "13912345678");
    let mut pane = RoPane::default();
    let hit = SearchHit {
        vehicle_id: 1,
        customer_id: 2,
        plate: "粤A·1".into(),
        vin: String::new(),
        make: String::new(),
        model: String::new(),
        customer: "王".into(),
        phone: String::new(),
        last_odometer_km: None,
        open_ro: Some((33, "RO-24033".into())),
    };
    let cmds = pane.on_done(
        Done::Picked(Box::new(FinderPick::Hit(Box::new(hit)))),
        &shell.ctx(),
    );
    assert!(matches!(&cmds[..], [Command::Read(Read::Ro(33))]));
}

#[test]
fn unsaved_edits_are_never_replaced_by_another_ro() {
    let shell = editor_shell();
    let mut pane = pane_with(valid_ro(), false, &shell);
    let cmds = pane.on_show(Some(Request::OpenRo(5)), &shell.ctx());
    assert!(
        matches!(&cmds[..], [Command::Warn(_)]),
        "refused, with a reason"
    );
    let cmds = pane.on_show(Some(Request::NewRo), &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Warn(_)]));
    assert_eq!(form(&pane).ro.customer.name, "欧阳娜娜");
}

fn draft() -> Draft {
    Draft {
        user_login: "li.na".into(),
        ro_id: NEW_RO,
        base_version: 0,
        ro: valid_ro(),
        saved_at: now(),
    }
}

#[test]
fn drafts_are_offered_once_on_the_editor_and_announced_elsewhere() {
    let on_board = shell(Some(Role::Advisor));
    let mut pane = RoPane::default();
    let cmds = pane.on_done(Done::Read(ReadOut::Drafts(vec![draft()])), &on_board.ctx());
    assert!(matches!(&cmds[..], [Command::Warn(t)] if t.contains("F3")));
    let shell = editor_shell();
    let cmds = pane.on_done(Done::Read(ReadOut::Drafts(vec![draft()])), &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Push(_)]), "offered");
    let cmds = pane.on_done(Done::Read(ReadOut::Drafts(vec![draft()])), &shell.ctx());
    assert!(cmds.is_empty(), "once a session");
    // Restoring a draft of a new RO needs nothing from the store.
    let restore = DraftChoice::Restore(Box::new(draft()));
    pane.on_done(Done::Picked(Box::new(restore)), &shell.ctx());
    assert!(form(&pane).is_dirty());
}

#[test]
fn a_proposal_that_fails_comes_back_as_typed() {
    let shell = editor_shell();
    let mut ro = valid_ro();
    ro.id = Some(9);
    let mut pane = pane_with(ro, true, &shell);
    let line =
        frontdesk::ui::ro::dialogs::labour("DISC", "Discs", 2000, frontdesk::domain::Money(60_000));
    let failed = Done::Wrote {
        write: Write::Propose {
            ro_id: 9,
            version: 1,
            lines: vec![line],
        },
        what: "added work".into(),
        result: Err(StoreError::Invalid("an RO cannot go from x to y".into())),
    };
    let cmds = pane.on_done(failed, &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Push(_), Command::Warn(_)]));
}

#[test]
fn the_checklist_pane_obeys_the_keys_everyone_relies_on() {
    let shell = shell(Some(Role::Advisor));
    let mut panes = frontdesk::ui::panes::all();
    let checklist = &mut panes[PaneId::Checklist.index()];
    assert_eq!(checklist.id(), PaneId::Checklist);
    let cx = shell.ctx();
    let q = checklist.key(k(KeyCode::Char('q')), &cx).unwrap();
    assert!(matches!(&q[..], [Command::Quit]));
    let n = checklist.key(k(KeyCode::Char('n')), &cx).unwrap();
    assert!(matches!(
        &n[..],
        [Command::Goto(PaneId::RepairOrder, Some(Request::NewRo))]
    ));
    // Every pane is registered, in F-key order.
    let ids: Vec<PaneId> = panes.iter().map(|p| p.id()).collect();
    assert_eq!(ids, PaneId::ALL);
}

// The dialogs, as layers: their keys come from the keymap.

#[test]
fn the_conflict_dialog_takes_its_keys_from_the_keymap_and_its_hint_follows() {
    let mut shell = editor_shell();
    let view = || ConflictView {
        message: "saved elsewhere".into(),
        rows: vec![],
        theirs: valid_ro(),
    };
    let mut v = view();
    match v.key(k(KeyCode::Char('m')), &shell.ctx()) {
        LayerResult::Done(value) => {
            let choice = value.downcast::<ConflictChoice>().unwrap();
            assert_eq!(choice.resolution, Resolution::KeepMine);
        }
        _ => panic!("m keeps mine"),
    }
    shell.keymap = Keymap::with_overrides("[conflict]\nkeep_mine = [\"k\"]\n").unwrap();
    let mut v = view();
    assert!(matches!(
        v.key(k(KeyCode::Char('m')), &shell.ctx()),
        LayerResult::Ignored
    ));
    assert!(matches!(
        v.key(k(KeyCode::Char('k')), &shell.ctx()),
        LayerResult::Done(_)
    ));
    let buf = common::draw_layer(&v, &shell.ctx(), 80, 24);
    assert!(
        buf.contains("k keep mine"),
        "the hint shows the new key:\n{buf}"
    );
}

#[test]
fn a_prompt_moves_on_with_enter_and_finishes_on_the_last_field() {
    let shell = editor_shell();
    let text = |v: &str| PromptInput::Text(Box::new(frontdesk::ui::ro::dialogs::one_line(v)));
    let mut p = Prompt::new(
        "Payment",
        DeskPrompt::Payment {
            owed: frontdesk::domain::Money(100_000),
        },
        vec![
            ("Amount".into(), text("")),
            (
                "Method".into(),
                PromptInput::Choice(vec!["cash".into(), "card".into()], 0),
            ),
        ],
    );
    let cx = shell.ctx();
    for c in "500".chars() {
        p.key(k(KeyCode::Char(c)), &cx);
    }
    assert!(matches!(
        p.key(k(KeyCode::Enter), &cx),
        LayerResult::Consumed(_)
    ));
    p.key(k(KeyCode::Char(' ')), &cx); // a choice: Space picks the next
    match p.key(k(KeyCode::Enter), &cx) {
        LayerResult::Done(v) => {
            let answers = v.downcast::<Prompted>().unwrap();
            assert_eq!(answers.values, vec!["500", "card"]);
        }
        _ => panic!("Enter on the last field finishes"),
    }
}

#[test]
fn the_line_editor_finishes_with_ctrl_s_or_says_what_is_wrong() {
    let shell = editor_shell();
    let cx = shell.ctx();
    let mut e = LineEditor::new(
        None,
        Default::default(),
        false,
        frontdesk::domain::Money(18_000),
    );
    assert!(
        matches!(e.key(ctrl('s'), &cx), LayerResult::Consumed(_)),
        "no description yet"
    );
    assert!(e.error.is_some());
    e.focus = 2; // the description
    for c in "Wipers".chars() {
        e.key(k(KeyCode::Char(c)), &cx);
    }
    e.focus = 3;
    e.key(k(KeyCode::Char('1')), &cx);
    match e.key(ctrl('s'), &cx) {
        LayerResult::Done(v) => {
            let done = v.downcast::<LineDone>().unwrap();
            assert_eq!(done.line.description, "Wipers");
            assert_eq!(done.line.unit_price.0, 18_000, "labour at the shop's rate");
        }
        _ => panic!("finished"),
    }
}

#[test]
fn the_draft_offer_restores_or_discards_by_its_keys() {
    let shell = editor_shell();
    let mut offer = DraftOffer {
        drafts: vec![draft()],
        cursor: 0,
    };
    match offer.key(k(KeyCode::Char('d')), &shell.ctx()) {
        LayerResult::Done(v) => assert!(matches!(
            *v.downcast::<DraftChoice>().unwrap(),
            DraftChoice::Discard(_)
        )),
        _ => panic!("d discards"),
    }
    match offer.key(k(KeyCode::Enter), &shell.ctx()) {
        LayerResult::Done(v) => assert!(matches!(
            *v.downcast::<DraftChoice>().unwrap(),
            DraftChoice::Restore(_)
        )),
        _ => panic!("Enter restores"),
    }
}

#[test]
fn a_desk_action_landing_after_the_ro_was_closed_does_not_reopen_it() {
    let shell = editor_shell();
    let mut ro = valid_ro();
    ro.id = Some(9);
    ro.number = "RO-24009".into();
    let mut pane = pane_with(ro.clone(), true, &shell);
    pane.on_done(Done::Picked(Box::new(RoAction::Progress)), &shell.ctx());
    let answers = Prompted {
        purpose: DeskPrompt::Progress { promised: None },
        values: vec!["on time".into(), String::new()],
    };
    let cmds = pane.on_done(Done::Picked(Box::new(answers)), &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Write { .. }]));
    // The check waits for the lock; the advisor closes the RO (nothing unsaved).
    press(&mut pane, &shell, &[k(KeyCode::Esc)]);
    assert!(pane.form.is_none());
    let landed = Done::Wrote {
        write: Write::ProgressCheck {
            ro_id: 9,
            version: 0,
            report: frontdesk::domain::lifecycle::Progress::OnTime,
        },
        what: "progress check RO-24009".into(),
        result: Ok(WriteOut::Done),
    };
    let cmds = pane.on_done(landed, &shell.ctx());
    assert!(matches!(&cmds[0], Command::Notice(t) if t.contains("RO-24009")));
    let mut theirs = ro;
    theirs.version = 1;
    pane.on_done(
        Done::Read(ReadOut::Ro(Box::new(theirs), vec![])),
        &shell.ctx(),
    );
    assert!(pane.form.is_none(), "closed stays closed");
}

/// A saved RO the desk dialogs are about.
fn target() -> frontdesk::ui::desk::Target {
    frontdesk::ui::desk::Target {
        ro_id: 9,
        version: 3,
        number: "RO-24009".into(),
    }
}

#[test]
fn a_payment_of_zero_a_negative_or_too_much_keeps_the_dialog_at_the_amount() {
    let shell = editor_shell();
    let cx = shell.ctx();
    let target = target();
    let owed = frontdesk::domain::Money(10_000);
    for (bad, why) in [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("250", "give 150.00 change"),
        ("abc", "type an amount"),
    ] {
        let mut p = frontdesk::ui::desk::dialog(DeskPrompt::Payment { owed }, &target, &cx);
        // The amount owed is offered, selected: typing replaces it.
        for c in bad.chars() {
            p.key(k(KeyCode::Char(c)), &cx);
        }
        assert!(matches!(p.key(ctrl('s'), &cx), LayerResult::Consumed(_)));
        assert_eq!(p.focus, 0, "{bad}: back at the amount");
        let error = p.error.clone().unwrap_or_default();
        assert!(error.contains(why), "{bad}: {error}");
        assert_eq!(p.values()[0], bad, "what was typed is kept");
    }
}

#[test]
fn reopening_and_arrears_need_a_reason_before_the_dialog_closes() {
    let shell = editor_shell();
    let cx = shell.ctx();
    let target = target();
    let owed = frontdesk::domain::Money(10_000);
    for purpose in [
        DeskPrompt::Reopen,
        DeskPrompt::Arrears { owed },
        DeskPrompt::Override,
    ] {
        let mut p = frontdesk::ui::desk::dialog(purpose.clone(), &target, &cx);
        p.key(k(KeyCode::Char(' ')), &cx);
        assert!(matches!(
            p.key(k(KeyCode::Enter), &cx),
            LayerResult::Consumed(_)
        ));
        assert!(
            p.error.as_deref().unwrap_or("").contains("reason"),
            "{purpose:?}"
        );
        for c in "typo on the invoice".chars() {
            p.key(k(KeyCode::Char(c)), &cx);
        }
        assert!(matches!(
            p.key(k(KeyCode::Enter), &cx),
            LayerResult::Done(_)
        ));
    }
}

#[test]
fn home_and_end_work_in_every_list() {
    let shell = editor_shell();
    let cx = shell.ctx();
    // The editor's lines.
    let mut ro = valid_ro();
    for i in 0..4 {
        ro.lines.push(frontdesk::ui::ro::dialogs::labour(
            "OP",
            &format!("job {i}"),
            1000,
            frontdesk::domain::Money(100),
        ));
    }
    let mut pane = pane_with(ro, false, &shell);
    pane.form.as_mut().unwrap().focus_on(FieldId::Lines);
    press(&mut pane, &shell, &[k(KeyCode::End)]);
    assert_eq!(form(&pane).line_cursor, 3);
    press(&mut pane, &shell, &[k(KeyCode::Home)]);
    assert_eq!(form(&pane).line_cursor, 0);
    // The drafts offered back.
    let mut offer = DraftOffer {
        drafts: vec![draft(), draft(), draft()],
        cursor: 0,
    };
    offer.key(k(KeyCode::End), &cx);
    assert_eq!(offer.cursor, 2);
    offer.key(k(KeyCode::Home), &cx);
    assert_eq!(offer.cursor, 0);
    // Any picker (the actions menu here).
    let mut menu = frontdesk::ui::ro::action_picker("Actions", "RO", &RoAction::ALL, &cx);
    menu.key(k(KeyCode::End), &cx);
    assert_eq!(menu.cursor, RoAction::ALL.len() - 1);
    menu.key(k(KeyCode::Home), &cx);
    assert_eq!(menu.cursor, 0);
}
