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
use crate::ui::timefmt::TimeFmt;

pub struct ChecklistPrint<'a> {
    pub shop: &'a str,
    pub ro: &'a RepairOrder,
    pub sheets: &'a Sheets,
    pub template: &'a Template,
    pub time: TimeFmt,
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
            let after = delivery.map(|d| d.find(&e.key()).map_or("—".into(), state_with_reason));
            out.push((name(p, e), state(e), after));
        }
        if let Some(d) = delivery {
            for e in d
                .entries
                .iter()
                .filter(|e| e.category == c && check_in.find(&e.key()).is_none())
            {
                out.push((name(p, e), "—".into(), Some(state_with_reason(e))));
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
    let label = match e.panel() {
        Some(panel) => format!("{} {} {}", panel.code(), panel.name(), panel.name_zh()),
        None => format!(
            "{} {}",
            p.template.name(e.category, &e.item, false),
            p.template.name(e.category, &e.item, true)
        ),
    };
    clean_line(&label)
}

fn state(e: &Entry) -> String {
    let mut s = match e.category {
        Category::Damage => e
            .damage
            .map(|(k, sev)| format!("{} {sev}", k.code()))
            .unwrap_or_default(),
        Category::Document if !e.present => "missing".into(),
        Category::Document if !e.valid => "invalid".into(),
        Category::Document => "present".into(),
        Category::Belonging | Category::Tool => format!("×{}", e.present_count()),
        Category::WarningLight if e.present => "ON".into(),
        Category::WarningLight => "off".into(),
        Category::Cover if e.present => "fitted".into(),
        Category::Cover => "—".into(),
    };
    if !e.note.is_empty() {
        s += &format!(" ({})", clean_line(&e.note));
    }
    s
}

fn state_with_reason(e: &Entry) -> String {
    let mut s = state(e);
    if !e.explanation.is_empty() {
        s += &format!(" — {}", clean_line(&e.explanation));
    }
    s
}

fn head(p: &ChecklistPrint<'_>) -> Vec<String> {
    let ro = p.ro;
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
            "Fuel {}   Odometer {}",
            ro.fuel_eighths
                .map(fuel_label)
                .unwrap_or_else(|| "—".into()),
            ro.odometer_in_km
                .map(|k| format!("{k} km"))
                .unwrap_or_else(|| "—".into())
        ),
    ];
    let a = &p.sheets.answers;
    h.push(format!(
        "Washing: {}   Old parts: {}   Customer: {}   Covers: {}",
        if a.wash { "yes" } else { "no" },
        a.old_parts.code().replace('_', " "),
        if a.waiting { "waits" } else { "leaves" },
        if a.covers { "fitted" } else { "not fitted" }
    ));
    if let Some(k) = &p.sheets.key {
        h.push(key_line(k, p.time));
    }
    h
}

fn key_line(k: &KeyCustody, time: TimeFmt) -> String {
    let moves: Vec<String> = k
        .moves
        .iter()
        .map(|m| {
            format!(
                "{} {} {}",
                time.long(m.at),
                m.to.code(),
                clean_line(&m.person)
            )
            .trim_end()
            .to_string()
        })
        .collect();
    format!("Key tag {}: {}", k.tag, moves.join(" → "))
}

fn signatures(p: &ChecklistPrint<'_>) -> Vec<String> {
    let signed = |s: Option<&Sheet>| match s.and_then(|s| s.acknowledged.as_ref()) {
        Some(a) => format!("{} ({})", clean_line(&a.name), p.time.long(a.at)),
        None => String::new(),
    };
    let mut lines = vec![format!(
        "Customer, at check-in: {}",
        signed(p.sheets.check_in.as_ref())
    )];
    if p.sheets.delivery.is_some() {
        lines.push(format!(
            "Customer, at delivery: {}",
            signed(p.sheets.delivery.as_ref())
        ));
    }
    lines.push("Service advisor:".into());
    lines
}

fn open_differences(p: &ChecklistPrint<'_>) -> Vec<String> {
    match (&p.sheets.check_in, &p.sheets.delivery) {
        (Some(a), Some(b)) => differences(a, b)
            .into_iter()
            .map(|d| {
                format!(
                    "{}{}",
                    d,
                    if d.explained {
                        " (explained)"
                    } else {
                        " (NOT RESOLVED)"
                    }
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub fn text(p: &ChecklistPrint<'_>, cols: usize) -> String {
    use crate::ui::text::fit;
    let mut out = String::new();
    out += "VEHICLE ITEMS CHECKLIST 随车物品清单\n";
    for l in head(p) {
        out += &format!("{l}\n");
    }
    out += &format!("{}\n", "-".repeat(cols));
    let delivery = p.sheets.delivery.is_some();
    let w = cols.saturating_sub(2) / if delivery { 3 } else { 2 };
    out += &if delivery {
        format!("{} {} {}\n", fit("Item", w), fit("Check-in", w), "Delivery")
    } else {
        format!("{} {}\n", fit("Item", w), "Check-in")
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
        out += "\nDifferences:\n";
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
    let mut out = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Vehicle items checklist</title>\
<style>@page{size:A4;margin:15mm}body{font-family:sans-serif;font-size:10pt}table{border-collapse:collapse;width:100%}\
td,th{border:1px solid #999;padding:2px 4px;text-align:left}.sig{margin-top:18mm;border-top:1px solid #000;width:70mm}</style>\
</head><body><h1>VEHICLE ITEMS CHECKLIST 随车物品清单</h1>",
    );
    for l in head(p) {
        out += &format!("<p>{}</p>", esc(&l));
    }
    let delivery = p.sheets.delivery.is_some();
    out += "<table><tr><th>Item</th><th>Check-in</th>";
    if delivery {
        out += "<th>Delivery</th>";
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
        out += "<h2>Differences</h2><ul>";
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
