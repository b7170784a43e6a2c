//! Who may do what, in one table that every path consults: the store asks
//! it inside each write (so the command line and any later pane obey it),
//! and the screens ask it only to hide what a role cannot do.

use super::model::Role;
use Role::*;

/// Something a person does that not every role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create an RO, and edit its customer, car, concerns and diagnosis.
    WriteRo,
    /// Lines, prices and the discount (up to the threshold).
    ChangePrices,
    /// A discount over the shop's threshold.
    ApproveDiscount,
    /// Record the customer's signature, or their decline of the estimate.
    RecordSignature,
    MoveCars,
    ProposeAddedWork,
    /// Record a call to the customer: the added-work answer, the pickup call.
    CallCustomer,
    CheckProgress,
    QualityCheck,
    TakePayment,
    AcceptArrears,
    IssueExitNotice,
    /// Dispatch a car before the customer signs.
    OverrideDispatch,
    /// Reopen a delivered RO for a correction.
    Reopen,
    /// Add users, change their roles, disable them.
    ManageUsers,
    /// Delete or merge customer records.
    MergeCustomers,
    /// The vehicle-items checklist: documents, belongings, walk-around,
    /// the check-in questions, the customer's signature on the list.
    RecordChecklist,
    /// Tag a key and record who takes it.
    HandOverKey,
    /// Book, move and cancel appointments; record no-shows.
    BookAppointments,
    /// Edit a customer's file: contact details, preferences, membership.
    EditCustomers,
    /// Import customers, cars and history from another system's CSV.
    ImportData,
    /// Change the shop's settings (its language for printouts, …).
    ChangeSettings,
}

/// The table. A role not listed for a permission does not have it.
const TABLE: &[(Permission, &[Role])] = &[
    (Permission::WriteRo, &[Advisor, Manager]),
    (Permission::ChangePrices, &[Advisor, Manager]),
    (Permission::ApproveDiscount, &[Manager]),
    (Permission::RecordSignature, &[Advisor, Manager]),
    (Permission::RecordChecklist, &[Advisor, Manager]),
    (
        Permission::HandOverKey,
        &[Advisor, Dispatcher, Cashier, Technician, Manager],
    ),
    (Permission::MoveCars, &[Advisor, Dispatcher, Manager]),
    (
        Permission::ProposeAddedWork,
        &[Advisor, Dispatcher, Technician, Manager],
    ),
    (Permission::CallCustomer, &[Advisor, CustomerCare, Manager]),
    (Permission::CheckProgress, &[Advisor, Dispatcher, Manager]),
    (Permission::QualityCheck, &[Dispatcher, Technician, Manager]),
    (Permission::TakePayment, &[Cashier, Manager]),
    (Permission::AcceptArrears, &[Manager]),
    (Permission::IssueExitNotice, &[Advisor, Cashier, Manager]),
    (Permission::OverrideDispatch, &[Manager]),
    (Permission::Reopen, &[Manager]),
    (Permission::ManageUsers, &[Manager]),
    (Permission::MergeCustomers, &[Manager]),
    (
        Permission::BookAppointments,
        &[Advisor, CustomerCare, Manager],
    ),
    (Permission::EditCustomers, &[Advisor, CustomerCare, Manager]),
    (Permission::ImportData, &[Manager]),
    (Permission::ChangeSettings, &[Manager]),
];

impl Permission {
    /// What it is, as a refusal says it: "only a manager may {this}".
    pub fn action(self) -> &'static str {
        use Permission::*;
        match self {
            WriteRo => "write repair orders",
            ChangePrices => "change lines, prices or the discount",
            ApproveDiscount => "approve a discount over the threshold",
            RecordSignature => "record the customer's signature or decline",
            MoveCars => "move cars",
            ProposeAddedWork => "propose added work",
            CallCustomer => "record calls to the customer",
            CheckProgress => "record progress checks",
            QualityCheck => "record the final quality check",
            TakePayment => "take payments",
            AcceptArrears => "accept arrears",
            IssueExitNotice => "issue the exit notice",
            OverrideDispatch => "dispatch a car without the customer's signature",
            Reopen => "reopen a delivered RO",
            ManageUsers => "manage users",
            MergeCustomers => "delete or merge customers",
            RecordChecklist => "record the vehicle-items checklist",
            HandOverKey => "tag keys and record who takes them",
            BookAppointments => "book appointments",
            EditCustomers => "edit customer files",
            ImportData => "import data from CSV",
            ChangeSettings => "change the shop's settings",
        }
    }

    /// The roles that have it.
    pub fn roles(self) -> &'static [Role] {
        TABLE
            .iter()
            .find(|(p, _)| *p == self)
            .map(|(_, roles)| *roles)
            .unwrap_or(&[])
    }
}

/// Whether `role` may do `p`. Nobody (an unregistered login) may do anything.
pub fn may(role: Option<Role>, p: Permission) -> bool {
    role.is_some_and(|r| p.roles().contains(&r))
}

/// `may`, as a refusal that says who may.
pub fn require(role: Option<Role>, p: Permission) -> Result<(), Forbidden> {
    if may(role, p) {
        Ok(())
    } else {
        Err(Forbidden(p))
    }
}

/// A refusal: "only an advisor or a manager may write repair orders".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forbidden(pub Permission);

impl std::fmt::Display for Forbidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.roles().iter().map(|r| r.title()).collect();
        let who = match names.as_slice() {
            [] => "nobody".to_string(),
            [one] => format!("a {one}"),
            [rest @ .., last] => format!("a {} or a {last}", rest.join(", a ")),
        };
        write!(f, "only {who} may {}", self.0.action())
    }
}

impl std::error::Error for Forbidden {}
