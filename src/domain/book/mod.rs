//! The appointment book (step 1, 004 §(二)16): fill in the form, take a
//! deposit of at least half the price of expensive parts ordered ahead,
//! tell the workshop the same day so a bay is held, remind the customer
//! half a day to a day before (the callback rule `appointment_reminder`).
//!
//! Capacity is in minutes of the working day: a bay holds `capacity` cars
//! at once, a work group has `technicians` pairs of hands.

pub mod capacity;
pub mod events;
pub mod risk;

use super::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The ways a customer may prefer to be reached (002).
pub const PREFERRED: [&str; 4] = ["phone", "sms", "wechat", "email"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    /// The customer confirmed on the reminder call.
    Confirmed,
    /// Checked in: an RO was made from it.
    Arrived,
    NoShow,
    Cancelled,
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        AppointmentStatus::Booked,
        AppointmentStatus::Confirmed,
        AppointmentStatus::Arrived,
        AppointmentStatus::NoShow,
        AppointmentStatus::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Confirmed => "confirmed",
            AppointmentStatus::Arrived => "arrived",
            AppointmentStatus::NoShow => "no_show",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<AppointmentStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Still expected: it holds its bay and may be moved, cancelled,
    /// checked in or marked a no-show.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            AppointmentStatus::Booked | AppointmentStatus::Confirmed
        )
    }
}

/// One line of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: i64,
    pub version: i64,
    pub customer_id: i64,
    pub customer: String,
    pub phone: String,
    pub vehicle_id: Option<i64>,
    pub plate: String,
    pub model: String,
    pub advisor: String,
    pub bay_id: Option<i64>,
    pub work_group_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub requested_work: String,
    pub parts_value: Money,
    pub deposit: Money,
    pub status: AppointmentStatus,
    pub workshop_told_at: Option<DateTime<Utc>>,
    pub ro_id: Option<i64>,
    pub overbooked_reason: String,
}

impl Appointment {
    /// The RO the car's arrival opens: customer, car, the requested work as
    /// the concerns, the group, the booked time as the estimate, and the
    /// booked end as the promise when it is still ahead of `now`.
    pub fn repair_order(
        &self,
        advisor: &str,
        vehicle: crate::domain::repair_order::VehicleRef,
        now: DateTime<Utc>,
    ) -> crate::domain::RepairOrder {
        let mut ro = crate::domain::RepairOrder::new(advisor);
        ro.customer = crate::domain::repair_order::CustomerRef {
            id: Some(self.customer_id),
            name: self.customer.clone(),
            phone: self.phone.clone(),
        };
        ro.vehicle = vehicle;
        ro.concerns = self.requested_work.clone();
        ro.work_group_id = self.work_group_id;
        ro.estimated_minutes = Some(self.minutes()).filter(|m| *m > 0);
        ro.promised_at = Some(self.ends_at).filter(|e| *e > now);
        ro
    }

    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes().max(0)
    }

    pub fn slot(&self) -> capacity::Slot {
        capacity::Slot {
            bay_id: self.bay_id,
            work_group_id: self.work_group_id,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        }
    }
}

/// The appointment form, new or moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub bay_id: Option<i64>,
    pub work_group_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub requested_work: String,
    pub parts_value: Money,
    pub deposit: Money,
    /// Why the advisor books over capacity anyway; empty when they do not.
    pub overbook_reason: String,
}

/// Why a booking cannot be written, in words for the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingRefusal {
    #[error("the appointment starts in the past; pick a later time")]
    InThePast,
    #[error("the appointment must end after it starts")]
    EndsBeforeStart,
    #[error("say what the customer wants done")]
    NoWork,
    #[error("amounts cannot be negative")]
    Negative,
    #[error("the deposit is more than the parts' price")]
    DepositAboveParts,
    #[error("{0}; give a reason to book it anyway")]
    Overbooked(String),
    #[error("this appointment is {0} and can no longer change")]
    Closed(&'static str),
}

/// Checks the form itself (not the load): the time, the work, the money.
pub fn check_form(b: &Booking, now: DateTime<Utc>) -> Result<(), BookingRefusal> {
    if b.starts_at < now {
        return Err(BookingRefusal::InThePast);
    }
    if b.ends_at <= b.starts_at {
        return Err(BookingRefusal::EndsBeforeStart);
    }
    if b.requested_work.trim().is_empty() {
        return Err(BookingRefusal::NoWork);
    }
    if b.parts_value.0 < 0 || b.deposit.0 < 0 {
        return Err(BookingRefusal::Negative);
    }
    if b.deposit.0 > b.parts_value.0 {
        return Err(BookingRefusal::DepositAboveParts);
    }
    Ok(())
}

/// Step 1: parts ordered ahead need a deposit of at least half their price.
/// Returns what is missing (rounded up to the minor unit), or None when the
/// deposit is enough or nothing is ordered.
pub fn deposit_short(parts_value: Money, deposit: Money) -> Option<Money> {
    let half = (parts_value.0 + 1) / 2;
    (parts_value.0 > 0 && deposit.0 < half).then_some(Money(half - deposit.0))
}

/// Show-rate figures over a range, for the reports (issue 12).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShowRate {
    pub booked: i64,
    pub arrived: i64,
    pub no_show: i64,
    pub cancelled: i64,
    /// Still booked or confirmed (not yet decided).
    pub pending: i64,
}

impl ShowRate {
    /// The figures of a set of appointments, by their statuses.
    pub fn of(statuses: impl IntoIterator<Item = AppointmentStatus>) -> ShowRate {
        let mut rate = ShowRate::default();
        for s in statuses {
            rate.add(s);
        }
        rate
    }

    pub fn add(&mut self, status: AppointmentStatus) {
        self.booked += 1;
        match status {
            AppointmentStatus::Arrived => self.arrived += 1,
            AppointmentStatus::NoShow => self.no_show += 1,
            AppointmentStatus::Cancelled => self.cancelled += 1,
            _ => self.pending += 1,
        }
    }

    /// Arrived out of those that were due and not cancelled, in per mille
    /// (None when none were due). A cancellation told in advance frees the
    /// bay and is not a no-show.
    pub fn show_per_mille(&self) -> Option<i64> {
        let due = self.arrived + self.no_show;
        (due > 0).then(|| self.arrived * 1000 / due)
    }

    pub fn no_show_per_mille(&self) -> Option<i64> {
        self.show_per_mille().map(|s| 1000 - s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn form(now: DateTime<Utc>) -> Booking {
        Booking {
            customer_id: 1,
            vehicle_id: Some(1),
            bay_id: None,
            work_group_id: None,
            starts_at: now + Duration::hours(2),
            ends_at: now + Duration::hours(3),
            requested_work: "5,000 km service".into(),
            parts_value: Money(0),
            deposit: Money(0),
            overbook_reason: String::new(),
        }
    }

    #[test]
    fn the_deposit_must_be_half_the_parts_price() {
        assert_eq!(deposit_short(Money(0), Money(0)), None);
        assert_eq!(deposit_short(Money(100_000), Money(50_000)), None);
        assert_eq!(deposit_short(Money(100_000), Money(49_999)), Some(Money(1)));
        assert_eq!(deposit_short(Money(100_001), Money(50_000)), Some(Money(1)));
        assert_eq!(deposit_short(Money(80_000), Money(0)), Some(Money(40_000)));
    }

    #[test]
    fn the_form_refuses_the_past_and_empty_work() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
        assert_eq!(check_form(&form(now), now), Ok(()));
        let mut past = form(now);
        past.starts_at = now - Duration::minutes(1);
        assert_eq!(check_form(&past, now), Err(BookingRefusal::InThePast));
        let mut empty = form(now);
        empty.requested_work = "  ".into();
        assert_eq!(check_form(&empty, now), Err(BookingRefusal::NoWork));
        let mut back = form(now);
        back.ends_at = back.starts_at;
        assert_eq!(check_form(&back, now), Err(BookingRefusal::EndsBeforeStart));
        let mut rich = form(now);
        rich.deposit = Money(10);
        assert_eq!(
            check_form(&rich, now),
            Err(BookingRefusal::DepositAboveParts)
        );
    }

    #[test]
    fn the_show_rate_leaves_out_cancellations_and_pending() {
        let mut r = ShowRate::default();
        for s in [
            AppointmentStatus::Arrived,
            AppointmentStatus::Arrived,
            AppointmentStatus::Arrived,
            AppointmentStatus::NoShow,
            AppointmentStatus::Cancelled,
            AppointmentStatus::Booked,
        ] {
            r.add(s);
        }
        assert_eq!(r.booked, 6);
        assert_eq!(r.show_per_mille(), Some(750));
        assert_eq!(r.no_show_per_mille(), Some(250));
        assert_eq!(ShowRate::default().show_per_mille(), None);
    }
}
