//! Storage behind one interface. The rest of the program calls [`Store`] and
//! gets domain types back; all SQL lives under `sqlite/`. A PostgreSQL store
//! for a dealer group would be a sibling module implementing the same traits.

pub mod seed;
pub mod sqlite;

use crate::domain::added_work::AddedWorkCall;
use crate::domain::dispatch::MoveError;
use crate::domain::draft::{Draft, SearchHit};
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::Payment;
use crate::domain::{
    BoardSnapshot, Money, MoveRequest, NewUser, RepairOrder, RoDetail, Settings, User,
};
use chrono::{DateTime, Utc};
use std::path::Path;

pub use seed::{CannedJob, ShopSeed};
pub use sqlite::{OpenMode, SqliteStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened; the message says why, in one line.
    #[error("{0}")]
    Open(String),
    #[error("the database is open read-only; nothing was saved")]
    ReadOnly,
    #[error("{0}")]
    Move(#[from] MoveError),
    /// Someone else saved the record after it was loaded; nothing was written.
    #[error("{0}")]
    Conflict(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the database is busy (another terminal is saving); try again")]
    Busy,
    #[error("database error: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Who did it and when, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub login: &'a str,
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// What every pane needs from storage.
pub trait Store {
    fn is_read_only(&self) -> bool;
    fn settings(&self) -> StoreResult<Settings>;
    fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;
    fn users(&self) -> StoreResult<Vec<User>>;
    fn add_user(&mut self, user: &NewUser, by: Actor<'_>) -> StoreResult<User>;

    /// Every open RO with its bay, group and times, plus the bays and groups.
    fn board(&self) -> StoreResult<BoardSnapshot>;
    fn ro_detail(&self, ro_id: i64) -> StoreResult<RoDetail>;
    /// Moves a car (status, bay, group) if the rules and the version allow.
    fn move_ro(&mut self, req: &MoveRequest, by: Actor<'_>) -> StoreResult<()>;
    /// Records that the workshop was asked about progress (step 8).
    fn record_progress_check(&mut self, ro_id: i64, version: i64, by: Actor<'_>)
        -> StoreResult<()>;
    /// Records that the customer was called about pickup (step 10); a late
    /// car's call carries the reason.
    fn record_pickup_call(
        &mut self,
        ro_id: i64,
        version: i64,
        late_reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;

    fn load_ro(&self, id: i64) -> StoreResult<RepairOrder>;
    fn ro_id_by_number(&self, number: &str) -> StoreResult<Option<i64>>;
    /// Saves the editor's RO, new or existing (a stale version is a
    /// conflict), deletes the saver's draft of it, and returns it reloaded.
    fn save_ro(&mut self, ro: &RepairOrder, by: Actor<'_>) -> StoreResult<RepairOrder>;
    fn search_vehicles(&self, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>>;
    fn sign_ro(&mut self, id: i64, version: i64, signer: &str, by: Actor<'_>) -> StoreResult<()>;
    fn decline_ro(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()>;
    fn propose_added_work(
        &mut self,
        id: i64,
        version: i64,
        lines: Vec<RoLine>,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    fn record_added_work_call(
        &mut self,
        id: i64,
        version: i64,
        call: &AddedWorkCall,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// Takes a payment and returns what is still owed.
    fn add_payment(
        &mut self,
        id: i64,
        amount: Money,
        method: &str,
        by: Actor<'_>,
    ) -> StoreResult<Money>;
    fn payments(&self, id: i64) -> StoreResult<Vec<Payment>>;
    fn issue_exit_notice(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()>;
    fn canned_jobs(&self) -> StoreResult<Vec<CannedJob>>;

    fn save_draft(&mut self, draft: &Draft) -> StoreResult<()>;
    fn drafts(&self, login: &str) -> StoreResult<Vec<Draft>>;
    fn delete_draft(&mut self, login: &str, ro_id: i64) -> StoreResult<()>;

    /// Writes a whole shop (demo or benchmark data) in one transaction.
    fn seed(&mut self, seed: &ShopSeed, by: Actor<'_>) -> StoreResult<()>;
    /// Problems found by the integrity check; empty when all is well.
    fn integrity_check(&self) -> StoreResult<Vec<String>>;
    /// A consistent copy of the live database, safe while others write.
    fn backup_to(&self, path: &Path) -> StoreResult<()>;
    /// A watcher that notices commits made by other connections.
    fn watcher(&self) -> StoreResult<Box<dyn ChangeWatcher>>;
}

/// Tells whether anyone else has committed since the last call.
pub trait ChangeWatcher: Send {
    fn changed(&mut self) -> StoreResult<bool>;
}
