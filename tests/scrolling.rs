//! Cheap scrolling: the board scrolls by asking the terminal to move rows,
//! and the screen a terminal emulator (vt100) builds from those bytes is,
//! after every move, the screen a full redraw gives.

mod common;

use crossterm::event::{KeyCode, KeyEvent};
use frontdesk::demo::synthetic_shop;
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, SqliteStore};
use frontdesk::ui::app::App;
use frontdesk::ui::scroll::{detect, escape, shifted, Screen, Shift};
use frontdesk::ui::theme::Theme;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

/// What the app wrote to its terminal, shared with the test.
#[derive(Clone, Default)]
struct Wire(Rc<RefCell<Vec<u8>>>);

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn terminal(w: u16, h: u16, wire: Wire) -> Terminal<CrosstermBackend<Wire>> {
    let viewport = Viewport::Fixed(Rect::new(0, 0, w, h));
    Terminal::with_options(CrosstermBackend::new(wire), TerminalOptions { viewport }).unwrap()
}

/// A shop with 150 cars on the board, so the list scrolls at any size.
fn busy_shop() -> (SqliteStore, App) {
    let mut store = SqliteStore::open_in_memory().unwrap();
    let by = Actor {
        login: "tester",
        user_id: None,
        at: common::now(),
    };
    store
        .seed(&synthetic_shop(common::now(), "tester", 150, 400, 100), by)
        .unwrap();
    let mut app = common::app_on_store(&store, common::now());
    // Colour on, as on a real desk: colours cost bytes too.
    app.shell.theme = Theme::with_color(true);
    (store, app)
}

/// The screen a fresh terminal shows after one full redraw of the app.
fn full_redraw(app: &mut App, w: u16, h: u16) -> vt100::Parser {
    let wire = Wire::default();
    let mut t = terminal(w, h, wire.clone());
    t.draw(|f| app.draw(f)).unwrap();
    let mut parser = vt100::Parser::new(h, w, 0);
    parser.process(&wire.0.borrow());
    parser
}

/// What a person sees: each cell's text and its colours and attributes,
/// one line per row. A cell never written and one written with a plain
/// space look the same, so they compare the same.
fn picture(screen: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = screen.size();
    (0..rows)
        .map(|r| {
            let mut line = String::new();
            for c in 0..cols {
                let Some(cell) = screen.cell(r, c) else {
                    continue;
                };
                if cell.is_wide_continuation() {
                    continue;
                }
                let text = match cell.contents() {
                    "" => " ",
                    t => t,
                };
                let look = (
                    cell.fgcolor(),
                    cell.bgcolor(),
                    cell.bold(),
                    cell.italic(),
                    cell.underline(),
                    cell.inverse(),
                );
                if look == Default::default() {
                    line.push_str(text);
                } else {
                    line.push_str(&format!("{{{look:?}}}{text}"));
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// Presses each key, draws through [`Screen`], and checks the emulated
/// screen against a full redraw after every key. Returns the bytes each
/// key cost.
fn walk(w: u16, h: u16, keys: &[KeyEvent]) -> Vec<usize> {
    let (mut store, mut app) = busy_shop();
    let wire = Wire::default();
    let mut screen = Screen::new(terminal(w, h, wire.clone()));
    let mut seen = vt100::Parser::new(h, w, 0);
    screen.draw(|f| app.draw(f)).unwrap();
    seen.process(&wire.0.borrow());
    let mut costs = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        common::press_on(&mut app, &mut store, &[*key]);
        let before = wire.0.borrow().len();
        screen.draw(|f| app.draw(f)).unwrap();
        let bytes = wire.0.borrow()[before..].to_vec();
        seen.process(&bytes);
        costs.push(bytes.len());
        if std::env::var("DUMP").is_ok_and(|k| k == i.to_string()) {
            eprintln!("{}", String::from_utf8_lossy(&bytes).escape_debug());
        }
        let want = full_redraw(&mut app, w, h);
        assert_eq!(
            picture(seen.screen()),
            picture(want.screen()),
            "key {i} ({key:?}) at {w}×{h}: the screen differs from a full redraw"
        );
    }
    eprintln!("{w}×{h}: bytes per key {costs:?}");
    costs
}

fn keys(code: KeyCode, n: usize) -> Vec<KeyEvent> {
    vec![KeyEvent::from(code); n]
}

fn mean(xs: &[usize]) -> usize {
    xs.iter().sum::<usize>() / xs.len().max(1)
}

#[test]
fn fifty_moves_down_and_back_keep_the_screen_exact_and_cost_little() {
    let mut moves = keys(KeyCode::Char('j'), 50);
    moves.extend(keys(KeyCode::Char('k'), 50));
    let costs = walk(80, 24, &moves);
    let (down, up) = costs.split_at(50);
    // VisiData writes 480 bytes a move; a full redraw of the list ~1,700.
    assert!(
        mean(down) <= 250,
        "down: {} bytes a move ({down:?})",
        mean(down)
    );
    assert!(mean(up) <= 250, "up: {} bytes a move ({up:?})", mean(up));
}

#[test]
fn a_wide_terminal_scrolls_as_cheaply_in_proportion() {
    let costs = walk(200, 50, &keys(KeyCode::Char('j'), 80));
    assert!(
        mean(&costs) <= 250 * 200 / 80,
        "{} bytes a move",
        mean(&costs)
    );
}

#[test]
fn page_moves_and_jumps_stay_exact() {
    let mut moves = keys(KeyCode::PageDown, 4);
    moves.extend(keys(KeyCode::PageUp, 2));
    moves.extend([KeyEvent::from(KeyCode::End), KeyEvent::from(KeyCode::Home)]);
    moves.extend(keys(KeyCode::Char('j'), 5));
    let costs = walk(80, 24, &moves);
    assert!(
        costs.iter().all(|&c| c > 0),
        "every move redraws something: {costs:?}"
    );
    let pages = &costs[..6];
    assert!(
        mean(pages) <= 2_500,
        "{} bytes a page ({pages:?})",
        mean(pages)
    );
}

fn lines(texts: &[&str]) -> Buffer {
    Buffer::with_lines(texts.iter().copied())
}

#[test]
fn a_shift_is_found_only_where_it_saves_rows() {
    let before = lines(&["title", "a", "b", "c", "d", "e", "foot"]);
    let after = lines(&["title", "b", "c", "d", "e", "f", "foot"]);
    let shift = detect(&before, &after).expect("the list moved up a row");
    assert_eq!(
        shift,
        Shift {
            top: 1,
            bottom: 5,
            lines: 1
        }
    );
    let moved = shifted(&before, shift);
    assert_eq!(moved, lines(&["title", "b", "c", "d", "e", "", "foot"]));
    let back = detect(&after, &before).expect("and down again");
    assert_eq!(back.lines, -1);
    // One changed row is cheaper to write than to scroll for.
    assert_eq!(
        detect(&before, &lines(&["title", "a", "b", "X", "d", "e", "foot"])),
        None
    );
    assert_eq!(detect(&before, &before), None);
}

#[test]
fn the_escape_sets_a_region_moves_it_and_gives_the_screen_back() {
    let up = escape(Shift {
        top: 1,
        bottom: 5,
        lines: 2,
    });
    assert_eq!(up, b"\x1b[m\x1b[2;6r\x1b[6;1H\n\n\x1b[r");
    let down = escape(Shift {
        top: 1,
        bottom: 5,
        lines: -1,
    });
    assert_eq!(down, b"\x1b[m\x1b[2;6r\x1b[2;1H\x1bM\x1b[r");
}
