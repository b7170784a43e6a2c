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
    fn full_file(&self, customer_id: i64, now: DateTime<Utc>) -> StoreResult<FullFile> {
        self.read(|c| super::customers::full(c, customer_id, now))
    }
    fn owner_of(&self, vehicle_id: i64) -> StoreResult<Option<i64>> {
        self.read(|c| super::customers::owner_of(c, vehicle_id))
    }
    fn save_customer(
        &mut self,
        id: i64,
        version: i64,
        d: &CustomerDetails,
        by: Actor<'_>,
    ) -> StoreResult<()> {
        let by = self.me(by);
        self.write(|tx| super::customers::save(tx, id, version, d, by))
    }
    fn merge_customers(&mut self, keep: i64, gone: i64, by: Actor<'_>) -> StoreResult<Merged> {
        let by = self.me(by);
        self.write(|tx| super::customers::merge(tx, keep, gone, by))
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
