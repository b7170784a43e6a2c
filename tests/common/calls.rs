//! Contacts as an agent records them, for the callback tests.

use frontdesk::domain::callbacks::contact::{Channel, Contact, Outcome};

/// A phone call that reached the customer, with an optional score.
pub fn reached(score: Option<i64>) -> Contact {
    Contact {
        outcome: Outcome::Reached,
        channel: Channel::Phone,
        score,
        call_back_at: None,
        appointment: false,
        notes: String::new(),
        complaint: String::new(),
    }
}
