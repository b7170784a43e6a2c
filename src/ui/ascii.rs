//! The ASCII fallback: after a frame is drawn, every line-drawing cell and
//! every symbol of ours is replaced by its ASCII look-alike, so a terminal
//! or locale that cannot show them (the Linux console's font, a VT100,
//! `LANG=C`) still shows boxes, rules, bars and arrows. Done on the whole
//! buffer, it covers every pane, dialog and widget, ratatui's borders and
//! charts included. Text the shop typed (names in Chinese) is left as it is.

use ratatui::buffer::Buffer;

/// Replaces every cell whose symbol has an ASCII look-alike.
pub fn fold(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        if let Some(plain) = look_alike(cell.symbol()) {
            cell.set_symbol(plain);
        }
    }
}

/// The ASCII for one cell's symbol, or None if it is fine as it is.
pub fn look_alike(symbol: &str) -> Option<&'static str> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    if c.is_ascii() || chars.next().is_some() {
        return None;
    }
    match c as u32 {
        0x2500..=0x257f => Some(box_drawing(c)),
        0x2580..=0x259f => Some(block(c)),
        // Braille dots: ratatui's canvas and chart markers.
        0x2800 => Some(" "),
        0x2801..=0x28ff => Some("."),
        _ => symbol_look_alike(c),
    }
}

fn box_drawing(c: char) -> &'static str {
    match c {
        '═' => "=",
        '─' | '━' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍' | '╴' | '╶' | '╸' | '╺' | '╼' | '╾' => {
            "-"
        }
        '│' | '┃' | '┆' | '┇' | '┊' | '┋' | '╎' | '╏' | '║' | '╵' | '╷' | '╹' | '╻' | '╽' | '╿' => {
            "|"
        }
        '╱' => "/",
        '╲' => "\\",
        '╳' => "X",
        _ => "+",
    }
}

fn block(c: char) -> &'static str {
    match c {
        '▁' => "_",
        '░' => ".",
        '▒' => ":",
        '▏' | '▕' => "|",
        _ => "#",
    }
}

fn symbol_look_alike(c: char) -> Option<&'static str> {
    Some(match c {
        '·' | '…' | '•' => ".",
        '→' | '›' | '▶' | '►' | '▸' | '⇒' => ">",
        '←' | '‹' | '◀' | '◄' | '◂' | '⇐' => "<",
        '↑' | '▲' | '△' => "^",
        '↓' | '▼' | '▽' => "v",
        '–' | '—' | '−' | '‐' => "-",
        '×' | '✗' | '✘' => "x",
        '÷' => "/",
        '✓' | '✔' => "+",
        '■' | '▮' | '●' => "#",
        '□' | '▯' | '○' => "o",
        '≠' => "#",
        '±' => "~",
        '⏎' => "<",
        '☎' => "T",
        '‘' | '’' => "'",
        '“' | '”' => "\"",
        _ => return None,
    })
}

/// Whether a symbol is line drawing (box, block or braille): what an ASCII
/// frame must not hold.
pub fn is_line_drawing(c: char) -> bool {
    matches!(c as u32, 0x2500..=0x259f | 0x2800..=0x28ff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_symbols_fold_and_text_stays() {
        assert_eq!(look_alike("─"), Some("-"));
        assert_eq!(look_alike("│"), Some("|"));
        assert_eq!(look_alike("┌"), Some("+"));
        assert_eq!(look_alike("╭"), Some("+"));
        assert_eq!(look_alike("█"), Some("#"));
        assert_eq!(look_alike("…"), Some("."));
        assert_eq!(look_alike("→"), Some(">"));
        assert_eq!(look_alike("王"), None);
        assert_eq!(look_alike("ñ"), None);
        assert_eq!(look_alike("a"), None);
        assert_eq!(look_alike("e\u{301}"), None);
    }
}
