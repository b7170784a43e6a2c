//! The one-line check-in: a fast advisor types the whole check-in as one
//! line, for example
//!
//! ```text
//! F5/8 ODO 45210 DMG FLD:scratch:2 RRB:dent BEL umbrella,charger×1 TAG auto WASH KEEP-OLD WAIT
//! ```
//!
//! [`parse`] reads the whole line or refuses it with the bad word's place;
//! nothing is applied until the line parses. [`complete`] offers what may
//! come next where the cursor is.

use super::keys::TagRequest;
use super::template::Template;
use super::{Answers, Category, DamageKind, Entry, OldParts, Panel, Sheet, SEVERITIES};
use std::fmt;

/// The grammar, for help.
pub const GRAMMAR: &[(&str, &str)] = &[
    (
        "F0/8 … F8/8, FE, F1/4, F1/2, F3/4, FF",
        "fuel gauge, in eighths from E to F",
    ),
    ("ODO 45210", "odometer, to the kilometre"),
    (
        "DMG FLD:scratch:2 RRB:dent",
        "damage: panel code, type, severity 1–3 (default 1)",
    ),
    (
        "BEL umbrella,charger×2,+golf_clubs",
        "belongings and tools; ×n (or xn, *n) counts, + a free item",
    ),
    ("DOC reg,ins,book", "documents received"),
    ("LIGHT engine,abs", "warning lights on"),
    (
        "TAG auto | TAG 17",
        "key tag: the first free hook, or that hook",
    ),
    ("WASH | NOWASH", "washing wanted or not"),
    (
        "KEEP-OLD | DISPOSE-OLD",
        "old parts: the customer keeps them, or the shop disposes of them",
    ),
    (
        "WAIT | LEAVE",
        "the customer waits in the lounge, or leaves",
    ),
    (
        "COVERS | NOCOVERS",
        "seat, steering-wheel and floor covers fitted",
    ),
];

/// The damage types and panel codes are in help too.
pub const KEYWORDS: &[&str] = &[
    "ODO",
    "DMG",
    "BEL",
    "DOC",
    "LIGHT",
    "TAG",
    "WASH",
    "NOWASH",
    "KEEP-OLD",
    "DISPOSE-OLD",
    "WAIT",
    "LEAVE",
    "COVERS",
    "NOCOVERS",
];

/// A belonging or tool as typed: template code (or free words) and count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub category: Category,
    pub item: String,
    pub count: Option<i64>,
}

/// What the line said; `None` where it said nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuickCheckIn {
    pub fuel: Option<i64>,
    pub odometer: Option<i64>,
    pub marks: Vec<(Panel, DamageKind, i64)>,
    pub items: Vec<Item>,
    pub documents: Vec<String>,
    pub lights: Vec<String>,
    pub tag: Option<TagRequest>,
    pub wash: Option<bool>,
    pub old_parts: Option<OldParts>,
    pub waiting: Option<bool>,
    pub covers: Option<bool>,
}

/// A word the line cannot take: where it is (1-based column, in
/// characters), the word, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub column: usize,
    pub word: String,
    pub why: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.word.is_empty() {
            write!(f, "at the end: {}; nothing was applied", self.why)
        } else {
            write!(
                f,
                "'{}' at column {}: {}; nothing was applied",
                self.word, self.column, self.why
            )
        }
    }
}

/// The words of a line with their columns.
fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut col = 0;
    let mut byte_start = 0;
    for (i, ch) in line.char_indices() {
        col += 1;
        if ch.is_whitespace() {
            if let Some(c) = start.take() {
                out.push((c, &line[byte_start..i]));
            }
        } else if start.is_none() {
            start = Some(col);
            byte_start = i;
        }
    }
    if let Some(c) = start {
        out.push((c, &line[byte_start..]));
    }
    out
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word)) || fuel(word).is_some()
}

fn fuel(word: &str) -> Option<i64> {
    let w = word.to_ascii_uppercase();
    let rest = w.strip_prefix('F')?;
    match rest {
        "E" => return Some(0),
        "F" => return Some(8),
        "1/4" => return Some(2),
        "1/2" => return Some(4),
        "3/4" => return Some(6),
        _ => {}
    }
    let n: i64 = rest.strip_suffix("/8")?.parse().ok()?;
    (0..=8).contains(&n).then_some(n)
}

/// Reads the whole line. The first bad word stops it, and nothing is applied.
pub fn parse(line: &str, template: &Template) -> Result<QuickCheckIn, LineError> {
    let words = words(line);
    let mut q = QuickCheckIn::default();
    let mut i = 0;
    while i < words.len() {
        let (col, word) = words[i];
        let err = |why: &str| LineError {
            column: col,
            word: word.to_string(),
            why: why.to_string(),
        };
        i += 1;
        if let Some(f) = fuel(word) {
            q.fuel = Some(f);
            continue;
        }
        // The words after a list keyword, up to the next keyword.
        // The comma-separated parts of the words after a list keyword, up
        // to the next keyword, each with its word's column.
        let take_list = |i: &mut usize| {
            let from = *i;
            while *i < words.len() && !is_keyword(words[*i].1) {
                *i += 1;
            }
            words[from..*i]
                .iter()
                .flat_map(|&(c, w)| w.split(',').filter(|p| !p.is_empty()).map(move |p| (c, p)))
                .collect::<Vec<_>>()
        };
        match word.to_ascii_uppercase().as_str() {
            "ODO" => {
                let Some(&(c, n)) = words.get(i) else {
                    return Err(end("ODO needs the reading, e.g. ODO 45210"));
                };
                i += 1;
                let digits: String = n
                    .trim_end_matches("km")
                    .chars()
                    .filter(|c| *c != ',')
                    .collect();
                match digits.parse::<i64>() {
                    Ok(km) if km >= 0 => q.odometer = Some(km),
                    _ => return Err(at(c, n, "the odometer is a whole number of kilometres")),
                }
            }
            "TAG" => {
                let Some(&(c, t)) = words.get(i) else {
                    return Err(end("TAG needs auto or a hook number"));
                };
                i += 1;
                q.tag = Some(
                    TagRequest::parse(t)
                        .ok_or_else(|| at(c, t, "a tag is auto or a hook number"))?,
                );
            }
            "DMG" => {
                let list = take_list(&mut i);
                if list.is_empty() {
                    return Err(err("DMG needs at least one mark, e.g. FLD:scratch:2"));
                }
                for (c, part) in list {
                    q.marks.push(mark(part).map_err(|why| at(c, part, &why))?);
                }
            }
            "BEL" => {
                let list = take_list(&mut i);
                if list.is_empty() {
                    return Err(err("BEL needs at least one item, e.g. umbrella,charger×2"));
                }
                for (c, part) in list {
                    q.items
                        .push(item(part, template).map_err(|why| at(c, part, &why))?);
                }
            }
            "DOC" | "LIGHT" => {
                let (category, what, into) = if word.eq_ignore_ascii_case("DOC") {
                    (Category::Document, "document", &mut q.documents)
                } else {
                    (Category::WarningLight, "warning light", &mut q.lights)
                };
                let list = take_list(&mut i);
                if list.is_empty() {
                    return Err(err("name at least one, separated by commas"));
                }
                for (c, part) in list {
                    let found = template.find(category, part).ok_or_else(|| {
                        at(
                            c,
                            part,
                            &format!("not a {what} of the template; ? lists them"),
                        )
                    })?;
                    into.push(found.code.clone());
                }
            }
            "WASH" => q.wash = Some(true),
            "NOWASH" => q.wash = Some(false),
            "KEEP-OLD" => q.old_parts = Some(OldParts::CustomerKeeps),
            "DISPOSE-OLD" => q.old_parts = Some(OldParts::Dispose),
            "WAIT" => q.waiting = Some(true),
            "LEAVE" => q.waiting = Some(false),
            "COVERS" => q.covers = Some(true),
            "NOCOVERS" => q.covers = Some(false),
            _ if word.contains(':') => {
                return Err(err("a damage mark follows DMG, e.g. DMG FLD:scratch"))
            }
            _ => {
                return Err(err(
                    "not a word of the one-line check-in; ? shows the grammar",
                ))
            }
        }
    }
    Ok(q)
}

fn at(column: usize, word: &str, why: &str) -> LineError {
    LineError {
        column,
        word: word.to_string(),
        why: why.to_string(),
    }
}

fn end(why: &str) -> LineError {
    at(0, "", why)
}

fn mark(part: &str) -> Result<(Panel, DamageKind, i64), String> {
    let mut bits = part.split(':');
    let code = bits.next().unwrap_or_default();
    if code.is_empty() {
        return Err("a damage mark needs a panel, e.g. FLD:scratch".into());
    }
    let panel = Panel::from_code(code).ok_or("not a panel code; ? lists them")?;
    let kind = bits
        .next()
        .ok_or("the mark needs its type, e.g. FLD:scratch")?;
    let kind = DamageKind::from_code(kind).ok_or_else(|| {
        let kinds: Vec<&str> = DamageKind::ALL.iter().map(|k| k.code()).collect();
        format!("the type is one of {}", kinds.join(", "))
    })?;
    let severity = match bits.next() {
        None => 1,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|s| SEVERITIES.contains(s))
            .ok_or("severity is 1 (light), 2 or 3 (heavy)")?,
    };
    if bits.next().is_some() {
        return Err("a mark is panel:type:severity".into());
    }
    Ok((panel, kind, severity))
}

/// `charger×2`, `mats x4`, `+golf_clubs`.
fn item(part: &str, template: &Template) -> Result<Item, String> {
    let (name, count) = split_count(part)?;
    if let Some(free) = name.strip_prefix('+') {
        let free = free.replace('_', " ");
        if free.trim().is_empty() {
            return Err("a free item needs words after +".into());
        }
        return Ok(Item {
            category: Category::Belonging,
            item: free,
            count,
        });
    }
    for category in [Category::Belonging, Category::Tool] {
        if let Some(found) = template.find(category, name) {
            return Ok(Item {
                category,
                item: found.code.clone(),
                count,
            });
        }
    }
    Err("not a belonging or tool of the template; + adds a free item, ? lists them".into())
}

fn split_count(part: &str) -> Result<(&str, Option<i64>), String> {
    for sep in ['×', 'x', 'X', '*'] {
        if let Some((name, n)) = part.rsplit_once(sep) {
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '-') {
                return match n.parse::<i64>() {
                    Ok(n) if n >= 0 => Ok((name, Some(n))),
                    _ => Err("a count cannot be negative".into()),
                };
            }
        }
    }
    Ok((part, None))
}

/// Applies a parsed line to the check-in list and the questions.
pub fn apply(q: &QuickCheckIn, sheet: &mut Sheet, answers: &mut Answers, template: &Template) {
    for (panel, kind, severity) in &q.marks {
        let key = Entry::mark(*panel, *kind, *severity, "").key();
        match sheet.entries.iter_mut().find(|e| e.key() == key) {
            Some(e) => e.damage = Some((*kind, *severity)),
            None => sheet
                .entries
                .push(Entry::mark(*panel, *kind, *severity, "")),
        }
    }
    for it in &q.items {
        let usual = template
            .find(it.category, &it.item)
            .map_or(1, |t| t.count.max(1));
        let count = it.count.unwrap_or(usual);
        set(sheet, it.category, &it.item, count > 0, count);
    }
    for d in &q.documents {
        set(sheet, Category::Document, d, true, 1);
    }
    for l in &q.lights {
        set(sheet, Category::WarningLight, l, true, 1);
    }
    if let Some(w) = q.wash {
        answers.wash = w;
    }
    if let Some(o) = q.old_parts {
        answers.old_parts = o;
    }
    if let Some(w) = q.waiting {
        answers.waiting = w;
    }
    if let Some(c) = q.covers {
        set_covers(sheet, answers, c);
    }
}

/// The three-piece set goes on (or off) together.
pub fn set_covers(sheet: &mut Sheet, answers: &mut Answers, on: bool) {
    answers.covers = on;
    for e in sheet
        .entries
        .iter_mut()
        .filter(|e| e.category == Category::Cover)
    {
        e.present = on;
    }
}

fn set(sheet: &mut Sheet, category: Category, item: &str, present: bool, quantity: i64) {
    let lower = item.to_lowercase();
    match sheet
        .entries
        .iter_mut()
        .find(|e| e.category == category && e.item.to_lowercase() == lower)
    {
        Some(e) => {
            e.present = present;
            e.quantity = quantity;
        }
        None => sheet
            .entries
            .push(Entry::item(category, item, present, quantity)),
    }
}

/// What may complete the word under the cursor (at the end of `line`):
/// whole replacements for the part being typed.
pub fn complete(line: &str, template: &Template) -> Vec<String> {
    let ws = words(line);
    let typing_new = line.is_empty() || line.ends_with(char::is_whitespace);
    let current = if typing_new {
        ""
    } else {
        ws.last().map_or("", |w| w.1)
    };
    let before = if typing_new {
        &ws[..]
    } else {
        &ws[..ws.len().saturating_sub(1)]
    };
    let context = before
        .iter()
        .rev()
        .map(|w| w.1.to_ascii_uppercase())
        .find(|w| is_keyword(w))
        .unwrap_or_default();
    let part = current.rsplit(',').next().unwrap_or("");
    let starts =
        |c: &String| c.to_lowercase().starts_with(&part.to_lowercase()) && c.len() > part.len();
    let list: Vec<String> = match context.as_str() {
        "DMG" if part.contains(':') => {
            let (panel, kind) = part.split_once(':').unwrap_or_default();
            if kind.contains(':') {
                return Vec::new();
            }
            DamageKind::ALL
                .iter()
                .filter(|k| k.code().starts_with(&kind.to_lowercase()))
                .map(|k| format!("{}:{}", panel.to_uppercase(), k.code()))
                .collect()
        }
        "DMG" => Panel::starting_with(part)
            .iter()
            .map(|p| format!("{}:", p.code()))
            .collect(),
        "BEL" => [Category::Belonging, Category::Tool]
            .iter()
            .flat_map(|c| template.words(*c))
            .filter(starts)
            .collect(),
        "DOC" => template
            .words(Category::Document)
            .into_iter()
            .filter(starts)
            .collect(),
        "LIGHT" => template
            .words(Category::WarningLight)
            .into_iter()
            .filter(starts)
            .collect(),
        "TAG"
            if !current.is_empty()
                || before
                    .last()
                    .is_some_and(|w| w.1.eq_ignore_ascii_case("TAG")) =>
        {
            vec!["auto".to_string()]
                .into_iter()
                .filter(starts)
                .collect()
        }
        _ => Vec::new(),
    };
    if !list.is_empty()
        || (!context.is_empty()
            && ["DMG", "BEL", "DOC", "LIGHT"].contains(&context.as_str())
            && !typing_new)
    {
        return list;
    }
    let mut kw: Vec<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
    kw.insert(0, "F8/8".into());
    kw.into_iter()
        .filter(|k| {
            k.to_lowercase().starts_with(&current.to_lowercase()) && k.len() > current.len()
        })
        .collect()
}

/// `line` with the part under the cursor replaced by `choice`.
pub fn accept(line: &str, choice: &str) -> String {
    let cut = line
        .rfind(|c: char| c.is_whitespace() || c == ',')
        .map_or(0, |i| {
            i + line[i..].chars().next().map_or(1, char::len_utf8)
        });
    let mut out = line[..cut].to_string();
    out += choice;
    if !choice.ends_with(':') {
        out.push(' ');
    }
    out
}
