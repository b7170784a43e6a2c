//! Times are stored in UTC and shown in the shop's local time.

use crate::locale::Locale;
use chrono::{DateTime, Duration, FixedOffset, Local, NaiveDateTime, Utc};

/// The zone times are shown in.
#[derive(Debug, Clone, Copy)]
pub enum Zone {
    /// The server's local zone (all terminals SSH into one shop server).
    System,
    /// A fixed offset, for tests and for `--utc-offset`.
    Fixed(FixedOffset),
}

/// How times are shown: in which zone, with dates written the way the
/// interface's language writes them.
#[derive(Debug, Clone, Copy)]
pub struct TimeFmt {
    pub zone: Zone,
    pub locale: Locale,
}

// `System` and `Fixed` keep the names they had when this was an enum of
// zones; the locale starts as English and `in_locale` changes it.
#[allow(non_snake_case, non_upper_case_globals)]
impl TimeFmt {
    pub const System: TimeFmt = TimeFmt {
        zone: Zone::System,
        locale: Locale::En,
    };

    pub fn Fixed(off: FixedOffset) -> TimeFmt {
        TimeFmt {
            zone: Zone::Fixed(off),
            locale: Locale::En,
        }
    }

    pub fn utc() -> TimeFmt {
        TimeFmt::Fixed(FixedOffset::east_opt(0).expect("zero offset"))
    }

    /// The same zone, dates written as `locale` writes them.
    pub fn in_locale(self, locale: Locale) -> TimeFmt {
        TimeFmt { locale, ..self }
    }

    /// The offset from UTC at `t`.
    pub fn offset_at(self, t: DateTime<Utc>) -> FixedOffset {
        use chrono::Offset;
        match self.zone {
            Zone::System => t.with_timezone(&Local).offset().fix(),
            Zone::Fixed(off) => off,
        }
    }

    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        match self.zone {
            Zone::System => t.with_timezone(&Local).naive_local(),
            Zone::Fixed(off) => t.with_timezone(&off).naive_local(),
        }
    }

    /// A local wall-clock time back to UTC (None in a DST gap).
    pub fn to_utc(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        use chrono::TimeZone;
        match self.zone {
            Zone::System => Local
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc)),
            Zone::Fixed(off) => off
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc)),
        }
    }

    /// Reads a time as typed at the desk: "17:30" (today), "11-24 09:00",
    /// "2026-11-24 09:00", or "+2h" / "+90m" from now.
    pub fn parse(self, text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let t = text.trim();
        if let Some(rest) = t.strip_prefix('+') {
            let (n, unit) = rest.split_at(rest.len().saturating_sub(1));
            let n: i64 = n.parse().ok()?;
            return match unit {
                "h" => Some(now + Duration::hours(n)),
                "m" => Some(now + Duration::minutes(n)),
                "d" => Some(now + Duration::days(n)),
                _ => None,
            };
        }
        let today = self.local(now).date();
        let parsed = chrono::NaiveTime::parse_from_str(t, "%H:%M")
            .map(|tm| today.and_time(tm))
            .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
            .or_else(|_| {
                NaiveDateTime::parse_from_str(
                    &format!("{}-{t}", today.format("%Y")),
                    "%Y-%m-%d %H:%M",
                )
            })
            .ok()?;
        self.to_utc(parsed)
    }

    /// "14:05" today, "11-24" on another day (5 cells, for the board).
    pub fn short(self, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let (lt, ln) = (self.local(t), self.local(now));
        if lt.date() == ln.date() {
            lt.format("%H:%M").to_string()
        } else {
            self.locale.day_month(lt.date())
        }
    }

    /// "11-24 14:05" (11 cells, for wide boards).
    pub fn medium(self, t: DateTime<Utc>) -> String {
        let lt = self.local(t);
        format!(
            "{} {}",
            self.locale.day_month(lt.date()),
            lt.format("%H:%M")
        )
    }

    /// "2026-11-24 14:05", for details.
    pub fn long(self, t: DateTime<Utc>) -> String {
        let lt = self.local(t);
        format!("{} {}", self.locale.date(lt.date()), lt.format("%H:%M"))
    }

    /// A date alone, in the local zone.
    pub fn date(self, t: DateTime<Utc>) -> String {
        self.locale.date(self.local(t).date())
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
    use chrono::TimeZone;

    #[test]
    fn typed_times_parse_in_local_time() {
        let f = TimeFmt::Fixed(FixedOffset::east_opt(8 * 3600).unwrap());
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap(); // 10:00 in +08:00
        assert_eq!(
            f.parse("17:30", now),
            Some(Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap())
        );
        assert_eq!(
            f.parse("11-24 09:00", now),
            Some(Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap())
        );
        assert_eq!(
            f.parse("2027-01-02 08:00", now),
            Some(Utc.with_ymd_and_hms(2027, 1, 2, 0, 0, 0).unwrap())
        );
        assert_eq!(f.parse("+2h", now), Some(now + Duration::hours(2)));
        assert_eq!(f.parse("tomorrow", now), None);
        assert_eq!(f.parse("25:00", now), None);
    }

    #[test]
    fn left_is_compact_and_signed() {
        assert_eq!(left(Duration::minutes(45)), "45m");
        assert_eq!(left(Duration::minutes(65)), "1h05");
        assert_eq!(left(Duration::minutes(-30)), "-30m");
        assert_eq!(left(Duration::minutes(2 * 1440 + 190)), "2d03h");
    }
}
