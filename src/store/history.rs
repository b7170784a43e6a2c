//! A generated history as a stream of rows: what `frontdesk generate`
//! writes, one visit at a time, so ten years of a busy shop never sit in
//! memory at once. The simulation is in `demo::history`; a store writes the
//! rows through [`HistorySink`].

use crate::domain::repair_order::{Category, LineKind, Payer};
use crate::domain::RoStatus;
use crate::store::seed::SeedTimes;
use crate::store::StoreResult;
use chrono::{DateTime, NaiveDate, Utc};

/// What to generate. The same plan and seed give the same rows.
#[derive(Debug, Clone)]
pub struct HistoryPlan {
    pub years: f64,
    pub cars_per_day: u32,
    pub seed: u64,
    /// The history ends here: ROs still in the workshop are open.
    pub now: DateTime<Utc>,
    /// The shop's offset from UTC, in minutes (opening hours are local).
    pub utc_offset_minutes: i64,
}

/// The shop the history runs in: the ids of its staff, bays and groups.
#[derive(Debug, Clone, Default)]
pub struct ShopFrame {
    pub advisors: Vec<i64>,
    pub bays: Vec<i64>,
    pub groups: Vec<i64>,
    pub tax_rate_bp: i64,
}

#[derive(Debug, Clone)]
pub struct GenCustomer {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub preferred_contact: &'static str,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct GenVehicle {
    pub id: i64,
    pub owner: i64,
    pub vin: String,
    pub plate: String,
    pub make: String,
    pub model: String,
    pub year: i32,
    pub colour: String,
    pub purchased_on: NaiveDate,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct GenLine {
    pub kind: LineKind,
    pub code: String,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    pub payer: Payer,
    /// 'original', or 'approved' / 'declined' for added work.
    pub approval: &'static str,
}

/// Added work found in the workshop and put to the customer.
#[derive(Debug, Clone)]
pub struct GenAddedCall {
    pub asked_at: DateTime<Utc>,
    pub answered_at: DateTime<Utc>,
    pub channel: &'static str,
}

#[derive(Debug, Clone)]
pub struct GenContact {
    pub at: DateTime<Utc>,
    pub outcome: &'static str,
    pub satisfaction: Option<i64>,
}

/// The three-day call after a delivery, with the attempts made so far.
#[derive(Debug, Clone)]
pub struct GenCallback {
    pub due_at: DateTime<Utc>,
    pub due_until: DateTime<Utc>,
    pub status: &'static str,
    pub contacts: Vec<GenContact>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct GenComplaint {
    pub received_at: DateTime<Utc>,
    pub reply_by: DateTime<Utc>,
    pub description: &'static str,
    pub status: &'static str,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// What the walk-around found: an item and, for damage, its kind and
/// severity.
#[derive(Debug, Clone)]
pub struct GenCheck {
    pub category: &'static str,
    pub item: &'static str,
    pub damage: Option<(&'static str, i64)>,
}

/// One visit: the RO and everything that hangs from it.
#[derive(Debug, Clone)]
pub struct GenVisit {
    pub id: i64,
    pub serial: i64,
    pub vehicle: i64,
    pub customer: i64,
    pub advisor: i64,
    pub group: i64,
    pub bay: Option<i64>,
    pub status: RoStatus,
    pub category: Category,
    pub concerns: &'static str,
    pub odometer_km: i64,
    pub fuel_eighths: i64,
    pub times: SeedTimes,
    pub lines: Vec<GenLine>,
    pub payments: Vec<(DateTime<Utc>, i64)>,
    /// Booked ahead: when the booking was made and the slot.
    pub appointment: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub key_tag: String,
    pub added_call: Option<GenAddedCall>,
    pub checks: Vec<GenCheck>,
    pub callback: Option<GenCallback>,
    pub complaint: Option<GenComplaint>,
}

/// A booking that never became a visit: a no-show, a cancellation, or one
/// still to come.
#[derive(Debug, Clone)]
pub struct GenAppointment {
    pub customer: i64,
    pub vehicle: i64,
    pub starts_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub status: &'static str,
    pub requested_work: &'static str,
}

/// Where generated rows go, in time order.
pub trait HistorySink {
    fn customer(&mut self, c: &GenCustomer) -> StoreResult<()>;
    fn vehicle(&mut self, v: &GenVehicle) -> StoreResult<()>;
    /// The car was sold: `to` owns it from `on`.
    fn owner_change(&mut self, vehicle: i64, to: i64, on: DateTime<Utc>) -> StoreResult<()>;
    fn visit(&mut self, v: &GenVisit) -> StoreResult<()>;
    fn appointment(&mut self, a: &GenAppointment) -> StoreResult<()>;
    /// Each car's last odometer reading, once the history is written.
    fn odometer(&mut self, vehicle: i64, km: i64, at: DateTime<Utc>) -> StoreResult<()>;
}

/// What a generated history holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryCounts {
    pub repair_orders: u64,
    pub open: u64,
    pub customers: u64,
    pub vehicles: u64,
    pub owner_changes: u64,
    pub appointments: u64,
    pub callbacks: u64,
    pub complaints: u64,
}
