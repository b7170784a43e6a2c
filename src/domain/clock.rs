//! "Now" is a parameter: every rule takes a time, and the app takes a clock,
//! so tests and the demo can fix the time.

use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

pub trait Clock: Send {
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's own clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that starts at a chosen instant and then runs forward in real
/// time, so a demo or a test can pin "today" and still see minutes pass.
pub struct StartedClock {
    start: DateTime<Utc>,
    started: Instant,
}

impl StartedClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        StartedClock {
            start,
            started: Instant::now(),
        }
    }
}

impl Clock for StartedClock {
    fn now(&self) -> DateTime<Utc> {
        let run = Duration::from_std(self.started.elapsed()).unwrap_or_default();
        self.start + run
    }
}

/// A clock that never moves; for tests.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
