//! Money is an integer count of minor units (fen, cents), never a float.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Money(pub i64);

impl Money {
    pub fn minor(self) -> i64 {
        self.0
    }

    /// Plain decimal, no symbol or grouping (`-1234.50`): what a form
    /// shows to edit and a CSV file carries, read back by `parse_money`.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// Formats with a currency symbol and thousands separators: `¥1,234.50`.
    pub fn format(self, symbol: &str) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (major, minor) = (abs / 100, abs % 100);
        format!("{sign}{symbol}{}.{minor:02}", group_thousands(major))
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_minor_units_with_grouping() {
        assert_eq!(Money(0).format("¥"), "¥0.00");
        assert_eq!(Money(5).format("¥"), "¥0.05");
        assert_eq!(Money(123_456_789).format("€"), "€1,234,567.89");
        assert_eq!(Money(-100_050).format("¥"), "-¥1,000.50");
        assert_eq!(Money(-150).decimal(), "-1.50");
        assert_eq!(Money(123_456).decimal(), "1234.56");
    }
}
