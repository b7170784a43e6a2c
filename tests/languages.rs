//! Every pane in every language, on the demo shop: drawn at 80×24, 132×43
//! and 200×60 with names holding Chinese, emoji and combining accents, no
//! cell shows half a wide character; the board's columns line up in each
//! language; in ASCII mode no frame holds a line-drawing character; and
//! the catalogues are complete.

mod common;

use common::*;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::store::sqlite::SqliteStore;
use frontdesk::ui::app::App;
use frontdesk::ui::ascii::is_line_drawing;
use frontdesk::ui::i18n::{self, Lang, Texts};
use frontdesk::ui::keymap::Keymap;
use frontdesk::ui::theme::Theme;
use frontdesk::ui::timefmt::TimeFmt;
use frontdesk::ui::Session;
use ratatui::buffer::Buffer;
use std::collections::{BTreeSet, HashMap};
use unicode_width::UnicodeWidthStr;

const SIZES: [(u16, u16); 3] = [(80, 24), (132, 43), (200, 60)];

fn f(n: u8) -> KeyEvent {
    KeyEvent::new(KeyCode::F(n), KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

/// The demo shop, its customers' names made hard to draw: a combining
/// accent, an emoji and Chinese after each.
fn hard_shop() -> (tempfile::TempDir, SqliteStore) {
    let (dir, path, store) = demo_shop(now());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE customers SET name = name || ' Jose\u{301} 🚗 王'",
        [],
    )
    .unwrap();
    (dir, store)
}

fn app_in(store: &SqliteStore, lang: Lang, theme: Theme) -> App {
    let session = Session::open(store, "tester", "shop.db".into()).unwrap();
    let texts = Texts::new(lang);
    let time = TimeFmt::utc().in_locale(texts.locale());
    let mut app = App::new(session, Keymap::default(), texts, theme, time);
    app.set_now(now());
    app.reload(store);
    app
}

/// The walk through every pane: the board, its first car's RO, that car's
/// checklist, the calls, the book, the files, the reports, and help.
type Keys = &'static [fn() -> KeyEvent];

const WALK: [(&str, Keys); 8] = [
    ("board", &[]),
    ("repair order", &[|| ch('e')]),
    ("checklist", &[|| f(4)]),
    ("callbacks", &[|| f(5)]),
    ("appointments", &[|| f(6)]),
    ("customers", &[|| f(7)]),
    ("reports", &[|| f(8)]),
    ("help", &[|| f(2), || ch('?')]),
];

/// Each pane's frame at each size, in one language and theme.
fn frames(lang: Lang, theme: Theme) -> Vec<(String, Buffer)> {
    let (_dir, mut store) = hard_shop();
    let mut app = app_in(&store, lang, theme);
    let mut out = Vec::new();
    for (pane, keys) in WALK {
        let keys: Vec<KeyEvent> = keys.iter().map(|k| k()).collect();
        press_on(&mut app, &mut store, &keys);
        for (w, h) in SIZES {
            out.push((format!("{lang:?} {pane} {w}×{h}"), draw(&mut app, w, h)));
        }
    }
    out
}

/// Cells that show half a wide character (its second cell overwritten, or
/// the character cut at the right edge) or a lone zero-width mark.
fn half_glyphs(buf: &Buffer) -> Vec<String> {
    let mut bad = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let s = buf[(x, y)].symbol();
            match s.width() {
                2 if x + 1 >= buf.area.width => bad.push(format!("{s:?} cut at ({x},{y})")),
                2 if buf[(x + 1, y)].symbol() != " " => bad.push(format!(
                    "{s:?} at ({x},{y}) overwritten by {:?}",
                    buf[(x + 1, y)].symbol()
                )),
                0 if !s.is_empty() => bad.push(format!("zero-width {s:?} at ({x},{y})")),
                _ => {}
            }
        }
    }
    bad
}

#[test]
fn every_pane_in_every_language_and_size_shows_whole_characters() {
    let mut translated: HashMap<Lang, String> = HashMap::new();
    for lang in Lang::ALL {
        for (name, buf) in frames(lang, Theme::with_color(true)) {
            let bad = half_glyphs(&buf);
            assert!(bad.is_empty(), "{name}: {bad:?}\n{}", screen(&buf));
            translated.entry(lang).or_default().push_str(&screen(&buf));
        }
    }
    // Each language's own words are on its screens, and the names with
    // emoji and accents came through.
    for (lang, words) in [
        (Lang::En, ["Board", "Waiting for bay", "Calls"]),
        (Lang::ZhCn, ["看板", "等待工位", "回访"]),
        (Lang::Es, ["Taller", "Esperando box", "Llamadas"]),
    ] {
        let text = &translated[&lang];
        for w in words {
            assert!(text.contains(w), "{lang:?} lacks '{w}'");
        }
        assert!(text.contains("🚗"), "{lang:?}: the emoji name is missing");
    }
}

#[test]
fn ascii_line_drawing_leaves_no_box_character_in_any_frame() {
    for lang in Lang::ALL {
        let theme = Theme {
            ascii: true,
            ..Theme::with_color(false)
        };
        for (name, buf) in frames(lang, theme) {
            let text = screen(&buf);
            let found: BTreeSet<char> = text.chars().filter(|c| is_line_drawing(*c)).collect();
            assert!(found.is_empty(), "{name}: {found:?}\n{text}");
            assert!(half_glyphs(&buf).is_empty(), "{name}");
        }
    }
    // And the unicode frames do draw lines, so the check above means something.
    let (name, buf) = &frames(Lang::En, Theme::with_color(false))[0];
    assert!(screen(buf).chars().any(is_line_drawing), "{name}");
}

#[test]
fn the_board_lines_up_in_every_language() {
    for lang in Lang::ALL {
        let mut app = app_with(
            Keymap::default(),
            lang,
            Some(frontdesk::domain::Role::Advisor),
        );
        for (w, h) in SIZES {
            let buf = draw(&mut app, w, h);
            assert_columns_line_up(&buf, &["RO-1001", "RO-1002"], &["Toyota"]);
            assert_columns_line_up(&buf, &["RO-1001", "RO-1003", "RO-1004"], &["Toyota"]);
        }
        // A wide screen is used: the board's rows reach past 132 columns.
        let buf = draw(&mut app, 200, 60);
        let y = row_of(&buf, "RO-1001").unwrap();
        let used = row_text(&buf, y).trim_end().width();
        assert!(
            used > 132,
            "{lang:?}: the card row uses {used} of 200 columns"
        );
    }
}

/// Every key of the English catalogue is in the others, with the same
/// placeholders; the failure lists every key missing, per language.
#[test]
fn every_catalogue_has_every_key_with_the_same_placeholders() {
    let en = i18n::parse(Lang::En.source());
    let mut problems = Vec::new();
    for lang in [Lang::ZhCn, Lang::Es] {
        let own = i18n::parse(lang.source());
        let mut missing: Vec<&String> = en.keys().filter(|k| !own.contains_key(*k)).collect();
        missing.sort();
        if !missing.is_empty() {
            problems.push(format!(
                "{lang:?} lacks {} keys: {missing:?}",
                missing.len()
            ));
        }
        let mut extra: Vec<&String> = own.keys().filter(|k| !en.contains_key(*k)).collect();
        extra.sort();
        if !extra.is_empty() {
            problems.push(format!("{lang:?} has keys English lacks: {extra:?}"));
        }
        for (k, v) in &en {
            if let Some(theirs) = own.get(k) {
                if placeholders(v) != placeholders(theirs) {
                    problems.push(format!("{lang:?} {k}: {theirs:?} vs {v:?}"));
                }
            }
        }
        let scripts = frontdesk::ui::callbacks::script::keys("en");
        let theirs = frontdesk::ui::callbacks::script::keys(lang.code());
        if scripts != theirs {
            problems.push(format!(
                "{lang:?} callback scripts: {theirs:?} vs {scripts:?}"
            ));
        }
    }
    let template = frontdesk::domain::checklist::template::Template::builtin();
    for c in frontdesk::domain::checklist::Category::LISTED {
        for item in template.items(c) {
            if item.zh.trim().is_empty() || item.es.trim().is_empty() {
                problems.push(format!("checklist item {} lacks a translation", item.code));
            }
        }
    }
    for p in frontdesk::domain::checklist::Panel::ALL {
        if p.name_zh().is_empty() || p.name_es().is_empty() {
            problems.push(format!("panel {} lacks a translation", p.code()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.insert(rest[i..i + j + 1].to_string());
        rest = &rest[i + j + 1..];
    }
    out
}

/// A missing key shows in English, never as a blank or a key name.
#[test]
fn a_missing_key_falls_back_to_english() {
    let es = Texts::new(Lang::Es);
    assert_eq!(es.get("pane.board"), "Taller");
    assert!(es.has("pane.board"));
    let mut partial = i18n::parse(Lang::Es.source());
    partial.remove("pane.board");
    let texts = Texts::from_tables(partial, i18n::parse(Lang::En.source()));
    assert_eq!(texts.get("pane.board"), "Board");
}

#[test]
fn the_language_is_chosen_flag_then_user_then_shop_then_locale() {
    let env = |lang: &'static str| move |k: &str| (k == "LANG").then(|| lang.to_string());
    let c = |flag, user, shop, lang| Lang::choose_in(flag, user, shop, &env(lang));
    assert_eq!(
        c(Some("es"), Some("zh"), Some("en"), "zh_CN.UTF-8"),
        Lang::Es
    );
    assert_eq!(c(None, Some("zh"), Some("es"), "en_US.UTF-8"), Lang::ZhCn);
    assert_eq!(c(None, None, Some("es"), "zh_CN.UTF-8"), Lang::Es);
    assert_eq!(c(None, None, None, "es_ES.UTF-8"), Lang::Es);
    assert_eq!(c(None, None, None, "zh_TW.Big5"), Lang::ZhCn);
    assert_eq!(c(None, None, None, "fr_FR.UTF-8"), Lang::En);
    assert_eq!(c(None, None, None, "C"), Lang::En);
    assert!(Lang::parse("fr").unwrap_err().contains("en, zh, es"));
}

/// The half-glyph check finds what it looks for.
#[test]
fn the_half_glyph_check_sees_an_overwritten_wide_character() {
    let mut buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, 4, 1));
    buf.set_string(0, 0, "王", ratatui::style::Style::new());
    assert!(half_glyphs(&buf).is_empty());
    buf.set_string(1, 0, "x", ratatui::style::Style::new());
    assert_eq!(half_glyphs(&buf).len(), 1);
}

/// Dates on the lists are written the Spanish way in Spanish: the call
/// queue's due times (`22/11 10:00`), the visits' dates, categories and
/// states.
#[test]
fn the_call_queue_writes_dates_the_languages_way() {
    let frames = frames(Lang::Es, Theme::with_color(false));
    let (name, buf) = frames
        .iter()
        .find(|(n, _)| n.contains("callbacks 80"))
        .expect("the call queue's frame");
    let text = screen(buf);
    // The queue's rows: the due time as day/month.
    let row = text
        .lines()
        .find(|l| l.contains("ATRASAD"))
        .unwrap_or_default();
    let due = row.split_whitespace().nth(1).unwrap_or_default();
    assert!(
        due.len() == 5 && due.as_bytes()[2] == b'/',
        "{name}: due {due:?}\n{text}"
    );
    // The customer's visits: full dates, categories and states in Spanish.
    let visits = text
        .lines()
        .find(|l| l.starts_with("Visitas"))
        .unwrap_or_default();
    assert!(visits.contains("/2026"), "{name}: {visits}");
    assert!(
        !visits.contains("awaiting_approval") && !visits.contains("delivered"),
        "{visits}"
    );
}
