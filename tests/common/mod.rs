//! Shared helpers for the UI tests: a fixed board with Chinese and Latin
//! names, and reading text positions out of a ratatui buffer.
#![allow(dead_code)]

pub mod calls;
pub mod pg;
pub mod pty;

use chrono::{DateTime, Duration, TimeZone, Utc};
use frontdesk::domain::*;
use frontdesk::store::SqliteStore;
use frontdesk::ui::app::{App, Shell};
use frontdesk::ui::board::BoardPane;
use frontdesk::ui::i18n::{Lang, Texts};
use frontdesk::ui::keymap::Keymap;
use frontdesk::ui::theme::Theme;
use frontdesk::ui::timefmt::TimeFmt;
use frontdesk::ui::Session;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
}

fn mins(m: i64) -> Option<DateTime<Utc>> {
    Some(now() + Duration::minutes(m))
}

pub fn card(
    id: i64,
    number: &str,
    plate: &str,
    customer: &str,
    status: RoStatus,
    bay: Option<i64>,
) -> BoardCard {
    BoardCard {
        id,
        number: number.into(),
        version: 1,
        plate: plate.into(),
        model: "Toyota Camry".into(),
        customer: customer.into(),
        advisor_id: Some(1),
        advisor: "李娜".into(),
        work_group_id: Some(1),
        bay_id: bay,
        times: JobTimes {
            status,
            checked_in_at: mins(-120),
            promised_at: mins(90),
            estimated_minutes: Some(120),
            work_started_at: mins(-60),
            progress_checked_at: None,
            pickup_called_at: None,
            expected_finish_at: None,
        },
        waiting: false,
        key: None,
    }
}

pub fn snapshot() -> BoardSnapshot {
    let bay = |id, code: &str, name: &str, kind| Bay {
        id,
        code: code.into(),
        name: name.into(),
        kind,
        capacity: 1,
    };
    let mut late = card(
        3,
        "RO-1003",
        "粤B·88888",
        "José Fernández",
        RoStatus::WaitingForBay,
        None,
    );
    late.times.promised_at = mins(-30);
    late.advisor = "Carlos Ruiz".into();
    let mut check = card(
        2,
        "RO-1002",
        "1234-KLM",
        "María García",
        RoStatus::InBay,
        Some(2),
    );
    check.times.work_started_at = mins(-100);
    check.advisor_id = Some(2);
    // Ready, promised in 30 minutes, nobody has called: the pickup call is due.
    let mut ready = card(
        4,
        "RO-1004",
        "京N·A8520",
        "王伟",
        RoStatus::ReadyForPickup,
        None,
    );
    ready.times.promised_at = mins(30);
    BoardSnapshot {
        bays: vec![
            bay(1, "B1", "Lift 1", BayKind::Lift),
            bay(2, "B2", "Lift 2", BayKind::Lift),
            bay(3, "B3", "Lift 3", BayKind::Lift),
            bay(4, "WA", "Wash bay", BayKind::Wash),
        ],
        groups: vec![WorkGroup {
            id: 1,
            name: "Mech A".into(),
            technicians: 2,
        }],
        cards: vec![
            card(
                1,
                "RO-1001",
                "粤A·12345",
                "欧阳娜娜",
                RoStatus::InBay,
                Some(1),
            ),
            check,
            late,
            ready,
        ],
        booked: vec![],
    }
}

pub fn user(role: Role) -> User {
    User {
        id: 1,
        login: "li.na".into(),
        name: "李娜".into(),
        role,
    }
}

/// Everything a pane may read, with the fixed board, for pane tests that
/// need neither a terminal nor a database.
pub fn shell(role: Option<Role>) -> Shell {
    Shell {
        session: session(role),
        keymap: Keymap::default(),
        texts: Texts::new(Lang::En),
        theme: Theme::with_color(false),
        time: TimeFmt::utc(),
        now: now(),
        board: Arc::new(snapshot()),
        current: frontdesk::ui::PaneId::Board,
    }
}

fn session(role: Option<Role>) -> Session {
    Session {
        login: "li.na".into(),
        user: role.map(user),
        db_label: "shop.db".into(),
        read_only: false,
        group: false,
        settings: Settings::default(),
    }
}

pub fn app_with(keymap: Keymap, lang: Lang, role: Option<Role>) -> App {
    let mut app = App::new(
        session(role),
        keymap,
        Texts::new(lang),
        Theme::with_color(false),
        TimeFmt::utc(),
    );
    app.set_now(now());
    set_board(&mut app, snapshot());
    app
}

/// Puts a fixed board on screen, as a reload would, without a database.
pub fn set_board(app: &mut App, snapshot: BoardSnapshot) {
    let snapshot = Arc::new(snapshot);
    app.shell.board = Arc::clone(&snapshot);
    app.pane_mut::<BoardPane>()
        .unwrap()
        .set_snapshot(snapshot, Some(1));
}

/// The board pane of an app.
pub fn board(app: &App) -> &BoardPane {
    app.pane::<BoardPane>().unwrap()
}

/// The app on a real store, as "tester" (the manager of the demo these
/// tests build), with its clock at `at`.
pub fn app_on_store(store: &SqliteStore, at: DateTime<Utc>) -> App {
    let session = Session::open(store, "tester", "shop.db".into()).unwrap();
    let mut app = App::new(
        session,
        Keymap::default(),
        Texts::new(Lang::En),
        Theme::with_color(false),
        TimeFmt::utc(),
    );
    app.set_now(at);
    app.reload(store);
    app
}

/// Sends keys, running the writes they queue as the writer thread would.
pub fn press_on(app: &mut App, store: &mut SqliteStore, keys: &[crossterm::event::KeyEvent]) {
    for k in keys {
        app.handle_key(*k, store);
        app.settle(store);
    }
}

/// An empty shop in memory: the shell runs its reads against it.
pub fn no_shop() -> SqliteStore {
    SqliteStore::open_in_memory().unwrap()
}

/// One frame of the whole app on a test terminal.
pub fn draw(app: &mut App, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    term.backend().buffer().clone()
}

pub fn app() -> App {
    app_with(Keymap::default(), Lang::En, Some(Role::Advisor))
}

/// The text of one buffer row, skipping the blank cell after a wide character.
pub fn row_text(buf: &Buffer, y: u16) -> String {
    cells(buf, y).into_iter().map(|(_, s)| s).collect()
}

fn cells(buf: &Buffer, y: u16) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut x = 0;
    while x < buf.area.width {
        let sym = buf[(x, y)].symbol().to_string();
        let w = UnicodeWidthStr::width(sym.as_str()).max(1) as u16;
        out.push((x, sym));
        x += w;
    }
    out
}

/// The screen column where `needle` starts on row `y`.
pub fn column_of(buf: &Buffer, y: u16, needle: &str) -> Option<u16> {
    let cells = cells(buf, y);
    let text: String = cells.iter().map(|(_, s)| s.as_str()).collect();
    let byte = text.find(needle)?;
    let mut seen = 0;
    for (x, s) in &cells {
        if seen == byte {
            return Some(*x);
        }
        seen += s.len();
    }
    None
}

/// The row whose text contains `needle`.
pub fn row_of(buf: &Buffer, needle: &str) -> Option<u16> {
    (0..buf.area.height).find(|&y| row_text(buf, y).contains(needle))
}

pub fn screen(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| row_text(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One layer drawn alone over an empty screen; the screen's text.
pub fn draw_layer(
    layer: &dyn frontdesk::ui::layer::Layer,
    cx: &frontdesk::ui::Ctx,
    w: u16,
    h: u16,
) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| layer.render(f, f.area(), cx)).unwrap();
    screen(term.backend().buffer())
}

/// The demo shop built at `at` in a temporary file: the directory (keep it
/// alive), the file, and the store on it.
#[allow(dead_code)]
pub fn demo_shop(at: DateTime<Utc>) -> (tempfile::TempDir, std::path::PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let mut store = SqliteStore::open(&path, frontdesk::store::OpenMode::Create).unwrap();
    frontdesk::demo::build_demo(&mut store, at, "tester").unwrap();
    (dir, path, store)
}

/// Every card row's later columns start at the same screen column, whether
/// the plate, customer and advisor are Chinese (2 cells a character) or Latin.
#[allow(dead_code)]
pub fn assert_columns_line_up(buf: &Buffer, numbers: &[&str], needles: &[&str]) {
    for needle in needles {
        let xs: Vec<Option<u16>> = numbers
            .iter()
            .map(|n| row_of(buf, n).and_then(|y| column_of(buf, y, needle)))
            .collect();
        assert!(
            xs.iter().all(|x| x.is_some() && *x == xs[0]),
            "'{needle}' columns differ: {xs:?}\n{}",
            screen(buf)
        );
    }
}
