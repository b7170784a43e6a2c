//! The car from above, front at the top, drawn from the panels' grid
//! (`domain::checklist::panels`): each panel shows its code and its marks as
//! letters (S2 = scratch, severity 2), so a screen without colour loses
//! nothing; colour and bold only repeat what the letters say.

use crate::domain::checklist::panels::{COLUMNS, INSIDE_ROW, ROWS};
use crate::domain::checklist::{Panel, Sheet};
use crate::ui::pane::Ctx;
use crate::ui::text::{fit, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// The marks on a panel as the outline writes them: "S2 D1", and "+" after
/// a mark that was not there at check-in.
pub fn marks_text(sheet: &Sheet, before: Option<&Sheet>, panel: Panel) -> String {
    sheet
        .marks_on(panel)
        .map(|e| {
            let (k, s) = e
                .damage
                .unwrap_or((crate::domain::checklist::DamageKind::Scratch, 1));
            let new = before.is_some_and(|b| b.find(&e.key()).is_none());
            format!("{}{s}{}", k.letter(), if new { "+" } else { "" })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rows of text each grid row gets, from the height there is.
fn row_height(h: u16) -> u16 {
    // The grid's rows, a heading line and the line before the inside.
    (h.saturating_sub(2) / ROWS).clamp(1, 3)
}

/// Draws the outline into `area` (its own width is 5 cells).
pub fn render(
    buf: &mut Buffer,
    area: Rect,
    sheet: &Sheet,
    before: Option<&Sheet>,
    selected: Panel,
    cx: &Ctx,
) {
    let rh = row_height(area.height);
    let cw = (area.width / COLUMNS).clamp(4, 16);
    let heading = format!("▲ {}", cx.texts.get("list.front"));
    let x0 = area.x + cw.min(area.width);
    buf.set_string(x0, area.y, fit(&heading, (cw * 3) as usize), cx.theme.dim());
    for panel in Panel::ALL.iter().copied() {
        let c = panel.cell();
        let extra = if c.row >= INSIDE_ROW { 1 } else { 0 };
        let y = area.y + 1 + c.row * rh + extra;
        if c.row == INSIDE_ROW && panel.cell().col == 0 {
            buf.set_string(
                area.x,
                y - 1,
                fit(cx.texts.get("list.inside_row"), area.width as usize),
                cx.theme.dim(),
            );
        }
        let x = area.x + c.col * cw;
        let w = (c.span * cw).saturating_sub(1);
        if y >= area.bottom() || x + w > area.right() {
            continue;
        }
        draw_panel(
            buf,
            Rect::new(x, y, w, rh.min(area.bottom() - y)),
            sheet,
            before,
            panel,
            panel == selected,
            cx,
        );
    }
}

fn draw_panel(
    buf: &mut Buffer,
    r: Rect,
    sheet: &Sheet,
    before: Option<&Sheet>,
    panel: Panel,
    selected: bool,
    cx: &Ctx,
) {
    let marks = marks_text(sheet, before, panel);
    let w = r.width as usize;
    let mut style = if marks.is_empty() {
        Style::new()
    } else {
        cx.theme.damage()
    };
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    // Brackets mark the cursor even where reverse video does not show.
    let (l, rgt) = if selected { ("[", "]") } else { (" ", " ") };
    let label = if r.height == 1 && !marks.is_empty() {
        format!("{}{}", panel.code(), marks.replace(' ', ""))
    } else {
        panel.code().to_string()
    };
    buf.set_string(r.x, r.y, centred(&format!("{l}{label}{rgt}"), w), style);
    if r.height >= 2 {
        let shown = if marks.is_empty() {
            "·".to_string()
        } else {
            marks
        };
        buf.set_string(r.x, r.y + 1, centred(&shown, w), style);
    }
    if r.height >= 3 {
        let name = panel.name_in(super::view::lang(cx));
        buf.set_string(r.x, r.y + 2, centred(name, w), cx.theme.dim());
    }
}

fn centred(s: &str, w: usize) -> String {
    // `fit` pads to the width; the padding is shared out here instead.
    let s = fit(s, w).trim_end().to_string();
    let pad = w.saturating_sub(width(&s));
    let left = pad / 2;
    format!("{}{s}{}", " ".repeat(left), " ".repeat(pad - left))
}

/// The outline's width and height for a given area (for laying out the
/// marks list beside it).
pub fn size(area: Rect) -> (u16, u16) {
    let rh = row_height(area.height);
    let cw = (area.width / COLUMNS).clamp(4, 16);
    (cw * COLUMNS, 2 + ROWS * rh)
}
