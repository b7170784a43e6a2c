//! F7's forms: the customer's file, and a manager's merge of a duplicate.

use crate::store::book::{CustomerDetails, FullFile, PREFERRED};
use crate::ui::desk::{DeskPrompt, Prompt, PromptInput, Prompted};
use crate::ui::effects::Write;
use crate::ui::layer::form::one_line;
use crate::ui::pane::{Command, Ctx};

fn text(s: &str) -> PromptInput {
    PromptInput::Text(Box::new(one_line(s)))
}

fn yes_no(on: bool) -> PromptInput {
    PromptInput::Choice(vec!["no".into(), "yes".into()], usize::from(on))
}

/// The edit form, filled from the file.
pub fn edit(file: &FullFile, cx: &Ctx) -> Vec<Command> {
    let t = cx.texts;
    let d = &file.details;
    let preferred: Vec<String> = PREFERRED.iter().map(|s| s.to_string()).collect();
    let at = preferred
        .iter()
        .position(|p| *p == d.preferred_contact)
        .unwrap_or(0);
    let label = |k: &str| t.get(&format!("file.f.{k}")).to_string();
    let fields = vec![
        (label("name"), text(&d.name)),
        (label("phone"), text(&d.phone)),
        (label("phone2"), text(&d.phone2)),
        (label("email"), text(&d.email)),
        (label("wechat"), text(&d.wechat)),
        (label("preferred"), PromptInput::Choice(preferred, at)),
        (label("preferred_time"), text(&d.preferred_time)),
        (label("do_not_contact"), yes_no(d.do_not_contact)),
        (label("membership"), text(&d.membership)),
        (label("points"), text(&d.points.to_string())),
        (label("address"), text(&d.address)),
        (label("wishes"), text(&d.wishes)),
        (label("notes"), text(&d.notes)),
    ];
    let purpose = DeskPrompt::CustomerEdit {
        id: file.customer_id,
        version: file.version,
    };
    let title = format!("{} · {}", t.get("file.edit_title"), d.name);
    vec![Command::Push(Box::new(Prompt::new(
        &title, purpose, fields,
    )))]
}

/// The details from the form, or the field and the problem.
pub fn parse(v: &[String]) -> Result<CustomerDetails, (usize, String)> {
    let points = v[9]
        .trim()
        .parse::<i64>()
        .map_err(|_| (9, "type the points as a whole number".to_string()))?;
    let d = CustomerDetails {
        name: v[0].clone(),
        phone: v[1].clone(),
        phone2: v[2].clone(),
        email: v[3].clone(),
        wechat: v[4].clone(),
        preferred_contact: v[5].clone(),
        preferred_time: v[6].clone(),
        do_not_contact: v[7] == "yes",
        membership: v[8].clone(),
        points,
        address: v[10].clone(),
        wishes: v[11].clone(),
        notes: v[12].clone(),
    };
    d.check().map_err(|e| {
        let field = ["name", "phone", "phone2", "preferred", "points"]
            .iter()
            .zip([0, 1, 2, 5, 9])
            .find(|(f, _)| e.starts_with(&format!("{f}:")))
            .map_or(0, |(_, i)| i);
        (field, e)
    })?;
    Ok(d)
}

/// The merge form: the number of the duplicate to fold into this file.
pub fn merge(file: &FullFile, cx: &Ctx) -> Vec<Command> {
    let t = cx.texts;
    let fields = vec![
        (t.get("file.f.duplicate").to_string(), text("")),
        (t.get("file.f.confirm").to_string(), text("")),
    ];
    let title = format!(
        "{} · {} (#{})",
        t.get("file.merge_title"),
        file.details.name,
        file.customer_id
    );
    let mut p = Prompt::new(
        &title,
        DeskPrompt::Merge {
            keep: file.customer_id,
        },
        fields,
    );
    p.notes = vec![t.get("file.merge_note").to_string()];
    vec![Command::Push(Box::new(p))]
}

/// The duplicate's number, once the merge is confirmed.
pub fn merge_id(keep: i64, v: &[String]) -> Result<i64, (usize, String)> {
    let gone = v[0]
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .map_err(|_| {
            (
                0,
                "type the duplicate customer's number, e.g. 1043".to_string(),
            )
        })?;
    if gone == keep {
        return Err((
            0,
            "that is this customer; type the duplicate's number".into(),
        ));
    }
    if !v[1].eq_ignore_ascii_case("merge") {
        return Err((1, "type merge to confirm".into()));
    }
    Ok(gone)
}

pub fn write(p: &Prompted, cx: &Ctx) -> Vec<Command> {
    let what = cx.texts.get("file.saving").to_string();
    match &p.purpose {
        DeskPrompt::CustomerEdit { id, version } => match parse(&p.values) {
            Ok(d) => vec![Command::write(
                Write::SaveCustomer {
                    id: *id,
                    version: *version,
                    details: Box::new(d),
                },
                what,
            )],
            Err((_, e)) => vec![Command::Warn(e)],
        },
        DeskPrompt::Merge { keep } => match merge_id(*keep, &p.values) {
            Ok(gone) => vec![Command::write(Write::Merge { keep: *keep, gone }, what)],
            Err((_, e)) => vec![Command::Warn(e)],
        },
        _ => Vec::new(),
    }
}
