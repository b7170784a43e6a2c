//! The real binary in a pseudo-terminal, as different desks run it: in
//! Spanish, on a Linux console (TERM=linux: ASCII line drawing), with the
//! themes and NO_COLOR.

mod common;

use common::pty::{base_env, fresh_demo, ui_args, Tui};

fn spawn(extra: &[&str], env: &[(String, String)]) -> (tempfile::TempDir, Tui) {
    let (dir, db) = fresh_demo();
    let mut args = ui_args(&db, "board");
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (dir, Tui::spawn(&args, env, 80, 24))
}

fn with(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = base_env("li.na");
    for (k, v) in pairs {
        env.retain(|(name, _)| name != k);
        env.push((k.to_string(), v.to_string()));
    }
    env
}

fn is_line_drawing(c: char) -> bool {
    frontdesk::ui::ascii::is_line_drawing(c)
}

#[test]
fn spanish_by_flag_and_by_locale() {
    let (_d, mut tui) = spawn(&["--lang", "es"], &base_env("li.na"));
    tui.wait_text("Esperando box");
    tui.send("q");
    assert!(tui.wait_exit());
    let (_d, mut tui) = spawn(&[], &with(&[("LANG", "es_ES.UTF-8")]));
    tui.wait_text("Esperando box");
    tui.wait_text("Taller");
    tui.send("q");
    assert!(tui.wait_exit());
}

#[test]
fn a_linux_console_gets_ascii_lines_and_a_flag_brings_them_back() {
    let (_d, mut tui) = spawn(&[], &with(&[("TERM", "linux")]));
    tui.wait_text("Waiting for bay");
    let screen = tui.screen();
    let found: Vec<char> = screen.chars().filter(|c| is_line_drawing(*c)).collect();
    assert!(found.is_empty(), "{found:?}\n{screen}");
    assert!(screen.contains("-- B1 Lift 1"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit());
    let (_d, mut tui) = spawn(&["--line-drawing", "unicode"], &with(&[("TERM", "linux")]));
    tui.wait_text("── B1 Lift 1");
    tui.send("q");
    assert!(tui.wait_exit());
    // A locale without UTF-8 also means ASCII.
    let (_d, mut tui) = spawn(&[], &with(&[("LANG", "C")]));
    tui.wait_text("-- B1 Lift 1");
    tui.send("q");
    assert!(tui.wait_exit());
}

fn colour_codes(tui: &mut Tui) -> (bool, bool) {
    tui.wait_text("LATE");
    tui.send("q");
    assert!(tui.wait_exit());
    let raw = String::from_utf8_lossy(&tui.raw_output()).into_owned();
    // Our screen writer joins attributes into one SGR: `ESC[38;5;0;48;5;15m`.
    (raw.contains("38;5;"), raw.contains("48;5;"))
}

#[test]
fn themes_and_no_color() {
    let (_d, mut tui) = spawn(&["--theme", "monochrome"], &base_env("li.na"));
    assert_eq!(colour_codes(&mut tui), (false, false), "monochrome");
    // NO_COLOR gives monochrome, but a theme chosen on purpose wins.
    let no_color = with(&[("NO_COLOR", "1")]);
    let (_d, mut tui) = spawn(&[], &no_color);
    assert_eq!(colour_codes(&mut tui), (false, false), "NO_COLOR");
    let (_d, mut tui) = spawn(&["--theme", "high-contrast"], &no_color);
    let (fg, bg) = colour_codes(&mut tui);
    assert!(fg && bg, "high contrast puts flags on solid backgrounds");
}
