//! The records the front desk works with, as the rest of the program sees them.

use super::status::RoStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Advisor,
    Dispatcher,
    CustomerCare,
    Cashier,
    Manager,
    Technician,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Advisor,
        Role::Dispatcher,
        Role::CustomerCare,
        Role::Cashier,
        Role::Manager,
        Role::Technician,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Advisor => "advisor",
            Role::Dispatcher => "dispatcher",
            Role::CustomerCare => "customer_care",
            Role::Cashier => "cashier",
            Role::Manager => "manager",
            Role::Technician => "technician",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The role in words, for messages ("only a cashier may …").
    pub fn title(self) -> &'static str {
        match self {
            Role::Advisor => "service advisor",
            Role::Dispatcher => "dispatcher",
            Role::CustomerCare => "customer-care agent",
            Role::Cashier => "cashier",
            Role::Manager => "manager",
            Role::Technician => "technician",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub login: String,
    pub name: String,
    pub role: Role,
}

impl NewUser {
    /// Whether the user can be registered, given whether the login is taken.
    pub fn check(&self, login_taken: bool) -> Result<(), String> {
        if self.login.trim().is_empty() {
            return Err("a user needs a login".into());
        }
        if login_taken {
            return Err(format!("user {} already exists", self.login));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BayKind {
    Lift,
    Alignment,
    BodyPaint,
    Quick,
    Wash,
}

impl BayKind {
    pub const ALL: [BayKind; 5] = [
        BayKind::Lift,
        BayKind::Alignment,
        BayKind::BodyPaint,
        BayKind::Quick,
        BayKind::Wash,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BayKind::Lift => "lift",
            BayKind::Alignment => "alignment",
            BayKind::BodyPaint => "body_paint",
            BayKind::Quick => "quick",
            BayKind::Wash => "wash",
        }
    }

    pub fn from_code(code: &str) -> Option<BayKind> {
        BayKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bay {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: BayKind,
    /// How many cars fit at once (a body shop bay may take two).
    pub capacity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkGroup {
    pub id: i64,
    pub name: String,
    /// Jobs the group works at once: its capacity per working hour.
    pub technicians: i64,
}

/// The times that decide lateness, progress checks and pickup calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobTimes {
    pub status: RoStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub promised_at: Option<DateTime<Utc>>,
    /// The workshop's estimate of the work, in minutes.
    pub estimated_minutes: Option<i64>,
    pub work_started_at: Option<DateTime<Utc>>,
    pub progress_checked_at: Option<DateTime<Utc>>,
    pub pickup_called_at: Option<DateTime<Utc>>,
    /// A late workshop's new finish time (the promise itself stays).
    pub expected_finish_at: Option<DateTime<Utc>>,
}

/// One repair order as the service bay board shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardCard {
    pub id: i64,
    pub number: String,
    /// Bumped on every save; a save with an older version is a conflict.
    pub version: i64,
    pub plate: String,
    pub model: String,
    pub customer: String,
    pub advisor_id: Option<i64>,
    pub advisor: String,
    pub work_group_id: Option<i64>,
    pub bay_id: Option<i64>,
    pub times: JobTimes,
    /// The customer waits in the lounge (a tighter promise).
    pub waiting: bool,
    /// The key's tag and who has it now.
    pub key: Option<(String, crate::domain::checklist::keys::KeyHolder)>,
}

impl BoardCard {
    pub fn status(&self) -> RoStatus {
        self.times.status
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardSnapshot {
    pub bays: Vec<Bay>,
    pub groups: Vec<WorkGroup>,
    pub cards: Vec<BoardCard>,
    /// Appointments still expected, which hold their bay's or group's time.
    pub booked: Vec<crate::domain::book::capacity::Slot>,
}

impl BoardSnapshot {
    pub fn bay(&self, id: i64) -> Option<&Bay> {
        self.bays.iter().find(|b| b.id == id)
    }

    /// A bay by the code painted on it ("B4").
    pub fn bay_coded(&self, code: &str) -> Option<&Bay> {
        self.bays.iter().find(|b| b.code == code)
    }

    pub fn group(&self, id: i64) -> Option<&WorkGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn card(&self, id: i64) -> Option<&BoardCard> {
        self.cards.iter().find(|c| c.id == id)
    }

    /// Cars physically in a bay, other than `except`.
    pub fn occupants(&self, bay_id: i64, except: Option<i64>) -> Vec<&BoardCard> {
        self.cards
            .iter()
            .filter(|c| c.bay_id == Some(bay_id) && c.status().occupies_bay())
            .filter(|c| Some(c.id) != except)
            .collect()
    }
}

/// One row of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user_login: String,
    pub action: String,
    pub detail: String,
}

/// Everything the RO detail view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoDetail {
    pub card: BoardCard,
    pub vin: String,
    pub phone: String,
    pub category: String,
    pub concerns: String,
    pub odometer_km: Option<i64>,
    pub fuel_eighths: Option<i64>,
    pub work_group: Option<String>,
    pub bay: Option<String>,
    pub workshop_received_at: Option<DateTime<Utc>>,
    pub history: Vec<AuditEntry>,
}

/// A request from the board to move a car: new status, bay and group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveRequest {
    pub ro_id: i64,
    pub expected_version: i64,
    pub to: RoStatus,
    pub bay_id: Option<i64>,
    pub work_group_id: Option<i64>,
}

/// Shop settings that the program reads (currency, tax, name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub shop_name: String,
    pub currency_symbol: String,
    /// Tax rate in basis points (1300 = 13 %).
    pub tax_rate_bp: i64,
    /// The shop's labour rate per hour, for canned jobs.
    pub labour_rate: super::money::Money,
    /// Discounts above this need a manager's role.
    pub discount_threshold_bp: i64,
    pub is_demo: bool,
    /// The key cabinet's hooks, first and last (tags are hook numbers).
    pub key_hooks: (i64, i64),
    /// The callback queue's rules: quiet hours, mileage, tries.
    pub calls: CallSettings,
    /// The workshop's working day, for the book's capacity.
    pub workshop: super::book::capacity::Hours,
    /// The KPI targets (`report_target_*` settings; the seeds' by default).
    pub report_targets: super::report::Targets,
    /// The shop's language (`language`: en, zh or es): printouts, and the
    /// screens of anyone who has not chosen their own.
    pub language: Option<String>,
}

/// The shop's calling rules as set (see `domain::callbacks::Policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallSettings {
    pub quiet: Option<(chrono::NaiveTime, chrono::NaiveTime)>,
    pub daily_km: i64,
    pub interval_km: i64,
    pub interval_months: u32,
    pub max_tries: i64,
    /// The shop's offset from UTC in minutes, when set; else the server's.
    pub utc_offset_minutes: Option<i32>,
}

impl Default for CallSettings {
    fn default() -> Self {
        let p = super::callbacks::Policy::default();
        CallSettings {
            quiet: p.quiet,
            daily_km: p.daily_km,
            interval_km: p.interval_km,
            interval_months: p.interval_months,
            max_tries: p.max_tries,
            utc_offset_minutes: None,
        }
    }
}

impl CallSettings {
    /// The policy the rules follow, with the shop's offset (`local`, the
    /// server's own, unless the setting fixes one).
    pub fn policy(&self, local: chrono::FixedOffset) -> super::callbacks::Policy {
        let offset = self
            .utc_offset_minutes
            .and_then(|m| chrono::FixedOffset::east_opt(m * 60))
            .unwrap_or(local);
        super::callbacks::Policy {
            offset,
            quiet: self.quiet,
            daily_km: self.daily_km.max(1),
            interval_km: self.interval_km.max(1),
            interval_months: self.interval_months.max(1),
            max_tries: self.max_tries.max(1),
            ..super::callbacks::Policy::default()
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            shop_name: "Service department".into(),
            currency_symbol: "¥".into(),
            tax_rate_bp: 1300,
            labour_rate: super::money::Money(18_000),
            discount_threshold_bp: super::validate::DISCOUNT_THRESHOLD_BP,
            is_demo: false,
            key_hooks: (1, 200),
            calls: CallSettings::default(),
            workshop: Default::default(),
            report_targets: Default::default(),
            language: None,
        }
    }
}
