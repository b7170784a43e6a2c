//! The callback queue's part of the store interface (F5, steps 13–17):
//! the sweep that runs the rules, the queue, claiming, contacts,
//! complaints, recall lists and campaign lists.

use super::{Actor, StoreResult};
use crate::domain::callbacks::contact::Contact;
use crate::domain::callbacks::{Band, Kind, Status};
use chrono::{DateTime, NaiveDate, Utc};

/// Whose callbacks the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Agent {
    #[default]
    All,
    /// Taken by this login.
    Mine,
    /// Taken by nobody.
    Free,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueFilter {
    pub kind: Option<Kind>,
    pub agent: Agent,
    /// The login "mine" means.
    pub me: String,
    /// Every shop the agent may see (a group's call centre), not only the
    /// one they work in. A one-shop file has nothing more to show.
    pub group: bool,
}

/// One open callback as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub id: i64,
    pub kind: Kind,
    pub band: Band,
    pub priority: u8,
    /// When to call: the rule's window start, or the retry agreed.
    pub due: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub reason: String,
    pub topic: String,
    pub customer_id: i64,
    pub customer: String,
    pub phone: String,
    pub preferred: String,
    pub preferred_time: String,
    pub vehicle_id: Option<i64>,
    pub plate: String,
    pub ro_id: Option<i64>,
    pub attempts: i64,
    pub claimed_by: Option<String>,
    pub version: i64,
}

/// A visit in a customer's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileVisit {
    pub number: String,
    pub plate: String,
    pub status: String,
    pub category: String,
    pub at: Option<DateTime<Utc>>,
    pub odometer: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileComplaint {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub reply_by: Option<DateTime<Utc>>,
    pub status: String,
    pub description: String,
    pub resolution: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileContact {
    pub at: DateTime<Utc>,
    pub by: String,
    pub channel: String,
    pub outcome: String,
    pub score: Option<i64>,
    pub notes: String,
}

/// The customer's and car's history at a glance, for the agent on the call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerFile {
    pub customer_id: i64,
    pub name: String,
    pub phone: String,
    pub preferred: String,
    pub preferred_time: String,
    pub do_not_contact: bool,
    pub visits: Vec<FileVisit>,
    /// Declined items still not done, with their RO.
    pub declined: Vec<(String, String)>,
    pub complaints: Vec<FileComplaint>,
    pub contacts: Vec<FileContact>,
}

/// A complaint, opened from a call, an RO or the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaint {
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub ro_id: Option<i64>,
    pub description: String,
    pub source: crate::domain::callbacks::complaint::Source,
}

pub use crate::domain::callbacks::plan::SweepReport;

/// A recall or campaign to import with its VINs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub code: String,
    pub title: String,
    pub recall: bool,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub vins: Vec<String>,
}

/// What an import found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CampaignImported {
    pub vins: usize,
    /// VINs that are cars of this shop's customers.
    pub matched: usize,
    pub callbacks: usize,
}

/// Which callbacks a campaign list holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListFilter {
    pub kind: Option<Kind>,
    /// Only this status (open when None).
    pub status: Option<Status>,
    pub topic: Option<String>,
    /// Due (window start) on or after / on or before, shop dates.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One row of a campaign list, for the screen and for CSV.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListRow {
    pub id: i64,
    pub kind: String,
    pub topic: String,
    pub status: String,
    pub due: String,
    pub until: String,
    pub customer: String,
    pub phone: String,
    pub preferred: String,
    pub plate: String,
    pub vin: String,
    pub reason: String,
    pub attempts: i64,
}

/// A part ordered for a customer whose car is not in the shop (003).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartOrder {
    pub ro_id: i64,
    pub part_number: String,
    pub description: String,
}

/// A recorded contact's effect, for the message line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub status: Status,
    pub retry_at: Option<DateTime<Utc>>,
    pub complaint: Option<i64>,
}

pub trait CallbackStore {
    /// Runs every rule over the whole shop at `at`: adds the calls now
    /// owed, moves the ones whose window moved, withdraws the ones whose
    /// reason is gone, and escalates overdue complaints. Idempotent.
    fn sweep_callbacks(&mut self, by: Actor<'_>) -> StoreResult<SweepReport>;
    fn callback_queue(
        &self,
        filter: &QueueFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<QueueRow>>;
    fn customer_file(&self, customer_id: i64) -> StoreResult<CustomerFile>;
    /// Takes a callback; refused, naming the holder, when another agent
    /// holds it.
    fn claim_callback(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()>;
    fn release_callback(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()>;
    fn record_contact(
        &mut self,
        id: i64,
        contact: &Contact,
        by: Actor<'_>,
    ) -> StoreResult<Recorded>;
    fn open_complaint(&mut self, c: &NewComplaint, by: Actor<'_>) -> StoreResult<i64>;
    fn resolve_complaint(
        &mut self,
        id: i64,
        resolution: &str,
        satisfied: Option<bool>,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    fn import_campaign(&mut self, c: &NewCampaign, by: Actor<'_>) -> StoreResult<CampaignImported>;
    fn callback_list(&self, filter: &ListFilter) -> StoreResult<Vec<ListRow>>;
    /// Orders a part for an RO's customer and car; returns the order's id.
    fn order_part(&mut self, order: &NewPartOrder, by: Actor<'_>) -> StoreResult<i64>;
    /// The part came in (the customer is called) or was collected (the call
    /// is withdrawn).
    fn part_arrived(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()>;
    fn part_collected(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()>;
}
