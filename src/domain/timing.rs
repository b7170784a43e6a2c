//! Rules that depend on the clock. Each is a plain function of (record, now).

use super::model::JobTimes;
use super::status::RoStatus;
use chrono::{DateTime, Duration, DurationRound, Utc};

/// Step 8 (004 §(二)10): ask the workshop once 70–80 % of the estimated
/// duration has passed. We raise the flag at the lower edge, 70 %.
pub const PROGRESS_CHECK_PERCENT: i64 = 70;

/// Step 10 (004 §(二)11): a job that took two days or more gets its pickup
/// call 4 h ahead; a shorter one 1 h ahead.
pub const LONG_JOB: Duration = Duration::days(2);

/// Late: past the promised time and the car is not ready yet, or the
/// workshop has given a finish time after the promise (it will be late).
pub fn is_late(job: &JobTimes, now: DateTime<Utc>) -> bool {
    late_or_will_be(job.status, job.promised_at, job.expected_finish_at, now)
}

/// The one lateness rule, for the board and the editor alike.
pub fn late_or_will_be(
    status: RoStatus,
    promised: Option<DateTime<Utc>>,
    expected_finish: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    let Some(promised) = promised else {
        return false;
    };
    let past = now > promised && !status.promise_kept_or_void();
    let revised = expected_finish.is_some_and(|f| f > promised) && !status.promise_kept_or_void();
    past || revised
}

/// How long the promise has left; negative when late.
pub fn time_left(job: &JobTimes, now: DateTime<Utc>) -> Option<Duration> {
    if job.status.promise_kept_or_void() {
        return None;
    }
    job.promised_at.map(|p| p - now)
}

/// Progress check due: the car is in the workshop, at least 70 % of the
/// estimated duration has elapsed since work started, and nobody has checked.
pub fn progress_check_due(job: &JobTimes, now: DateTime<Utc>) -> bool {
    if !job.status.in_workshop() || job.progress_checked_at.is_some() {
        return false;
    }
    let (Some(started), Some(estimate)) = (job.work_started_at, job.estimated_minutes) else {
        return false;
    };
    if estimate <= 0 {
        return false;
    }
    // Integer seconds: exactly 70 % counts as due, with no float rounding.
    let elapsed = (now - started).num_seconds();
    elapsed * 100 >= estimate * 60 * PROGRESS_CHECK_PERCENT
}

/// The lead time of the pickup call for a job of this length.
pub fn pickup_call_lead(job_length: Duration) -> Duration {
    if job_length >= LONG_JOB {
        Duration::hours(4)
    } else {
        Duration::hours(1)
    }
}

/// Pickup call due: from the lead time before the promise until someone has
/// called. A late car needs the call too, with the reason and an apology.
pub fn pickup_call_due(job: &JobTimes, now: DateTime<Utc>) -> bool {
    if !job.status.is_open() {
        return false;
    }
    // A new, later finish time from the workshop: the customer is told at
    // once, with the reason (step 10), unless someone already called since.
    let revised = job
        .expected_finish_at
        .zip(job.promised_at)
        .is_some_and(|(f, p)| f > p);
    let told_since = job
        .pickup_called_at
        .is_some_and(|c| Some(c) >= job.progress_checked_at);
    if revised && !told_since && !job.status.promise_kept_or_void() {
        return true;
    }
    if job.pickup_called_at.is_some() {
        return false;
    }
    if job.status == super::RoStatus::Booked {
        return false;
    }
    let (Some(checked_in), Some(promised)) = (job.checked_in_at, job.promised_at) else {
        return false;
    };
    now >= promised - pickup_call_lead(promised - checked_in)
}

/// Step 6 (004 §(二)8): the workshop receiver signs with the time to ten
/// minutes. The time is kept as it happened and shown rounded down, so the
/// hand-over never shows later than the moment it took place.
pub fn to_ten_minutes(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::minutes(10)).unwrap_or(t)
}

/// The three markers a board card can carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alerts {
    pub late: bool,
    pub progress_check_due: bool,
    pub pickup_call_due: bool,
}

impl Alerts {
    pub fn of(job: &JobTimes, now: DateTime<Utc>) -> Alerts {
        Alerts {
            late: is_late(job, now),
            progress_check_due: progress_check_due(job, now),
            pickup_call_due: pickup_call_due(job, now),
        }
    }

    pub fn any(self) -> bool {
        self.late || self.progress_check_due || self.pickup_call_due
    }
}
