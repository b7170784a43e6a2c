//! The appointment form (new or moved) and the cancellation, as desk
//! prompts: checked at the field before they close, and reopened with the
//! store's reason when it refuses (an overbooking without a reason).

use crate::domain::book::{check_form, deposit_short, Appointment, Booking, BookingRefusal};
use crate::domain::validate::parse_money;
use crate::domain::Money;
use crate::ui::desk::{DeskPrompt, Prompt, PromptInput, Prompted};
use crate::ui::effects::Write;
use crate::ui::layer::form::one_line;
use crate::ui::pane::{Command, Ctx};

/// Who the form books for, and which appointment it moves (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingFor {
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    /// (id, version) when the form moves an existing appointment.
    pub moving: Option<(i64, i64)>,
    /// "粤A12345 · 王芳", for the title.
    pub who: String,
}

const NONE: &str = "-";
const REASON: usize = 7;

fn text(s: &str) -> PromptInput {
    PromptInput::Text(Box::new(one_line(s)))
}

/// The form, blank for a new booking (tomorrow 09:00, one hour) or filled
/// from the appointment it moves.
pub fn form(about: BookingFor, from: Option<&Appointment>, cx: &Ctx) -> Vec<Command> {
    vec![Command::Push(Box::new(prompt(about, from, cx)))]
}

fn prompt(about: BookingFor, from: Option<&Appointment>, cx: &Ctx) -> Prompt {
    let t = cx.texts;
    let mut bays: Vec<String> = vec![NONE.into()];
    bays.extend(cx.board.bays.iter().map(|b| b.code.clone()));
    let mut groups: Vec<String> = vec![NONE.into()];
    groups.extend(cx.board.groups.iter().map(|g| g.name.clone()));
    let pick = |list: &[String], v: Option<String>| {
        v.and_then(|v| list.iter().position(|x| *x == v))
            .unwrap_or(0)
    };
    let (start, hours, work, parts, deposit, bay, group) = match from {
        Some(a) => (
            cx.time.medium(a.starts_at),
            crate::domain::book::capacity::tenths(a.minutes()),
            a.requested_work.clone(),
            a.parts_value.decimal(),
            a.deposit.decimal(),
            pick(
                &bays,
                a.bay_id
                    .and_then(|b| cx.board.bay(b))
                    .map(|b| b.code.clone()),
            ),
            pick(
                &groups,
                a.work_group_id
                    .and_then(|g| cx.board.group(g))
                    .map(|g| g.name.clone()),
            ),
        ),
        None => {
            let tomorrow = cx.time.local(cx.now).date() + chrono::Duration::days(1);
            (
                format!("{} 09:00", tomorrow.format("%m-%d")),
                "1".into(),
                String::new(),
                "0".into(),
                "0".into(),
                0,
                0,
            )
        }
    };
    let fields = vec![
        (t.get("book.f.start").to_string(), text(&start)),
        (t.get("book.f.hours").to_string(), text(&hours)),
        (
            t.get("book.f.bay").to_string(),
            PromptInput::Choice(bays.clone(), bay),
        ),
        (
            t.get("book.f.group").to_string(),
            PromptInput::Choice(groups.clone(), group),
        ),
        (t.get("book.f.work").to_string(), text(&work)),
        (t.get("book.f.parts").to_string(), text(&parts)),
        (t.get("book.f.deposit").to_string(), text(&deposit)),
        (t.get("book.f.overbook").to_string(), text("")),
    ];
    let key = if about.moving.is_some() {
        "book.move_title"
    } else {
        "book.new_title"
    };
    let title = format!("{} · {}", t.get(key), about.who);
    let mut p = Prompt::new(&title, DeskPrompt::Booking(Box::new(about)), fields);
    p.notes = vec![t.get("book.deposit_rule").to_string()];
    p
}

/// The booking from the form's answers, or the field and the problem.
pub fn parse(about: &BookingFor, v: &[String], cx: &Ctx) -> Result<Booking, (usize, String)> {
    let starts_at = cx
        .time
        .parse(&v[0], cx.now)
        .ok_or((0, "type a time like 11-24 10:00, 14:30 or +1d".to_string()))?;
    let hours: f64 = v[1]
        .trim()
        .replace(',', ".")
        .parse()
        .ok()
        .filter(|h: &f64| *h > 0.0 && *h <= 80.0)
        .ok_or((1, "type the booked hours, e.g. 1.5".to_string()))?;
    let minutes = (hours * 60.0).round() as i64;
    let bay_id = cx.board.bay_coded(&v[2]).map(|b| b.id);
    let work_group_id = cx
        .board
        .groups
        .iter()
        .find(|g| g.name == v[3])
        .map(|g| g.id);
    let amount = |i: usize| match v[i].trim() {
        "" => Ok(Money(0)),
        s => parse_money(s).ok_or((i, "type an amount, e.g. 800 or 800.50".to_string())),
    };
    let b = Booking {
        customer_id: about.customer_id,
        vehicle_id: about.vehicle_id,
        bay_id,
        work_group_id,
        starts_at,
        ends_at: starts_at + chrono::Duration::minutes(minutes),
        requested_work: v[4].clone(),
        parts_value: amount(5)?,
        deposit: amount(6)?,
        overbook_reason: v[REASON].clone(),
    };
    check_form(&b, cx.now).map_err(|e| (field_of(&e), e.to_string()))?;
    Ok(b)
}

fn field_of(e: &BookingRefusal) -> usize {
    match e {
        BookingRefusal::InThePast => 0,
        BookingRefusal::EndsBeforeStart => 1,
        BookingRefusal::NoWork => 4,
        BookingRefusal::Negative | BookingRefusal::DepositAboveParts => 6,
        BookingRefusal::Overbooked(_) | BookingRefusal::Closed(_) => REASON,
    }
}

/// The write for a finished form; a deposit under half the parts' price
/// is booked, and the book says so (step 1 is the advisor's to enforce).
pub fn write(p: &Prompted, cx: &Ctx) -> Vec<Command> {
    let t = cx.texts;
    match &p.purpose {
        DeskPrompt::Booking(about) => {
            let Ok(b) = parse(about, &p.values, cx) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            if let Some(short) = deposit_short(b.parts_value, b.deposit) {
                let sym = &cx.session.settings.currency_symbol;
                out.push(Command::Warn(t.fill(
                    "book.deposit_short",
                    &[("amount", &cx.texts.money(short, sym))],
                )));
            }
            let write = match about.moving {
                Some((id, version)) => Write::MoveAppt {
                    id,
                    version,
                    booking: Box::new(b),
                },
                None => Write::Book(Box::new(b)),
            };
            out.insert(0, Command::write(write, t.get("book.saving")));
            out
        }
        DeskPrompt::CancelAppt { id, version } => vec![Command::write(
            Write::CancelAppt {
                id: *id,
                version: *version,
                reason: p.values[0].clone(),
            },
            t.get("book.saving"),
        )],
        _ => Vec::new(),
    }
}

/// The form again, with what was typed and the store's reason at the
/// field it concerns (an overbooking asks for the reason).
pub fn again(p: &Prompted, error: String, cx: &Ctx) -> Vec<Command> {
    let DeskPrompt::Booking(about) = &p.purpose else {
        return vec![Command::Warn(error)];
    };
    let field = if error.contains("reason") { REASON } else { 0 };
    let prompt = prompt((**about).clone(), None, cx)
        .with_values(&p.values)
        .with_error(field, error);
    vec![Command::Push(Box::new(prompt))]
}

pub fn cancel(a: &Appointment, cx: &Ctx) -> Vec<Command> {
    let t = cx.texts;
    let fields = vec![(t.get("book.f.reason").to_string(), text(""))];
    let title = format!(
        "{} · {} {}",
        t.get("book.cancel_title"),
        a.plate,
        a.customer
    );
    let purpose = DeskPrompt::CancelAppt {
        id: a.id,
        version: a.version,
    };
    vec![Command::Push(Box::new(Prompt::new(
        &title, purpose, fields,
    )))]
}
