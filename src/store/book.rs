//! The appointment book's and the customer files' part of the store
//! interface (F6, F7, search from anywhere).

use super::callbacks::{FileComplaint, FileContact};
use super::{Actor, StoreResult};
use crate::domain::book::{Appointment, Booking, ShowRate};
use crate::domain::draft::SearchHit;
use crate::domain::Money;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One thing the global search can jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Ro {
        id: i64,
        number: String,
        plate: String,
        customer: String,
    },
    /// A car and its owner now (and its open RO, if any).
    Car(SearchHit),
    /// A customer with no car now.
    Customer {
        id: i64,
        name: String,
        phone: String,
    },
}

/// What the advisor can change in a customer's file. Serialised to diff
/// the old and new file for the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub name: String,
    pub phone: String,
    pub phone2: String,
    pub email: String,
    pub wechat: String,
    /// phone, sms, wechat or email.
    pub preferred_contact: String,
    /// When the customer likes to be called ("after 18:00").
    pub preferred_time: String,
    pub address: String,
    pub wishes: String,
    pub notes: String,
    pub do_not_contact: bool,
    pub membership: String,
    pub points: i64,
}

pub use crate::domain::book::PREFERRED;

impl CustomerDetails {
    /// The file's own rules: a name, a phone made of phone characters, a
    /// known channel, no negative points.
    pub fn check(&self) -> Result<(), String> {
        let d = self;
        if d.name.is_empty() {
            return Err("name: the customer needs a name".into());
        }
        for (field, phone) in [("phone", &d.phone), ("phone2", &d.phone2)] {
            if phone.is_empty() {
                continue;
            }
            if let Err(e) = crate::domain::validate::check_phone(phone) {
                return Err(format!("{field}: {}", e.message));
            }
        }
        if !PREFERRED.contains(&d.preferred_contact.as_str()) {
            return Err(format!("preferred: one of {}", PREFERRED.join(", ")));
        }
        if d.points < 0 {
            return Err("points: cannot be negative".into());
        }
        Ok(())
    }
    /// As typed, made safe to store: control characters out, ends trimmed.
    pub fn cleaned(&self) -> CustomerDetails {
        let c = |s: &str| crate::domain::text::clean_line(s).trim().to_string();
        CustomerDetails {
            name: c(&self.name),
            phone: c(&self.phone),
            phone2: c(&self.phone2),
            email: c(&self.email),
            wechat: c(&self.wechat),
            preferred_contact: c(&self.preferred_contact),
            preferred_time: c(&self.preferred_time),
            address: c(&self.address),
            wishes: c(&self.wishes),
            notes: c(&self.notes),
            do_not_contact: self.do_not_contact,
            membership: c(&self.membership),
            points: self.points,
        }
    }

    /// The kept file of a merge, taking what only the duplicate knew: a
    /// second phone, an e-mail, notes. Nothing the kept file says is
    /// overwritten; points add up, and do-not-contact wins.
    pub fn taking_from(&self, dup: &CustomerDetails) -> CustomerDetails {
        let pick = |a: &str, b: &str| match a.is_empty() {
            true => b.to_string(),
            false => a.to_string(),
        };
        let mut d = self.clone();
        if d.phone2.is_empty() && dup.phone != self.phone {
            d.phone2 = dup.phone.clone();
        }
        d.email = pick(&d.email, &dup.email);
        d.wechat = pick(&d.wechat, &dup.wechat);
        d.address = pick(&d.address, &dup.address);
        d.preferred_time = pick(&d.preferred_time, &dup.preferred_time);
        d.membership = pick(&d.membership, &dup.membership);
        d.points += dup.points;
        d.do_not_contact |= dup.do_not_contact;
        for (mine, theirs) in [(&mut d.wishes, &dup.wishes), (&mut d.notes, &dup.notes)] {
            if !theirs.is_empty() && !mine.contains(theirs.as_str()) {
                *mine = match mine.is_empty() {
                    true => theirs.clone(),
                    false => format!("{mine}; {theirs}"),
                };
            }
        }
        d
    }
}

/// One line of a visit, as the file shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLine {
    pub kind: String,
    pub description: String,
    pub amount: Money,
    /// approved, declined or pending.
    pub approval: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePayment {
    pub at: DateTime<Utc>,
    pub amount: Money,
    pub method: String,
}

/// One visit of a car: the RO with its lines and payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFile {
    pub ro_id: i64,
    pub number: String,
    pub status: String,
    pub category: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub odometer: Option<i64>,
    pub concerns: String,
    pub lines: Vec<FileLine>,
    pub payments: Vec<FilePayment>,
    /// Who owned the car at that visit (a car bought used has visits
    /// under its earlier owner).
    pub customer_id: i64,
}

/// One car the customer owns now or owned before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarFile {
    pub vehicle_id: i64,
    pub plate: String,
    pub vin: String,
    pub make: String,
    pub model: String,
    pub year: Option<i64>,
    /// The day the ownership began (a date or a time, as recorded).
    pub since: Option<NaiveDate>,
    /// Set when the customer no longer owns it.
    pub until: Option<NaiveDate>,
    pub last_odometer_km: Option<i64>,
    /// The next maintenance, by date or by mileage, as the callback rules
    /// reckon it ("by mileage: 45,000 km around 2027-01-03").
    pub next_due: Option<String>,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_km: Option<i64>,
    pub visits: Vec<VisitFile>,
}

/// The whole file of step 12.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FullFile {
    pub customer_id: i64,
    pub version: i64,
    pub details: CustomerDetails,
    /// Cars now first, then cars owned before.
    pub cars: Vec<CarFile>,
    pub complaints: Vec<FileComplaint>,
    pub contacts: Vec<FileContact>,
    pub appointments: Vec<Appointment>,
    /// Set when this customer was merged into another.
    pub merged_into: Option<i64>,
}

/// What a merge moved from the duplicate to the kept customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Merged {
    pub repair_orders: usize,
    pub cars: usize,
    pub callbacks: usize,
    pub contacts: usize,
    pub complaints: usize,
    pub appointments: usize,
}

/// What `frontdesk export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Customers,
    Vehicles,
    Ros,
}

/// What an import wrote and what it found already on file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Imported {
    pub customers_new: u64,
    pub customers_matched: u64,
    pub vehicles_new: u64,
    pub vehicles_matched: u64,
    pub visits_new: u64,
    pub visits_matched: u64,
}

impl Imported {
    pub fn words(&self) -> String {
        format!(
            "{} customers new, {} already on file; {} cars new, {} already on file; {} visits new, {} already on file",
            self.customers_new,
            self.customers_matched,
            self.vehicles_new,
            self.vehicles_matched,
            self.visits_new,
            self.visits_matched
        )
    }
}

pub trait BookStore {
    /// Appointments starting in [from, to), every status, by start.
    fn appointments(&self, from: DateTime<Utc>, to: DateTime<Utc>)
        -> StoreResult<Vec<Appointment>>;
    /// Books an appointment and schedules its reminder call.
    fn book(&mut self, b: &Booking, by: Actor<'_>) -> StoreResult<i64>;
    fn move_appointment(
        &mut self,
        id: i64,
        version: i64,
        b: &Booking,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    fn cancel_appointment(
        &mut self,
        id: i64,
        version: i64,
        reason: &str,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    fn no_show(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()>;
    /// Step 1: the workshop is told, so the bay is held.
    fn tell_workshop(&mut self, id: i64, version: i64, by: Actor<'_>) -> StoreResult<()>;
    /// The car arrived: one RO, pre-filled from the appointment, on the
    /// board at once. Returns the RO's id and number.
    fn check_in_appointment(
        &mut self,
        id: i64,
        version: i64,
        by: Actor<'_>,
    ) -> StoreResult<(i64, String)>;
    fn show_rate(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<ShowRate>;
}

pub trait FileStore {
    /// Search from anywhere: ROs, cars with owners, customers.
    fn search(&self, query: &str, limit: usize) -> StoreResult<Vec<Found>>;
    fn full_file(&self, customer_id: i64, now: DateTime<Utc>) -> StoreResult<FullFile>;
    /// The owner now of a car.
    fn owner_of(&self, vehicle_id: i64) -> StoreResult<Option<i64>>;
    fn save_customer(
        &mut self,
        id: i64,
        version: i64,
        d: &CustomerDetails,
        by: Actor<'_>,
    ) -> StoreResult<()>;
    /// A manager folds a duplicate customer into another; every record of
    /// the duplicate moves, and the duplicate's row stays, marked merged.
    fn merge_customers(&mut self, keep: i64, gone: i64, by: Actor<'_>) -> StoreResult<Merged>;
    /// Writes checked import records in one transaction, matching what is
    /// already on file; `progress` hears how many rows are done.
    fn import_records(
        &mut self,
        records: &[crate::domain::import::Record],
        file: &str,
        progress: &mut dyn FnMut(u64),
        by: Actor<'_>,
    ) -> StoreResult<Imported>;
    /// Streams an export's rows (in `export_headers` order) to `sink`.
    fn export(
        &self,
        what: Export,
        sink: &mut dyn FnMut(&[String]) -> StoreResult<()>,
    ) -> StoreResult<u64>;
}
