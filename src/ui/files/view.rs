//! The customer's file as lines: who they are and how to reach them, then
//! each car (now, then before) with its next maintenance and every visit,
//! then complaints, contacts and appointments. A visit's lines carry its
//! RO, so Enter opens it.

use super::FilesPane;
use crate::store::book::{CarFile, FullFile, VisitFile};
use crate::ui::pane::Ctx;
use crate::ui::text::fit;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileLine {
    pub text: String,
    /// A car's or a section's heading (Tab moves between them).
    pub heading: bool,
    pub vehicle_id: Option<i64>,
    pub ro_id: Option<i64>,
    /// Drawn in the alert style (do not contact, a declined item, an open complaint).
    pub alert: bool,
}

fn plain(text: String) -> FileLine {
    FileLine {
        text,
        ..FileLine::default()
    }
}

fn heading(text: String) -> FileLine {
    FileLine {
        text,
        heading: true,
        ..FileLine::default()
    }
}

pub fn lines(f: &FullFile, cx: &Ctx) -> Vec<FileLine> {
    let t = cx.texts;
    let d = &f.details;
    let mut out = vec![heading(format!(
        "#{} {} · {} {}",
        f.customer_id, d.name, d.phone, d.phone2
    ))];
    if let Some(into) = f.merged_into {
        out.push(FileLine {
            text: t.fill("file.merged_into", &[("id", &into.to_string())]),
            alert: true,
            ..FileLine::default()
        });
    }
    let mut reach = format!("{}: {}", t.get("file.f.preferred"), d.preferred_contact);
    if !d.preferred_time.is_empty() {
        reach += &format!(" ({})", d.preferred_time);
    }
    for (label, v) in [("email", &d.email), ("wechat", &d.wechat)] {
        if !v.is_empty() {
            reach += &format!(" · {}: {v}", t.get(&format!("file.f.{label}")));
        }
    }
    out.push(plain(reach));
    if d.do_not_contact {
        out.push(FileLine {
            text: t.get("calls.do_not_contact").to_string(),
            alert: true,
            ..FileLine::default()
        });
    }
    let member = if d.membership.is_empty() {
        "-".to_string()
    } else {
        d.membership.clone()
    };
    out.push(plain(format!(
        "{}: {member} · {}: {}",
        t.get("file.f.membership"),
        t.get("file.f.points"),
        d.points
    )));
    for (label, v) in [
        ("address", &d.address),
        ("wishes", &d.wishes),
        ("notes", &d.notes),
    ] {
        if !v.is_empty() {
            out.push(plain(format!("{}: {v}", t.get(&format!("file.f.{label}")))));
        }
    }
    for car in &f.cars {
        car_lines(car, f.customer_id, cx, &mut out);
    }
    history(f, cx, &mut out);
    out
}

fn car_lines(car: &CarFile, customer_id: i64, cx: &Ctx, out: &mut Vec<FileLine>) {
    let t = cx.texts;
    let since = car.since.map(|d| d.to_string()).unwrap_or_default();
    let owned = match car.until {
        None => t.fill("file.owned_since", &[("since", &since)]),
        Some(u) => t.fill(
            "file.owned_before",
            &[("since", &since), ("until", &u.to_string())],
        ),
    };
    let km = car
        .last_odometer_km
        .map(|k| format!(" · {k} km"))
        .unwrap_or_default();
    out.push(FileLine {
        text: format!(
            "{} {} {} · VIN {}{km} · {owned}",
            car.plate, car.make, car.model, car.vin
        ),
        heading: true,
        vehicle_id: Some(car.vehicle_id),
        ..FileLine::default()
    });
    if car.until.is_none() {
        let due = car.next_due.clone().or_else(|| {
            let on = car.next_due_on.map(|d| d.to_string());
            let km = car.next_due_km.map(|k| format!("{k} km"));
            let both: Vec<String> = on.into_iter().chain(km).collect();
            (!both.is_empty()).then(|| both.join(" / "))
        });
        let due = due.unwrap_or_else(|| t.get("file.due_unknown").to_string());
        out.push(plain(format!("  {}: {due}", t.get("file.next_due"))));
    }
    for v in &car.visits {
        visit_lines(v, customer_id, cx, out);
    }
}

fn visit_lines(v: &VisitFile, customer_id: i64, cx: &Ctx, out: &mut Vec<FileLine>) {
    let t = cx.texts;
    let sym = &cx.session.settings.currency_symbol;
    let at = v
        .delivered_at
        .or(v.checked_in_at)
        .map(|d| cx.time.date(d))
        .unwrap_or_default();
    let km = v.odometer.map(|k| format!(" {k} km")).unwrap_or_default();
    let other = if v.customer_id != customer_id {
        format!(" ({})", t.get("file.other_owner"))
    } else {
        String::new()
    };
    let line = |text: String, alert: bool| FileLine {
        text,
        ro_id: Some(v.ro_id),
        alert,
        ..FileLine::default()
    };
    out.push(line(
        format!(
            "  {} {at} {} {}{km}{other} · {}",
            v.number,
            t.word("category", &v.category),
            t.get(&format!("status.{}", v.status)),
            v.concerns
        ),
        false,
    ));
    for l in &v.lines {
        let declined = l.approval == "declined";
        let mark = if declined { t.get("file.declined") } else { "" };
        out.push(line(
            format!(
                "      {} {} {} {mark}",
                l.kind,
                l.description,
                cx.texts.money(l.amount, sym)
            ),
            declined,
        ));
    }
    for p in &v.payments {
        out.push(line(
            format!(
                "      {} {} {} {}",
                t.get("file.paid"),
                cx.time.date(p.at),
                cx.texts.money(p.amount, sym),
                p.method
            ),
            false,
        ));
    }
}

fn history(f: &FullFile, cx: &Ctx, out: &mut Vec<FileLine>) {
    let t = cx.texts;
    out.push(heading(format!(
        "{} ({})",
        t.get("file.complaints"),
        f.complaints.len()
    )));
    for c in &f.complaints {
        out.push(FileLine {
            text: format!(
                "  {} {} {} {}",
                cx.time.date(c.received_at),
                c.status,
                c.description,
                c.resolution
            ),
            alert: c.status != "closed",
            ..FileLine::default()
        });
    }
    out.push(heading(format!(
        "{} ({})",
        t.get("file.contacts"),
        f.contacts.len()
    )));
    for c in &f.contacts {
        let score = c.score.map(|s| format!(" {s}/5")).unwrap_or_default();
        out.push(plain(format!(
            "  {} {} {} {}{score} {}",
            cx.time.medium(c.at),
            c.by,
            c.channel,
            c.outcome,
            c.notes
        )));
    }
    out.push(heading(format!(
        "{} ({})",
        t.get("file.appointments"),
        f.appointments.len()
    )));
    for a in &f.appointments {
        out.push(FileLine {
            text: format!(
                "  {} {} {} {}",
                cx.time.medium(a.starts_at),
                a.plate,
                t.get(&format!("appt.{}", a.status.code())),
                a.requested_work
            ),
            ro_id: a.ro_id,
            ..FileLine::default()
        });
    }
}

/// Draws the file; returns the rows that fit (for PgUp/PgDn).
pub fn render(pane: &mut FilesPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) -> usize {
    let w = area.width as usize;
    let room = area.height as usize;
    if pane.file.is_none() {
        let hint = Line::from(Span::styled(
            fit(cx.texts.get("file.hint"), w),
            cx.theme.dim(),
        ));
        frame.render_widget(Paragraph::new(vec![hint]), area);
        return room;
    }
    if pane.cursor < pane.offset {
        pane.offset = pane.cursor;
    } else if pane.cursor >= pane.offset + room {
        pane.offset = pane.cursor + 1 - room;
    }
    let lines: Vec<Line<'static>> = pane
        .lines
        .iter()
        .enumerate()
        .skip(pane.offset)
        .take(room)
        .map(|(i, l)| {
            let mut style = if l.heading {
                cx.theme.title()
            } else {
                Style::new()
            };
            if l.alert {
                style = style.patch(cx.theme.late());
            }
            if i == pane.cursor {
                style = cx.theme.selected();
            }
            Line::from(Span::styled(fit(&l.text, w), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    room
}
