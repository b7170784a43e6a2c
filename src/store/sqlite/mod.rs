//! The embedded SQLite store: one file shared by every terminal in the shop,
//! plus a small drafts file beside it (see `drafts.rs`).

pub(crate) mod admin;
mod audit;
pub(crate) mod board;
mod book;
pub(crate) mod callbacks;
mod calls;
pub(crate) mod checklist;
mod customers;
mod desk;
mod drafts;
mod files;
pub mod history;
mod import;
mod migrate;
mod open;
mod repair_order;
mod report;
mod report_lists;
mod search;
mod seed;
mod text;
mod watcher;

use super::{
    Actor, AdminStore, BoardStore, CannedJob, ChangeWatcher, ChecklistStore, DraftStore, OpenMode,
    RoStore, SaveRo, SaveSheet, SeedIds, Sheets, ShopSeed, Store, StoreError, StoreResult,
};
use crate::domain::added_work::{AddedWorkCall, CallRecord};
use crate::domain::audit::AuditEvent;
use crate::domain::callbacks::contact::Contact;
use crate::domain::checklist::keys::{KeyHolder, TagRequest};
use crate::domain::checklist::Phase;
use crate::domain::draft::{Draft, SearchHit};
use crate::domain::lifecycle::Progress;
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::Payment;
use crate::domain::{
    BoardSnapshot, Money, MoveRequest, NewUser, RepairOrder, RoDetail, Settings, User,
};
use crate::store::callbacks::{
    CallbackStore, CampaignImported, CustomerFile, ListFilter, ListRow, NewCampaign, NewComplaint,
    NewPartOrder, QueueFilter, QueueRow, Recorded, SweepReport,
};
use callbacks::Scope;
use chrono::{DateTime, Utc};
use drafts::DraftFile;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use drafts::drafts_path;
pub use files::{exposure, is_part_of, remove_files, restrict, SHOP_MODE};
pub use migrate::{migrate, LATEST_VERSION};

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    /// Opened on first use, so a command that never drafts creates no file.
    drafts: RefCell<Option<DraftFile>>,
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

const MEMORY: &str = ":memory:";

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
        Ok(SqliteStore::new(conn, PathBuf::from(MEMORY), false))
    }

    fn new(conn: Connection, path: PathBuf, read_only: bool) -> SqliteStore {
        SqliteStore {
            conn,
            path,
            read_only,
            drafts: RefCell::new(None),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn in_memory(&self) -> bool {
        self.path.as_os_str() == MEMORY
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

    /// Runs `f` as [`write`](Self::write) does, then brings the callbacks
    /// of the RO's customer up to date in the same transaction: a delivery
    /// owes its three-day call the moment it is recorded.
    fn write_following<T>(
        &mut self,
        ro_id: i64,
        by: Actor<'_>,
        f: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write(|tx| {
            let out = f(tx)?;
            follow(tx, ro_id, by)?;
            Ok(out)
        })
    }

    /// Runs `f` on the drafts file, opening it (and adopting drafts an
    /// earlier version kept in the shop file) on first use.
    fn with_drafts<T>(&self, f: impl FnOnce(&mut DraftFile) -> StoreResult<T>) -> StoreResult<T> {
        let mut slot = self.drafts.borrow_mut();
        if slot.is_none() {
            let mut file = if self.in_memory() {
                DraftFile::in_memory()?
            } else {
                DraftFile::open(&self.path, self.read_only)?
            };
            if !self.read_only {
                file.adopt_legacy(&self.conn)?;
            }
            *slot = Some(file);
        }
        f(slot.as_mut().expect("opened above"))
    }
}

/// Refreshes the callbacks of the customer an RO belongs to.
fn follow(tx: &Transaction<'_>, ro_id: i64, by: Actor<'_>) -> StoreResult<()> {
    let customer: Option<i64> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT customer_id FROM repair_orders WHERE id = ?1",
        [ro_id],
        |r| r.get(0),
    ))?;
    if let Some(c) = customer {
        callbacks::sweep(tx, Scope::Customer(c), by)?;
    }
    Ok(())
}

/// Appends one row to the audit log. Called inside every write transaction;
/// the words come from the domain's [`AuditEvent`].
fn audit(tx: &Transaction<'_>, by: Actor<'_>, id: i64, event: &AuditEvent) -> StoreResult<()> {
    audit::append(tx, by, id, event)
}

impl AdminStore for SqliteStore {
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

    fn set_user_role(
        &mut self,
        login: &str,
        role: crate::domain::Role,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| admin::set_role(tx, login, role, by))
    }

    fn disable_user(&mut self, login: &str, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| admin::disable(tx, login, by))
    }

    fn set_setting(&mut self, key: &str, value: &str, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| admin::set_setting(tx, key, value, by))
    }

    fn seed(&mut self, shop: &ShopSeed, by: Actor<'_>) -> StoreResult<SeedIds> {
        self.write(|tx| seed::write_shop(tx, shop, by))
    }

    fn integrity_check(&self) -> StoreResult<Vec<String>> {
        admin::integrity_check(&self.conn)
    }

    fn audit_problems(&self) -> StoreResult<crate::store::AuditCheck> {
        audit::problems(&self.conn)
    }

    fn audit_holds(&self, head: &crate::store::ChainHead) -> StoreResult<Option<String>> {
        Ok(audit::holds(&self.conn, head)?.map(|b| b.to_string()))
    }

    fn audit_entries(
        &self,
        filter: &crate::store::AuditFilter,
    ) -> StoreResult<Vec<crate::store::AuditEntry>> {
        audit::entries(&self.conn, filter)
    }

    fn backup_to(&self, path: &Path) -> StoreResult<()> {
        admin::backup_to(&self.conn, path)
    }

    fn watcher(&self) -> StoreResult<Box<dyn ChangeWatcher>> {
        Ok(Box::new(watcher::DataVersionWatcher::open(&self.path)?))
    }

    fn reconnect(&self) -> StoreResult<Box<dyn Store>> {
        if self.in_memory() {
            return Err(StoreError::Open(
                "an in-memory shop cannot be opened twice".into(),
            ));
        }
        let mode = if self.read_only {
            OpenMode::ReadOnlyOk
        } else {
            OpenMode::ReadWrite
        };
        Ok(Box::new(SqliteStore::open(&self.path, mode)?))
    }

    fn set_lock_wait(&mut self, wait: Duration) -> StoreResult<()> {
        Ok(self.conn.busy_timeout(wait)?)
    }
}

impl BoardStore for SqliteStore {
    fn board(&self) -> StoreResult<BoardSnapshot> {
        board::snapshot(&self.conn)
    }

    fn ro_detail(&self, ro_id: i64) -> StoreResult<RoDetail> {
        board::detail(&self.conn, ro_id)
    }

    fn move_ro(&mut self, req: &MoveRequest, by: Actor<'_>) -> StoreResult<()> {
        self.write_following(req.ro_id, by, |tx| board::move_ro(tx, req, by))
    }

    fn record_progress_check(
        &mut self,
        ro_id: i64,
        version: i64,
        report: Progress,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| board::record_progress_check(tx, ro_id, version, report, by))
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
}

impl ChecklistStore for SqliteStore {
    fn sheets(&self, ro_id: i64) -> StoreResult<Sheets> {
        checklist::sheets(&self.conn, ro_id)
    }

    fn save_sheet(&mut self, req: &SaveSheet<'_>, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| checklist::save(tx, req, by))
    }

    fn acknowledge_sheet(
        &mut self,
        ro_id: i64,
        phase: Phase,
        version: i64,
        name: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| checklist::acknowledge(tx, ro_id, phase, version, name, by))
    }

    fn assign_key_tag(
        &mut self,
        ro_id: i64,
        req: TagRequest,
        by: Actor<'_>,
    ) -> StoreResult<String> {
        self.write(|tx| checklist::assign_tag(tx, ro_id, req, by))
    }

    fn hand_over_key(
        &mut self,
        ro_id: i64,
        to: KeyHolder,
        person: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| checklist::hand_over(tx, ro_id, to, person, by))
    }
}

impl RoStore for SqliteStore {
    fn load_ro(&self, id: i64) -> StoreResult<RepairOrder> {
        repair_order::load(&self.conn, id)
    }

    fn ro_id_by_number(&self, number: &str) -> StoreResult<Option<i64>> {
        repair_order::id_by_number(&self.conn, number)
    }

    fn save_ro(&mut self, req: &SaveRo<'_>, by: Actor<'_>) -> StoreResult<RepairOrder> {
        let id = self.write(|tx| {
            let id = repair_order::save(tx, req, by)?;
            follow(tx, id, by)?;
            Ok(id)
        })?;
        repair_order::load(&self.conn, id)
    }

    fn search_vehicles(&self, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>> {
        search::cars(&self.conn, query, limit)
    }

    fn sign_ro(&mut self, id: i64, version: i64, signer: &str, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| desk::sign(tx, id, version, signer, by))
    }

    fn decline_ro(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write_following(id, by, |tx| desk::decline(tx, id, version, by))
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
        self.write_following(id, by, |tx| {
            desk::record_added_work_call(tx, id, version, call, by)
        })
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

    fn record_quality_check(
        &mut self,
        id: i64,
        version: i64,
        passed: bool,
        findings: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| desk::record_quality_check(tx, id, version, passed, findings, by))
    }

    fn override_dispatch(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| desk::override_dispatch(tx, id, version, reason, by))
    }

    fn accept_arrears(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| desk::accept_arrears(tx, id, version, reason, by))
    }

    fn reopen_ro(&mut self, id: i64, version: i64, reason: &str, by: Actor<'_>) -> StoreResult<()> {
        self.write_following(id, by, |tx| desk::reopen(tx, id, version, reason, by))
    }

    fn added_work_calls(&self, id: i64) -> StoreResult<Vec<CallRecord>> {
        desk::added_work_calls(&self.conn, id)
    }

    fn canned_jobs(&self) -> StoreResult<Vec<CannedJob>> {
        admin::canned_jobs(&self.conn)
    }
}

impl CallbackStore for SqliteStore {
    fn sweep_callbacks(&mut self, by: Actor<'_>) -> StoreResult<SweepReport> {
        self.write(|tx| callbacks::sweep(tx, Scope::Shop, by))
    }

    fn callback_queue(
        &self,
        filter: &QueueFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<QueueRow>> {
        calls::queue(&self.conn, filter, now)
    }

    fn customer_file(&self, customer_id: i64) -> StoreResult<CustomerFile> {
        calls::file(&self.conn, customer_id)
    }

    fn claim_callback(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| calls::claim(tx, id, by))
    }

    fn release_callback(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| calls::release(tx, id, by))
    }

    fn record_contact(
        &mut self,
        id: i64,
        contact: &Contact,
        by: Actor<'_>,
    ) -> StoreResult<Recorded> {
        self.write(|tx| calls::record(tx, id, contact, by))
    }

    fn open_complaint(&mut self, c: &NewComplaint, by: Actor<'_>) -> StoreResult<i64> {
        self.write(|tx| calls::open_complaint(tx, c, by))
    }

    fn resolve_complaint(
        &mut self,
        id: i64,
        resolution: &str,
        satisfied: Option<bool>,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| calls::resolve_complaint(tx, id, resolution, satisfied, by))
    }

    fn import_campaign(&mut self, c: &NewCampaign, by: Actor<'_>) -> StoreResult<CampaignImported> {
        self.write(|tx| calls::import_campaign(tx, c, by))
    }

    fn callback_list(&self, filter: &ListFilter) -> StoreResult<Vec<ListRow>> {
        calls::list(&self.conn, filter)
    }

    fn order_part(&mut self, order: &NewPartOrder, by: Actor<'_>) -> StoreResult<i64> {
        self.write(|tx| calls::order_part(tx, order, by))
    }

    fn part_arrived(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| calls::mark_part(tx, id, "arrived_at", by))
    }

    fn part_collected(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| calls::mark_part(tx, id, "collected_at", by))
    }
}

impl DraftStore for SqliteStore {
    fn save_draft(&mut self, draft: &Draft) -> StoreResult<()> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        self.with_drafts(|d| d.save(draft))
    }

    fn drafts(&self, login: &str) -> StoreResult<Vec<Draft>> {
        self.with_drafts(|d| d.of_user(login))
    }

    fn delete_draft(&mut self, login: &str, ro_id: i64) -> StoreResult<()> {
        if self.read_only {
            return Err(StoreError::ReadOnly);
        }
        self.with_drafts(|d| d.delete(login, ro_id))
    }
}

impl crate::store::BookStore for SqliteStore {
    fn appointments(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::domain::book::Appointment>> {
        book::list(&self.conn, from, to)
    }

    fn book(&mut self, b: &crate::domain::book::Booking, by: Actor<'_>) -> StoreResult<i64> {
        self.write(|tx| book::book(tx, b, by))
    }

    fn move_appointment(
        &mut self,
        id: i64,
        version: i64,
        b: &crate::domain::book::Booking,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| book::reschedule(tx, id, version, b, by))
    }

    fn cancel_appointment(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| book::cancel(tx, id, version, reason, by))
    }

    fn no_show(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| book::no_show(tx, id, version, by))
    }

    fn tell_workshop(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        self.write(|tx| book::tell_workshop(tx, id, version, by))
    }

    fn check_in_appointment(
        &mut self,
        id: i64,
        version: i64,
        by: Actor<'_>,
    ) -> StoreResult<(i64, String)> {
        self.write(|tx| book::check_in(tx, id, version, by))
    }

    fn show_rate(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<crate::domain::book::ShowRate> {
        book::show_rate(&self.conn, from, to)
    }
}

impl crate::store::FileStore for SqliteStore {
    fn search(&self, query: &str, limit: usize) -> StoreResult<Vec<crate::store::Found>> {
        search::anything(&self.conn, query, limit)
    }

    fn full_file(
        &self,
        customer_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<crate::store::book::FullFile> {
        customers::full(&self.conn, customer_id, now)
    }

    fn owner_of(&self, vehicle_id: i64) -> StoreResult<Option<i64>> {
        customers::owner_of(&self.conn, vehicle_id)
    }

    fn save_customer(
        &mut self,
        id: i64,
        version: i64,
        d: &crate::store::book::CustomerDetails,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        self.write(|tx| customers::save(tx, id, version, d, by))
    }

    fn merge_customers(
        &mut self,
        keep: i64,
        gone: i64,
        by: Actor<'_>,
    ) -> StoreResult<crate::store::book::Merged> {
        self.write(|tx| customers::merge(tx, keep, gone, by))
    }

    fn import_records(
        &mut self,
        records: &[crate::domain::import::Record],
        file: &str,
        progress: &mut dyn FnMut(u64),
        by: Actor<'_>,
    ) -> StoreResult<crate::store::book::Imported> {
        self.write(|tx| import::apply(tx, records, file, progress, by))
    }

    fn export(
        &self,
        what: crate::store::book::Export,
        sink: &mut dyn FnMut(&[String]) -> StoreResult<()>,
    ) -> StoreResult<u64> {
        import::export(&self.conn, what, sink)
    }
}

pub use import::headers as export_headers;

impl crate::store::report::ReportStore for SqliteStore {
    fn report(
        &self,
        q: &crate::store::report::ReportQuery,
        progress: &mut dyn FnMut(u64, u64),
    ) -> StoreResult<crate::domain::report::Report> {
        report::report(&self.conn, q, true, progress)
    }

    fn rates(
        &self,
        q: &crate::store::report::ReportQuery,
    ) -> StoreResult<crate::domain::report::Kpis> {
        Ok(report::report(&self.conn, q, false, &mut |_, _| {})?.kpis)
    }

    fn drill(
        &self,
        q: &crate::store::report::ReportQuery,
        drill: crate::domain::report::Drill,
    ) -> StoreResult<Vec<crate::store::report::DrillRow>> {
        crate::store::report_facts::drill(&report::Facts(&self.conn), q, drill)
    }

    fn still_open(
        &self,
        q: &crate::store::report::ReportQuery,
    ) -> StoreResult<crate::store::report::StillOpen> {
        report_lists::still_open(&self.conn, q)
    }

    fn report_names(&self) -> StoreResult<crate::store::report::ReportNames> {
        report_lists::names(&self.conn)
    }
}
