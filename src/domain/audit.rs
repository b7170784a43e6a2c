//! What goes into the audit log, in words. Every store writes the same
//! entity, action and detail for the same event, so the wording lives here
//! and a second store (PostgreSQL) cannot drift from the first.

use super::added_work::AddedWorkCall;
use super::status::RoStatus;
use super::Money;
use chrono::{DateTime, Utc};

/// Where a car was, or is going, for a move's audit line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub status: RoStatus,
    /// The bay's code, if the car is in one.
    pub bay: Option<String>,
}

/// One change worth recording: who and when come from the store's actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditEvent {
    CustomerCreated {
        name: String,
    },
    VehicleCreated {
        plate: String,
        vin: String,
        vin_override: Option<String>,
    },
    OwnerChanged {
        from_customer: i64,
        to_customer: i64,
    },
    /// A lower reading replaced the car's last one (a new instrument cluster).
    OdometerOverride {
        km: i64,
        reason: String,
    },
    RoCreated {
        number: String,
        plate: String,
        customer: String,
    },
    RoUpdated {
        number: String,
        changed: Vec<&'static str>,
        /// Saved knowingly over someone else's version ("keep mine").
        over_version: Option<i64>,
    },
    RoMoved {
        number: String,
        from: Place,
        to: Place,
        /// The group named when it changed.
        group: Option<String>,
        /// The workshop hand-over, when this move set it.
        received_at: Option<DateTime<Utc>>,
    },
    ProgressChecked {
        number: String,
    },
    PickupCalled {
        number: String,
    },
    /// A late car's pickup call carries the reason (step 10).
    LateCall {
        reason: String,
    },
    Signed {
        number: String,
        signer: String,
    },
    Declined {
        number: String,
    },
    AddedWorkProposed {
        number: String,
        items: Vec<String>,
    },
    AddedWorkAnswered {
        number: String,
        call: AddedWorkCall,
    },
    Payment {
        number: String,
        amount: Money,
        method: String,
        still_owed: Money,
    },
    ExitNotice {
        number: String,
    },
    UserCreated {
        login: String,
        role: &'static str,
    },
    ShopSeeded {
        repair_orders: usize,
    },
}

impl AuditEvent {
    /// The table the event is about ("repair_order", "vehicle", …).
    pub fn entity(&self) -> &'static str {
        use AuditEvent::*;
        match self {
            CustomerCreated { .. } => "customer",
            VehicleCreated { .. } | OwnerChanged { .. } | OdometerOverride { .. } => "vehicle",
            UserCreated { .. } => "user",
            ShopSeeded { .. } => "shop",
            _ => "repair_order",
        }
    }

    /// The action code, stable for reports and the detail view.
    pub fn action(&self) -> &'static str {
        use AuditEvent::*;
        match self {
            CustomerCreated { .. } | VehicleCreated { .. } | RoCreated { .. } => "create",
            UserCreated { .. } => "create",
            OwnerChanged { .. } => "owner_change",
            OdometerOverride { .. } => "odometer_override",
            RoUpdated { .. } => "update",
            RoMoved { .. } => "move",
            ProgressChecked { .. } => "progress_check",
            PickupCalled { .. } => "pickup_call",
            LateCall { .. } => "late_call",
            Signed { .. } => "sign",
            Declined { .. } => "decline",
            AddedWorkProposed { .. } => "added_work_proposed",
            AddedWorkAnswered { .. } => "added_work_answer",
            Payment { .. } => "payment",
            ExitNotice { .. } => "exit_notice",
            ShopSeeded { .. } => "seed",
        }
    }

    /// The line a person reads in the RO's history.
    pub fn detail(&self) -> String {
        use AuditEvent::*;
        match self {
            CustomerCreated { name } => name.clone(),
            VehicleCreated {
                plate,
                vin,
                vin_override,
            } => {
                let why = vin_override
                    .as_ref()
                    .map(|r| format!("; VIN override: {r}"))
                    .unwrap_or_default();
                format!("{plate} {vin}{why}")
            }
            OwnerChanged {
                from_customer,
                to_customer,
            } => format!("customer {from_customer} → {to_customer}"),
            OdometerOverride { km, reason } => format!("{km} km: {reason}"),
            RoCreated {
                number,
                plate,
                customer,
            } => format!("{number} for {plate} {customer}"),
            RoUpdated {
                number,
                changed,
                over_version,
            } => {
                let over = over_version
                    .map(|v| format!("; saved over version {v} (kept mine)"))
                    .unwrap_or_default();
                format!("{number}: {}{over}", changed.join(", "))
            }
            RoMoved { .. } => self.move_detail(),
            ProgressChecked { number } | PickupCalled { number } | ExitNotice { number } => {
                number.clone()
            }
            LateCall { reason } => reason.clone(),
            Signed { number, signer } => format!("{number} signed by {signer}"),
            Declined { number } => format!("{number}: estimate declined; exit notice issued"),
            AddedWorkProposed { number, items } => format!("{number}: {}", items.join("; ")),
            AddedWorkAnswered { number, call } => answered_detail(number, call),
            Payment {
                number,
                amount,
                method,
                still_owed,
            } => format!(
                "{number}: {} by {method}; still owed {}",
                amount.0, still_owed.0
            ),
            UserCreated { login, role } => format!("{login} ({role})"),
            ShopSeeded { repair_orders } => format!("{repair_orders} repair orders"),
        }
    }

    /// "RO-10023 in_bay → quality_check; bay B3 → -; group Express".
    fn move_detail(&self) -> String {
        let AuditEvent::RoMoved {
            number,
            from,
            to,
            group,
            received_at,
        } = self
        else {
            return String::new();
        };
        let mut text = format!("{number} {} → {}", from.status, to.status);
        if from.bay != to.bay {
            let code = |b: &Option<String>| b.clone().unwrap_or_else(|| "-".into());
            text += &format!("; bay {} → {}", code(&from.bay), code(&to.bay));
        }
        if let Some(g) = group {
            text += &format!("; group {g}");
        }
        if let Some(t) = received_at {
            text += &format!("; workshop received {}", t.format("%Y-%m-%d %H:%M UTC"));
        }
        text
    }
}

fn answered_detail(number: &str, call: &AddedWorkCall) -> String {
    format!(
        "{number}: added work {} by {} at {}; workshop told: {} at {}; delay {} min",
        call.decision.code(),
        call.channel.code(),
        call.answered_at.format("%H:%M"),
        call.workshop_told.trim(),
        call.workshop_told_at.format("%H:%M"),
        call.delay_minutes
    )
}
