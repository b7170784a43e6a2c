//! What goes into the audit log, in words. Every store writes the same
//! entity, action and detail for the same event, so the wording lives here
//! and a second store (PostgreSQL) cannot drift from the first.

use super::added_work::{AddedWorkCall, Decision};
use super::conflict::FieldChange;
use super::lifecycle::Progress;
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
    /// Every field the save changed, with its old and new values.
    RoUpdated {
        number: String,
        changes: Vec<FieldChange>,
        /// Someone else's values this save replaced, knowingly ("keep mine").
        overwrote: Vec<FieldChange>,
        /// Merged with a version saved meanwhile by someone else.
        merged_with: Option<i64>,
        /// A correction to a delivered RO reopened by a manager.
        correction: bool,
    },
    /// The customer's identity changed after signing: a new signature is needed.
    SignatureVoided {
        number: String,
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
        report: Progress,
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
        /// The items decided, by description, in the call's order.
        items: Vec<(String, Decision)>,
    },
    QualityChecked {
        number: String,
        passed: bool,
        findings: String,
    },
    DispatchOverride {
        number: String,
        reason: String,
    },
    ArrearsAccepted {
        number: String,
        amount: Money,
        reason: String,
    },
    Reopened {
        number: String,
        reason: String,
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
    UserRoleChanged {
        login: String,
        from: &'static str,
        to: &'static str,
    },
    UserDisabled {
        login: String,
    },
    ShopSeeded {
        repair_orders: usize,
    },
    /// A shop setting changed (`frontdesk settings set`).
    SettingChanged {
        key: String,
        from: String,
        to: String,
    },
    /// The vehicle-items list of one phase, with what changed in words.
    ChecklistSaved {
        number: String,
        phase: &'static str,
        changes: Vec<String>,
    },
    /// The customer signed the check-in list, or the joint check at delivery.
    ChecklistAcknowledged {
        number: String,
        phase: &'static str,
        name: String,
    },
    KeyTagged {
        number: String,
        tag: String,
    },
    KeyHandedOver {
        number: String,
        tag: String,
        to: &'static str,
        person: String,
    },
    /// The key went back to the customer and its hook is free.
    KeyReturned {
        number: String,
        tag: String,
    },
    /// The callback queue: sweeps, claims, contacts, complaints, campaigns.
    Call(super::callbacks::events::CallEvent),
    /// The appointment book.
    Book(super::book::events::BookEvent),
    /// A customer's or a car's file.
    File(super::book::events::FileEvent),
}

impl AuditEvent {
    /// The table the event is about ("repair_order", "vehicle", …).
    pub fn entity(&self) -> &'static str {
        use AuditEvent::*;
        match self {
            CustomerCreated { .. } => "customer",
            VehicleCreated { .. } | OwnerChanged { .. } | OdometerOverride { .. } => "vehicle",
            UserCreated { .. } | UserRoleChanged { .. } | UserDisabled { .. } => "user",
            ShopSeeded { .. } | SettingChanged { .. } => "shop",
            Call(e) => e.entity(),
            Book(_) => "appointment",
            File(e) => e.entity(),
            _ => "repair_order",
        }
    }

    /// The action code, stable for reports and the detail view.
    pub fn action(&self) -> &'static str {
        use AuditEvent::*;
        match self {
            CustomerCreated { .. } | VehicleCreated { .. } | RoCreated { .. } => "create",
            UserCreated { .. } => "create",
            UserRoleChanged { .. } => "role",
            UserDisabled { .. } => "disable",
            SettingChanged { .. } => "setting",
            OwnerChanged { .. } => "owner_change",
            OdometerOverride { .. } => "odometer_override",
            RoUpdated {
                correction: true, ..
            } => "correction",
            RoUpdated { .. } => "update",
            SignatureVoided { .. } => "signature_voided",
            QualityChecked { .. } => "quality_check",
            DispatchOverride { .. } => "dispatch_override",
            ArrearsAccepted { .. } => "arrears_accepted",
            Reopened { .. } => "reopen",
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
            Call(e) => e.action(),
            Book(e) => e.action(),
            File(e) => e.action(),
            ChecklistSaved { .. } => "checklist",
            ChecklistAcknowledged { .. } => "checklist_signed",
            KeyTagged { .. } => "key_tag",
            KeyHandedOver { .. } => "key_hand_over",
            KeyReturned { .. } => "key_returned",
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
                changes,
                overwrote,
                merged_with,
                ..
            } => update_detail(number, changes, overwrote, *merged_with),
            SignatureVoided { number } => {
                format!("{number}: the customer changed after signing; a new signature is needed")
            }
            RoMoved { .. } => self.move_detail(),
            ProgressChecked { number, report } => match report {
                Progress::OnTime => format!("{number}: on time"),
                Progress::Late { new_finish } => format!(
                    "{number}: late, new finish {}",
                    new_finish.format("%Y-%m-%d %H:%M UTC")
                ),
            },
            PickupCalled { number } | ExitNotice { number } => number.clone(),
            QualityChecked {
                number,
                passed,
                findings,
            } => match passed {
                true => format!("{number}: passed"),
                false => format!("{number}: failed: {findings}"),
            },
            DispatchOverride { number, reason } => {
                format!("{number}: dispatched before signing: {reason}")
            }
            ArrearsAccepted {
                number,
                amount,
                reason,
            } => format!("{number}: {} accepted as arrears: {reason}", amount.0),
            Reopened { number, reason } => format!("{number}: reopened: {reason}"),
            LateCall { reason } => reason.clone(),
            ChecklistSaved {
                number,
                phase,
                changes,
            } => format!("{number}: {phase} list: {}", changes.join("; ")),
            ChecklistAcknowledged {
                number,
                phase,
                name,
            } => format!("{number}: {phase} list signed by {name}"),
            KeyTagged { number, tag } => format!("{number}: key on tag {tag}"),
            KeyHandedOver {
                number,
                tag,
                to,
                person,
            } => format!("{number}: key (tag {tag}) to the {to} {person}")
                .trim_end()
                .to_string(),
            KeyReturned { number, tag } => format!("{number}: key handed back; tag {tag} free"),
            Signed { number, signer } => format!("{number} signed by {signer}"),
            Declined { number } => format!("{number}: estimate declined; exit notice issued"),
            AddedWorkProposed { number, items } => format!("{number}: {}", items.join("; ")),
            AddedWorkAnswered {
                number,
                call,
                items,
            } => answered_detail(number, call, items),
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
            UserRoleChanged { login, from, to } => format!("{login}: {from} → {to}"),
            UserDisabled { login } => format!("{login} may no longer log in"),
            ShopSeeded { repair_orders } => format!("{repair_orders} repair orders"),
            SettingChanged { key, from, to } => format!("{key}: '{from}' → '{to}'"),
            Call(e) => e.detail(),
            Book(e) => e.detail(),
            File(e) => e.detail(),
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

fn answered_detail(number: &str, call: &AddedWorkCall, items: &[(String, Decision)]) -> String {
    let list = |d: Decision| {
        let names: Vec<&str> = items
            .iter()
            .filter(|(_, x)| *x == d)
            .map(|(n, _)| n.as_str())
            .collect();
        names.join(", ")
    };
    let decided: Vec<String> = [
        (Decision::Approved, "approved"),
        (Decision::Declined, "declined"),
    ]
    .into_iter()
    .map(|(d, word)| (word, list(d)))
    .filter(|(_, names)| !names.is_empty())
    .map(|(word, names)| format!("{word}: {names}"))
    .collect();
    format!(
        "{number}: asked {} answered {} by {}; {}; workshop told: {} at {}; delay {} min",
        call.asked_at.format("%H:%M UTC"),
        call.answered_at.format("%H:%M UTC"),
        call.channel.code(),
        decided.join("; "),
        call.workshop_told.trim(),
        call.workshop_told_at.format("%H:%M UTC"),
        call.delay_minutes
    )
}

/// `RO-24001 {"changes":[{"field":"customer.phone","old":"…","new":"…"}]}`:
/// every changed field with both values, and what a "keep mine" overwrote.
fn update_detail(
    number: &str,
    changes: &[FieldChange],
    overwrote: &[FieldChange],
    merged_with: Option<i64>,
) -> String {
    let mut body = serde_json::json!({ "changes": changes });
    if !overwrote.is_empty() {
        body["overwrote"] = serde_json::json!(overwrote);
    }
    if let Some(v) = merged_with {
        body["merged_with_version"] = serde_json::json!(v);
    }
    format!("{number} {body}")
}
