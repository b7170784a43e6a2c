//! Opening the shop file, with a clear one-line refusal for every bad path,
//! and without writing a byte to a file that is not ours.

use super::migrate::{migrate, user_version, LATEST_VERSION};
use super::SqliteStore;
use crate::store::{OpenMode, StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another terminal's transaction to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn fail<T>(msg: String) -> StoreResult<T> {
    Err(StoreError::Open(msg))
}

pub fn open(path: &Path, mode: OpenMode) -> StoreResult<SqliteStore> {
    let shown = path.display();
    check_path(path, mode)?;
    let read_only = mode != OpenMode::Create && (is_read_only_file(path) || !dir_writable(path));
    if read_only && mode == OpenMode::ReadWrite {
        return fail(format!(
            "{shown} is read-only here (the file or its directory cannot be written); this command needs to write"
        ));
    }
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else if mode == OpenMode::Create {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)
        .or_else(|e| fail(format!("cannot open {shown}: {e}")))?;
    if mode == OpenMode::Create {
        // Customers' phones are personal data: the shop's group only.
        super::files::restrict(path)?;
    }
    probe(&conn, path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if read_only {
        if user_version(&conn)? < LATEST_VERSION {
            return fail(format!("{shown} needs a schema upgrade but is read-only"));
        }
    } else {
        // WAL lets the board read while a desk writes. Set before any transaction.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return fail(format!("{shown}: cannot switch to WAL mode (got {mode})"));
        }
        configure(&conn)?;
        migrate(&mut conn)?;
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(SqliteStore::new(conn, path.to_path_buf(), read_only))
}

/// Connection settings for every writable connection.
pub fn configure(conn: &Connection) -> StoreResult<()> {
    conn.pragma_update(None, "foreign_keys", true)?;
    // FULL: a saved repair order survives a power cut, not just a crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(())
}

fn check_path(path: &Path, mode: OpenMode) -> StoreResult<()> {
    let shown = path.display();
    if path.is_dir() {
        return fail(format!("{shown} is a directory, not a database file"));
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return fail(format!(
            "cannot use {shown}: directory {} does not exist",
            parent.display()
        ));
    }
    let create =
        format!("create one with `frontdesk init --db {shown}` or `frontdesk --demo --db {shown}`");
    match (mode, path.exists()) {
        (OpenMode::Create, true) => fail(format!("{shown} already exists; not overwriting it")),
        (OpenMode::ReadWrite | OpenMode::ReadOnlyOk, false) => {
            fail(format!("no database at {shown}; {create}"))
        }
        // SQLite would take an empty file for a new database and write a
        // schema into it: an empty file is refused like a missing one.
        (OpenMode::ReadWrite | OpenMode::ReadOnlyOk, true) if is_empty(path) => fail(format!(
            "{shown} is an empty file, not a frontdesk shop; {create}"
        )),
        _ => Ok(()),
    }
}

fn is_empty(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(false)
}

/// Whether the directory can take the files SQLite keeps beside the shop.
/// Its permission bits are read too, because root could otherwise write a
/// directory that is marked read-only.
fn dir_writable(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let marked = std::fs::metadata(dir)
        .map(|m| m.permissions().readonly())
        .unwrap_or(true);
    !marked && may_write(dir)
}

/// Read-only by its permission bits. Checked explicitly because root (and
/// so CI) could otherwise write a file that is marked read-only.
fn is_read_only_file(path: &Path) -> bool {
    let marked = std::fs::metadata(path)
        .map(|m| m.permissions().readonly())
        .unwrap_or(false);
    marked || !may_write(path)
}

/// Whether this process may write `path`, by its effective ids: installed
/// setgid to the shop's group, frontdesk writes where its user alone could
/// not (faccessat with AT_EACCESS, not access(2), which asks the real ids).
fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
}

/// Refuses files that are not SQLite, not ours, or too new, before any write.
fn probe(conn: &Connection, path: &Path) -> StoreResult<()> {
    let shown = path.display();
    let tables: i64 = match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)) {
        Ok(n) => n,
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            return fail(format!(
                "{shown} is not a SQLite database, so not a frontdesk shop; create one with `frontdesk init --db <new file>`"
            ));
        }
        Err(e) => return fail(format!("cannot read {shown}: {e}")),
    };
    let version = user_version(conn)?;
    if version > LATEST_VERSION {
        return fail(format!(
            "{shown} was written by a newer frontdesk (schema {version}; this build knows up to {LATEST_VERSION}); upgrade frontdesk"
        ));
    }
    if version == 0 && tables > 0 {
        return fail(format!(
            "{shown} is a SQLite database but not a frontdesk one"
        ));
    }
    Ok(())
}
