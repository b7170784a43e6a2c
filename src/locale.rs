//! How numbers, money and dates are written in each interface language.
//! Only the display changes: stored money stays integer minor units,
//! stored times stay UTC, and forms and CSV keep the plain `1234.56`.

use crate::domain::Money;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// `¥1,234.56`, `2026-11-23`.
    #[default]
    En,
    /// `¥1,234.56`, `2026-11-23` (the form Chinese shops print).
    Zh,
    /// `1.234,56 €`, `23/11/2026`.
    Es,
}

impl Locale {
    /// From a catalogue's `lang` code ("en", "zh", "es").
    pub fn from_code(code: &str) -> Locale {
        match code {
            "zh" => Locale::Zh,
            "es" => Locale::Es,
            _ => Locale::En,
        }
    }

    fn marks(self) -> (char, char) {
        match self {
            Locale::Es => ('.', ','),
            Locale::En | Locale::Zh => (',', '.'),
        }
    }

    /// A whole number with thousands grouped: `12,345` or `12.345`.
    pub fn number(self, n: i64) -> String {
        let sign = if n < 0 { "-" } else { "" };
        format!("{sign}{}", group(n.unsigned_abs(), self.marks().0))
    }

    /// An amount with the shop's currency symbol, where the language puts
    /// it: `-¥1,234.50`, `-1.234,50 €`.
    pub fn money(self, m: Money, symbol: &str) -> String {
        let (grouping, point) = self.marks();
        let sign = if m.0 < 0 { "-" } else { "" };
        let abs = m.0.unsigned_abs();
        let body = format!("{}{point}{:02}", group(abs / 100, grouping), abs % 100);
        match self {
            Locale::Es if symbol.is_empty() => format!("{sign}{body}"),
            Locale::Es => format!("{sign}{body} {symbol}"),
            Locale::En | Locale::Zh => format!("{sign}{symbol}{body}"),
        }
    }

    /// A full date.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Locale::Es => d.format("%d/%m/%Y").to_string(),
            Locale::En | Locale::Zh => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Day and month, for dates close to now.
    pub fn day_month(self, d: NaiveDate) -> String {
        match self {
            Locale::Es => d.format("%d/%m").to_string(),
            Locale::En | Locale::Zh => d.format("%m-%d").to_string(),
        }
    }
}

fn group(n: u64, mark: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(mark);
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_the_way_each_language_writes_it() {
        assert_eq!(Locale::Es.money(Money(123_456), "€"), "1.234,56 €");
        assert_eq!(Locale::Zh.money(Money(123_456), "¥"), "¥1,234.56");
        assert_eq!(Locale::En.money(Money(-100_050), "¥"), "-¥1,000.50");
        assert_eq!(Locale::Es.money(Money(-5), "€"), "-0,05 €");
        assert_eq!(Locale::Es.number(1_234_567), "1.234.567");
        assert_eq!(Locale::En.number(-1_234), "-1,234");
    }

    #[test]
    fn dates_follow_the_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        assert_eq!(Locale::Es.date(d), "03/11/2026");
        assert_eq!(Locale::Zh.date(d), "2026-11-03");
        assert_eq!(Locale::Es.day_month(d), "03/11");
        assert_eq!(Locale::En.day_month(d), "11-03");
    }
}
