//! The audit log on the group server: one hash chain per shop, as each
//! shop's SQLite file had, so a shop moved in keeps its chain unchanged.
//! The sealed columns are bytes (`bytea`): the hash covers exactly what an
//! SQLite shop held, a bad byte included.

use crate::domain::audit::AuditEvent;
use crate::domain::audit_chain::{chain_hash, verify, Break, SealedRow, GENESIS};
use crate::store::{Actor, AuditCheck, AuditEntry, AuditFilter, ChainHead, StoreResult};
use postgres::{GenericClient, Row};

/// Appends one row to this shop's chain. The chain's head is read under the
/// shop's advisory lock, so two terminals never seal onto the same parent.
pub fn append(
    tx: &mut impl GenericClient,
    by: Actor<'_>,
    id: i64,
    event: &AuditEvent,
) -> StoreResult<()> {
    // One chain per shop: its writers take turns here, until commit.
    tx.query_one(
        "SELECT pg_advisory_xact_lock(73170000 + frontdesk_shop())::text",
        &[],
    )?;
    let (prev_seq, prev_hash) = head(tx)?.unwrap_or((0, GENESIS.to_string()));
    let row = SealedRow {
        id: prev_seq + 1,
        at: by.at.format("%F %T%.f%:z").to_string().into_bytes(),
        user_login: by.login.as_bytes().to_vec(),
        entity: event.entity().as_bytes().to_vec(),
        entity_id: Some(id),
        action: event.action().as_bytes().to_vec(),
        detail: event.detail().into_bytes(),
        hash: None,
    };
    let hash = chain_hash(&prev_hash, &row);
    tx.execute(
        "INSERT INTO audit_log (seq, at, user_login, entity, entity_id, entity_ref, action, detail, hash)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
        &[
            &row.id,
            &row.at,
            &row.user_login,
            &row.entity,
            &row.entity_id,
            &row.action,
            &row.detail,
            &hash,
        ],
    )?;
    Ok(())
}

/// This shop's last sealed row: its place in the chain and its hash.
pub fn head(c: &mut impl GenericClient) -> StoreResult<Option<ChainHead>> {
    Ok(c.query_opt(
        "SELECT seq, hash FROM audit_log WHERE shop_id = frontdesk_shop() ORDER BY seq DESC LIMIT 1",
        &[],
    )?
    .map(|r| (r.get(0), r.get(1))))
}

fn sealed(r: &Row) -> SealedRow {
    SealedRow {
        id: r.get(0),
        at: r.get(1),
        user_login: r.get(2),
        entity: r.get(3),
        entity_id: r.get(4),
        action: r.get(5),
        detail: r.get(6),
        hash: r.get(7),
    }
}

const ROWS: &str =
    "SELECT seq, at, user_login, entity, entity_id, action, detail, hash, entity_ref FROM audit_log";

/// This shop's chain in order.
pub fn all_rows(c: &mut impl GenericClient) -> StoreResult<Vec<SealedRow>> {
    let rows = c.query(
        &format!("{ROWS} WHERE shop_id = frontdesk_shop() ORDER BY seq"),
        &[],
    )?;
    Ok(rows.iter().map(sealed).collect())
}

/// The chain's problems, and its head when whole. The append-only guards
/// are triggers here too; a missing one is a problem.
pub fn problems(c: &mut impl GenericClient) -> StoreResult<AuditCheck> {
    let mut out = Vec::new();
    for name in ["audit_log_no_update", "audit_log_no_delete"] {
        let present: i64 = c
            .query_one(
                "SELECT count(*) FROM pg_trigger WHERE tgname = $1 AND tgrelid = 'audit_log'::regclass",
                &[&name],
            )?
            .get(0);
        if present == 0 {
            out.push(format!(
                "the trigger {name} that guards audit_log is missing: someone altered the schema"
            ));
        }
    }
    let head = match verify(&all_rows(c)?) {
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

pub fn holds(c: &mut impl GenericClient, (seq, hash): &ChainHead) -> StoreResult<Option<Break>> {
    let here: Option<String> = c
        .query_opt(
            "SELECT hash FROM audit_log WHERE shop_id = frontdesk_shop() AND seq = $1",
            &[seq],
        )?
        .map(|r| r.get(0));
    Ok(match here {
        None => Some(Break::Removed {
            from: *seq,
            to: *seq,
        }),
        Some(h) if &h != hash => Some(Break::Changed { id: *seq }),
        Some(_) => None,
    })
}

pub fn entries(c: &mut impl GenericClient, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
    let entity = filter.entity.as_ref().map(|e| e.as_bytes().to_vec());
    let since = filter
        .since
        .map(|t| t.format("%F %T").to_string().into_bytes());
    let rows = c.query(
        &format!(
            "{ROWS} WHERE shop_id = frontdesk_shop() AND ($1::bytea IS NULL OR entity = $1)
               AND ($2::bigint IS NULL OR entity_ref = $2) AND ($3::bytea IS NULL OR at >= $3)
             ORDER BY seq"
        ),
        &[&entity, &filter.entity_id, &since],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let s = sealed(r);
            let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            AuditEntry {
                id: s.id,
                at: lossy(&s.at),
                user_login: lossy(&s.user_login),
                entity: lossy(&s.entity),
                entity_id: r.get(8),
                action: lossy(&s.action),
                detail: lossy(&s.detail),
            }
        })
        .collect())
}

/// The RO's history lines for the board's detail.
pub fn history(
    c: &mut impl GenericClient,
    ro_id: i64,
) -> StoreResult<Vec<crate::domain::AuditEntry>> {
    let rows = c.query(
        "SELECT at, user_login, action, detail FROM audit_log
         WHERE entity = 'repair_order'::bytea AND entity_ref = $1 ORDER BY shop_id, seq",
        &[&ro_id],
    )?;
    let lossy = |r: &Row, i: usize| String::from_utf8_lossy(r.get::<_, &[u8]>(i)).into_owned();
    Ok(rows
        .iter()
        .map(|r| crate::domain::AuditEntry {
            at: parse_at(&lossy(r, 0)),
            user_login: lossy(r, 1),
            action: lossy(r, 2),
            detail: lossy(r, 3),
        })
        .collect())
}

/// An audit row's time, written as rusqlite writes a UTC time.
pub fn parse_at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_str(s, "%F %T%.f%:z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}
