//! Builds a [`ShopSeed`] piece by piece from the lists in `assets/demo.toml`.

use super::replay::{Settle, Visit};
use crate::domain::pricing::totals;
use crate::domain::repair_order::{Category, LineKind, Payer, RoLine};
use crate::domain::{vin, BayKind, Money, NewUser, RoStatus, Role};
use crate::store::seed::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use std::ops::Range;

#[derive(Deserialize)]
pub(super) struct DemoData {
    shop_name: String,
    pub chinese_names: Vec<String>,
    pub latin_names: Vec<String>,
    pub provinces: Vec<String>,
    pub colours: Vec<String>,
    concerns: Vec<String>,
    pub models: Vec<ModelSpec>,
}

#[derive(Deserialize)]
pub(super) struct ModelSpec {
    pub make: String,
    pub model: String,
    /// World manufacturer identifier: the VIN's first three characters.
    pub wmi: String,
}

pub(super) fn demo_data() -> DemoData {
    toml::from_str(include_str!("../../assets/demo.toml"))
        .expect("assets/demo.toml is valid TOML (checked by tests)")
}

/// The demo's fellow staff; the person running it is added as manager.
const STAFF: [(&str, &str, Role); 6] = [
    ("li.na", "李娜", Role::Advisor),
    ("carlos", "Carlos Ruiz", Role::Advisor),
    ("zhang.wei", "张伟", Role::Advisor),
    ("wang.qiang", "王强", Role::Dispatcher),
    ("chen.jing", "陈静", Role::CustomerCare),
    ("zhao.min", "赵敏", Role::Cashier),
];

pub(super) const BAYS: [(&str, &str, BayKind, i64); 8] = [
    ("B1", "Lift 1", BayKind::Lift, 1),
    ("B2", "Lift 2", BayKind::Lift, 1),
    ("B3", "Lift 3", BayKind::Lift, 1),
    ("B4", "Lift 4", BayKind::Lift, 1),
    ("AL", "Alignment", BayKind::Alignment, 1),
    ("BP", "Body & paint", BayKind::BodyPaint, 2),
    ("QS", "Quick service", BayKind::Quick, 1),
    ("WA", "Wash bay", BayKind::Wash, 1),
];

pub(super) const GROUPS: [&str; 4] = ["Mech A", "Mech B", "Body shop", "Express"];

pub(super) struct Builder {
    pub rng: fastrand::Rng,
    data: DemoData,
    pub shop: ShopSeed,
    pub now: DateTime<Utc>,
    next_number: u32,
    /// Index of the user running the demo.
    pub me: usize,
}

impl Builder {
    pub fn new(now: DateTime<Utc>, seed: u64) -> Builder {
        Builder {
            rng: fastrand::Rng::with_seed(seed),
            data: demo_data(),
            shop: ShopSeed::default(),
            now,
            next_number: 24001,
            me: 0,
        }
    }

    pub fn minutes(&self, m: i64) -> DateTime<Utc> {
        self.now + Duration::minutes(m)
    }

    pub fn staff(&mut self, login: &str) {
        let me = NewUser {
            login: login.to_string(),
            name: login.to_string(),
            role: Role::Manager,
        };
        self.shop.users.push(me);
        for (l, name, role) in STAFF.iter().filter(|(l, ..)| *l != login) {
            self.shop.users.push(NewUser {
                login: l.to_string(),
                name: name.to_string(),
                role: *role,
            });
        }
    }

    /// Indexes of the users who write repair orders (advisors and the manager).
    pub fn advisors(&self) -> Vec<usize> {
        (0..self.shop.users.len())
            .filter(|&i| matches!(self.shop.users[i].role, Role::Advisor | Role::Manager))
            .collect()
    }

    pub fn bays_and_groups(&mut self) {
        for (code, name, kind, capacity) in BAYS {
            self.shop.bays.push(SeedBay {
                code: code.into(),
                name: name.into(),
                kind,
                capacity,
            });
        }
        self.shop.groups = GROUPS.iter().map(|g| g.to_string()).collect();
    }

    pub fn customers(&mut self, n: usize) {
        for i in 0..n {
            let name = self.customer_name(i);
            let phone = format!(
                "13{}{:08}",
                self.rng.u8(0..10),
                self.rng.u32(0..100_000_000)
            );
            let preferred_contact = ["phone", "phone", "wechat", "sms"][self.rng.usize(0..4)];
            self.shop.customers.push(SeedCustomer {
                name,
                phone,
                preferred_contact,
            });
            // About one customer in five owns a second car.
            let cars = if self.rng.u8(0..5) == 0 { 2 } else { 1 };
            for _ in 0..cars {
                self.vehicle(i);
            }
        }
    }

    fn customer_name(&mut self, i: usize) -> String {
        // Three Chinese names to two Latin ones, as in a southern Chinese city with expats.
        let (cn, la) = (&self.data.chinese_names, &self.data.latin_names);
        let round = i / (cn.len() + la.len());
        let k = i % (cn.len() + la.len());
        let base = if k % 5 < 3 && k * 3 / 5 < cn.len() {
            cn[(k * 3 / 5) % cn.len()].clone()
        } else {
            la[(k * 2 / 5) % la.len()].clone()
        };
        if round == 0 {
            base
        } else {
            format!("{base} {}", round + 1)
        }
    }

    fn vehicle(&mut self, owner: usize) -> usize {
        let spec = &self.data.models[self.rng.usize(0..self.data.models.len())];
        let year = 2016 + self.rng.i32(0..10);
        let stem: String = (0..14)
            .map(|_| {
                let alphabet = b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
                alphabet[self.rng.usize(0..alphabet.len())] as char
            })
            .collect();
        let raw = format!("{}{}", spec.wmi, stem);
        let vin = vin::with_check_digit(&raw).unwrap_or(raw);
        let province = &self.data.provinces[self.rng.usize(0..self.data.provinces.len())];
        let plate_tail: String = (0..5)
            .map(|i| {
                let alphabet: &[u8] = if i == 0 {
                    b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
                } else {
                    b"0123456789"
                };
                alphabet[self.rng.usize(0..alphabet.len())] as char
            })
            .collect();
        let purchased_on =
            NaiveDate::from_ymd_opt(year, 1 + self.rng.u32(0..12), 1 + self.rng.u32(0..28))
                .unwrap_or_default();
        let age_years = (self.now.date_naive() - purchased_on).num_days().max(30) / 365 + 1;
        self.shop.vehicles.push(SeedVehicle {
            owner,
            vin,
            plate: format!("{province}·{plate_tail}"),
            make: spec.make.clone(),
            model: spec.model.clone(),
            year,
            colour: self.data.colours[self.rng.usize(0..self.data.colours.len())].clone(),
            purchased_on,
            odometer_km: age_years * 12_000 + self.rng.i64(0..9_000),
        });
        self.shop.vehicles.len() - 1
    }

    pub fn concern(&mut self) -> String {
        self.data.concerns[self.rng.usize(0..self.data.concerns.len())].clone()
    }

    fn next_number(&mut self) -> String {
        let n = self.next_number;
        self.next_number += 1;
        format!("RO-{n}")
    }

    /// A bulk-written repair order; the caller sets status and times.
    pub fn ro(&mut self, vehicle: usize, advisor: usize, status: RoStatus) -> &mut SeedRo {
        let concern = self.concern();
        let category = category_for(&concern);
        let number = self.next_number();
        let lines = self.lines(category).iter().map(seed_line).collect();
        let odometer_km = self.shop.vehicles[vehicle].odometer_km;
        self.shop.repair_orders.push(SeedRo {
            number,
            vehicle,
            advisor,
            group: None,
            bay: None,
            status,
            category: category.code(),
            concerns: concern,
            odometer_km,
            fuel_eighths: self.rng.i64(1..9),
            times: SeedTimes::default(),
            lines,
            payments: Vec::new(),
        });
        self.shop.repair_orders.last_mut().expect("just pushed")
    }

    /// Labour and parts for a job of `category`, paid by whoever pays for
    /// that kind of job.
    pub fn lines(&mut self, category: Category) -> Vec<RoLine> {
        let payer = match category {
            Category::Warranty | Category::RecallCampaign => Payer::Warranty,
            Category::AccidentInsurance => Payer::Insurer,
            _ => Payer::Customer,
        };
        let hours = 50 + self.rng.i64(0..350);
        let mut lines = vec![
            RoLine {
                kind: LineKind::Labour,
                code: format!("OP-{}", 100 + self.rng.u32(0..800)),
                description: "Labour".into(),
                quantity_milli: hours * 10,
                unit_price: Money(18_000), // ¥180.00 an hour
                payer,
                ..RoLine::default()
            },
            RoLine {
                kind: LineKind::Part,
                code: format!("P{:07}", self.rng.u32(0..10_000_000)),
                description: "Parts".into(),
                quantity_milli: 1000 * (1 + self.rng.i64(0..4)),
                unit_price: Money(5_000 + self.rng.i64(0..60_000)),
                payer,
                ..RoLine::default()
            },
        ];
        if payer == Payer::Insurer {
            // The policy's excess is the customer's to pay; the rest is
            // the insurer's, a receivable (step 11).
            lines.push(RoLine {
                kind: LineKind::Fee,
                code: "EXCESS".into(),
                description: "Insurance excess (customer)".into(),
                quantity_milli: 1000,
                unit_price: Money(50_000),
                payer: Payer::Customer,
                ..RoLine::default()
            });
        }
        lines
    }

    /// A visit of `vehicle` with a concern, lines and fuel drawn at random;
    /// the caller sets how far it got.
    pub fn visit(&mut self, vehicle: usize, advisor: usize, times: VisitTimes) -> Visit {
        let concerns = self.concern();
        let category = category_for(&concerns);
        let odometer_km = self.shop.vehicles[vehicle].odometer_km;
        let days_ago = (self.now - times.checked_in).num_days().max(0);
        Visit {
            vehicle,
            advisor,
            lines: self.lines(category),
            concerns,
            category,
            // About 12,000 km a year, so older visits read lower.
            odometer_km: (odometer_km - days_ago * 33).max(10),
            fuel: self.rng.i64(1..9),
            checked_in: times.checked_in,
            promised: times.promised,
            estimate: times.estimate,
            ..Visit::default()
        }
    }

    /// Past visits: `per_vehicle` delivered ROs per car over the last 18
    /// months, every one checked, paid (one in ten on accepted arrears)
    /// and handed over with its exit notice.
    pub fn history(&mut self, per_vehicle: Range<usize>) -> Vec<Visit> {
        let advisors = self.advisors();
        let mut visits = Vec::new();
        for v in 0..self.shop.vehicles.len() {
            for _ in 0..self.rng.usize(per_vehicle.clone()) {
                let days_ago = self.rng.i64(8..540);
                let adv = advisors[self.rng.usize(0..advisors.len())];
                let mut visit = self.delivered_visit(v, adv, days_ago);
                if self.rng.u8(0..10) == 0 {
                    visit.settle = Settle::Arrears { paid_percent: 60 };
                }
                visits.push(visit);
            }
        }
        visits
    }

    /// A visit that ended `days_ago` with the car handed back.
    pub fn delivered_visit(&mut self, vehicle: usize, advisor: usize, days_ago: i64) -> Visit {
        // In the morning (the demo is usually opened in the working day).
        let checked_in = self.minutes(-days_ago * 1440 - 90);
        let estimate = 60 + self.rng.i64(0..300);
        let at = |m: i64| checked_in + Duration::minutes(m);
        let mut v = self.visit(
            vehicle,
            advisor,
            VisitTimes {
                checked_in,
                promised: at(estimate + 120),
                estimate,
            },
        );
        v.until = RoStatus::Delivered;
        v.dispatched = Some(at(30));
        v.progress = Some(at(30 + estimate * 3 / 4));
        v.pickup_call = Some(at(estimate));
        v.qc_at = Some(at(estimate + 35));
        v.ready_at = Some(at(estimate + 60));
        v.delivered_at = Some(at(estimate + 150));
        v
    }

    /// A bulk-written delivered RO (benchmarks), as the desk would have
    /// left it: signed, checked, paid in full, given its exit notice.
    pub fn delivered(&mut self, vehicle: usize, advisor: usize, days_ago: i64) {
        let checked_in = self.minutes(-days_ago * 1440 - 600);
        let est = 60 + self.rng.i64(0..300);
        let at = |m: i64| checked_in + Duration::minutes(m);
        let ro = self.ro(vehicle, advisor, RoStatus::Delivered);
        let due = customer_due(&ro.lines);
        let t = &mut ro.times;
        t.checked_in_at = Some(checked_in);
        t.promised_at = Some(at(est + 120));
        t.estimated_minutes = Some(est);
        t.work_started_at = Some(at(30));
        t.workshop_received_at = t.work_started_at;
        t.progress_checked_at = Some(at(30 + est * 3 / 4));
        t.pickup_called_at = Some(at(est));
        t.qc_passed_at = Some(at(est + 40));
        t.ready_at = Some(at(est + 60));
        t.exit_notice_at = Some(at(est + 140));
        t.delivered_at = Some(at(est + 150));
        if due > 0 {
            ro.payments.push((at(est + 130), due));
        }
    }

    /// Settings and canned jobs; `demo` marks the shop as safe to replace.
    pub fn finish(&mut self, demo: bool) -> ShopSeed {
        self.shop.settings = vec![
            ("shop_name".into(), self.data.shop_name.clone()),
            ("currency_symbol".into(), "¥".into()),
            ("tax_rate_bp".into(), TAX_RATE_BP.to_string()),
            ("demo".into(), if demo { "1" } else { "0" }.into()),
            // A Guangzhou shop: its days and quiet hours are Beijing time,
            // wherever the server's clock is set.
            ("utc_offset_minutes".into(), "480".into()),
        ];
        self.shop.canned_jobs = crate::store::seed::default_canned_jobs();
        self.shop.clone()
    }
}

/// China's VAT on repair work, 13 %.
pub(super) const TAX_RATE_BP: i64 = 1300;

/// When a visit began, what was promised, and the estimate in minutes.
pub struct VisitTimes {
    pub checked_in: DateTime<Utc>,
    pub promised: DateTime<Utc>,
    pub estimate: i64,
}

fn seed_line(l: &RoLine) -> SeedLine {
    SeedLine {
        kind: l.kind.code(),
        code: l.code.clone(),
        description: l.description.clone(),
        quantity_milli: l.quantity_milli,
        unit_price_minor: l.unit_price.0,
        payer: l.payer.code(),
    }
}

/// The customer's share of bulk lines, with tax, by the domain's own sums.
fn customer_due(lines: &[SeedLine]) -> i64 {
    let lines: Vec<RoLine> = lines
        .iter()
        .map(|l| RoLine {
            kind: LineKind::from_code(l.kind).unwrap_or_default(),
            quantity_milli: l.quantity_milli,
            unit_price: Money(l.unit_price_minor),
            payer: Payer::from_code(l.payer).unwrap_or_default(),
            ..RoLine::default()
        })
        .collect();
    totals(&lines, 0, TAX_RATE_BP).customer_due().0
}

fn category_for(concern: &str) -> Category {
    let c = concern.to_lowercase();
    if c.contains("insurance") || c.contains("body") {
        Category::AccidentInsurance
    } else if c.contains("recall") {
        Category::RecallCampaign
    } else if c.contains("accessory") {
        Category::Accessories
    } else if c.contains("service") || c.contains("maintenance") {
        Category::Maintenance
    } else {
        Category::Repair
    }
}
