//! The audit log's chain: each row's hash covers its own content and the
//! hash of the row before it, so a row changed, inserted out of order or
//! removed breaks the chain from that point on. What is hashed is defined
//! here once; the store seals rows with it and `frontdesk check` walks it.
//!
//! The honest limit: whoever can write the file can rewrite the whole chain
//! consistently. The file's group and mode keep others out, and a backup's
//! chain head, compared by `check --against`, shows a rewritten history.

use sha2::{Digest, Sha256};

/// The "hash" before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit row as stored: its text columns as the bytes in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRow {
    pub id: i64,
    pub at: Vec<u8>,
    pub user_login: Vec<u8>,
    pub entity: Vec<u8>,
    pub entity_id: Option<i64>,
    pub action: Vec<u8>,
    pub detail: Vec<u8>,
    /// The hash stored with the row (None: written by something else).
    pub hash: Option<String>,
}

/// The row's hash, chained to `prev`.
pub fn chain_hash(prev: &str, row: &SealedRow) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(row.id.to_string().as_bytes());
    for field in [&row.at, &row.user_login, &row.entity] {
        h.update(b"\x1f");
        h.update(field);
    }
    h.update(b"\x1f");
    h.update(
        row.entity_id
            .map(|i| i.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    for field in [&row.action, &row.detail] {
        h.update(b"\x1f");
        h.update(field);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What is wrong with the chain, at the first row where it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Rows are missing before this one (their ids are gone).
    Removed { from: i64, to: i64 },
    /// The row carries no hash: it was not written by frontdesk.
    Unsealed { id: i64 },
    /// The row's content no longer matches its hash.
    Changed { id: i64 },
    /// The row does not follow from the row before it: inserted out of
    /// order, or a row before it was replaced.
    OutOfOrder { id: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Removed { from, to } if from == to => {
                write!(f, "audit row {from} was removed")
            }
            Break::Removed { from, to } => write!(f, "audit rows {from} to {to} were removed"),
            Break::Unsealed { id } => write!(f, "audit row {id} has no chain hash: it was not written by frontdesk"),
            Break::Changed { id } => write!(
                f,
                "audit row {id} does not match its hash: changed after it was written, or not written by frontdesk"
            ),
            Break::OutOfOrder { id } => write!(
                f,
                "audit row {id} does not follow from the row before it: inserted out of order, or the row before it was replaced"
            ),
        }
    }
}

/// Walks the rows in id order; returns the last hash (the chain's head)
/// or the first break. `next` is the row after the one being judged, so a
/// changed row (whose successor still chains from its stored hash) can be
/// told from a forged one.
pub fn verify(rows: &[SealedRow]) -> Result<Option<(i64, String)>, Break> {
    let mut prev = GENESIS.to_string();
    let mut prev_id = 0;
    for (i, row) in rows.iter().enumerate() {
        if row.id != prev_id + 1 {
            return Err(Break::Removed {
                from: prev_id + 1,
                to: row.id - 1,
            });
        }
        let Some(stored) = &row.hash else {
            return Err(Break::Unsealed { id: row.id });
        };
        if *stored != chain_hash(&prev, row) {
            // A changed row's successor still chains from its stored hash;
            // the last row has none to ask.
            let successor_agrees = rows
                .get(i + 1)
                .is_none_or(|next| next.hash.as_deref() == Some(&chain_hash(stored, next)));
            return Err(if successor_agrees {
                Break::Changed { id: row.id }
            } else {
                Break::OutOfOrder { id: row.id }
            });
        }
        prev = stored.clone();
        prev_id = row.id;
    }
    Ok(rows.last().map(|r| (r.id, prev)))
}
