//! The repair order (进厂维修单): the contract between customer and shop
//! (004 §(二)3–5). What the editor edits, what a draft holds, what prints.

use super::money::Money;
use super::status::RoStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
        pub enum $name { #[default] $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code stored in the database and shown in key files.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
            /// The next value, wrapping: for cycling a choice field with a key.
            pub fn next(self) -> $name {
                let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0);
                Self::ALL[(i + 1) % Self::ALL.len()]
            }
            pub fn prev(self) -> $name {
                let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0);
                Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
            }
        }
    };
}

coded_enum!(
    /// Who pays a line: the customer, the manufacturer's warranty, or an insurer.
    Payer { Customer = "customer", Warranty = "warranty", Insurer = "insurer" }
);
coded_enum!(LineKind { Labour = "labour", Part = "part", Fee = "fee" });
coded_enum!(
    /// Who supplies a part (step 4): customer-supplied parts carry no guarantee.
    Supplier { Shop = "shop", Customer = "customer" }
);
coded_enum!(
    /// OEM (正厂件) or aftermarket (副厂件).
    Grade { Oem = "oem", Aftermarket = "aftermarket" }
);
coded_enum!(
    /// Original lines were agreed at check-in; added work is proposed, then
    /// approved or declined by the customer (step 7).
    Approval { Original = "original", Proposed = "proposed", Approved = "approved", Declined = "declined" }
);
coded_enum!(
    /// The three pricing methods of step 4.
    PricingMethod { System = "system", Symptom = "symptom", Item = "item" }
);
coded_enum!(
    Category {
        Maintenance = "maintenance",
        Repair = "repair",
        AccidentInsurance = "accident_insurance",
        Warranty = "warranty",
        RecallCampaign = "recall_campaign",
        Accessories = "accessories",
    }
);

/// One labour, part or fee line. Quantities are thousandths (1.5 h = 1500,
/// 4 l = 4000); for labour the quantity is hours and the price the hourly rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RoLine {
    pub id: Option<i64>,
    pub kind: LineKind,
    /// Op code for labour and fees, part number for parts.
    pub code: String,
    pub description: String,
    pub quantity_milli: i64,
    pub unit_price: Money,
    pub payer: Payer,
    pub supplier: Supplier,
    pub grade: Grade,
    /// Brakes, steering, airbags, tyres: where an aftermarket part voids the guarantee.
    pub critical_system: bool,
    pub approval: Approval,
    /// The added-work proposal this item came with.
    #[serde(default)]
    pub proposal_id: Option<i64>,
    /// The customer call that approved or declined this item.
    #[serde(default)]
    pub call_id: Option<i64>,
}

impl RoLine {
    /// Lines that count towards the bill: agreed at check-in or approved later.
    pub fn is_active(&self) -> bool {
        matches!(self.approval, Approval::Original | Approval::Approved)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CustomerRef {
    pub id: Option<i64>,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VehicleRef {
    pub id: Option<i64>,
    pub vin: String,
    pub plate: String,
    pub make: String,
    pub model: String,
    /// The last odometer reading on file, for the "lower than before" rule.
    pub last_odometer_km: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepairOrder {
    pub id: Option<i64>,
    pub number: String,
    /// Version loaded from the store; a save against an older one is a conflict.
    pub version: i64,
    pub status: RoStatus,
    pub customer: CustomerRef,
    pub vehicle: VehicleRef,
    /// The car changes hands: the customer above becomes its owner on save.
    pub new_owner: bool,
    pub vin_override_reason: String,
    pub odometer_in_km: Option<i64>,
    pub odometer_override_reason: String,
    pub fuel_eighths: Option<i64>,
    pub concerns: String,
    pub diagnosis: String,
    pub pricing: PricingMethod,
    pub category: Category,
    pub promised_at: Option<DateTime<Utc>>,
    pub work_group_id: Option<i64>,
    pub estimated_minutes: Option<i64>,
    /// Discount on the customer's share, in basis points (1000 = 10 %).
    pub discount_bp: i64,
    pub lines: Vec<RoLine>,
    pub advisor_login: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub signed_by_name: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    pub exit_notice_at: Option<DateTime<Utc>>,
    pub late_reason: String,
    /// What the desk's operations recorded; a save never writes it.
    #[serde(default)]
    pub desk: DeskRecord,
}

/// Who allowed something out of the ordinary, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sanction {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// Money still owed at delivery, accepted as arrears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrears {
    pub amount: Money,
    pub accepted: Sanction,
}

/// The RO's desk record: the signature's stand-in, the final check, the
/// workshop's word on progress, accepted arrears, a reopening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeskRecord {
    /// A manager dispatched the car before the customer signed.
    pub dispatch_override: Option<Sanction>,
    /// The final quality check that covers the work as it stands.
    pub qc_passed: Option<Sanction>,
    /// A late workshop's new finish time (the promise itself stays).
    pub expected_finish_at: Option<DateTime<Utc>>,
    pub arrears: Option<Arrears>,
    /// Reopened after delivery for one correction.
    pub reopened: Option<Sanction>,
    pub corrected_at: Option<DateTime<Utc>>,
    pub workshop_received_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl RepairOrder {
    /// A blank RO for the advisor at the desk.
    pub fn new(advisor_login: &str) -> RepairOrder {
        RepairOrder {
            id: None,
            number: String::new(),
            version: 0,
            status: RoStatus::CheckedIn,
            customer: CustomerRef::default(),
            vehicle: VehicleRef::default(),
            new_owner: false,
            vin_override_reason: String::new(),
            odometer_in_km: None,
            odometer_override_reason: String::new(),
            fuel_eighths: None,
            concerns: String::new(),
            diagnosis: String::new(),
            pricing: PricingMethod::System,
            category: Category::Maintenance,
            promised_at: None,
            work_group_id: None,
            estimated_minutes: None,
            discount_bp: 0,
            lines: Vec::new(),
            advisor_login: advisor_login.into(),
            checked_in_at: None,
            signed_by_name: None,
            signed_at: None,
            exit_notice_at: None,
            late_reason: String::new(),
            desk: DeskRecord::default(),
        }
    }

    /// The customer declined the estimate: its labour and parts are
    /// declined (reasons to call later); fees for the diagnosis or the
    /// estimate itself stay payable.
    pub fn decline_estimate(&mut self) {
        for line in &mut self.lines {
            if line.kind != LineKind::Fee && line.approval == Approval::Original {
                line.approval = Approval::Declined;
            }
        }
    }

    pub fn is_signed(&self) -> bool {
        self.signed_at.is_some()
    }

    /// Delivered and not reopened: it can be read and printed, not edited.
    pub fn is_closed(&self) -> bool {
        !self.status.is_open() && self.desk.reopened.is_none()
    }

    /// Added-work items still waiting for the customer's answer.
    pub fn proposed(&self) -> impl Iterator<Item = &RoLine> {
        self.lines
            .iter()
            .filter(|l| l.approval == Approval::Proposed)
    }

    /// Until the customer signs, the RO is only an estimate (step 4).
    pub fn is_estimate(&self) -> bool {
        self.signed_at.is_none()
    }

    /// Step 4: customer-supplied parts, or aftermarket parts on critical
    /// systems, carry no quality guarantee, and the RO must say so.
    pub fn needs_no_warranty_notice(&self) -> bool {
        self.lines
            .iter()
            .filter(|l| l.is_active() && l.kind == LineKind::Part)
            .any(|l| {
                l.supplier == Supplier::Customer
                    || (l.grade == Grade::Aftermarket && l.critical_system)
            })
    }
}

pub const NO_WARRANTY_NOTICE: &str =
    "Parts supplied by the customer, and aftermarket parts fitted to critical \
systems at the customer's request, carry no quality guarantee from the shop.";

pub const QUALITY_WARRANTY_NOTE: &str =
    "Quality warranty: the work on this order is guaranteed for 3 months or \
5,000 km, whichever comes first, except where stated above.";
