//! The cars on the demo board, each placed relative to "now" to show one
//! thing the board does; and bulk data for benchmarks.

use super::builder::{Builder, BAYS};
use crate::domain::timing::round_to_ten_minutes;
use crate::domain::RoStatus::{self, *};
use crate::store::seed::{SeedAppointment, SeedCallback};
use chrono::Duration;

/// One demo car. Times are minutes from now (negative: in the past).
struct Scene {
    status: RoStatus,
    bay: Option<&'static str>,
    group: Option<usize>,
    checked_in: i64,
    promised: i64,
    estimate: i64,
    started: Option<i64>,
    checked: Option<i64>,
    called: Option<i64>,
}

const fn scene(
    status: RoStatus,
    bay: Option<&'static str>,
    group: Option<usize>,
    times: [i64; 3],
) -> Scene {
    Scene {
        status,
        bay,
        group,
        checked_in: times[0],
        promised: times[1],
        estimate: times[2],
        started: None,
        checked: None,
        called: None,
    }
}

const fn started(mut s: Scene, at: i64, checked: Option<i64>, called: Option<i64>) -> Scene {
    s.started = Some(at);
    s.checked = checked;
    s.called = called;
    s
}

const DAY: i64 = 1440;

/// Lift 4 stays free so a newcomer can move a car onto it.
const SCENES: [Scene; 25] = [
    // 150 of 180 minutes gone, nobody asked yet: progress check due.
    started(
        scene(InBay, Some("B1"), Some(0), [-200, 120, 180]),
        -150,
        None,
        None,
    ),
    started(
        scene(InBay, Some("B2"), Some(1), [-90, 240, 240]),
        -60,
        None,
        None,
    ),
    // Promised half an hour ago: late, and the late-delivery call is due.
    started(
        scene(InBay, Some("B3"), Some(0), [-420, -30, 240]),
        -300,
        Some(-150),
        None,
    ),
    // Under two days and 45 minutes to go: pickup call due (1 h lead).
    started(
        scene(InBay, Some("AL"), Some(3), [-60, 45, 60]),
        -20,
        None,
        None,
    ),
    // A three-day body job: the call is due 4 h ahead, and it is 3 h away.
    started(
        scene(InBay, Some("BP"), Some(2), [-3 * DAY, 180, 2400]),
        -3 * DAY + 60,
        Some(-DAY),
        None,
    ),
    started(
        scene(InBay, Some("BP"), Some(2), [-DAY, 2 * DAY, 1800]),
        -1300,
        None,
        None,
    ),
    started(
        scene(InBay, Some("QS"), Some(3), [-30, 40, 45]),
        -15,
        None,
        None,
    ),
    started(
        scene(Washing, Some("WA"), None, [-300, 20, 120]),
        -240,
        Some(-180),
        Some(-50),
    ),
    scene(WaitingForBay, None, None, [-45, 180, 120]),
    scene(WaitingForBay, None, None, [-150, -20, 90]),
    scene(WaitingForBay, None, None, [-20, 300, 60]),
    scene(CheckedIn, None, None, [-10, 240, 120]),
    scene(CheckedIn, None, None, [-5, 150, 60]),
    started(
        scene(AwaitingApproval, None, Some(0), [-240, 120, 240]),
        -200,
        None,
        None,
    ),
    started(
        scene(AwaitingApproval, None, Some(1), [-100, 200, 180]),
        -60,
        None,
        None,
    ),
    started(
        scene(WaitingForParts, None, Some(1), [-2 * DAY, -600, 300]),
        -2 * DAY + 60,
        Some(-DAY),
        None,
    ),
    started(
        scene(WaitingForParts, None, Some(0), [-300, DAY, 240]),
        -240,
        Some(-100),
        None,
    ),
    started(
        scene(QualityCheck, None, Some(3), [-180, 30, 120]),
        -150,
        Some(-60),
        Some(-10),
    ),
    started(
        scene(QualityCheck, None, Some(0), [-400, 90, 300]),
        -380,
        Some(-200),
        None,
    ),
    started(
        scene(ReadyForPickup, None, Some(0), [-360, -10, 200]),
        -330,
        Some(-200),
        Some(-70),
    ),
    started(
        scene(ReadyForPickup, None, Some(3), [-240, 15, 120]),
        -220,
        Some(-150),
        None,
    ),
    started(
        scene(ReadyForPickup, None, Some(1), [-500, -120, 240]),
        -470,
        Some(-300),
        None,
    ),
    scene(Booked, None, None, [120, 300, 90]),
    scene(Booked, None, None, [180, 360, 60]),
    scene(Booked, None, None, [240, 480, 120]),
];

impl Builder {
    fn bay_index(code: &str) -> Option<usize> {
        BAYS.iter().position(|b| b.0 == code)
    }

    pub fn open_scenarios(&mut self) {
        let advisors = self.advisors();
        // A car is in the shop once: draw distinct cars from the fleet.
        let mut fleet: Vec<usize> = (0..self.shop.vehicles.len()).collect();
        self.rng.shuffle(&mut fleet);
        for (i, s) in SCENES.iter().enumerate() {
            // Spread the cars over the advisors; every third is the user's own.
            let vehicle = fleet[i % fleet.len()];
            let advisor = if i % 3 == 0 {
                self.me
            } else {
                advisors[i % advisors.len()]
            };
            self.place(vehicle, advisor, s);
        }
    }

    fn place(&mut self, vehicle: usize, advisor: usize, s: &Scene) {
        let now = self.now;
        let at = |m: i64| now + Duration::minutes(m);
        let (checked_in, promised) = (at(s.checked_in), at(s.promised));
        let started = s.started.map(at);
        let (checked, called) = (s.checked.map(at), s.called.map(at));
        let ro = self.ro(vehicle, advisor, s.status);
        ro.bay = s.bay.and_then(Builder::bay_index);
        ro.group = s.group;
        let t = &mut ro.times;
        t.checked_in_at = (s.status != Booked).then_some(checked_in);
        t.promised_at = Some(promised);
        t.estimated_minutes = Some(s.estimate);
        t.work_started_at = started;
        t.workshop_received_at = started.map(round_to_ten_minutes);
        t.progress_checked_at = checked;
        t.pickup_called_at = called;
        if s.status == ReadyForPickup {
            t.ready_at = Some(promised.min(now));
        }
    }

    /// Calls due and appointments, so the callback queue and the book have work.
    pub fn followups(&mut self) {
        let advisors = self.advisors();
        // Cars that left 1–6 days ago: their three-day calls, some overdue (step 14).
        for (i, days_ago) in [1, 2, 3, 4, 5, 6].into_iter().enumerate() {
            let vehicle = (i * 5 + 1) % self.shop.vehicles.len();
            self.delivered(vehicle, advisors[i % advisors.len()], days_ago);
            let ro = self.shop.repair_orders.len() - 1;
            let customer = self.shop.vehicles[vehicle].owner;
            let due_on = (self.now - Duration::days(days_ago) + Duration::days(2)).date_naive();
            self.callback(customer, Some(vehicle), Some(ro), "three_day_call", due_on);
        }
        self.closed_today(&advisors);
        let today = self.now.date_naive();
        for (i, kind) in [
            "declined_work",
            "lost_customer",
            "maintenance_due",
            "first_maintenance",
        ]
        .into_iter()
        .enumerate()
        {
            let customer = (i * 9 + 4) % self.shop.customers.len();
            self.callback(customer, None, None, kind, today - Duration::days(i as i64));
        }
        for ro in self.shop.repair_orders.clone() {
            if ro.status == Booked {
                let customer = self.shop.vehicles[ro.vehicle].owner;
                let starts_at = ro.times.promised_at.unwrap_or(self.now) - Duration::minutes(180);
                self.shop.appointments.push(SeedAppointment {
                    customer,
                    vehicle: ro.vehicle,
                    starts_at,
                    ends_at: starts_at + Duration::minutes(60),
                    requested_work: ro.concerns.clone(),
                });
            }
        }
    }

    /// Visits that ended today without work: one customer declined the
    /// estimate and left with an exit notice; one appointment was cancelled.
    fn closed_today(&mut self, advisors: &[usize]) {
        let now = self.now;
        let vehicles = self.shop.vehicles.len();
        let declined = self.ro(vehicles - 1, advisors[0], Declined);
        declined.concerns = "Engine warning light on; customer declined the estimate".into();
        declined.times.checked_in_at = Some(now - Duration::minutes(150));
        declined.times.estimated_minutes = Some(180);
        let declining = self.shop.repair_orders.len() - 1;
        let customer = self.shop.vehicles[vehicles - 1].owner;
        // Declined work is a reason to call later (003).
        self.callback(
            customer,
            Some(vehicles - 1),
            Some(declining),
            "declined_work",
            (now + Duration::days(7)).date_naive(),
        );
        let cancelled = self.ro(vehicles - 2, advisors[1 % advisors.len()], Cancelled);
        cancelled.times.promised_at = Some(now + Duration::minutes(120));
    }

    fn callback(
        &mut self,
        customer: usize,
        vehicle: Option<usize>,
        ro: Option<usize>,
        kind: &'static str,
        due_on: chrono::NaiveDate,
    ) {
        self.shop.callbacks.push(SeedCallback {
            customer,
            vehicle,
            ro,
            kind,
            due_on,
        });
    }

    /// `n` delivered repair orders spread over three years.
    pub fn bulk_history(&mut self, n: usize) {
        let advisors = self.advisors();
        let vehicles = self.shop.vehicles.len();
        for i in 0..n {
            let days_ago = 1 + self.rng.i64(0..3 * 365);
            self.delivered(i % vehicles, advisors[i % advisors.len()], days_ago);
        }
    }

    /// `n` open cars: the first few in bays, the rest in the queues.
    pub fn bulk_open(&mut self, n: usize) {
        let queues = [
            CheckedIn,
            WaitingForBay,
            AwaitingApproval,
            WaitingForParts,
            QualityCheck,
            ReadyForPickup,
        ];
        let advisors = self.advisors();
        let vehicles = self.shop.vehicles.len();
        let lifts: Vec<usize> = (0..BAYS.len()).filter(|&b| BAYS[b].0 != "WA").collect();
        for i in 0..n {
            let (status, bay) = match lifts.get(i) {
                Some(&b) => (InBay, Some(b)),
                None => (queues[i % queues.len()], None),
            };
            let promised = self.rng.i64(-300..900);
            let estimate = 60 + self.rng.i64(0..240);
            let mut s = scene(
                status,
                None,
                Some(i % 4),
                [promised - estimate - 60, promised, estimate],
            );
            if status != CheckedIn && status != WaitingForBay {
                s.started = Some(promised - estimate - 30);
            }
            self.place(
                vehicles - 1 - (i % vehicles),
                advisors[i % advisors.len()],
                &s,
            );
            self.shop.repair_orders.last_mut().expect("placed").bay = bay;
        }
    }
}
