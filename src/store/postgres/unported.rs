//! What the group server does not do: each refuses plainly, with nothing
//! written, rather than pretend. Only `seed` is left (a group's shops are
//! built in SQLite and moved in with `frontdesk migrate`).

use crate::store::{StoreError, StoreResult};

pub(super) fn not_yet<T>(what: &str) -> StoreResult<T> {
    Err(StoreError::Invalid(format!(
        "{what} is not available on the group server yet (PostgreSQL); nothing was changed"
    )))
}
