//! The belongings checklist and walk-around record on paper (step 5), as
//! text or HTML with signature lines. Printed after the delivery check it
//! shows both checks side by side, with every difference and its reason.

use crate::domain::checklist::keys::KeyCustody;
use crate::domain::checklist::template::Template;
use crate::domain::checklist::{differences, fuel_label, Category, Entry, Sheet};
use crate::domain::text::clean_line;
use crate::domain::RepairOrder;
use crate::print::esc;
use crate::store::Sheets;
use crate::ui::i18n::Texts;
use crate::ui::timefmt::TimeFmt;

pub struct ChecklistPrint<'a> {
    pub shop: &'a str,
    pub ro: &'a RepairOrder,
    pub sheets: &'a Sheets,
    pub template: &'a Template,
    pub time: TimeFmt,
    /// The printout's language: the shop's, or `--lang` for this print.
    pub t: &'a Texts,
}

/// One row: the item, what check-in said, what delivery said (if any).
fn rows(p: &ChecklistPrint<'_>) -> Vec<(String, String, Option<String>)> {
    let empty = Sheet::default();
    let check_in = p.sheets.check_in.as_ref().unwrap_or(&empty);
    let delivery = p.sheets.delivery.as_ref();
    let mut out = Vec::new();
    for c in Category::ALL {
        for e in check_in
            .entries
            .iter()
            .filter(|e| e.category == c && shown(e))
        {
            let after = delivery.map(|d| {
                d.find(&e.key())
                    .map_or("—".into(), |e| state_with_reason(p.t, e))
            });
            out.push((name(p, e), state(p.t, e), after));
        }
        if let Some(d) = delivery {
            for e in d
                .entries
                .iter()
                .filter(|e| e.category == c && check_in.find(&e.key()).is_none())
            {
                out.push((name(p, e), "—".into(), Some(state_with_reason(p.t, e))));
            }
        }
    }
    out
}

/// An empty line of the template (not there, nothing noted) is left off.
fn shown(e: &Entry) -> bool {
    e.present || !e.note.is_empty() || e.category == Category::Document
}

fn name(p: &ChecklistPrint<'_>, e: &Entry) -> String {
    let lang = p.t.get("lang");
    let label = match e.panel() {
        Some(panel) => format!("{} {}", panel.code(), panel.name_in(lang)),
        None => p.template.name(e.category, &e.item, lang),
    };
    clean_line(&label)
}

fn state(t: &Texts, e: &Entry) -> String {
    let mut s = match e.category {
        Category::Damage => e
            .damage
            .map(|(k, sev)| format!("{} {sev}", k.code()))
            .unwrap_or_default(),
        Category::Document if !e.present => t.get("list.missing").into(),
        Category::Document if !e.valid => t.get("list.invalid").into(),
        Category::Document => t.get("list.present").into(),
        Category::Belonging | Category::Tool => format!("×{}", e.present_count()),
        Category::WarningLight if e.present => t.get("list.on").into(),
        Category::WarningLight => t.get("list.off").into(),
        Category::Cover if e.present => t.get("list.fitted").into(),
        Category::Cover => "—".into(),
    };
    if !e.note.is_empty() {
        s += &format!(" ({})", clean_line(&e.note));
    }
    s
}

fn state_with_reason(t: &Texts, e: &Entry) -> String {
    let mut s = state(t, e);
    if !e.explanation.is_empty() {
        s += &format!(" — {}", clean_line(&e.explanation));
    }
    s
}

fn head(p: &ChecklistPrint<'_>) -> Vec<String> {
    let (ro, t) = (p.ro, p.t);
    let mut h = vec![
        format!("{}  {}", clean_line(&ro.number), clean_line(p.shop)),
        format!(
            "{}  {}  {} {}",
            clean_line(&ro.customer.name),
            clean_line(&ro.vehicle.plate),
            clean_line(&ro.vehicle.make),
            clean_line(&ro.vehicle.model)
        ),
        format!(
            "{} {}   {} {}",
            t.get("detail.fuel"),
            ro.fuel_eighths
                .map(fuel_label)
                .unwrap_or_else(|| "—".into()),
            t.get("detail.odometer"),
            ro.odometer_in_km
                .map(|k| format!("{} km", t.locale().number(k)))
                .unwrap_or_else(|| "—".into())
        ),
    ];
    let a = &p.sheets.answers;
    let yes_no = |b: bool| t.get(if b { "list.yes" } else { "list.no" });
    let answers = [
        ("list.q.wash", yes_no(a.wash).to_string()),
        (
            "list.q.old_parts",
            t.get(&format!("old_parts.{}", a.old_parts.code()))
                .to_string(),
        ),
        (
            "list.q.waiting",
            t.get(if a.waiting {
                "list.waits"
            } else {
                "list.leaves"
            })
            .to_string(),
        ),
        ("print.covers", yes_no(a.covers).to_string()),
    ];
    let answers: Vec<String> = answers
        .iter()
        .map(|(k, v)| format!("{}: {v}", t.get(k)))
        .collect();
    h.push(answers.join("   "));
    if let Some(k) = &p.sheets.key {
        h.push(key_line(t, k, p.time));
    }
    h
}

fn key_line(t: &Texts, k: &KeyCustody, time: TimeFmt) -> String {
    let moves: Vec<String> = k
        .moves
        .iter()
        .map(|m| {
            format!(
                "{} {} {}",
                time.long(m.at),
                t.get(&format!("key.holder.{}", m.to.code())),
                clean_line(&m.person)
            )
            .trim_end()
            .to_string()
        })
        .collect();
    format!("{} {}: {}", t.get("key.tag"), k.tag, moves.join(" → "))
}

fn signatures(p: &ChecklistPrint<'_>) -> Vec<String> {
    let signed = |s: Option<&Sheet>| match s.and_then(|s| s.acknowledged.as_ref()) {
        Some(a) => format!("{} ({})", clean_line(&a.name), p.time.long(a.at)),
        None => String::new(),
    };
    let t = p.t;
    let mut lines = vec![format!(
        "{} {}",
        t.get("print.sign.at_check_in"),
        signed(p.sheets.check_in.as_ref())
    )];
    if p.sheets.delivery.is_some() {
        lines.push(format!(
            "{} {}",
            t.get("print.sign.at_delivery"),
            signed(p.sheets.delivery.as_ref())
        ));
    }
    lines.push(t.get("print.sign.advisor").into());
    lines.iter().map(|l| l.trim_end().to_string()).collect()
}

fn open_differences(p: &ChecklistPrint<'_>) -> Vec<String> {
    match (&p.sheets.check_in, &p.sheets.delivery) {
        (Some(a), Some(b)) => differences(a, b)
            .into_iter()
            .map(|d| {
                let key = if d.explained {
                    "list.explained"
                } else {
                    "print.not_resolved"
                };
                format!("{d} ({})", p.t.get(key))
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub fn text(p: &ChecklistPrint<'_>, cols: usize) -> String {
    use crate::ui::text::fit;
    let mut out = String::new();
    let t = p.t;
    out += &format!("{}\n", t.get("print.title.checklist"));
    for l in head(p) {
        out += &format!("{l}\n");
    }
    out += &format!("{}\n", "-".repeat(cols));
    let delivery = p.sheets.delivery.is_some();
    let w = cols.saturating_sub(2) / if delivery { 3 } else { 2 };
    out += &if delivery {
        format!(
            "{} {} {}\n",
            fit(t.get("list.item"), w),
            fit(t.get("print.check_in"), w),
            t.get("print.delivery")
        )
    } else {
        format!(
            "{} {}\n",
            fit(t.get("list.item"), w),
            t.get("print.check_in")
        )
    };
    for (item, before, after) in rows(p) {
        let line = match after {
            Some(a) => format!("{} {} {a}", fit(&item, w), fit(&before, w)),
            None => format!("{} {before}", fit(&item, w)),
        };
        out += &format!("{}\n", line.trim_end());
    }
    let diffs = open_differences(p);
    if !diffs.is_empty() {
        out += &format!("\n{}:\n", t.get("print.differences"));
        for d in diffs {
            out += &format!("  {d}\n");
        }
    }
    out += "\n";
    for s in signatures(p) {
        out += &format!("{s}\n\n");
    }
    out
}

pub fn html(p: &ChecklistPrint<'_>) -> String {
    let t = p.t;
    let title = esc(t.get("print.title.checklist"));
    let mut out = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<style>@page{{size:A4;margin:15mm}}body{{font-family:sans-serif;font-size:10pt}}table{{border-collapse:collapse;width:100%}}\
td,th{{border:1px solid #999;padding:2px 4px;text-align:left}}.sig{{margin-top:18mm;border-top:1px solid #000;width:70mm}}</style>\
</head><body><h1>{title}</h1>",
        crate::print::html_lang(t)
    );
    for l in head(p) {
        out += &format!("<p>{}</p>", esc(&l));
    }
    let delivery = p.sheets.delivery.is_some();
    out += &format!(
        "<table><tr><th>{}</th><th>{}</th>",
        esc(t.get("list.item")),
        esc(t.get("print.check_in"))
    );
    if delivery {
        out += &format!("<th>{}</th>", esc(t.get("print.delivery")));
    }
    out += "</tr>";
    for (item, before, after) in rows(p) {
        out += &format!("<tr><td>{}</td><td>{}</td>", esc(&item), esc(&before));
        if let Some(a) = after {
            out += &format!("<td>{}</td>", esc(&a));
        }
        out += "</tr>";
    }
    out += "</table>";
    let diffs = open_differences(p);
    if !diffs.is_empty() {
        out += &format!("<h2>{}</h2><ul>", esc(t.get("print.differences")));
        for d in diffs {
            out += &format!("<li>{}</li>", esc(&d));
        }
        out += "</ul>";
    }
    for s in signatures(p) {
        out += &format!("<div class=\"sig\">{}</div>", esc(&s));
    }
    out += "</body></html>\n";
    out
}
