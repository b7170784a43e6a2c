//! Drawing F5: the queue above (overdue, today, upcoming, each row saying
//! which in words, so a screen without colour loses nothing), and below it
//! the selected customer: the number to read out, how they like to be
//! reached, why this call, what to say, and their history at a glance.

use super::{script, CallbacksPane};
use crate::domain::callbacks::{read_out, Band};
use crate::store::callbacks::{Agent, CustomerFile, QueueRow};
use crate::ui::pane::Ctx;
use crate::ui::text::fit;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the pane; returns how many queue rows fit (for PgUp/PgDn).
pub fn render(p: &mut CallbacksPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) -> usize {
    let list_h = (area.height.saturating_sub(1) / 2).max(3);
    let [head, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(list_h),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(header(p, cx)), head);
    let page = list.height as usize;
    draw_list(p, frame, list, page, cx);
    draw_detail(p, frame, detail, cx);
    page
}

fn kind_words(code: &str, cx: &Ctx) -> String {
    cx.texts.get(&format!("calls.kind.{code}")).to_string()
}

fn header(p: &CallbacksPane, cx: &Ctx) -> Line<'static> {
    let t = cx.texts;
    let count = |b: Band| p.rows.iter().filter(|r| r.band == b).count().to_string();
    let kind = p
        .kind
        .map(|k| kind_words(k.code(), cx))
        .unwrap_or_else(|| t.get("calls.all").into());
    let agent = match p.agent {
        Agent::All => t.get("calls.all"),
        Agent::Mine => t.get("calls.mine"),
        Agent::Free => t.get("calls.free"),
    };
    let text = t.fill(
        "calls.header",
        &[
            ("overdue", &count(Band::Overdue)),
            ("today", &count(Band::Today)),
            ("upcoming", &count(Band::Upcoming)),
            ("kind", &kind),
            ("agent", agent),
        ],
    );
    let mut spans = vec![Span::styled(text, cx.theme.header())];
    // Only a group server has more than one shop to show.
    if cx.session.group {
        let scope = match p.group {
            true => t.get("report.group"),
            false => t.get("calls.shop"),
        };
        let scope = t.fill("calls.scope", &[("scope", scope)]);
        spans.push(Span::styled(scope, cx.theme.header()));
    }
    Line::from(spans)
}

fn band_words(b: Band, cx: &Ctx) -> String {
    cx.texts
        .get(&format!("calls.band.{}", b.code()))
        .to_string()
}

fn draw_list(p: &mut CallbacksPane, frame: &mut Frame<'_>, area: Rect, page: usize, cx: &Ctx) {
    if p.rows.is_empty() {
        let none = Paragraph::new(cx.texts.get("calls.none").to_string()).wrap(Wrap { trim: true });
        frame.render_widget(none, area);
        return;
    }
    let cursor = p.cursor().unwrap_or(0);
    if cursor < p.offset {
        p.offset = cursor;
    } else if page > 0 && cursor >= p.offset + page {
        p.offset = cursor + 1 - page;
    }
    let w = area.width as usize;
    let lines: Vec<Line> = p
        .rows
        .iter()
        .enumerate()
        .skip(p.offset)
        .take(page)
        .map(|(i, r)| row_line(r, i == cursor, w, cx))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn row_line(r: &QueueRow, selected: bool, w: usize, cx: &Ctx) -> Line<'static> {
    let due = cx.time.medium(r.due);
    let taken = r
        .claimed_by
        .as_deref()
        .map(|who| format!("@{who}"))
        .unwrap_or_default();
    let mark = if selected { "▶" } else { " " };
    let fixed = format!(
        "{mark}{} {due} {} {} {} {}",
        fit(&band_words(r.band, cx), 8),
        fit(&kind_words(r.kind.code(), cx), 12),
        fit(&r.customer, 12),
        fit(&r.plate, 10),
        fit(&taken, 10),
    );
    let text = fit(&format!("{fixed} {}", r.reason), w);
    let style = if selected {
        cx.theme.selected()
    } else if r.band == Band::Overdue {
        cx.theme.late()
    } else {
        Style::new()
    };
    Line::from(Span::styled(text, style))
}

fn draw_detail(p: &CallbacksPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let (Some(row), Some(file)) = (p.current(), p.file.as_ref()) else {
        return;
    };
    let t = cx.texts;
    let mut lines = vec![Line::from(Span::styled(
        "─".repeat(area.width as usize),
        cx.theme.dim(),
    ))];
    let contact = t.fill(
        "calls.contact_line",
        &[
            ("name", &file.name),
            ("phone", &read_out(&file.phone)),
            ("channel", &file.preferred),
            (
                "time",
                if file.preferred_time.is_empty() {
                    "-"
                } else {
                    &file.preferred_time
                },
            ),
        ],
    );
    lines.push(Line::from(Span::styled(contact, cx.theme.title())));
    if file.do_not_contact {
        lines.push(Line::from(Span::styled(
            t.get("calls.dnc").to_string(),
            cx.theme.error(),
        )));
    }
    lines.push(Line::from(format!(
        "{}: {} ({} {})",
        kind_words(row.kind.code(), cx),
        row.reason,
        t.get("calls.attempts"),
        row.attempts
    )));
    let lang = t.get("lang");
    let said = script::for_row(row, lang, &cx.session.login);
    lines.push(Line::from(Span::styled(
        format!("{} {said}", t.get("calls.script")),
        cx.theme.dim(),
    )));
    lines.extend(history(file, cx, area.width as usize));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// Last visits, declined items, complaints and contacts, a line each.
/// Wrapped here, by display width, so Chinese words never reach past the
/// edge (ratatui's wrap put a wide character in the last cell).
fn history(file: &CustomerFile, cx: &Ctx, width: usize) -> Vec<Line<'static>> {
    let t = cx.texts;
    let day =
        |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| cx.time.date(d)).unwrap_or_default();
    let visits: Vec<String> = file
        .visits
        .iter()
        .map(|v| {
            let category = t.word("category", &v.category);
            let status = t.word("status", &v.status);
            format!("{} {} {category} {status}", v.number, day(v.at))
        })
        .collect();
    let declined: Vec<String> = file
        .declined
        .iter()
        .map(|(ro, item)| format!("{ro}: {item}"))
        .collect();
    let complaints: Vec<String> = file
        .complaints
        .iter()
        .map(|c| {
            format!(
                "{} [{}] {}",
                day(Some(c.received_at)),
                c.status,
                c.description
            )
        })
        .collect();
    let contacts: Vec<String> = file
        .contacts
        .iter()
        .map(|c| {
            let score = c.score.map(|s| format!(" {s}/5")).unwrap_or_default();
            format!(
                "{} {} {} {}{score}",
                day(Some(c.at)),
                c.by,
                t.word("choice", &c.channel),
                t.word("choice", &c.outcome)
            )
        })
        .collect();
    let mut out = Vec::new();
    for (key, items) in [
        ("calls.visits", visits),
        ("calls.declined", declined),
        ("calls.complaints", complaints),
        ("calls.contacts", contacts),
    ] {
        let body = if items.is_empty() {
            "-".to_string()
        } else {
            items.join(" · ")
        };
        let head = format!("{}: ", t.get(key));
        let rows = crate::ui::desk::wrapped(&format!("{head}{body}"), width);
        for (i, row) in rows.into_iter().enumerate() {
            match row.strip_prefix(head.as_str()) {
                Some(rest) if i == 0 => out.push(Line::from(vec![
                    Span::styled(head.clone(), cx.theme.header()),
                    Span::raw(rest.to_string()),
                ])),
                _ => out.push(Line::from(row)),
            }
        }
    }
    out
}
