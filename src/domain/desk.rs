//! Guards for what the advisor does to a saved RO at the desk: the
//! signature, a declined estimate, the exit notice. Each store calls these
//! inside its write transaction, so every path (editor, board, command line)
//! meets the same rule and the same words.

use super::repair_order::RepairOrder;
use super::status::{check_transition, RoStatus, TransitionRefused};
use super::text::clean_line;
use chrono::{DateTime, Utc};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskRefusal {
    NoSigner,
    /// Step 4: the RO the customer signs states what they asked for.
    NoConcern,
    Transition(TransitionRefused),
    /// Step 11: the exit notice comes after the final check.
    NotReadyForExit,
}

impl fmt::Display for DeskRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeskRefusal::NoSigner => f.write_str("type the name of the person signing"),
            DeskRefusal::NoConcern => f.write_str("a signed RO must state the customer's concern"),
            DeskRefusal::Transition(t) => t.fmt(f),
            DeskRefusal::NotReadyForExit => {
                f.write_str("the exit notice comes when the car is ready for pickup")
            }
        }
    }
}

impl std::error::Error for DeskRefusal {}

/// The customer signs: returns the signer's name as it will be stored.
pub fn sign(ro: &RepairOrder, signer: &str) -> Result<String, DeskRefusal> {
    let signer = clean_line(signer.trim());
    if signer.is_empty() {
        return Err(DeskRefusal::NoSigner);
    }
    if ro.concerns.trim().is_empty() {
        return Err(DeskRefusal::NoConcern);
    }
    Ok(signer)
}

/// The customer declines the estimate and leaves with an exit notice.
pub fn decline(ro: &RepairOrder) -> Result<(), DeskRefusal> {
    check_transition(ro.status, RoStatus::Declined).map_err(DeskRefusal::Transition)
}

pub fn exit_notice(ro: &RepairOrder) -> Result<(), DeskRefusal> {
    if ro.status != RoStatus::ReadyForPickup {
        return Err(DeskRefusal::NotReadyForExit);
    }
    Ok(())
}

/// "RO-24090 was saved by carlos at 10:32 UTC after you opened it".
pub fn conflict_message(number: &str, last_saved: Option<(&str, DateTime<Utc>)>) -> String {
    let who = last_saved
        .map(|(u, at)| format!(" by {u} at {}", at.format("%H:%M UTC")))
        .unwrap_or_default();
    format!("{number} was saved{who} after you opened it")
}

/// RO numbers: "RO-" and a serial that only grows.
pub mod numbering {
    pub const PREFIX: &str = "RO-";
    /// The serial before the first RO of an empty shop.
    pub const BEFORE_FIRST: i64 = 24_000;

    /// The number after the highest serial in use (None for an empty shop).
    pub fn next(highest: Option<i64>) -> String {
        format!(
            "{PREFIX}{}",
            highest.unwrap_or(BEFORE_FIRST).max(BEFORE_FIRST) + 1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_highest_serial() {
        assert_eq!(numbering::next(None), "RO-24001");
        assert_eq!(numbering::next(Some(24_090)), "RO-24091");
        assert_eq!(numbering::next(Some(7)), "RO-24001");
    }

    #[test]
    fn signing_needs_a_name_and_a_concern() {
        let mut ro = RepairOrder::new("a");
        assert_eq!(sign(&ro, " "), Err(DeskRefusal::NoSigner));
        assert_eq!(sign(&ro, "王建国"), Err(DeskRefusal::NoConcern));
        ro.concerns = "noise".into();
        assert_eq!(sign(&ro, " 王建国\u{1b}[2J "), Ok("王建国[2J".into()));
    }
}
