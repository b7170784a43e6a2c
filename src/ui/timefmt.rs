//! Times are stored in UTC and shown in the shop's local time.

use chrono::{DateTime, Duration, FixedOffset, Local, NaiveDateTime, Utc};

#[derive(Debug, Clone, Copy)]
pub enum TimeFmt {
    /// The server's local zone (all terminals SSH into one shop server).
    System,
    /// A fixed offset, for tests and for `--utc-offset`.
    Fixed(FixedOffset),
}

impl TimeFmt {
    pub fn utc() -> TimeFmt {
        TimeFmt::Fixed(FixedOffset::east_opt(0).expect("zero offset"))
    }

    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            TimeFmt::System => t.with_timezone(&Local).naive_local(),
            TimeFmt::Fixed(off) => t.with_timezone(&off).naive_local(),
        }
    }

    /// "14:05" today, "11-24" on another day (5 cells, for the board).
    pub fn short(self, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let (lt, ln) = (self.local(t), self.local(now));
        if lt.date() == ln.date() {
            lt.format("%H:%M").to_string()
        } else {
            lt.format("%m-%d").to_string()
        }
    }

    /// "11-24 14:05" (11 cells, for wide boards).
    pub fn medium(self, t: DateTime<Utc>) -> String {
        self.local(t).format("%m-%d %H:%M").to_string()
    }

    /// "2026-11-24 14:05", for details.
    pub fn long(self, t: DateTime<Utc>) -> String {
        self.local(t).format("%Y-%m-%d %H:%M").to_string()
    }
}

/// Time left on a promise in at most 6 cells: "45m", "1h05", "2d03h",
/// with a minus sign when late.
pub fn left(d: Duration) -> String {
    let sign = if d < Duration::zero() { "-" } else { "" };
    let mins = d.num_minutes().abs();
    let body = if mins < 60 {
        format!("{mins}m")
    } else if mins < 24 * 60 {
        format!("{}h{:02}", mins / 60, mins % 60)
    } else {
        format!("{}d{:02}h", mins / 1440, (mins % 1440) / 60)
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_is_compact_and_signed() {
        assert_eq!(left(Duration::minutes(45)), "45m");
        assert_eq!(left(Duration::minutes(65)), "1h05");
        assert_eq!(left(Duration::minutes(-30)), "-30m");
        assert_eq!(left(Duration::minutes(2 * 1440 + 190)), "2d03h");
    }
}
