//! Drawing F8: a heading with the period and the views, then the view's
//! tables, or its charts. Every chart says in text what colour would say
//! (values on the bars, "!" beside a missed target, the target line drawn
//! in its own symbol), so it reads on a terminal without colour.

use super::{DrillList, ReportsPane, View};
use crate::domain::report::Kpi;
use crate::report::{drill_cells, sparkline, Cell, Charts, Table};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, fit_right, width};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Bar, BarChart, Block, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;

/// The KPI table with each rate's 12 weeks as a sparkline.
pub fn with_sparklines(mut t: Table, charts: &Charts) -> Table {
    t.head.push(format!(
        "{}–{}",
        charts.weeks.first().cloned().unwrap_or_default(),
        charts.weeks.last().cloned().unwrap_or_default()
    ));
    for (i, row) in t.rows.iter_mut().enumerate() {
        let kpi = Kpi::ALL[i];
        let spark = charts
            .trends
            .iter()
            .find(|tr| tr.kpi == kpi)
            .map(|tr| sparkline(&tr.values));
        row.cells.push(Cell::words(spark.unwrap_or_default()));
    }
    t.numbers_from = 1;
    t
}

/// Each column's width: the widest cell, the first column cut to fit.
fn widths(t: &Table, room: usize) -> Vec<usize> {
    let mut w: Vec<usize> = t.head.iter().map(|h| width(h)).collect();
    for r in &t.rows {
        for (i, c) in r.cells.iter().enumerate().take(w.len()) {
            w[i] = w[i].max(width(&c.text));
        }
    }
    let rest: usize = w.iter().skip(1).map(|x| x + 1).sum();
    w[0] = w[0].min(room.saturating_sub(rest + 2).max(6));
    w
}

fn cells_line(cells: &[&str], w: &[usize], numbers_from: usize, mark: &str) -> String {
    let mut s = String::new();
    for (i, c) in cells.iter().enumerate().take(w.len()) {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&if i >= numbers_from {
            fit_right(c, w[i])
        } else {
            fit(c, w[i])
        });
    }
    s.push_str(mark);
    s
}

/// The tables as lines; `selected` is the index among data rows.
fn table_lines(
    tables: &[Table],
    room: usize,
    selected: usize,
    cx: &Ctx,
) -> (Vec<Line<'static>>, usize) {
    let (mut lines, mut at, mut n) = (Vec::new(), 0, 0);
    for t in tables {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled(t.title.clone(), cx.theme.title())));
        let w = widths(t, room);
        let head: Vec<&str> = t.head.iter().map(String::as_str).collect();
        lines.push(Line::from(Span::styled(
            cells_line(&head, &w, t.numbers_from, ""),
            cx.theme.header(),
        )));
        for r in &t.rows {
            let cells: Vec<&str> = r.cells.iter().map(|c| c.text.as_str()).collect();
            let mark = if r.met == Some(false) { " !" } else { "  " };
            let mut style = if r.met == Some(false) {
                cx.theme.late()
            } else {
                Style::new()
            };
            if n == selected {
                style = style.patch(cx.theme.selected());
                at = lines.len();
            }
            lines.push(Line::from(Span::styled(
                cells_line(&cells, &w, t.numbers_from, mark),
                style,
            )));
            n += 1;
        }
    }
    (lines, at)
}

fn heading(pane: &ReportsPane, cx: &Ctx, w: usize) -> Vec<Line<'static>> {
    let t = cx.texts;
    let label = pane.query(cx).period.label();
    let mut spans = vec![Span::styled(
        format!("{}  {label}  ", t.get("report.title")),
        cx.theme.title(),
    )];
    if pane.group {
        spans.push(Span::styled(
            format!("[{}]  ", t.get("report.group")),
            cx.theme.selected(),
        ));
    }
    for v in View::ALL {
        let name = t.get(v.key());
        if v == pane.view {
            spans.push(Span::styled(format!("[{name}]"), cx.theme.selected()));
        } else {
            spans.push(Span::raw(format!(" {name} ")));
        }
    }
    let mut keys = t.get("report.keys").to_string();
    if cx.session.group {
        keys.push_str(t.get("report.keys_group"));
    }
    let took = t.fill("report.took", &[("ms", &pane.took.as_millis().to_string())]);
    spans.push(Span::styled(format!("  {took}"), cx.theme.dim()));
    vec![
        Line::from(spans),
        Line::from(Span::styled(fit(&keys, w), cx.theme.dim())),
    ]
}

/// Draws the pane; returns the rows a page holds.
pub fn render(pane: &mut ReportsPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) -> usize {
    let [top, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    frame.render_widget(Paragraph::new(heading(pane, cx, area.width as usize)), top);
    if let Some(d) = pane.drill.as_mut() {
        return drill(d, frame, body, cx);
    }
    if pane.view == View::Charts {
        charts(pane, frame, body, cx);
        return body.height as usize;
    }
    let room = body.height as usize;
    let (lines, at) = table_lines(&pane.tables, body.width as usize, pane.cursor, cx);
    if at < pane.offset {
        pane.offset = at.saturating_sub(2);
    } else if at >= pane.offset + room {
        pane.offset = at + 1 - room;
    }
    let shown: Vec<Line> = lines.into_iter().skip(pane.offset).take(room).collect();
    frame.render_widget(Paragraph::new(shown), body);
    room
}

fn drill(d: &mut DrillList, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) -> usize {
    let room = (area.height as usize).saturating_sub(2).max(1);
    if d.cursor < d.offset {
        d.offset = d.cursor;
    } else if d.cursor >= d.offset + room {
        d.offset = d.cursor + 1 - room;
    }
    let mut lines = vec![Line::from(Span::styled(d.title.clone(), cx.theme.title()))];
    if d.rows.is_empty() {
        lines.push(Line::from(cx.texts.get("report.drill_empty").to_string()));
    }
    let w = [9, 10, 14, 22, 16];
    for (i, r) in d.rows.iter().enumerate().skip(d.offset).take(room) {
        let mut cells = drill_cells(r, cx.time);
        if let Some(m) = r.amount {
            cells[3].text = format!(
                "{} {}",
                cells[3].text,
                cx.texts.money(m, &cx.session.settings.currency_symbol)
            );
        }
        let texts: Vec<&str> = cells.iter().map(|c| c.text.as_str()).collect();
        let style = if i == d.cursor {
            cx.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            cells_line(&texts, &w, 9, ""),
            style,
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
    room
}

/// Cars per day across the top; revenue by category and the chosen KPI's
/// 12 weeks against its target below.
fn charts(pane: &ReportsPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let c = &pane.charts;
    let [upper, lower] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(lower);
    cars_per_day(c, frame, upper, cx);
    revenue(c, frame, left, cx);
    trend(pane, frame, right, cx);
}

fn titled(title: &str, cx: &Ctx) -> Block<'static> {
    Block::bordered().title(Span::styled(title.to_string(), cx.theme.title()))
}

fn cars_per_day(c: &Charts, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let inner = area.width.saturating_sub(2) as usize;
    let n = c.cars_per_day.len().max(1);
    // One column per day when it fits, with gaps when there is room.
    let (bar, gap) = if n * 4 <= inner {
        (3, 1)
    } else if n * 2 <= inner {
        (1, 1)
    } else {
        (1, 0)
    };
    let shown = c
        .cars_per_day
        .len()
        .saturating_sub(inner / (bar + gap).max(1));
    let bars: Vec<Bar> = c.cars_per_day[shown..]
        .iter()
        .map(|(day, v)| {
            let label = if bar >= 3 {
                day[3..].to_string()
            } else {
                String::new()
            };
            Bar::with_label(label, *v as u64).text_value(if bar >= 2 {
                v.to_string()
            } else {
                String::new()
            })
        })
        .collect();
    let total: i64 = c.cars_per_day.iter().map(|d| d.1).sum();
    let max = c.cars_per_day.iter().map(|d| d.1).max().unwrap_or(0);
    let title = format!("{} (Σ {total}, max {max})", c.cars_title);
    let chart = BarChart::vertical(bars)
        .block(titled(&title, cx))
        .bar_width(bar as u16)
        .bar_gap(gap as u16)
        .bar_style(Style::new().add_modifier(Modifier::BOLD));
    frame.render_widget(chart, area);
}

fn revenue(c: &Charts, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let label_w = 10;
    let bars: Vec<Bar> = c
        .revenue
        .iter()
        .map(|(name, v, text)| {
            Bar::with_label(fit(name, label_w), (*v).max(0) as u64).text_value(text.clone())
        })
        .collect();
    let chart = BarChart::horizontal(bars)
        .block(titled(&c.revenue_title, cx))
        .bar_width(1)
        .bar_gap(0);
    frame.render_widget(chart, area);
}

fn trend(pane: &ReportsPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let c = &pane.charts;
    let Some(tr) = c.trends.get(pane.trend_kpi) else {
        frame.render_widget(titled(&c.trend_title, cx), area);
        return;
    };
    let points: Vec<(f64, f64)> = tr
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|p| (i as f64, p as f64 / 10.0)))
        .collect();
    let last = (c.weeks.len().max(2) - 1) as f64;
    let target = [
        (0.0, tr.target as f64 / 10.0),
        (last, tr.target as f64 / 10.0),
    ];
    let now = tr
        .values
        .last()
        .copied()
        .flatten()
        .map_or("–".into(), |p| format!("{}.{}%", p / 10, p % 10));
    let data = vec![
        Dataset::default()
            .name(format!("{} {now}", fit(&tr.name, 14).trim_end()))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .data(&points),
        Dataset::default()
            .name(format!("target {}", tr.target_text))
            .marker(Marker::Dot)
            .graph_type(GraphType::Line)
            .style(cx.theme.dim())
            .data(&target),
    ];
    let first_week = c.weeks.first().cloned().unwrap_or_default();
    let last_week = c.weeks.last().cloned().unwrap_or_default();
    let chart = Chart::new(data)
        .block(titled(
            &format!("↑↓ {} {now} ({})", tr.name, tr.target_text),
            cx,
        ))
        .x_axis(
            Axis::default()
                .bounds([0.0, last])
                .labels([first_week, last_week]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(["0", "50", "100%"]),
        )
        .legend_position(Some(ratatui::widgets::LegendPosition::BottomLeft));
    frame.render_widget(chart, area);
}
