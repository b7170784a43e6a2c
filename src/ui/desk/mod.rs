//! Desk dialogs, shared by every pane that acts on an RO: the signature, a
//! declined estimate, the progress check, the pickup call, the final
//! quality check, a payment, arrears, dispatch before signing, reopening,
//! and the added-work call. Each dialog checks what it can before it closes
//! (everything typed stays, and the problem is shown at its field); the
//! store's guard in `domain::lifecycle` has the last word, and if it says
//! no the dialog comes back with the answers and the reason.

pub mod prompt;

use crate::domain::added_work::{check_call_record, AddedWorkCall, Channel, Decision};
use crate::domain::lifecycle::Progress;
use crate::domain::validate::parse_money;
use crate::domain::Money;
use crate::ui::effects::Write;
use crate::ui::layer::form::one_line;
use crate::ui::pane::{Command, Ctx};
use chrono::{DateTime, Utc};
pub use prompt::{Prompt, PromptInput, Prompted};

/// What a desk dialog asks for, with what it needs to ask well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskPrompt {
    Sign {
        signer: String,
    },
    Decline,
    Progress {
        promised: Option<DateTime<Utc>>,
    },
    /// Only for a late car: the reason, for the customer.
    Pickup,
    Quality,
    Payment {
        owed: Money,
    },
    Arrears {
        owed: Money,
    },
    Override,
    Reopen,
    /// The items waiting for the customer's answer, in the dialog's order.
    AddedWorkCall {
        items: Vec<(i64, String)>,
    },
    /// F4: the customer signs a list (name).
    ListSign,
    /// F4: a note on an entry, or at delivery the explanation of a difference.
    ListNote {
        index: usize,
    },
    /// F4: a damage mark on a panel (type, severity, note).
    ListMark {
        panel: crate::domain::checklist::Panel,
    },
    /// F4: a free item (name, count).
    ListFree,
    /// F4: the odometer (km, and the reason when lower than before).
    ListOdometer,
    /// F4: a key tag (auto or a hook number).
    KeyTag,
    /// F4: who takes the key (place, person).
    KeyHandOver,
    /// F5: the outcome of a call on callback `id`, to customer `who`.
    Contact {
        id: i64,
        who: String,
    },
    /// F5: a complaint about the customer selected when it opened.
    Complaint(Box<crate::store::callbacks::NewComplaint>),
    /// F6: the appointment form, new or moved.
    Booking(Box<crate::ui::book::dialogs::BookingFor>),
    /// F6: why an appointment is cancelled.
    CancelAppt {
        id: i64,
        version: i64,
    },
    /// F7: the customer's file (contact, preferences, membership).
    CustomerEdit {
        id: i64,
        version: i64,
    },
    /// F7: merge another customer (by number) into this one.
    Merge {
        keep: i64,
    },
    /// F8: the first and last day of a report's range.
    ReportRange,
}

/// The RO a desk action is about, as the screen saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub ro_id: i64,
    pub version: i64,
    pub number: String,
}

const METHODS: [&str; 5] = ["cash", "card", "wechat", "alipay", "transfer"];
const ANSWERS: [&str; 3] = ["approve", "decline", "later"];

pub fn text_field(label: &str, value: &str) -> (String, PromptInput) {
    (
        label.to_string(),
        PromptInput::Text(Box::new(one_line(value))),
    )
}

pub fn choice(label: &str, options: &[&str]) -> (String, PromptInput) {
    let options = options.iter().map(|s| s.to_string()).collect();
    (label.to_string(), PromptInput::Choice(options, 0))
}

/// Opens the dialog for `purpose`, unless nobody at this terminal may
/// write: then it says so before anything is typed in vain.
pub fn open(purpose: DeskPrompt, target: &Target, cx: &Ctx) -> Vec<Command> {
    match cx.session.writer(cx.texts) {
        Ok(_) => vec![Command::Push(Box::new(dialog(purpose, target, cx)))],
        Err(e) => vec![Command::Warn(e.to_string())],
    }
}

/// The dialog for `purpose` about `target`.
pub fn dialog(purpose: DeskPrompt, target: &Target, cx: &Ctx) -> Prompt {
    let t = cx.texts;
    let cur = &cx.session.settings.currency_symbol;
    let hm = cx.time.local(cx.now).format("%H:%M").to_string();
    let (title, notes, fields) = match &purpose {
        DeskPrompt::Sign { signer } => (
            "act.sign",
            vec![],
            vec![text_field(t.get("prompt.signer"), signer)],
        ),
        DeskPrompt::Decline => (
            "act.decline",
            vec![],
            vec![text_field(t.get("prompt.decline"), "")],
        ),
        DeskPrompt::Progress { .. } => (
            "act.progress",
            vec![],
            vec![
                choice(t.get("prompt.progress_result"), &["on time", "late"]),
                text_field(t.get("prompt.new_finish"), ""),
            ],
        ),
        DeskPrompt::Pickup => (
            "act.pickup",
            vec![t.get("prompt.late_note").to_string()],
            vec![text_field(t.get("prompt.late_reason"), "")],
        ),
        DeskPrompt::Quality => (
            "act.quality",
            vec![],
            vec![
                choice(t.get("prompt.quality_result"), &["passed", "failed"]),
                text_field(t.get("prompt.findings"), ""),
            ],
        ),
        DeskPrompt::Payment { owed } => (
            "act.payment",
            vec![t.fill("prompt.owed", &[("owed", &cx.texts.money(*owed, cur))])],
            vec![
                text_field(t.get("prompt.amount"), &owed.format("").replace(',', "")),
                choice(t.get("prompt.method"), &METHODS),
            ],
        ),
        DeskPrompt::Arrears { owed } => (
            "act.arrears",
            vec![t.fill("prompt.owed", &[("owed", &cx.texts.money(*owed, cur))])],
            vec![text_field(t.get("prompt.reason"), "")],
        ),
        DeskPrompt::Override => (
            "act.override",
            vec![],
            vec![text_field(t.get("prompt.reason"), "")],
        ),
        DeskPrompt::Reopen => (
            "act.reopen",
            vec![],
            vec![text_field(t.get("prompt.reason"), "")],
        ),
        DeskPrompt::AddedWorkCall { items } => {
            ("act.call", call_notes(items), call_fields(items, &hm, cx))
        }
        _ => list_dialog(&purpose, cx),
    };
    let mut prompt = Prompt::new(
        &format!("{} · {}", t.get(title), target.number),
        purpose,
        fields,
    );
    prompt.notes = notes;
    prompt
}

type Fields = (&'static str, Vec<String>, Vec<(String, PromptInput)>);

/// The F4 dialogs: the customer's signature on a list, notes, a damage
/// mark, a free item, the odometer, the key's tag and hand-over.
fn list_dialog(purpose: &DeskPrompt, cx: &Ctx) -> Fields {
    use crate::domain::checklist::keys::KeyHolder;
    use crate::domain::checklist::DamageKind;
    let t = cx.texts;
    match purpose {
        DeskPrompt::ListSign => (
            "list.sign",
            vec![t.get("list.sign_note").into()],
            vec![text_field(t.get("prompt.signer"), "")],
        ),
        DeskPrompt::ListNote { .. } => (
            "list.note",
            vec![],
            vec![text_field(t.get("list.note"), "")],
        ),
        DeskPrompt::ListMark { panel } => {
            let kinds: Vec<&str> = DamageKind::ALL.iter().map(|k| k.code()).collect();
            let note = format!("{} {}", panel.code(), panel.name());
            (
                "list.mark",
                vec![note],
                vec![
                    choice(t.get("list.damage"), &kinds),
                    choice(t.get("list.severity"), &["1", "2", "3"]),
                    text_field(t.get("list.note"), ""),
                ],
            )
        }
        DeskPrompt::ListFree => (
            "list.free",
            vec![],
            vec![
                text_field(t.get("list.item"), ""),
                text_field(t.get("list.count"), "1"),
            ],
        ),
        DeskPrompt::ListOdometer => (
            "list.odometer",
            vec![],
            vec![
                text_field(t.get("list.km"), ""),
                text_field(t.get("list.odo_reason"), ""),
            ],
        ),
        DeskPrompt::KeyTag => (
            "key.tag",
            vec![t.get("key.tag_note").into()],
            vec![text_field(t.get("key.hook"), "auto")],
        ),
        DeskPrompt::KeyHandOver => {
            let holders: Vec<&str> = KeyHolder::ALL.iter().map(|h| h.code()).collect();
            (
                "key.hand_over",
                vec![],
                vec![
                    choice(t.get("key.to"), &holders),
                    text_field(t.get("key.person"), ""),
                ],
            )
        }
        _ => ("", vec![], vec![]),
    }
}

/// The items, in full, above their answers ("1. P-DISC Front discs ¥1,200.00").
fn call_notes(items: &[(i64, String)]) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .map(|(i, (_, name))| format!("{}. {name}", i + 1))
        .collect()
}

/// One answer per item; then how and when the customer was asked and
/// answered, who in the workshop was told and when, and the agreed delay.
fn call_fields(items: &[(i64, String)], hm: &str, cx: &Ctx) -> Vec<(String, PromptInput)> {
    let t = cx.texts;
    let mut fields: Vec<(String, PromptInput)> = (1..=items.len())
        .map(|i| choice(&t.fill("prompt.item", &[("n", &i.to_string())]), &ANSWERS))
        .collect();
    let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.code()).collect();
    fields.push(choice(t.get("prompt.channel"), &channels));
    fields.push(text_field(t.get("prompt.asked"), hm));
    fields.push(text_field(t.get("prompt.answered"), hm));
    fields.push(text_field(t.get("prompt.told"), ""));
    fields.push(text_field(t.get("prompt.told_at"), hm));
    fields.push(text_field(t.get("prompt.delay"), "0"));
    fields
}

/// What can be checked before the dialog closes: the field and the problem.
pub fn check(purpose: &DeskPrompt, v: &[String], cx: &Ctx) -> Result<(), (usize, String)> {
    let required = |i: usize, what: &str| {
        if v[i].trim().is_empty() {
            Err((i, format!("type {what}")))
        } else {
            Ok(())
        }
    };
    match purpose {
        DeskPrompt::Sign { .. } => required(0, "the name of the person signing"),
        DeskPrompt::Decline if v[0].eq_ignore_ascii_case("yes") => Ok(()),
        DeskPrompt::Decline => Err((0, "type yes to let the car go with an exit notice".into())),
        DeskPrompt::Pickup => required(0, "why the car is late, for the customer"),
        DeskPrompt::Arrears { .. } | DeskPrompt::Override | DeskPrompt::Reopen => {
            required(0, "the reason")
        }
        DeskPrompt::Quality if v[0] == "failed" => required(1, "the findings, for the workshop"),
        DeskPrompt::Quality => Ok(()),
        DeskPrompt::Progress { promised } => progress(v, *promised, cx).map(|_| ()),
        DeskPrompt::Payment { owed } => payment(v, *owed).map(|_| ()),
        DeskPrompt::AddedWorkCall { items } => call(items, v, cx).map(|_| ()),
        DeskPrompt::ListSign => required(0, "the name of the person signing"),
        DeskPrompt::ListFree => {
            required(0, "what the item is")?;
            count(&v[1]).map(|_| ()).map_err(|e| (1, e))
        }
        DeskPrompt::ListOdometer => match v[0].trim().replace(',', "").parse::<i64>() {
            Ok(km) if km >= 0 => Ok(()),
            _ => Err((0, "type the reading in whole kilometres, e.g. 45210".into())),
        },
        DeskPrompt::KeyTag => match crate::domain::checklist::keys::TagRequest::parse(&v[0]) {
            Some(_) => Ok(()),
            None => Err((0, "type auto, or the number of a hook".into())),
        },
        DeskPrompt::ListNote { .. } | DeskPrompt::ListMark { .. } | DeskPrompt::KeyHandOver => {
            Ok(())
        }
        DeskPrompt::Contact { .. } => crate::ui::callbacks::dialogs::parse(v, cx).map(|_| ()),
        DeskPrompt::Complaint(_) => required(0, "what the customer complains about"),
        DeskPrompt::Booking(about) => crate::ui::book::dialogs::parse(about, v, cx).map(|_| ()),
        DeskPrompt::CancelAppt { .. } => required(0, "why the appointment is cancelled"),
        DeskPrompt::CustomerEdit { .. } => crate::ui::files::dialogs::parse(v).map(|_| ()),
        DeskPrompt::Merge { keep } => crate::ui::files::dialogs::merge_id(*keep, v).map(|_| ()),
        DeskPrompt::ReportRange => crate::ui::reports::range(v).map(|_| ()),
    }
}

/// A count as typed: a whole number, never negative.
pub fn count(text: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if n >= 0 => Ok(n),
        Ok(_) => Err("a count cannot be negative".into()),
        Err(_) => Err("type a count, e.g. 1".into()),
    }
}

fn progress(
    v: &[String],
    promised: Option<DateTime<Utc>>,
    cx: &Ctx,
) -> Result<Progress, (usize, String)> {
    if v[0] != "late" {
        return Ok(Progress::OnTime);
    }
    let new_finish = cx
        .time
        .parse(&v[1], cx.now)
        .ok_or((1, "type the new finish time, e.g. 17:30 or +2h".to_string()))?;
    let report = Progress::Late { new_finish };
    if new_finish <= cx.now {
        return Err((
            1,
            crate::domain::lifecycle::Refusal::FinishNotLater.to_string(),
        ));
    }
    if promised.is_some_and(|p| new_finish <= p) {
        let keeps = crate::domain::lifecycle::Refusal::FinishKeepsPromise;
        return Err((1, keeps.to_string()));
    }
    Ok(report)
}

fn payment(v: &[String], owed: Money) -> Result<Money, (usize, String)> {
    let amount = parse_money(&v[0]).ok_or((0, "type an amount, e.g. 500 or 752.58".to_string()))?;
    crate::domain::settlement::check_payment(amount, owed).map_err(|e| (0, e))?;
    Ok(amount)
}

/// The call record from the dialog's answers.
fn call(items: &[(i64, String)], v: &[String], cx: &Ctx) -> Result<AddedWorkCall, (usize, String)> {
    let n = items.len();
    let decisions: Vec<(i64, Decision)> = items
        .iter()
        .zip(v)
        .filter_map(|((id, _), answer)| match answer.as_str() {
            "approve" => Some((*id, Decision::Approved)),
            "decline" => Some((*id, Decision::Declined)),
            _ => None,
        })
        .collect();
    let at = |i: usize| {
        cx.time
            .parse(&v[i], cx.now)
            .ok_or((i, "type a time like 14:05".to_string()))
    };
    let (channel, asked, answered, told, told_at, delay) = (n, n + 1, n + 2, n + 3, n + 4, n + 5);
    let delay_minutes = v[delay].trim().parse::<i64>().map_err(|_| {
        (
            delay,
            "type the extra minutes as a whole number".to_string(),
        )
    })?;
    let call = AddedWorkCall {
        channel: Channel::from_code(&v[channel]).unwrap_or(Channel::Phone),
        asked_at: at(asked)?,
        answered_at: at(answered)?,
        workshop_told: v[told].trim().to_string(),
        workshop_told_at: at(told_at)?,
        delay_minutes,
        decisions,
    };
    check_call_record(&call, cx.now).map_err(|e| {
        use crate::domain::added_work::AddedWorkError::*;
        let field = match e {
            NoDecision => 0,
            WorkshopNotTold => told,
            NegativeDelay => delay,
            ToldBeforeAnswered | ToldLater => told_at,
            _ => answered,
        };
        (field, e.to_string())
    })?;
    Ok(call)
}

/// The write a finished dialog asks for (None: nothing to do).
pub fn write(p: &Prompted, target: &Target, cx: &Ctx) -> Option<Command> {
    let (ro_id, version) = (target.ro_id, target.version);
    let v = &p.values;
    let reason = || v[0].trim().to_string();
    let (write, what) = match &p.purpose {
        DeskPrompt::Sign { .. } => (
            Write::Sign {
                ro_id,
                version,
                signer: reason(),
            },
            "what.sign",
        ),
        DeskPrompt::Decline => (Write::Decline { ro_id, version }, "what.decline"),
        DeskPrompt::Pickup => {
            let late_reason = reason();
            (
                Write::PickupCall {
                    ro_id,
                    version,
                    late_reason,
                },
                "what.call",
            )
        }
        DeskPrompt::Progress { promised } => {
            let report = progress(v, *promised, cx).ok()?;
            (
                Write::ProgressCheck {
                    ro_id,
                    version,
                    report,
                },
                "what.check",
            )
        }
        DeskPrompt::Quality => {
            let passed = v[0] == "passed";
            let findings = v[1].trim().to_string();
            (
                Write::QualityCheck {
                    ro_id,
                    version,
                    passed,
                    findings,
                },
                "what.quality",
            )
        }
        DeskPrompt::Payment { owed } => {
            let amount = payment(v, *owed).ok()?;
            let method = v[1].clone();
            (
                Write::Pay {
                    ro_id,
                    amount,
                    method,
                },
                "what.pay",
            )
        }
        DeskPrompt::Arrears { .. } => (
            Write::AcceptArrears {
                ro_id,
                version,
                reason: reason(),
            },
            "what.arrears",
        ),
        DeskPrompt::Override => (
            Write::OverrideDispatch {
                ro_id,
                version,
                reason: reason(),
            },
            "what.override",
        ),
        DeskPrompt::Reopen => (
            Write::Reopen {
                ro_id,
                version,
                reason: reason(),
            },
            "what.reopen",
        ),
        DeskPrompt::AddedWorkCall { items } => {
            let call = call(items, v, cx).ok()?;
            (
                Write::AddedWorkCall {
                    ro_id,
                    version,
                    call,
                },
                "what.answer",
            )
        }
        // F4 turns its own dialogs into changes of the list it edits.
        _ => return None,
    };
    let what = cx.texts.fill(what, &[("ro", &target.number)]);
    Some(Command::write(write, what))
}

/// The dialog again, with the answers it had and why the store said no.
pub fn again(p: &Prompted, target: &Target, error: String, cx: &Ctx) -> Prompt {
    dialog(p.purpose.clone(), target, cx)
        .with_values(&p.values)
        .with_error(0, error)
}

/// Text wrapped to `width` display columns, for notes and errors.
pub fn wrapped(text: &str, width: usize) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    textwrap::wrap(text, width.max(8))
        .into_iter()
        .map(|c| c.into_owned())
        .collect()
}
