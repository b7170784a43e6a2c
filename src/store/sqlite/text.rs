//! Text columns read whatever bytes they hold. One bad byte in one car's
//! model (written by another tool, or a damaged page) must not hide the
//! whole board: it is shown as U+FFFD, and `frontdesk check` lists the row.

use rusqlite::types::ValueRef;
use rusqlite::Row;

/// Column `i` as text; invalid UTF-8 becomes U+FFFD.
pub fn text(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    Ok(opt_text(r, i)?.unwrap_or_default())
}

/// Column `i` as text, or None for NULL.
pub fn opt_text(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    Ok(match r.get_ref(i)? {
        ValueRef::Null => None,
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
    })
}
