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
    /// The serial before the first RO of an empty shop: the store hands out
    /// `max(highest serial in use, BEFORE_FIRST) + 1`.
    pub const BEFORE_FIRST: i64 = 24_000;

    /// The number for a serial already taken from the counter.
    pub fn numbered(serial: i64) -> String {
        format!("{PREFIX}{serial}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_prefix() {
        assert_eq!(numbering::numbered(24_001), "RO-24001");
    }
}
