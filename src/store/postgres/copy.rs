//! `frontdesk migrate`: moves an SQLite shop into the group database, in
//! one transaction. Every table is streamed with COPY; ids are shifted past
//! the group's own (a shop moved into an empty group keeps them as they
//! are), and references follow. A user whose login the group already knows
//! becomes that user. The audit rows keep their sealed bytes and hashes, so
//! the shop's chain verifies on the server exactly as it did in the file.
//! Before committing, the copy checks every table's row count and checksum
//! against the file; any difference rolls the whole move back.

use super::{admin, schema};
use crate::store::{OpenMode, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use postgres::Transaction;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// What a move did, per table: rows copied and their checksum.
#[derive(Debug, Clone, Default)]
pub struct MigrateReport {
    pub shop_id: i64,
    pub already_done: bool,
    pub tables: Vec<(String, u64, String)>,
    /// Texts with bytes that were not UTF-8, written with U+FFFD.
    pub repaired_texts: u64,
}

/// The tables not moved: the search index is SQLite's own (FTS5), and
/// drafts are one terminal's unsaved work, kept beside the file.
fn moved(table: &str) -> bool {
    !table.starts_with("search_index") && table != "drafts" && !table.starts_with("sqlite_")
}

/// Which table an audit row's entity names, for its `entity_ref`.
fn entity_table(entity: &str) -> Option<&'static str> {
    Some(match entity {
        "repair_order" => "repair_orders",
        "customer" => "customers",
        "vehicle" => "vehicles",
        "user" => "users",
        "appointment" => "appointments",
        "callback" => "callbacks",
        "complaint" => "complaints",
        "campaign" => "campaigns",
        "part_order" => "part_orders",
        _ => return None,
    })
}

struct Column {
    name: String,
    pg_type: String,
    /// The table this column's ids point into (its own for `id`).
    points_to: Option<String>,
}

struct Plan {
    offsets: HashMap<String, i64>,
    users: HashMap<i64, i64>,
    /// Users the group already had (the same login at another shop): they
    /// are not copied again, and the shop's rows point at them.
    known_users: Vec<i64>,
}

impl Plan {
    fn map(&self, table: &str, id: i64) -> i64 {
        if table == "users" {
            return self.users.get(&id).copied().unwrap_or(id);
        }
        id + self.offsets.get(table).copied().unwrap_or(0)
    }
}

pub fn migrate_shop(
    from: &Path,
    conninfo: &str,
    code: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> StoreResult<MigrateReport> {
    let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::Open(format!("{}: {e}", from.display())))?;
    let version: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != crate::store::sqlite::LATEST_VERSION {
        return Err(StoreError::Open(format!(
            "{} is at schema {version}: open it once with this frontdesk to upgrade it, then migrate",
            from.display()
        )));
    }
    let mut client = super::connect(conninfo)?;
    schema::migrate(&mut client, OpenMode::Create)?;
    let mut tx = client.transaction()?;
    tx.batch_execute(
        "SET LOCAL frontdesk.bulk = 'on'; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO';
         SET CONSTRAINTS ALL DEFERRED; SELECT pg_advisory_xact_lock(7318)",
    )?;
    let code = code.trim().to_uppercase();
    let shop_id: i64 = tx
        .query_one(
            "INSERT INTO shops (code, name) VALUES ($1, $1)
             ON CONFLICT (code) DO UPDATE SET code = excluded.code RETURNING id",
            &[&code],
        )?
        .get(0);
    tx.batch_execute(&format!("SET LOCAL frontdesk.shop = '{shop_id}'"))?;
    let fingerprint = fingerprint(&src)?;
    if let Some(done) = tx.query_opt(
        "SELECT fingerprint FROM shop_imports WHERE shop_id = $1",
        &[&shop_id],
    )? {
        let theirs: String = done.get(0);
        if theirs == fingerprint {
            return Ok(MigrateReport {
                shop_id,
                already_done: true,
                ..Default::default()
            });
        }
        return Err(StoreError::Invalid(format!(
            "shop {code} was moved in from a different or changed file; nothing was copied"
        )));
    }
    let ros: i64 = tx
        .query_one(
            "SELECT count(*) FROM repair_orders WHERE shop_id = $1",
            &[&shop_id],
        )?
        .get(0);
    if ros > 0 {
        return Err(StoreError::Invalid(format!(
            "shop {code} already holds {ros} ROs in the group; nothing was copied"
        )));
    }
    let tables = tables(&src)?;
    let plan = plan(&src, &mut tx, &tables, shop_id)?;
    let total: u64 = tables.iter().map(|(_, n)| *n).sum();
    let mut done = 0u64;
    let mut report = MigrateReport {
        shop_id,
        ..Default::default()
    };
    for (table, rows) in &tables {
        let columns = columns(&src, &mut tx, table)?;
        let (sum, repaired, copied) =
            copy_table(&src, &mut tx, table, &columns, &plan, &mut |n| {
                progress(done + n, total)
            })?;
        done += rows;
        report.repaired_texts += repaired;
        let stored = server_checksum(&mut tx, table, &columns, shop_id, &plan)?;
        if stored != (copied, sum.clone()) {
            return Err(StoreError::Backend(format!(
                "{table}: the server holds {} rows (checksum {}) where the file has {rows} ({sum}); nothing was copied",
                stored.0, stored.1
            )));
        }
        report.tables.push((table.clone(), copied, sum));
    }
    finish(&mut tx, &src, shop_id, from, &fingerprint)?;
    tx.commit()?;
    Ok(report)
}

/// The file's identity for a re-run: its audit chain's head and its RO
/// count. The same file moved twice is the same shop.
fn fingerprint(src: &Connection) -> StoreResult<String> {
    let (id, hash): (i64, String) = src.query_row(
        "SELECT coalesce(max(id), 0), coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '')
         FROM audit_log",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let ros: i64 = src.query_row("SELECT count(*) FROM repair_orders", [], |r| r.get(0))?;
    Ok(format!("{id}:{hash}:{ros}"))
}

/// The tables to move, in the order the file created them, with counts.
fn tables(src: &Connection) -> StoreResult<Vec<(String, u64)>> {
    let names: Vec<String> = src
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for name in names.into_iter().filter(|n| moved(n)) {
        let n: i64 = src.query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| {
            r.get(0)
        })?;
        out.push((name, n as u64));
    }
    Ok(out)
}

fn columns(src: &Connection, tx: &mut Transaction<'_>, table: &str) -> StoreResult<Vec<Column>> {
    let mut refs: HashMap<String, String> = HashMap::new();
    let mut stmt = src.prepare(&format!(
        "SELECT \"from\", \"table\" FROM pragma_foreign_key_list('{table}')"
    ))?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (col, to) = row?;
        refs.insert(col, to);
    }
    let names: Vec<String> = src
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for name in names {
        let pg_type: String = tx
            .query_opt(
                "SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = $2",
                &[&table, &name],
            )?
            .map(|r| r.get(0))
            .ok_or_else(|| StoreError::Backend(format!("the group has no column {table}.{name}")))?;
        let points_to = if name == "id" {
            Some(table.to_string())
        } else {
            refs.get(&name).cloned()
        };
        out.push(Column {
            name,
            pg_type,
            points_to,
        });
    }
    Ok(out)
}

/// Id shifts past what the group holds, and the users it already knows.
fn plan(
    src: &Connection,
    tx: &mut Transaction<'_>,
    tables: &[(String, u64)],
    shop_id: i64,
) -> StoreResult<Plan> {
    let mut offsets = HashMap::new();
    for (t, _) in tables {
        let has_id: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = 'id')",
                &[t],
            )?
            .get(0);
        if has_id && t != "users" && t != "audit_log" {
            let max: i64 = tx
                .query_one(&format!("SELECT coalesce(max(id), 0) FROM {t}"), &[])?
                .get(0);
            offsets.insert(t.clone(), max);
        }
    }
    let mut users = HashMap::new();
    let mut known_users = Vec::new();
    let known: HashMap<String, i64> = tx
        .query("SELECT login, id FROM users", &[])?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let next: i64 = tx
        .query_one("SELECT coalesce(max(id), 0) FROM users", &[])?
        .get(0);
    let mut stmt = src.prepare("SELECT id, login FROM users ORDER BY id")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, login) = row?;
        match known.get(&login) {
            Some(&existing) => {
                users.insert(id, existing);
                known_users.push(id);
            }
            None => {
                users.insert(id, id + next);
            }
        }
    }
    let _ = shop_id;
    Ok(Plan {
        offsets,
        users,
        known_users,
    })
}

/// One value as COPY's text format writes it (and as the server prints it
/// back, for the checksum): UTC times, ISO dates, hex bytes.
fn field(v: ValueRef<'_>, col: &Column, plan: &Plan, repaired: &mut u64) -> StoreResult<String> {
    let text = |b: &[u8], repaired: &mut u64| match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => {
            *repaired += 1;
            String::from_utf8_lossy(b).into_owned()
        }
    };
    Ok(match (v, col.pg_type.as_str()) {
        (ValueRef::Null, _) => "\\N".to_string(),
        (ValueRef::Integer(n), "bigint" | "integer") => match &col.points_to {
            Some(t) => plan.map(t, n).to_string(),
            None => n.to_string(),
        },
        (ValueRef::Text(b), "timestamp with time zone") => pg_time(&time(&text(b, repaired))?),
        (ValueRef::Text(b), "date") => date(&text(b, repaired))?.format("%F").to_string(),
        (ValueRef::Text(b) | ValueRef::Blob(b), "bytea") => {
            let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
            format!("\\\\x{hex}")
        }
        (ValueRef::Text(b), _) => escape(&text(b, repaired)),
        (ValueRef::Integer(n), _) => n.to_string(),
        (ValueRef::Real(x), _) => x.to_string(),
        (ValueRef::Blob(b), _) => escape(&text(b, repaired)),
    })
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// A time as the file holds it (rusqlite's text, RFC 3339, or a bare date).
fn time(s: &str) -> StoreResult<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_str(s, "%F %T%.f%:z") {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%F %T%.f") {
        return Ok(t.and_utc());
    }
    date(s).map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

fn date(s: &str) -> StoreResult<NaiveDate> {
    let head = s.trim().get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(head, "%F")
        .map_err(|_| StoreError::Invalid(format!("not a date or time: {s:?}")))
}

/// The server's own text for a timestamptz in UTC: microseconds, trailing
/// zeros dropped, `+00`.
fn pg_time(t: &DateTime<Utc>) -> String {
    let micros = t.timestamp_subsec_micros();
    let base = t.format("%F %T").to_string();
    if micros == 0 {
        return format!("{base}+00");
    }
    let frac = format!("{micros:06}");
    format!("{base}.{}+00", frac.trim_end_matches('0'))
}

/// The PostgreSQL column list a table is copied into (the audit log's id
/// becomes its place in the shop's chain).
fn target_columns(table: &str, columns: &[Column]) -> Vec<String> {
    let mut out: Vec<String> = columns
        .iter()
        .map(|c| match (table, c.name.as_str()) {
            ("audit_log", "id") => "seq".to_string(),
            (_, n) => n.to_string(),
        })
        .collect();
    if table == "audit_log" {
        out.push("entity_ref".into());
    }
    out
}

fn copy_table(
    src: &Connection,
    tx: &mut Transaction<'_>,
    table: &str,
    columns: &[Column],
    plan: &Plan,
    progress: &mut dyn FnMut(u64),
) -> StoreResult<(String, u64, u64)> {
    let names: Vec<String> = columns.iter().map(|c| format!("\"{}\"", c.name)).collect();
    let mut stmt = src.prepare(&format!("SELECT {} FROM \"{table}\"", names.join(", ")))?;
    let mut rows = stmt.query([])?;
    let target = target_columns(table, columns).join(", ");
    let mut writer = tx.copy_in(&format!("COPY {table} ({target}) FROM STDIN"))?;
    let mut hashes = Vec::new();
    let (mut n, mut repaired) = (0u64, 0u64);
    let audit = table == "audit_log";
    let mut copied = 0u64;
    while let Some(row) = rows.next()? {
        n += 1;
        if table == "users" && plan.known_users.contains(&row.get::<_, i64>(0)?) {
            continue;
        }
        copied += 1;
        let mut fields = Vec::with_capacity(columns.len() + 1);
        for (i, col) in columns.iter().enumerate() {
            let value = row.get_ref(i)?;
            let plain = if audit && col.name == "id" {
                Column {
                    name: "seq".into(),
                    pg_type: "bigint".into(),
                    points_to: None,
                }
            } else {
                Column {
                    name: col.name.clone(),
                    pg_type: col.pg_type.clone(),
                    points_to: col.points_to.clone(),
                }
            };
            let plain = if audit && col.name == "entity_id" {
                Column {
                    points_to: None,
                    ..plain
                }
            } else {
                plain
            };
            fields.push(field(value, &plain, plan, &mut repaired)?);
        }
        if audit {
            let entity: String = row.get::<_, Option<String>>(3)?.unwrap_or_default();
            let id: Option<i64> = row.get(4)?;
            fields.push(match (id, entity_table(&entity)) {
                (Some(id), Some(t)) => plan.map(t, id).to_string(),
                (Some(id), None) => id.to_string(),
                (None, _) => "\\N".into(),
            });
        }
        let line = fields.join("\t");
        hashes.push(Sha256::digest(line.as_bytes()));
        writer
            .write_all(line.as_bytes())
            .and_then(|_| writer.write_all(b"\n"))
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        if n % 10_000 == 0 {
            progress(n);
        }
    }
    writer.finish()?;
    progress(n);
    Ok((checksum(hashes), repaired, copied))
}

/// Order-free: the hashes of the rows, sorted, hashed again.
fn checksum(mut rows: Vec<impl AsRef<[u8]> + Ord>) -> String {
    rows.sort();
    let mut h = Sha256::new();
    for r in &rows {
        h.update(r.as_ref());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The table's rows of this shop as the server prints them, counted and
/// checksummed as the file's were.
fn server_checksum(
    tx: &mut impl postgres::GenericClient,
    table: &str,
    columns: &[Column],
    shop_id: i64,
    plan: &Plan,
) -> StoreResult<(u64, String)> {
    let cols = target_columns(table, columns).join(", ");
    let scoped: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = 'shop_id')",
            &[&table],
        )?
        .get(0);
    let filter = if scoped {
        format!("WHERE shop_id = {shop_id}")
    } else if table == "users" {
        // Only the users this move created (ids are ours, not input).
        let new: Vec<String> = plan
            .users
            .iter()
            .filter(|(old, _)| !plan.known_users.contains(old))
            .map(|(_, new)| new.to_string())
            .collect();
        format!(
            "WHERE id IN ({})",
            ["0".to_string()]
                .into_iter()
                .chain(new)
                .collect::<Vec<_>>()
                .join(",")
        )
    } else {
        // A shared table (customers, cars): the rows past the group's own,
        // by the table's id or the first id it points with.
        match columns
            .iter()
            .find_map(|c| Some((c, c.points_to.as_ref()?)))
        {
            Some((c, t)) if t != "users" => format!(
                "WHERE \"{}\" > {}",
                c.name,
                plan.offsets.get(t).copied().unwrap_or(0)
            ),
            _ => String::new(),
        }
    };
    let mut out = Vec::new();
    let mut reader = tx.copy_out(&format!(
        "COPY (SELECT {cols} FROM {table} {filter}) TO STDOUT"
    ))?;
    std::io::Read::read_to_end(&mut reader, &mut out)
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    let text = String::from_utf8_lossy(&out);
    let hashes: Vec<_> = text.lines().map(|l| Sha256::digest(l.as_bytes())).collect();
    Ok((hashes.len() as u64, checksum(hashes)))
}

/// The move's last steps: ids continue after the copied ones, people get
/// their shop and database role, and every board of the shop reloads.
fn finish(
    tx: &mut Transaction<'_>,
    src: &Connection,
    shop_id: i64,
    from: &Path,
    fingerprint: &str,
) -> StoreResult<()> {
    let tables: Vec<String> = tx
        .query(
            "SELECT table_name::text FROM information_schema.columns
             WHERE column_name = 'id' AND table_schema = 'public' AND is_identity = 'YES'",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for t in tables {
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), greatest((SELECT max(id) FROM {t}), 1))"
        ))?;
    }
    tx.execute(
        "UPDATE users SET home_shop_id = $1 WHERE home_shop_id IS NULL",
        &[&shop_id],
    )?;
    let logins: Vec<String> = src
        .prepare("SELECT login FROM users")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for login in &logins {
        tx.execute(
            "INSERT INTO user_shops (user_id, shop_id) SELECT id, $2 FROM users WHERE login = $1
             ON CONFLICT DO NOTHING",
            &[login, &shop_id],
        )?;
        admin::ensure_role(tx, login)?;
    }
    tx.execute(
        "INSERT INTO shop_imports (shop_id, source, fingerprint, finished_at) VALUES ($1, $2, $3, now())",
        &[&shop_id, &from.display().to_string(), &fingerprint],
    )?;
    tx.execute(
        "SELECT pg_notify('frontdesk', $1)",
        &[&format!("{shop_id} repair_orders")],
    )?;
    Ok(())
}
