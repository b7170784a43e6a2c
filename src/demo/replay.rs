//! The demo's visits, replayed through the store's own operations: each is
//! checked in, signed, dispatched, checked, paid and handed over as the desk
//! would, at the times its scene calls for. So every record in the demo
//! obeys the same guards as the desk: no car in a bay unsigned, none out of
//! the gate unchecked, unpaid, or without accepted arrears.

use crate::domain::added_work::{AddedWorkCall, Channel, Decision};
use crate::domain::lifecycle::Progress;
use crate::domain::repair_order::{Category, CustomerRef, RoLine, VehicleRef};
use crate::domain::settlement::Balance;
use crate::domain::{Money, MoveRequest, RepairOrder, RoStatus, Role};
use crate::store::{Actor, SaveRo, SeedIds, ShopSeed, Store, StoreResult};
use chrono::{DateTime, Duration, Utc};

/// How a delivered visit was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Settle {
    #[default]
    Full,
    /// Part paid; the rest accepted as arrears by the cashier.
    Arrears { paid_percent: i64 },
}

/// One visit, and how far it has got today.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    pub vehicle: usize,
    pub advisor: usize,
    pub concerns: String,
    pub category: Category,
    pub lines: Vec<RoLine>,
    pub odometer_km: i64,
    pub fuel: i64,
    pub checked_in: DateTime<Utc>,
    pub promised: DateTime<Utc>,
    pub estimate: i64,
    /// Where the visit stands now.
    pub until: RoStatus,
    pub dispatched: Option<DateTime<Utc>>,
    /// The bay it works in; None: any free lift, left when work is done.
    pub bay: Option<usize>,
    pub group: Option<usize>,
    pub progress: Option<DateTime<Utc>>,
    /// The new finish time the workshop gave at that check, when late.
    pub late_finish: Option<DateTime<Utc>>,
    pub pickup_call: Option<DateTime<Utc>>,
    /// Added work the workshop proposed, and the customer's answers.
    pub added: Vec<RoLine>,
    pub answers: Option<Vec<Decision>>,
    /// When the final check, washing, readiness and delivery happened.
    pub qc_at: Option<DateTime<Utc>>,
    pub ready_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub settle: Settle,
}

pub struct Replay<'a> {
    store: &'a mut dyn Store,
    ids: SeedIds,
    seed: &'a ShopSeed,
    /// Lifts for visits that only pass through a bay.
    lifts: Vec<usize>,
    wash: Option<usize>,
    next_lift: usize,
    /// The RO whose pickup call has been made.
    called: Option<i64>,
}

impl<'a> Replay<'a> {
    pub fn new(store: &'a mut dyn Store, seed: &'a ShopSeed, ids: SeedIds) -> Replay<'a> {
        let kind = |k| {
            seed.bays
                .iter()
                .enumerate()
                .filter(move |(_, b)| b.kind == k)
                .map(|(i, _)| i)
        };
        Replay {
            store,
            ids,
            seed,
            lifts: kind(crate::domain::BayKind::Lift).collect(),
            wash: kind(crate::domain::BayKind::Wash).next(),
            next_lift: 0,
            called: None,
        }
    }

    /// The first user with `role` (the cashier takes payments, say).
    fn user_with(&self, role: Role) -> usize {
        self.seed
            .users
            .iter()
            .position(|u| u.role == role)
            .unwrap_or(0)
    }

    fn actor(&self, user: usize, at: DateTime<Utc>) -> Actor<'a> {
        Actor {
            login: &self.seed.users[user].login,
            user_id: Some(self.ids.users[user]),
            at,
        }
    }

    fn version(&self, id: i64) -> StoreResult<i64> {
        Ok(self.store.load_ro(id)?.version)
    }

    /// Replays a visit up to where it stands; returns the RO's id.
    pub fn run(&mut self, v: &Visit) -> StoreResult<i64> {
        let id = self.check_in(v)?;
        let minutes = |m| v.checked_in + Duration::minutes(m);
        match v.until {
            RoStatus::CheckedIn | RoStatus::Booked => return Ok(id),
            RoStatus::Declined => {
                let by = v.advisor;
                let version = self.version(id)?;
                self.store
                    .decline_ro(id, version, self.actor(by, minutes(20)))?;
                return Ok(id);
            }
            RoStatus::Cancelled => {
                self.go(id, RoStatus::Cancelled, None, None, v.advisor, minutes(5))?;
                return Ok(id);
            }
            _ => {}
        }
        let version = self.version(id)?;
        let signer = self.seed.customers[self.seed.vehicles[v.vehicle].owner]
            .name
            .clone();
        let by = self.actor(v.advisor, minutes(5));
        self.store.sign_ro(id, version, &signer, by)?;
        if v.until == RoStatus::WaitingForBay {
            self.go(
                id,
                RoStatus::WaitingForBay,
                None,
                None,
                v.advisor,
                minutes(10),
            )?;
            return Ok(id);
        }
        self.work(id, v)?;
        self.finish(id, v)?;
        Ok(id)
    }

    fn check_in(&mut self, v: &Visit) -> StoreResult<i64> {
        let car = &self.seed.vehicles[v.vehicle];
        let owner = &self.seed.customers[car.owner];
        let mut ro = RepairOrder::new(&self.seed.users[v.advisor].login);
        ro.customer = CustomerRef {
            id: Some(self.ids.customers[car.owner]),
            name: owner.name.clone(),
            phone: owner.phone.clone(),
        };
        ro.vehicle = VehicleRef {
            id: Some(self.ids.vehicles[v.vehicle]),
            vin: car.vin.clone(),
            plate: car.plate.clone(),
            make: car.make.clone(),
            model: car.model.clone(),
            last_odometer_km: None,
        };
        ro.odometer_in_km = Some(v.odometer_km);
        ro.fuel_eighths = Some(v.fuel);
        ro.concerns = v.concerns.clone();
        ro.category = v.category;
        ro.promised_at = Some(v.promised);
        ro.estimated_minutes = Some(v.estimate);
        ro.lines = v.lines.clone();
        let by = self.actor(v.advisor, v.checked_in);
        let saved = self.store.save_ro(&SaveRo::new(&ro), by)?;
        Ok(saved.id.unwrap_or_default())
    }

    /// A move, by the given user at the given time.
    fn go(
        &mut self,
        id: i64,
        to: RoStatus,
        bay: Option<usize>,
        group: Option<usize>,
        user: usize,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let req = MoveRequest {
            ro_id: id,
            expected_version: self.version(id)?,
            to,
            bay_id: bay.map(|b| self.ids.bays[b]),
            work_group_id: group.map(|g| self.ids.groups[g]),
        };
        let by = self.actor(user, at);
        self.store.move_ro(&req, by)
    }

    /// Dispatch, added work, the progress check; stops where the visit stands.
    fn work(&mut self, id: i64, v: &Visit) -> StoreResult<()> {
        let started = v.dispatched.unwrap_or(v.checked_in + Duration::minutes(30));
        let dispatcher = self.user_with(Role::Dispatcher);
        let bay = v.bay.unwrap_or_else(|| {
            self.next_lift += 1;
            self.lifts[self.next_lift % self.lifts.len().max(1)]
        });
        self.go(id, RoStatus::InBay, Some(bay), v.group, dispatcher, started)?;
        if !v.added.is_empty() {
            let version = self.version(id)?;
            let by = self.actor(dispatcher, started + Duration::minutes(20));
            self.store
                .propose_added_work(id, version, v.added.clone(), by)?;
            self.answer(id, v, started + Duration::minutes(35))?;
        }
        // A car waiting for parts or an answer leaves the lift to free it.
        let off_the_lift = v.bay.is_none();
        match v.until {
            RoStatus::AwaitingApproval | RoStatus::WaitingForParts if off_the_lift => {
                let at = started + Duration::minutes(45);
                self.go(id, v.until, None, None, dispatcher, at)?;
            }
            _ => {}
        }
        let Some(at) = v.progress else {
            return Ok(());
        };
        let report = match v.late_finish {
            Some(new_finish) => Progress::Late { new_finish },
            None => Progress::OnTime,
        };
        let version = self.version(id)?;
        let by = self.actor(v.advisor, at);
        self.store.record_progress_check(id, version, report, by)
    }

    /// The customer's answer to each proposed item, in one call.
    fn answer(&mut self, id: i64, v: &Visit, at: DateTime<Utc>) -> StoreResult<()> {
        let Some(answers) = &v.answers else {
            return Ok(());
        };
        let ro = self.store.load_ro(id)?;
        let decisions = ro
            .proposed()
            .filter_map(|l| l.id)
            .zip(answers.iter().copied())
            .collect();
        let call = AddedWorkCall {
            asked_at: at - Duration::minutes(10),
            answered_at: at - Duration::minutes(5),
            channel: Channel::Phone,
            workshop_told: "王强".into(),
            workshop_told_at: at,
            delay_minutes: 30,
            decisions,
        };
        let by = self.actor(v.advisor, at);
        self.store.record_added_work_call(id, ro.version, &call, by)
    }

    /// The final check, washing, readiness, the pickup call, settlement,
    /// the exit notice and delivery; stops where the visit stands. The
    /// pickup call is made when its time comes, before or after the rest.
    fn finish(&mut self, id: i64, v: &Visit) -> StoreResult<()> {
        if v.until.in_workshop() {
            return self.pickup_call(id, v, None);
        }
        let dispatcher = self.user_with(Role::Dispatcher);
        let qc_at = v
            .qc_at
            .unwrap_or(v.checked_in + Duration::minutes(v.estimate + 30));
        self.pickup_call(id, v, Some(qc_at))?;
        self.go(id, RoStatus::QualityCheck, None, None, dispatcher, qc_at)?;
        if v.until == RoStatus::QualityCheck {
            return self.pickup_call(id, v, None);
        }
        let version = self.version(id)?;
        let by = self.actor(dispatcher, qc_at + Duration::minutes(10));
        self.store.record_quality_check(id, version, true, "", by)?;
        if v.until == RoStatus::Washing {
            let at = qc_at + Duration::minutes(20);
            self.go(id, RoStatus::Washing, self.wash, None, dispatcher, at)?;
            return self.pickup_call(id, v, None);
        }
        let ready = v.ready_at.unwrap_or(qc_at + Duration::minutes(30));
        self.pickup_call(id, v, Some(ready))?;
        self.go(id, RoStatus::ReadyForPickup, None, None, v.advisor, ready)?;
        self.pickup_call(id, v, None)?;
        if v.until == RoStatus::ReadyForPickup {
            return Ok(());
        }
        self.settle(id, v, ready)
    }

    /// Records the pickup call if it was made before `before` (None: at
    /// any time), and not yet recorded.
    fn pickup_call(
        &mut self,
        id: i64,
        v: &Visit,
        before: Option<DateTime<Utc>>,
    ) -> StoreResult<()> {
        let Some(at) = v.pickup_call else {
            return Ok(());
        };
        if self.called == Some(id) || before.is_some_and(|b| at >= b) {
            return Ok(());
        }
        self.called = Some(id);
        // The reason is asked only when the car is or will be late; the
        // store keeps it only then.
        let version = self.version(id)?;
        let by = self.actor(v.advisor, at);
        self.store
            .record_pickup_call(id, version, "parts arrived late", by)
    }

    /// Paid in full, or part paid with the rest accepted as arrears; then
    /// the exit notice, and the car goes.
    fn settle(&mut self, id: i64, v: &Visit, ready: DateTime<Utc>) -> StoreResult<()> {
        let cashier = self.user_with(Role::Cashier);
        let out = v.delivered_at.unwrap_or(ready + Duration::minutes(60));
        let pay_at = out - Duration::minutes(10);
        let tax = self.store.settings()?.tax_rate_bp;
        let ro = self.store.load_ro(id)?;
        let owed = Balance::of(&ro, tax, &self.store.payments(id)?).outstanding();
        let paying = match v.settle {
            Settle::Full => owed,
            Settle::Arrears { paid_percent } => Money(owed.0 * paid_percent / 100),
        };
        if paying.0 > 0 {
            let by = self.actor(cashier, pay_at);
            self.store.add_payment(id, paying, "wechat", by)?;
        }
        if paying < owed {
            // Arrears are a manager's to accept.
            let manager = self.user_with(Role::Manager);
            let version = self.version(id)?;
            let by = self.actor(manager, pay_at + Duration::minutes(2));
            let reason = "fleet customer, settles the month's bills together";
            self.store.accept_arrears(id, version, reason, by)?;
        }
        let version = self.version(id)?;
        let by = self.actor(cashier, out - Duration::minutes(5));
        self.store.issue_exit_notice(id, version, by)?;
        self.go(id, RoStatus::Delivered, None, None, v.advisor, out)
    }
}
