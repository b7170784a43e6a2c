//! The repair order's life cycle, enforced (domain.md steps 4, 6–11). Every
//! path that changes an RO (the board, the editor, the command line, any
//! later pane) reaches the store, and the store asks these guards inside
//! its write transaction. Each rule lives here once; each refusal says why
//! and what to do.

pub use super::checklist::Handover;
use super::model::Role;
use super::repair_order::{Approval, RepairOrder, RoLine};
use super::roles::{require, Forbidden, Permission};
use super::settlement::Balance;
use super::status::{check_transition, RoStatus, TransitionRefused};
use super::text::clean_line;
use chrono::{DateTime, Utc};
use std::fmt;

/// The documents an RO prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Estimate,
    RepairOrder,
    AddedItems,
    Settlement,
    ExitNotice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Dispatch and everything after it need the customer's signature.
    NotSigned,
    /// The acting user's role may not do this (see `roles`).
    NotAllowed(Forbidden),
    ReasonNeeded(&'static str),
    /// Money is still owed (formatted with the shop's currency).
    Owed(String),
    NoQualityCheck,
    QualityCheckDone,
    FindingsNeeded,
    NotAtQualityCheck,
    ItemsWaiting(usize),
    ExitNoticeFirst,
    NotReadyForExit,
    ExitNoticeIssued,
    /// Delivered: read and print only.
    Closed,
    /// Signed: lines, prices and the promise change through added work.
    SignedFrozen,
    NotDelivered,
    AlreadyReopened,
    AlreadySigned,
    NoSigner,
    NoConcern,
    NotInWorkshop,
    FinishNotLater,
    FinishKeepsPromise,
    NothingOwed,
    NotAtSettlement,
    /// A printout of a document that does not exist yet.
    NotYet(Document),
    Transition(TransitionRefused),
    /// The joint check at delivery is not done (what is open, in words).
    HandoverOpen(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Refusal::*;
        let text: String = match self {
            NotSigned => "the customer has not signed this RO: have it signed first, or a manager may dispatch it with a reason".into(),
            NotAllowed(forbidden) => forbidden.to_string(),
            ReasonNeeded(what) => format!("give the reason {what}"),
            Owed(owed) => format!("{owed} is still owed: take the payment, or a manager accepts it as arrears, with a reason"),
            NoQualityCheck => "the final quality check has not passed: record who checked and the result first".into(),
            QualityCheckDone => "the final quality check has already passed".into(),
            FindingsNeeded => "a failed check needs its findings, for the workshop".into(),
            NotAtQualityCheck => "the final quality check is recorded once the work is done".into(),
            ItemsWaiting(n) => format!("{n} added item(s) still wait for the customer's answer: record the call first"),
            ExitNoticeFirst => "issue the exit notice before handing the car over".into(),
            NotReadyForExit => "the exit notice comes when the car is ready for pickup".into(),
            ExitNoticeIssued => "the exit notice has already been issued".into(),
            Closed => "this RO was delivered and is closed: it can be read and printed, and a manager can reopen it with a reason".into(),
            SignedFrozen => "the customer signed this RO: lines, prices and the promise change only through added work, which the customer approves".into(),
            NotDelivered => "only a delivered RO is reopened".into(),
            AlreadyReopened => "this RO is already open for a correction".into(),
            AlreadySigned => "the customer has already signed this RO".into(),
            NoSigner => "type the name of the person signing".into(),
            NoConcern => "a signed RO must state the customer's concern".into(),
            NotInWorkshop => "progress is checked while the car is in the workshop".into(),
            FinishNotLater => "the new finish time must be later than now".into(),
            FinishKeepsPromise => "that finish time keeps the promise: record it as on time".into(),
            NothingOwed => "nothing is owed on this RO".into(),
            NotAtSettlement => "arrears are accepted at settlement, once the car is ready for pickup".into(),
            NotYet(doc) => not_yet(*doc).into(),
            Transition(t) => t.to_string(),
            HandoverOpen(why) => format!("the car is handed over after the joint check with the customer (F4): {why}"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Refusal {}

fn not_yet(doc: Document) -> &'static str {
    match doc {
        Document::AddedItems => "there is no added work on this RO, so there is no added-items slip",
        Document::Settlement => "there is no settlement yet: it comes when the work is done and the car is ready for pickup",
        Document::ExitNotice => "no exit notice has been issued for this RO: it is issued when the car is ready, checked and settled",
        Document::Estimate | Document::RepairOrder => "",
    }
}

/// What the guards need to know, read inside the write transaction.
pub struct Facts<'a> {
    pub ro: &'a RepairOrder,
    pub balance: Balance,
    /// The acting user's role, from the users table (None: not registered).
    pub role: Option<Role>,
    pub currency: &'a str,
    /// The vehicle-items checks: the joint one at delivery must be signed.
    pub handover: Handover,
}

impl Facts<'_> {
    fn settled(&self) -> Result<(), Refusal> {
        if self.balance.settled() {
            return Ok(());
        }
        let owed = self.balance.outstanding().format(self.currency);
        Err(Refusal::Owed(owed))
    }

    fn qc_passed(&self) -> Result<(), Refusal> {
        match self.ro.desk.qc_passed {
            Some(_) => Ok(()),
            None => Err(Refusal::NoQualityCheck),
        }
    }

    /// The role table's answer for the acting user.
    pub fn permit(&self, p: Permission) -> Result<(), Refusal> {
        require(self.role, p).map_err(Refusal::NotAllowed)
    }
}

/// States that start or follow the work: the car has been dispatched.
fn dispatched(s: RoStatus) -> bool {
    matches!(
        s,
        RoStatus::InBay
            | RoStatus::WaitingForParts
            | RoStatus::AwaitingApproval
            | RoStatus::QualityCheck
            | RoStatus::Washing
            | RoStatus::ReadyForPickup
            | RoStatus::Delivered
    )
}

/// A move on the board or from the editor (after the transition table and
/// the bay rules in `dispatch::plan_move`).
pub fn check_move(f: &Facts, to: RoStatus) -> Result<(), Refusal> {
    let ro = f.ro;
    // Step 4: the signed RO is the contract; no work without it.
    if dispatched(to) && !ro.is_signed() && ro.desk.dispatch_override.is_none() {
        return Err(Refusal::NotSigned);
    }
    let waiting = ro.proposed().count();
    if waiting > 0 && matches!(to, RoStatus::QualityCheck | RoStatus::ReadyForPickup) {
        return Err(Refusal::ItemsWaiting(waiting));
    }
    // Every car gets a final quality check before it is handed back.
    if ro.status == RoStatus::QualityCheck
        && matches!(to, RoStatus::Washing | RoStatus::ReadyForPickup)
    {
        f.qc_passed()?;
    }
    if to == RoStatus::Delivered {
        return check_delivery(f);
    }
    Ok(())
}

/// Step 11: the car leaves with its exit notice, checked and settled.
pub fn check_delivery(f: &Facts) -> Result<(), Refusal> {
    if f.ro.exit_notice_at.is_none() {
        return Err(Refusal::ExitNoticeFirst);
    }
    f.qc_passed()?;
    f.settled()?;
    match &f.handover {
        Handover::Open(why) => Err(Refusal::HandoverOpen(why.clone())),
        Handover::NoSheet | Handover::Signed => Ok(()),
    }
}

/// The exit notice (出厂通知单) is the gate pass: ready, checked, settled.
pub fn check_exit_notice(f: &Facts) -> Result<(), Refusal> {
    if f.ro.exit_notice_at.is_some() {
        return Err(Refusal::ExitNoticeIssued);
    }
    if f.ro.status != RoStatus::ReadyForPickup {
        return Err(Refusal::NotReadyForExit);
    }
    f.qc_passed()?;
    f.settled()
}

/// The customer signs: returns the signer's name as it will be stored.
pub fn check_sign(ro: &RepairOrder, signer: &str) -> Result<String, Refusal> {
    if ro.is_closed() {
        return Err(Refusal::Closed);
    }
    if ro.is_signed() {
        return Err(Refusal::AlreadySigned);
    }
    let signer = clean_line(signer.trim());
    if signer.is_empty() {
        return Err(Refusal::NoSigner);
    }
    if ro.concerns.trim().is_empty() {
        return Err(Refusal::NoConcern);
    }
    Ok(signer)
}

/// The customer declines the estimate and leaves with an exit notice.
pub fn check_decline(ro: &RepairOrder) -> Result<(), Refusal> {
    if ro.is_signed() {
        return Err(Refusal::AlreadySigned);
    }
    check_transition(ro.status, RoStatus::Declined).map_err(Refusal::Transition)
}

/// A declined estimate's car leaves once any fee for the diagnosis or the
/// estimate is paid (or accepted as arrears).
pub fn check_declined_exit(f: &Facts) -> Result<(), Refusal> {
    f.settled()
}

fn reason(text: &str, what: &'static str) -> Result<String, Refusal> {
    let text = clean_line(text.trim());
    if text.is_empty() {
        return Err(Refusal::ReasonNeeded(what));
    }
    Ok(text)
}

/// A manager dispatches a car before the customer signs, with the reason.
pub fn check_dispatch_override(f: &Facts, why: &str) -> Result<String, Refusal> {
    f.permit(Permission::OverrideDispatch)?;
    if f.ro.is_signed() {
        return Err(Refusal::AlreadySigned);
    }
    reason(why, "for dispatching without a signature")
}

/// What is still owed is accepted as arrears by a manager, with
/// the reason; returns the amount accepted. Warranty's and insurers' shares
/// are receivables and never need this.
pub fn check_accept_arrears(f: &Facts, why: &str) -> Result<(String, super::Money), Refusal> {
    f.permit(Permission::AcceptArrears)?;
    if !at_settlement(f.ro) {
        return Err(Refusal::NotAtSettlement);
    }
    let owed = f.balance.outstanding();
    if owed.0 == 0 {
        return Err(Refusal::NothingOwed);
    }
    Ok((reason(why, "for accepting arrears")?, owed))
}

/// When money is settled: the car is ready to go, or (for a declined
/// estimate's fee) it never went into the workshop.
pub fn at_settlement(ro: &RepairOrder) -> bool {
    match ro.status {
        RoStatus::ReadyForPickup => true,
        RoStatus::CheckedIn | RoStatus::WaitingForBay => !ro.is_signed(),
        _ => false,
    }
}

/// A manager reopens a delivered RO for one correction, with the reason.
pub fn check_reopen(f: &Facts, why: &str) -> Result<String, Refusal> {
    f.permit(Permission::Reopen)?;
    if f.ro.status != RoStatus::Delivered {
        return Err(Refusal::NotDelivered);
    }
    if f.ro.desk.reopened.is_some() {
        return Err(Refusal::AlreadyReopened);
    }
    reason(why, "for reopening")
}

/// The final quality check: who checked, and passed or the findings.
pub fn check_quality(ro: &RepairOrder, passed: bool, findings: &str) -> Result<(), Refusal> {
    if !matches!(
        ro.status,
        RoStatus::QualityCheck | RoStatus::Washing | RoStatus::ReadyForPickup
    ) {
        return Err(Refusal::NotAtQualityCheck);
    }
    if ro.desk.qc_passed.is_some() {
        return Err(Refusal::QualityCheckDone);
    }
    if !passed && findings.trim().is_empty() {
        return Err(Refusal::FindingsNeeded);
    }
    Ok(())
}

/// What a save does besides writing the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveRule {
    Plain,
    /// The customer's identity changed after signing: a new signature is needed.
    VoidSignature,
    /// A reopened, delivered RO: this save is its correction.
    Correction,
}

/// Whether the editor's RO may replace the stored one.
pub fn check_save(stored: &RepairOrder, new: &RepairOrder) -> Result<SaveRule, Refusal> {
    if stored.is_closed() {
        return Err(Refusal::Closed);
    }
    if !stored.status.is_open() {
        return Ok(SaveRule::Correction);
    }
    if !stored.is_signed() {
        return Ok(SaveRule::Plain);
    }
    let priced = |ro: &RepairOrder| (ro.discount_bp, ro.promised_at);
    if !same_lines(&stored.lines, &new.lines) || priced(stored) != priced(new) {
        return Err(Refusal::SignedFrozen);
    }
    let identity = |ro: &RepairOrder| {
        (
            ro.customer.id,
            ro.customer.name.trim().to_string(),
            ro.customer.phone.trim().to_string(),
            ro.vehicle.id,
        )
    };
    Ok(match identity(stored) == identity(new) {
        true => SaveRule::Plain,
        false => SaveRule::VoidSignature,
    })
}

/// The same lines, whatever their ids.
fn same_lines(a: &[RoLine], b: &[RoLine]) -> bool {
    let key = |l: &RoLine| {
        (
            l.kind,
            l.code.trim().to_string(),
            l.description.trim().to_string(),
            l.quantity_milli,
            l.unit_price,
            l.payer,
            l.supplier,
            l.grade,
            l.critical_system,
            l.approval,
        )
    };
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| key(x) == key(y))
}

/// The car is or will be late: past its promise and not ready, or the
/// workshop has given a finish time after it.
pub fn is_late(ro: &RepairOrder, now: DateTime<Utc>) -> bool {
    super::timing::late_or_will_be(ro.status, ro.promised_at, ro.desk.expected_finish_at, now)
}

/// The pickup call (step 10): a late car's call gives the reason, and only
/// a late car's. Returns the reason to keep (empty when on time).
pub fn check_pickup_call(
    ro: &RepairOrder,
    why: &str,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    if !is_late(ro, now) {
        return Ok(String::new());
    }
    reason(why, "why the car is late, for the customer")
}

/// What the workshop said when asked about progress (step 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    OnTime,
    Late { new_finish: DateTime<Utc> },
}

pub fn check_progress(
    ro: &RepairOrder,
    report: Progress,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    if !ro.status.in_workshop() {
        return Err(Refusal::NotInWorkshop);
    }
    if let Progress::Late { new_finish } = report {
        if new_finish <= now {
            return Err(Refusal::FinishNotLater);
        }
        if ro.promised_at.is_some_and(|p| new_finish <= p) {
            return Err(Refusal::FinishKeepsPromise);
        }
    }
    Ok(())
}

/// A printout of a document that does not exist yet is refused.
pub fn check_print(doc: Document, ro: &RepairOrder) -> Result<(), Refusal> {
    let exists = match doc {
        Document::Estimate | Document::RepairOrder => true,
        Document::AddedItems => ro.lines.iter().any(|l| l.approval != Approval::Original),
        Document::Settlement => matches!(ro.status, RoStatus::ReadyForPickup | RoStatus::Delivered),
        Document::ExitNotice => ro.exit_notice_at.is_some(),
    };
    if exists {
        Ok(())
    } else {
        Err(Refusal::NotYet(doc))
    }
}
