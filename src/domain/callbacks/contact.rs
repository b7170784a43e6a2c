//! Recording a contact: what the agent may record, and what it does to the
//! callback. Only the record is kept; nothing is sent.

use super::{Policy, Status};
use chrono::{DateTime, Duration, Utc};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Reached,
    NoAnswer,
    /// Reached, but asked to be called again at a time.
    CallBack,
    WrongNumber,
    DoNotContact,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Reached,
        Outcome::NoAnswer,
        Outcome::CallBack,
        Outcome::WrongNumber,
        Outcome::DoNotContact,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::NoAnswer => "no_answer",
            Outcome::CallBack => "call_back",
            Outcome::WrongNumber => "wrong_number",
            Outcome::DoNotContact => "do_not_contact",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// How the customer was contacted (some prefer messages, 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Phone,
    Sms,
    WeChat,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Phone, Channel::Sms, Channel::WeChat];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::WeChat => "wechat",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// One contact, as the agent records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub outcome: Outcome,
    pub channel: Channel,
    /// Satisfaction, 1 (very unhappy) to 5 (very satisfied).
    pub score: Option<i64>,
    /// For "call back": when the customer asked to be called.
    pub call_back_at: Option<DateTime<Utc>>,
    /// The customer wants an appointment: recorded as a request until the
    /// appointment book exists.
    pub appointment: bool,
    pub notes: String,
    /// A complaint raised on the call, opened with it.
    pub complaint: String,
}

pub const SCORES: std::ops::RangeInclusive<i64> = 1..=5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactRefusal {
    Closed(Status),
    ClaimedByOther(String),
    ScoreOutOfRange(i64),
    ScoreNeedsReach,
    CallBackMissing,
    CallBackInPast,
    CallBackQuiet(String),
    AppointmentNeedsReach,
    QuietHours(String),
}

impl fmt::Display for ContactRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ContactRefusal::*;
        match self {
            Closed(s) => write!(
                f,
                "this callback is already {}; nothing was recorded",
                s.words()
            ),
            ClaimedByOther(who) => write!(f, "{who} has taken this callback; nothing was recorded"),
            ScoreOutOfRange(n) => write!(f, "a satisfaction score is 1 to 5, not {n}"),
            ScoreNeedsReach => write!(f, "a satisfaction score needs the customer reached"),
            CallBackMissing => write!(f, "type when to call back, e.g. 17:30 or 11-25 10:00"),
            CallBackInPast => write!(f, "the call-back time is in the past; type a later time"),
            CallBackQuiet(q) => write!(f, "that time is in the quiet hours ({q}); pick another"),
            AppointmentNeedsReach => write!(f, "an appointment needs the customer reached"),
            QuietHours(q) => write!(
                f,
                "quiet hours ({q}): nobody is called now; record it when they are over"
            ),
        }
    }
}

/// The callback as a contact finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub status: Status,
    /// The login that took it and when, if anyone has.
    pub claimed: Option<(String, DateTime<Utc>)>,
    pub attempts: i64,
    pub unanswered: i64,
}

/// Checks a contact before anything is written.
pub fn check(
    cb: &Callback,
    c: &Contact,
    me: &str,
    now: DateTime<Utc>,
    p: &Policy,
) -> Result<(), ContactRefusal> {
    use ContactRefusal::*;
    if cb.status != Status::Open {
        return Err(Closed(cb.status));
    }
    if let Some((who, at)) = &cb.claimed {
        if !may_claim(Some((who, *at)), me, now) {
            return Err(ClaimedByOther(who.clone()));
        }
    }
    if p.is_quiet(now) && c.channel == Channel::Phone && c.outcome != Outcome::DoNotContact {
        return Err(QuietHours(p.quiet_words()));
    }
    let reached = matches!(c.outcome, Outcome::Reached | Outcome::CallBack);
    match c.score {
        Some(n) if !SCORES.contains(&n) => return Err(ScoreOutOfRange(n)),
        Some(_) if c.outcome != Outcome::Reached => return Err(ScoreNeedsReach),
        _ => {}
    }
    if c.appointment && !reached {
        return Err(AppointmentNeedsReach);
    }
    if c.outcome == Outcome::CallBack {
        let at = c.call_back_at.ok_or(CallBackMissing)?;
        if at <= now {
            return Err(CallBackInPast);
        }
        if p.is_quiet(at) {
            return Err(CallBackQuiet(p.quiet_words()));
        }
    }
    Ok(())
}

/// What a checked contact does to its callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct After {
    pub status: Status,
    pub attempts: i64,
    pub unanswered: i64,
    /// The next try, when the callback stays open.
    pub retry_at: Option<DateTime<Utc>>,
    /// The customer is marked do-not-contact, closing all their calls.
    pub block_customer: bool,
}

/// The no-answer policy: try again 4 hours later, then the next day at
/// the same time (both moved out of quiet hours); after `max_tries`
/// unanswered tries the callback closes as unreachable.
pub fn after(cb: &Callback, c: &Contact, now: DateTime<Utc>, p: &Policy) -> After {
    let attempts = cb.attempts + 1;
    let mut out = After {
        status: Status::Open,
        attempts,
        unanswered: cb.unanswered,
        retry_at: None,
        block_customer: false,
    };
    match c.outcome {
        Outcome::Reached => out.status = Status::Done,
        Outcome::CallBack => out.retry_at = c.call_back_at,
        Outcome::WrongNumber => out.status = Status::Unreachable,
        Outcome::DoNotContact => {
            out.status = Status::DoNotContact;
            out.block_customer = true;
        }
        Outcome::NoAnswer => {
            out.unanswered += 1;
            if out.unanswered >= p.max_tries {
                out.status = Status::Unreachable;
            } else {
                out.retry_at = Some(p.callable(now + retry_gap(out.unanswered)));
            }
        }
    }
    out
}

/// How long after the `n`th unanswered try to try again.
pub fn retry_gap(n: i64) -> Duration {
    if n <= 1 {
        Duration::hours(4)
    } else {
        Duration::days(1)
    }
}

/// How long a claim holds when its agent records nothing: then another
/// agent may take the call.
pub const CLAIM_HOLDS: Duration = Duration::minutes(30);

/// Whether a claim taken at `at` still holds at `now`.
pub fn claim_holds(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - at < CLAIM_HOLDS
}

/// Whether `me` may take a callback claimed by `holder` at `at`.
pub fn may_claim(holder: Option<(&str, DateTime<Utc>)>, me: &str, now: DateTime<Utc>) -> bool {
    match holder {
        None => true,
        Some((who, _)) if who == me => true,
        Some((_, at)) => !claim_holds(at, now),
    }
}
