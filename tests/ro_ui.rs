//! The RO editor without a terminal: keys → state and effects, run against
//! an in-memory store; TestBackend renders at 80×24; and the printouts.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{column_of, draw, no_shop, row_of, screen};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::demo::build_demo;
use frontdesk::domain::repair_order::*;
use frontdesk::domain::{Money, RepairOrder};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, SqliteStore};
use frontdesk::ui::app::App;
use frontdesk::ui::board::BoardPane;
use frontdesk::ui::i18n::Lang;
use frontdesk::ui::keymap::{KeyContext, Keymap};
use frontdesk::ui::ro::dialogs::Finder;
use frontdesk::ui::ro::form::RoForm;
use frontdesk::ui::ro::{RoAction, RoPane};
use frontdesk::ui::timefmt::TimeFmt;
use frontdesk::ui::PaneId;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn shop() -> SqliteStore {
    let mut s = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut s, now(), "tester").unwrap();
    s
}

fn app_on(store: &SqliteStore) -> App {
    common::app_on_store(store, now())
}

/// Sends keys, running the writes they queue as the writer thread would.
fn press(app: &mut App, store: &mut SqliteStore, keys: &[KeyEvent]) {
    common::press_on(app, store, keys)
}

fn typed(s: &str) -> Vec<KeyEvent> {
    s.chars().map(|c| key(KeyCode::Char(c))).collect()
}

fn ro(app: &App) -> &RoPane {
    app.pane::<RoPane>().unwrap()
}

fn form_mut(app: &mut App) -> &mut RoForm {
    app.pane_mut::<RoPane>().unwrap().form.as_mut().unwrap()
}

/// F9, then the action's letter from the keymap, as an advisor does.
fn act(app: &mut App, store: &mut SqliteStore, action: RoAction) {
    let combo = Keymap::default()
        .first_combo(KeyContext::RoActions, action.action())
        .expect("every menu action has a letter");
    let letter = KeyEvent::new(combo.code, combo.mods);
    press(app, store, &[key(KeyCode::F(9)), letter]);
}

/// Opens an RO in the editor from the board, as `e` does.
fn open_ro(app: &mut App, store: &mut SqliteStore, id: i64) {
    press(app, store, &[key(KeyCode::F(2))]);
    app.pane_mut::<BoardPane>().unwrap().selected = Some(id);
    press(app, store, &[key(KeyCode::Char('e'))]);
}

#[test]
fn n_opens_the_finder_and_matches_appear_as_you_type() {
    let mut store = shop();
    let mut app = app_on(&store);
    press(&mut app, &mut store, &[key(KeyCode::Char('n'))]);
    assert_eq!(app.current(), PaneId::RepairOrder);
    press(&mut app, &mut store, &[key(KeyCode::Char('粤'))]);
    let f = app.top_layer::<Finder>().expect("the finder is open");
    assert!(!f.hits.is_empty() && f.hits.iter().all(|h| h.plate.starts_with('粤')));
    // The finder's reads come back to the finder, not to the pane.
    let hits = f.hits.len();
    press(&mut app, &mut store, &typed("Z 9"));
    assert!(app.top_layer::<Finder>().unwrap().hits.len() < hits);
}

#[test]
fn a_new_customer_ro_is_typed_checked_and_saved_by_keys() {
    let mut store = shop();
    let mut app = app_on(&store);
    press(&mut app, &mut store, &[key(KeyCode::Char('n'))]);
    press(&mut app, &mut store, &typed("粤Z 99999"));
    press(
        &mut app,
        &mut store,
        &[key(KeyCode::End), key(KeyCode::Enter)],
    );
    let form = ro(&app).form.as_ref().expect("a new RO");
    assert_eq!(
        form.ro.vehicle.plate, "粤Z99999",
        "the typed plate, normalised"
    );
    // Saving now names every missing field at the field.
    press(&mut app, &mut store, &[ctrl('s')]);
    let form = ro(&app).form.as_ref().unwrap();
    assert!(form.is_new(), "nothing saved");
    assert!(form
        .message_at(frontdesk::ui::ro::fields::FieldId::Customer)
        .is_some());
    assert!(app.message.as_ref().unwrap().text.contains("problem"));
    // Fill the fields in focus order.
    let mut keys = typed("Ana López");
    for value in [
        "",
        "13912345678",
        "",
        "1M8GDM9AXKP042788",
        "Mazda",
        "CX-5",
        "",
        "30000",
    ] {
        keys.extend(typed(value));
        keys.push(key(KeyCode::Tab));
    }
    press(&mut app, &mut store, &keys);
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Promised);
    press(&mut app, &mut store, &typed("+3h"));
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Concerns);
    press(&mut app, &mut store, &typed("Rattle from the dashboard"));
    press(&mut app, &mut store, &[key(KeyCode::Enter)]);
    press(&mut app, &mut store, &typed("at idle"));
    // The timer has written a draft of the new RO by now.
    app.autosave(&mut store);
    assert_eq!(store.drafts("tester").unwrap().len(), 1, "a draft");
    press(&mut app, &mut store, &[ctrl('s')]);
    app.autosave(&mut store);
    let form = ro(&app).form.as_ref().unwrap();
    assert!(
        !form.is_new(),
        "saved: {:?} {:?}",
        app.message,
        form.check_errors
    );
    assert_eq!(
        form.ro.concerns, "Rattle from the dashboard\nat idle",
        "Enter is a new line in the concerns"
    );
    assert_eq!(form.ro.promised_at, Some(now() + Duration::hours(3)));
    let stored = store.load_ro(form.ro.id.unwrap()).unwrap();
    assert_eq!(stored.customer.name, "Ana López");
    assert!(
        store.drafts("tester").unwrap().is_empty(),
        "the save removed the draft"
    );
}

#[test]
fn a_lower_odometer_is_refused_at_the_field_until_a_reason_is_given() {
    let mut store = shop();
    let mut app = app_on(&store);
    // A car that is not in the shop today, so the search starts a new RO.
    let hit = store
        .search_vehicles("粤", 50)
        .unwrap()
        .into_iter()
        .find(|h| h.open_ro.is_none())
        .unwrap();
    let last = hit.last_odometer_km.unwrap();
    press(&mut app, &mut store, &[key(KeyCode::Char('n'))]);
    press(&mut app, &mut store, &typed(&hit.plate));
    // Pick the hit: a car with no open RO opens a new RO with the car's data.
    assert!(app.top_layer::<Finder>().is_some());
    press(&mut app, &mut store, &[key(KeyCode::Enter)]);
    let form = ro(&app).form.as_ref().expect("form");
    assert!(form.is_new());
    assert_eq!(form.ro.vehicle.last_odometer_km, Some(last));
    press(&mut app, &mut store, &typed(&(last - 100).to_string()));
    press(&mut app, &mut store, &[ctrl('s')]);
    let form = ro(&app).form.as_ref().unwrap();
    let msg = form
        .message_at(frontdesk::ui::ro::fields::FieldId::Odometer)
        .expect("a message at the odometer");
    assert!(msg.contains("lower than the last reading"), "{msg}");
    let buf = draw(&mut app, 80, 24);
    assert!(
        screen(&buf).contains("lower than the last reading"),
        "{}",
        screen(&buf)
    );
}

fn sample_ro() -> RepairOrder {
    let mut ro = RepairOrder::new("tester");
    ro.number = "RO-24100".into();
    ro.id = Some(100);
    ro.version = 3;
    ro.customer = CustomerRef {
        id: Some(1),
        name: "欧阳娜娜".into(),
        phone: "13800001111".into(),
    };
    ro.vehicle = VehicleRef {
        id: Some(2),
        vin: "1M8GDM9AXKP042788".into(),
        plate: "粤A·12345".into(),
        make: "BYD".into(),
        model: "Han".into(),
        last_odometer_km: Some(10),
    };
    ro.odometer_in_km = Some(45_210);
    ro.fuel_eighths = Some(3);
    ro.concerns = "Brake noise, front left, worst in the morning when it is cold and damp; also a rattle at 60 km/h over rough roads near the office; and the left wiper judders".into();
    ro.promised_at = Some(now() + Duration::hours(2));
    ro.lines = vec![
        RoLine {
            kind: LineKind::Labour,
            code: "BRK-PADS-F".into(),
            description: "Replace front brake pads".into(),
            quantity_milli: 1200,
            unit_price: Money(18_000),
            ..Default::default()
        },
        RoLine {
            kind: LineKind::Part,
            code: "P-01".into(),
            description: "Customer's own pads".into(),
            quantity_milli: 1000,
            unit_price: Money(0),
            supplier: Supplier::Customer,
            ..Default::default()
        },
        RoLine {
            kind: LineKind::Part,
            code: "P-02".into(),
            description: "Disc".into(),
            quantity_milli: 2000,
            unit_price: Money(60_000),
            approval: Approval::Declined,
            ..Default::default()
        },
    ];
    ro
}

fn app_with_form(ro: RepairOrder) -> App {
    let mut app = common::app();
    app.set_now(now());
    app.start_on(PaneId::RepairOrder);
    let groups = app.board().groups.clone();
    app.pane_mut::<RoPane>().unwrap().form = Some(RoForm::stored(ro, groups, TimeFmt::utc()));
    app
}

/// Keys for an app with no shop behind it (nothing is read or written).
fn keys(app: &mut App, keys: &[KeyEvent]) {
    let mut shop = no_shop();
    for k in keys {
        app.handle_key(*k, &mut shop);
    }
}

#[test]
fn the_editor_at_80x24_shows_fields_lines_totals_and_the_no_warranty_notice() {
    let mut app = app_with_form(sample_ro());
    let text = screen(&draw(&mut app, 80, 24));
    for expected in [
        "RO-24100",
        "ESTIMATE (not signed)",
        "欧阳娜娜",
        "粤A·12345",
        "45210",
        "3/8",
    ] {
        assert!(text.contains(expected), "missing {expected:?}:\n{text}");
    }
    // On the lines, the form scrolls to show them with the totals and notices;
    // the title stays.
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Lines);
    let text = screen(&draw(&mut app, 80, 24));
    for expected in [
        "RO-24100",
        "BRK-PADS-F",
        "× Disc",
        "declined",
        "NO WARRANTY",
        "¥244.08",
    ] {
        assert!(text.contains(expected), "missing {expected:?}:\n{text}");
    }
    // The declined disc is shown but not billed: 1.2 h × 180 = 216 + 13 % = 244.08.
    assert!(text.contains("Total ¥244.08"), "{text}");
}

#[test]
fn columns_line_up_with_chinese_text_in_the_editor() {
    let mut app = app_with_form(sample_ro());
    let buf = draw(&mut app, 80, 24);
    let y1 = row_of(&buf, "欧阳娜娜").unwrap();
    let y2 = row_of(&buf, "BYD").unwrap();
    assert_eq!(
        column_of(&buf, y1, "Phone"),
        column_of(&buf, y2, "Model"),
        "right-hand labels line up:\n{}",
        screen(&buf)
    );
}

#[test]
fn long_text_is_wrapped_and_says_there_is_more() {
    let mut app = app_with_form(sample_ro());
    let buf = draw(&mut app, 80, 24);
    let text = screen(&buf);
    assert!(
        text.contains("more lines)") || text.contains("wiper judders"),
        "long concerns are never cut silently:\n{text}"
    );
    let shown = frontdesk::ui::ro::view::shown_lines(&"word ".repeat(100), 20, 3);
    assert_eq!(shown.len(), 3);
    assert!(shown[2].starts_with("… ("), "{shown:?}");
}

#[test]
fn control_characters_typed_or_pasted_never_enter_a_field() {
    let mut app = app_with_form(sample_ro());
    let keys = [
        KeyCode::Char('\u{1b}'),
        KeyCode::Char('\u{9b}'),
        KeyCode::Char('x'),
    ];
    let keys_pressed: Vec<KeyEvent> = keys.into_iter().map(key).collect();
    self::keys(&mut app, &keys_pressed);
    let name = &ro(&app).form.as_ref().unwrap().ro.customer.name;
    assert_eq!(name, "欧阳娜娜x");
}

#[test]
fn esc_with_unsaved_changes_asks_first() {
    let mut app = app_with_form(sample_ro());
    keys(&mut app, &[key(KeyCode::Char('!')), key(KeyCode::Esc)]);
    assert!(ro(&app).form.is_some(), "not closed");
    assert_eq!(app.layer_count(), 1, "a question");
    keys(
        &mut app,
        &[
            key(KeyCode::Esc),
            key(KeyCode::Backspace),
            key(KeyCode::Esc),
        ],
    );
    assert!(ro(&app).form.is_none(), "nothing unsaved: closes at once");
}

#[test]
fn actions_on_an_unsaved_ro_ask_for_a_save_first() {
    let mut app = app_with_form(sample_ro());
    keys(&mut app, &[key(KeyCode::Char('!')), key(KeyCode::F(9))]);
    let menu = screen(&draw(&mut app, 80, 24));
    assert!(
        !menu.contains("Customer signs") && menu.contains("Save"),
        "the menu offers what fits an unsaved RO:\n{menu}"
    );
    keys(&mut app, &[key(KeyCode::Esc)]);
    // The letter works outside the menu too, and says what to do first.
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Lines);
    keys(&mut app, &[key(KeyCode::Char('g'))]);
    assert_eq!(app.layer_count(), 0, "no signature dialog");
    assert!(app.take_writes().is_empty());
    assert!(app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("save the RO first"));
}

#[test]
fn the_editor_help_lists_its_keys() {
    let mut app = app_with_form(sample_ro());
    keys(&mut app, &[key(KeyCode::F(1))]);
    let buf = draw(&mut app, 80, 24);
    let text = screen(&buf);
    assert!(text.contains("Ctrl-S") && text.contains("Save"), "{text}");
}

#[test]
fn added_work_by_keys_propose_then_record_the_call() {
    use frontdesk::domain::RoStatus;
    let mut store = shop();
    let mut app = app_on(&store);
    // A car in a bay, opened in the editor.
    let card = store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| c.status() == RoStatus::InBay)
        .unwrap();
    open_ro(&mut app, &mut store, card.id);
    assert_eq!(app.current(), PaneId::RepairOrder);
    // Actions → propose added work: a part line.
    act(&mut app, &mut store, RoAction::Propose);
    let mut keys = vec![key(KeyCode::Tab)];
    keys.extend(typed("P-DISC"));
    keys.push(key(KeyCode::Tab));
    keys.extend(typed("Front discs, scored"));
    keys.push(key(KeyCode::Tab));
    keys.extend(typed("2"));
    keys.push(key(KeyCode::Tab));
    keys.extend(typed("600"));
    keys.push(ctrl('s'));
    press(&mut app, &mut store, &keys);
    assert_eq!(
        store.load_ro(card.id).unwrap().status,
        RoStatus::AwaitingApproval,
        "{:?}",
        app.message
    );
    let board_card = app.board().card(card.id).unwrap();
    assert_eq!(
        board_card.status(),
        RoStatus::AwaitingApproval,
        "the board shows it at once"
    );
    // Actions → record the call: approved by phone, told 王强, 30 minutes more.
    act(&mut app, &mut store, RoAction::AddedWorkCall);
    let mut keys = vec![key(KeyCode::Tab); 4];
    keys.extend(typed("王强"));
    keys.extend([key(KeyCode::Tab), key(KeyCode::Tab)]);
    keys.extend(typed("30"));
    keys.push(ctrl('s'));
    press(&mut app, &mut store, &keys);
    let after = store.load_ro(card.id).unwrap();
    assert_eq!(after.status, RoStatus::InBay, "{:?}", app.message);
    assert_eq!(after.lines.last().unwrap().approval, Approval::Approved);
    assert_eq!(
        after.promised_at,
        card.times.promised_at.map(|p| p + Duration::minutes(30))
    );
}

#[test]
fn another_car_for_a_customer_never_renames_the_car_picked_in_the_search() {
    let mut store = shop();
    let mut app = app_on(&store);
    let hit = store
        .search_vehicles("粤", 50)
        .unwrap()
        .into_iter()
        .find(|h| h.open_ro.is_none())
        .unwrap();
    press(&mut app, &mut store, &[key(KeyCode::Char('n'))]);
    press(&mut app, &mut store, &typed(&hit.plate));
    press(&mut app, &mut store, &[key(KeyCode::Enter)]);
    act(&mut app, &mut store, RoAction::NewCar);
    let mut keys = typed("粤C·NEW88");
    keys.push(key(KeyCode::Tab));
    keys.extend(typed("1M8GDM9AXKP042788"));
    press(&mut app, &mut store, &keys);
    let f = form_mut(&mut app);
    assert_eq!(f.ro.customer.id, Some(hit.customer_id), "same customer");
    assert_eq!(f.ro.vehicle.id, None, "a new car");
    f.focus_on(frontdesk::ui::ro::fields::FieldId::Odometer);
    let mut keys = typed("100");
    keys.push(key(KeyCode::Tab));
    press(&mut app, &mut store, &keys);
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Promised);
    let mut keys = typed("+2h");
    keys.push(key(KeyCode::Tab));
    press(&mut app, &mut store, &keys);
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Concerns);
    press(&mut app, &mut store, &typed("First service"));
    press(&mut app, &mut store, &[ctrl('s')]);
    assert!(
        !ro(&app).form.as_ref().unwrap().is_new(),
        "{:?}",
        app.message
    );
    let old = store.search_vehicles(&hit.plate, 5).unwrap();
    assert_eq!(old[0].plate, hit.plate, "the old car keeps its plate");
    let new = store.search_vehicles("NEW88", 5).unwrap();
    assert_eq!(
        new[0].customer_id, hit.customer_id,
        "one customer, two cars"
    );
}

#[test]
fn a_payment_taken_elsewhere_shows_on_an_open_ro_even_while_editing() {
    let mut store = shop();
    let mut app = app_on(&store);
    // An open RO on which the customer owes something.
    let tax = store.settings().unwrap().tax_rate_bp;
    let owes = |id| {
        let ro = store.load_ro(id).unwrap();
        frontdesk::domain::pricing::totals(&ro.lines, ro.discount_bp, tax)
            .customer_due()
            .0
            > 1_000
    };
    let card = store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| owes(c.id))
        .unwrap();
    open_ro(&mut app, &mut store, card.id);
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Diagnosis);
    press(&mut app, &mut store, &[key(KeyCode::Char('!'))]); // an unsaved edit in progress
    let cashier = Actor {
        login: "zhao.min",
        user_id: store.user_by_login("zhao.min").unwrap().map(|u| u.id),
        at: now(),
    };
    store
        .add_payment(card.id, Money(1_000), "cash", cashier)
        .unwrap();
    app.reload(&store);
    assert_eq!(ro(&app).payments.len(), 1);
    assert!(
        ro(&app).form.as_ref().unwrap().is_dirty(),
        "the edit is kept"
    );
}

#[test]
fn a_paste_lands_in_the_focused_field_cleaned() {
    let mut app = app_with_form(sample_ro());
    form_mut(&mut app).focus_on(frontdesk::ui::ro::fields::FieldId::Phone);
    app.handle_paste("\n138 0000\x1b[31m 1111\n", &mut no_shop());
    let form = self::form_mut(&mut app);
    assert_eq!(
        form.ro.customer.phone, "13800001111 138 0000 1111 ",
        "one line, no escape"
    );
    assert_eq!(
        form.field(),
        frontdesk::ui::ro::fields::FieldId::Phone,
        "newlines did not move the focus"
    );
    form.focus_on(frontdesk::ui::ro::fields::FieldId::Diagnosis);
    app.handle_paste("Pads worn\r\nDiscs scored\x07", &mut no_shop());
    assert_eq!(
        ro(&app).form.as_ref().unwrap().ro.diagnosis,
        "Pads worn\nDiscs scored",
        "multi-line kept"
    );
}

/// Every field of the editor, focused in turn, at 80×24 in both languages:
/// nothing the advisor needs is cut. The lines table abbreviates a long
/// description, and then shows it whole under the selected line.
#[test]
fn nothing_needed_is_cut_on_the_editor_at_80x24() {
    use frontdesk::ui::ro::fields::ORDER;
    for lang in Lang::ALL {
        let mut ro = sample_ro();
        ro.lines[0].description =
            "Replace front brake pads and clean the calipers, both sides".into();
        let mut app = common::app_with(
            Keymap::default(),
            lang,
            Some(frontdesk::domain::Role::Advisor),
        );
        app.set_now(now());
        app.start_on(PaneId::RepairOrder);
        let groups = app.board().groups.clone();
        app.pane_mut::<RoPane>().unwrap().form =
            Some(RoForm::stored(ro.clone(), groups, TimeFmt::utc()));
        for field in ORDER {
            form_mut(&mut app).focus_on(field);
            let buf = draw(&mut app, 80, 24);
            // Row 0 is the tab bar, where the shop's name yields its room.
            for y in 1..24 {
                let row = common::row_text(&buf, y);
                let in_lines_table = ro.lines.iter().any(|l| row.contains(&l.code));
                assert!(
                    !row.contains('…') || in_lines_table,
                    "{lang:?}, {field:?}: row {y} is cut: {row:?}\n{}",
                    screen(&buf)
                );
            }
            if field == frontdesk::ui::ro::fields::FieldId::Lines {
                let text = screen(&buf)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(
                    text.contains("Replace front brake pads and clean the calipers, both sides"),
                    "{lang:?}: the selected line's description shows whole:\n{}",
                    screen(&buf)
                );
            }
        }
    }
}
