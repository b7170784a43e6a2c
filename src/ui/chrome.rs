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

pub fn status_bar(frame: &mut Frame<'_>, area: Rect, cx: &Ctx, message: Option<&Message>) {
    let s = cx.session;
    let theme = cx.theme;
    let who = match &s.user {
        Some(u) => format!(" {} ({})", u.login, u.role.code()),
        None => format!(" {} (?)", s.login),
    };
    let w = area.width as usize;
    // Narrow screens keep the message readable: a short clock, no key hint.
    let wide = w >= 100;
    let clock = cx
        .time
        .local(cx.now)
        .format(if wide { "%a %d %b %H:%M" } else { "%H:%M" });
    let mut right = format!("{} │ {clock} ", s.db_label);
    if s.read_only {
        right = format!("{} │ {right}", cx.texts.get("bar.read_only"));
    }
    if wide {
        let key = super::help::key_for(cx.keymap, KeyContext::Global, Action::Help);
        right = format!("{} │ {right}", cx.texts.fill("bar.help", &[("key", &key)]));
    }
    let room = w.saturating_sub(width(&who) + width(&right) + 3);
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
