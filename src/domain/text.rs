//! Text that came from outside (CSV, paste, another SQLite client) is cleaned
//! before it is stored or drawn: a customer name must never be able to send
//! escape sequences to every advisor's terminal.

/// Removes control characters (C0, DEL, C1) from one-line text. Tabs and
/// newlines become single spaces so a pasted name stays on one line.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch == '\t' || ch == '\n' || ch == '\r' {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else if !ch.is_control() {
            out.push(ch);
        }
    }
    out
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
        assert_eq!(clean_line("王\x1b[2J伟\u{9b}31m"), "王[2J伟31m");
        assert_eq!(clean_line("a\tb\r\nc"), "a b c");
        assert_eq!(clean_multiline("a\x07\r\nb"), "a\nb");
    }
}
