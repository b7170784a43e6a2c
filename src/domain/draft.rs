//! Unsaved work, autosaved while the advisor types, so a dropped SSH link or
//! a killed process loses at most the last second.

use super::repair_order::RepairOrder;
use chrono::{DateTime, Utc};

/// Drafts of an RO not yet saved use this id.
pub const NEW_RO: i64 = 0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub user_login: String,
    /// The RO's id, or [`NEW_RO`].
    pub ro_id: i64,
    /// The version the edit started from: if the stored RO has moved on, the
    /// draft is in conflict with it.
    pub base_version: i64,
    pub ro: RepairOrder,
    pub saved_at: DateTime<Utc>,
}

/// One match in the new-RO search: a car and its current owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub vehicle_id: i64,
    pub customer_id: i64,
    pub plate: String,
    pub vin: String,
    pub make: String,
    pub model: String,
    pub customer: String,
    pub phone: String,
    pub last_odometer_km: Option<i64>,
    /// An RO number when the query matched an open RO of this car.
    pub open_ro: Option<(i64, String)>,
}
