//! Notices commits by other processes. `PRAGMA data_version` changes when
//! another connection commits (never for this connection's own commits), so it
//! is polled on a dedicated connection; `update_hook` would not see them.

use crate::store::{ChangeWatcher, StoreResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

pub struct DataVersionWatcher {
    conn: Connection,
    last: i64,
}

impl DataVersionWatcher {
    pub fn open(path: &Path) -> StoreResult<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(std::time::Duration::from_millis(200))?;
        let last = data_version(&conn)?;
        Ok(DataVersionWatcher { conn, last })
    }
}

fn data_version(conn: &Connection) -> StoreResult<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

impl ChangeWatcher for DataVersionWatcher {
    fn changed(&mut self) -> StoreResult<bool> {
        let now = data_version(&self.conn)?;
        let changed = now != self.last;
        self.last = now;
        Ok(changed)
    }
}
