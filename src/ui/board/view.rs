//! Drawing the service bay board: a summary line, column headers, then every
//! lane with its cars. Columns are fitted by display width so that Chinese
//! and Latin text line up.

use super::{BoardPane, BoardRow};
use crate::domain::board::{counts, BoardFilter, Lane, LaneKind};
use crate::domain::timing::{time_left, Alerts};
use crate::domain::BoardCard;
use crate::ui::i18n::Texts;
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, fit_right, width};
use crate::ui::timefmt::left;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Column widths for a given screen width.
#[derive(Debug, Clone, Copy)]
struct Columns {
    plate: usize,
    model: usize,
    customer: usize,
    advisor: usize,
    group: usize,
    status: usize,
    due: usize,
}

const MARK: usize = 2;
const RO: usize = 8;
const LEFT: usize = 6;

impl Columns {
    fn for_width(w: usize) -> Columns {
        let mut c = Columns {
            plate: 9,
            model: 8,
            customer: 0,
            advisor: 6,
            group: 7,
            status: 8,
            due: 5,
        };
        if w >= 110 {
            c = Columns {
                plate: 10,
                model: 14,
                customer: 12,
                advisor: 8,
                group: 9,
                status: 8,
                due: 11,
            };
        }
        // A wall screen (160 columns and more) shows whole names and groups.
        if w >= 160 {
            c = Columns {
                plate: 12,
                model: 22,
                customer: 20,
                advisor: 10,
                group: 12,
                status: 10,
                due: 11,
            };
        }
        // Anything between the layouts goes to the model, then the
        // customer, up to a point; the rest is the alerts' room.
        let spare = w.saturating_sub(c.total() + 13);
        c.model += spare.min(8);
        if c.customer > 0 {
            c.customer += spare.saturating_sub(8).min(10);
        }
        c
    }

    fn total(&self) -> usize {
        let customer = if self.customer > 0 {
            self.customer + 1
        } else {
            0
        };
        MARK + RO
            + 1
            + self.plate
            + 1
            + self.model
            + 1
            + customer
            + self.advisor
            + 1
            + self.group
            + 1
            + self.status
            + 1
            + self.due
            + 1
            + LEFT
            + 1
    }
}

pub fn render(board: &mut BoardPane, frame: &mut Frame<'_>, area: Rect, v: &Ctx<'_>) {
    if area.height < 3 {
        return;
    }
    let cols = Columns::for_width(area.width as usize);
    board.refresh_risk(v);
    let body_height = area.height as usize - 2;
    board.scroll_into_view(body_height);
    let mut lines = vec![summary(board, v, area.width as usize), header(cols, v)];
    let selected = board.selected_row();
    for (i, row) in board
        .rows
        .iter()
        .enumerate()
        .skip(board.offset)
        .take(body_height)
    {
        lines.push(match *row {
            BoardRow::Lane(l) => lane_line(board, &board.lanes[l], v, area.width as usize),
            BoardRow::Card(c) => card_line(
                &board.snapshot.cards[c],
                board,
                cols,
                v,
                selected == Some(i),
                area.width as usize,
            ),
        });
    }
    if board.rows.is_empty() {
        lines.push(Line::from(Span::styled(
            v.texts.get("board.empty").to_string(),
            v.theme.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn summary(board: &BoardPane, v: &Ctx<'_>, w: usize) -> Line<'static> {
    let t = v.texts;
    if board.searching || !board.query.is_empty() {
        let cursor = if board.searching { "▏" } else { "" };
        let text = format!("{}: {}{cursor}", t.get("board.search"), board.query);
        return Line::from(Span::styled(fit(&text, w), v.theme.title()));
    }
    let filter = match board.filter {
        BoardFilter::All => t.get("board.filter.all").to_string(),
        BoardFilter::Mine => t.get("board.filter.mine").to_string(),
        BoardFilter::Bay(id) => board
            .snapshot
            .bay(id)
            .map(|b| b.name.clone())
            .unwrap_or_default(),
    };
    let c = counts(&board.snapshot.cards, v.now);
    let mut spans = vec![Span::styled(
        format!(
            "{}: {filter} │ {} {} ",
            t.get("board.filter"),
            c.open,
            t.get("board.open")
        ),
        v.theme.title(),
    )];
    let parts = [
        (c.late, "board.late", v.theme.late()),
        (c.progress_check_due, "board.check", v.theme.check()),
        (c.pickup_call_due, "board.call", v.theme.call()),
    ];
    for (n, key, style) in parts {
        spans.push(Span::raw("· "));
        spans.push(Span::styled(
            format!("{n} {} ", t.get(key)),
            if n > 0 { style } else { Style::new() },
        ));
    }
    Line::from(spans)
}

fn header(c: Columns, v: &Ctx<'_>) -> Line<'static> {
    let t = v.texts;
    let mut s = format!(
        "{}{} {} {} ",
        " ".repeat(MARK),
        fit(t.get("col.ro"), RO),
        fit(t.get("col.plate"), c.plate),
        fit(t.get("col.model"), c.model)
    );
    if c.customer > 0 {
        s += &format!("{} ", fit(t.get("col.customer"), c.customer));
    }
    s += &format!(
        "{} {} {} {} {} {}",
        fit(t.get("col.advisor"), c.advisor),
        fit(t.get("col.group"), c.group),
        fit(t.get("col.status"), c.status),
        fit(t.get("col.promised"), c.due),
        fit_right(t.get("col.left"), LEFT),
        t.get("col.flags")
    );
    Line::from(Span::styled(s, v.theme.header()))
}

/// Rule characters after a lane's title.
const RULE_TAIL: usize = 3;

fn lane_line(board: &BoardPane, lane: &Lane, v: &Ctx<'_>, w: usize) -> Line<'static> {
    let t = v.texts;
    let title = match lane.kind {
        LaneKind::Queue(status) => format!(
            "{} ({})",
            t.get(&format!("lane.{}", status.code())),
            lane.cards.len()
        ),
        LaneKind::Bay(id) => bay_title(board, id, lane, t),
    };
    let head = format!("── {title} ");
    // A short rule, not one across the screen: a line-drawing character is
    // three bytes, and a page of bay lanes would cost a few kilobytes.
    let fill = w.saturating_sub(width(&head)).min(RULE_TAIL);
    Line::from(Span::styled(
        fit(&format!("{head}{}", "─".repeat(fill)), w),
        v.theme.lane(),
    ))
}

fn bay_title(board: &BoardPane, id: i64, lane: &Lane, t: &Texts) -> String {
    let Some(bay) = board.snapshot.bay(id) else {
        return String::new();
    };
    let occupants = board.snapshot.occupants(id, None);
    let held: Vec<&str> = occupants
        .iter()
        .filter(|c| {
            !lane
                .cards
                .iter()
                .any(|&i| board.snapshot.cards[i].id == c.id)
        })
        .map(|c| c.number.as_str())
        .collect();
    let mut title = format!(
        "{} {} {}/{}",
        bay.code,
        bay.name,
        occupants.len(),
        bay.capacity
    );
    if occupants.is_empty() {
        title += &format!(" · {}", t.get("lane.free"));
    }
    if !held.is_empty() {
        title += &format!(" · {} {}", t.get("lane.held"), held.join(", "));
    }
    title
}

fn card_line(
    card: &BoardCard,
    board: &BoardPane,
    c: Columns,
    v: &Ctx<'_>,
    selected: bool,
    w: usize,
) -> Line<'static> {
    let t = v.texts;
    let group = card
        .work_group_id
        .and_then(|g| board.snapshot.group(g))
        .map(|g| g.name.as_str())
        .unwrap_or("");
    // A later finish time from the workshop replaces the promise as what
    // is due (the LATE flag says the promise is broken).
    let revised = card
        .times
        .expected_finish_at
        .filter(|f| card.times.promised_at.is_some_and(|p| *f > p));
    let mut times = card.times.clone();
    times.promised_at = revised.or(card.times.promised_at);
    let due = times
        .promised_at
        .map(|p| {
            if c.due >= 11 {
                v.time.medium(p)
            } else {
                v.time.short(p, v.now)
            }
        })
        .unwrap_or_default();
    let remaining = time_left(&times, v.now).map(left).unwrap_or_default();
    let mark = if selected { "> " } else { "  " };
    // The selection is the mark and the RO number, not a bar across the
    // row: moving it then rewrites a dozen cells, not two whole rows, which
    // keeps a cursor move cheap over a thin link (see `ui::scroll`).
    let head = format!("{mark}{}", fit(&card.number, RO));
    let mut text = format!(
        " {} {} ",
        fit(&card.plate, c.plate),
        fit(&card.model, c.model)
    );
    if c.customer > 0 {
        text += &format!("{} ", fit(&card.customer, c.customer));
    }
    text += &format!(
        "{} {} {} {} {} ",
        fit(&card.advisor, c.advisor),
        fit(group, c.group),
        fit(t.get(&format!("status.{}", card.status().code())), c.status),
        fit(&due, c.due),
        fit_right(&remaining, LEFT)
    );
    let base = if selected {
        v.theme.selected()
    } else {
        Style::new()
    };
    let mut spans = vec![Span::styled(head.clone(), base), Span::raw(text.clone())];
    let alerts = Alerts::of(&card.times, v.now);
    let flags = [
        (alerts.late, "flag.late", v.theme.late()),
        (board.risk.contains(&card.id), "flag.risk", v.theme.late()),
        (alerts.progress_check_due, "flag.check", v.theme.check()),
        (alerts.pickup_call_due, "flag.call", v.theme.call()),
    ];
    let mut used = width(&head) + width(&text);
    let mut words: Vec<(String, Style)> = flags
        .into_iter()
        .filter(|(on, _, _)| *on)
        .map(|(_, key, style)| (format!("{} ", t.get(key)), style))
        .collect();
    if card.waiting {
        words.push((format!("{} ", t.get("flag.wait")), v.theme.check()));
    }
    if let Some((tag, holder)) = &card.key {
        let at = t.get(&format!("key.short.{}", holder.code()));
        words.push((format!("K{tag}@{at} "), Style::new()));
    }
    for (word, style) in words {
        let word = fit(&word, (w.saturating_sub(used)).min(width(&word)));
        used += width(&word);
        spans.push(Span::styled(word, style));
    }
    Line::from(spans)
}
