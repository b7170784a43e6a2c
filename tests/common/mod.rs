//! Shared helpers for the UI tests: a fixed board with Chinese and Latin
//! names, and reading text positions out of a ratatui buffer.
#![allow(dead_code)]

pub mod pty;

use chrono::{DateTime, Duration, TimeZone, Utc};
use frontdesk::domain::*;
use frontdesk::ui::app::{App, Session};
use frontdesk::ui::i18n::{Lang, Texts};
use frontdesk::ui::keymap::Keymap;
use frontdesk::ui::theme::Theme;
use frontdesk::ui::timefmt::TimeFmt;
use ratatui::buffer::Buffer;
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
        },
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

pub fn app_with(keymap: Keymap, lang: Lang, role: Option<Role>) -> App {
    let session = Session {
        login: "li.na".into(),
        user: role.map(user),
        db_label: "shop.db".into(),
        read_only: false,
        settings: Settings::default(),
    };
    let mut app = App::new(
        session,
        keymap,
        Texts::new(lang),
        Theme { color: false },
        TimeFmt::utc(),
    );
    app.board.set_snapshot(snapshot(), Some(1));
    app
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
