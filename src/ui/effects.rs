//! The one place where the interface's store work runs.
//!
//! - Reads run at once on the screen's own connection: in WAL mode a reader
//!   never waits for another terminal's write lock.
//! - Drafts go to their own file (see `store::DraftStore`), also at once.
//! - Writes are [`WriteJob`]s. The terminal loop hands them to the writer
//!   thread, which may wait for another terminal's lock while the screen
//!   keeps drawing; tests run them in place with `App::settle`.

use super::pane::PaneId;
use crate::domain::added_work::AddedWorkCall;
use crate::domain::book::Booking;
use crate::domain::callbacks::contact::Contact;
use crate::domain::callbacks::Status;
use crate::domain::checklist::keys::{KeyHolder, TagRequest};
use crate::domain::checklist::{Answers, Phase, Sheet};
use crate::domain::draft::{Draft, SearchHit};
use crate::domain::lifecycle::Progress;
use crate::domain::repair_order::RoLine;
use crate::domain::settlement::Payment;
use crate::domain::{Money, MoveRequest, RepairOrder, RoDetail};
use crate::store::book::{CustomerDetails, Merged};
use crate::store::callbacks::{CustomerFile, NewComplaint};
use crate::store::{
    Actor, CannedJob, DraftStore, Readings, SaveRo, SaveSheet, Sheets, Store, StoreResult,
};
use chrono::{DateTime, Utc};

/// Reads a pane or a layer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    Detail(i64),
    /// An RO with its payments.
    Ro(i64),
    Search(String),
    CannedJobs,
    /// F4: the RO with both checks, the questions and the key.
    Sheets(i64),
    /// F5: a customer's history at a glance.
    CustomerFile(i64),
    /// Search from anywhere.
    Find(String),
}

#[derive(Debug, Clone)]
pub enum ReadOut {
    Detail(Box<RoDetail>),
    Ro(Box<RepairOrder>, Vec<Payment>),
    Hits(Vec<SearchHit>),
    Canned(Vec<CannedJob>),
    Sheets(Box<RepairOrder>, Box<Sheets>),
    File(Box<CustomerFile>),
    Found(Vec<crate::store::Found>),
    Drafts(Vec<Draft>),
    DraftDiscarded(i64),
}

/// Work on this user's drafts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftOp {
    List,
    Discard(i64),
}

/// Changes to the shop, each checked and audited by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Move(MoveRequest),
    ProgressCheck {
        ro_id: i64,
        version: i64,
        report: Progress,
    },
    PickupCall {
        ro_id: i64,
        version: i64,
        late_reason: String,
    },
    SaveRo {
        ro: Box<RepairOrder>,
        /// The RO as stored when the edit began, so a save can merge with
        /// one made meanwhile.
        base: Option<Box<RepairOrder>>,
        /// Saved knowingly over someone else's conflicting change.
        keep_mine: bool,
    },
    Sign {
        ro_id: i64,
        version: i64,
        signer: String,
    },
    Decline {
        ro_id: i64,
        version: i64,
    },
    Propose {
        ro_id: i64,
        version: i64,
        lines: Vec<RoLine>,
    },
    AddedWorkCall {
        ro_id: i64,
        version: i64,
        call: AddedWorkCall,
    },
    Pay {
        ro_id: i64,
        amount: Money,
        method: String,
    },
    ExitNotice {
        ro_id: i64,
        version: i64,
    },
    QualityCheck {
        ro_id: i64,
        version: i64,
        passed: bool,
        findings: String,
    },
    OverrideDispatch {
        ro_id: i64,
        version: i64,
        reason: String,
    },
    AcceptArrears {
        ro_id: i64,
        version: i64,
        reason: String,
    },
    Reopen {
        ro_id: i64,
        version: i64,
        reason: String,
    },
    SaveSheet {
        ro_id: i64,
        sheet: Box<Sheet>,
        answers: Option<Answers>,
        readings: Option<Readings>,
        tag: Option<TagRequest>,
    },
    SignSheet {
        ro_id: i64,
        phase: Phase,
        version: i64,
        name: String,
    },
    KeyTag {
        ro_id: i64,
        request: TagRequest,
    },
    KeyHandOver {
        ro_id: i64,
        to: KeyHolder,
        person: String,
    },
    /// F5: take a callback, so no other agent calls the same customer.
    Claim {
        id: i64,
    },
    Release {
        id: i64,
    },
    Contact {
        id: i64,
        contact: Contact,
    },
    Complaint(NewComplaint),
    /// F6: the appointment book.
    Book(Box<Booking>),
    MoveAppt {
        id: i64,
        version: i64,
        booking: Box<Booking>,
    },
    CancelAppt {
        id: i64,
        version: i64,
        reason: String,
    },
    NoShow {
        id: i64,
        version: i64,
    },
    TellWorkshop {
        id: i64,
        version: i64,
    },
    CheckIn {
        id: i64,
        version: i64,
    },
    /// F7: the customer's file.
    SaveCustomer {
        id: i64,
        version: i64,
        details: Box<CustomerDetails>,
    },
    Merge {
        keep: i64,
        gone: i64,
    },
}

impl Write {
    /// The RO the write is about.
    pub fn ro_id(&self) -> Option<i64> {
        match self {
            Write::Move(m) => Some(m.ro_id),
            Write::SaveRo { ro, .. } => ro.id,
            Write::ProgressCheck { ro_id, .. }
            | Write::PickupCall { ro_id, .. }
            | Write::Sign { ro_id, .. }
            | Write::Decline { ro_id, .. }
            | Write::Propose { ro_id, .. }
            | Write::AddedWorkCall { ro_id, .. }
            | Write::Pay { ro_id, .. }
            | Write::ExitNotice { ro_id, .. }
            | Write::QualityCheck { ro_id, .. }
            | Write::OverrideDispatch { ro_id, .. }
            | Write::AcceptArrears { ro_id, .. }
            | Write::Reopen { ro_id, .. }
            | Write::SaveSheet { ro_id, .. }
            | Write::SignSheet { ro_id, .. }
            | Write::KeyTag { ro_id, .. }
            | Write::KeyHandOver { ro_id, .. } => Some(*ro_id),
            Write::Complaint(c) => c.ro_id,
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOut {
    Done,
    Saved(Box<RepairOrder>),
    StillOwed(Money),
    /// The hook the key was hung on.
    Tagged(String),
    /// Where a recorded contact left its callback.
    Contact(Status),
    /// The RO an appointment became.
    CheckedIn(i64, String),
    Merged(Merged),
}

/// Who acts, owned, so a job can cross to the writer thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub login: String,
    pub user_id: i64,
    /// When the person acted (the key press), not when the lock came free.
    pub at: DateTime<Utc>,
}

impl Who {
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            login: &self.login,
            user_id: Some(self.user_id),
            at: self.at,
        }
    }
}

#[derive(Debug, Clone)]
pub struct WriteJob {
    pub id: u64,
    pub origin: PaneId,
    pub what: String,
    pub write: Write,
    pub by: Who,
}

#[derive(Debug)]
pub struct WriteDone {
    pub id: u64,
    pub origin: PaneId,
    pub what: String,
    pub write: Write,
    pub result: StoreResult<WriteOut>,
}

pub fn read(store: &dyn Store, read: &Read) -> StoreResult<ReadOut> {
    Ok(match read {
        Read::Detail(id) => ReadOut::Detail(Box::new(store.ro_detail(*id)?)),
        Read::Ro(id) => ReadOut::Ro(Box::new(store.load_ro(*id)?), store.payments(*id)?),
        Read::Search(q) => ReadOut::Hits(store.search_vehicles(q, 8)?),
        Read::CannedJobs => ReadOut::Canned(store.canned_jobs()?),
        Read::Sheets(id) => {
            ReadOut::Sheets(Box::new(store.load_ro(*id)?), Box::new(store.sheets(*id)?))
        }
        Read::CustomerFile(id) => ReadOut::File(Box::new(store.customer_file(*id)?)),
        Read::Find(q) => ReadOut::Found(store.search(q, super::seek::SHOWN)?),
    })
}

pub fn drafts(store: &mut dyn DraftStore, login: &str, op: &DraftOp) -> StoreResult<ReadOut> {
    Ok(match op {
        DraftOp::List => ReadOut::Drafts(store.drafts(login)?),
        DraftOp::Discard(ro_id) => {
            store.delete_draft(login, *ro_id)?;
            ReadOut::DraftDiscarded(*ro_id)
        }
    })
}

/// Runs one write: on the writer thread, or in place in tests.
pub fn run(store: &mut dyn Store, job: WriteJob) -> WriteDone {
    let result = write(store, &job.write, job.by.actor());
    WriteDone {
        id: job.id,
        origin: job.origin,
        what: job.what,
        write: job.write,
        result,
    }
}

fn write(store: &mut dyn Store, write: &Write, by: Actor<'_>) -> StoreResult<WriteOut> {
    match write {
        Write::Move(req) => store.move_ro(req, by)?,
        Write::ProgressCheck {
            ro_id,
            version,
            report,
        } => store.record_progress_check(*ro_id, *version, *report, by)?,
        Write::PickupCall {
            ro_id,
            version,
            late_reason,
        } => store.record_pickup_call(*ro_id, *version, late_reason, by)?,
        Write::SaveRo {
            ro,
            base,
            keep_mine,
        } => {
            let req = SaveRo {
                ro,
                base: base.as_deref(),
                keep_mine: *keep_mine,
            };
            let saved = store.save_ro(&req, by)?;
            return Ok(WriteOut::Saved(Box::new(saved)));
        }
        Write::Sign {
            ro_id,
            version,
            signer,
        } => store.sign_ro(*ro_id, *version, signer, by)?,
        Write::Decline { ro_id, version } => store.decline_ro(*ro_id, *version, by)?,
        Write::Propose {
            ro_id,
            version,
            lines,
        } => store.propose_added_work(*ro_id, *version, lines.clone(), by)?,
        Write::AddedWorkCall {
            ro_id,
            version,
            call,
        } => store.record_added_work_call(*ro_id, *version, call, by)?,
        Write::Pay {
            ro_id,
            amount,
            method,
        } => {
            let owed = store.add_payment(*ro_id, *amount, method, by)?;
            return Ok(WriteOut::StillOwed(owed));
        }
        Write::ExitNotice { ro_id, version } => store.issue_exit_notice(*ro_id, *version, by)?,
        Write::QualityCheck {
            ro_id,
            version,
            passed,
            findings,
        } => store.record_quality_check(*ro_id, *version, *passed, findings, by)?,
        Write::OverrideDispatch {
            ro_id,
            version,
            reason,
        } => store.override_dispatch(*ro_id, *version, reason, by)?,
        Write::AcceptArrears {
            ro_id,
            version,
            reason,
        } => store.accept_arrears(*ro_id, *version, reason, by)?,
        Write::Reopen {
            ro_id,
            version,
            reason,
        } => store.reopen_ro(*ro_id, *version, reason, by)?,
        Write::SaveSheet {
            ro_id,
            sheet,
            answers,
            readings,
            tag,
        } => {
            let req = SaveSheet {
                ro_id: *ro_id,
                sheet,
                answers: answers.as_ref(),
                readings: readings.as_ref(),
                tag: *tag,
            };
            store.save_sheet(&req, by)?
        }
        Write::SignSheet {
            ro_id,
            phase,
            version,
            name,
        } => store.acknowledge_sheet(*ro_id, *phase, *version, name, by)?,
        Write::KeyTag { ro_id, request } => {
            let tag = store.assign_key_tag(*ro_id, *request, by)?;
            return Ok(WriteOut::Tagged(tag));
        }
        Write::KeyHandOver { ro_id, to, person } => store.hand_over_key(*ro_id, *to, person, by)?,
        Write::Claim { id } => store.claim_callback(*id, by)?,
        Write::Release { id } => store.release_callback(*id, by)?,
        Write::Contact { id, contact } => {
            let recorded = store.record_contact(*id, contact, by)?;
            return Ok(WriteOut::Contact(recorded.status));
        }
        Write::Complaint(c) => {
            store.open_complaint(c, by)?;
        }
        other => return book_write(store, other, by),
    }
    Ok(WriteOut::Done)
}

/// F6's and F7's writes.
fn book_write(store: &mut dyn Store, write: &Write, by: Actor<'_>) -> StoreResult<WriteOut> {
    match write {
        Write::Book(b) => drop(store.book(b, by)?),
        Write::MoveAppt {
            id,
            version,
            booking,
        } => store.move_appointment(*id, *version, booking, by)?,
        Write::CancelAppt {
            id,
            version,
            reason,
        } => store.cancel_appointment(*id, *version, reason, by)?,
        Write::NoShow { id, version } => store.no_show(*id, *version, by)?,
        Write::TellWorkshop { id, version } => store.tell_workshop(*id, *version, by)?,
        Write::CheckIn { id, version } => {
            let (ro, number) = store.check_in_appointment(*id, *version, by)?;
            return Ok(WriteOut::CheckedIn(ro, number));
        }
        Write::SaveCustomer {
            id,
            version,
            details,
        } => store.save_customer(*id, *version, details, by)?,
        Write::Merge { keep, gone } => {
            return Ok(WriteOut::Merged(store.merge_customers(*keep, *gone, by)?))
        }
        _ => unreachable!("every other write is run by `write`"),
    }
    Ok(WriteOut::Done)
}
