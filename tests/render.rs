//! Render tests of the board with ratatui's TestBackend.

mod common;

use common::*;

#[test]
fn board_at_80x24_shows_lanes_cards_and_markers() {
    let mut app = app();
    let buf = draw(&mut app, 80, 24);
    let text = screen(&buf);
    for expected in [
        "[2 Board]",
        "── B1 Lift 1 1/1",
        "── B3 Lift 3 0/1 · free",
        "── Waiting for bay (1)",
        "── Ready for pickup (1)",
        "RO-1001  粤A·12345",
        "li.na (advisor)",
        "shop.db",
    ] {
        assert!(text.contains(expected), "missing '{expected}' in\n{text}");
    }
    let late = row_text(&buf, row_of(&buf, "RO-1003").unwrap());
    assert!(
        late.contains("-30m") && late.contains("LATE") && late.contains("CALL"),
        "{late}"
    );
    let check = row_text(&buf, row_of(&buf, "RO-1002").unwrap());
    assert!(check.contains("CHK"), "83 % of the estimate gone: {check}");
    let ready = row_text(&buf, row_of(&buf, "RO-1004").unwrap());
    assert!(ready.contains("CALL") && !ready.contains("LATE"), "{ready}");
    assert!(
        text.contains("1 late") && text.contains("1 check due"),
        "summary counts:\n{text}"
    );
    assert_columns_line_up(
        &buf,
        &["RO-1001", "RO-1002"],
        &["Toyota", "in bay", "11:30", "1h30"],
    );
    assert_columns_line_up(&buf, &["RO-1001", "RO-1003", "RO-1004"], &["Toyota"]);
}

#[test]
fn board_at_120x40_adds_customers_and_chinese_names_line_up() {
    let mut app = app();
    let buf = draw(&mut app, 120, 40);
    let text = screen(&buf);
    assert!(text.contains("Customer"), "{text}");
    assert!(
        text.contains("欧阳娜娜") && text.contains("María García"),
        "{text}"
    );
    assert_columns_line_up(
        &buf,
        &["RO-1001", "RO-1002"],
        &["Toyota Camry", "李娜", "Mech A", "in bay", "11-22 11:30"],
    );
    assert_columns_line_up(&buf, &["RO-1001", "RO-1003", "RO-1004"], &["Toyota Camry"]);
}

#[test]
fn the_selected_card_is_marked_in_text_not_only_by_colour() {
    let mut app = app();
    let buf = draw(&mut app, 80, 24);
    let y = row_of(&buf, "RO-1001").unwrap();
    assert!(!row_text(&buf, y).starts_with("> "));
    let selected = board(&app).selected.unwrap();
    let number = &board(&app).snapshot.card(selected).unwrap().number.clone();
    let y = row_of(&buf, number).unwrap();
    assert!(row_text(&buf, y).starts_with("> "), "{}", row_text(&buf, y));
}

#[test]
fn no_colour_theme_uses_no_colours_at_all() {
    let mut app = app();
    let buf = draw(&mut app, 80, 24);
    for cell in buf.content() {
        assert_eq!(cell.fg, ratatui::style::Color::Reset);
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
}

#[test]
fn a_tiny_terminal_gets_a_notice_and_no_size_panics() {
    let mut app = app();
    let buf = draw(&mut app, 50, 10);
    assert!(
        screen(&buf).contains("Terminal too small: 50×10"),
        "{}",
        screen(&buf)
    );
    for w in [1, 2, 10, 59, 60, 61, 79, 80, 81, 119, 120, 200] {
        for h in [1, 2, 3, 11, 12, 13, 24, 40, 80] {
            draw(&mut app, w, h);
        }
    }
}

#[test]
fn chinese_interface_renders_and_lines_up() {
    let mut app = app_with(
        Default::default(),
        frontdesk::ui::i18n::Lang::ZhCn,
        Some(frontdesk::domain::Role::Advisor),
    );
    let buf = draw(&mut app, 80, 24);
    let text = screen(&buf);
    assert!(text.contains("看板") && text.contains("超时"), "{text}");
    assert_columns_line_up(&buf, &["RO-1001", "RO-1002"], &["Toyota"]);
}

#[test]
fn help_overlay_lists_the_real_bindings() {
    let mut app = app();
    app.handle_key(key('?'), &mut no_shop());
    let buf = draw(&mut app, 80, 24);
    let text = screen(&buf);
    assert!(text.contains("Assign to a bay and work group"), "{text}");
    assert!(text.contains("F2, 2"), "{text}");
}

#[test]
fn escape_sequences_in_data_never_reach_the_screen() {
    let mut app = app();
    let mut snap = snapshot();
    snap.cards[0].customer = "Evil\x1b]0;pwned\x07\x1b[2J Name".into();
    snap.cards[0].plate = "粤A\x1b[31m123".into();
    set_board(&mut app, snap);
    let buf = draw(&mut app, 120, 40);
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control char drawn: {:?}",
            cell.symbol()
        );
    }
}

pub fn key(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    )
}
