//! The report as fixed-width text, for a terminal, a mail or a line printer.

use super::Table;
use crate::ui::text::{fit, fit_right, width};

/// One table: its title, a header, and aligned rows (names left, numbers
/// right), no wider than `max` columns (wide names are cut, never numbers).
pub fn table(t: &Table, max: usize) -> String {
    let cols = t.head.len();
    let mut widths: Vec<usize> = t.head.iter().map(|h| width(h)).collect();
    for r in &t.rows {
        for (i, c) in r.cells.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(width(&c.text));
        }
    }
    let rest: usize = widths.iter().skip(1).map(|w| w + 2).sum();
    widths[0] = widths[0].min(max.saturating_sub(rest).max(8));
    let line = |cells: Vec<&str>, mark: &str| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            if i >= t.numbers_from {
                s.push_str(&fit_right(c, widths[i]));
            } else {
                s.push_str(&fit(c, widths[i]));
            }
        }
        s.push_str(mark);
        s.trim_end().to_string() + "\n"
    };
    let mut out = format!("{}\n", t.title);
    out.push_str(&line(t.head.iter().map(String::as_str).collect(), ""));
    for r in &t.rows {
        let mark = if r.met == Some(false) { "  !" } else { "" };
        out.push_str(&line(
            r.cells.iter().map(|c| c.text.as_str()).collect(),
            mark,
        ));
    }
    out
}

/// The whole report: a heading, then each table with a blank line between.
pub fn report(heading: &[String], tables: &[Table], max: usize) -> String {
    let mut out = heading.join("\n");
    out.push_str("\n\n");
    for t in tables {
        out.push_str(&table(t, max));
        out.push('\n');
    }
    out
}
