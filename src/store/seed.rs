//! A whole shop as plain data, written by [`super::Store::seed`]. The demo and
//! the benchmark generator build one of these; indexes refer into the vectors.

use crate::domain::{BayKind, NewUser, RoStatus};
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Default)]
pub struct ShopSeed {
    pub settings: Vec<(String, String)>,
    pub users: Vec<NewUser>,
    pub bays: Vec<SeedBay>,
    pub groups: Vec<String>,
    pub customers: Vec<SeedCustomer>,
    pub vehicles: Vec<SeedVehicle>,
    pub repair_orders: Vec<SeedRo>,
    pub callbacks: Vec<SeedCallback>,
    pub appointments: Vec<SeedAppointment>,
    pub canned_jobs: Vec<CannedJob>,
}

/// A standard job: op code, description and book hours.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct CannedJob {
    pub op_code: String,
    pub description: String,
    /// Book time in thousandths of an hour.
    pub hours_milli: i64,
    pub category: String,
}

#[derive(serde::Deserialize)]
struct CannedFile {
    job: Vec<CannedJob>,
}

/// The default canned jobs shipped in `assets/canned_jobs.toml`.
pub fn default_canned_jobs() -> Vec<CannedJob> {
    let file: CannedFile = toml::from_str(include_str!("../../assets/canned_jobs.toml"))
        .expect("assets/canned_jobs.toml is valid (tested)");
    file.job
}

#[derive(Debug, Clone)]
pub struct SeedBay {
    pub code: String,
    pub name: String,
    pub kind: BayKind,
    pub capacity: i64,
}

#[derive(Debug, Clone)]
pub struct SeedCustomer {
    pub name: String,
    pub phone: String,
    pub preferred_contact: &'static str,
}

#[derive(Debug, Clone)]
pub struct SeedVehicle {
    pub owner: usize,
    pub vin: String,
    pub plate: String,
    pub make: String,
    pub model: String,
    pub year: i32,
    pub colour: String,
    pub purchased_on: NaiveDate,
    pub odometer_km: i64,
}

#[derive(Debug, Clone, Default)]
pub struct SeedTimes {
    pub checked_in_at: Option<DateTime<Utc>>,
    pub promised_at: Option<DateTime<Utc>>,
    pub estimated_minutes: Option<i64>,
    pub workshop_received_at: Option<DateTime<Utc>>,
    pub work_started_at: Option<DateTime<Utc>>,
    pub progress_checked_at: Option<DateTime<Utc>>,
    pub pickup_called_at: Option<DateTime<Utc>>,
    pub ready_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub qc_passed_at: Option<DateTime<Utc>>,
    pub exit_notice_at: Option<DateTime<Utc>>,
}

/// The rows a seed created, in the seed's order, so a caller can go on
/// from there (the demo replays its visits against them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedIds {
    pub users: Vec<i64>,
    pub bays: Vec<i64>,
    pub groups: Vec<i64>,
    pub customers: Vec<i64>,
    pub vehicles: Vec<i64>,
}

/// A bulk-written RO: written as the desk would have left it, so it obeys
/// the same guards (signed before dispatch; checked, settled and given its
/// exit notice before delivery).
#[derive(Debug, Clone)]
pub struct SeedRo {
    pub number: String,
    pub vehicle: usize,
    pub advisor: usize,
    pub group: Option<usize>,
    pub bay: Option<usize>,
    pub status: RoStatus,
    pub category: &'static str,
    pub concerns: String,
    pub odometer_km: i64,
    pub fuel_eighths: i64,
    pub times: SeedTimes,
    pub lines: Vec<SeedLine>,
    /// Payments, when and how much (a delivered RO is paid in full).
    pub payments: Vec<(DateTime<Utc>, i64)>,
}

#[derive(Debug, Clone)]
pub struct SeedLine {
    pub kind: &'static str,
    pub code: String,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price_minor: i64,
    pub payer: &'static str,
}

/// A callback, by database ids (the demo adds them after its visits).
#[derive(Debug, Clone)]
pub struct SeedCallback {
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub ro_id: Option<i64>,
    pub kind: &'static str,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct SeedAppointment {
    pub customer_id: i64,
    pub vehicle_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub requested_work: String,
}
