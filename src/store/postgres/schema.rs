//! The group schema: append-only migrations, tracked in `schema_migrations`
//! as the SQLite shop tracks its own. Only the schema's owner (the group's
//! administrator) applies them; a staff connection that finds the schema
//! behind says so instead of half-upgrading it.

use crate::store::{OpenMode, StoreError, StoreResult};
use postgres::Client;

const MIGRATIONS: [(i32, &str, &str); 7] = [
    (1, "group", include_str!("migrations/001_group.sql")),
    (2, "tables", include_str!("migrations/002_tables.sql")),
    (3, "security", include_str!("migrations/003_security.sql")),
    (
        4,
        "shared_notify",
        include_str!("migrations/004_shared_notify.sql"),
    ),
    (
        5,
        "text_times",
        include_str!("migrations/005_text_times.sql"),
    ),
    (6, "search", include_str!("migrations/006_search.sql")),
    (
        7,
        "merge_guard",
        include_str!("migrations/007_merge_guard.sql"),
    ),
];

pub const LATEST_VERSION: i32 = MIGRATIONS.len() as i32;

/// Brings the schema up to date, in one transaction per migration. Two
/// administrators starting at once are serialised by an advisory lock.
pub fn migrate(client: &mut Client, mode: OpenMode) -> StoreResult<()> {
    let current = version(client)?;
    if current == LATEST_VERSION {
        return Ok(());
    }
    if current > LATEST_VERSION {
        return Err(StoreError::Open(format!(
            "the group database is at schema {current}, newer than this program ({LATEST_VERSION}): update frontdesk"
        )));
    }
    if current == 0 && mode != OpenMode::Create {
        return Err(StoreError::Open(
            "this database holds no frontdesk group yet: run `frontdesk init --shop CODE` as its owner".into(),
        ));
    }
    let mut tx = client.transaction()?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(7317);
         CREATE TABLE IF NOT EXISTS schema_migrations (
             version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .map_err(|e| owner_only(e.into()))?;
    let done: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    for (v, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > done) {
        tx.batch_execute(sql).map_err(|e| owner_only(e.into()))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[v, name],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn owner_only(e: StoreError) -> StoreError {
    StoreError::Open(format!(
        "the group schema needs upgrading by its owner (`frontdesk init`): {e}"
    ))
}

fn version(client: &mut Client) -> StoreResult<i32> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0))
}
