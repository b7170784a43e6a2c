//! The tab bar, the status bar and the notice for a terminal too small.

use super::app::{Message, MIN_HEIGHT, MIN_WIDTH};
use super::i18n::Texts;
use super::keymap::{Action, KeyContext};
use super::pane::{Ctx, PaneId};
use super::text::{fit, fit_right, width};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// "2 Board  3 RO …": the digit works as well as the F-key. The active pane
/// is shown in brackets as well as reversed, so it shows without colour.
pub fn tabs(frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let t = cx.texts;
    let mut spans = Vec::new();
    for pane in PaneId::ALL {
        let label = format!(
            "{} {}",
            pane.function_key(),
            t.get(&format!("pane.{}", pane.key()))
        );
        if pane == cx.current {
            spans.push(Span::styled(format!("[{label}]"), cx.theme.selected()));
        } else {
            spans.push(Span::raw(format!(" {label} ")));
        }
    }
    // The shop's name on the right, when it fits.
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(used + 2);
    if room >= 8 {
        let shop = &cx.session.settings.shop_name;
        spans.push(Span::styled(fit_right(shop, room + 1), cx.theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn who(cx: &Ctx) -> String {
    let s = cx.session;
    match &s.user {
        Some(u) => format!(" {} ({})", u.login, u.role.code()),
        None => format!(" {} (?)", s.login),
    }
}

/// The right end of the status bar: read-only, help key, file and clock.
fn right_side(cx: &Ctx, w: usize) -> String {
    let s = cx.session;
    // Narrow screens keep the message readable: a short clock, no key hint.
    let wide = w >= 100;
    let local = cx.time.local(cx.now);
    let clock = if wide {
        let day = cx.texts.weekday(local.date());
        let date = cx.time.locale.day_month(local.date());
        format!("{day} {date} {}", local.format("%H:%M"))
    } else {
        local.format("%H:%M").to_string()
    };
    let mut right = format!("{} │ {clock} ", s.db_label);
    if s.read_only {
        right = format!("{} │ {right}", cx.texts.get("bar.read_only"));
    }
    if wide {
        let key = super::help::key_for(cx.keymap, KeyContext::Global, Action::Help);
        right = format!("{} │ {right}", cx.texts.fill("bar.help", &[("key", &key)]));
    }
    right
}

/// Room for a message in the status bar of a screen `w` wide.
fn message_room(cx: &Ctx, w: usize) -> usize {
    w.saturating_sub(width(&who(cx)) + width(&right_side(cx, w)) + 3)
}

/// A message too long for the status bar, wrapped to the screen's width
/// (at most three rows): shown above the bar, so nothing the advisor needs
/// is cut off. Empty when the message fits in the bar.
pub fn message_rows(cx: &Ctx, w: usize, message: Option<&Message>) -> Vec<String> {
    let Some(m) = message else {
        return Vec::new();
    };
    if width(&m.text) <= message_room(cx, w) {
        return Vec::new();
    }
    let mut rows = super::desk::wrapped(&m.text, w.saturating_sub(2).max(10));
    rows.truncate(3);
    rows
}

/// Draws the wrapped message rows (see [`message_rows`]).
pub fn message_block(frame: &mut Frame<'_>, area: Rect, cx: &Ctx, rows: &[String], error: bool) {
    let style = if error {
        cx.theme.error()
    } else {
        cx.theme.bar()
    };
    let lines: Vec<Line> = rows
        .iter()
        .map(|r| Line::from(Span::styled(format!(" {r}"), style)))
        .collect();
    frame.render_widget(Paragraph::new(lines).style(cx.theme.bar()), area);
}

pub fn status_bar(frame: &mut Frame<'_>, area: Rect, cx: &Ctx, message: Option<&Message>) {
    let theme = cx.theme;
    let who = who(cx);
    let w = area.width as usize;
    let right = right_side(cx, w);
    let room = message_room(cx, w);
    let (msg, msg_style) = match message {
        Some(m) if m.error => (m.text.clone(), theme.error()),
        Some(m) => (m.text.clone(), theme.bar()),
        None => (String::new(), theme.bar()),
    };
    let line = Line::from(vec![
        Span::styled(format!("{who} │ "), theme.bar()),
        Span::styled(fit(&msg, room), theme.bar().patch(msg_style)),
        Span::styled(
            fit(&right, w.saturating_sub(width(&who) + 3 + room)),
            theme.bar(),
        ),
    ]);
    frame.render_widget(Paragraph::new(line).style(theme.bar()), area);
}

pub fn too_small(frame: &mut Frame<'_>, area: Rect, t: &Texts) {
    let text = t.fill(
        "msg.too_small",
        &[
            ("w", &area.width.to_string()),
            ("h", &area.height.to_string()),
            ("mw", &MIN_WIDTH.to_string()),
            ("mh", &MIN_HEIGHT.to_string()),
        ],
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}
