//! The terminal's bytes, turned into keys and pastes.
//!
//! Why our own decoder and not crossterm's: crossterm 0.29 drops any
//! sequence it does not know, and the desk's terminals send several it does
//! not: PuTTY in its VT100+ mode sends F5–F12 as `ESC O T` … `ESC O [`, a
//! keypad in application mode sends `ESC O p` … `ESC O y`, and rxvt marks
//! shifted keys with a trailing `$`. An advisor whose F5 does nothing has
//! no way to tell why. The table in `tests/key_sequences.rs` feeds the raw
//! bytes of xterm, VT220, rxvt, the Linux console, PuTTY (both modes) and
//! Windows Terminal through this decoder.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the terminal sent, whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    /// A bracketed paste (or an input method's commit sent as one), with
    /// its text exactly as it came; fields clean it for their own rules.
    Paste(String),
}

const ESC: u8 = 0x1b;
const PASTE_END: &[u8] = b"\x1b[201~";
/// A sequence longer than this is noise, not a key.
const LONGEST: usize = 32;

/// Bytes in, keys out. Bytes of a sequence that has not fully arrived
/// wait for the next read; `flush` decides what they were once the
/// terminal has gone quiet (a lone ESC is the Esc key).
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
    pasting: bool,
}

/// One step of decoding the front of the buffer.
enum Step {
    /// An input, and how many bytes it took.
    Got(Input, usize),
    /// Bytes that mean nothing to the desk (focus reports, mouse, noise).
    Skip(usize),
    /// The start of a paste: what follows is text until `ESC [ 201 ~`.
    PasteStart(usize),
    /// The front may still become a sequence: wait for more bytes.
    More,
}

impl Decoder {
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Whether bytes are waiting for the rest of their sequence.
    pub fn pending(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Every input that has fully arrived.
    pub fn take(&mut self) -> Vec<Input> {
        self.decode(false)
    }

    /// The terminal went quiet: what is left is what it is. A paste still
    /// open keeps waiting for its end (its text must arrive whole).
    pub fn flush(&mut self) -> Vec<Input> {
        self.decode(true)
    }

    fn decode(&mut self, quiet: bool) -> Vec<Input> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < self.buf.len() {
            if self.pasting {
                let rest = &self.buf[at..];
                match find(rest, PASTE_END) {
                    Some(end) => {
                        let text = String::from_utf8_lossy(&rest[..end]).into_owned();
                        out.push(Input::Paste(text));
                        at += end + PASTE_END.len();
                        self.pasting = false;
                        continue;
                    }
                    None => break,
                }
            }
            match step(&self.buf[at..]) {
                Step::Got(input, used) => {
                    out.push(input);
                    at += used;
                }
                Step::Skip(used) => at += used,
                Step::PasteStart(used) => {
                    self.pasting = true;
                    at += used;
                }
                Step::More if quiet => {
                    let (input, used) = give_up(&self.buf[at..]);
                    out.extend(input);
                    at += used;
                }
                Step::More => break,
            }
        }
        self.buf.drain(..at);
        out
    }
}

/// The terminal is quiet and the front is still incomplete: a lone ESC is
/// the Esc key, Alt with a key cut short is dropped, and a sequence cut
/// short is dropped whole rather than typed as letters into a field.
fn give_up(front: &[u8]) -> (Option<Input>, usize) {
    if front == [ESC] {
        return (Some(key(KeyCode::Esc, KeyModifiers::NONE)), 1);
    }
    (None, front.len())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn key(code: KeyCode, mods: KeyModifiers) -> Input {
    Input::Key(KeyEvent::new(code, mods))
}

fn got(code: KeyCode, mods: KeyModifiers, used: usize) -> Step {
    Step::Got(key(code, mods), used)
}

fn step(b: &[u8]) -> Step {
    match b[0] {
        ESC => escape(b),
        _ => plain(b),
    }
}

/// A byte or a UTF-8 character that is not part of an escape sequence.
fn plain(b: &[u8]) -> Step {
    let none = KeyModifiers::NONE;
    match b[0] {
        b'\r' => got(KeyCode::Enter, none, 1),
        b'\t' => got(KeyCode::Tab, none, 1),
        // DEL is Backspace on every terminal here; ^H is Backspace on the
        // Linux console and PuTTY's "Control-H" setting.
        0x7f | 0x08 => got(KeyCode::Backspace, none, 1),
        0x00 => got(KeyCode::Char(' '), KeyModifiers::CONTROL, 1),
        c @ 0x01..=0x1a => got(
            KeyCode::Char((c - 1 + b'a') as char),
            KeyModifiers::CONTROL,
            1,
        ),
        c @ 0x1c..=0x1f => got(
            KeyCode::Char((c - 0x1c + b'4') as char),
            KeyModifiers::CONTROL,
            1,
        ),
        _ => utf8(b),
    }
}

fn utf8(b: &[u8]) -> Step {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Skip(1),
    };
    if b.len() < len {
        return Step::More;
    }
    match std::str::from_utf8(&b[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => {
            let mods = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            got(KeyCode::Char(c), mods, len)
        }
        None => Step::Skip(1),
    }
}

fn escape(b: &[u8]) -> Step {
    let Some(&second) = b.get(1) else {
        return Step::More;
    };
    match second {
        b'[' => csi(b),
        b'O' => ss3(b),
        ESC => got(KeyCode::Esc, KeyModifiers::NONE, 1),
        _ => match plain(&b[1..]) {
            // Alt (or Meta sending ESC) with a key.
            Step::Got(Input::Key(mut k), used) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Got(Input::Key(k), used + 1)
            }
            Step::Skip(used) => Step::Skip(used + 1),
            other => other,
        },
    }
}

/// `ESC O x`, possibly with a modifier digit (`ESC O 5 P`): xterm's cursor
/// and F1–F4 keys, PuTTY's VT100+ F5–F12, the application keypad, and
/// rxvt's Ctrl+arrows.
fn ss3(b: &[u8]) -> Step {
    let mut i = 2;
    let mut mods = KeyModifiers::NONE;
    if let Some(d @ b'2'..=b'8') = b.get(i) {
        mods = modifiers(u16::from(d - b'0'));
        i += 1;
    }
    let Some(&f) = b.get(i) else {
        return Step::More;
    };
    let used = i + 1;
    let ctrl = KeyModifiers::CONTROL;
    if let Some(code) = cursor(f) {
        return got(code, mods, used);
    }
    let code = match f {
        b'P'..=b'Z' => KeyCode::F(f - b'P' + 1),
        b'[' => KeyCode::F(12),
        b'a' => return got(KeyCode::Up, ctrl, used),
        b'b' => return got(KeyCode::Down, ctrl, used),
        b'c' => return got(KeyCode::Right, ctrl, used),
        b'd' => return got(KeyCode::Left, ctrl, used),
        b'M' => KeyCode::Enter,
        b'p'..=b'y' => KeyCode::Char((f - b'p' + b'0') as char),
        b'j' => KeyCode::Char('*'),
        b'k' => KeyCode::Char('+'),
        b'l' => KeyCode::Char(','),
        b'm' => KeyCode::Char('-'),
        b'n' => KeyCode::Char('.'),
        b'o' => KeyCode::Char('/'),
        _ => return Step::Skip(used),
    };
    got(code, mods, used)
}

/// `ESC [ …`: cursor and editing keys, numbered F-keys (`ESC [ 15 ~`),
/// the Linux console's `ESC [ [ A`, modifiers (`ESC [ 1 ; 5 H`), rxvt's
/// `$` (Shift) and `^` (Ctrl) endings, and the start of a paste.
fn csi(b: &[u8]) -> Step {
    if b.get(2) == Some(&b'[') {
        return match b.get(3) {
            None => Step::More,
            Some(&f @ b'A'..=b'E') => got(KeyCode::F(f - b'A' + 1), KeyModifiers::NONE, 4),
            Some(_) => Step::Skip(4),
        };
    }
    let mut i = 2;
    while let Some(&c) = b.get(i) {
        if (0x40..=0x7e).contains(&c) || c == b'$' {
            return csi_final(&b[2..i], c, i + 1);
        }
        if !(0x20..=0x3f).contains(&c) || i >= LONGEST {
            return Step::Skip(i);
        }
        i += 1;
    }
    Step::More
}

fn csi_final(params: &[u8], f: u8, used: usize) -> Step {
    let text = std::str::from_utf8(params).unwrap_or("");
    if text.starts_with(['<', '?', '>']) {
        return Step::Skip(used); // mouse reports, device answers
    }
    let mut nums = text.split(';').map(|n| n.parse::<u16>().ok());
    let first = nums.next().flatten();
    let mut mods = nums.next().flatten().map_or(KeyModifiers::NONE, modifiers);
    match f {
        b'~' | b'$' | b'^' | b'@' => {
            mods |= match f {
                b'$' => KeyModifiers::SHIFT,
                b'^' => KeyModifiers::CONTROL,
                b'@' => KeyModifiers::CONTROL | KeyModifiers::SHIFT,
                _ => KeyModifiers::NONE,
            };
            if first == Some(200) {
                return Step::PasteStart(used);
            }
            match first.and_then(numbered) {
                Some(code) => got(code, mods, used),
                None => Step::Skip(used),
            }
        }
        b'Z' => got(KeyCode::BackTab, KeyModifiers::SHIFT, used),
        _ => match lettered(f) {
            Some(code) => got(code, mods, used),
            None => Step::Skip(used),
        },
    }
}

/// `ESC [ n ~`: VT220's editing keypad and F-keys, used by PuTTY, rxvt,
/// the Linux console and xterm alike.
fn numbered(n: u16) -> Option<KeyCode> {
    Some(match n {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        11..=15 => KeyCode::F((n - 10) as u8),
        17..=21 => KeyCode::F((n - 11) as u8),
        23..=26 => KeyCode::F((n - 12) as u8),
        28..=29 => KeyCode::F((n - 15) as u8),
        31..=34 => KeyCode::F((n - 17) as u8),
        _ => return None,
    })
}

/// `ESC [ x` and `ESC [ 1 ; m x`.
fn lettered(f: u8) -> Option<KeyCode> {
    match f {
        b'P'..=b'S' => Some(KeyCode::F(f - b'P' + 1)),
        _ => cursor(f),
    }
}

/// The cursor keys and Home/End, the same letter after `ESC [` and `ESC O`.
fn cursor(f: u8) -> Option<KeyCode> {
    Some(match f {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        _ => return None,
    })
}

/// xterm's modifier parameter: 1 + Shift(1) + Alt(2) + Ctrl(4).
fn modifiers(m: u16) -> KeyModifiers {
    let bits = m.saturating_sub(1);
    let mut mods = KeyModifiers::NONE;
    if bits & 1 != 0 {
        mods |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        mods |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        mods |= KeyModifiers::CONTROL;
    }
    mods
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<Input> {
        let mut d = Decoder::default();
        d.feed(bytes);
        let mut out = d.take();
        out.extend(d.flush());
        out
    }

    #[test]
    fn a_sequence_split_across_reads_waits_for_its_end() {
        let mut d = Decoder::default();
        d.feed(b"\x1b[1");
        assert!(d.take().is_empty());
        d.feed(b"5~");
        assert_eq!(d.take(), vec![key(KeyCode::F(5), KeyModifiers::NONE)]);
    }

    #[test]
    fn a_lone_escape_is_the_esc_key_once_quiet() {
        let mut d = Decoder::default();
        d.feed(b"\x1b");
        assert!(d.take().is_empty());
        assert_eq!(d.flush(), vec![key(KeyCode::Esc, KeyModifiers::NONE)]);
    }

    #[test]
    fn a_paste_arrives_whole_even_in_pieces() {
        let mut d = Decoder::default();
        d.feed("\x1b[200~王".as_bytes());
        assert!(d.take().is_empty());
        assert!(d.flush().is_empty(), "a paste waits for its end");
        d.feed("小明\n\x1b[A\x1b[201~x".as_bytes());
        assert_eq!(
            d.take(),
            vec![
                Input::Paste("王小明\n\x1b[A".into()),
                key(KeyCode::Char('x'), KeyModifiers::NONE)
            ]
        );
    }

    #[test]
    fn utf8_split_across_reads_is_one_character() {
        let bytes = "张".as_bytes();
        let mut d = Decoder::default();
        d.feed(&bytes[..1]);
        assert!(d.take().is_empty());
        d.feed(&bytes[1..]);
        assert_eq!(d.take(), vec![key(KeyCode::Char('张'), KeyModifiers::NONE)]);
    }

    #[test]
    fn noise_is_dropped_not_typed() {
        assert!(all(b"\x1b[I\x1b[O\x1b[<0;3;4M\x1b[?1;2c").is_empty());
        assert!(all(&[0xff, 0xfe]).is_empty());
    }
}
