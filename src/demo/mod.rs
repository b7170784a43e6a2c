//! The demo shop, placed around "now" so that some cars are late, some due a
//! progress check and some due a pickup call the moment it opens, and the
//! synthetic history used by benchmarks.
//!
//! The demo's visits are replayed through the store's own operations
//! ([`replay`]), so every record in it passed the same life-cycle guards as
//! the desk's. The benchmark's bulk data is written directly, shaped the
//! same way.

mod builder;
mod calls;
pub mod history;
mod replay;
mod scenarios;

use crate::store::{Actor, ShopSeed, Store, StoreResult};
use builder::Builder;
use chrono::{DateTime, Utc};
use replay::Replay;

/// A plausible dealership: 8 bays, 4 work groups, 40 customers with Chinese
/// and Latin names, cars in every state, and about a year and a half of
/// history, written into `store` (an empty shop). `login` (the person
/// running the demo) is added as a manager.
pub fn build_demo(store: &mut dyn Store, now: DateTime<Utc>, login: &str) -> StoreResult<()> {
    let mut b = Builder::new(now, 2026);
    b.staff(login);
    b.bays_and_groups();
    b.customers(40);
    b.booked();
    let plan = b.plan();
    let shop = b.finish(true);
    let by = Actor {
        login: "demo",
        user_id: None,
        at: now,
    };
    let ids = store.seed(&shop, by)?;
    let mut replay = Replay::new(store, &shop, ids.clone());
    let ros = plan
        .visits
        .iter()
        .map(|v| replay.run(v))
        .collect::<StoreResult<Vec<i64>>>()?;
    for v in &plan.in_bays {
        replay.run(v)?;
    }
    let followups = ShopSeed {
        appointments: b.followups(&ids),
        ..ShopSeed::default()
    };
    store.seed(&followups, by)?;
    calls::build(store, now, &ids, &ros)
}

/// A large synthetic shop for benchmarks: `open` cars on the board and
/// `total` repair orders in all.
/// The shop a generated history runs in: staff, bays, work groups,
/// settings and canned jobs, and no customers yet.
pub fn shop_frame(now: DateTime<Utc>, login: &str) -> ShopSeed {
    let mut b = Builder::new(now, 7);
    b.staff(login);
    b.bays_and_groups();
    b.finish(false)
}

pub fn synthetic_shop(
    now: DateTime<Utc>,
    login: &str,
    open: usize,
    total: usize,
    customers: usize,
) -> ShopSeed {
    let mut b = Builder::new(now, 7);
    b.staff(login);
    b.bays_and_groups();
    b.customers(customers.max(40));
    b.bulk_history(total.saturating_sub(open));
    b.bulk_open(open);
    b.finish(false)
}
