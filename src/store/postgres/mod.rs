//! The PostgreSQL store for a dealer group: several shops in one database,
//! each terminal working in one shop (`--shop CODE`). The rules are the
//! domain's, as for SQLite; only the SQL differs.
//!
//! Isolation: every write runs at READ COMMITTED and first locks the rows
//! its guard reads (`SELECT … FOR UPDATE` on the RO, the counter row for a
//! new RO number). A guard reads one RO and its own rows, so a row lock
//! gives it the same answer SERIALIZABLE would, without retry storms when
//! eight terminals save at once; a stale version is still refused, because
//! the version is read under the lock.

mod added;
mod admin;
mod audit;
mod board;
mod book;
mod callbacks;
mod calls;
mod checklist;
mod copy;
mod customers;
mod desk;
mod export;
mod import;
mod report;
mod ro;
mod schema;
mod search;
mod unported;
mod watcher;

use super::{Actor, OpenMode, StoreError, StoreResult};
use postgres::{Client, IsolationLevel, NoTls, Transaction};
use std::cell::RefCell;
use std::time::Duration;

pub use copy::{migrate_shop, MigrateReport};
pub use schema::LATEST_VERSION;

/// Whether `--db` names a PostgreSQL server rather than an SQLite file:
/// a `postgres://` or `postgresql://` URL, or a libpq key=value string.
pub fn is_conninfo(arg: &str) -> bool {
    let a = arg.trim_start();
    if a.starts_with("postgres://") || a.starts_with("postgresql://") {
        return true;
    }
    const KEYS: [&str; 5] = ["host=", "dbname=", "user=", "port=", "hostaddr="];
    a.split_whitespace()
        .any(|w| KEYS.iter().any(|k| w.starts_with(k)))
}

/// The database role a connection string will log in as: its `user`, or
/// (as libpq does) the operating system's login.
pub fn role_of(conninfo: &str) -> Option<String> {
    let config: postgres::Config = conninfo.parse().ok()?;
    Some(
        config
            .get_user()
            .map(str::to_string)
            .unwrap_or_else(crate::os::real_login),
    )
}

/// A short name for the status bar: the database, else the host.
pub fn label(conninfo: &str) -> String {
    match conninfo.parse::<postgres::Config>() {
        Ok(c) => c
            .get_dbname()
            .map(str::to_string)
            .unwrap_or_else(|| "postgres".into()),
        Err(_) => "postgres".into(),
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        match e.code() {
            Some(c) if *c == SqlState::LOCK_NOT_AVAILABLE || *c == SqlState::QUERY_CANCELED => {
                StoreError::Busy
            }
            Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE => {
                StoreError::Conflict("another terminal saved at the same moment; try again".into())
            }
            Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
                StoreError::Invalid(format!("the database refused: {}", db_message(&e)))
            }
            _ => StoreError::Backend(db_message(&e)),
        }
    }
}

fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

pub struct PgStore {
    client: RefCell<Client>,
    conninfo: String,
    shop: Shop,
    /// The database's answer to who is connected (`session_user`): the
    /// login every audit row and every permission check uses.
    login: String,
    user_id: Option<i64>,
}

/// The shop this terminal works in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shop {
    pub id: i64,
    pub code: String,
}

impl PgStore {
    /// Connects, brings the schema up to date when this role owns it, and
    /// picks the shop: `shop`, else the user's home shop, else the only one.
    pub fn open(conninfo: &str, shop: Option<&str>, mode: OpenMode) -> StoreResult<PgStore> {
        let mut client = connect(conninfo)?;
        schema::migrate(&mut client, mode)?;
        let login: String = client.query_one("SELECT session_user::text", &[])?.get(0);
        let shop = pick_shop(&mut client, &login, shop, mode)?;
        client.batch_execute(&format!(
            "SET frontdesk.shop = '{}'; SET lock_timeout = '5s'",
            shop.id
        ))?;
        let user_id = client
            .query_opt(
                "SELECT id FROM users WHERE login = $1 AND active = 1",
                &[&login],
            )?
            .map(|r| r.get(0));
        Ok(PgStore {
            client: RefCell::new(client),
            conninfo: conninfo.to_string(),
            shop,
            login,
            user_id,
        })
    }

    pub fn shop(&self) -> &Shop {
        &self.shop
    }

    pub fn login(&self) -> &str {
        &self.login
    }

    /// The acting person as the database knows them: whatever login the
    /// caller passed, the connection's own role is who acts.
    fn me<'a>(&'a self, by: Actor<'_>) -> Actor<'a> {
        Actor {
            login: &self.login,
            user_id: self.user_id,
            at: by.at,
        }
    }

    fn read<T>(&self, f: impl FnOnce(&mut Client) -> StoreResult<T>) -> StoreResult<T> {
        f(&mut self.client.borrow_mut())
    }

    /// Runs `f` in one READ COMMITTED transaction (see the module's note).
    fn write<T>(&self, f: impl FnOnce(&mut Transaction<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let mut client = self.client.borrow_mut();
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()?;
        let out = f(&mut tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn set_lock_wait(&self, wait: Duration) -> StoreResult<()> {
        let ms = wait.as_millis().max(1);
        self.client
            .borrow_mut()
            .batch_execute(&format!("SET lock_timeout = '{ms}ms'"))?;
        Ok(())
    }
}

/// Connects as the connection string says; with no `user`, as the
/// operating system's login (what libpq does).
pub fn connect(conninfo: &str) -> StoreResult<Client> {
    let mut config: postgres::Config = conninfo
        .parse()
        .map_err(|e| StoreError::Open(format!("not a PostgreSQL connection string: {e}")))?;
    if config.get_user().is_none() {
        config.user(&crate::os::real_login());
    }
    config
        .connect(NoTls)
        .map_err(|e| StoreError::Open(format!("cannot reach the group database: {e}")))
}

fn pick_shop(
    client: &mut Client,
    login: &str,
    wanted: Option<&str>,
    mode: OpenMode,
) -> StoreResult<Shop> {
    let row = match wanted {
        Some(code) => {
            let found = client.query_opt(
                "SELECT id, code FROM shops WHERE code = $1",
                &[&code.trim().to_uppercase()],
            )?;
            match (found, mode) {
                (Some(r), _) => Some(r),
                (None, OpenMode::Create) => Some(client.query_one(
                    "INSERT INTO shops (code, name) VALUES ($1, $1) RETURNING id, code",
                    &[&code.trim().to_uppercase()],
                )?),
                (None, _) => {
                    return Err(StoreError::Open(format!(
                        "the group has no shop {code}"
                    )))
                }
            }
        }
        None => client.query_opt(
            "SELECT s.id, s.code FROM shops s LEFT JOIN users u ON u.home_shop_id = s.id AND u.login = $1
             ORDER BY (u.id IS NULL), s.id
             LIMIT CASE WHEN (SELECT count(*) FROM shops) = 1
                          OR EXISTS (SELECT 1 FROM users WHERE login = $1 AND home_shop_id IS NOT NULL)
                        THEN 1 ELSE 0 END",
            &[&login],
        )?,
    };
    let row = row.ok_or_else(|| {
        StoreError::Open("this group has several shops: choose one with --shop CODE".into())
    })?;
    let shop = Shop {
        id: row.get(0),
        code: row.get(1),
    };
    // Row-level security would show a shop not allowed as empty; say so.
    let allowed: bool = client
        .query_one(
            "SELECT NOT EXISTS (SELECT 1 FROM users WHERE login = $1)
                 OR $2 IN (SELECT frontdesk_allowed_shops())",
            &[&login, &shop.id],
        )?
        .get(0);
    if !allowed {
        return Err(StoreError::Open(format!(
            "{login} may not work in shop {}",
            shop.code
        )));
    }
    Ok(shop)
}

use super::{
    AdminStore, AuditCheck, AuditEntry, AuditFilter, BoardStore, CannedJob, ChainHead,
    ChangeWatcher, DraftStore, RoStore, SaveRo, SeedIds, ShopSeed, Store,
};
use crate::domain::added_work::{AddedWorkCall, CallRecord};
use crate::domain::book::{Appointment, Booking, ShowRate};
use crate::domain::callbacks::contact::Contact;
use crate::domain::checklist::keys::{KeyHolder, TagRequest};
use crate::domain::checklist::Phase;
use crate::domain::draft::{Draft, SearchHit};
use crate::domain::lifecycle::Progress;
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::Payment;
use crate::domain::{
    BoardSnapshot, Money, MoveRequest, NewUser, RepairOrder, RoDetail, Role, Settings, User,
};
use crate::store::book::{CustomerDetails, Export, FullFile, Imported, Merged};
use crate::store::callbacks::{
    CallbackStore, CampaignImported, CustomerFile, ListFilter, ListRow, NewCampaign, NewComplaint,
    NewPartOrder, QueueFilter, QueueRow, Recorded, SweepReport,
};
use crate::store::{BookStore, FileStore, Found};
use crate::store::{ChecklistStore, SaveSheet, Sheets};
use chrono::{DateTime, Utc};

impl AdminStore for PgStore {
    fn is_read_only(&self) -> bool {
        false
    }
    fn is_group(&self) -> bool {
        true
    }
    fn settings(&self) -> StoreResult<Settings> {
        self.read(admin::settings)
    }
    fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
        self.read(|c| admin::user_by_login(c, login))
    }
    fn users(&self) -> StoreResult<Vec<User>> {
        self.read(admin::users)
    }
    fn add_user(&mut self, user: &NewUser, by: Actor<'_>) -> StoreResult<User> {
        let by = self.me(by);
        self.write(|tx| admin::add_user(tx, user, by))
    }
    fn set_user_role(&mut self, login: &str, role: Role, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| admin::set_role(tx, login, role, by))
    }
    fn disable_user(&mut self, login: &str, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| admin::disable(tx, login, by))
    }
    fn set_setting(&mut self, key: &str, value: &str, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| admin::set_setting(tx, key, value, by))
    }
    fn seed(&mut self, _: &ShopSeed, _: Actor<'_>) -> StoreResult<SeedIds> {
        unported::not_yet("seeding (build the shop in SQLite and `frontdesk migrate` it)")
    }
    fn integrity_check(&self) -> StoreResult<Vec<String>> {
        self.read(admin::integrity_check)
    }
    fn audit_problems(&self) -> StoreResult<AuditCheck> {
        self.read(audit::problems)
    }
    fn audit_holds(&self, head: &ChainHead) -> StoreResult<Option<String>> {
        Ok(self.read(|c| audit::holds(c, head))?.map(|b| b.to_string()))
    }
    fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        self.read(|c| audit::entries(c, filter))
    }
    fn backup_to(&self, _: &std::path::Path) -> StoreResult<()> {
        Err(StoreError::Invalid(
            "a group database is backed up by the server: pg_dump or a streaming replica (README)"
                .into(),
        ))
    }
    fn watcher(&self) -> StoreResult<Box<dyn ChangeWatcher>> {
        Ok(Box::new(watcher::NotifyWatcher::open(
            &self.conninfo,
            self.shop.id,
        )?))
    }
    fn reconnect(&self) -> StoreResult<Box<dyn Store>> {
        Ok(Box::new(PgStore::open(
            &self.conninfo,
            Some(&self.shop.code),
            OpenMode::ReadWrite,
        )?))
    }
    fn set_lock_wait(&mut self, wait: Duration) -> StoreResult<()> {
        PgStore::set_lock_wait(self, wait)
    }
}

impl BoardStore for PgStore {
    fn board(&self) -> StoreResult<BoardSnapshot> {
        self.read(board::snapshot)
    }
    fn ro_detail(&self, ro_id: i64) -> StoreResult<RoDetail> {
        self.read(|c| board::detail(c, ro_id))
    }
    fn move_ro(&mut self, req: &MoveRequest, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| {
            board::move_ro(tx, req, by)?;
            callbacks::follow(tx, req.ro_id, by)
        })
    }
    fn record_progress_check(
        &mut self,
        ro_id: i64,
        version: i64,
        report: Progress,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| board::record_progress_check(tx, ro_id, version, report, by))
    }
    fn record_pickup_call(
        &mut self,
        ro_id: i64,
        version: i64,
        late_reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| board::record_pickup_call(tx, ro_id, version, late_reason, by))
    }
}

impl RoStore for PgStore {
    fn load_ro(&self, id: i64) -> StoreResult<RepairOrder> {
        self.read(|c| ro::load(c, id))
    }
    fn ro_id_by_number(&self, number: &str) -> StoreResult<Option<i64>> {
        self.read(|c| ro::id_by_number(c, number))
    }
    fn save_ro(&mut self, req: &SaveRo<'_>, by: Actor<'_>) -> StoreResult<RepairOrder> {
        let by = self.me(by);
        let id = self.write(|tx| {
            let id = ro::save(tx, req, by)?;
            callbacks::follow(tx, id, by)?;
            Ok(id)
        })?;
        self.load_ro(id)
    }
    fn search_vehicles(&self, query: &str, limit: usize) -> StoreResult<Vec<SearchHit>> {
        self.read(|c| search::cars(c, query, limit))
    }
    fn sign_ro(&mut self, id: i64, version: i64, signer: &str, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| added::sign(tx, id, version, signer, by))
    }
    fn decline_ro(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| {
            added::decline(tx, id, version, by)?;
            callbacks::follow(tx, id, by)
        })
    }
    fn propose_added_work(
        &mut self,
        id: i64,
        version: i64,
        lines: Vec<RoLine>,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| added::propose_added_work(tx, id, version, lines, by))
    }
    fn record_added_work_call(
        &mut self,
        id: i64,
        version: i64,
        call: &AddedWorkCall,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| {
            added::record_added_work_call(tx, id, version, call, by)?;
            callbacks::follow(tx, id, by)
        })
    }
    fn add_payment(
        &mut self,
        id: i64,
        amount: Money,
        method: &str,
        by: Actor<'_>,
    ) -> StoreResult<Money> {
        let by = self.me(by);
        self.write(|tx| desk::add_payment(tx, id, amount, method, by))
    }
    fn payments(&self, id: i64) -> StoreResult<Vec<Payment>> {
        self.read(|c| board::payments(c, id))
    }
    fn issue_exit_notice(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
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
        let by = self.me(by);
        self.write(|tx| desk::record_quality_check(tx, id, version, passed, findings, by))
    }
    fn override_dispatch(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| desk::override_dispatch(tx, id, version, reason, by))
    }
    fn accept_arrears(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| desk::accept_arrears(tx, id, version, reason, by))
    }
    fn reopen_ro(&mut self, id: i64, version: i64, reason: &str, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| {
            desk::reopen(tx, id, version, reason, by)?;
            callbacks::follow(tx, id, by)
        })
    }
    fn added_work_calls(&self, id: i64) -> StoreResult<Vec<CallRecord>> {
        self.read(|c| added::calls(c, id))
    }
    fn canned_jobs(&self) -> StoreResult<Vec<CannedJob>> {
        self.read(admin::canned_jobs)
    }
}

impl DraftStore for PgStore {
    fn save_draft(&mut self, d: &Draft) -> StoreResult<()> {
        let payload =
            serde_json::to_string(&d.ro).map_err(|e| StoreError::Backend(e.to_string()))?;
        self.read(|c| {
            c.execute(
                "INSERT INTO drafts (user_login, entity, entity_id, base_version, payload, saved_at)
                 VALUES ($1, 'repair_order', $2, $3, $4, $5)
                 ON CONFLICT (user_login, entity, entity_id)
                 DO UPDATE SET base_version = excluded.base_version, payload = excluded.payload,
                     saved_at = excluded.saved_at",
                &[&self.login, &d.ro_id, &d.base_version, &payload, &d.saved_at],
            )?;
            Ok(())
        })
    }
    fn drafts(&self, _login: &str) -> StoreResult<Vec<Draft>> {
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT entity_id, base_version, payload, saved_at FROM drafts
                 WHERE user_login = $1 AND entity = 'repair_order' ORDER BY saved_at DESC",
                &[&self.login],
            )?)
        })?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let payload: String = r.get(2);
                Some(Draft {
                    user_login: self.login.clone(),
                    ro_id: r.get::<_, Option<i64>>(0).unwrap_or_default(),
                    base_version: r.get::<_, Option<i64>>(1).unwrap_or_default(),
                    ro: serde_json::from_str(&payload).ok()?,
                    saved_at: r.get(3),
                })
            })
            .collect())
    }
    fn delete_draft(&mut self, _login: &str, ro_id: i64) -> StoreResult<()> {
        self.read(|c| {
            c.execute(
                "DELETE FROM drafts WHERE user_login = $1 AND entity = 'repair_order' AND entity_id = $2",
                &[&self.login, &ro_id],
            )?;
            Ok(())
        })
    }
}

impl PgStore {
    fn facts(&self, q: &crate::store::report::ReportQuery) -> report::Facts<'_> {
        report::Facts {
            client: &self.client,
            group: q.group,
        }
    }
}

impl crate::store::ReportStore for PgStore {
    fn report(
        &self,
        q: &crate::store::report::ReportQuery,
        progress: &mut dyn FnMut(u64, u64),
    ) -> StoreResult<crate::domain::report::Report> {
        crate::store::report_facts::assemble(&self.facts(q), q, true, progress)
    }
    fn rates(
        &self,
        q: &crate::store::report::ReportQuery,
    ) -> StoreResult<crate::domain::report::Kpis> {
        Ok(crate::store::report_facts::assemble(&self.facts(q), q, false, &mut |_, _| {})?.kpis)
    }
    fn drill(
        &self,
        q: &crate::store::report::ReportQuery,
        drill: crate::domain::report::Drill,
    ) -> StoreResult<Vec<crate::store::report::DrillRow>> {
        crate::store::report_facts::drill(&self.facts(q), q, drill)
    }
    fn still_open(
        &self,
        q: &crate::store::report::ReportQuery,
    ) -> StoreResult<crate::store::report::StillOpen> {
        report::still_open(&self.facts(q), q)
    }
    fn report_names(&self) -> StoreResult<crate::store::report::ReportNames> {
        report::names(&report::Facts {
            client: &self.client,
            group: true,
        })
    }
}

impl CallbackStore for PgStore {
    fn sweep_callbacks(&mut self, by: Actor<'_>) -> StoreResult<SweepReport> {
        let by = self.me(by);
        self.write(|tx| callbacks::sweep(tx, callbacks::Scope::Shop, by))
    }
    fn callback_queue(&self, f: &QueueFilter, now: DateTime<Utc>) -> StoreResult<Vec<QueueRow>> {
        self.read(|c| calls::queue(c, f, now))
    }
    fn customer_file(&self, customer_id: i64) -> StoreResult<CustomerFile> {
        self.read(|c| calls::file(c, customer_id))
    }
    fn claim_callback(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| calls::claim(tx, id, by))
    }
    fn release_callback(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| calls::release(tx, id, by))
    }
    fn record_contact(&mut self, id: i64, c: &Contact, by: Actor<'_>) -> StoreResult<Recorded> {
        let by = self.me(by);
        self.write(|tx| calls::record(tx, id, c, by))
    }
    fn open_complaint(&mut self, c: &NewComplaint, by: Actor<'_>) -> StoreResult<i64> {
        let by = self.me(by);
        self.write(|tx| calls::open_complaint(tx, c, by))
    }
    fn resolve_complaint(
        &mut self,
        id: i64,
        resolution: &str,
        satisfied: Option<bool>,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| calls::resolve_complaint(tx, id, resolution, satisfied, by))
    }
    fn import_campaign(&mut self, c: &NewCampaign, by: Actor<'_>) -> StoreResult<CampaignImported> {
        let by = self.me(by);
        self.write(|tx| calls::import_campaign(tx, c, by))
    }
    fn callback_list(&self, f: &ListFilter) -> StoreResult<Vec<ListRow>> {
        self.read(|c| calls::list(c, f))
    }
    fn order_part(&mut self, o: &NewPartOrder, by: Actor<'_>) -> StoreResult<i64> {
        let by = self.me(by);
        self.write(|tx| calls::order_part(tx, o, by))
    }
    fn part_arrived(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| calls::mark_part(tx, id, calls::PartEvent::Arrived, by))
    }
    fn part_collected(&mut self, id: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| calls::mark_part(tx, id, calls::PartEvent::Collected, by))
    }
}

impl ChecklistStore for PgStore {
    fn sheets(&self, ro_id: i64) -> StoreResult<Sheets> {
        self.read(|c| checklist::sheets(c, ro_id))
    }
    fn save_sheet(&mut self, req: &SaveSheet<'_>, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
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
        let by = self.me(by);
        self.write(|tx| checklist::acknowledge(tx, ro_id, phase, version, name, by))
    }
    fn assign_key_tag(
        &mut self,
        ro_id: i64,
        tag: TagRequest,
        by: Actor<'_>,
    ) -> StoreResult<String> {
        let by = self.me(by);
        self.write(|tx| checklist::assign_tag(tx, ro_id, tag, by))
    }
    fn hand_over_key(
        &mut self,
        ro_id: i64,
        to: KeyHolder,
        person: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| checklist::hand_over(tx, ro_id, to, person, by))
    }
}

impl BookStore for PgStore {
    fn appointments(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<Appointment>> {
        self.read(|c| book::list(c, from, to))
    }
    fn book(&mut self, b: &Booking, by: Actor<'_>) -> StoreResult<i64> {
        let by = self.me(by);
        self.write(|tx| book::book(tx, b, by))
    }
    fn move_appointment(
        &mut self,
        id: i64,
        version: i64,
        b: &Booking,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| book::reschedule(tx, id, version, b, by))
    }
    fn cancel_appointment(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| book::cancel(tx, id, version, reason, by))
    }
    fn no_show(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| book::no_show(tx, id, version, by))
    }
    fn tell_workshop(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| book::tell_workshop(tx, id, version, by))
    }
    fn check_in_appointment(
        &mut self,
        id: i64,
        version: i64,
        by: Actor<'_>,
    ) -> StoreResult<(i64, String)> {
        let by = self.me(by);
        self.write(|tx| book::check_in(tx, id, version, by))
    }
    fn show_rate(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<ShowRate> {
        self.read(|c| book::show_rate(c, from, to))
    }
}

impl FileStore for PgStore {
    fn search(&self, query: &str, limit: usize) -> StoreResult<Vec<Found>> {
        self.read(|c| search::anything(c, query, limit))
    }
    fn full_file(&self, customer_id: i64, now: DateTime<Utc>) -> StoreResult<FullFile> {
        self.read(|c| customers::full(c, customer_id, now))
    }
    fn owner_of(&self, vehicle_id: i64) -> StoreResult<Option<i64>> {
        self.read(|c| customers::owner_of(c, vehicle_id))
    }
    fn save_customer(
        &mut self,
        id: i64,
        version: i64,
        d: &CustomerDetails,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| customers::save(tx, id, version, d, by))
    }
    fn merge_customers(&mut self, keep: i64, gone: i64, by: Actor<'_>) -> StoreResult<Merged> {
        let by = self.me(by);
        self.write(|tx| customers::merge(tx, keep, gone, by))
    }
    fn import_records(
        &mut self,
        records: &[crate::domain::import::Record],
        file: &str,
        progress: &mut dyn FnMut(u64),
        by: Actor<'_>,
    ) -> StoreResult<Imported> {
        let by = self.me(by);
        self.write(|tx| import::apply(tx, records, file, progress, by))
    }
    fn export(
        &self,
        what: Export,
        sink: &mut dyn FnMut(&[String]) -> StoreResult<()>,
    ) -> StoreResult<u64> {
        self.read(|c| export::export(c, what, sink))
    }
}
