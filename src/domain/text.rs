//! Text that came from outside (CSV, paste, another SQLite client) is cleaned
//! before it is stored or drawn: a customer name must never be able to send
//! escape sequences to every advisor's terminal.

/// Characters that reorder or hide text without showing themselves: the
/// bidirectional embeddings, overrides and isolates (a plate could print
/// reversed), marks, and the byte-order mark. The zero-width joiner stays:
/// emoji sequences need it.
fn invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}'
    )
}

/// The one sanitiser, for the screen, the printouts and exports: removes
/// terminal escape sequences whole (CSI, OSC and the rest), control
/// characters (C0, DEL, C1) and bidi controls from one-line text. Tabs and
/// newlines become single spaces so a pasted name stays on one line.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\t' | '\n' | '\r' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' => skip_string(&mut chars),
            c if c.is_control() || invisible(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: a CSI (`[`), a string (`]` OSC, `P` DCS, `_`, `^`), or one
/// more character.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']' | 'P' | '_' | '^') => skip_string(chars),
        _ => {}
    }
}

/// Parameters and intermediates, then one final byte from '@' to '~'.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// Up to BEL or ST (ESC \), or the end of the text.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' if chars.peek() == Some(&'\\') => {
                chars.next();
                break;
            }
            _ => {}
        }
    }
}

/// Like [`clean_line`] but keeps line breaks, for multi-line notes.
pub fn clean_multiline(s: &str) -> String {
    s.replace("\r\n", "\n")
        .split('\n')
        .map(clean_line)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_c1() {
        assert_eq!(clean_line("王\x1b[2J伟\u{9b}31m!"), "王伟!");
        assert_eq!(clean_line("a\x1b]0;title\x07b\x1b]8;;x\x1b\\c"), "abc");
        assert_eq!(
            clean_line("粤A\u{202E}54321"),
            "粤A54321",
            "no bidi override"
        );
        assert_eq!(
            clean_line("👨\u{200D}👩\u{200D}👧"),
            "👨\u{200D}👩\u{200D}👧"
        );
        assert_eq!(clean_line("a\tb\r\nc"), "a b c");
        assert_eq!(clean_multiline("a\x07\r\nb"), "a\nb");
    }
}
