//! Storage behind one interface, split by area. The rest of the program
//! calls these traits and gets domain types back; all SQL lives under
//! `sqlite/`. [`open`] is the one way to get a store, so a PostgreSQL store
//! for a dealer group plugs in there as a sibling of `sqlite/`.
//!
//! Rules and wording are not decided here: guards come from `domain/`
//! (`plan_move`, `desk::sign`, …) and audit lines from `domain::audit`.

pub mod book;
pub mod callbacks;
pub mod history;
pub mod postgres;
pub mod report;
pub mod report_facts;
pub mod seed;
pub mod sqlite;

use crate::domain::added_work::{AddedWorkCall, CallRecord};
use crate::domain::checklist::keys::{KeyCustody, KeyHolder, TagRequest};
use crate::domain::checklist::{Answers, Phase, Sheet};
use crate::domain::dispatch::MoveError;
use crate::domain::draft::{Draft, SearchHit};
use crate::domain::lifecycle::Progress;
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::Payment;
use crate::domain::{
    BoardSnapshot, Money, MoveRequest, NewUser, RepairOrder, RoDetail, Settings, User,
};
use chrono::{DateTime, Utc};
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use book::{BookStore, FileStore, Found};
pub use callbacks::CallbackStore;
pub use report::ReportStore;
pub use seed::{CannedJob, SeedIds, ShopSeed};
pub use sqlite::SqliteStore;

/// Every area at once: what a terminal or a command needs.
pub mod prelude {
    pub use super::{
        AdminStore, BoardStore, CallbackStore, ChecklistStore, DraftStore, ReportStore, RoStore,
        Store,
    };
}

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
    #[error("the database stayed busy (another terminal held it); nothing was saved, try again")]
    Busy,
    #[error("database error: {0}")]
    Backend(String),
}

impl StoreError {
    /// Someone else wrote the record first (a save or a move): nothing was
    /// written, and trying again on the new version may well work.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            StoreError::Conflict(_) | StoreError::Move(MoveError::Conflict { .. })
        )
    }
}

impl From<crate::domain::lifecycle::Refusal> for StoreError {
    fn from(e: crate::domain::lifecycle::Refusal) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

impl From<crate::domain::checklist::keys::KeyError> for StoreError {
    fn from(e: crate::domain::checklist::keys::KeyError) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

impl From<crate::domain::checklist::SheetRefusal> for StoreError {
    fn from(e: crate::domain::checklist::SheetRefusal) -> Self {
        if e.is_conflict() {
            StoreError::Conflict(e.to_string())
        } else {
            StoreError::Invalid(e.to_string())
        }
    }
}

impl From<crate::domain::callbacks::contact::ContactRefusal> for StoreError {
    fn from(e: crate::domain::callbacks::contact::ContactRefusal) -> Self {
        use crate::domain::callbacks::contact::ContactRefusal;
        match e {
            ContactRefusal::ClaimedByOther(_) => StoreError::Conflict(e.to_string()),
            _ => StoreError::Invalid(e.to_string()),
        }
    }
}

impl From<crate::domain::callbacks::complaint::ComplaintRefusal> for StoreError {
    fn from(e: crate::domain::callbacks::complaint::ComplaintRefusal) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

impl From<crate::domain::added_work::AddedWorkError> for StoreError {
    fn from(e: crate::domain::added_work::AddedWorkError) -> Self {
        StoreError::Invalid(e.to_string())
    }
}

/// A save from the editor.
#[derive(Debug, Clone, Copy)]
pub struct SaveRo<'a> {
    pub ro: &'a RepairOrder,
    /// The RO as stored when the edit began: with it, a save against a
    /// version saved meanwhile merges instead of failing, when the two
    /// touched different things.
    pub base: Option<&'a RepairOrder>,
    /// Saved knowingly over someone else's conflicting change; the audit
    /// log records what it overwrote.
    pub keep_mine: bool,
}

impl<'a> SaveRo<'a> {
    /// A plain save of `ro`, with no base to merge from.
    pub fn new(ro: &'a RepairOrder) -> SaveRo<'a> {
        SaveRo {
            ro,
            base: None,
            keep_mine: false,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which audit rows to read (all when empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// `repair_order`, `customer`, `user`, …
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub since: Option<DateTime<Utc>>,
}

/// One audit row, for people to read (text with bad bytes shown as �).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user_login: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub detail: String,
}

/// The audit chain's last row: its id and hash.
pub type ChainHead = (i64, String);

/// What `check` found in the audit log: its problems (the first break,
/// missing guards), and the chain's head when it is whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditCheck {
    pub problems: Vec<String>,
    pub head: Option<ChainHead>,
}

/// Who did it and when, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub login: &'a str,
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// How a command may open the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The shop must exist and be writable.
    ReadWrite,
    /// The shop must exist; open read-only if it cannot be written (the board
    /// can still be watched).
    ReadOnlyOk,
    /// The shop must not exist yet; it is created with the schema.
    Create,
}

/// Where the shop's data lives. Today a path to an SQLite file; a dealer
/// group's server address will be a second variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    /// A dealer group's PostgreSQL server (a URL or key=value string), and
    /// the shop chosen with `--shop`.
    Postgres {
        conninfo: String,
        shop: Option<String>,
    },
}

impl Location {
    /// From the `--db` argument.
    pub fn parse(arg: &OsStr) -> Location {
        match arg.to_str() {
            Some(s) if postgres::is_conninfo(s) && !Path::new(s).exists() => Location::Postgres {
                conninfo: s.to_string(),
                shop: None,
            },
            _ => Location::Sqlite(PathBuf::from(arg)),
        }
    }

    /// The same place, working in shop `code` (`--shop`; a file is one shop).
    pub fn with_shop(self, code: Option<&str>) -> Location {
        match self {
            Location::Postgres { conninfo, .. } => Location::Postgres {
                conninfo,
                shop: code.map(str::to_string),
            },
            other => other,
        }
    }

    /// Who the server will say is connected: the connection's role.
    pub fn server_login(&self) -> Option<String> {
        match self {
            Location::Postgres { conninfo, .. } => postgres::role_of(conninfo),
            Location::Sqlite(_) => None,
        }
    }

    /// A short name for the status bar.
    pub fn label(&self) -> String {
        match self {
            Location::Sqlite(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Location::Postgres { conninfo, shop } => match shop {
                Some(s) => format!("{} {s}", postgres::label(conninfo)),
                None => postgres::label(conninfo),
            },
        }
    }

    pub fn exists(&self) -> bool {
        match self {
            Location::Sqlite(p) => p.exists() && !p.is_dir(),
            // The server says, when connected to.
            Location::Postgres { .. } => true,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres { conninfo, shop } => {
                write!(f, "{}", postgres::label(conninfo))?;
                match shop {
                    Some(s) => write!(f, " (shop {s})"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// An empty shop in memory (a demo is built there, then copied out).
pub fn scratch() -> StoreResult<Box<dyn Store>> {
    Ok(Box::new(SqliteStore::open_in_memory()?))
}

/// Opens the shop at `location`: the one way the program gets a store.
pub fn open(location: &Location, mode: OpenMode) -> StoreResult<Box<dyn Store>> {
    match location {
        Location::Sqlite(path) => Ok(Box::new(SqliteStore::open(path, mode)?)),
        Location::Postgres { conninfo, shop } => Ok(Box::new(postgres::PgStore::open(
            conninfo,
            shop.as_deref(),
            mode,
        )?)),
    }
}

/// Warnings for a shop that people outside its group could read.
pub fn exposure(location: &Location) -> Vec<String> {
    match location {
        Location::Sqlite(path) => sqlite::exposure(path),
        Location::Postgres { .. } => Vec::new(),
    }
}

/// Whether writing to `path` would overwrite the shop or a file kept
/// beside it (its WAL, its drafts).
pub fn is_part_of(location: &Location, path: &Path) -> bool {
    match location {
        Location::Sqlite(shop) => sqlite::is_part_of(shop, path),
        Location::Postgres { .. } => false,
    }
}

/// Gives a shop file just made (a new shop, a demo, a backup) the shop's
/// mode, 0660, whatever the umask.
pub fn restrict(path: &Path) -> StoreResult<()> {
    sqlite::restrict(path)
}

/// Removes a shop and everything kept beside it (drafts too). Only the
/// demo is ever refreshed this way; callers check that first.
pub fn destroy(location: &Location) -> StoreResult<()> {
    match location {
        Location::Sqlite(path) => sqlite::remove_files(path),
        Location::Postgres { .. } => Err(StoreError::Invalid(
            "a group database is never removed by frontdesk".into(),
        )),
    }
}

/// Settings, users, whole-shop operations and connections.
pub trait AdminStore {
    fn is_read_only(&self) -> bool;
    /// Whether the store holds several shops (a group server), so the call
    /// queue and the reports can show one shop or the group.
    fn is_group(&self) -> bool {
        false
    }
    fn settings(&self) -> StoreResult<Settings>;
    fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;
    fn users(&self) -> StoreResult<Vec<User>>;
    fn add_user(&mut self, user: &NewUser, by: Actor<'_>) -> StoreResult<User>;
    /// A manager changes a user's role (the last manager stays one).
    fn set_user_role(
        &mut self,
        login: &str,
        role: crate::domain::Role,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// A manager disables a login: it may watch no more than a stranger.
    fn disable_user(&mut self, login: &str, by: Actor<'_>) -> StoreResult<()>;
    /// A manager changes one shop setting (audited, old and new value).
    fn set_setting(&mut self, key: &str, value: &str, by: Actor<'_>) -> StoreResult<()>;
    /// Writes a whole shop (demo or benchmark data) in one transaction, and
    /// returns the ids of what it created.
    fn seed(&mut self, seed: &ShopSeed, by: Actor<'_>) -> StoreResult<SeedIds>;
    /// Problems found by the integrity check; empty when all is well.
    fn integrity_check(&self) -> StoreResult<Vec<String>>;
    /// The audit chain's problems (first break, missing guards), and its
    /// head (last row's id and hash) when it is whole.
    fn audit_problems(&self) -> StoreResult<AuditCheck>;
    /// Why this log does not hold a backup's head unchanged, if it does not.
    fn audit_holds(&self, head: &ChainHead) -> StoreResult<Option<String>>;
    /// The audit history, filtered.
    fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    /// A consistent copy of the live database, safe while others write.
    fn backup_to(&self, path: &Path) -> StoreResult<()>;
    /// A watcher that notices commits made by any other connection.
    fn watcher(&self) -> StoreResult<Box<dyn ChangeWatcher>>;
    /// Another connection to the same shop, for another thread.
    fn reconnect(&self) -> StoreResult<Box<dyn Store>>;
    /// How long a write waits for another terminal's lock before it gives up.
    fn set_lock_wait(&mut self, wait: Duration) -> StoreResult<()>;
}

/// The service bay board: what it shows, and moving cars.
pub trait BoardStore {
    /// Every open RO with its bay, group and times, plus the bays and groups.
    fn board(&self) -> StoreResult<BoardSnapshot>;
    fn ro_detail(&self, ro_id: i64) -> StoreResult<RoDetail>;
    /// Moves a car (status, bay, group) if the rules and the version allow.
    fn move_ro(&mut self, req: &MoveRequest, by: Actor<'_>) -> StoreResult<()>;
    /// Records what the workshop said when asked about progress (step 8).
    fn record_progress_check(
        &mut self,
        ro_id: i64,
        version: i64,
        report: Progress,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// Records that the customer was called about pickup (step 10); a late
    /// car's call must carry the reason, and only a late car's.
    fn record_pickup_call(
        &mut self,
        ro_id: i64,
        version: i64,
        late_reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;
}

/// Repair orders: the editor's loads and saves, and the desk's actions.
pub trait RoStore {
    fn load_ro(&self, id: i64) -> StoreResult<RepairOrder>;
    fn ro_id_by_number(&self, number: &str) -> StoreResult<Option<i64>>;
    /// Saves the editor's RO, new or existing, and returns it reloaded. A
    /// stale version merges with the stored one when `base` allows and the
    /// two do not touch the same field; otherwise it is a conflict.
    fn save_ro(&mut self, req: &SaveRo<'_>, by: Actor<'_>) -> StoreResult<RepairOrder>;
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
    /// The final quality check: passed, or failed with its findings.
    fn record_quality_check(
        &mut self,
        id: i64,
        version: i64,
        passed: bool,
        findings: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// A manager dispatches before the customer signs, with the reason.
    fn override_dispatch(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// A manager accepts what is still owed as arrears.
    fn accept_arrears(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// A manager reopens a delivered RO for one correction.
    fn reopen_ro(&mut self, id: i64, version: i64, reason: &str, by: Actor<'_>) -> StoreResult<()>;
    /// The calls that answered the RO's added work, oldest first.
    fn added_work_calls(&self, id: i64) -> StoreResult<Vec<CallRecord>>;
    fn canned_jobs(&self) -> StoreResult<Vec<CannedJob>>;
}

/// Everything F4 shows for one RO: both checks, the check-in questions,
/// the key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheets {
    pub check_in: Option<Sheet>,
    pub delivery: Option<Sheet>,
    pub answers: Answers,
    pub key: Option<KeyCustody>,
}

/// Fuel and odometer as the checklist records them on the RO's header.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Readings {
    pub fuel: Option<i64>,
    pub odometer: Option<i64>,
    /// Why a reading is lower than the car's last one.
    pub odometer_reason: String,
}

/// A save from F4: one phase's list, and at check-in the questions, the
/// readings and a key tag, all in one transaction.
#[derive(Debug, Clone, Copy)]
pub struct SaveSheet<'a> {
    pub ro_id: i64,
    pub sheet: &'a Sheet,
    pub answers: Option<&'a Answers>,
    pub readings: Option<&'a Readings>,
    pub tag: Option<TagRequest>,
}

/// The vehicle-items checklist and the key cabinet (steps 5, 9 and 11).
pub trait ChecklistStore {
    fn sheets(&self, ro_id: i64) -> StoreResult<Sheets>;
    fn save_sheet(&mut self, req: &SaveSheet<'_>, by: Actor<'_>) -> StoreResult<()>;
    /// The customer signs a list (at delivery: once it agrees or is explained).
    fn acknowledge_sheet(
        &mut self,
        ro_id: i64,
        phase: Phase,
        version: i64,
        name: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// Hangs the key on a hook and returns the tag.
    fn assign_key_tag(&mut self, ro_id: i64, req: TagRequest, by: Actor<'_>)
        -> StoreResult<String>;
    fn hand_over_key(
        &mut self,
        ro_id: i64,
        to: KeyHolder,
        person: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;
}

/// Autosaved, unsaved work, one per user and record. Kept apart from the
/// shop's records: writing a draft never waits for another terminal's lock
/// and never makes another terminal reload.
pub trait DraftStore {
    fn save_draft(&mut self, draft: &Draft) -> StoreResult<()>;
    fn drafts(&self, login: &str) -> StoreResult<Vec<Draft>>;
    fn delete_draft(&mut self, login: &str, ro_id: i64) -> StoreResult<()>;
}

/// The whole store. A connection moves between threads (the screen reads on
/// one, the writer thread writes on another), so it is `Send`.
pub trait Store:
    AdminStore
    + BoardStore
    + RoStore
    + ChecklistStore
    + CallbackStore
    + BookStore
    + FileStore
    + ReportStore
    + DraftStore
    + Send
{
}

impl<T> Store for T where
    T: AdminStore
        + BoardStore
        + RoStore
        + ChecklistStore
        + CallbackStore
        + BookStore
        + FileStore
        + ReportStore
        + DraftStore
        + Send
{
}

/// Tells whether anyone has committed to the shop since the last call.
pub trait ChangeWatcher: Send {
    fn changed(&mut self) -> StoreResult<bool>;
    /// Whether `changed` itself waits for news (LISTEN/NOTIFY), so the
    /// watching thread need not sleep between calls.
    fn waits(&self) -> bool {
        false
    }
}
