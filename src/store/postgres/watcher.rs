//! Live boards across the group: every commit that touches a shop's board
//! sends `NOTIFY frontdesk, 'shop table'` (a trigger, see migration 3), and
//! each terminal LISTENs on a connection of its own. A notice for another
//! shop, or for a table this terminal does not show, is dropped here, so
//! nothing is reloaded for it. Nothing is polled: the thread waits on the
//! socket until a notice comes or the wait ends.

use crate::store::{ChangeWatcher, StoreResult};
use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;
use std::time::Duration;

/// How long one `changed` call waits on the socket for a notice.
const WAIT: Duration = Duration::from_millis(250);

/// The tables whose rows a terminal shows (the board, its RO, the lists).
/// Drafts and the audit log's own rows are not among them.
const SHOWN: [&str; 13] = [
    "repair_orders",
    "bays",
    "work_groups",
    "key_tags",
    "appointments",
    "ro_lines",
    "payments",
    "callbacks",
    "complaints",
    "settings",
    "customers",
    "vehicles",
    "vehicle_owners",
];

pub struct NotifyWatcher {
    client: Client,
    shop_id: i64,
}

impl NotifyWatcher {
    pub fn open(conninfo: &str, shop_id: i64) -> StoreResult<NotifyWatcher> {
        let mut client = super::connect(conninfo)?;
        client.batch_execute("LISTEN frontdesk")?;
        Ok(NotifyWatcher { client, shop_id })
    }
}

/// Whether a notice is about something this terminal shows: its own
/// shop's rows, or the group's shared customers and cars ("*").
fn concerns(shop_id: i64, payload: &str) -> bool {
    let mut words = payload.split(' ');
    let shop = words.next().unwrap_or_default();
    let table = words.next().unwrap_or_default();
    let ours = shop == "*" || shop.parse::<i64>().ok() == Some(shop_id);
    ours && SHOWN.contains(&table)
}

impl ChangeWatcher for NotifyWatcher {
    fn changed(&mut self) -> StoreResult<bool> {
        let mut payloads = Vec::new();
        {
            let mut notices = self.client.notifications();
            // The first notice may take up to WAIT; the rest of a burst is
            // drained at once, so one reload covers them all.
            let first = notices.timeout_iter(WAIT).next()?;
            if let Some(n) = first {
                payloads.push(n.payload().to_string());
                let mut pending = notices.iter();
                while let Some(n) = pending.next()? {
                    payloads.push(n.payload().to_string());
                }
            }
        }
        Ok(payloads.iter().any(|p| concerns(self.shop_id, p)))
    }

    fn waits(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::concerns;

    #[test]
    fn a_notice_counts_for_its_own_shop_and_for_shared_rows_only() {
        assert!(concerns(1, "1 repair_orders"));
        assert!(!concerns(1, "2 repair_orders"), "another shop's car");
        assert!(concerns(2, "* customers"), "a customer is the group's");
        assert!(!concerns(1, "1 drafts"), "not on any screen");
        assert!(!concerns(1, "garbage"));
    }
}
