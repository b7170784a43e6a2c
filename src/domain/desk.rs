//! Wording and numbering every store shares: the conflict message and RO
//! numbers. (The desk's guards are in `lifecycle`.)

use chrono::{DateTime, Utc};

/// "RO-24090 was saved by carlos at 10:32 UTC after you opened it".
pub fn conflict_message(number: &str, last_saved: Option<(&str, DateTime<Utc>)>) -> String {
    let who = last_saved
        .map(|(u, at)| format!(" by {u} at {}", at.format("%H:%M UTC")))
        .unwrap_or_default();
    format!("{number} was saved{who} after you opened it")
}

/// RO numbers: "RO-" and a serial that only grows.
pub mod numbering {
    pub const PREFIX: &str = "RO-";
    /// The serial before the first RO of an empty shop.
    pub const BEFORE_FIRST: i64 = 24_000;

    /// The number after the highest serial in use (None for an empty shop).
    pub fn next(highest: Option<i64>) -> String {
        format!(
            "{PREFIX}{}",
            highest.unwrap_or(BEFORE_FIRST).max(BEFORE_FIRST) + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_highest_serial() {
        assert_eq!(numbering::next(None), "RO-24001");
        assert_eq!(numbering::next(Some(24_090)), "RO-24091");
        assert_eq!(numbering::next(Some(7)), "RO-24001");
    }
}
