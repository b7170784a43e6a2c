//! Settings, users, integrity check and backup.

use super::audit;
use super::text::text;
use crate::domain::audit::AuditEvent;
use crate::domain::roles::Permission;
use crate::domain::{NewUser, Role, Settings, User};
use crate::store::{Actor, StoreError, StoreResult};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use std::path::Path;

pub fn settings(conn: &Connection) -> StoreResult<Settings> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings")?;
    let rows = stmt.query_map([], |r| Ok((text(r, 0)?, text(r, 1)?)))?;
    Ok(settings_from(rows.collect::<Result<Vec<_>, _>>()?))
}

/// The settings from their stored key/value rows; an unknown key or a
/// value that does not parse keeps the default. Both stores read them so.
pub fn settings_from(rows: Vec<(String, String)>) -> Settings {
    let mut s = Settings::default();
    for (key, value) in rows {
        match key.as_str() {
            "shop_name" => s.shop_name = value,
            "currency_symbol" => s.currency_symbol = value,
            "tax_rate_bp" => s.tax_rate_bp = value.parse().unwrap_or(s.tax_rate_bp),
            "labour_rate_minor" => s.labour_rate.0 = value.parse().unwrap_or(s.labour_rate.0),
            "discount_threshold_bp" => {
                s.discount_threshold_bp = value.parse().unwrap_or(s.discount_threshold_bp)
            }
            "demo" => s.is_demo = value == "1",
            "language" => s.language = Some(value).filter(|v| !v.trim().is_empty()),
            "key_hook_first" => s.key_hooks.0 = value.parse().unwrap_or(s.key_hooks.0),
            "key_hook_last" => s.key_hooks.1 = value.parse().unwrap_or(s.key_hooks.1),
            "workshop_hours" => {
                s.workshop =
                    crate::domain::book::capacity::Hours::parse(&value).unwrap_or(s.workshop)
            }
            _ => match key.strip_prefix("report_target_") {
                Some(name) => s.report_targets.set(name, &value),
                None => call_setting(&mut s.calls, &key, &value),
            },
        }
    }
    s
}

/// The callback queue's settings; a value that does not parse keeps the default.
fn call_setting(c: &mut crate::domain::CallSettings, key: &str, value: &str) {
    let v = value.trim();
    match key {
        "quiet_hours" => c.quiet = crate::domain::callbacks::parse_quiet(v),
        "default_daily_km" => c.daily_km = v.parse().unwrap_or(c.daily_km),
        "service_interval_km" => c.interval_km = v.parse().unwrap_or(c.interval_km),
        "service_interval_months" => c.interval_months = v.parse().unwrap_or(c.interval_months),
        "callback_max_tries" => c.max_tries = v.parse().unwrap_or(c.max_tries),
        "utc_offset_minutes" => c.utc_offset_minutes = v.parse().ok(),
        _ => {}
    }
}

fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = text(r, 3)?;
    Ok(User {
        id: r.get(0)?,
        login: text(r, 1)?,
        name: text(r, 2)?,
        role: Role::from_code(&role).unwrap_or(Role::Advisor),
    })
}

pub fn user_by_login(conn: &Connection, login: &str) -> StoreResult<Option<User>> {
    Ok(conn
        .prepare_cached("SELECT id, login, name, role FROM users WHERE login = ?1 AND active = 1")?
        .query_row([login], user_from_row)
        .optional()?)
}

pub fn users(conn: &Connection) -> StoreResult<Vec<User>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, login, name, role FROM users WHERE active = 1 ORDER BY login",
    )?;
    let rows = stmt.query_map([], user_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Only a manager manages users, except the very first one (`init`).
fn permit_users(tx: &Transaction<'_>, by: Actor<'_>) -> StoreResult<()> {
    let anyone: i64 = tx.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
    if anyone == 0 {
        return Ok(());
    }
    super::desk::permit(tx, by, Permission::ManageUsers)
}

pub fn add_user(tx: &Transaction<'_>, user: &NewUser, by: Actor<'_>) -> StoreResult<User> {
    permit_users(tx, by)?;
    let taken = user_by_login(tx, &user.login)?.is_some();
    user.check(taken).map_err(StoreError::Invalid)?;
    tx.execute(
        "INSERT INTO users (login, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![user.login, user.name, user.role.code(), by.at],
    )?;
    let id = tx.last_insert_rowid();
    let event = AuditEvent::UserCreated {
        login: user.login.clone(),
        role: user.role.code(),
    };
    audit(tx, by, id, &event)?;
    Ok(User {
        id,
        login: user.login.clone(),
        name: user.name.clone(),
        role: user.role,
    })
}

/// The active user `login`, or a clear refusal.
fn active(tx: &Transaction<'_>, login: &str) -> StoreResult<User> {
    user_by_login(tx, login)?.ok_or_else(|| StoreError::Invalid(format!("no active user {login}")))
}

/// The shop keeps at least one active manager: nobody can lock it out.
fn keeps_a_manager(tx: &Transaction<'_>, leaving: &User) -> StoreResult<()> {
    let others: i64 = tx.query_row(
        "SELECT count(*) FROM users WHERE role = 'manager' AND active = 1 AND id != ?1",
        [leaving.id],
        |r| r.get(0),
    )?;
    if leaving.role == Role::Manager && others == 0 {
        return Err(StoreError::Invalid(format!(
            "{} is the last manager; make someone else manager first",
            leaving.login
        )));
    }
    Ok(())
}

pub fn set_role(tx: &Transaction<'_>, login: &str, role: Role, by: Actor<'_>) -> StoreResult<()> {
    permit_users(tx, by)?;
    let user = active(tx, login)?;
    if user.role == role {
        return Ok(());
    }
    if role != Role::Manager {
        keeps_a_manager(tx, &user)?;
    }
    tx.execute(
        "UPDATE users SET role = ?2 WHERE id = ?1",
        params![user.id, role.code()],
    )?;
    let event = AuditEvent::UserRoleChanged {
        login: user.login,
        from: user.role.code(),
        to: role.code(),
    };
    audit(tx, by, user.id, &event)
}

pub fn disable(tx: &Transaction<'_>, login: &str, by: Actor<'_>) -> StoreResult<()> {
    permit_users(tx, by)?;
    let user = active(tx, login)?;
    keeps_a_manager(tx, &user)?;
    tx.execute("UPDATE users SET active = 0 WHERE id = ?1", [user.id])?;
    audit(
        tx,
        by,
        user.id,
        &AuditEvent::UserDisabled { login: user.login },
    )
}

pub fn set_setting(tx: &Transaction<'_>, key: &str, value: &str, by: Actor<'_>) -> StoreResult<()> {
    super::desk::permit(tx, by, Permission::ChangeSettings)?;
    let from: Option<String> = tx
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    let event = AuditEvent::SettingChanged {
        key: key.to_string(),
        from: from.unwrap_or_default(),
        to: value.to_string(),
    };
    audit(tx, by, 0, &event)
}

/// SQLite's own integrity check, the foreign-key check, and text that is
/// not valid UTF-8 (shown as U+FFFD on screen, listed here).
pub fn integrity_check(conn: &Connection) -> StoreResult<Vec<String>> {
    let mut problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|line| line != "ok")
        .collect();
    let mut fk = conn.prepare("PRAGMA foreign_key_check")?;
    let fk_rows = fk.query_map([], |r| {
        Ok(format!(
            "foreign key: {} row {} points at a missing {}",
            text(r, 0)?,
            r.get::<_, Option<i64>>(1)?.unwrap_or(0),
            text(r, 2)?
        ))
    })?;
    for row in fk_rows {
        problems.push(row?);
    }
    problems.extend(bad_text(conn)?);
    Ok(problems)
}

/// Every text value that is not valid UTF-8, by table, row and column.
fn bad_text(conn: &Connection) -> StoreResult<Vec<String>> {
    let tables: Vec<String> = conn
        .prepare(
            // The search index is derived from customers and cars (which
            // are checked); its virtual and shadow tables have no rowid.
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
               AND name NOT LIKE 'search_index%'",
        )?
        .query_map([], |r| text(r, 0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |r| text(r, 0))?
            .collect::<Result<_, _>>()?;
        for column in columns {
            // Names from the schema itself, quoted: not user input.
            let sql = format!(
                "SELECT rowid, \"{column}\" FROM \"{table}\" WHERE typeof(\"{column}\") = 'text'"
            );
            let mut stmt = conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let rusqlite::types::ValueRef::Text(b) = r.get_ref(1)? {
                    if std::str::from_utf8(b).is_err() {
                        let id: i64 = r.get(0)?;
                        out.push(format!(
                            "{table} row {id}, {column}: not valid UTF-8 (shown as \u{FFFD})"
                        ));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// `VACUUM INTO` reads one consistent snapshot, so it is safe while other
/// terminals keep writing, and the copy is compact.
pub fn backup_to(conn: &Connection, path: &Path) -> StoreResult<()> {
    if path.exists() {
        return Err(StoreError::Invalid(format!(
            "{} already exists; not overwriting it",
            path.display()
        )));
    }
    let target = path
        .to_str()
        .ok_or_else(|| StoreError::Invalid("the backup path is not valid UTF-8".into()))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    // A copy holds the same personal data as the shop.
    super::files::restrict(path)
}

pub fn canned_jobs(conn: &Connection) -> StoreResult<Vec<crate::store::CannedJob>> {
    let mut stmt = conn.prepare_cached(
        "SELECT op_code, description, hours_milli, category FROM canned_jobs ORDER BY op_code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(crate::store::CannedJob {
            op_code: text(r, 0)?,
            description: text(r, 1)?,
            hours_milli: r.get(2)?,
            category: text(r, 3)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
