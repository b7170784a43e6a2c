//! Cheap scrolling for thin links. When a list scrolls by a row, ratatui's
//! diff sees every row of it changed and writes them all again (1,500–1,800
//! bytes per `j` at 80×24). A terminal can move rows itself: set a scroll
//! region (DECSTBM) and feed it line feeds or reverse indexes, the way
//! VT100s always could. So before each frame is written, [`Screen`] looks
//! for the whole-row shift that turns the last frame into the most rows of
//! the new one, has the terminal make that shift, and gives ratatui the
//! shifted frame as the "previous" buffer; the diff then writes only the
//! rows that really changed (the new row, and the old and new selection).
//!
//! Why this and not a lighter selection mark or a page-at-a-time scroll:
//! it needs nothing from the panes (every long list gains, not just the
//! board), the selection stays a full-width bar, and the list still moves
//! one row at a time, which is what people expect from `j`.
//! Why line feeds and reverse index rather than `CSI S`/`CSI T`: every
//! terminal an advisor may have, back to the VT100, does them inside a
//! scroll region.

use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::Terminal;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// Rows `top..=bottom` (0-based) moved by `lines`: positive moves the
/// content up (the list scrolled down), negative moves it down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub top: u16,
    pub bottom: u16,
    pub lines: i16,
}

/// A shift must save at least this many cell writes to be worth its
/// escape sequence (about 20 bytes).
const MIN_SAVING: usize = 16;
/// How far past the last row that moved whole a region may reach: the
/// old selection, one row below the list's last matching row, is cheaper
/// to touch up inside the region than to write again outside it.
const REACH: isize = 3;

fn row(buf: &Buffer, y: usize) -> &[Cell] {
    let w = buf.area.width as usize;
    &buf.content[y * w..(y + 1) * w]
}

/// About what writing `a` over `b` costs in bytes: a byte a changed cell,
/// and a cursor move for each run of changes more than [`BRIDGE`] apart.
fn cost(a: &[Cell], b: &[Cell]) -> usize {
    let (mut bytes, mut gap) = (0, usize::MAX);
    for (x, y) in a.iter().zip(b) {
        if x == y {
            gap = gap.saturating_add(1);
            continue;
        }
        bytes += 1 + if gap > BRIDGE as usize { MOVE_BYTES } else { 0 };
        gap = 0;
    }
    bytes
}

/// The shift that saves the most cell writes going from `prev` to `next`,
/// if one saves at least [`MIN_SAVING`]. Both buffers span the whole
/// terminal (a scroll region is always full width).
pub fn detect(prev: &Buffer, next: &Buffer) -> Option<Shift> {
    if prev.area != next.area || prev.area.x != 0 || prev.area.y != 0 {
        return None;
    }
    let h = next.area.height as usize;
    let changed: Vec<bool> = (0..h).map(|y| row(prev, y) != row(next, y)).collect();
    if changed.iter().filter(|c| **c).count() < 2 {
        return None;
    }
    let mut best: Option<(usize, Shift)> = None;
    for k in 1..=(h / 2) as isize {
        for d in [k, -k] {
            for shift in candidates(prev, next, &changed, d) {
                let saving = saving(prev, next, shift);
                if saving >= MIN_SAVING && best.is_none_or(|(s, _)| saving > s) {
                    best = Some((saving, shift));
                }
            }
        }
    }
    best.map(|(_, shift)| shift)
}

/// Regions for moving the content by `d` rows (up if positive): from the
/// first to the last row that the move brings back whole, reaching up to
/// [`REACH`] rows further on the side the content moves from.
fn candidates(prev: &Buffer, next: &Buffer, changed: &[bool], d: isize) -> Vec<Shift> {
    let h = changed.len() as isize;
    let mut whole = (0..h).filter(|&y| {
        let from = y + d;
        changed[y as usize]
            && (0..h).contains(&from)
            && row(next, y as usize) == row(prev, from as usize)
    });
    let Some(first) = whole.next() else {
        return Vec::new();
    };
    let last = whole.next_back().unwrap_or(first);
    (0..=REACH)
        .filter_map(|reach| {
            let (top, bottom) = if d > 0 {
                (first, last + d + reach)
            } else {
                (first + d - reach, last)
            };
            (top >= 0 && bottom < h).then_some(Shift {
                top: top as u16,
                bottom: bottom as u16,
                lines: d as i16,
            })
        })
        .collect()
}

/// Cell writes saved by `shift`: what the region's rows cost against the
/// last frame, less what they cost once the terminal has moved them.
fn saving(prev: &Buffer, next: &Buffer, shift: Shift) -> usize {
    let blank = vec![Cell::default(); prev.area.width as usize];
    let (top, bottom) = (shift.top as isize, shift.bottom as isize);
    let (mut before, mut after) = (0, 0);
    for y in top..=bottom {
        let from = y + shift.lines as isize;
        let moved = if (top..=bottom).contains(&from) {
            row(prev, from as usize)
        } else {
            &blank
        };
        let new = row(next, y as usize);
        before += cost(new, row(prev, y as usize));
        after += cost(new, moved);
    }
    before.saturating_sub(after)
}

/// `prev` as the terminal shows it after `shift`: the region's rows moved,
/// and the rows it leaves blank (the terminal fills them with spaces in the
/// default colours, as ratatui's reset cell is).
pub fn shifted(prev: &Buffer, shift: Shift) -> Buffer {
    let mut out = prev.clone();
    let w = prev.area.width as usize;
    let (top, bottom) = (shift.top as isize, shift.bottom as isize);
    for y in top..=bottom {
        let from = y + shift.lines as isize;
        let dst = y as usize * w..(y as usize + 1) * w;
        if (top..=bottom).contains(&from) {
            out.content[dst].clone_from_slice(row(prev, from as usize));
        } else {
            out.content[dst].fill(Cell::default());
        }
    }
    out
}

/// The bytes that make the terminal do `shift`. Attributes are reset first
/// so the blank rows take the default background.
pub fn escape(shift: Shift) -> Vec<u8> {
    let (top, bottom) = (shift.top + 1, shift.bottom + 1);
    let mut out = format!("\x1b[m\x1b[{top};{bottom}r").into_bytes();
    let n = shift.lines.unsigned_abs() as usize;
    if shift.lines > 0 {
        out.extend(format!("\x1b[{bottom};1H").bytes());
        out.extend(std::iter::repeat_n(b'\n', n));
    } else {
        out.extend(format!("\x1b[{top};1H").bytes());
        out.extend(std::iter::repeat_n(*b"\x1bM", n).flatten());
    }
    out.extend(b"\x1b[r");
    out
}

/// What a cursor move (`ESC [ row ; col H`) costs, about.
const MOVE_BYTES: usize = 8;
/// Changed cells this close on a row are joined by writing the unchanged
/// cells between them again, which is cheaper than moving the cursor.
const BRIDGE: u16 = 5;

/// The cells to write to turn `shown` into `next`: ratatui's diff, with
/// short gaps between changes on a row filled in from `next` (the terminal
/// already shows those cells, so writing them again changes nothing, and it
/// saves the cursor move ratatui's backend would put before each word).
/// Only narrow cells in the style of the change before them are written,
/// so no colour change or wide character is added.
pub fn updates<'a>(shown: &Buffer, next: &'a Buffer) -> Vec<(u16, u16, &'a Cell)> {
    let diff = shown.diff(next);
    let mut out = Vec::with_capacity(diff.len());
    let mut last: Option<(u16, u16, &Cell)> = None;
    for (x, y, cell) in diff {
        if let Some((lx, ly, prev)) = last {
            let from = lx + 1;
            let fits = ly == y && x > from && x - from <= BRIDGE;
            if fits && (from..x).all(|gx| plain_like(&next[(gx, y)], prev)) {
                out.extend((from..x).map(|gx| (gx, y, &next[(gx, y)])));
            }
        }
        out.push((x, y, cell));
        // After a wide character the backend moves the cursor anyway.
        last = (cell.symbol().width() == 1).then_some((x, y, cell));
    }
    out
}

fn plain_like(cell: &Cell, before: &Cell) -> bool {
    cell.diff_option == CellDiffOption::None
        && cell.symbol().width() == 1
        && cell.style() == before.style()
}

/// A terminal that scrolls rows instead of writing them again, and joins
/// nearby changes. Draw through it rather than through `Terminal::draw`.
pub struct Screen<B: Backend<Error = std::io::Error> + Write> {
    pub terminal: Terminal<B>,
    /// What the terminal shows: the last frame written.
    shown: Option<Buffer>,
}

impl<B: Backend<Error = std::io::Error> + Write> Screen<B> {
    pub fn new(terminal: Terminal<B>) -> Self {
        Screen {
            terminal,
            shown: None,
        }
    }

    /// Renders a frame with `render` and writes what changed.
    pub fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame<'_>)) -> std::io::Result<()> {
        // A resize clears the screen (and ratatui's buffers).
        self.terminal.autoresize()?;
        render(&mut self.terminal.get_frame());
        let area = self.terminal.current_buffer_mut().area;
        let mut shown = match self.shown.take() {
            Some(b) if b.area == area => b,
            _ => Buffer::empty(area),
        };
        // Take the new frame out; the old one goes into ratatui's slot,
        // which `swap_buffers` resets for the next frame.
        std::mem::swap(self.terminal.current_buffer_mut(), &mut shown);
        let (next, old) = (shown, self.terminal.current_buffer_mut());
        if let Some(shift) = detect(old, &next) {
            let moved = shifted(old, shift);
            *old = moved;
            self.terminal.backend_mut().write_all(&escape(shift))?;
        }
        let cells = updates(self.terminal.current_buffer_mut(), &next);
        self.terminal.backend_mut().draw(cells.into_iter())?;
        self.terminal.hide_cursor()?;
        self.terminal.swap_buffers();
        Backend::flush(self.terminal.backend_mut())?;
        self.shown = Some(next);
        Ok(())
    }
}
