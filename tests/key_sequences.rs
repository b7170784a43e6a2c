//! The keys of the terminals on a service desk, as the raw bytes each one
//! sends, through the decoder the interface reads its terminal with; then
//! a few of them sent to the real binary in a pseudo-terminal.
//!
//! Sources: xterm's ctlseqs (PC-style function keys), the VT220 manual
//! (editing keypad, F6–F20, keypad application mode), rxvt's `rxvt(7)` key
//! table, the Linux console's `console_codes(4)` and keymap, PuTTY's
//! "Keyboard" settings (ESC[n~, Linux, Xterm R6, VT400, VT100+ and SCO
//! modes), and Windows Terminal's input sequences (xterm's).

mod common;

use common::pty::{base_env, fresh_demo, open_pane};
use crossterm::event::{KeyCode, KeyCode::*, KeyEvent, KeyModifiers};
use frontdesk::ui::input::{Decoder, Input};

type Row = (&'static [u8], KeyCode, KeyModifiers);

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

/// xterm, and Windows Terminal, which sends the same.
const XTERM: &[Row] = &[
    (b"\x1bOP", F(1), NONE),
    (b"\x1bOQ", F(2), NONE),
    (b"\x1bOR", F(3), NONE),
    (b"\x1bOS", F(4), NONE),
    (b"\x1b[15~", F(5), NONE),
    (b"\x1b[17~", F(6), NONE),
    (b"\x1b[18~", F(7), NONE),
    (b"\x1b[19~", F(8), NONE),
    (b"\x1b[20~", F(9), NONE),
    (b"\x1b[21~", F(10), NONE),
    (b"\x1b[23~", F(11), NONE),
    (b"\x1b[24~", F(12), NONE),
    (b"\x1b[H", Home, NONE),
    (b"\x1b[F", End, NONE),
    // Application cursor mode (set by some shells before us).
    (b"\x1bOH", Home, NONE),
    (b"\x1bOF", End, NONE),
    (b"\x1bOA", Up, NONE),
    (b"\x1bOB", Down, NONE),
    (b"\x1b[A", Up, NONE),
    (b"\x1b[D", Left, NONE),
    (b"\x1b[2~", Insert, NONE),
    (b"\x1b[3~", Delete, NONE),
    (b"\x1b[5~", PageUp, NONE),
    (b"\x1b[6~", PageDown, NONE),
    (b"\x1b[1;5H", Home, CTRL),
    (b"\x1b[1;5F", End, CTRL),
    (b"\x1b[1;2P", F(1), SHIFT),
    (b"\x1b[15;2~", F(5), SHIFT),
    (b"\x1b[Z", BackTab, SHIFT),
    (b"\x1bx", Char('x'), ALT),
    (b"\x7f", Backspace, NONE),
    (b"\x13", Char('s'), CTRL),
    (b"\r", Enter, NONE),
    (b"\x1b", Esc, NONE),
];

/// The DEC VT220 (and VT320/VT420, and PuTTY's VT400 mode): PF1–PF4,
/// the editing keypad (Find, Select, Prev, Next) and F6–F20.
const VT220: &[Row] = &[
    (b"\x1bOP", F(1), NONE),
    (b"\x1bOS", F(4), NONE),
    (b"\x1b[17~", F(6), NONE),
    (b"\x1b[18~", F(7), NONE),
    (b"\x1b[23~", F(11), NONE),
    (b"\x1b[24~", F(12), NONE),
    (b"\x1b[1~", Home, NONE), // Find
    (b"\x1b[4~", End, NONE),  // Select
    (b"\x1b[2~", Insert, NONE),
    (b"\x1b[3~", Delete, NONE), // Remove
    (b"\x1b[5~", PageUp, NONE), // Prev Screen
    (b"\x1b[6~", PageDown, NONE),
    // The numeric keypad in application mode.
    (b"\x1bOp", Char('0'), NONE),
    (b"\x1bOq", Char('1'), NONE),
    (b"\x1bOu", Char('5'), NONE),
    (b"\x1bOy", Char('9'), NONE),
    (b"\x1bOm", Char('-'), NONE),
    (b"\x1bOl", Char(','), NONE),
    (b"\x1bOn", Char('.'), NONE),
    (b"\x1bOM", Enter, NONE),
];

/// rxvt and urxvt.
const RXVT: &[Row] = &[
    (b"\x1b[11~", F(1), NONE),
    (b"\x1b[12~", F(2), NONE),
    (b"\x1b[13~", F(3), NONE),
    (b"\x1b[14~", F(4), NONE),
    (b"\x1b[15~", F(5), NONE),
    (b"\x1b[17~", F(6), NONE),
    (b"\x1b[21~", F(10), NONE),
    (b"\x1b[24~", F(12), NONE),
    (b"\x1b[7~", Home, NONE),
    (b"\x1b[8~", End, NONE),
    (b"\x1b[7$", Home, SHIFT),
    (b"\x1b[7^", Home, CTRL),
    (b"\x1b[8^", End, CTRL),
    (b"\x1b[5^", PageUp, CTRL),
    (b"\x1bOa", Up, CTRL),
    (b"\x1bOd", Left, CTRL),
    (b"\x1bOk", Char('+'), NONE),
    (b"\x1bOj", Char('*'), NONE),
    (b"\x1bOo", Char('/'), NONE),
];

/// The Linux console (TERM=linux), and PuTTY's Linux mode.
const LINUX: &[Row] = &[
    (b"\x1b[[A", F(1), NONE),
    (b"\x1b[[B", F(2), NONE),
    (b"\x1b[[C", F(3), NONE),
    (b"\x1b[[D", F(4), NONE),
    (b"\x1b[[E", F(5), NONE),
    (b"\x1b[17~", F(6), NONE),
    (b"\x1b[20~", F(9), NONE),
    (b"\x1b[24~", F(12), NONE),
    (b"\x1b[1~", Home, NONE),
    (b"\x1b[4~", End, NONE),
    (b"\x1b[3~", Delete, NONE),
    (b"\x08", Backspace, NONE),
    (b"\x7f", Backspace, NONE),
];

/// PuTTY's default "ESC[n~" mode.
const PUTTY_ESC_N: &[Row] = &[
    (b"\x1b[11~", F(1), NONE),
    (b"\x1b[12~", F(2), NONE),
    (b"\x1b[14~", F(4), NONE),
    (b"\x1b[15~", F(5), NONE),
    (b"\x1b[17~", F(6), NONE),
    (b"\x1b[18~", F(7), NONE),
    (b"\x1b[19~", F(8), NONE),
    (b"\x1b[20~", F(9), NONE),
    (b"\x1b[21~", F(10), NONE),
    (b"\x1b[23~", F(11), NONE),
    (b"\x1b[24~", F(12), NONE),
    (b"\x1b[1~", Home, NONE),
    (b"\x1b[4~", End, NONE),
    // Shift+F1 in this mode is F11's code (PuTTY's own table).
    (b"\x1b[23~", F(11), NONE),
    // Keypad in application mode ("Initial state of numeric keypad").
    (b"\x1bOr", Char('2'), NONE),
    (b"\x1bOM", Enter, NONE),
];

/// PuTTY's "VT100+" mode: every F-key is an SS3 letter.
const PUTTY_VT100_PLUS: &[Row] = &[
    (b"\x1bOP", F(1), NONE),
    (b"\x1bOQ", F(2), NONE),
    (b"\x1bOR", F(3), NONE),
    (b"\x1bOS", F(4), NONE),
    (b"\x1bOT", F(5), NONE),
    (b"\x1bOU", F(6), NONE),
    (b"\x1bOV", F(7), NONE),
    (b"\x1bOW", F(8), NONE),
    (b"\x1bOX", F(9), NONE),
    (b"\x1bOY", F(10), NONE),
    (b"\x1bOZ", F(11), NONE),
    (b"\x1bO[", F(12), NONE),
    (b"\x1b[1~", Home, NONE),
    (b"\x1b[4~", End, NONE),
];

/// Windows Terminal (and conhost with VT input): xterm's keys, with a
/// few of its own habits.
const WINDOWS_TERMINAL: &[Row] = &[
    (b"\x1bOP", F(1), NONE),
    (b"\x1b[15~", F(5), NONE),
    (b"\x1b[24~", F(12), NONE),
    (b"\x1b[H", Home, NONE),
    (b"\x1b[F", End, NONE),
    (b"\x1b[1;5H", Home, CTRL),
    (b"\x1b[5;5~", PageUp, CTRL),
    (b"\x1b[1;3A", Up, ALT),
    (b"\x1b[15;5~", F(5), CTRL),
    (b"\x1b[3;2~", Delete, SHIFT),
    (b"\x08", Backspace, NONE), // Ctrl+Backspace
];

fn decode_one(bytes: &[u8]) -> Vec<Input> {
    let mut d = Decoder::default();
    d.feed(bytes);
    let mut out = d.take();
    out.extend(d.flush());
    out
}

fn check(terminal: &str, table: &[Row]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (bytes, code, mods) in table {
        let want = vec![Input::Key(KeyEvent::new(*code, *mods))];
        let got = decode_one(bytes);
        if got != want {
            wrong.push(format!(
                "{terminal}: {:?} gave {got:?}, not {code:?} {mods:?}",
                String::from_utf8_lossy(bytes)
            ));
        }
    }
    // The same keys sent back to back, as a fast typist or key repeat
    // does, come out as the same keys in order.
    let mut stream = Decoder::default();
    for (bytes, ..) in table {
        stream.feed(bytes);
    }
    let mut got = stream.take();
    got.extend(stream.flush());
    let want: Vec<Input> = table
        .iter()
        .map(|(_, c, m)| Input::Key(KeyEvent::new(*c, *m)))
        .collect();
    // A lone ESC at the end of a table only counts once the line is quiet;
    // in a stream it is still the Esc key.
    if got != want {
        wrong.push(format!("{terminal}: the keys back to back gave {got:?}"));
    }
    wrong
}

#[test]
fn every_terminal_on_the_desk_is_understood() {
    let tables: [(&str, &[Row]); 7] = [
        ("xterm", XTERM),
        ("VT220", VT220),
        ("rxvt", RXVT),
        ("Linux console", LINUX),
        ("PuTTY ESC[n~", PUTTY_ESC_N),
        ("PuTTY VT100+", PUTTY_VT100_PLUS),
        ("Windows Terminal", WINDOWS_TERMINAL),
    ];
    let wrong: Vec<String> = tables.iter().flat_map(|(n, t)| check(n, t)).collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn chinese_typed_through_an_input_method_arrives_as_its_characters() {
    // An IME commits a word as one write of UTF-8; a paste comes bracketed.
    let got = decode_one("王小明".as_bytes());
    let chars: Vec<Input> = "王小明"
        .chars()
        .map(|c| Input::Key(KeyEvent::new(Char(c), NONE)))
        .collect();
    assert_eq!(got, chars);
    let pasted = decode_one("\x1b[200~左前轮异响 🚗 cafe\u{301}\x1b[201~".as_bytes());
    assert_eq!(
        pasted,
        vec![Input::Paste("左前轮异响 🚗 cafe\u{301}".into())]
    );
}

/// The real binary, its F-keys sent as PuTTY (VT100+), the Linux console
/// and rxvt send them: each one lands on its pane.
#[test]
fn f_keys_from_putty_the_linux_console_and_rxvt_switch_panes() {
    let (_dir, db) = fresh_demo();
    let mut tui = open_pane(&db, "board", &base_env("li.na"), 80, 24);
    tui.wait_text("Waiting for bay");
    tui.send("\x1bOT"); // PuTTY VT100+ F5
    tui.wait_text("overdue");
    tui.send("\x1b[[B"); // Linux console F2
    tui.wait_text("Waiting for bay");
    tui.send("\x1b[13~"); // rxvt F3
    tui.wait_text("No repair order open");
    tui.send("\x1bOU"); // PuTTY VT100+ F6
    tui.wait_text("by bay");
    assert!(
        !tui.screen().contains("[13~"),
        "no part of a sequence was typed"
    );
}
