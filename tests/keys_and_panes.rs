//! Keymap tables (key → action), rebinding, the shell's routing (layers,
//! panes, global keys), the board pane's update with its commands (no
//! terminal, no database), the cursor staying on its RO across reloads, and
//! translations.

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::domain::{MoveRequest, RoStatus, Role};
use frontdesk::ui::board::moves::MovePick;
use frontdesk::ui::board::BoardPane;
use frontdesk::ui::effects::{Read, Write};
use frontdesk::ui::i18n::{Lang, Texts};
use frontdesk::ui::keymap::{Action, KeyContext, Keymap};
use frontdesk::ui::layer::{Picker, TextView};
use frontdesk::ui::{Command, Pane, PaneId, Request};
use std::sync::Arc;

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    k(KeyCode::Char(c))
}

const BOARD: &[KeyContext] = &[KeyContext::Board, KeyContext::List, KeyContext::Global];

#[test]
fn default_keymap_table() {
    let map = Keymap::default();
    let table: &[(KeyEvent, Option<Action>)] = &[
        (ch('q'), Some(Action::Quit)),
        (
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::ForceQuit),
        ),
        (ch('?'), Some(Action::Help)),
        (
            KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT),
            Some(Action::Help),
        ),
        (k(KeyCode::F(1)), Some(Action::Help)),
        (k(KeyCode::F(2)), Some(Action::PaneBoard)),
        (ch('2'), Some(Action::PaneBoard)),
        (k(KeyCode::F(3)), Some(Action::PaneRepairOrder)),
        (ch('5'), Some(Action::PaneCallbacks)),
        (ch('8'), Some(Action::PaneReports)),
        (k(KeyCode::F(8)), Some(Action::PaneReports)),
        (ch('j'), Some(Action::Down)),
        (k(KeyCode::Down), Some(Action::Down)),
        (ch('k'), Some(Action::Up)),
        (k(KeyCode::PageDown), Some(Action::PageDown)),
        (k(KeyCode::Home), Some(Action::Home)),
        (k(KeyCode::End), Some(Action::End)),
        (k(KeyCode::Enter), Some(Action::Open)),
        (ch('/'), Some(Action::Search)),
        (k(KeyCode::Esc), Some(Action::Back)),
        (ch('a'), Some(Action::AssignBay)),
        (ch('m'), Some(Action::MoveStatus)),
        (ch('f'), Some(Action::CycleFilter)),
        (ch('c'), Some(Action::ProgressChecked)),
        (ch('t'), Some(Action::PickupCalled)),
        (ch('z'), None),
        (ch('9'), None),
    ];
    for (key, expected) in table {
        assert_eq!(map.resolve(BOARD, *key), *expected, "{key:?}");
    }
}

#[test]
fn popup_context_table() {
    let map = Keymap::default();
    let popup = &[KeyContext::Popup, KeyContext::Global];
    assert_eq!(map.resolve(popup, k(KeyCode::Esc)), Some(Action::Back));
    assert_eq!(
        map.resolve(popup, ch('q')),
        Some(Action::Back),
        "q closes a dialog, never quits from it"
    );
    assert_eq!(map.resolve(popup, k(KeyCode::Enter)), Some(Action::Open));
    assert_eq!(
        map.resolve(popup, ch('a')),
        None,
        "board keys do not leak into a dialog"
    );
}

#[test]
fn dialog_contexts_table() {
    let map = Keymap::default();
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let table: &[(KeyContext, KeyEvent, Option<Action>)] = &[
        (KeyContext::Dialog, ctrl('s'), Some(Action::Submit)),
        (KeyContext::Dialog, k(KeyCode::Tab), Some(Action::NextField)),
        (
            KeyContext::Dialog,
            k(KeyCode::Enter),
            Some(Action::NextField),
        ),
        (
            KeyContext::Dialog,
            k(KeyCode::BackTab),
            Some(Action::PrevField),
        ),
        (KeyContext::Dialog, k(KeyCode::Esc), Some(Action::Back)),
        (KeyContext::Dialog, ch('j'), None),
        (KeyContext::Choice, ch(' '), Some(Action::CycleNext)),
        (
            KeyContext::Choice,
            k(KeyCode::Right),
            Some(Action::CycleNext),
        ),
        (
            KeyContext::Choice,
            k(KeyCode::Left),
            Some(Action::CyclePrev),
        ),
        (
            KeyContext::Field,
            k(KeyCode::Enter),
            Some(Action::NextField),
        ),
        (KeyContext::Finder, k(KeyCode::Enter), Some(Action::Open)),
        (KeyContext::Finder, k(KeyCode::Tab), Some(Action::Down)),
        (KeyContext::Finder, ch('j'), None),
        (KeyContext::Conflict, ch('m'), Some(Action::KeepMine)),
        (KeyContext::Conflict, ch('t'), Some(Action::TakeTheirs)),
        (KeyContext::Drafts, ch('r'), Some(Action::Restore)),
        (KeyContext::Drafts, ch('d'), Some(Action::Discard)),
        (KeyContext::Search, k(KeyCode::Enter), Some(Action::Submit)),
        (KeyContext::Search, k(KeyCode::Esc), Some(Action::Back)),
    ];
    for (ctx, key, expected) in table {
        assert_eq!(map.resolve(&[*ctx], *key), *expected, "{ctx:?} {key:?}");
    }
}

#[test]
fn rebinding_from_toml_moves_the_key_and_help_shows_it() {
    let map = Keymap::with_overrides(
        "[board]\nassign_bay = [\"b\", \"ctrl-b\"]\n[list]\nquit = [\"x\"]\n",
    )
    .unwrap();
    assert_eq!(map.resolve(BOARD, ch('b')), Some(Action::AssignBay));
    assert_eq!(
        map.resolve(
            BOARD,
            KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL)
        ),
        Some(Action::AssignBay)
    );
    assert_eq!(map.resolve(BOARD, ch('a')), None);
    assert_eq!(map.resolve(BOARD, ch('x')), Some(Action::Quit));
    assert_eq!(map.resolve(BOARD, ch('q')), None);
    let mut app = app_with(map, Lang::En, Some(Role::Advisor));
    app.handle_key(ch('?'), &mut no_shop());
    let view = app.top_layer::<TextView>().expect("help did not open");
    let text = view.plain();
    let line = text
        .lines()
        .find(|l| l.contains("Assign to a bay"))
        .unwrap();
    assert!(line.contains("b, Ctrl-B"), "{line}");
}

#[test]
fn a_bad_keymap_file_is_a_clear_error() {
    let err = Keymap::with_overrides("[board]\nassign_bay = [\"hyper-q\"]\n").unwrap_err();
    assert!(err.contains("hyper-q"), "{err}");
    let err = Keymap::with_overrides("[board]\nfly = [\"a\"]\n").unwrap_err();
    assert!(err.contains("fly"), "{err}");
}

#[test]
fn digits_switch_panes_except_while_typing_a_search() {
    let mut app = app();
    let mut shop = no_shop();
    app.handle_key(ch('5'), &mut shop);
    assert_eq!(app.current(), PaneId::Callbacks);
    app.handle_key(k(KeyCode::F(2)), &mut shop);
    assert_eq!(app.current(), PaneId::Board);
    app.handle_key(ch('/'), &mut shop);
    app.handle_key(ch('5'), &mut shop);
    assert_eq!(app.current(), PaneId::Board);
    assert_eq!(board(&app).query, "5");
    // F-keys still switch from inside the search field.
    app.handle_key(k(KeyCode::F(5)), &mut shop);
    assert_eq!(app.current(), PaneId::Callbacks);
}

#[test]
fn search_filters_by_plate_in_any_spelling_and_escape_clears() {
    let mut app = app();
    let mut shop = no_shop();
    app.handle_key(ch('/'), &mut shop);
    for c in "粤a 123".chars() {
        app.handle_key(ch(c), &mut shop);
    }
    app.handle_key(k(KeyCode::Enter), &mut shop);
    assert_eq!(visible(board(&app)), vec![1]);
    assert_eq!(board(&app).selected, Some(1));
    app.handle_key(k(KeyCode::Esc), &mut shop);
    assert!(board(&app).query.is_empty());
    assert_eq!(visible(board(&app)).len(), 4);
}

fn picker_labels(app: &frontdesk::ui::app::App) -> Vec<(String, bool)> {
    let picker = app
        .top_layer::<Picker<MovePick>>()
        .expect("a move picker is open");
    picker
        .items
        .iter()
        .map(|i| (i.label.clone(), i.enabled))
        .collect()
}

#[test]
fn assigning_a_bay_by_keys_queues_one_move_write() {
    let mut app = app();
    let mut shop = no_shop();
    // The first card is RO-1003, waiting for a bay.
    assert_eq!(board(&app).selected, Some(3));
    app.handle_key(ch('a'), &mut shop);
    let labels = picker_labels(&app);
    assert!(
        labels
            .iter()
            .any(|(l, on)| l.starts_with("B1") && l.contains("full") && !on),
        "{labels:?}"
    );
    assert!(
        labels
            .iter()
            .any(|(l, on)| l.starts_with("B3") && l.contains("free") && *on),
        "{labels:?}"
    );
    // The cursor starts on the first free bay, B3; then the group picker.
    app.handle_key(k(KeyCode::Enter), &mut shop);
    assert!(
        app.take_writes().is_empty(),
        "nothing written before the group"
    );
    app.handle_key(k(KeyCode::Enter), &mut shop);
    let writes: Vec<Write> = app.take_writes().into_iter().map(|j| j.write).collect();
    assert_eq!(
        writes,
        vec![Write::Move(MoveRequest {
            ro_id: 3,
            expected_version: 1,
            to: RoStatus::InBay,
            bay_id: Some(3),
            work_group_id: Some(1),
        })]
    );
    assert_eq!(app.layer_count(), 0);
}

#[test]
fn a_dialog_swallows_keys_and_escape_cancels_it() {
    let mut app = app();
    let mut shop = no_shop();
    app.handle_key(ch('m'), &mut shop);
    assert_eq!(app.layer_count(), 1);
    app.handle_key(ch('5'), &mut shop);
    assert_eq!(
        app.current(),
        PaneId::Board,
        "the pane under a dialog sees no keys"
    );
    app.handle_key(k(KeyCode::Esc), &mut shop);
    assert_eq!(app.layer_count(), 0);
    assert!(!app.quit);
}

#[test]
fn help_reaches_through_a_dialog_and_lists_the_dialog_keys_first() {
    let mut app = app();
    let mut shop = no_shop();
    app.handle_key(ch('m'), &mut shop);
    app.handle_key(k(KeyCode::F(1)), &mut shop);
    let help = app.top_layer::<TextView>().expect("help over the picker");
    let text = help.plain();
    assert!(text.starts_with("Dialogs"), "{text}");
    app.handle_key(k(KeyCode::Esc), &mut shop);
    assert_eq!(app.layer_count(), 1, "Esc closed help, the picker stays");
}

#[test]
fn escape_and_ctrl_c_arriving_together_quit() {
    // A terminal sends Esc then Ctrl-C in one read; crossterm reports it as
    // Ctrl-Alt-C. It must quit, from the board and from inside a dialog.
    let esc_ctrl_c = KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    );
    let mut on_board = app();
    on_board.handle_key(esc_ctrl_c, &mut no_shop());
    assert!(on_board.quit);
    let mut in_dialog = app();
    in_dialog.handle_key(ch('m'), &mut no_shop());
    in_dialog.handle_key(esc_ctrl_c, &mut no_shop());
    assert!(in_dialog.quit);
}

#[test]
fn escape_and_a_key_arriving_together_are_two_keys() {
    let mut app = app();
    let mut shop = no_shop();
    app.handle_key(ch('m'), &mut shop);
    assert_eq!(app.layer_count(), 1);
    // "Esc j" over a slow link: Esc closes the picker, j moves the cursor.
    app.handle_key(
        KeyEvent::new(KeyCode::Char('j'), KeyModifiers::ALT),
        &mut shop,
    );
    assert_eq!(app.layer_count(), 0);
    assert_ne!(board(&app).selected, Some(3));
    // A bound Alt key stays one key.
    let map = Keymap::with_overrides("[board]\ncycle_filter = [\"alt-f\"]\n").unwrap();
    let mut app = app_with(map, Lang::En, Some(Role::Advisor));
    app.handle_key(
        KeyEvent::new(KeyCode::Char('f'), KeyModifiers::ALT),
        &mut shop,
    );
    assert!(
        !visible(board(&app)).contains(&2),
        "the filter moved to mine"
    );
}

#[test]
fn moving_to_quality_check_is_a_single_write() {
    let mut app = app();
    let mut shop = no_shop();
    app.pane_mut::<BoardPane>().unwrap().selected = Some(1); // in bay
    app.handle_key(ch('m'), &mut shop);
    let qc = picker_labels(&app)
        .iter()
        .position(|(l, _)| l == "Quality check")
        .unwrap();
    for _ in 0..qc {
        app.handle_key(ch('j'), &mut shop);
    }
    app.handle_key(k(KeyCode::Enter), &mut shop);
    let writes: Vec<Write> = app.take_writes().into_iter().map(|j| j.write).collect();
    assert!(
        matches!(&writes[..], [Write::Move(r)] if r.to == RoStatus::QualityCheck && r.ro_id == 1),
        "{writes:?}"
    );
}

#[test]
fn a_write_from_a_read_only_terminal_is_refused_and_said() {
    let mut app = app();
    app.shell.session.read_only = true;
    app.handle_key(ch('c'), &mut no_shop());
    assert!(app.take_writes().is_empty());
    let msg = app.message.clone().unwrap();
    assert!(msg.error && msg.text.contains("read-only"), "{msg:?}");
}

/// The board pane on the fixed snapshot, with nothing else around it.
fn pane() -> (frontdesk::ui::app::Shell, BoardPane) {
    let shell = shell(Some(Role::Advisor));
    let mut board = BoardPane::default();
    board.set_snapshot(Arc::clone(&shell.board), Some(1));
    (shell, board)
}

#[test]
fn a_role_that_may_not_dispatch_is_told_so() {
    let shell = shell(Some(Role::CustomerCare));
    let mut board = BoardPane::default();
    board.set_snapshot(Arc::clone(&shell.board), Some(1));
    let cmds = board.update(Action::AssignBay, &shell.ctx());
    assert!(
        matches!(&cmds[..], [Command::Warn(t)] if t == "only a service advisor, a dispatcher or a manager may move cars"),
        "no picker, a reason"
    );
}

#[test]
fn progress_check_pickup_call_and_details_carry_the_version() {
    let (shell, mut board) = pane();
    let cx = shell.ctx();
    // The progress check asks what the workshop said: on time, or late
    // with a new finish time.
    let cmds = board.update(Action::ProgressChecked, &cx);
    assert!(matches!(&cmds[..], [Command::Push(_)]));
    // RO-1003 is late: the pickup call asks why, for the customer.
    let cmds = board.update(Action::PickupCalled, &cx);
    assert!(matches!(&cmds[..], [Command::Push(_)]));
    // RO-1004 is on time: the call is recorded as it is, no reason asked.
    board.selected = Some(4);
    let cmds = board.update(Action::PickupCalled, &cx);
    assert!(matches!(
        &cmds[..],
        [Command::Write {
            write: Write::PickupCall {
                ro_id: 4,
                version: 1,
                ..
            },
            ..
        }]
    ));
    board.selected = Some(3);
    let cmds = board.update(Action::Open, &cx);
    assert!(matches!(&cmds[..], [Command::Read(Read::Detail(3))]));
    let cmds = board.update(Action::Edit, &cx);
    assert!(matches!(
        &cmds[..],
        [Command::Goto(PaneId::RepairOrder, Some(Request::OpenRo(3)))]
    ));
    let cmds = board.update(Action::Quit, &cx);
    assert!(matches!(&cmds[..], [Command::Quit]));
}

#[test]
fn the_move_sequence_is_status_then_bay_then_group() {
    use frontdesk::ui::board::moves;
    let shell = shell(Some(Role::Advisor));
    let t = &shell.texts;
    // Into a bay: the bay picker (lifts only) comes next.
    let to_bay = MovePick::Status {
        ro_id: 3,
        version: 1,
        to: RoStatus::InBay,
    };
    assert!(matches!(
        &moves::next(to_bay, &shell.board, t)[..],
        [Command::Push(_)]
    ));
    // A lift: then the group picker.
    let lift = MovePick::Bay {
        ro_id: 3,
        version: 1,
        bay: Some(3),
        to: None,
    };
    assert!(matches!(
        &moves::next(lift, &shell.board, t)[..],
        [Command::Push(_)]
    ));
    // The wash bay needs no group: the move is written at once.
    let wash = MovePick::Bay {
        ro_id: 4,
        version: 1,
        bay: Some(4),
        to: None,
    };
    let cmds = moves::next(wash, &shell.board, t);
    assert!(matches!(
        &cmds[..],
        [Command::Write { write: Write::Move(r), .. }] if r.to == RoStatus::Washing && r.bay_id == Some(4)
    ));
    // A state without a bay is written at once too.
    let qc = MovePick::Status {
        ro_id: 1,
        version: 1,
        to: RoStatus::QualityCheck,
    };
    assert!(matches!(
        &moves::next(qc, &shell.board, t)[..],
        [Command::Write { .. }]
    ));
    // A car that left the board meanwhile: a message, no write.
    let gone = MovePick::Group {
        ro_id: 99,
        version: 1,
        to: RoStatus::InBay,
        bay: None,
        group: None,
    };
    assert!(matches!(
        &moves::next(gone, &shell.board, t)[..],
        [Command::Warn(_)]
    ));
}

#[test]
fn the_cursor_stays_on_the_same_ro_when_data_is_replaced() {
    let (_shell, mut board) = pane();
    board.selected = Some(2);
    let mut snap = snapshot();
    // Another terminal adds a car that sorts first and moves RO-1002's neighbour away.
    snap.cards.insert(
        0,
        card(
            9,
            "RO-1009",
            "粤A·00001",
            "新客户",
            RoStatus::CheckedIn,
            None,
        ),
    );
    snap.cards.retain(|c| c.id != 1);
    board.set_snapshot(Arc::new(snap), Some(1));
    assert_eq!(board.selected, Some(2));
}

#[test]
fn when_the_selected_ro_leaves_the_board_the_cursor_takes_its_row() {
    let (_shell, mut board) = pane();
    board.selected = Some(2);
    let row = board.selected_row().unwrap();
    let mut snap = snapshot();
    snap.cards.retain(|c| c.id != 2);
    board.set_snapshot(Arc::new(snap), Some(1));
    let now_row = board.selected_row().unwrap();
    assert!(
        now_row.abs_diff(row) <= 2,
        "cursor jumped from row {row} to {now_row}"
    );
    assert!(board.selected.is_some());
}

#[test]
fn filter_cycles_all_mine_and_each_bay() {
    let (shell, mut board) = pane();
    let cx = shell.ctx();
    let cmds = board.update(Action::CycleFilter, &cx);
    assert!(cmds.is_empty());
    // Mine: advisor id 1 owns RO-1001, RO-1003, RO-1004 but not RO-1002.
    let ids: Vec<i64> = visible(&board);
    assert!(!ids.contains(&2) && ids.contains(&1), "{ids:?}");
    board.update(Action::CycleFilter, &cx);
    assert_eq!(visible(&board), vec![1], "bay B1 only");
    for _ in 0..4 {
        board.update(Action::CycleFilter, &cx);
    }
    assert_eq!(visible(&board).len(), 4, "back to all");
}

fn visible(board: &BoardPane) -> Vec<i64> {
    board
        .lanes
        .iter()
        .flat_map(|l| l.cards.iter().map(|&i| board.snapshot.cards[i].id))
        .collect()
}

#[test]
fn no_car_selected_gives_a_message_not_a_crash() {
    let (shell, mut board) = pane();
    board.set_snapshot(Arc::default(), Some(1));
    let cmds = board.update(Action::AssignBay, &shell.ctx());
    assert!(matches!(&cmds[..], [Command::Warn(_)]));
}

/// Every key the program builds exists (that each catalogue has every
/// English key is `tests/languages.rs`).
#[test]
fn every_key_the_program_uses_exists() {
    let texts = Texts::new(Lang::En);
    for s in RoStatus::ALL {
        assert!(texts.has(&format!("status.{}", s.code())), "status.{s}");
        assert!(texts.has(&format!("lane.{}", s.code())), "lane.{s}");
    }
    let map = Keymap::default();
    for ctx in KeyContext::ALL {
        assert!(texts.has(&ctx.text_key()), "{}", ctx.text_key());
        for (action, _) in map.bindings_of(ctx) {
            assert!(texts.has(&action.text_key()), "{}", action.text_key());
        }
    }
    for pane in PaneId::ALL {
        assert!(texts.has(&format!("pane.{}", pane.key())));
    }
    for a in frontdesk::ui::ro::RoAction::ALL {
        assert!(texts.has(a.text_key()), "{}", a.text_key());
    }
    for f in frontdesk::ui::ro::fields::ORDER {
        assert!(texts.has(f.text_key()), "{}", f.text_key());
    }
    for c in frontdesk::domain::repair_order::Category::ALL {
        assert!(texts.has(&format!("category.{}", c.code())), "{c:?}");
    }
    for p in frontdesk::domain::repair_order::PricingMethod::ALL {
        assert!(texts.has(&format!("pricing.{}", p.code())), "{p:?}");
    }
}
