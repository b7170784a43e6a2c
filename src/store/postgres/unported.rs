//! The areas whose SQL is not yet written for the group server. Each call
//! refuses plainly, with nothing written, rather than pretend: the pane
//! shows the refusal in its message bar. See the README's group section.

use super::PgStore;
use crate::store::book::{CustomerDetails, Export, FullFile, Imported, Merged};
use crate::store::{Actor, FileStore, Found, StoreError, StoreResult};
use chrono::{DateTime, Utc};

pub(super) fn not_yet<T>(what: &str) -> StoreResult<T> {
    Err(StoreError::Invalid(format!(
        "{what} is not available on the group server yet (PostgreSQL); nothing was changed"
    )))
}

impl FileStore for PgStore {
    fn search(&self, query: &str, limit: usize) -> StoreResult<Vec<Found>> {
        self.read(|c| super::search::anything(c, query, limit))
    }
    fn full_file(&self, _: i64, _: DateTime<Utc>) -> StoreResult<FullFile> {
        not_yet("the customer file")
    }
    fn owner_of(&self, _: i64) -> StoreResult<Option<i64>> {
        not_yet("the customer file")
    }
    fn save_customer(
        &mut self,
        _: i64,
        _: i64,
        _: &CustomerDetails,
        _: Actor<'_>,
    ) -> StoreResult<()> {
        not_yet("the customer file")
    }
    fn merge_customers(&mut self, _: i64, _: i64, _: Actor<'_>) -> StoreResult<Merged> {
        not_yet("merging customers")
    }
    fn import_records(
        &mut self,
        _: &[crate::domain::import::Record],
        _: &str,
        _: &mut dyn FnMut(u64),
        _: Actor<'_>,
    ) -> StoreResult<Imported> {
        not_yet("import (use `frontdesk migrate` to move a shop in)")
    }
    fn export(
        &self,
        _: Export,
        _: &mut dyn FnMut(&[String]) -> StoreResult<()>,
    ) -> StoreResult<u64> {
        not_yet("export (use pg_dump)")
    }
}
