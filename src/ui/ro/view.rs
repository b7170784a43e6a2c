//! Drawing the RO editor: a title, the header fields (two to a row when
//! there is room), the concerns and diagnosis, the lines, the totals and
//! notices. The form scrolls so the focused field is always in view.

use super::dialogs::{line_choice, LineEditor, PromptInput, LINE_FIELDS};
use super::fields::{choice_text, FieldId, Kind, ORDER};
use super::form::RoForm;
use super::Dialog;
use crate::domain::pricing::{line_amount, risk_margin, totals};
use crate::domain::repair_order::{Approval, NO_WARRANTY_NOTICE};
use crate::domain::settlement::balance;
use crate::domain::text::clean_multiline;
use crate::ui::app::App;
use crate::ui::overlay::centered;
use crate::ui::text::{fit, fit_right, truncate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

const LABEL: u16 = 13;

#[derive(Debug, Clone)]
enum Row {
    Title,
    Fields(FieldId, Option<FieldId>),
    Error(String),
    LinesHeader,
    Line(usize),
    Text(String, bool),
}

fn height(row: &Row) -> u16 {
    match row {
        Row::Fields(f, _) => match f.kind() {
            Kind::Multi(n) => n,
            _ => 1,
        },
        _ => 1,
    }
}

fn rows(app: &App, form: &RoForm, wide: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut i = 0;
    while i < ORDER.len() {
        let f = ORDER[i];
        if f == FieldId::Lines {
            rows.push(Row::LinesHeader);
            rows.extend((0..form.ro.lines.len()).map(Row::Line));
            rows.extend(form.line_problems().into_iter().map(Row::Error));
            i += 1;
            continue;
        }
        let pair =
            (wide && f.half() && i + 1 < ORDER.len() && ORDER[i + 1].half()).then(|| ORDER[i + 1]);
        rows.push(Row::Fields(f, pair));
        for g in std::iter::once(f).chain(pair) {
            if let Some(m) = form.message_at(g) {
                rows.push(Row::Error(format!("{}: {m}", app.texts.get(g.text_key()))));
            }
        }
        i += if pair.is_some() { 2 } else { 1 };
    }
    rows.extend(totals_rows(app, form));
    rows
}

fn totals_rows(app: &App, form: &RoForm) -> Vec<Row> {
    let t = &app.texts;
    let cur = &app.session.settings.currency_symbol;
    let tot = totals(
        &form.ro.lines,
        form.ro.discount_bp,
        app.session.settings.tax_rate_bp,
    );
    let mut out = Vec::new();
    for p in &tot.by_payer {
        out.push(Row::Text(
            format!(
                "{:<9} {} − {} {} + {} {} = {}",
                p.payer.code(),
                p.subtotal.format(cur),
                t.get("ro.discount_line"),
                p.discount.format(cur),
                t.get("ro.tax"),
                p.tax.format(cur),
                p.total.format(cur)
            ),
            false,
        ));
    }
    let paid = app.ro.payments.iter().map(|p| p.amount.0).sum::<i64>();
    let owed = balance(tot.customer_due(), &app.ro.payments);
    out.push(Row::Text(
        format!(
            "{} {}   {} {}   {} {}",
            t.get("ro.total"),
            tot.total.format(cur),
            t.get("ro.paid"),
            crate::domain::Money(paid).format(cur),
            t.get("ro.owed"),
            owed.format(cur)
        ),
        false,
    ));
    let margin = risk_margin(form.ro.pricing, tot.total);
    if margin.0 > 0 {
        out.push(Row::Text(
            format!("{} ± {}", t.get("ro.risk_margin"), margin.format(cur)),
            true,
        ));
    }
    if form.ro.needs_no_warranty_notice() {
        out.push(Row::Text(
            format!("{} — {NO_WARRANTY_NOTICE}", t.get("ro.no_warranty")),
            true,
        ));
    }
    out
}

/// The row holding the focus, to keep it on screen.
fn focus_row(rows: &[Row], form: &RoForm) -> usize {
    let f = form.field();
    rows.iter()
        .position(|r| match r {
            Row::Line(i) => f == FieldId::Lines && *i == form.line_cursor,
            Row::LinesHeader => f == FieldId::Lines && form.ro.lines.is_empty(),
            Row::Fields(a, b) => *a == f || *b == Some(f),
            _ => false,
        })
        .unwrap_or(0)
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    match &app.ro.form {
        Some(form) => render_form(app, form, frame, area),
        None => frame.render_widget(
            Paragraph::new(app.texts.get("ro.empty").to_string()).wrap(Wrap { trim: true }),
            area,
        ),
    }
    if let Some(d) = &app.ro.dialog {
        render_dialog(app, d, frame, area);
    }
}

fn render_form(app: &App, form: &RoForm, frame: &mut Frame<'_>, area: Rect) {
    if area.height < 2 {
        return;
    }
    // The title (number, status, estimate or signed) never scrolls away.
    draw_row(
        app,
        form,
        &Row::Title,
        frame,
        Rect::new(area.x, area.y, area.width, 1),
    );
    let area = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let rows = rows(app, form, area.width >= 70);
    let focus = focus_row(&rows, form);
    // Scroll so that the focused row, and the rows it spans, are visible.
    let mut top = 0;
    let fits =
        |from: usize, to: usize| rows[from..to].iter().map(height).sum::<u16>() <= area.height;
    while top < focus && !fits(top, focus + 1) {
        top += 1;
    }
    // On the lines, show the totals and notices below them too.
    if form.field() == FieldId::Lines {
        while top < focus && !fits(top, rows.len()) {
            top += 1;
        }
    }
    let mut y = area.y;
    for row in &rows[top..] {
        let h = height(row);
        if y + h > area.y + area.height {
            break;
        }
        draw_row(app, form, row, frame, Rect::new(area.x, y, area.width, h));
        y += h;
    }
}

fn title(app: &App, form: &RoForm) -> String {
    let t = &app.texts;
    let r = &form.ro;
    let mut parts = vec![if r.number.is_empty() {
        t.get("ro.new").to_string()
    } else {
        r.number.clone()
    }];
    parts.push(t.get(&format!("lane.{}", r.status.code())).to_string());
    parts.push(match &r.signed_by_name {
        Some(name) => format!("{} {name}", t.get("ro.signed_by")),
        None => t.get("ro.estimate_flag").to_string(),
    });
    if form.is_dirty() {
        parts.push(t.get("ro.unsaved").to_uppercase());
    }
    let elsewhere =
        r.id.and_then(|id| app.board.snapshot.card(id))
            .is_some_and(|c| c.version != r.version);
    if elsewhere {
        parts.push(format!("! {}", t.get("ro.changed_elsewhere")));
    }
    parts.join(" · ")
}

fn draw_row(app: &App, form: &RoForm, row: &Row, frame: &mut Frame<'_>, rect: Rect) {
    let theme = app.theme;
    let w = rect.width as usize;
    match row {
        Row::Title => frame.render_widget(
            Paragraph::new(Span::styled(fit(&title(app, form), w), theme.title())),
            rect,
        ),
        Row::Error(m) => frame.render_widget(
            Paragraph::new(Span::styled(fit(&format!("  ! {m}"), w), theme.error())),
            rect,
        ),
        Row::Text(s, warn) => {
            let style = if *warn { theme.error() } else { Style::new() };
            frame.render_widget(Paragraph::new(Span::styled(fit(s, w), style)), rect);
        }
        Row::LinesHeader => {
            let focused = form.field() == FieldId::Lines;
            let label = format!(
                "{} ({}) — {}",
                app.texts.get("ro.lines"),
                form.ro.lines.len(),
                app.texts.get("ro.lines_hint")
            );
            let style = if focused {
                theme.selected()
            } else {
                theme.header()
            };
            frame.render_widget(Paragraph::new(Span::styled(fit(&label, w), style)), rect);
        }
        Row::Line(i) => draw_line(app, form, *i, frame, rect),
        Row::Fields(a, b) => match b {
            Some(b) => {
                let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
                    .spacing(1)
                    .areas(rect);
                draw_field(app, form, *a, frame, l);
                draw_field(app, form, *b, frame, r);
            }
            None => draw_field(app, form, *a, frame, rect),
        },
    }
}

fn draw_line(app: &App, form: &RoForm, i: usize, frame: &mut Frame<'_>, rect: Rect) {
    let l = &form.ro.lines[i];
    let cur = &app.session.settings.currency_symbol;
    let mark = match l.approval {
        Approval::Original => String::new(),
        other => format!("[{}] ", app.texts.get(&format!("ro.{}", other.code()))),
    };
    let w = rect.width as usize;
    let desc_w = w.saturating_sub(2 + 7 + 11 + 9 + 11 + 9 + 12 + 6);
    let text = format!(
        "{}{:<6} {} {} {} {} {} {}",
        if i == form.line_cursor && form.field() == FieldId::Lines {
            "> "
        } else {
            "  "
        },
        l.kind.code(),
        fit(&l.code, 10),
        fit(&format!("{mark}{}", l.description), desc_w.max(8)),
        fit_right(&super::dialogs::milli_text(l.quantity_milli), 8),
        fit_right(&l.unit_price.format(cur), 10),
        fit(l.payer.code(), 8),
        fit_right(&line_amount(l).format(cur), 11),
    );
    let selected = i == form.line_cursor && form.field() == FieldId::Lines;
    let style = if selected {
        app.theme.selected()
    } else if l.is_active() {
        Style::new()
    } else {
        app.theme.dim()
    };
    frame.render_widget(Paragraph::new(Span::styled(fit(&text, w), style)), rect);
}

fn draw_field(app: &App, form: &RoForm, f: FieldId, frame: &mut Frame<'_>, rect: Rect) {
    let focused = form.field() == f;
    let label_style = if form.message_at(f).is_some() {
        app.theme.error()
    } else if focused {
        app.theme.title()
    } else {
        app.theme.dim()
    };
    let mark = if focused { ">" } else { " " };
    let [l, v] = Layout::horizontal([Constraint::Length(LABEL), Constraint::Fill(1)]).areas(rect);
    let label = truncate(app.texts.get(f.text_key()), LABEL as usize - 2);
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&format!("{mark}{label}"), LABEL as usize),
            label_style,
        )),
        l,
    );
    match f.kind() {
        Kind::Choice => {
            let text = choice_text(&form.ro, f, &form.groups, &app.texts);
            let shown = if focused {
                format!("‹ {text} ›")
            } else {
                text
            };
            let style = if focused {
                app.theme.selected()
            } else {
                Style::new()
            };
            frame.render_widget(
                Paragraph::new(Span::styled(fit(&shown, v.width as usize), style)),
                v,
            );
        }
        Kind::Text | Kind::Multi(_) => match (focused, form.inputs.get(&f)) {
            (true, Some(ta)) => frame.render_widget(ta, v),
            (_, Some(ta)) => {
                let lines =
                    shown_lines(&ta.lines().join("\n"), v.width as usize, v.height as usize);
                frame.render_widget(Paragraph::new(lines.join("\n")), v);
            }
            _ => {}
        },
        Kind::Lines => {}
    }
}

/// The text of an unfocused field, wrapped to its box; when it does not
/// fit, the last row says how much more there is instead of cutting it off.
pub fn shown_lines(text: &str, width: usize, rows: usize) -> Vec<String> {
    let text = clean_multiline(text);
    if rows <= 1 {
        let one = text.replace('\n', " ⏎ ");
        return vec![truncate(&one, width)];
    }
    let mut wrapped: Vec<String> = text
        .split('\n')
        .flat_map(|l| {
            textwrap::wrap(l, width.max(1))
                .into_iter()
                .map(|c| c.into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    if wrapped.len() > rows {
        let more = wrapped.len() - (rows - 1);
        wrapped.truncate(rows - 1);
        wrapped.push(format!("… ({more} more lines)"));
    }
    wrapped
}

fn popup(
    frame: &mut Frame<'_>,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    w: u16,
) -> Rect {
    let rect = centered(area, w, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(format!(" {title} "));
    let inner = block.inner(rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    inner
}

fn render_dialog(app: &App, d: &Dialog, frame: &mut Frame<'_>, area: Rect) {
    let t = &app.texts;
    let w = area.width.saturating_sub(4).min(96);
    let sel = app.theme.selected();
    match d {
        Dialog::Finder(f) => {
            let mut lines = vec![Line::from(""), Line::from("")];
            for (i, h) in f.hits.iter().enumerate() {
                let open = h
                    .open_ro
                    .as_ref()
                    .map(|(_, n)| format!(" · {} {n}", t.get("finder.open")))
                    .unwrap_or_default();
                let text = format!(
                    "{} {} {} · {} {}{open}",
                    h.plate, h.make, h.model, h.customer, h.phone
                );
                let style = if i == f.cursor { sel } else { Style::new() };
                lines.push(Line::from(Span::styled(fit(&text, w as usize - 2), style)));
            }
            let style = if f.cursor == f.hits.len() {
                sel
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(
                fit(t.get("finder.new"), w as usize - 2),
                style,
            )));
            let inner = popup(frame, area, t.get("finder.title"), lines, w);
            frame.render_widget(&f.input, Rect::new(inner.x, inner.y, inner.width, 1));
        }
        Dialog::Line(e) => render_line_editor(app, e, frame, area, w),
        Dialog::Prompt(p) => {
            let mut lines = Vec::new();
            for (i, (label, input)) in p.fields.iter().enumerate() {
                let value = match input {
                    PromptInput::Text(ta) => super::dialogs::text(ta),
                    PromptInput::Choice(o, j) => format!("‹ {} ›", o[*j]),
                };
                let style = if i == p.focus { sel } else { Style::new() };
                lines.push(Line::from(vec![
                    Span::raw(fit(label, 24)),
                    Span::styled(fit(&value, w as usize - 27), style),
                ]));
            }
            lines.push(Line::from(Span::styled(
                p.error.clone().unwrap_or_default(),
                app.theme.error(),
            )));
            popup(frame, area, &p.title, lines, w);
        }
        Dialog::Conflict(c) => {
            let half = (w as usize - 16) / 2;
            let mut lines = vec![
                Line::from(c.message.clone()),
                Line::from(format!(
                    "{:<12} {} {}",
                    "",
                    fit(t.get("conflict.mine"), half),
                    t.get("conflict.theirs")
                )),
            ];
            for d in &c.diffs {
                lines.push(Line::from(format!(
                    "{:<12} {} {}",
                    d.field,
                    fit(&d.mine, half),
                    truncate(&d.theirs, half)
                )));
            }
            lines.push(Line::from(Span::styled(
                t.get("conflict.keys").to_string(),
                app.theme.title(),
            )));
            popup(frame, area, t.get("conflict.title"), lines, w);
        }
        Dialog::Drafts(o) => {
            let mut lines: Vec<Line<'static>> = o
                .drafts
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let name = if d.ro.number.is_empty() {
                        t.get("ro.new").to_string()
                    } else {
                        d.ro.number.clone()
                    };
                    let text = format!(
                        "{} {name} · {} {} · {}",
                        app.time.long(d.saved_at),
                        d.ro.vehicle.plate,
                        d.ro.customer.name,
                        truncate(&d.ro.concerns, 30)
                    );
                    Line::from(Span::styled(
                        fit(&text, w as usize - 2),
                        if i == o.cursor { sel } else { Style::new() },
                    ))
                })
                .collect();
            lines.push(Line::from(Span::styled(
                t.get("drafts.keys").to_string(),
                app.theme.title(),
            )));
            popup(frame, area, t.get("drafts.title"), lines, w);
        }
    }
}

fn render_line_editor(app: &App, e: &LineEditor, frame: &mut Frame<'_>, area: Rect, w: u16) {
    let t = &app.texts;
    let keys = [
        "line.kind",
        "line.code",
        "line.description",
        "line.quantity",
        "line.price",
        "line.payer",
        "line.supplier",
        "line.grade",
        "line.critical",
    ];
    let inputs = [
        None,
        Some(&e.code),
        Some(&e.description),
        Some(&e.quantity),
        Some(&e.price),
        None,
        None,
        None,
        None,
    ];
    let mut lines = Vec::new();
    for (i, f) in LINE_FIELDS.iter().enumerate() {
        let value = match inputs[i] {
            Some(ta) => super::dialogs::text(ta),
            None => format!("‹ {} ›", line_choice(&e.line, *f)),
        };
        let style = if i == e.focus {
            app.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::raw(fit(t.get(keys[i]), 22)),
            Span::styled(fit(&value, w as usize - 25), style),
        ]));
    }
    lines.push(Line::from(Span::styled(
        e.error.clone().unwrap_or_default(),
        app.theme.error(),
    )));
    lines.push(Line::from(Span::styled(
        t.get("line.hint").to_string(),
        app.theme.dim(),
    )));
    let title = if e.propose {
        t.get("line.propose")
    } else {
        t.get("line.title")
    };
    let inner = popup(frame, area, title, lines, w);
    // The focused text field gets the real text area, with its cursor.
    if let Some(ta) = inputs[e.focus] {
        frame.render_widget(
            ta,
            Rect::new(
                inner.x + 22,
                inner.y + e.focus as u16,
                inner.width.saturating_sub(22),
                1,
            ),
        );
    }
}
