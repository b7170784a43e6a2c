//! Writes a generated history fast: rows stream in through prepared
//! statements, the secondary indexes are dropped first and built once at
//! the end (a sorted build, not a million random B-tree inserts), and the
//! file has no journal while it is written. Nobody else can have the file
//! open: `generate` writes a new one under a temporary name and renames it
//! into place only once it is complete.

use super::SqliteStore;
use crate::store::history::*;
use crate::store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

/// Memory SQLite may use for pages while writing (and for sorting when the
/// indexes are built): the generator stays well under 100 MiB.
const CACHE_KIB: i64 = 16 * 1024;
/// ROs per transaction.
const BATCH: u64 = 20_000;

/// The tables a history fills, for counts and checksums.
pub const HISTORY_TABLES: [&str; 17] = [
    "customers",
    "vehicles",
    "vehicle_owners",
    "appointments",
    "repair_orders",
    "ro_lines",
    "added_work_calls",
    "payments",
    "checklists",
    "checklist_entries",
    "key_tags",
    "key_moves",
    "quality_checks",
    "progress_checks",
    "callbacks",
    "contacts",
    "complaints",
];

pub struct HistoryWriter<'a> {
    conn: &'a Connection,
    indexes: Vec<String>,
    written: u64,
}

impl SqliteStore {
    /// A writer for a generated history. The shop must have no customers
    /// yet: the history numbers its own rows from 1.
    pub fn history_writer(&mut self) -> StoreResult<HistoryWriter<'_>> {
        HistoryWriter::start(&self.conn)
    }
}

impl<'a> HistoryWriter<'a> {
    fn start(conn: &'a Connection) -> StoreResult<HistoryWriter<'a>> {
        let customers: i64 = conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?;
        if customers > 0 {
            return Err(StoreError::Invalid(
                "a history is generated into a new shop only".into(),
            ));
        }
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -{CACHE_KIB};
             PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;"
        ))?;
        // Every statement the writer uses stays prepared (the default
        // cache of 16 would re-parse some on every row).
        conn.set_prepared_statement_cache_capacity(64);
        let mut indexes = drop_indexes(conn)?;
        indexes.extend(drop_search_triggers(conn)?);
        conn.execute_batch("BEGIN")?;
        Ok(HistoryWriter {
            conn,
            indexes,
            written: 0,
        })
    }

    /// Commits, builds the indexes again, and gives the file back its
    /// journal (WAL) and the usual settings.
    pub fn finish(self) -> StoreResult<()> {
        self.conn.execute_batch("COMMIT")?;
        for sql in &self.indexes {
            self.conn.execute_batch(sql)?;
        }
        self.conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             PRAGMA cache_size = -2000;",
        )?;
        Ok(())
    }

    fn stmt(&self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'a>> {
        self.conn.prepare_cached(sql)
    }
}

/// Drops every index SQLite did not make itself (those keep UNIQUE and
/// primary keys), returning the statements that make them again.
fn drop_indexes(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
    )?;
    let found: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _) in &found {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(found.into_iter().map(|(_, sql)| sql).collect())
}

/// The search index is filled in one pass at the end, as migration 006
/// did: its insert triggers would make every customer and car row a
/// full-text flush. Returns the statements that fill it and put the
/// triggers back.
fn drop_search_triggers(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut after = vec![
        "INSERT INTO search_index (rowid, body)
         SELECT id * 2, name || ' ' || replace(replace(replace(phone, ' ', ''), '-', ''), '+', '')
             || ' ' || replace(replace(replace(phone2, ' ', ''), '-', ''), '+', '')
         FROM customers"
            .to_string(),
        "INSERT INTO search_index (rowid, body) SELECT id * 2 + 1, plate_norm || ' ' || vin FROM vehicles"
            .to_string(),
    ];
    for name in ["search_customer_insert", "search_vehicle_insert"] {
        let sql: String = conn.query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        conn.execute_batch(&format!("DROP TRIGGER {name}"))?;
        after.push(sql);
    }
    Ok(after)
}

/// Counts of every history table and one SHA-256 over all their rows in
/// id order: the same seed must give the same figures.
pub fn checksum(store: &SqliteStore) -> StoreResult<(Vec<(&'static str, i64)>, String)> {
    let mut hash = Sha256::new();
    let mut counts = Vec::new();
    for table in HISTORY_TABLES {
        let mut stmt = store
            .conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            for i in 0..columns {
                let v: rusqlite::types::Value = row.get(i)?;
                hash.update(format!("{v:?}\u{1f}").as_bytes());
            }
            hash.update(b"\x1e");
            n += 1;
        }
        counts.push((table, n));
    }
    let digest = hash.finalize();
    let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok((counts, hex))
}

impl HistorySink for HistoryWriter<'_> {
    fn customer(&mut self, c: &GenCustomer) -> StoreResult<()> {
        self.stmt(
            "INSERT INTO customers (id, name, phone, preferred_contact, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?
        .execute(params![c.id, c.name, c.phone, c.preferred_contact, c.at])?;
        Ok(())
    }

    fn vehicle(&mut self, v: &GenVehicle) -> StoreResult<()> {
        self.stmt(
            "INSERT INTO vehicles (id, vin, plate, plate_norm, make, model, year, colour, purchased_on,
                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        )?
        .execute(params![
            v.id,
            v.vin,
            v.plate,
            crate::domain::plate::normalize_plate(&v.plate),
            v.make,
            v.model,
            v.year,
            v.colour,
            v.purchased_on,
            v.at
        ])?;
        self.stmt(
            "INSERT INTO vehicle_owners (vehicle_id, customer_id, since) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![v.id, v.owner, v.purchased_on])?;
        Ok(())
    }

    fn owner_change(&mut self, vehicle: i64, to: i64, on: DateTime<Utc>) -> StoreResult<()> {
        let day = on.date_naive();
        self.stmt("UPDATE vehicle_owners SET until = ?2 WHERE vehicle_id = ?1 AND until IS NULL")?
            .execute(params![vehicle, day])?;
        self.stmt(
            "INSERT INTO vehicle_owners (vehicle_id, customer_id, since) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![vehicle, to, day])?;
        Ok(())
    }

    fn visit(&mut self, v: &GenVisit) -> StoreResult<()> {
        let appointment = self.booked(v)?;
        let ro = self.header(v, appointment)?;
        if let Some(a) = appointment {
            self.stmt("UPDATE appointments SET ro_id = ?2 WHERE id = ?1")?
                .execute(params![a, ro])?;
        }
        self.lines(v, ro)?;
        self.keys(v, ro)?;
        self.walk_around(v, ro)?;
        self.checks_done(v, ro)?;
        self.follow_up(v, ro)?;
        self.written += 1;
        if self.written.is_multiple_of(BATCH) {
            self.conn.execute_batch("COMMIT; BEGIN")?;
        }
        Ok(())
    }

    fn appointment(&mut self, a: &GenAppointment) -> StoreResult<()> {
        self.stmt(
            "INSERT INTO appointments (customer_id, vehicle_id, starts_at, ends_at, requested_work, status,
                 created_at, cancel_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            a.customer,
            a.vehicle,
            a.starts_at,
            a.starts_at + chrono::Duration::hours(1),
            a.requested_work,
            a.status,
            a.created_at,
            if a.status == "cancelled" { "customer rescheduled" } else { "" }
        ])?;
        Ok(())
    }

    fn odometer(&mut self, vehicle: i64, km: i64, at: DateTime<Utc>) -> StoreResult<()> {
        self.stmt(
            "UPDATE vehicles SET last_odometer_km = ?2, last_odometer_at = ?3 WHERE id = ?1",
        )?
        .execute(params![vehicle, km, at])?;
        Ok(())
    }
}

impl HistoryWriter<'_> {
    fn booked(&self, v: &GenVisit) -> StoreResult<Option<i64>> {
        let Some((created, starts)) = v.appointment else {
            return Ok(None);
        };
        self.stmt(
            "INSERT INTO appointments (customer_id, vehicle_id, advisor_id, starts_at, ends_at, requested_work,
                 status, created_at, work_group_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'arrived', ?7, ?8)",
        )?
        .execute(params![
            v.customer,
            v.vehicle,
            v.advisor,
            starts,
            starts + chrono::Duration::hours(1),
            v.concerns,
            created,
            v.group
        ])?;
        Ok(Some(self.conn.last_insert_rowid()))
    }

    fn header(&self, v: &GenVisit, appointment: Option<i64>) -> StoreResult<i64> {
        let t = &v.times;
        let dispatched = t.work_started_at.is_some();
        self.stmt(
            "INSERT INTO repair_orders (number, vehicle_id, customer_id, appointment_id, advisor_id, work_group_id,
                 bay_id, status, category, concerns, odometer_in_km, fuel_eighths, checked_in_at, promised_at,
                 estimated_minutes, workshop_received_at, work_started_at, progress_checked_at, pickup_called_at,
                 ready_at, delivered_at, signed_by_name, signed_at, created_at, updated_at, qc_passed_at,
                 qc_passed_by, exit_notice_at, old_parts, covers_fitted)
             VALUES ('RO-' || ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, (SELECT name FROM customers WHERE id = ?3), ?13, ?13,
                 coalesce(?21, ?20, ?17, ?13), ?22, ?23, ?24, 'dispose', 1)",
        )?
        .execute(params![
            v.serial,
            v.vehicle,
            v.customer,
            appointment,
            v.advisor,
            dispatched.then_some(v.group),
            v.bay,
            v.status.code(),
            v.category.code(),
            v.concerns,
            v.odometer_km,
            v.fuel_eighths,
            t.checked_in_at,
            t.promised_at,
            t.estimated_minutes,
            t.workshop_received_at,
            t.work_started_at,
            t.progress_checked_at,
            t.pickup_called_at,
            t.ready_at,
            t.delivered_at,
            t.qc_passed_at,
            t.qc_passed_at.map(|_| "qc"),
            t.exit_notice_at,
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn lines(&self, v: &GenVisit, ro: i64) -> StoreResult<()> {
        let call = match &v.added_call {
            Some(c) => {
                self.stmt(
                    "INSERT INTO added_work_calls (ro_id, asked_at, answered_at, channel, workshop_told,
                         workshop_told_at, recorded_at, recorded_by)
                     VALUES (?1, ?2, ?3, ?4, 'foreman', ?3, ?3, ?5)",
                )?
                .execute(params![ro, c.asked_at, c.answered_at, c.channel, v.advisor])?;
                Some(self.conn.last_insert_rowid())
            }
            None => None,
        };
        let mut insert = self.stmt(
            "INSERT INTO ro_lines (ro_id, sort, kind, op_code, part_number, description, quantity_milli,
                 unit_price_minor, payer, approval, call_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for (i, l) in v.lines.iter().enumerate() {
            let part = l.kind == crate::domain::repair_order::LineKind::Part;
            let (op, number) = if part {
                ("", l.code.as_str())
            } else {
                (l.code.as_str(), "")
            };
            let added = l.approval != "original";
            insert.execute(params![
                ro,
                i as i64,
                l.kind.code(),
                op,
                number,
                l.description,
                l.quantity_milli,
                l.unit_price_minor,
                l.payer.code(),
                l.approval,
                if added { call } else { None }
            ])?;
        }
        let mut pay = self.stmt(
            "INSERT INTO payments (ro_id, amount_minor, method, paid_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, (at, amount)) in v.payments.iter().enumerate() {
            let method = ["card", "wechat", "cash", "alipay"][(ro as usize + i) % 4];
            pay.execute(params![ro, amount, method, at, v.advisor])?;
        }
        Ok(())
    }

    /// The key tag: issued at the desk, to the workshop, back to the
    /// customer at delivery.
    fn keys(&self, v: &GenVisit, ro: i64) -> StoreResult<()> {
        let t = &v.times;
        let issued = t.checked_in_at.unwrap_or_default();
        let mut moves = vec![("advisor", issued)];
        if let Some(at) = t.workshop_received_at {
            moves.push(("workshop", at));
        }
        if let Some(at) = t.ready_at {
            moves.push(("cabinet", at));
        }
        if let Some(at) = t.delivered_at {
            moves.push(("customer", at));
        }
        let holder = moves.last().map_or("advisor", |m| m.0);
        self.stmt(
            "INSERT INTO key_tags (tag, ro_id, issued_at, returned_at, holder) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![v.key_tag, ro, issued, t.delivered_at, holder])?;
        let tag = self.conn.last_insert_rowid();
        let mut insert = self.stmt(
            "INSERT INTO key_moves (key_tag_id, holder, at, by_user) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (holder, at) in moves {
            insert.execute(params![tag, holder, at, v.advisor])?;
        }
        Ok(())
    }

    /// The check-in walk-around, signed by the customer.
    fn walk_around(&self, v: &GenVisit, ro: i64) -> StoreResult<()> {
        let at = v.times.checked_in_at;
        self.stmt(
            "INSERT INTO checklists (ro_id, phase, acknowledged_by, acknowledged_at, updated_at, updated_by)
             VALUES (?1, 'check_in', (SELECT name FROM customers WHERE id = ?2), ?3, ?3, ?4)",
        )?
        .execute(params![ro, v.customer, at, v.advisor])?;
        let mut insert = self.stmt(
            "INSERT INTO checklist_entries (ro_id, phase, category, item, recorded_at, recorded_by,
                 damage_kind, severity, checked, sort)
             VALUES (?1, 'check_in', ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)",
        )?;
        for (i, c) in v.checks.iter().enumerate() {
            insert.execute(params![
                ro,
                c.category,
                c.item,
                at,
                v.advisor,
                c.damage.map(|d| d.0),
                c.damage.map(|d| d.1),
                i as i64
            ])?;
        }
        Ok(())
    }

    fn checks_done(&self, v: &GenVisit, ro: i64) -> StoreResult<()> {
        let t = &v.times;
        if let Some(at) = t.progress_checked_at {
            self.stmt(
                "INSERT INTO progress_checks (ro_id, at, user_id, on_time) VALUES (?1, ?2, ?3, 1)",
            )?
            .execute(params![ro, at, v.advisor])?;
        }
        if let Some(at) = t.qc_passed_at {
            self.stmt(
                "INSERT INTO quality_checks (ro_id, at, user_id, passed) VALUES (?1, ?2, ?3, 1)",
            )?
            .execute(params![ro, at, v.advisor])?;
        }
        Ok(())
    }

    fn follow_up(&self, v: &GenVisit, ro: i64) -> StoreResult<()> {
        if let Some(cb) = &v.callback {
            self.callback(v, ro, cb)?;
        }
        if let Some(c) = &v.complaint {
            self.stmt(
                "INSERT INTO complaints (customer_id, ro_id, vehicle_id, received_at, description, status,
                     resolved_at, reply_by, source, opened_by, resolution)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'call', 'care', ?9)",
            )?
            .execute(params![
                v.customer,
                ro,
                v.vehicle,
                c.received_at,
                c.description,
                c.status,
                c.resolved_at,
                c.reply_by,
                if c.resolved_at.is_some() { "explained and put right" } else { "" }
            ])?;
        }
        Ok(())
    }

    fn callback(&self, v: &GenVisit, ro: i64, cb: &GenCallback) -> StoreResult<()> {
        let score = cb.contacts.iter().find_map(|c| c.satisfaction);
        self.stmt(
            "INSERT INTO callbacks (customer_id, vehicle_id, ro_id, kind, rule_key, due_at, due_until, priority,
                 reason, status, attempts, unanswered, outcome, satisfaction, done_at, created_at)
             VALUES (?1, ?2, ?3, 'three_day_call', '3dc:ro:' || ?3, ?4, ?5, 2, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            v.customer,
            v.vehicle,
            ro,
            cb.due_at,
            cb.due_until,
            format!("RO-{} delivered: how is the car, and our service?", v.serial),
            cb.status,
            cb.contacts.len() as i64,
            cb.contacts.iter().filter(|c| c.outcome == "no_answer").count() as i64,
            cb.contacts.last().map_or("", |c| c.outcome),
            score,
            cb.done_at,
            v.times.delivered_at
        ])?;
        let id = self.conn.last_insert_rowid();
        let mut insert = self.stmt(
            "INSERT INTO contacts (callback_id, customer_id, at, by_login, channel, outcome, satisfaction)
             VALUES (?1, ?2, ?3, 'chen.jing', 'phone', ?4, ?5)",
        )?;
        for c in &cb.contacts {
            insert.execute(params![id, v.customer, c.at, c.outcome, c.satisfaction])?;
        }
        Ok(())
    }
}
