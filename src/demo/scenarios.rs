//! The cars on the demo board, each placed relative to "now" to show one
//! thing the board does; the week's follow-ups; and bulk data for
//! benchmarks.

use super::builder::{Builder, VisitTimes, BAYS};
use super::replay::{Settle, Visit};
use crate::domain::added_work::Decision;
use crate::domain::repair_order::{Category, LineKind, RoLine};
use crate::domain::Money;
use crate::domain::RoStatus::{self, *};
use crate::store::seed::{SeedAppointment, SeedIds};
use chrono::Duration;

/// Added work on a demo car.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Added {
    None,
    /// Items proposed, the customer not yet asked.
    Waiting(usize),
    /// Two items, one approved and one declined in one call.
    OneOfTwo,
}

/// One demo car. Times are minutes from now (negative: in the past).
struct Scene {
    status: RoStatus,
    /// The bay it stands in now (None: off the lift, or passing through).
    bay: Option<&'static str>,
    group: Option<usize>,
    checked_in: i64,
    promised: i64,
    estimate: i64,
    started: Option<i64>,
    checked: Option<i64>,
    called: Option<i64>,
    /// The workshop said it will be late: the new finish time.
    late_finish: Option<i64>,
    added: Added,
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
        late_finish: None,
        added: Added::None,
    }
}

const fn started(mut s: Scene, at: i64, checked: Option<i64>, called: Option<i64>) -> Scene {
    s.started = Some(at);
    s.checked = checked;
    s.called = called;
    s
}

const fn with_added(mut s: Scene, added: Added) -> Scene {
    s.added = added;
    s
}

const fn late(mut s: Scene, new_finish: i64) -> Scene {
    s.late_finish = Some(new_finish);
    s
}

const DAY: i64 = 1440;

/// Lift 4 stays free so a newcomer can move a car onto it.
const SCENES: [Scene; 22] = [
    // 150 of 180 minutes gone, nobody asked yet: progress check due.
    started(
        scene(InBay, Some("B1"), Some(0), [-200, 120, 180]),
        -150,
        None,
        None,
    ),
    // One call approved one added item and declined the other.
    with_added(
        started(
            scene(InBay, Some("B2"), Some(1), [-90, 240, 240]),
            -60,
            None,
            None,
        ),
        Added::OneOfTwo,
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
    with_added(
        started(
            scene(AwaitingApproval, None, Some(0), [-240, 120, 240]),
            -200,
            None,
            None,
        ),
        Added::Waiting(2),
    ),
    with_added(
        started(
            scene(AwaitingApproval, None, Some(1), [-100, 200, 180]),
            -60,
            None,
            None,
        ),
        Added::Waiting(1),
    ),
    // Parts are late; the workshop gave a new finish time, so the customer
    // is due a call.
    late(
        started(
            scene(WaitingForParts, None, Some(1), [-2 * DAY, -600, 300]),
            -2 * DAY + 60,
            Some(-DAY),
            None,
        ),
        DAY / 2,
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
];

/// Appointments later today: minutes from now to the promise, and the estimate.
const BOOKED: [[i64; 2]; 3] = [[300, 90], [360, 60], [480, 120]];

/// The demo's visits, in the order they are replayed.
pub(super) struct Plan {
    /// Visits that end with the car off the lifts, oldest first.
    pub visits: Vec<Visit>,
    /// Cars that stand in their bay now: replayed last, so the cars passing
    /// through never find a lift taken.
    pub in_bays: Vec<Visit>,
}

impl Builder {
    /// The cars in a fixed shuffled order: each demo visit of today takes
    /// the next, so no car is in the shop twice.
    fn fleet(&self) -> Vec<usize> {
        let mut fleet: Vec<usize> = (0..self.shop.vehicles.len()).collect();
        fastrand::Rng::with_seed(99).shuffle(&mut fleet);
        fleet
    }

    fn bay_index(code: &str) -> Option<usize> {
        BAYS.iter().position(|b| b.0 == code)
    }

    /// Every demo visit: history, the board's cars and this week's
    /// deliveries, on distinct cars where they overlap in time.
    pub fn plan(&mut self) -> Plan {
        let fleet = self.fleet();
        let mut visits = self.history(0..4);
        let mut in_bays = Vec::new();
        let advisors = self.advisors();
        for (i, s) in SCENES.iter().enumerate() {
            // Spread the cars over the advisors; every third is the user's own.
            let advisor = if i % 3 == 0 {
                self.me
            } else {
                advisors[i % advisors.len()]
            };
            let v = self.scene_visit(fleet[i], advisor, s);
            if v.until == InBay {
                in_bays.push(v);
            } else {
                visits.push(v);
            }
        }
        let mut recent = self.this_week(&fleet[SCENES.len()..], &advisors);
        let next = SCENES.len() + recent.len();
        let declined = self.declined_today(fleet[next], advisors[0]);
        let cancelled = self.cancelled_today(fleet[next + 1], advisors[1 % advisors.len()]);
        recent.extend([declined, cancelled]);
        // Numbers follow check-in times, as at a real desk.
        visits.extend(recent);
        visits.sort_by_key(|v| v.checked_in);
        Plan { visits, in_bays }
    }

    fn scene_visit(&mut self, vehicle: usize, advisor: usize, s: &Scene) -> Visit {
        let now = self.now;
        let at = |m: i64| now + Duration::minutes(m);
        let times = VisitTimes {
            checked_in: at(s.checked_in),
            promised: at(s.promised),
            estimate: s.estimate,
        };
        let mut v = self.visit(vehicle, advisor, times);
        v.until = s.status;
        // A washing car passed through a lift first; only cars at work
        // name their bay.
        v.bay = s
            .bay
            .filter(|_| s.status == InBay)
            .and_then(Builder::bay_index);
        v.group = s.group;
        v.dispatched = s.started.map(at);
        v.progress = s.checked.map(at);
        v.late_finish = s.late_finish.map(at);
        v.pickup_call = s.called.map(at);
        match s.status {
            QualityCheck => v.qc_at = Some(at(-15)),
            Washing => v.qc_at = Some(at(-40)),
            ReadyForPickup => {
                let ready = v.promised.min(at(-1));
                v.ready_at = Some(ready);
                v.qc_at = Some(ready - Duration::minutes(30));
            }
            _ => {}
        }
        match s.added {
            Added::None => {}
            Added::Waiting(n) => v.added = self.added_items(n),
            Added::OneOfTwo => {
                v.added = self.added_items(2);
                v.answers = Some(vec![Decision::Approved, Decision::Declined]);
            }
        }
        v
    }

    /// What a technician finds once the car is on the lift.
    fn added_items(&mut self, n: usize) -> Vec<RoLine> {
        const FOUND: [(&str, &str, i64); 3] = [
            ("Front brake pads worn to 2 mm", "P4461202", 68_000),
            ("Cabin air filter clogged", "P8713902", 16_000),
            ("Wiper blades split", "P8521202", 24_000),
        ];
        let first = self.rng.usize(0..FOUND.len());
        (0..n)
            .map(|k| {
                let (description, code, price) = FOUND[(first + k) % FOUND.len()];
                RoLine {
                    kind: LineKind::Part,
                    code: code.into(),
                    description: description.into(),
                    quantity_milli: 1000,
                    unit_price: Money(price),
                    ..RoLine::default()
                }
            })
            .collect()
    }

    /// Cars handed back 1–6 days ago, whose three-day calls fall due this
    /// week (step 14): one had added work half approved, one was an
    /// insurance job, one left on accepted arrears.
    fn this_week(&mut self, fleet: &[usize], advisors: &[usize]) -> Vec<Visit> {
        let mut visits = Vec::new();
        for (i, days_ago) in [1, 2, 3, 4, 5, 6].into_iter().enumerate() {
            let adv = advisors[i % advisors.len()];
            let mut v = self.delivered_visit(fleet[i], adv, days_ago);
            match days_ago {
                3 => {
                    v.added = self.added_items(2);
                    v.answers = Some(vec![Decision::Approved, Decision::Declined]);
                }
                5 => {
                    v.category = Category::AccidentInsurance;
                    v.concerns = "Rear bumper and tail lamp damaged; insurance claim".into();
                    v.lines = self.lines(Category::AccidentInsurance);
                }
                6 => v.settle = Settle::Arrears { paid_percent: 50 },
                _ => {}
            }
            visits.push(v);
        }
        visits
    }

    /// The customer declined the estimate this morning and drove away.
    fn declined_today(&mut self, vehicle: usize, advisor: usize) -> Visit {
        let times = VisitTimes {
            checked_in: self.minutes(-150),
            promised: self.minutes(60),
            estimate: 180,
        };
        let mut v = self.visit(vehicle, advisor, times);
        v.concerns = "Engine warning light on; customer declined the estimate".into();
        v.category = Category::Repair;
        v.until = Declined;
        v
    }

    /// Checked in, then the customer called it off.
    fn cancelled_today(&mut self, vehicle: usize, advisor: usize) -> Visit {
        let times = VisitTimes {
            checked_in: self.minutes(-100),
            promised: self.minutes(120),
            estimate: 60,
        };
        let mut v = self.visit(vehicle, advisor, times);
        v.until = Cancelled;
        v
    }

    /// Appointments later today, as booked ROs (written with the seed),
    /// for cars at the far end of the fleet from those in the shop.
    pub fn booked(&mut self) {
        let mut fleet = self.fleet();
        fleet.reverse();
        let advisors = self.advisors();
        for (i, [promised, estimate]) in BOOKED.into_iter().enumerate() {
            let at = self.minutes(promised);
            let ro = self.ro(fleet[i], advisors[i % advisors.len()], Booked);
            ro.times.promised_at = Some(at);
            ro.times.estimated_minutes = Some(estimate);
        }
    }

    /// Appointments later today for the booked cars, by the ids the seed
    /// gave, so the book and the reminders have work.
    pub fn followups(&self, ids: &SeedIds) -> Vec<SeedAppointment> {
        let customer_of = |v: usize| ids.customers[self.shop.vehicles[v].owner];
        let appointments = self
            .shop
            .repair_orders
            .iter()
            .filter(|ro| ro.status == Booked)
            .map(|ro| {
                let starts_at = ro.times.promised_at.unwrap_or(self.now) - Duration::minutes(180);
                SeedAppointment {
                    customer_id: customer_of(ro.vehicle),
                    vehicle_id: ids.vehicles[ro.vehicle],
                    starts_at,
                    ends_at: starts_at + Duration::minutes(60),
                    requested_work: ro.concerns.clone(),
                }
            })
            .collect();
        appointments
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

    /// `n` open cars: the first few in bays, the rest in the queues, each
    /// as the desk would have left it (signed once at work, checked once
    /// past the final check).
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
            let vehicle = vehicles - 1 - (i % vehicles);
            self.bulk_place(
                vehicle,
                advisors[i % advisors.len()],
                status,
                bay,
                i % 4,
                [promised, estimate],
            );
        }
    }

    fn bulk_place(
        &mut self,
        vehicle: usize,
        advisor: usize,
        status: RoStatus,
        bay: Option<usize>,
        group: usize,
        [promised, estimate]: [i64; 2],
    ) {
        let now = self.now;
        let at = |m: i64| now + Duration::minutes(m);
        let ro = self.ro(vehicle, advisor, status);
        ro.bay = bay;
        ro.group = Some(group);
        let t = &mut ro.times;
        t.checked_in_at = Some(at(promised - estimate - 60));
        t.promised_at = Some(at(promised));
        t.estimated_minutes = Some(estimate);
        if !matches!(status, CheckedIn | WaitingForBay) {
            let started = at(promised - estimate - 30).min(now);
            t.work_started_at = Some(started);
            t.workshop_received_at = Some(started);
        }
        if status == ReadyForPickup {
            t.qc_passed_at = Some(at(promised - 40).min(now));
            t.ready_at = Some(at(promised).min(now));
        }
    }
}
