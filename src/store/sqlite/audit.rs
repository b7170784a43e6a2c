//! The audit log: every row sealed into the hash chain as it is written
//! (inside the caller's write transaction, so rows are chained in commit
//! order), read back for history, and verified by `check`.

use crate::domain::audit::AuditEvent;
use crate::domain::audit_chain::{chain_hash, verify, Break, SealedRow, GENESIS};
use crate::store::{Actor, AuditCheck, AuditEntry, AuditFilter, StoreResult};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

/// Appends one row to the audit log, chained to the last one. The id and
/// the time are fixed here, as they will be stored, so the hash covers
/// exactly what the file holds.
pub fn append(tx: &Transaction<'_>, by: Actor<'_>, id: i64, event: &AuditEvent) -> StoreResult<()> {
    let (prev_id, prev_hash) = head(tx)?.unwrap_or((0, GENESIS.to_string()));
    let row = SealedRow {
        id: prev_id + 1,
        // rusqlite's own text form of a UTC time.
        at: by.at.format("%F %T%.f%:z").to_string().into_bytes(),
        user_login: by.login.as_bytes().to_vec(),
        entity: event.entity().as_bytes().to_vec(),
        entity_id: Some(id),
        action: event.action().as_bytes().to_vec(),
        detail: event.detail().into_bytes(),
        hash: None,
    };
    let hash = chain_hash(&prev_hash, &row);
    tx.prepare_cached(
        "INSERT INTO audit_log (id, at, user_login, entity, entity_id, action, detail, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        row.id,
        text(&row.at),
        text(&row.user_login),
        text(&row.entity),
        row.entity_id,
        text(&row.action),
        text(&row.detail),
        hash
    ])?;
    Ok(())
}

fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

/// The last row's id and hash.
pub fn head(conn: &Connection) -> StoreResult<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, coalesce(hash, '') FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The bytes of a text column, whatever they are (a bad byte is kept, so
/// the hash still sees exactly what is stored).
fn bytes(r: &Row<'_>, i: usize) -> rusqlite::Result<Vec<u8>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Text(b) | ValueRef::Blob(b) => b.to_vec(),
        ValueRef::Integer(n) => n.to_string().into_bytes(),
        ValueRef::Real(x) => x.to_string().into_bytes(),
        ValueRef::Null => Vec::new(),
    })
}

fn sealed(r: &Row<'_>) -> rusqlite::Result<SealedRow> {
    Ok(SealedRow {
        id: r.get(0)?,
        at: bytes(r, 1)?,
        user_login: bytes(r, 2)?,
        entity: bytes(r, 3)?,
        entity_id: r.get(4)?,
        action: bytes(r, 5)?,
        detail: bytes(r, 6)?,
        hash: r.get(7)?,
    })
}

const ROWS: &str =
    "SELECT id, at, user_login, entity, entity_id, action, detail, hash FROM audit_log";

/// Every row in id order.
pub fn all_rows(conn: &Connection) -> StoreResult<Vec<SealedRow>> {
    let mut stmt = conn.prepare(&format!("{ROWS} ORDER BY id"))?;
    let rows = stmt.query_map([], sealed)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Seals rows written before the chain existed, once, in order (the
/// migration that adds the chain). The update trigger comes back after.
pub fn seal_existing(tx: &Transaction<'_>) -> StoreResult<()> {
    let mut prev = GENESIS.to_string();
    for row in all_rows(tx)? {
        let hash = chain_hash(&prev, &row);
        tx.execute(
            "UPDATE audit_log SET hash = ?2 WHERE id = ?1",
            params![row.id, hash],
        )?;
        prev = hash;
    }
    tx.execute_batch(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
         CREATE TRIGGER audit_log_sealed BEFORE INSERT ON audit_log WHEN NEW.hash IS NULL
         BEGIN SELECT RAISE(ABORT, 'audit_log rows are written by frontdesk, sealed into the chain'); END;",
    )?;
    Ok(())
}

const GUARDS: [&str; 3] = [
    "audit_log_no_update",
    "audit_log_no_delete",
    "audit_log_sealed",
];

/// The problems with the audit log: a broken chain, or missing guards.
/// Also returns the chain's head for comparing with a backup.
pub fn problems(conn: &Connection) -> StoreResult<AuditCheck> {
    let mut out = Vec::new();
    for name in GUARDS {
        let present: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        if present == 0 {
            out.push(format!(
                "the trigger {name} that guards audit_log is missing: someone altered the schema"
            ));
        }
    }
    let head = match verify(&all_rows(conn)?) {
        Ok(head) => head,
        Err(b) => {
            out.push(b.to_string());
            None
        }
    };
    Ok(AuditCheck {
        problems: out,
        head,
    })
}

/// Whether this log still holds the row a backup ended on, unchanged.
pub fn holds(conn: &Connection, backup_head: &(i64, String)) -> StoreResult<Option<Break>> {
    let (id, hash) = backup_head;
    let here: Option<Option<String>> = conn
        .query_row("SELECT hash FROM audit_log WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(match here {
        None => Some(Break::Removed { from: *id, to: *id }),
        Some(h) if h.as_deref() != Some(hash.as_str()) => Some(Break::Changed { id: *id }),
        Some(_) => None,
    })
}

/// History rows for people to read, newest last.
pub fn entries(conn: &Connection, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(&format!(
        "{ROWS} WHERE (?1 IS NULL OR entity = ?1) AND (?2 IS NULL OR entity_id = ?2)
           AND (?3 IS NULL OR at >= ?3) ORDER BY id"
    ))?;
    let rows = stmt.query_map(
        params![filter.entity, filter.entity_id, filter.since],
        |r| {
            let s = sealed(r)?;
            let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            Ok(AuditEntry {
                id: s.id,
                at: lossy(&s.at),
                user_login: lossy(&s.user_login),
                entity: lossy(&s.entity),
                entity_id: s.entity_id,
                action: lossy(&s.action),
                detail: lossy(&s.detail),
            })
        },
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
