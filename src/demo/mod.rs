//! The demo shop, placed around "now" so that some cars are late, some due a
//! progress check and some due a pickup call the moment it opens, and the
//! synthetic history used by benchmarks.

mod builder;
mod scenarios;

use crate::store::ShopSeed;
use builder::Builder;
use chrono::{DateTime, Utc};

/// A plausible dealership: 8 bays, 4 work groups, 40 customers with Chinese
/// and Latin names, cars in every state, and about a year and a half of history.
/// `login` (the person running the demo) is added as a manager.
pub fn demo_shop(now: DateTime<Utc>, login: &str) -> ShopSeed {
    let mut b = Builder::new(now, 2026);
    b.staff(login);
    b.bays_and_groups();
    b.customers(40);
    b.history(0..4);
    b.open_scenarios();
    b.followups();
    b.finish(true)
}

/// A large synthetic shop for benchmarks: `open` cars on the board and
/// `total` repair orders in all.
pub fn synthetic_shop(now: DateTime<Utc>, login: &str, open: usize, total: usize) -> ShopSeed {
    let mut b = Builder::new(now, 7);
    b.staff(login);
    b.bays_and_groups();
    b.customers((total / 6).max(40));
    b.bulk_history(total.saturating_sub(open));
    b.bulk_open(open);
    b.finish(false)
}
