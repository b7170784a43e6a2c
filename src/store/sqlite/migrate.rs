//! Append-only migrations tracked by `PRAGMA user_version`, run in one
//! exclusive transaction (the pattern of cargo's `util/sqlite.rs`).

use crate::store::{StoreError, StoreResult};
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// One step up: its SQL, then (for what SQL cannot do) Rust, in the same
/// transaction.
struct Step {
    sql: &'static str,
    then: Option<fn(&Transaction<'_>) -> StoreResult<()>>,
}

/// Each entry moves the schema up by one. Never edit a shipped entry.
const MIGRATIONS: &[Step] = &[
    Step {
        sql: include_str!("migrations/001_initial.sql"),
        then: None,
    },
    Step {
        sql: include_str!("migrations/002_promises.sql"),
        then: None,
    },
    Step {
        sql: include_str!("migrations/003_audit_chain.sql"),
        then: Some(super::audit::seal_existing),
    },
    Step {
        sql: include_str!("migrations/004_checklist.sql"),
        then: None,
    },
    Step {
        sql: include_str!("migrations/005_callbacks.sql"),
        then: None,
    },
    Step {
        sql: include_str!("migrations/006_book_files_search.sql"),
        then: None,
    },
    Step {
        sql: include_str!("migrations/007_reports.sql"),
        then: None,
    },
    Step {
        sql: include_str!("migrations/008_ro_counter.sql"),
        then: None,
    },
];

pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn user_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the schema up to date. Safe to run again, and safe when two
/// processes start at once: the version is re-read under the exclusive lock.
pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    // Up to date: no lock needed, so a terminal starts even while another
    // one holds the write lock.
    if user_version(conn)? == LATEST_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let current = user_version(&tx)?;
    if current > LATEST_VERSION {
        return Err(StoreError::Open(format!(
            "the database was written by a newer frontdesk (schema {current}; this build knows up to {LATEST_VERSION})"
        )));
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(step.sql)?;
        if let Some(then) = step.then {
            then(&tx)?;
        }
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}
