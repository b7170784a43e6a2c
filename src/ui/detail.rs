//! The RO detail view opened with Enter on the board.

use super::i18n::Texts;
use super::layer::TextView;
use super::text::fit;
use super::timefmt::TimeFmt;
use crate::domain::text::clean_multiline;
use crate::domain::RoDetail;
use chrono::{DateTime, Utc};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn detail_view(d: &RoDetail, t: &Texts, time: TimeFmt) -> TextView {
    let c = &d.card;
    let none = t.get("detail.none").to_string();
    let at = |x: Option<DateTime<Utc>>| x.map(|x| time.long(x)).unwrap_or_else(|| none.clone());
    let rows: Vec<(&str, String)> = vec![
        (
            "detail.status",
            t.get(&format!("lane.{}", c.status().code())).to_string(),
        ),
        ("detail.customer", format!("{} · {}", c.customer, d.phone)),
        (
            "detail.vehicle",
            format!("{} · {} · VIN {}", c.plate, c.model, d.vin),
        ),
        ("detail.advisor", c.advisor.clone()),
        (
            "detail.group",
            d.work_group.clone().unwrap_or_else(|| none.clone()),
        ),
        ("detail.bay", d.bay.clone().unwrap_or_else(|| none.clone())),
        ("detail.category", d.category.clone()),
        ("detail.checked_in", at(c.times.checked_in_at)),
        ("detail.promised", at(c.times.promised_at)),
        (
            "detail.estimate",
            c.times
                .estimated_minutes
                .map(|m| format!("{} h {:02} min", m / 60, m % 60))
                .unwrap_or_else(|| none.clone()),
        ),
        ("detail.new_finish", at(c.times.expected_finish_at)),
        // Kept as it happened, shown to the ten minutes (never later than it was).
        (
            "detail.received",
            at(d.workshop_received_at
                .map(crate::domain::timing::to_ten_minutes)),
        ),
        ("detail.started", at(c.times.work_started_at)),
        ("detail.progress", at(c.times.progress_checked_at)),
        ("detail.called", at(c.times.pickup_called_at)),
        (
            "detail.odometer",
            d.odometer_km
                .map(|k| format!("{k} km"))
                .unwrap_or_else(|| none.clone()),
        ),
        (
            "detail.fuel",
            d.fuel_eighths
                .map(fuel_gauge)
                .unwrap_or_else(|| none.clone()),
        ),
    ];
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines: Vec<Line<'static>> = rows
        .into_iter()
        .filter(|(k, v)| *k != "detail.new_finish" || *v != none)
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(fit(t.get(k), 18), bold),
                Span::raw(super::text::truncate(&v, 200)),
            ])
        })
        .collect();
    lines.push(Line::from(Span::styled(
        t.get("detail.concerns").to_string(),
        bold,
    )));
    for l in clean_multiline(&d.concerns).lines() {
        lines.push(Line::from(format!("  {l}")));
    }
    lines.push(Line::from(Span::styled(
        t.get("detail.history").to_string(),
        bold,
    )));
    for h in &d.history {
        lines.push(Line::from(super::text::truncate(
            &format!(
                "  {}  {:<10} {:<14} {}",
                time.long(h.at),
                h.user_login,
                h.action,
                h.detail
            ),
            300,
        )));
    }
    TextView::new(format!("{} {}", t.get("detail.title"), c.number), lines)
}

/// "E ■■■■■□□□ F": the fuel needle in eighths, as on the check-in sheet.
fn fuel_gauge(eighths: i64) -> String {
    let e = eighths.clamp(0, 8) as usize;
    format!("E {}{} F ({e}/8)", "■".repeat(e), "□".repeat(8 - e))
}
