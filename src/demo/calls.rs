//! The demo's callback queue: the records calls come from (complaints, a
//! part that arrived, a recall list, an appointment tomorrow, a customer
//! who asked not to be called), then the past worked through as an agent
//! would have, and the rules run at "now". Every row is made by the store's
//! own operations, so the queue is what the rules give.

use crate::domain::callbacks::complaint::Source;
use crate::domain::callbacks::contact::{Channel, Contact, Outcome};
use crate::domain::vin;
use crate::store::callbacks::{NewCampaign, NewComplaint, NewPartOrder, QueueFilter};
use crate::store::{Actor, SeedIds, Store, StoreResult};
use chrono::{DateTime, Duration, Utc};

const AGENT: &str = "chen.jing";

fn at(t: DateTime<Utc>) -> Actor<'static> {
    Actor {
        login: AGENT,
        user_id: None,
        at: t,
    }
}

/// Complaints, a part, a recall; then the history's calls worked.
pub fn build(
    store: &mut dyn Store,
    now: DateTime<Utc>,
    ids: &SeedIds,
    ros: &[i64],
) -> StoreResult<()> {
    let c = |i: usize| ids.customers[i % ids.customers.len()];
    complaints(store, now, c(3), c(8))?;
    if let Some(&ro) = ros.iter().rev().nth(3) {
        let order = NewPartOrder {
            ro_id: ro,
            part_number: "8K0-698-151".into(),
            description: "front brake pads (back-ordered)".into(),
        };
        let id = store.order_part(&order, at(now - Duration::days(6)))?;
        store.part_arrived(id, at(now - Duration::hours(20)))?;
    }
    recall(store, now)?;
    work_the_past(store, now)?;
    store.sweep_callbacks(at(now))?;
    Ok(())
}

fn complaints(store: &mut dyn Store, now: DateTime<Utc>, a: i64, b: i64) -> StoreResult<()> {
    let open = |customer_id, description: &str| NewComplaint {
        customer_id,
        vehicle_id: None,
        ro_id: None,
        description: description.into(),
        source: Source::Desk,
    };
    // Past its reply-by time: the sweep sends it to the manager.
    let late = open(a, "Car returned with grease marks on the driver's seat");
    store.open_complaint(&late, at(now - Duration::days(3)))?;
    let fresh = open(b, "Waited 40 minutes past the promised pickup time");
    store.open_complaint(&fresh, at(now - Duration::hours(3)))?;
    let handled = open(a, "Invoice showed a part that was not fitted");
    let id = store.open_complaint(&handled, at(now - Duration::days(5)))?;
    let answer = "Invoice corrected and the difference refunded";
    store.resolve_complaint(id, answer, Some(true), at(now - Duration::days(4)))
}

/// A recall for three of the shop's cars, starting in ten days.
fn recall(store: &mut dyn Store, now: DateTime<Utc>) -> StoreResult<()> {
    let board = store.board()?;
    let vins: Vec<String> = board
        .cards
        .iter()
        .filter_map(|c| store.load_ro(c.id).ok())
        .map(|ro| ro.vehicle.vin)
        .filter(|v| vin::validate(v).is_ok())
        .take(3)
        .collect();
    let c = NewCampaign {
        code: "R-2026-031".into(),
        title: "Fuel pump relay inspection".into(),
        recall: true,
        starts_on: (now + Duration::days(10)).date_naive(),
        ends_on: None,
        vins,
    };
    store.import_campaign(&c, at(now))?;
    Ok(())
}

/// The calls whose windows closed more than a week ago were made back
/// then: reached, mostly satisfied. Three passes, since a reached
/// three-day call owes a second call.
fn work_the_past(store: &mut dyn Store, now: DateTime<Utc>) -> StoreResult<()> {
    let filter = QueueFilter::default();
    for _ in 0..3 {
        let old: Vec<_> = store
            .callback_queue(&filter, now)?
            .into_iter()
            .filter(|r| r.until < now - Duration::days(7))
            .collect();
        if old.is_empty() {
            break;
        }
        for (i, row) in old.iter().enumerate() {
            let contact = Contact {
                outcome: Outcome::Reached,
                channel: Channel::Phone,
                score: Some(if i % 9 == 4 { 3 } else { 5 - (i % 2) as i64 }),
                call_back_at: None,
                appointment: i % 5 == 0,
                notes: String::new(),
                complaint: String::new(),
            };
            store.record_contact(row.id, &contact, at(row.due + Duration::minutes(30)))?;
        }
    }
    Ok(())
}
