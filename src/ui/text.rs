//! Fitting text into columns by display width, so Chinese names (two cells
//! a character) line up with Latin ones. Everything drawn passes through here
//! and is cleaned first (`domain::text`, the one sanitiser). Text is measured
//! and cut by grapheme cluster, as ratatui draws it: a family emoji joined
//! by ZWJs, or a letter with a combining mark, is one unit, never split.

use crate::domain::text::clean_line;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` cells, ending with '…' when something was cut.
/// A wide character is never split.
pub fn truncate(s: &str, max: usize) -> String {
    let s = clean_line(s);
    if width(&s) <= max {
        return s;
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for cluster in s.graphemes(true) {
        let w = cluster.width();
        if used + w > max - 1 {
            break;
        }
        out.push_str(cluster);
        used += w;
    }
    out.push('…');
    out
}

/// Exactly `w` cells: truncated, then padded with spaces on the right.
pub fn fit(s: &str, w: usize) -> String {
    let mut out = truncate(s, w);
    let pad = w.saturating_sub(width(&out));
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Exactly `w` cells, right-aligned.
pub fn fit_right(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    let mut out: String = std::iter::repeat_n(' ', pad).collect();
    out.push_str(&t);
    out
}
