//! The embedded SQLite store: one file shared by every terminal in the shop.

mod admin;
mod board;
mod desk;
mod drafts;
mod migrate;
mod open;
mod repair_order;
mod seed;
mod watcher;

use super::{Actor, CannedJob, ChangeWatcher, ShopSeed, Store, StoreError, StoreResult};
use crate::domain::added_work::AddedWorkCall;
use crate::domain::draft::{Draft, SearchHit, NEW_RO};
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::Payment;
use crate::domain::{
    BoardSnapshot, Money, MoveRequest, NewUser, RepairOrder, RoDetail, Settings, User,
};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};

pub use migrate::{migrate, LATEST_VERSION};
pub use open::OpenMode;

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            _ => StoreError::Backend(e.to_string()),
        }
    }
}

impl SqliteStore {
    /// Opens (or creates, per `mode`) the shop database at `path`.
    pub fn open(path: &Path, mode: OpenMode) -> StoreResult<SqliteStore> {
        open::open(path, mode)
    }

    /// A fresh in-memory database with the schema, for tests.
    pub fn open_in_memory() -> StoreResult<SqliteStore> {
        let mut conn = Connection::open_in_memory()?;
        open::configure(&conn)?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn,
            path: PathBuf::from(":memory:"),
            read_only: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` inside `BEGIN IMMEDIATE`. A deferred transaction that reads
    /// and then writes fails at once with SQLITE_BUSY when another process
    /// wrote meanwhile, and the busy timeout cannot save it; taking the write
    /// lock up front makes the busy timeout apply.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> StoreResult<T>) -> StoreResult<T> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Appends one row to the audit log. Called inside every write transaction.
fn audit(
    tx: &Transaction<'_>,
    by: Actor<'_>,
    entity: &str,
    id: i64,
    action: &str,
    detail: &str,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO audit_log (at, user_login, entity, entity_id, action, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(rusqlite::params![
        by.at, by.login, entity, id, action, detail
    ])?;
    Ok(())
}

impl Store for SqliteStore {
    fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn settings(&self) -> StoreResult<Settings> {
        admin::settings(&self.conn)
    }

    fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
        admin::user_by_login(&self.conn, login)
    }

    fn users(&self) -> StoreResult<Vec<User>> {
        admin::users(&self.conn)
    }

    fn add_user(&mut self, user: &NewUser, by: Actor<'_>) -> StoreResult<User> {
        self.write(|tx| admin::add_user(tx, user, by))
    }

    fn board(&self) -> StoreResult<BoardSnapshot> {
        board::snapshot(&self.conn)
    }

    fn ro_detail(&self, ro_id: i64) -> StoreResult<RoDetail> {
        board::detail(&self.conn, ro_id)
    }

    fn move_ro(&mut self, req: &MoveRequest, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| board::move_ro(tx, req, by))
    }

    fn record_progress_check(
        &mut self,
        ro_id: i64,
        version: i64,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| board::record_progress_check(tx, ro_id, version, by))
    }

    fn record_pickup_call(
        &mut self,
        ro_id: i64,
        version: i64,
        late_reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| board::record_pickup_call(tx, ro_id, version, late_reason, by))
    }

    fn load_ro(&self, id: i64) -> StoreResult<RepairOrder> {
        repair_order::load(&self.conn, id)
    }

    fn ro_id_by_number(&self, number: &str) -> StoreResult<Option<i64>> {
        repair_order::id_by_number(&self.conn, number)
    }

    fn save_ro(&mut self, ro: &RepairOrder, by: Actor<'_>) -> StoreResult<RepairOrder> {
        let id = self.write(|tx| {
            let id = repair_order::save(tx, ro, by)?;
            drafts::delete(tx, by.login, ro.id.unwrap_or(NEW_RO))?;
            Ok(id)
        })?;
        repair_order::load(&self.conn, id)
    }

    fn search_vehicles(&self, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>> {
        repair_order::search(&self.conn, query, limit)
    }

    fn sign_ro(&mut self, id: i64, version: i64, signer: &str, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| desk::sign(tx, id, version, signer, by))
    }

    fn decline_ro(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| desk::decline(tx, id, version, by))
    }

    fn propose_added_work(
        &mut self,
        id: i64,
        version: i64,
        lines: Vec<RoLine>,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| desk::propose_added_work(tx, id, version, lines, by))
    }

    fn record_added_work_call(
        &mut self,
        id: i64,
        version: i64,
        call: &AddedWorkCall,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| desk::record_added_work_call(tx, id, version, call, by))
    }

    fn add_payment(
        &mut self,
        id: i64,
        amount: Money,
        method: &str,
        by: Actor<'_>,
    ) -> StoreResult<Money> {
        let tax = self.settings()?.tax_rate_bp;
        self.write(|tx| desk::add_payment(tx, id, amount, method, tax, by))
    }

    fn payments(&self, id: i64) -> StoreResult<Vec<Payment>> {
        desk::payments(&self.conn, id)
    }

    fn issue_exit_notice(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| desk::issue_exit_notice(tx, id, version, by))
    }

    fn canned_jobs(&self) -> StoreResult<Vec<CannedJob>> {
        admin::canned_jobs(&self.conn)
    }

    fn save_draft(&mut self, draft: &Draft) -> StoreResult<()> {
        self.write(|tx| drafts::save(tx, draft))
    }

    fn drafts(&self, login: &str) -> StoreResult<Vec<Draft>> {
        drafts::of_user(&self.conn, login)
    }

    fn delete_draft(&mut self, login: &str, ro_id: i64) -> StoreResult<()> {
        self.write(|tx| drafts::delete(tx, login, ro_id))
    }

    fn seed(&mut self, shop: &ShopSeed, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| seed::write_shop(tx, shop, by))
    }

    fn integrity_check(&self) -> StoreResult<Vec<String>> {
        admin::integrity_check(&self.conn)
    }

    fn backup_to(&self, path: &Path) -> StoreResult<()> {
        admin::backup_to(&self.conn, path)
    }

    fn watcher(&self) -> StoreResult<Box<dyn ChangeWatcher>> {
        Ok(Box::new(watcher::DataVersionWatcher::open(&self.path)?))
    }
}
