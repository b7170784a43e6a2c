//! Autosaved drafts, one per user and RO (id 0 for a new RO), in their own
//! small SQLite file beside the shop: `shop.db` keeps its drafts in
//! `shop.db-drafts`.
//!
//! Why a second file: a draft is written about four times a second while
//! someone types. In the shop file, each write would move `data_version`
//! and make every other terminal reload, and it would wait behind another
//! terminal's write lock, so a kill during that wait lost the typing. Here
//! it does neither. Drafts are not shop records, so they are not audited.

use crate::domain::draft::Draft;
use crate::store::{StoreError, StoreResult};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Drafts wait only for other drafts, which take a millisecond.
const DRAFT_LOCK_WAIT: Duration = Duration::from_millis(500);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS drafts (
    user_login   TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    INTEGER NOT NULL,
    base_version INTEGER,
    payload      TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (user_login, entity, entity_id)
);
PRAGMA user_version = 1;";

pub fn drafts_path(shop: &Path) -> PathBuf {
    PathBuf::from(format!("{}-drafts", shop.display()))
}

pub struct DraftFile {
    conn: Connection,
}

fn fail(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Open(format!("drafts file {}: {e}", path.display()))
}

impl DraftFile {
    /// Opens the drafts of the shop at `shop`, creating the file with the
    /// shop file's permissions (every user who may write the shop may keep
    /// drafts). A read-only shop reads drafts but never creates the file.
    pub fn open(shop: &Path, read_only: bool) -> StoreResult<DraftFile> {
        let path = drafts_path(shop);
        if read_only {
            if !path.exists() {
                return DraftFile::in_memory();
            }
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(&path, flags).map_err(|e| fail(&path, e))?;
            return Ok(DraftFile { conn });
        }
        if !path.exists() {
            create_like(&path, shop).map_err(|e| fail(&path, e))?;
        }
        let conn = Connection::open(&path).map_err(|e| fail(&path, e))?;
        conn.busy_timeout(DRAFT_LOCK_WAIT)?;
        // WAL and NORMAL: a draft survives a killed process; a power cut may
        // lose the last quarter second of typing, which is acceptable here.
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            conn.execute_batch(SCHEMA)?;
        }
        Ok(DraftFile { conn })
    }

    pub fn in_memory() -> StoreResult<DraftFile> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        Ok(DraftFile { conn })
    }

    pub fn save(&mut self, d: &Draft) -> StoreResult<()> {
        let payload =
            serde_json::to_string(&d.ro).map_err(|e| StoreError::Backend(e.to_string()))?;
        self.conn
            .prepare_cached(
                "INSERT INTO drafts (user_login, entity, entity_id, base_version, payload, saved_at)
                 VALUES (?1, 'repair_order', ?2, ?3, ?4, ?5)
                 ON CONFLICT (user_login, entity, entity_id)
                 DO UPDATE SET base_version = excluded.base_version, payload = excluded.payload,
                     saved_at = excluded.saved_at",
            )?
            .execute(params![
                d.user_login,
                d.ro_id,
                d.base_version,
                payload,
                d.saved_at
            ])?;
        Ok(())
    }

    pub fn delete(&mut self, login: &str, ro_id: i64) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "DELETE FROM drafts WHERE user_login = ?1 AND entity = 'repair_order' AND entity_id = ?2",
            )?
            .execute(params![login, ro_id])?;
        Ok(())
    }

    /// A user's drafts, newest first. A draft whose payload no longer parses
    /// (written by another version) is skipped rather than crashing the desk.
    pub fn of_user(&self, login: &str) -> StoreResult<Vec<Draft>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity_id, base_version, payload, saved_at FROM drafts
             WHERE user_login = ?1 AND entity = 'repair_order' ORDER BY saved_at DESC",
        )?;
        let rows = stmt.query_map([login], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
            ))
        })?;
        let mut drafts = Vec::new();
        for row in rows {
            let (ro_id, base_version, payload, saved_at) = row?;
            if let Ok(ro) = serde_json::from_str(&payload) {
                drafts.push(Draft {
                    user_login: login.to_string(),
                    ro_id,
                    base_version: base_version.unwrap_or(0),
                    ro,
                    saved_at,
                });
            }
        }
        Ok(drafts)
    }

    /// Drafts that an earlier version kept in the shop file move here, once,
    /// so an upgrade loses nobody's typing.
    pub fn adopt_legacy(&mut self, shop: &Connection) -> StoreResult<()> {
        let any: Option<i64> = shop
            .query_row("SELECT 1 FROM drafts LIMIT 1", [], |r| r.get(0))
            .optional()?;
        if any.is_none() {
            return Ok(());
        }
        let mut stmt = shop.prepare(
            "SELECT user_login, entity, coalesce(entity_id, 0), base_version, payload, saved_at FROM drafts",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let tx = self.conn.transaction()?;
        for (login, entity, id, base, payload, at) in rows {
            tx.execute(
                "INSERT OR REPLACE INTO drafts (user_login, entity, entity_id, base_version, payload, saved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![login, entity, id, base, payload, at],
            )?;
        }
        tx.commit()?;
        // Only after they are safe here.
        shop.execute("DELETE FROM drafts", [])?;
        Ok(())
    }
}

/// Creates an empty file with the shop file's permission bits and group.
#[cfg(unix)]
fn create_like(path: &Path, shop: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let meta = std::fs::metadata(shop)?;
    let mode = meta.mode() & 0o666;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
    {
        Ok(_) => {}
        // Another terminal created it first: theirs is as good as ours.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e),
    }
    // The umask may have taken bits away; the shop's mode is what counts.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    // Best effort: a user can only give a file to a group they belong to.
    let _ = std::os::unix::fs::chown(path, None, Some(meta.gid()));
    Ok(())
}

#[cfg(not(unix))]
fn create_like(path: &Path, _shop: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .open(path)
        .map(|_| ())
}
