//! Drawing the RO editor: a title, the header fields (two to a row when
//! there is room), the concerns and diagnosis, the lines, the totals and
//! notices. The form scrolls so the focused field is always in view.

use super::fields::{choice_text, FieldId, Kind, ORDER};
use super::form::RoForm;
use super::RoPane;
use crate::domain::pricing::{line_amount, risk_margin, totals};
use crate::domain::repair_order::Approval;
use crate::domain::settlement::Balance;
use crate::domain::text::clean_multiline;
use crate::ui::help::{hint, key_for};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, fit_right, truncate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

const LABEL: u16 = 13;

#[derive(Debug, Clone)]
enum Row {
    Title,
    Fields(FieldId, Option<FieldId>),
    Error(String),
    LinesHeader,
    Line(usize),
    /// The selected line's description in full, when its column cuts it.
    LineDetail(String),
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

fn rows(form: &RoForm, cx: &Ctx, w: usize) -> Vec<Row> {
    let wide = w >= 70;
    let mut rows = Vec::new();
    let mut i = 0;
    while i < ORDER.len() {
        let f = ORDER[i];
        if f == FieldId::Lines {
            rows.push(Row::LinesHeader);
            for i in 0..form.ro.lines.len() {
                rows.push(Row::Line(i));
                if let Some(full) = cut_description(form, i, w) {
                    let wrapped = crate::ui::desk::wrapped(&full, w.saturating_sub(4));
                    rows.extend(wrapped.into_iter().map(Row::LineDetail));
                }
            }
            if form
                .ro
                .lines
                .iter()
                .any(|l| l.approval != Approval::Original)
            {
                rows.push(Row::Text(format!("  {}", cx.texts.get("ro.legend")), false));
            }
            rows.extend(form.line_problems().into_iter().map(Row::Error));
            i += 1;
            continue;
        }
        let pair =
            (wide && f.half() && i + 1 < ORDER.len() && ORDER[i + 1].half()).then(|| ORDER[i + 1]);
        rows.push(Row::Fields(f, pair));
        for g in std::iter::once(f).chain(pair) {
            if let Some(m) = form.message_at(g) {
                rows.push(Row::Error(format!("{}: {m}", cx.texts.get(g.text_key()))));
            }
        }
        i += if pair.is_some() { 2 } else { 1 };
    }
    rows.extend(totals_rows(form, cx, w));
    rows
}

/// The selected line's full description when the lines table cuts it.
fn cut_description(form: &RoForm, i: usize, w: usize) -> Option<String> {
    let selected = form.field() == FieldId::Lines && form.line_cursor == i;
    let l = &form.ro.lines[i];
    let shown = format!("{}{}", mark(l.approval), l.description);
    (selected && crate::ui::text::width(&shown) > description_width(w))
        .then(|| clean_multiline(&l.description))
}

/// The lines table's description column, on a screen `w` wide: what the
/// cursor, kind, code, quantity, price, payer and amount leave.
fn description_width(w: usize) -> usize {
    w.saturating_sub(2 + 7 + 11 + 1 + 9 + 11 + 9 + 11).max(8)
}

/// Added work is marked: awaiting the customer, approved, declined.
fn mark(a: Approval) -> &'static str {
    match a {
        Approval::Original => "",
        Approval::Proposed => "? ",
        Approval::Approved => "+ ",
        Approval::Declined => "× ",
    }
}

fn totals_rows(form: &RoForm, cx: &Ctx, w: usize) -> Vec<Row> {
    let t = cx.texts;
    let cur = &cx.session.settings.currency_symbol;
    let tot = totals(
        &form.ro.lines,
        form.ro.discount_bp,
        cx.session.settings.tax_rate_bp,
    );
    let mut out = Vec::new();
    for p in &tot.by_payer {
        out.push(Row::Text(
            format!(
                "{:<9} {} − {} {} + {} {} = {}",
                p.payer.code(),
                cx.texts.money(p.subtotal, cur),
                t.get("ro.discount_line"),
                cx.texts.money(p.discount, cur),
                t.get("ro.tax"),
                cx.texts.money(p.tax, cur),
                cx.texts.money(p.total, cur)
            ),
            false,
        ));
    }
    let margin = risk_margin(form.ro.pricing, tot.total);
    if margin.0 > 0 {
        out.push(Row::Text(
            format!(
                "{} ± {}",
                t.get("ro.risk_margin"),
                cx.texts.money(margin, cur)
            ),
            true,
        ));
    }
    if form.ro.needs_no_warranty_notice() {
        // A notice the customer must be given is never cut: it wraps.
        let notice = format!(
            "{} — {}",
            t.get("ro.no_warranty"),
            t.get("print.no_warranty")
        );
        for row in crate::ui::desk::wrapped(&notice, w) {
            out.push(Row::Text(row, true));
        }
    }
    out
}

/// "Total ¥1,553.75   Paid ¥500.00   Owed ¥1,053.75": pinned under the
/// form, so what is owed is on screen whatever field has the focus.
fn money_line(pane: &RoPane, form: &RoForm, cx: &Ctx) -> String {
    let t = cx.texts;
    let cur = &cx.session.settings.currency_symbol;
    let tax = cx.session.settings.tax_rate_bp;
    let tot = totals(&form.ro.lines, form.ro.discount_bp, tax);
    let b = Balance::of(&form.ro, tax, &pane.payments);
    let mut parts = vec![
        format!("{} {}", t.get("ro.total"), cx.texts.money(tot.total, cur)),
        format!("{} {}", t.get("ro.paid"), cx.texts.money(b.paid, cur)),
    ];
    if b.refund_due().0 > 0 {
        parts.push(format!(
            "{} {}",
            t.get("ro.refund"),
            cx.texts.money(b.refund_due(), cur)
        ));
    } else {
        parts.push(format!(
            "{} {}",
            t.get("ro.owed"),
            cx.texts.money(b.outstanding(), cur)
        ));
    }
    if let Some(a) = &form.ro.desk.arrears {
        parts.push(t.fill("ro.arrears_by", &[("by", &a.accepted.by)]));
    }
    for (payer, amount) in &b.receivables {
        let payer = t.get(&format!("payer.{}", payer.code()));
        parts.push(format!("{payer} {}", cx.texts.money(*amount, cur)));
    }
    parts.join("   ")
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

pub fn render(pane: &RoPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    match &pane.form {
        Some(form) => render_form(pane, form, frame, area, cx),
        None => {
            let new = key_for(cx.keymap, KeyContext::List, Action::New);
            let edit = key_for(cx.keymap, KeyContext::Board, Action::Edit);
            let text = cx.texts.fill("ro.empty", &[("new", &new), ("edit", &edit)]);
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area)
        }
    }
}

fn render_form(pane: &RoPane, form: &RoForm, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    if area.height < 2 {
        return;
    }
    // The title (number, status, estimate or signed) never scrolls away.
    draw_row(
        cx,
        form,
        &Row::Title,
        frame,
        Rect::new(area.x, area.y, area.width, 1),
    );
    // Nor does what is owed, at the foot.
    let money = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
    let row = Row::Text(money_line(pane, form, cx), false);
    draw_row(cx, form, &row, frame, money);
    let area = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    let rows = rows(form, cx, area.width as usize);
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
        draw_row(cx, form, row, frame, Rect::new(area.x, y, area.width, h));
        y += h;
    }
}

fn title(cx: &Ctx, form: &RoForm) -> String {
    let t = cx.texts;
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
    if let Some(f) = r
        .desk
        .expected_finish_at
        .filter(|f| r.promised_at.is_some_and(|p| *f > p))
    {
        let at = form.time.short(f, cx.now);
        parts.push(t.fill("ro.new_finish", &[("at", &at)]));
    }
    if form.is_dirty() {
        parts.push(t.get("ro.unsaved").to_uppercase());
    }
    let elsewhere =
        r.id.and_then(|id| cx.board.card(id))
            .is_some_and(|c| c.version != r.version);
    if elsewhere {
        parts.push(format!("! {}", t.get("ro.changed_elsewhere")));
    }
    parts.join(" · ")
}

fn draw_row(cx: &Ctx, form: &RoForm, row: &Row, frame: &mut Frame<'_>, rect: Rect) {
    let theme = cx.theme;
    let w = rect.width as usize;
    match row {
        Row::Title => frame.render_widget(
            Paragraph::new(Span::styled(fit(&title(cx, form), w), theme.title())),
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
                cx.texts.get("ro.lines"),
                form.ro.lines.len(),
                lines_hint(cx)
            );

            let style = if focused {
                theme.selected()
            } else {
                theme.header()
            };
            frame.render_widget(Paragraph::new(Span::styled(fit(&label, w), style)), rect);
        }
        Row::Line(i) => draw_line(cx, form, *i, frame, rect),
        Row::LineDetail(full) => {
            let text = fit(&format!("    {full}"), w);
            frame.render_widget(Paragraph::new(Span::styled(text, theme.dim())), rect);
        }
        Row::Fields(a, b) => match b {
            Some(b) => {
                let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)])
                    .spacing(1)
                    .areas(rect);
                draw_field(cx, form, *a, frame, l);
                draw_field(cx, form, *b, frame, r);
            }
            None => draw_field(cx, form, *a, frame, rect),
        },
    }
}

fn draw_line(cx: &Ctx, form: &RoForm, i: usize, frame: &mut Frame<'_>, rect: Rect) {
    let l = &form.ro.lines[i];
    let cur = &cx.session.settings.currency_symbol;
    // A declined item shows no amount: it is not charged.
    let amount = match l.approval {
        Approval::Declined => cx.texts.get("ro.declined").to_string(),
        _ => cx.texts.money(line_amount(l), cur),
    };
    let mark = mark(l.approval);
    let w = rect.width as usize;
    let desc_w = description_width(w);
    let t = cx.texts;
    let kind = t.get(&format!("kind.{}", l.kind.code()));
    let payer = t.get(&format!("payer.{}", l.payer.code()));
    let text = format!(
        "{}{} {} {} {} {} {} {}",
        if i == form.line_cursor && form.field() == FieldId::Lines {
            "> "
        } else {
            "  "
        },
        fit(kind, 6),
        fit(&l.code, 10),
        fit(&format!("{mark}{}", l.description), desc_w),
        fit_right(&super::dialogs::milli_text(l.quantity_milli), 8),
        fit_right(&cx.texts.money(l.unit_price, cur), 10),
        fit(payer, 8),
        fit_right(&amount, 11),
    );
    let selected = i == form.line_cursor && form.field() == FieldId::Lines;
    let style = if selected {
        cx.theme.selected()
    } else if l.is_active() {
        Style::new()
    } else {
        cx.theme.dim()
    };
    frame.render_widget(Paragraph::new(Span::styled(fit(&text, w), style)), rect);
}

fn draw_field(cx: &Ctx, form: &RoForm, f: FieldId, frame: &mut Frame<'_>, rect: Rect) {
    let focused = form.field() == f;
    let label_style = if form.message_at(f).is_some() {
        cx.theme.error()
    } else if focused {
        cx.theme.title()
    } else {
        cx.theme.dim()
    };
    let mark = if focused { ">" } else { " " };
    let [l, v] = Layout::horizontal([Constraint::Length(LABEL), Constraint::Fill(1)]).areas(rect);
    let label = truncate(cx.texts.get(f.text_key()), LABEL as usize - 2);
    frame.render_widget(
        Paragraph::new(Span::styled(
            fit(&format!("{mark}{label}"), LABEL as usize),
            label_style,
        )),
        l,
    );
    match f.kind() {
        Kind::Choice => {
            let text = choice_text(&form.ro, f, &form.groups, cx.texts);
            let shown = if focused {
                format!("‹ {text} ›")
            } else {
                text
            };
            let style = if focused {
                cx.theme.selected()
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

/// "+ add · o canned job · Enter edit · - remove", from the live keymap.
fn lines_hint(cx: &Ctx) -> String {
    hint(
        cx.keymap,
        cx.texts,
        &[
            (KeyContext::Lines, Action::AddLine, "hint.add"),
            (KeyContext::Lines, Action::CannedJob, "hint.canned"),
            (KeyContext::Lines, Action::Open, "hint.edit"),
            (KeyContext::Lines, Action::RemoveLine, "hint.remove"),
        ],
    )
}
