//! Drawing F4: a title line (RO, car, which check, signed or not), the
//! sections as tabs, the section itself, and the keys that work here. At
//! delivery every row shows the check-in beside the delivery check, and
//! what differs says so in words.

use super::outline;
use super::{ChecklistPane, Loaded, Question, Section, QUESTIONS};
use crate::domain::checklist::{differences, fuel_label, Category, Entry, Phase, Sheet};
use crate::ui::help::hint;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, width};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(pane: &ChecklistPane, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let Some(l) = &pane.loaded else {
        let text = cx.texts.get("list.pick_ro").to_string();
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    };
    let [title, tabs, body, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let w = area.width as usize;
    frame.render_widget(Paragraph::new(title_line(l, w, cx)), title);
    frame.render_widget(Paragraph::new(tab_line(pane.section, w, cx)), tabs);
    match pane.section {
        Section::WalkAround => walk_around(pane, l, frame, body, cx),
        Section::Questions => questions(pane, l, frame, body, cx),
        Section::Key => key(l, frame, body, cx),
        _ => list(pane, l, frame, body, cx),
    }
    frame.render_widget(
        Paragraph::new(Span::styled(fit(&keys_line(pane, cx), w), cx.theme.dim())),
        keys,
    );
}

fn title_line(l: &Loaded, w: usize, cx: &Ctx) -> Line<'static> {
    let t = cx.texts;
    let phase = match l.phase() {
        Phase::CheckIn => t.get("list.check_in"),
        Phase::Delivery => t.get("list.delivery"),
    };
    let mut s = format!(
        "{} {} {} · {} · {phase}",
        l.ro.number, l.ro.vehicle.plate, l.ro.vehicle.model, l.ro.customer.name
    );
    match &l.edit.acknowledged {
        Some(a) => {
            s += &format!(
                " · {} {} {}",
                t.get("list.signed_by"),
                a.name,
                cx.time.short(a.at, cx.now)
            )
        }
        None if l.edit.version == 0 => s += &format!(" · {}", t.get("list.not_saved_yet")),
        None => s += &format!(" · {}", t.get("list.not_signed")),
    }
    let mut spans = vec![Span::styled(s, cx.theme.title())];
    if l.is_dirty() {
        spans.push(Span::styled(
            format!(" · {}", t.get("list.unsaved")),
            cx.theme.check(),
        ));
    }
    let stored = match l.phase() {
        Phase::CheckIn => l.stored.check_in.as_ref(),
        Phase::Delivery => l.stored.delivery.as_ref(),
    };
    if stored.is_some_and(|s| s.version != l.edit.version) {
        spans.push(Span::styled(
            format!(" · {}", t.get("list.changed_elsewhere")),
            cx.theme.error(),
        ));
    }
    let text: String = spans.iter().map(|s| s.content.to_string()).collect();
    if width(&text) > w {
        return Line::from(Span::styled(fit(&text, w), cx.theme.title()));
    }
    Line::from(spans)
}

fn tab_line(current: Section, w: usize, cx: &Ctx) -> Line<'static> {
    let mut spans = Vec::new();
    for s in Section::ALL {
        let name = cx.texts.get(s.key());
        if s == current {
            spans.push(Span::styled(format!("[{name}]"), cx.theme.selected()));
        } else {
            spans.push(Span::raw(format!(" {name} ")));
        }
    }
    let text: String = spans.iter().map(|s| s.content.to_string()).collect();
    if width(&text) > w {
        return Line::from(fit(&text, w));
    }
    Line::from(spans)
}

fn keys_line(pane: &ChecklistPane, cx: &Ctx) -> String {
    let c = KeyContext::Checklist;
    let mut keys = vec![(c, Action::NextSection, "hint.section")];
    match pane.section {
        Section::WalkAround => {
            keys.push((c, Action::Open, "hint.mark"));
            keys.push((c, Action::RemoveItem, "hint.remove"));
        }
        Section::Key => {
            keys.push((c, Action::KeyTag, "hint.tag"));
            keys.push((c, Action::KeyHandOver, "hint.hand_over"));
        }
        _ => {
            keys.push((c, Action::Toggle, "hint.toggle"));
            keys.push((c, Action::More, "hint.more"));
            keys.push((c, Action::Open, "hint.note"));
        }
    }
    keys.extend([
        (c, Action::Save, "hint.save"),
        (c, Action::SignList, "hint.sign"),
        (c, Action::DeliveryCheck, "hint.delivery"),
        (c, Action::QuickLine, "hint.quick"),
    ]);
    let mut s = hint(cx.keymap, cx.texts, &keys);
    if pane.section == Section::WalkAround {
        s = format!("{} · {s}", cx.texts.get("list.type_code"));
    }
    s
}

/// The interface's language, as item and panel names are kept ("en",
/// "zh", "es").
pub(super) fn lang<'a>(cx: &'a Ctx) -> &'a str {
    cx.texts.get("lang")
}

/// A panel's code and name in the interface's language.
pub(super) fn panel_name(p: crate::domain::checklist::Panel, cx: &Ctx) -> String {
    format!("{} {}", p.code(), p.name_in(lang(cx)))
}

/// The name of an entry as the advisor reads it.
fn name(pane: &ChecklistPane, e: &Entry, cx: &Ctx) -> String {
    match e.panel() {
        Some(p) => panel_name(p, cx),
        None => pane.template.name(e.category, &e.item, lang(cx)),
    }
}

/// The state of an entry in a few words.
fn state(e: &Entry, cx: &Ctx) -> String {
    let t = cx.texts;
    match e.category {
        Category::Document if !e.present => t.get("list.missing").into(),
        Category::Document if !e.valid => t.get("list.invalid").into(),
        Category::Document => t.get("list.present").into(),
        Category::Belonging | Category::Tool if !e.present => "—".into(),
        Category::Belonging | Category::Tool => format!("×{}", e.quantity),
        Category::WarningLight if e.present => t.get("list.on").into(),
        Category::WarningLight => t.get("list.off").into(),
        Category::Cover if e.present => t.get("list.fitted").into(),
        Category::Cover => "—".into(),
        Category::Damage => e
            .damage
            .map(|(k, s)| format!("{} {s}", t.get(&format!("damage.{}", k.code()))))
            .unwrap_or_default(),
    }
}

fn list(pane: &ChecklistPane, l: &Loaded, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let rows = pane.rows();
    let w = area.width as usize;
    let delivery = l.phase() == Phase::Delivery;
    let before = l.stored.check_in.as_ref();
    let height = area.height as usize;
    let skip = pane.cursor.saturating_sub(height.saturating_sub(2));
    let name_w = (w / 3).clamp(12, 30);
    let mut lines = Vec::new();
    let mut last_cat = None;
    for (n, &i) in rows.iter().enumerate().skip(skip) {
        let e = &l.edit.entries[i];
        if lines.len() + 1 >= height {
            break;
        }
        if last_cat != Some(e.category) && rows.len() > 1 && pane.section.categories().len() > 1 {
            lines.push(Line::from(Span::styled(
                cx.texts
                    .get(&format!("cat.{}", e.category.code()))
                    .to_string(),
                cx.theme.header(),
            )));
        }
        last_cat = Some(e.category);
        let mut s = format!(
            "{} {} ",
            if n == pane.cursor { ">" } else { " " },
            fit(&name(pane, e, cx), name_w)
        );
        if delivery {
            let was = before
                .and_then(|b| b.find(&e.key()))
                .map(|b| state(b, cx))
                .unwrap_or_else(|| cx.texts.get("list.new").into());
            s += &format!(
                "{} → {} {} ",
                fit(&was, 10),
                fit(&state(e, cx), 10),
                verdict(e, before, cx)
            );
        } else {
            s += &format!("{} ", fit(&state(e, cx), 12));
        }
        let note = if delivery { &e.explanation } else { &e.note };
        s += note;
        let style = if n == pane.cursor {
            cx.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(fit(&s, w), style)));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(
            cx.texts.get("list.empty").to_string(),
            cx.theme.dim(),
        )));
    }
    if delivery {
        push_differences(l, &mut lines, w, height, cx);
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// ✓ confirmed, ≠ differs (explained or not), · still to check.
fn verdict(e: &Entry, before: Option<&Sheet>, cx: &Ctx) -> String {
    let same = before
        .and_then(|b| b.find(&e.key()))
        .is_some_and(|b| b.agrees_with(e));
    match (e.checked, same) {
        (false, _) => cx.texts.get("list.to_check").into(),
        (true, true) => format!("✓ {}", cx.texts.get("list.same")),
        (true, false) if e.explanation.trim().is_empty() => {
            format!("≠ {}", cx.texts.get("list.differs"))
        }
        (true, false) => format!("≠ {}", cx.texts.get("list.explained")),
    }
}

fn push_differences(l: &Loaded, lines: &mut Vec<Line<'static>>, w: usize, height: usize, cx: &Ctx) {
    let Some(before) = &l.stored.check_in else {
        return;
    };
    let open: Vec<String> = differences(before, &l.edit)
        .into_iter()
        .filter(|d| !d.explained)
        .map(|d| d.to_string())
        .collect();
    if open.is_empty() || lines.len() + 2 > height {
        return;
    }
    let text = format!(
        "{} {}",
        cx.texts.get("list.open_differences"),
        open.join("; ")
    );
    lines.push(Line::from(Span::styled(fit(&text, w), cx.theme.error())));
}

fn walk_around(pane: &ChecklistPane, l: &Loaded, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let before = (l.phase() == Phase::Delivery)
        .then_some(l.stored.check_in.as_ref())
        .flatten();
    let wide = area.width >= 70;
    let outline_w = if wide {
        (area.width * 11 / 20).min(80)
    } else {
        area.width
    };
    let (ow, oh) = outline::size(Rect::new(0, 0, outline_w, area.height));
    let o_area = Rect::new(area.x, area.y, ow.min(area.width), oh.min(area.height));
    outline::render(frame.buffer_mut(), o_area, &l.edit, before, pane.panel, cx);
    let list_area = if wide {
        Rect::new(
            area.x + ow + 1,
            area.y,
            area.width.saturating_sub(ow + 1),
            area.height,
        )
    } else {
        Rect::new(
            area.x,
            area.y + oh,
            area.width,
            area.height.saturating_sub(oh),
        )
    };
    marks_list(pane, l, before, frame, list_area, cx);
}

/// Every mark as a list: the same facts as the outline, in words.
fn marks_list(
    pane: &ChecklistPane,
    l: &Loaded,
    before: Option<&Sheet>,
    frame: &mut Frame<'_>,
    area: Rect,
    cx: &Ctx,
) {
    let w = area.width as usize;
    let p = pane.panel;
    let mut head = panel_name(p, cx);
    if !pane.jump.is_empty() {
        head = format!("{head} · {}: {}▏", cx.texts.get("list.jump"), pane.jump);
    }
    let mut lines = vec![Line::from(Span::styled(fit(&head, w), cx.theme.title()))];
    let marks: Vec<&Entry> = l
        .edit
        .entries
        .iter()
        .filter(|e| e.category == Category::Damage)
        .collect();
    if marks.is_empty() {
        lines.push(Line::from(Span::styled(
            fit(cx.texts.get("list.no_marks"), w),
            cx.theme.dim(),
        )));
    }
    for e in marks {
        let here = e.panel() == Some(p);
        let mut s = format!(
            "{}{} {}",
            if here { "> " } else { "  " },
            e.item,
            state(e, cx)
        );
        if let Some(b) = before {
            s += &format!(" {}", verdict(e, Some(b), cx));
        }
        let note = if l.phase() == Phase::Delivery {
            &e.explanation
        } else {
            &e.note
        };
        if !note.is_empty() {
            s += &format!(" · {note}");
        }
        let style = if here { cx.theme.title() } else { Style::new() };
        lines.push(Line::from(Span::styled(fit(&s, w), style)));
    }
    // A mark gone since check-in is a difference too.
    if let Some(b) = before {
        for gone in b
            .entries
            .iter()
            .filter(|e| e.category == Category::Damage && l.edit.find(&e.key()).is_none())
        {
            let s = format!(
                "  {} {} — {}",
                gone.item,
                state(gone, cx),
                cx.texts.get("list.gone")
            );
            lines.push(Line::from(Span::styled(fit(&s, w), cx.theme.error())));
        }
    }
    let legend = cx.texts.get("list.legend");
    lines.push(Line::from(Span::styled(fit(legend, w), cx.theme.dim())));
    frame.render_widget(Paragraph::new(lines), area);
}

fn questions(pane: &ChecklistPane, l: &Loaded, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let t = cx.texts;
    let yes = |b: bool| {
        if b {
            t.get("list.yes")
        } else {
            t.get("list.no")
        }
    };
    let w = area.width as usize;
    let mut lines = Vec::new();
    for (i, q) in QUESTIONS.iter().enumerate() {
        let (label, value) = match q {
            Question::Fuel => (
                "list.q.fuel",
                l.readings
                    .fuel
                    .map(fuel_gauge)
                    .unwrap_or_else(|| "—".into()),
            ),
            Question::Odometer => (
                "list.q.odometer",
                l.readings
                    .odometer
                    .map(|k| format!("{k} km"))
                    .unwrap_or_else(|| "—".into()),
            ),
            Question::Wash => ("list.q.wash", yes(l.answers.wash).into()),
            Question::OldParts => (
                "list.q.old_parts",
                t.get(&format!("old_parts.{}", l.answers.old_parts.code()))
                    .into(),
            ),
            Question::Waiting => (
                "list.q.waiting",
                t.get(if l.answers.waiting {
                    "list.waits"
                } else {
                    "list.leaves"
                })
                .into(),
            ),
            Question::Covers => ("list.q.covers", yes(l.answers.covers).into()),
        };
        let mark = if i == pane.cursor { ">" } else { " " };
        let s = format!("{mark} {} {value}", fit(t.get(label), 24));
        let style = if i == pane.cursor {
            cx.theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(fit(&s, w), style)));
    }
    if l.phase() == Phase::Delivery {
        lines.push(Line::from(Span::styled(
            fit(t.get("list.questions_at_check_in"), w),
            cx.theme.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// "E ▮▮▮▮▮▯▯▯ F  5/8": the needle as the gauge shows it.
pub fn fuel_gauge(eighths: i64) -> String {
    let n = eighths.clamp(0, 8) as usize;
    format!(
        "E {}{} F  {}",
        "▮".repeat(n),
        "▯".repeat(8 - n),
        fuel_label(eighths)
    )
}

fn key(l: &Loaded, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
    let t = cx.texts;
    let w = area.width as usize;
    let mut lines = Vec::new();
    match &l.stored.key {
        None => lines.push(Line::from(t.get("key.none").to_string())),
        Some(k) => {
            let state = if k.returned {
                t.get("key.returned").to_string()
            } else {
                format!(
                    "{} {}",
                    t.get("key.with"),
                    t.get(&format!("key.holder.{}", k.holder.code()))
                )
            };
            lines.push(Line::from(Span::styled(
                fit(&format!("{} {} · {state}", t.get("key.tag_word"), k.tag), w),
                cx.theme.title(),
            )));
            for m in &k.moves {
                let s = format!(
                    "  {} → {} {} ({})",
                    cx.time.short(m.at, cx.now),
                    t.get(&format!("key.holder.{}", m.to.code())),
                    m.person,
                    m.by
                );
                lines.push(Line::from(fit(&s, w)));
            }
        }
    }
    if let Some(tag) = l.tag {
        let s = match tag {
            crate::domain::checklist::keys::TagRequest::Auto => {
                t.get("key.pending_auto").to_string()
            }
            crate::domain::checklist::keys::TagRequest::Hook(n) => {
                format!("{} {n}", t.get("key.pending"))
            }
        };
        lines.push(Line::from(Span::styled(s, cx.theme.check())));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
