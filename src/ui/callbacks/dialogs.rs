//! F5's dialogs: recording a contact, opening a complaint. They are desk
//! prompts (the same keys and the same checks at the field); the store
//! checks again with `domain::callbacks::contact` before it writes.

use crate::domain::callbacks::complaint::Source;
use crate::domain::callbacks::contact::{self, Callback, Channel, Contact, Outcome};
use crate::domain::callbacks::Status;
use crate::store::callbacks::{NewComplaint, QueueRow};
use crate::ui::desk::{choice, text_field, DeskPrompt, Prompt, Prompted};
use crate::ui::effects::Write;
use crate::ui::pane::{Command, Ctx};

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| code(*x)).collect()
}

fn contact_prompt(row: &QueueRow, cx: &Ctx) -> Prompt {
    let t = cx.texts;
    let outcomes = codes(&Outcome::ALL, Outcome::code);
    let channels = codes(&Channel::ALL, Channel::code);
    let fields = vec![
        choice(t.get("calls.outcome"), &outcomes),
        choice(t.get("calls.channel"), &channels),
        text_field(t.get("calls.score"), ""),
        text_field(t.get("calls.call_back_at"), ""),
        choice(t.get("calls.appointment"), &["no", "yes"]),
        text_field(t.get("calls.notes"), ""),
        text_field(t.get("calls.complaint"), ""),
    ];
    let title = format!("{} · {}", t.get("calls.record"), row.customer);
    let purpose = DeskPrompt::Contact {
        id: row.id,
        who: row.customer.clone(),
    };
    let mut p = Prompt::new(&title, purpose, fields);
    p.notes = vec![row.reason.clone(), t.get("calls.record_note").to_string()];
    p
}

/// The contact dialog for a callback this agent holds.
pub fn contact(row: &QueueRow, cx: &Ctx) -> Vec<Command> {
    vec![Command::Push(Box::new(contact_prompt(row, cx)))]
}

/// The dialog again, with its answers and the store's reason.
pub fn again(p: &Prompted, row: &QueueRow, error: String, cx: &Ctx) -> Vec<Command> {
    let prompt = contact_prompt(row, cx)
        .with_values(&p.values)
        .with_error(0, error);
    vec![Command::Push(Box::new(prompt))]
}

pub fn complaint(row: &QueueRow, cx: &Ctx) -> Vec<Command> {
    let t = cx.texts;
    let title = format!("{} · {}", t.get("calls.new_complaint"), row.customer);
    let fields = vec![text_field(t.get("calls.complaint"), "")];
    // The customer as the dialog opened: a reload meanwhile (another
    // agent closing this call) must not move the complaint to another row.
    let about = NewComplaint {
        customer_id: row.customer_id,
        vehicle_id: row.vehicle_id,
        ro_id: row.ro_id,
        description: String::new(),
        source: Source::Desk,
    };
    let mut p = Prompt::new(&title, DeskPrompt::Complaint(Box::new(about)), fields);
    p.notes = vec![t.get("calls.complaint_note").to_string()];
    vec![Command::Push(Box::new(p))]
}

/// The contact from the dialog's answers, checked as far as the screen
/// can: the field and the problem when not.
pub fn parse(v: &[String], cx: &Ctx) -> Result<Contact, (usize, String)> {
    let score = match v[2].trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| (2, "type a score from 1 to 5".to_string()))?,
        ),
    };
    let call_back_at = match v[3].trim() {
        "" => None,
        s => Some(
            cx.time
                .parse(s, cx.now)
                .ok_or((3, "type a time like 17:30, 11-25 10:00 or +2h".to_string()))?,
        ),
    };
    let c = Contact {
        outcome: Outcome::from_code(&v[0]).unwrap_or(Outcome::Reached),
        channel: Channel::from_code(&v[1]).unwrap_or(Channel::Phone),
        score,
        call_back_at,
        appointment: v[4] == "yes",
        notes: crate::domain::text::clean_line(&v[5]),
        complaint: crate::domain::text::clean_line(&v[6]),
    };
    let me = cx.session.login.as_str();
    let open = Callback {
        status: Status::Open,
        claimed: None,
        attempts: 0,
        unanswered: 0,
    };
    let policy = cx.session.settings.calls.policy(cx.time.offset_at(cx.now));
    contact::check(&open, &c, me, cx.now, &policy).map_err(|e| {
        use contact::ContactRefusal::*;
        let field = match e {
            ScoreOutOfRange(_) | ScoreNeedsReach => 2,
            CallBackMissing | CallBackInPast | CallBackQuiet(_) => 3,
            AppointmentNeedsReach => 4,
            _ => 0,
        };
        (field, e.to_string())
    })?;
    Ok(c)
}

/// The write a finished F5 dialog asks for.
pub fn write(p: &Prompted, cx: &Ctx) -> Vec<Command> {
    match &p.purpose {
        DeskPrompt::Contact { id, who } => match parse(&p.values, cx) {
            Ok(contact) => {
                let what = cx.texts.fill("calls.recording", &[("who", who)]);
                vec![Command::write(Write::Contact { id: *id, contact }, what)]
            }
            Err((_, e)) => vec![Command::Warn(e)],
        },
        DeskPrompt::Complaint(about) => {
            let c = NewComplaint {
                description: p.values[0].trim().to_string(),
                ..(**about).clone()
            };
            let what = cx.texts.get("calls.complaint_opening").to_string();
            vec![Command::write(Write::Complaint(c), what)]
        }
        _ => Vec::new(),
    }
}
