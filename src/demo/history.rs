//! Years of a busy shop, simulated day by day and streamed to a store
//! (`frontdesk generate`). Only what the next day needs stays in memory:
//! each car's owner, odometer and last visit (about 40 bytes a car), so a
//! million ROs take the same memory as ten thousand.
//!
//! The shape follows the trade: weekdays are busier than Sundays; most
//! cars come back, a few change owners, and their odometers grow with the
//! days between visits; one customer in five has a second car; every
//! category and payer occurs (warranty and recalls paid by the maker,
//! accident work by the insurer with the customer's excess); about one RO
//! in seven finds added work, which the customer approves or declines;
//! deliveries get their three-day call, and a few end in a complaint.

use super::builder::{demo_data, DemoData, TAX_RATE_BP};
use crate::domain::pricing::totals;
use crate::domain::repair_order::{Category, LineKind, Payer, RoLine};
use crate::domain::{vin, Money, RoStatus};
use crate::store::history::*;
use crate::store::seed::SeedTimes;
use crate::store::StoreResult;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The first RO's serial, as a new shop's numbering starts.
const FIRST_SERIAL: i64 = 24_001;
/// Plates are a bijection of the car's index over 34⁵ tails (digits and
/// letters but I and O), so no two cars share one (the multiplier is
/// coprime with 34).
const PLATE_SPACE: u64 = 34u64.pow(5);
const PLATE_MIX: u64 = 1_000_003;

/// A car as the simulation remembers it between visits.
#[derive(Clone, Copy)]
struct Car {
    id: i64,
    owner: i64,
    km: i64,
    /// Kilometres a day its owner drives.
    daily_km: i64,
    last_visit: i64,
}

/// Where the walk of days stands.
struct Sim<'a> {
    plan: &'a HistoryPlan,
    frame: &'a ShopFrame,
    data: DemoData,
    rng: fastrand::Rng,
    cars: Vec<Car>,
    customers: i64,
    next_ro: i64,
    counts: HistoryCounts,
    /// Bays holding an open RO (the board's cars in bays).
    bays_taken: Vec<bool>,
}

/// Writes the whole history to `sink`, calling `progress` with the ROs
/// written so far. Returns what was written.
pub fn simulate(
    plan: &HistoryPlan,
    frame: &ShopFrame,
    sink: &mut dyn HistorySink,
    progress: &mut dyn FnMut(u64),
) -> StoreResult<HistoryCounts> {
    let mut sim = Sim {
        plan,
        frame,
        data: demo_data(),
        rng: fastrand::Rng::with_seed(plan.seed),
        cars: Vec::new(),
        customers: 0,
        next_ro: 0,
        counts: HistoryCounts::default(),
        bays_taken: vec![false; frame.bays.len()],
    };
    let days = (plan.years * 365.25).round() as i64;
    let today = sim.local_day(plan.now);
    for d in (0..=days).rev() {
        sim.day(today - Duration::days(d), sink)?;
        progress(sim.counts.repair_orders);
    }
    sim.future_bookings(today, sink)?;
    for car in &sim.cars {
        let at = sim.at(day_zero() + Duration::days(car.last_visit), 9 * 60);
        sink.odometer(car.id, car.km, at.min(plan.now))?;
    }
    Ok(sim.counts)
}

/// Day numbers count from here, so a car's last visit fits in an i64 of days.
fn day_zero() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date")
}

/// Arrivals on a day, against the plan's average: quiet Sundays, busy
/// Mondays.
fn day_factor(day: NaiveDate) -> f64 {
    match day.weekday() {
        Weekday::Sun => 0.55,
        Weekday::Sat => 0.9,
        Weekday::Mon => 1.2,
        _ => 1.08,
    }
}

impl Sim<'_> {
    fn local_day(&self, t: DateTime<Utc>) -> NaiveDate {
        (t + Duration::minutes(self.plan.utc_offset_minutes)).date_naive()
    }

    /// `minute` minutes after local midnight of `day`, in UTC.
    fn at(&self, day: NaiveDate, minute: i64) -> DateTime<Utc> {
        day.and_hms_opt(0, 0, 0).expect("midnight").and_utc()
            + Duration::minutes(minute - self.plan.utc_offset_minutes)
    }

    fn day(&mut self, day: NaiveDate, sink: &mut dyn HistorySink) -> StoreResult<()> {
        let mean = self.plan.cars_per_day as f64 * day_factor(day);
        let n = (mean * (0.8 + 0.4 * self.rng.f64())).round() as usize;
        let mut minutes: Vec<i64> = (0..n).map(|_| 8 * 60 + self.rng.i64(0..600)).collect();
        minutes.sort_unstable();
        for minute in minutes {
            let checked_in = self.at(day, minute);
            if checked_in > self.plan.now {
                break;
            }
            self.arrival(day, checked_in, sink)?;
        }
        self.lost_bookings(day, sink)
    }

    /// A car arrives: one seen before (most of them), or a new one.
    fn arrival(
        &mut self,
        day: NaiveDate,
        checked_in: DateTime<Utc>,
        sink: &mut dyn HistorySink,
    ) -> StoreResult<()> {
        let today = (day - day_zero()).num_days();
        let returning = !self.cars.is_empty() && self.rng.u8(0..100) < 68;
        let car = match returning {
            true => {
                let i = self.rng.usize(0..self.cars.len());
                let recent = today - self.cars[i].last_visit < 20;
                // A car back within weeks is a comeback: rare, but real.
                if recent && self.rng.u8(0..10) != 0 {
                    self.new_car(day, checked_in, sink)?
                } else {
                    i
                }
            }
            false => self.new_car(day, checked_in, sink)?,
        };
        if returning && self.rng.u16(0..1000) < 15 {
            self.sell(car, checked_in, sink)?;
        }
        let c = &mut self.cars[car];
        c.km += c.daily_km * (today - c.last_visit).max(1);
        c.last_visit = today;
        let car = *c;
        let visit = self.visit(car, checked_in);
        sink.visit(&visit)?;
        self.counts.repair_orders += 1;
        if !matches!(visit.status, RoStatus::Delivered | RoStatus::Declined) {
            self.counts.open += 1;
        }
        self.counts.callbacks += visit.callback.is_some() as u64;
        self.counts.complaints += visit.complaint.is_some() as u64;
        self.counts.appointments += visit.appointment.is_some() as u64;
        Ok(())
    }

    fn new_customer(&mut self, at: DateTime<Utc>, sink: &mut dyn HistorySink) -> StoreResult<i64> {
        self.customers += 1;
        let id = self.customers;
        let c = GenCustomer {
            id,
            name: self.name(),
            phone: format!(
                "13{}{:08}",
                self.rng.u8(0..10),
                self.rng.u32(0..100_000_000)
            ),
            preferred_contact: ["phone", "phone", "wechat", "sms"][self.rng.usize(0..4)],
            at,
        };
        sink.customer(&c)?;
        self.counts.customers += 1;
        Ok(id)
    }

    /// Chinese names three times in five, Latin ones otherwise, from the
    /// demo's lists: a surname with another name's given name.
    fn name(&mut self) -> String {
        let d = &self.data;
        if self.rng.u8(0..5) < 3 {
            let family = &d.chinese_names[self.rng.usize(0..d.chinese_names.len())];
            let given = &d.chinese_names[self.rng.usize(0..d.chinese_names.len())];
            let mut family = family.chars();
            let surname = family.next().unwrap_or('王');
            let given: String = given.chars().skip(1).collect();
            format!("{surname}{given}")
        } else {
            let first = &d.latin_names[self.rng.usize(0..d.latin_names.len())];
            let last = &d.latin_names[self.rng.usize(0..d.latin_names.len())];
            let first = first.split(' ').next().unwrap_or("Ana");
            let last = last.rsplit(' ').next().unwrap_or("López");
            format!("{first} {last}")
        }
    }

    /// A car seen for the first time; one in five belongs to a customer
    /// who already has one.
    fn new_car(
        &mut self,
        day: NaiveDate,
        at: DateTime<Utc>,
        sink: &mut dyn HistorySink,
    ) -> StoreResult<usize> {
        let owner = if self.customers > 0 && self.rng.u8(0..5) == 0 {
            self.rng.i64(1..=self.customers)
        } else {
            self.new_customer(at, sink)?
        };
        let index = self.cars.len() as u64;
        let id = index as i64 + 1;
        let model = self.rng.usize(0..self.data.models.len());
        let colour = self.rng.usize(0..self.data.colours.len());
        let wmi = self.data.models[model].wmi.clone();
        let (vin, plate) = (self.vin(&wmi, index), self.plate(index));
        let spec = &self.data.models[model];
        // A third are new cars come for their first service.
        let age_days = if self.rng.u8(0..3) == 0 {
            self.rng.i64(20..120)
        } else {
            self.rng.i64(120..3650)
        };
        let purchased_on = day - Duration::days(age_days);
        let v = GenVehicle {
            id,
            owner,
            vin,
            plate,
            make: spec.make.clone(),
            model: spec.model.clone(),
            year: purchased_on.year(),
            colour: self.data.colours[colour].clone(),
            purchased_on,
            at,
        };
        sink.vehicle(&v)?;
        self.counts.vehicles += 1;
        let daily_km = 15 + self.rng.i64(0..70);
        self.cars.push(Car {
            id,
            owner,
            km: age_days * daily_km,
            daily_km,
            last_visit: (day - day_zero()).num_days() - 1,
        });
        Ok(self.cars.len() - 1)
    }

    /// A VIN whose serial part is the car's index: unique, with a valid
    /// check digit.
    fn vin(&mut self, wmi: &str, index: u64) -> String {
        let raw = format!("{wmi}{}{}{:08}", "ABCDE", self.rng.u8(0..10), index);
        vin::with_check_digit(&raw[..17]).unwrap_or(raw)
    }

    fn plate(&mut self, index: u64) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        let mut n = (index * PLATE_MIX) % PLATE_SPACE;
        let mut tail = [b'0'; 5];
        for c in tail.iter_mut().rev() {
            *c = ALPHABET[(n % 34) as usize];
            n /= 34;
        }
        let d = &self.data;
        let province = &d.provinces[(index as usize) % d.provinces.len()];
        format!("{province}·{}", String::from_utf8_lossy(&tail))
    }

    /// The car changed hands before this visit.
    fn sell(
        &mut self,
        car: usize,
        visit: DateTime<Utc>,
        sink: &mut dyn HistorySink,
    ) -> StoreResult<()> {
        let on = visit - Duration::days(self.rng.i64(5..60));
        let to = self.new_customer(on, sink)?;
        sink.owner_change(self.cars[car].id, to, on)?;
        self.cars[car].owner = to;
        self.counts.owner_changes += 1;
        Ok(())
    }
}

/// Category weights (per mille), with what the customer came for.
const CATEGORIES: [(Category, u16, &[&str]); 6] = [
    (
        Category::Maintenance,
        520,
        &[
            "10,000 km routine service",
            "保养 首保 first maintenance",
            "Oil and filter, 5,000 km",
        ],
    ),
    (
        Category::Repair,
        250,
        &[
            "Brake squeal front left when stopping",
            "Air-con blows warm",
            "Engine warning light on",
            "异响 noise from rear suspension over bumps",
            "Battery weak in the morning",
        ],
    ),
    (
        Category::AccidentInsurance,
        90,
        &[
            "Rear bumper scratched in car park, insurance claim",
            "Front door dented, body and paint",
        ],
    ),
    (
        Category::Warranty,
        80,
        &[
            "Water leak at sunroof (warranty)",
            "Infotainment reboots (warranty)",
        ],
    ),
    (
        Category::RecallCampaign,
        30,
        &["Recall campaign: fuel pump"],
    ),
    (
        Category::Accessories,
        30,
        &["Install dash camera (accessory)"],
    ),
];

const COMPLAINTS: [&str; 3] = [
    "Car not ready at the promised time",
    "Noise still there after the repair",
    "Charged for work not explained",
];

impl Sim<'_> {
    fn category(&mut self) -> (Category, &'static str) {
        let mut roll = self.rng.u16(0..1000);
        for (category, weight, concerns) in CATEGORIES {
            if roll < weight {
                return (category, concerns[self.rng.usize(0..concerns.len())]);
            }
            roll -= weight;
        }
        (Category::Maintenance, CATEGORIES[0].2[0])
    }

    fn visit(&mut self, car: Car, checked_in: DateTime<Utc>) -> GenVisit {
        let (category, concerns) = self.category();
        let serial = FIRST_SERIAL + self.next_ro;
        self.next_ro += 1;
        let estimate = 45 + self.rng.i64(0..330);
        let mut lines = self.lines(category);
        let added_call =
            (self.rng.u8(0..7) == 0).then(|| self.added_work(&mut lines, checked_in, estimate));
        let times = self.times(checked_in, estimate);
        let status = self.status(&times);
        let bay = (status == RoStatus::InBay)
            .then(|| self.free_bay())
            .flatten();
        let status = if status == RoStatus::InBay && bay.is_none() {
            RoStatus::WaitingForBay
        } else {
            status
        };
        let payments = self.payments(&lines, &times);
        let delivered = times.delivered_at;
        let advisors = &self.frame.advisors;
        let groups = &self.frame.groups;
        let appointment = (self.rng.u8(0..20) < 7).then(|| {
            let booked = checked_in - Duration::hours(self.rng.i64(20..170));
            (booked, checked_in - Duration::minutes(self.rng.i64(0..20)))
        });
        GenVisit {
            id: self.next_ro,
            serial,
            vehicle: car.id,
            customer: car.owner,
            advisor: advisors[self.rng.usize(0..advisors.len())],
            group: groups[self.rng.usize(0..groups.len())],
            bay,
            status,
            category,
            concerns,
            odometer_km: car.km.max(5),
            fuel_eighths: self.rng.i64(1..9),
            times,
            lines,
            payments,
            appointment,
            key_tag: format!("{:03}", serial % 1000),
            added_call,
            checks: self.checks(),
            callback: delivered.map(|d| self.three_day_call(d)),
            complaint: delivered
                .filter(|_| self.rng.u16(0..1000) < 9)
                .map(|d| self.complaint(d)),
        }
    }

    fn lines(&mut self, category: Category) -> Vec<GenLine> {
        let payer = match category {
            Category::Warranty | Category::RecallCampaign => Payer::Warranty,
            Category::AccidentInsurance => Payer::Insurer,
            _ => Payer::Customer,
        };
        let mut lines = vec![
            GenLine {
                kind: LineKind::Labour,
                code: format!("OP-{}", 100 + self.rng.u32(0..400)),
                description: "Labour".into(),
                quantity_milli: (5 + self.rng.i64(0..35)) * 100,
                unit_price_minor: 18_000,
                payer,
                approval: "original",
            },
            GenLine {
                kind: LineKind::Part,
                code: format!("P{:07}", self.rng.u32(0..50_000)),
                description: "Parts".into(),
                quantity_milli: 1000 * (1 + self.rng.i64(0..4)),
                unit_price_minor: 3_000 + self.rng.i64(0..60_000),
                payer,
                approval: "original",
            },
        ];
        if payer == Payer::Insurer {
            lines.push(GenLine {
                kind: LineKind::Fee,
                code: "EXCESS".into(),
                description: "Insurance excess (customer)".into(),
                quantity_milli: 1000,
                unit_price_minor: 50_000,
                payer: Payer::Customer,
                approval: "original",
            });
        }
        lines
    }

    /// Work found on the lift: approved two times in three.
    fn added_work(
        &mut self,
        lines: &mut Vec<GenLine>,
        checked_in: DateTime<Utc>,
        estimate: i64,
    ) -> GenAddedCall {
        let approval = if self.rng.u8(0..3) < 2 {
            "approved"
        } else {
            "declined"
        };
        lines.push(GenLine {
            kind: LineKind::Labour,
            code: format!("OP-{}", 500 + self.rng.u32(0..100)),
            description: "Added: worn brake discs".into(),
            quantity_milli: 1500,
            unit_price_minor: 18_000,
            payer: Payer::Customer,
            approval,
        });
        lines.push(GenLine {
            kind: LineKind::Part,
            code: format!("P{:07}", 60_000 + self.rng.u32(0..5_000)),
            description: "Added: brake discs, pair".into(),
            quantity_milli: 1000,
            unit_price_minor: 80_000 + self.rng.i64(0..40_000),
            payer: Payer::Customer,
            approval,
        });
        let asked_at = checked_in + Duration::minutes(estimate / 2);
        GenAddedCall {
            asked_at,
            answered_at: asked_at + Duration::minutes(self.rng.i64(2..40)),
            channel: ["phone", "phone", "in_person", "message"][self.rng.usize(0..4)],
        }
    }

    /// The visit's times, as the desk would stamp them; those after `now`
    /// have not happened yet.
    fn times(&mut self, checked_in: DateTime<Utc>, estimate: i64) -> SeedTimes {
        let now = self.plan.now;
        let at = |m: i64| Some(checked_in + Duration::minutes(m)).filter(|t| *t <= now);
        let wait = self.rng.i64(5..60);
        let late = if self.rng.u8(0..10) == 0 {
            self.rng.i64(30..180)
        } else {
            0
        };
        let ready = wait + estimate + late;
        let collect = ready + 20 + self.rng.i64(0..1200);
        SeedTimes {
            checked_in_at: Some(checked_in),
            promised_at: Some(checked_in + Duration::minutes(wait + estimate + 60)),
            estimated_minutes: Some(estimate),
            workshop_received_at: at(wait / 2),
            work_started_at: at(wait),
            progress_checked_at: at(wait + estimate * 3 / 4),
            pickup_called_at: at(ready),
            ready_at: at(ready),
            qc_passed_at: at(ready - 10),
            exit_notice_at: at(collect - 5),
            delivered_at: at(collect),
        }
    }

    fn status(&self, t: &SeedTimes) -> RoStatus {
        if t.delivered_at.is_some() {
            RoStatus::Delivered
        } else if t.ready_at.is_some() {
            RoStatus::ReadyForPickup
        } else if t.work_started_at.is_some() {
            RoStatus::InBay
        } else if t.workshop_received_at.is_some() {
            RoStatus::WaitingForBay
        } else {
            RoStatus::CheckedIn
        }
    }

    fn free_bay(&mut self) -> Option<i64> {
        let i = self.bays_taken.iter().position(|t| !t)?;
        self.bays_taken[i] = true;
        Some(self.frame.bays[i])
    }

    /// A delivered RO is paid in full, at the cashier before the exit notice.
    fn payments(&self, lines: &[GenLine], t: &SeedTimes) -> Vec<(DateTime<Utc>, i64)> {
        let Some(exit) = t.exit_notice_at else {
            return Vec::new();
        };
        let lines: Vec<RoLine> = lines
            .iter()
            .filter(|l| l.approval != "declined")
            .map(|l| RoLine {
                kind: l.kind,
                quantity_milli: l.quantity_milli,
                unit_price: Money(l.unit_price_minor),
                payer: l.payer,
                ..RoLine::default()
            })
            .collect();
        let due = totals(&lines, 0, self.frame.tax_rate_bp).customer_due().0;
        if due > 0 {
            vec![(exit - Duration::minutes(5), due)]
        } else {
            Vec::new()
        }
    }

    fn checks(&mut self) -> Vec<GenCheck> {
        let mut checks = vec![GenCheck {
            category: "document",
            item: "Driving licence",
            damage: None,
        }];
        if self.rng.u8(0..10) < 3 {
            let item =
                ["Umbrella", "Child seat", "Sunglasses", "Dash camera"][self.rng.usize(0..4)];
            checks.push(GenCheck {
                category: "belonging",
                item,
                damage: None,
            });
        }
        if self.rng.u8(0..4) == 0 {
            let kind = ["scratch", "dent", "chip", "crack"][self.rng.usize(0..4)];
            let item = [
                "Front bumper",
                "Rear bumper",
                "Left front door",
                "Windscreen",
            ][self.rng.usize(0..4)];
            checks.push(GenCheck {
                category: "damage",
                item,
                damage: Some((kind, 1 + self.rng.i64(0..3))),
            });
        }
        checks
    }

    /// The three-day call: reached and scored most of the time.
    fn three_day_call(&mut self, delivered: DateTime<Utc>) -> GenCallback {
        let day = self.local_day(delivered);
        let due_at = self.at(day + Duration::days(2), 0);
        let due_until = self.at(day + Duration::days(7), 0);
        let call = due_at + Duration::minutes(9 * 60 + self.rng.i64(0..2400));
        if call > self.plan.now {
            return GenCallback {
                due_at,
                due_until,
                status: "open",
                contacts: Vec::new(),
                done_at: None,
            };
        }
        let roll = self.rng.u8(0..100);
        if roll < 9 {
            let contacts = (0..3)
                .map(|i| GenContact {
                    at: call + Duration::hours(26 * i),
                    outcome: "no_answer",
                    satisfaction: None,
                })
                .collect();
            return GenCallback {
                due_at,
                due_until,
                status: "unreachable",
                contacts,
                done_at: Some(call + Duration::hours(52)),
            };
        }
        let score = match self.rng.u8(0..100) {
            0..=54 => 5,
            55..=84 => 4,
            85..=94 => 3,
            95..=97 => 2,
            _ => 1,
        };
        GenCallback {
            due_at,
            due_until,
            status: "done",
            contacts: vec![GenContact {
                at: call,
                outcome: "reached",
                satisfaction: Some(score),
            }],
            done_at: Some(call),
        }
    }

    fn complaint(&mut self, delivered: DateTime<Utc>) -> GenComplaint {
        let received_at = delivered + Duration::hours(self.rng.i64(20..240));
        let resolved = received_at + Duration::hours(self.rng.i64(4..96));
        let done = resolved <= self.plan.now;
        GenComplaint {
            received_at,
            reply_by: received_at + Duration::days(2),
            description: COMPLAINTS[self.rng.usize(0..COMPLAINTS.len())],
            status: if done { "closed" } else { "open" },
            resolved_at: done.then_some(resolved),
        }
    }

    /// Bookings that did not turn into a visit: about one no-show and one
    /// cancellation for every twenty cars.
    fn lost_bookings(&mut self, day: NaiveDate, sink: &mut dyn HistorySink) -> StoreResult<()> {
        if self.cars.is_empty() {
            return Ok(());
        }
        let n = (self.plan.cars_per_day as f64 * 0.05 * (0.5 + self.rng.f64())).round() as usize;
        for i in 0..n * 2 {
            let minute = 8 * 60 + self.rng.i64(0..600);
            let starts_at = self.at(day, minute);
            if starts_at > self.plan.now {
                break;
            }
            let status = if i % 2 == 0 { "no_show" } else { "cancelled" };
            self.booking(starts_at, status, sink)?;
        }
        Ok(())
    }

    /// The next three days' bookings.
    fn future_bookings(&mut self, today: NaiveDate, sink: &mut dyn HistorySink) -> StoreResult<()> {
        if self.cars.is_empty() {
            return Ok(());
        }
        for d in 1..=3 {
            let n = self.plan.cars_per_day as usize * 35 / 100;
            for _ in 0..n {
                let minute = 8 * 60 + 15 * self.rng.i64(0..40);
                let starts_at = self.at(today + Duration::days(d), minute);
                self.booking(starts_at, "booked", sink)?;
            }
        }
        Ok(())
    }

    fn booking(
        &mut self,
        starts_at: DateTime<Utc>,
        status: &'static str,
        sink: &mut dyn HistorySink,
    ) -> StoreResult<()> {
        let car = self.cars[self.rng.usize(0..self.cars.len())];
        let a = GenAppointment {
            customer: car.owner,
            vehicle: car.id,
            starts_at,
            created_at: starts_at - Duration::hours(self.rng.i64(20..170)),
            status,
            requested_work: CATEGORIES[0].2[0],
        };
        sink.appointment(&a)?;
        self.counts.appointments += 1;
        Ok(())
    }
}

/// The tax rate the generated shop is set up with.
pub const TAX_RATE: i64 = TAX_RATE_BP;
