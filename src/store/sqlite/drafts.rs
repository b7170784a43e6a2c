//! Autosaved drafts: one per user and RO (id 0 for a new RO). Drafts are not
//! changes to the shop's records, so they are not audited; saving the RO
//! deletes its draft.

use crate::domain::draft::Draft;
use crate::store::{StoreError, StoreResult};
use rusqlite::{params, Connection, Transaction};

pub fn save(tx: &Transaction<'_>, d: &Draft) -> StoreResult<()> {
    let payload = serde_json::to_string(&d.ro).map_err(|e| StoreError::Backend(e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO drafts (user_login, entity, entity_id, base_version, payload, saved_at)
         VALUES (?1, 'repair_order', ?2, ?3, ?4, ?5)
         ON CONFLICT (user_login, entity, entity_id)
         DO UPDATE SET base_version = excluded.base_version, payload = excluded.payload, saved_at = excluded.saved_at",
    )?
    .execute(params![d.user_login, d.ro_id, d.base_version, payload, d.saved_at])?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, login: &str, ro_id: i64) -> StoreResult<()> {
    tx.prepare_cached(
        "DELETE FROM drafts WHERE user_login = ?1 AND entity = 'repair_order' AND entity_id = ?2",
    )?
    .execute(params![login, ro_id])?;
    Ok(())
}

/// A user's drafts, newest first. A draft whose payload no longer parses
/// (written by another version) is skipped rather than crashing the desk.
pub fn of_user(conn: &Connection, login: &str) -> StoreResult<Vec<Draft>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entity_id, base_version, payload, saved_at FROM drafts
         WHERE user_login = ?1 AND entity = 'repair_order' ORDER BY saved_at DESC",
    )?;
    let rows = stmt.query_map([login], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
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
                base_version,
                ro,
                saved_at,
            });
        }
    }
    Ok(drafts)
}
