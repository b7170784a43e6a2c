//! Keymap tables (key → action), rebinding, pane updates with their effects
//! (no I/O), the cursor staying on its RO across reloads, and translations.

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::domain::{RoStatus, Role};
use frontdesk::ui::i18n::{self, Lang, Texts};
use frontdesk::ui::keymap::{Action, KeyContext, Keymap};
use frontdesk::ui::overlay::Overlay;
use frontdesk::ui::{Command, Effect, Pane};

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
    app.handle_key(ch('?'));
    let Some(Overlay::Help(view)) = app.overlays.last() else {
        panic!("help did not open");
    };
    let text: String = view.lines.iter().map(|l| l.to_string() + "\n").collect();
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
    app.handle_key(ch('5'));
    assert_eq!(app.pane, Pane::Callbacks);
    app.handle_key(k(KeyCode::F(2)));
    assert_eq!(app.pane, Pane::Board);
    app.handle_key(ch('/'));
    app.handle_key(ch('5'));
    assert_eq!(app.pane, Pane::Board);
    assert_eq!(app.board.query, "5");
}

#[test]
fn search_filters_by_plate_in_any_spelling_and_escape_clears() {
    let mut app = app();
    app.handle_key(ch('/'));
    for c in "粤a 123".chars() {
        app.handle_key(ch(c));
    }
    app.handle_key(k(KeyCode::Enter));
    let shown: Vec<i64> = app
        .board
        .lanes
        .iter()
        .flat_map(|l| l.cards.iter().map(|&i| app.board.snapshot.cards[i].id))
        .collect();
    assert_eq!(shown, vec![1]);
    assert_eq!(app.board.selected, Some(1));
    app.handle_key(k(KeyCode::Esc));
    assert!(app.board.query.is_empty());
    assert_eq!(
        app.board.lanes.iter().map(|l| l.cards.len()).sum::<usize>(),
        4
    );
}

#[test]
fn assigning_a_bay_by_keys_yields_one_move_effect() {
    let mut app = app();
    // The first card is RO-1003, waiting for a bay.
    assert_eq!(app.board.selected, Some(3));
    assert!(app.handle_key(ch('a')).is_empty());
    let Some(Overlay::Picker(picker)) = app.overlays.last() else {
        panic!("no bay picker")
    };
    let labels: Vec<(&str, bool)> = picker
        .items
        .iter()
        .map(|i| (i.label.as_str(), i.enabled))
        .collect();
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
    assert!(app.handle_key(k(KeyCode::Enter)).is_empty());
    let effects = app.handle_key(k(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Move(frontdesk::domain::MoveRequest {
            ro_id: 3,
            expected_version: 1,
            to: RoStatus::InBay,
            bay_id: Some(3),
            work_group_id: Some(1),
        })]
    );
    assert!(app.overlays.is_empty());
}

#[test]
fn a_dialog_swallows_keys_and_escape_cancels_it() {
    let mut app = app();
    app.handle_key(ch('m'));
    assert_eq!(app.overlays.len(), 1);
    app.handle_key(ch('5'));
    assert_eq!(
        app.pane,
        Pane::Board,
        "the pane under a dialog sees no keys"
    );
    app.handle_key(k(KeyCode::Esc));
    assert!(app.overlays.is_empty());
    assert!(!app.quit);
}

#[test]
fn moving_to_quality_check_is_a_single_effect() {
    let mut app = app();
    app.board.selected = Some(1); // in bay
    app.handle_key(ch('m'));
    let Some(Overlay::Picker(p)) = app.overlays.last() else {
        panic!()
    };
    let qc = p
        .items
        .iter()
        .position(|i| i.label == "Quality check")
        .unwrap();
    for _ in 0..qc {
        app.handle_key(ch('j'));
    }
    let effects = app.handle_key(k(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::Move(r)] if r.to == RoStatus::QualityCheck && r.ro_id == 1),
        "{effects:?}"
    );
}

#[test]
fn a_role_that_may_not_dispatch_is_told_so() {
    let mut app = app_with(Keymap::default(), Lang::En, Some(Role::CustomerCare));
    assert!(app.handle_key(ch('a')).is_empty());
    assert!(app.overlays.is_empty());
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("cannot move cars"));
}

#[test]
fn progress_check_and_pickup_call_keys_carry_the_version() {
    let mut app = app();
    assert_eq!(
        app.handle_key(ch('c')),
        vec![Effect::ProgressChecked {
            ro_id: 3,
            version: 1
        }]
    );
    assert_eq!(
        app.handle_key(ch('t')),
        vec![Effect::PickupCalled {
            ro_id: 3,
            version: 1
        }]
    );
    assert_eq!(
        app.handle_key(k(KeyCode::Enter)),
        vec![Effect::LoadDetail(3)]
    );
}

#[test]
fn the_cursor_stays_on_the_same_ro_when_data_is_replaced() {
    let mut app = app();
    app.board.selected = Some(2);
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
    app.board.set_snapshot(snap, Some(1));
    assert_eq!(app.board.selected, Some(2));
}

#[test]
fn when_the_selected_ro_leaves_the_board_the_cursor_takes_its_row() {
    let mut app = app();
    app.board.selected = Some(2);
    let row = app.board.selected_row().unwrap();
    let mut snap = snapshot();
    snap.cards.retain(|c| c.id != 2);
    app.board.set_snapshot(snap, Some(1));
    let now_row = app.board.selected_row().unwrap();
    assert!(
        now_row.abs_diff(row) <= 2,
        "cursor jumped from row {row} to {now_row}"
    );
    assert!(app.board.selected.is_some());
}

#[test]
fn filter_cycles_all_mine_and_each_bay() {
    let mut app = app();
    let cmds = app.board.update(Action::CycleFilter, &ctx(), 10);
    assert!(cmds.is_empty());
    // Mine: advisor id 1 owns RO-1001, RO-1003, RO-1004 but not RO-1002.
    let ids: Vec<i64> = visible(&app);
    assert!(!ids.contains(&2) && ids.contains(&1), "{ids:?}");
    app.board.update(Action::CycleFilter, &ctx(), 10);
    assert_eq!(visible(&app), vec![1], "bay B1 only");
    for _ in 0..4 {
        app.board.update(Action::CycleFilter, &ctx(), 10);
    }
    assert_eq!(visible(&app).len(), 4, "back to all");
}

fn visible(app: &frontdesk::ui::app::App) -> Vec<i64> {
    app.board
        .lanes
        .iter()
        .flat_map(|l| l.cards.iter().map(|&i| app.board.snapshot.cards[i].id))
        .collect()
}

fn ctx() -> frontdesk::ui::board::BoardCtx<'static> {
    static TEXTS: std::sync::OnceLock<Texts> = std::sync::OnceLock::new();
    frontdesk::ui::board::BoardCtx {
        me: Some(1),
        may_dispatch: true,
        texts: TEXTS.get_or_init(|| Texts::new(Lang::En)),
    }
}

#[test]
fn no_car_selected_gives_a_message_not_a_crash() {
    let mut app = app();
    app.board.set_snapshot(Default::default(), Some(1));
    let cmds = app.board.update(Action::AssignBay, &ctx(), 10);
    assert!(matches!(&cmds[..], [Command::Message(_, true)]));
}

#[test]
fn both_languages_have_the_same_keys_and_every_key_the_program_uses() {
    let en = i18n::parse(i18n::english_source());
    let zh = i18n::parse(i18n::chinese_source());
    let mut missing: Vec<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    missing.extend(zh.keys().filter(|k| !en.contains_key(*k)));
    assert!(missing.is_empty(), "keys in one language only: {missing:?}");
    let texts = Texts::new(Lang::En);
    for s in RoStatus::ALL {
        assert!(texts.has(&format!("status.{}", s.code())), "status.{s}");
        assert!(texts.has(&format!("lane.{}", s.code())), "lane.{s}");
    }
    let map = Keymap::default();
    for ctx in [
        KeyContext::Global,
        KeyContext::List,
        KeyContext::Board,
        KeyContext::Popup,
        KeyContext::Editor,
        KeyContext::Lines,
    ] {
        for (action, _) in map.bindings_of(ctx) {
            assert!(texts.has(&action.text_key()), "{}", action.text_key());
        }
    }
    for pane in Pane::ALL {
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
