//! Drawing the book: a title line with the show rate, the load of each bay
//! or group (booked hours against capacity, as text and a bar that reads
//! without colour), then the appointments. The week view shows each day's
//! load per bay or group in columns.

use super::BookPane;
use crate::domain::book::capacity::{lanes, load, Hours, Load, Resource, Slot};
use crate::domain::book::{deposit_short, Appointment};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, fit_right};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Local midnight of `day` as a UTC instant.
pub fn midnight(day: NaiveDate, offset: FixedOffset) -> DateTime<Utc> {
    offset
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight")))
}

/// The resources the load is shown for: bays (not the wash bay) or groups.
fn resources(cx: &Ctx, by_group: bool) -> Vec<(Resource, String)> {
    if by_group {
        cx.board
            .groups
            .iter()
            .map(|g| (Resource::Group(g.id), g.name.clone()))
            .collect()
    } else {
        cx.board
            .bays
            .iter()
            .filter(|b| b.kind != crate::domain::model::BayKind::Wash)
            .map(|b| (Resource::Bay(b.id), b.code.clone()))
            .collect()
    }
}

fn slots(appts: &[Appointment]) -> Vec<Slot> {
    appts
        .iter()
        .filter(|a| a.status.is_active() || a.ro_id.is_some())
        .map(Appointment::slot)
        .collect()
}

fn day_load(
    r: Resource,
    slots: &[Slot],
    day: NaiveDate,
    hours: Hours,
    off: FixedOffset,
    cx: &Ctx,
) -> Load {
    let hands = lanes(r, &cx.board.bays, &cx.board.groups);
    load(r, slots, hands, hours, off, hours.day(day, off))
}

/// "████░░░░" of `width` cells, with "!" when over capacity.
fn bar(l: &Load, width: usize) -> String {
    let full = if l.capacity > 0 {
        (l.booked * width as i64 / l.capacity).min(width as i64) as usize
    } else {
        0
    };
    let mut s = "#".repeat(full) + &".".repeat(width - full);
    if l.over() {
        s.push('!');
    }
    s
}

/// Draws the book; returns how many appointment rows fit (PgUp/PgDn).
pub fn render(pane: &mut BookPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) -> usize {
    let w = area.width as usize;
    let mut lines = vec![title(pane, cx, w)];
    lines.extend(if pane.week {
        week_loads(pane, cx, w)
    } else {
        day_loads(pane, cx, w)
    });
    lines.push(Line::from(Span::styled(
        fit(cx.texts.get("book.list_head"), w),
        cx.theme.dim(),
    )));
    let room = (area.height as usize).saturating_sub(lines.len()).max(1);
    let cursor = pane.cursor().unwrap_or(0);
    if cursor < pane.offset {
        pane.offset = cursor;
    } else if cursor >= pane.offset + room {
        pane.offset = cursor + 1 - room;
    }
    for (i, a) in pane
        .appointments
        .iter()
        .enumerate()
        .skip(pane.offset)
        .take(room)
    {
        lines.push(row(a, i == cursor, cx, w));
    }
    if pane.appointments.is_empty() {
        lines.push(Line::from(Span::styled(
            cx.texts.get("book.empty").to_string(),
            cx.theme.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
    room
}

fn title(pane: &BookPane, cx: &Ctx, w: usize) -> Line<'static> {
    let t = cx.texts;
    let days = pane.days(cx);
    let span = if pane.week {
        format!(
            "{} {} – {}",
            t.get("book.week"),
            cx.time.locale.date(days[0]),
            cx.time.locale.day_month(days[6])
        )
    } else {
        format!("{} {}", t.weekday(days[0]), cx.time.locale.date(days[0]))
    };
    let by = t.get(if pane.by_group {
        "book.by_group"
    } else {
        "book.by_bay"
    });
    let rate = match pane.rate.show_per_mille() {
        Some(pm) => t.fill(
            "book.rate",
            &[
                ("show", &format!("{}.{}", pm / 10, pm % 10)),
                ("arrived", &pane.rate.arrived.to_string()),
                ("no_show", &pane.rate.no_show.to_string()),
            ],
        ),
        None => String::new(),
    };
    let text = format!(
        "{} · {span} · {by} · {} {} {rate}",
        t.get("pane.appointments"),
        pane.appointments.len(),
        t.get("book.count")
    );
    Line::from(Span::styled(fit(&text, w), cx.theme.title()))
}

fn day_loads(pane: &BookPane, cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let hours = cx.session.settings.workshop;
    let off = cx.time.offset_at(cx.now);
    let slots = slots(&pane.appointments);
    let day = pane.day(cx);
    resources(cx, pane.by_group)
        .into_iter()
        .map(|(r, name)| {
            let l = day_load(r, &slots, day, hours, off, cx);
            let text = format!(
                "{} {} {} {:>3}%",
                fit(&name, 10),
                bar(&l, 20),
                fit_right(&l.hours(), 11),
                l.percent()
            );
            let style = if l.over() {
                cx.theme.late()
            } else {
                Style::new()
            };
            Line::from(Span::styled(fit(&text, w), style))
        })
        .collect()
}

fn week_loads(pane: &BookPane, cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let hours = cx.session.settings.workshop;
    let off = cx.time.offset_at(cx.now);
    let slots = slots(&pane.appointments);
    let days = pane.days(cx);
    let mut head = fit("", 10);
    for d in &days {
        let day = format!("{} {}", cx.texts.weekday(*d), d.format("%d"));
        head += &format!(" {}", fit_right(&day, 9));
    }
    let mut out = vec![Line::from(Span::styled(fit(&head, w), cx.theme.dim()))];
    for (r, name) in resources(cx, pane.by_group) {
        let mut text = fit(&name, 10);
        let mut over = false;
        for d in &days {
            let l = day_load(r, &slots, *d, hours, off, cx);
            over |= l.over();
            let cell = format!(
                "{}/{}{}",
                crate::domain::book::capacity::tenths(l.booked),
                crate::domain::book::capacity::tenths(l.capacity),
                if l.over() { "!" } else { "" }
            );
            text += &format!(" {}", fit_right(&cell, 9));
        }
        let style = if over { cx.theme.late() } else { Style::new() };
        out.push(Line::from(Span::styled(fit(&text, w), style)));
    }
    out
}

fn row(a: &Appointment, selected: bool, cx: &Ctx, w: usize) -> Line<'static> {
    let t = cx.texts;
    let place = a
        .bay_id
        .and_then(|b| cx.board.bay(b))
        .map(|b| b.code.clone())
        .or_else(|| {
            a.work_group_id
                .and_then(|g| cx.board.group(g))
                .map(|g| g.name.clone())
        })
        .unwrap_or_else(|| "-".into());
    let when = format!(
        "{}–{}",
        cx.time.medium(a.starts_at),
        cx.time.local(a.ends_at).format("%H:%M")
    );
    let mut flags = vec![t.get(&format!("appt.{}", a.status.code())).to_string()];
    if a.workshop_told_at.is_some() {
        flags.push(t.get("book.told").into());
    }
    if let Some(short) = deposit_short(a.parts_value, a.deposit) {
        let sym = &cx.session.settings.currency_symbol;
        flags.push(t.fill(
            "book.deposit_flag",
            &[("amount", &cx.texts.money(short, sym))],
        ));
    }
    if !a.overbooked_reason.is_empty() {
        flags.push(t.get("book.overbooked").into());
    }
    let text = format!(
        "{} {} {} {} {} · {}",
        fit(&when, 17),
        fit(&place, 6),
        fit(&a.plate, 10),
        fit(&a.customer, 8),
        flags.join(" "),
        a.requested_work
    );
    let style = if selected {
        cx.theme.selected()
    } else {
        Style::new()
    };
    Line::from(Span::styled(fit(&text, w), style))
}
