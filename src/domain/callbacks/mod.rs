//! The callback queue (steps 13–17): which calls the shop owes its
//! customers, when, and why. The rules in [`rules`] are pure functions of
//! the records and the date; [`plan`] turns what the rules want into rows
//! to add, move or withdraw, so running them twice changes nothing.
//! [`contact`] says what a recorded call does to its callback, and
//! [`complaint`] keeps the complaint clock.

pub mod complaint;
pub mod contact;
pub mod events;
pub mod plan;
pub mod recall;
pub mod rules;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Why a call is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    ThreeDayCall,
    SecondCall,
    LifeCycle,
    FirstMaintenance,
    MaintenanceDue,
    DeclinedWork,
    PartsArrived,
    Recall,
    Campaign,
    AppointmentReminder,
    LostCustomer,
    InsuranceRenewal,
    ComplaintFollowup,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::ComplaintFollowup,
        Kind::ThreeDayCall,
        Kind::SecondCall,
        Kind::AppointmentReminder,
        Kind::PartsArrived,
        Kind::Recall,
        Kind::FirstMaintenance,
        Kind::MaintenanceDue,
        Kind::DeclinedWork,
        Kind::LostCustomer,
        Kind::LifeCycle,
        Kind::Campaign,
        Kind::InsuranceRenewal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::ThreeDayCall => "three_day_call",
            Kind::SecondCall => "second_call",
            Kind::LifeCycle => "life_cycle",
            Kind::FirstMaintenance => "first_maintenance",
            Kind::MaintenanceDue => "maintenance_due",
            Kind::DeclinedWork => "declined_work",
            Kind::PartsArrived => "parts_arrived",
            Kind::Recall => "recall",
            Kind::Campaign => "campaign",
            Kind::AppointmentReminder => "appointment_reminder",
            Kind::LostCustomer => "lost_customer",
            Kind::InsuranceRenewal => "insurance_renewal",
            Kind::ComplaintFollowup => "complaint_followup",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        let code = code.trim().replace('-', "_");
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The seed rule the kind comes from, for help and the reason line.
    pub fn seed(self) -> &'static str {
        match self {
            Kind::ThreeDayCall | Kind::SecondCall => "004 §(三)4–5",
            Kind::LifeCycle => "002 (246)",
            Kind::FirstMaintenance | Kind::LostCustomer => "004 G.四 (369)",
            Kind::MaintenanceDue
            | Kind::DeclinedWork
            | Kind::PartsArrived
            | Kind::Recall
            | Kind::InsuranceRenewal => "003",
            Kind::Campaign => "004 §(三)",
            Kind::AppointmentReminder => "004 §(二)16",
            Kind::ComplaintFollowup => "004 §(二)14",
        }
    }

    /// 1 is most urgent. A complaint first; then the calls the seeds hold
    /// the shop to (100 % follow-up), then the ones that bring work back.
    pub fn priority(self) -> u8 {
        match self {
            Kind::ComplaintFollowup => 1,
            Kind::ThreeDayCall | Kind::AppointmentReminder | Kind::PartsArrived | Kind::Recall => 2,
            Kind::SecondCall | Kind::FirstMaintenance | Kind::MaintenanceDue => 3,
            Kind::DeclinedWork | Kind::LostCustomer | Kind::InsuranceRenewal => 4,
            Kind::LifeCycle | Kind::Campaign => 5,
        }
    }
}

/// Where a callback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Open,
    /// The customer was reached.
    Done,
    /// No answer after the last try, or a wrong number.
    Unreachable,
    /// Its reason went away (the car came back, the delivery was undone).
    Withdrawn,
    /// The customer asked not to be contacted.
    DoNotContact,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Done => "done",
            Status::Unreachable => "unreachable",
            Status::Withdrawn => "cancelled",
            Status::DoNotContact => "do_not_contact",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        [
            Status::Open,
            Status::Done,
            Status::Unreachable,
            Status::Withdrawn,
            Status::DoNotContact,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn words(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Done => "done",
            Status::Unreachable => "closed as unreachable",
            Status::Withdrawn => "withdrawn",
            Status::DoNotContact => "closed: do not contact",
        }
    }
}

/// A call the rules say is owed: what `plan` compares with the stored rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// Names the reason once and for all ("3dc:ro:42"): the same reason on
    /// the same record is the same callback, however often the rules run.
    pub key: String,
    pub kind: Kind,
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub ro_id: Option<i64>,
    /// The window to call in: from (shifted out of quiet hours) until.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub priority: u8,
    /// What the agent reads: why this call, in words.
    pub reason: String,
    /// The step within the kind (day 30, 3 months, a campaign's code), for
    /// campaign lists.
    pub topic: String,
}

/// The shop's calling rules, from settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The shop's offset from UTC: days and quiet hours are the shop's.
    pub offset: FixedOffset,
    /// No calls from the first time until the second (21:00–09:00).
    pub quiet: Option<(NaiveTime, NaiveTime)>,
    /// For a car with one odometer reading.
    pub daily_km: i64,
    pub interval_km: i64,
    pub interval_months: u32,
    /// Unanswered tries before a callback closes as unreachable.
    pub max_tries: i64,
    /// Rows are made this far ahead of their window, so "upcoming" shows
    /// the next fortnight without filling the table with next year.
    pub horizon_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            offset: FixedOffset::east_opt(0).expect("zero"),
            quiet: Some((hm(21, 0), hm(9, 0))),
            daily_km: 40,
            interval_km: 5_000,
            interval_months: 6,
            max_tries: 3,
            horizon_days: 14,
        }
    }
}

pub fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

impl Policy {
    /// The shop's calendar date of `t`.
    pub fn date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.offset).date_naive()
    }

    /// Midnight at the shop, at the start of `d`.
    pub fn start_of(&self, d: NaiveDate) -> DateTime<Utc> {
        self.at(d, NaiveTime::MIN)
    }

    /// `d` at the shop's wall-clock `time`, in UTC.
    pub fn at(&self, d: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        self.offset
            .from_local_datetime(&d.and_time(time))
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&d.and_time(time)))
    }

    /// A window of whole shop days: from the start of `from` to the end of
    /// `until` (inclusive).
    pub fn days(&self, from: NaiveDate, until: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = until.checked_add_days(Days::new(1)).unwrap_or(until);
        (self.callable(self.start_of(from)), self.start_of(end))
    }

    /// Whether `t` falls in the quiet hours, when nobody is called.
    pub fn is_quiet(&self, t: DateTime<Utc>) -> bool {
        let Some((start, end)) = self.quiet else {
            return false;
        };
        let local = t.with_timezone(&self.offset).time();
        if start <= end {
            local >= start && local < end
        } else {
            local >= start || local < end
        }
    }

    /// The first moment from `t` on that is not in quiet hours.
    pub fn callable(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let Some((_, end)) = self.quiet else {
            return t;
        };
        if !self.is_quiet(t) {
            return t;
        }
        let d = self.date(t);
        let today_end = self.at(d, end);
        if today_end > t {
            today_end
        } else {
            self.at(d.succ_opt().unwrap_or(d), end)
        }
    }

    /// Quiet hours as the agent reads them ("21:00–09:00").
    pub fn quiet_words(&self) -> String {
        match self.quiet {
            Some((s, e)) => format!("{}–{}", s.format("%H:%M"), e.format("%H:%M")),
            None => "none".into(),
        }
    }
}

/// Reads "21:00-09:00" (the `quiet_hours` setting); empty or "none" for none.
pub fn parse_quiet(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let (a, b) = text.split_once(['-', '–'])?;
    let t = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
    Some((t(a)?, t(b)?))
}

/// Where a callback sits in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// Its window closed without a call.
    Overdue,
    /// Callable today.
    Today,
    Upcoming,
}

impl Band {
    pub fn of(from: DateTime<Utc>, until: DateTime<Utc>, now: DateTime<Utc>, p: &Policy) -> Band {
        if until <= now {
            Band::Overdue
        } else if p.date(from) <= p.date(now) {
            Band::Today
        } else {
            Band::Upcoming
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Band::Overdue => "overdue",
            Band::Today => "today",
            Band::Upcoming => "upcoming",
        }
    }
}

/// A phone number grouped to be read out: a Chinese mobile as 3-4-4
/// ("138 0013 8000"), anything else in fours from the right.
pub fn read_out(phone: &str) -> String {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return phone.trim().to_string();
    }
    if digits.len() == 11 && digits.starts_with('1') {
        return format!("{} {} {}", &digits[..3], &digits[3..7], &digits[7..]);
    }
    let mut groups: Vec<&str> = Vec::new();
    let mut end = digits.len();
    while end > 0 {
        let start = end.saturating_sub(4);
        groups.push(&digits[start..end]);
        end = start;
    }
    groups.reverse();
    groups.join(" ")
}
