//! Capacity arithmetic: how many minutes a bay or a work group can give in
//! a working day, how many are booked, and whether a new booking fits.

use crate::domain::model::{Bay, WorkGroup};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// The workshop's working day, in shop time ("08:30-17:30").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl Default for Hours {
    fn default() -> Self {
        Hours {
            opens: NaiveTime::from_hms_opt(8, 30, 0).expect("valid"),
            closes: NaiveTime::from_hms_opt(17, 30, 0).expect("valid"),
        }
    }
}

impl Hours {
    /// "08:30-17:30"; None unless it opens before it closes.
    pub fn parse(s: &str) -> Option<Hours> {
        let (a, b) = s.trim().split_once('-')?;
        let opens = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
        let closes = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
        (opens < closes).then_some(Hours { opens, closes })
    }

    pub fn day_minutes(&self) -> i64 {
        (self.closes - self.opens).num_minutes()
    }

    /// The working day `date` as UTC instants.
    pub fn day(&self, date: NaiveDate, offset: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |t: NaiveTime| {
            offset
                .from_local_datetime(&date.and_time(t))
                .single()
                .map(|d| d.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&date.and_time(t)))
        };
        (at(self.opens), at(self.closes))
    }

    /// Working minutes between two instants (the remaining capacity of one
    /// pair of hands before a promise). Looks at most 31 days ahead.
    pub fn working_minutes(
        &self,
        offset: FixedOffset,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> i64 {
        if to <= from {
            return 0;
        }
        let mut date = from.with_timezone(&offset).date_naive();
        let last = to.with_timezone(&offset).date_naive();
        let mut total = 0;
        for _ in 0..31 {
            if date > last {
                break;
            }
            let (open, close) = self.day(date, offset);
            total += overlap(open, close, from, to);
            date = date.succ_opt().unwrap_or(date);
        }
        total
    }
}

/// Minutes that [a0, a1) and [b0, b1) share.
pub fn overlap(a0: DateTime<Utc>, a1: DateTime<Utc>, b0: DateTime<Utc>, b1: DateTime<Utc>) -> i64 {
    let start = a0.max(b0);
    let end = a1.min(b1);
    (end - start).num_minutes().max(0)
}

/// A booked stretch of time and where it is booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub bay_id: Option<i64>,
    pub work_group_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// Booked minutes against capacity, for one bay or group over one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    pub booked: i64,
    pub capacity: i64,
}

impl Load {
    pub fn over(&self) -> bool {
        self.booked > self.capacity
    }

    /// Booked as a share of capacity, in whole per cent (0 when no capacity).
    pub fn percent(&self) -> i64 {
        if self.capacity <= 0 {
            return 0;
        }
        self.booked * 100 / self.capacity
    }

    /// "5.5/18 h"
    pub fn hours(&self) -> String {
        format!("{}/{} h", tenths(self.booked), tenths(self.capacity))
    }
}

/// Minutes as hours with one decimal when it is not whole ("5.5", "18").
pub fn tenths(minutes: i64) -> String {
    let t = (minutes * 10 + 30) / 60;
    if t % 10 == 0 {
        format!("{}", t / 10)
    } else {
        format!("{}.{}", t / 10, t % 10)
    }
}

/// Which resource a load is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Bay(i64),
    Group(i64),
}

impl Resource {
    fn holds(self, s: &Slot) -> bool {
        match self {
            Resource::Bay(b) => s.bay_id == Some(b),
            Resource::Group(g) => s.work_group_id == Some(g),
        }
    }
}

/// How many jobs a bay or group works at once.
pub fn lanes(r: Resource, bays: &[Bay], groups: &[WorkGroup]) -> i64 {
    match r {
        Resource::Bay(b) => bays
            .iter()
            .find(|x| x.id == b)
            .map_or(1, |x| x.capacity.max(1)),
        Resource::Group(g) => groups
            .iter()
            .find(|x| x.id == g)
            .map_or(1, |x| x.technicians.max(1)),
    }
}

/// The load of one resource over [from, to): booked minutes inside the
/// period against its lanes × working minutes.
pub fn load(
    r: Resource,
    slots: &[Slot],
    lanes: i64,
    hours: Hours,
    offset: FixedOffset,
    period: (DateTime<Utc>, DateTime<Utc>),
) -> Load {
    let booked = slots
        .iter()
        .filter(|s| r.holds(s))
        .map(|s| overlap(s.starts_at, s.ends_at, period.0, period.1))
        .sum();
    Load {
        booked,
        capacity: lanes * hours.working_minutes(offset, period.0, period.1),
    }
}

/// The most jobs booked at the same moment on a resource during `new`,
/// counting `new` itself. A bay with capacity 1 holding two at 10:00 is
/// overbooked.
pub fn peak(r: Resource, slots: &[Slot], new: &Slot) -> i64 {
    let mine: Vec<&Slot> = slots
        .iter()
        .filter(|s| r.holds(s) && s.starts_at < new.ends_at && new.starts_at < s.ends_at)
        .collect();
    // The peak of overlapping intervals is reached at some interval's start.
    let mut starts: Vec<DateTime<Utc>> = mine
        .iter()
        .map(|s| s.starts_at.max(new.starts_at))
        .collect();
    starts.push(new.starts_at);
    starts
        .iter()
        .map(|t| {
            1 + mine
                .iter()
                .filter(|s| s.starts_at <= *t && *t < s.ends_at)
                .count() as i64
        })
        .max()
        .unwrap_or(1)
}

/// Whether `new` fits beside the other bookings: its bay's cars at once,
/// and its group's booked hours that day. Some(words) when it does not.
pub fn overbooked(
    new: &Slot,
    others: &[Slot],
    bays: &[Bay],
    groups: &[WorkGroup],
    hours: Hours,
    offset: FixedOffset,
) -> Option<String> {
    if let Some(b) = new.bay_id {
        let r = Resource::Bay(b);
        let at_once = peak(r, others, new);
        let cap = lanes(r, bays, groups);
        if at_once > cap {
            let code = bays
                .iter()
                .find(|x| x.id == b)
                .map_or("?", |x| x.code.as_str());
            return Some(format!(
                "bay {code} would hold {at_once} cars at once (capacity {cap})"
            ));
        }
    }
    if let Some(g) = new.work_group_id {
        let r = Resource::Group(g);
        let date = new.starts_at.with_timezone(&offset).date_naive();
        let day = hours.day(date, offset);
        let mut all = others.to_vec();
        all.push(*new);
        let l = load(r, &all, lanes(r, bays, groups), hours, offset, day);
        if l.over() {
            let name = groups
                .iter()
                .find(|x| x.id == g)
                .map_or("?", |x| x.name.as_str());
            return Some(format!("{name} would be booked {} that day", l.hours()));
        }
    }
    None
}

/// The days of the week (Monday first) that hold `date`.
pub fn week_of(date: NaiveDate) -> [NaiveDate; 7] {
    use chrono::Datelike;
    let monday = date - Duration::days(date.weekday().num_days_from_monday() as i64);
    std::array::from_fn(|i| monday + Duration::days(i as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::BayKind;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        // Shop time is UTC+8: 10:00 local is 02:00 UTC.
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap() - Duration::hours(8)
    }

    fn slot(bay: Option<i64>, group: Option<i64>, h0: u32, h1: u32) -> Slot {
        Slot {
            bay_id: bay,
            work_group_id: group,
            starts_at: at(h0, 0),
            ends_at: at(h1, 0),
        }
    }

    fn shop() -> (Vec<Bay>, Vec<WorkGroup>, FixedOffset) {
        let bay = |id, capacity| Bay {
            id,
            code: format!("B{id}"),
            name: String::new(),
            kind: BayKind::Lift,
            capacity,
        };
        let groups = vec![WorkGroup {
            id: 7,
            name: "Engine".into(),
            technicians: 2,
        }];
        (
            vec![bay(1, 1), bay(2, 2)],
            groups,
            FixedOffset::east_opt(8 * 3600).unwrap(),
        )
    }

    #[test]
    fn working_minutes_skip_the_night() {
        let h = Hours::default();
        let off = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(h.day_minutes(), 540);
        assert_eq!(h.working_minutes(off, at(16, 0), at(18, 0)), 90);
        // 16:00 today to 10:00 tomorrow: 90 today + 90 tomorrow.
        assert_eq!(
            h.working_minutes(off, at(16, 0), at(10, 0) + Duration::days(1)),
            180
        );
        assert_eq!(h.working_minutes(off, at(10, 0), at(9, 0)), 0);
        assert_eq!(Hours::parse("08:30-17:30"), Some(h));
        assert_eq!(Hours::parse("18:00-08:00"), None);
    }

    #[test]
    fn a_bay_holds_its_capacity_at_once() {
        let (bays, groups, off) = shop();
        let h = Hours::default();
        let others = vec![slot(Some(1), None, 9, 11)];
        let clash = slot(Some(1), None, 10, 12);
        let after = slot(Some(1), None, 11, 12);
        assert!(overbooked(&clash, &others, &bays, &groups, h, off)
            .unwrap()
            .contains("B1"));
        assert_eq!(overbooked(&after, &others, &bays, &groups, h, off), None);
        // Bay 2 takes two cars at once, not three.
        let two = vec![slot(Some(2), None, 9, 11), slot(Some(2), None, 9, 12)];
        assert_eq!(peak(Resource::Bay(2), &two[..1], &two[1]), 2);
        assert!(overbooked(&slot(Some(2), None, 10, 11), &two, &bays, &groups, h, off).is_some());
    }

    #[test]
    fn a_group_is_full_when_its_day_is_booked() {
        let (bays, groups, off) = shop();
        let h = Hours::default();
        // Two technicians × 9 h = 18 h; 17 h booked, 2 more do not fit.
        let others: Vec<Slot> = vec![slot(None, Some(7), 8, 17), slot(None, Some(7), 9, 17)];
        let day = h.day(at(12, 0).with_timezone(&off).date_naive(), off);
        let l = load(Resource::Group(7), &others, 2, h, off, day);
        assert_eq!((l.booked, l.capacity), (510 + 480, 1080));
        assert_eq!(l.hours(), "16.5/18 h");
        assert!(overbooked(
            &slot(None, Some(7), 10, 12),
            &others,
            &bays,
            &groups,
            h,
            off
        )
        .is_some());
        assert_eq!(
            overbooked(
                &slot(None, Some(7), 10, 11),
                &others,
                &bays,
                &groups,
                h,
                off
            ),
            None
        );
    }
}
