//! Printouts of an RO: estimate, repair order, added-items slip, settlement
//! and exit notice, as fixed-width text for 80- or 40-column receipt
//! printers, or as HTML. Pure functions of the RO, its payments and settings.

use crate::domain::pricing::{line_amount, risk_margin, totals, Totals};
use crate::domain::repair_order::{Approval, RoLine, NO_WARRANTY_NOTICE, QUALITY_WARRANTY_NOTE};
use crate::domain::settlement::{balance, Payment};
use crate::domain::text::{clean_line, clean_multiline};
use crate::domain::{Money, RepairOrder, Settings};
use crate::ui::text::{fit, fit_right, width};
use crate::ui::timefmt::TimeFmt;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Estimate,
    RepairOrder,
    AddedItems,
    Settlement,
    ExitNotice,
}

impl Form {
    pub fn parse(s: &str) -> Option<Form> {
        Some(match s {
            "estimate" => Form::Estimate,
            "ro" | "repair-order" => Form::RepairOrder,
            "added" | "added-items" => Form::AddedItems,
            "settlement" => Form::Settlement,
            "exit" | "exit-notice" => Form::ExitNotice,
            _ => return None,
        })
    }

    fn title(self) -> &'static str {
        match self {
            Form::Estimate => "ESTIMATE 估价单",
            Form::RepairOrder => "REPAIR ORDER 进厂维修单",
            Form::AddedItems => "ADDED ITEMS 追加项目单",
            Form::Settlement => "SETTLEMENT 结算单",
            Form::ExitNotice => "EXIT NOTICE 出厂通知单",
        }
    }

    fn lines(self, ro: &RepairOrder) -> Vec<&RoLine> {
        match self {
            Form::AddedItems => ro
                .lines
                .iter()
                .filter(|l| l.approval != Approval::Original)
                .collect(),
            Form::ExitNotice => Vec::new(),
            _ => ro.lines.iter().collect(),
        }
    }
}

/// Everything a printout shows.
pub struct Printout<'a> {
    pub form: Form,
    pub ro: &'a RepairOrder,
    pub payments: &'a [Payment],
    pub settings: &'a Settings,
    pub time: TimeFmt,
    pub printed_at: DateTime<Utc>,
}

impl Printout<'_> {
    fn money(&self, m: Money) -> String {
        m.format(&self.settings.currency_symbol)
    }

    fn totals(&self) -> Totals {
        totals(
            &self.ro.lines,
            self.ro.discount_bp,
            self.settings.tax_rate_bp,
        )
    }

    fn header(&self) -> Vec<(String, String)> {
        let ro = self.ro;
        let at = |t: Option<DateTime<Utc>>| t.map(|t| self.time.long(t)).unwrap_or_default();
        let mut rows = vec![
            ("RO".to_string(), ro.number.clone()),
            (
                "Customer".into(),
                format!("{}  {}", ro.customer.name, ro.customer.phone),
            ),
            (
                "Vehicle".into(),
                format!(
                    "{}  {} {}",
                    ro.vehicle.plate, ro.vehicle.make, ro.vehicle.model
                ),
            ),
            ("VIN".into(), ro.vehicle.vin.clone()),
            (
                "Odometer".into(),
                ro.odometer_in_km
                    .map(|k| format!("{k} km"))
                    .unwrap_or_default(),
            ),
            (
                "Fuel".into(),
                ro.fuel_eighths
                    .map(|e| format!("{e}/8"))
                    .unwrap_or_default(),
            ),
            ("Checked in".into(), at(ro.checked_in_at)),
            ("Promised".into(), at(ro.promised_at)),
        ];
        if self.form == Form::ExitNotice {
            rows.push((
                "Exit notice".into(),
                at(ro.exit_notice_at.or(Some(self.printed_at))),
            ));
        }
        rows.into_iter().map(|(k, v)| (k, clean_line(&v))).collect()
    }

    /// Notices that must appear on this form.
    fn notices(&self) -> Vec<String> {
        let mut n = Vec::new();
        if self.ro.needs_no_warranty_notice() {
            n.push(NO_WARRANTY_NOTICE.to_string());
        }
        let margin = risk_margin(self.ro.pricing, self.totals().total);
        if self.form == Form::Estimate && margin.0 > 0 {
            n.push(format!(
                "Symptom-based estimate: the final price may differ by up to {}.",
                self.money(margin)
            ));
        }
        if matches!(self.form, Form::Settlement | Form::ExitNotice) {
            n.push(QUALITY_WARRANTY_NOTE.to_string());
        }
        if !self.ro.late_reason.is_empty() {
            n.push(format!("Delay: {}", clean_line(&self.ro.late_reason)));
        }
        n
    }

    fn signatures(&self) -> Vec<String> {
        let signed = match (&self.ro.signed_by_name, self.ro.signed_at) {
            (Some(name), Some(at)) => format!("{} ({})", clean_line(name), self.time.long(at)),
            _ => String::new(),
        };
        match self.form {
            Form::Estimate | Form::RepairOrder => {
                vec![format!("Customer: {signed}"), "Service advisor:".into()]
            }
            Form::AddedItems => vec!["Customer approval:".into(), "Workshop:".into()],
            Form::Settlement => vec!["Customer:".into(), "Cashier:".into()],
            Form::ExitNotice => vec![
                "Car, documents, belongings and keys received:".into(),
                "Service advisor:".into(),
            ],
        }
    }
}

/// Fixed-width text for a receipt printer of `cols` columns (40 or more).
pub fn text(p: &Printout<'_>, cols: usize) -> String {
    let cols = cols.max(32);
    let mut out = Vec::new();
    let rule = "=".repeat(cols);
    out.push(center(&clean_line(&p.settings.shop_name), cols));
    out.push(center(p.form.title(), cols));
    out.push(rule.clone());
    for (k, v) in p.header() {
        out.extend(wrap(&format!("{} {v}", fit(&k, 12)), cols));
    }
    if matches!(p.form, Form::Estimate | Form::RepairOrder) {
        out.push(String::new());
        out.extend(wrap(
            &format!("Concerns: {}", clean_multiline(&p.ro.concerns)),
            cols,
        ));
        if !p.ro.diagnosis.is_empty() {
            out.extend(wrap(
                &format!("Diagnosis: {}", clean_multiline(&p.ro.diagnosis)),
                cols,
            ));
        }
    }
    let lines = p.form.lines(p.ro);
    if !lines.is_empty() {
        out.push("-".repeat(cols));
        for l in lines {
            out.extend(line_text(p, l, cols));
        }
    }
    if p.form != Form::ExitNotice {
        out.push("-".repeat(cols));
        out.extend(totals_text(p, cols));
    }
    for n in p.notices() {
        out.push(String::new());
        out.extend(wrap(&n, cols));
    }
    out.push(String::new());
    for s in p.signatures() {
        out.push(String::new());
        out.extend(wrap(&s, cols));
        out.push("_".repeat(cols.min(40)));
    }
    out.push(format!("Printed {}", p.time.long(p.printed_at)));
    out.join("\n") + "\n"
}

fn center(s: &str, cols: usize) -> String {
    let pad = cols.saturating_sub(width(s)) / 2;
    format!("{}{s}", " ".repeat(pad))
}

fn wrap(s: &str, cols: usize) -> Vec<String> {
    s.split('\n')
        .flat_map(|para| {
            textwrap::wrap(para, cols)
                .into_iter()
                .map(|c| c.into_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn approval_tag(l: &RoLine) -> &'static str {
    match l.approval {
        Approval::Original => "",
        Approval::Proposed => " [proposed]",
        Approval::Approved => " [approved]",
        Approval::Declined => " [declined]",
    }
}

/// One line: on 80 columns a row; on narrow paper the description on its
/// own line(s), then quantity × price = amount.
fn line_text(p: &Printout<'_>, l: &RoLine, cols: usize) -> Vec<String> {
    let desc = clean_line(&format!("{} {}{}", l.code, l.description, approval_tag(l)));
    let qty = crate::ui::ro::dialogs::milli_text(l.quantity_milli);
    let amount = p.money(line_amount(l));
    let price = p.money(l.unit_price);
    if cols >= 72 {
        let dw = cols - 8 - 12 - 9 - 13 - 4;
        let mut rows = wrap(&desc, dw);
        let first = format!(
            "{} {} {} {} {}",
            fit(&rows[0], dw),
            fit_right(&qty, 8),
            fit_right(&price, 12),
            fit(l.payer.code(), 9),
            fit_right(&amount, 13)
        );
        rows[0] = first;
        return rows;
    }
    let mut rows = wrap(&desc, cols);
    rows.push(fit_right(
        &format!("{qty} × {price} {} = {amount}", l.payer.code()),
        cols,
    ));
    rows
}

fn totals_text(p: &Printout<'_>, cols: usize) -> Vec<String> {
    let t = p.totals();
    let row = |label: &str, m: Money| {
        format!(
            "{}{}",
            fit(label, cols.saturating_sub(16)),
            fit_right(&p.money(m), 16)
        )
    };
    let mut out = Vec::new();
    for pt in &t.by_payer {
        out.push(row(&format!("{} subtotal", pt.payer.code()), pt.subtotal));
        if pt.discount.0 > 0 {
            out.push(row("  discount", Money(-pt.discount.0)));
        }
        out.push(row(
            &format!("  tax {:.2}%", p.settings.tax_rate_bp as f64 / 100.0),
            pt.tax,
        ));
        out.push(row(&format!("  {} total", pt.payer.code()), pt.total));
    }
    out.push(row("TOTAL", t.total));
    if p.form == Form::Settlement {
        for pay in p.payments {
            out.push(row(
                &format!("paid {} {}", pay.method, p.time.long(pay.paid_at)),
                pay.amount,
            ));
        }
        out.push(row("OWED (arrears)", balance(t.customer_due(), p.payments)));
    }
    out
}

fn esc(s: &str) -> String {
    clean_multiline(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The same printout as a standalone HTML page.
pub fn html(p: &Printout<'_>) -> String {
    let mut h =
        String::from("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n");
    h += &format!(
        "<title>{} {}</title>\n",
        esc(p.form.title()),
        esc(&p.ro.number)
    );
    h += "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #ccc;padding:.2em .4em;text-align:left}td.n{text-align:right}.notice{border:1px solid #000;padding:.5em}\
.sig{margin-top:2.5em;border-top:1px solid #000;width:20em}</style></head><body>\n";
    h += &format!(
        "<h1>{}</h1>\n<h2>{}</h2>\n<table class=\"head\">\n",
        esc(&p.settings.shop_name),
        esc(p.form.title())
    );
    for (k, v) in p.header() {
        h += &format!("<tr><th>{}</th><td>{}</td></tr>\n", esc(&k), esc(&v));
    }
    h += "</table>\n";
    if matches!(p.form, Form::Estimate | Form::RepairOrder) {
        h += &format!(
            "<p><b>Concerns:</b> {}</p>\n",
            esc(&p.ro.concerns).replace('\n', "<br>")
        );
        if !p.ro.diagnosis.is_empty() {
            h += &format!(
                "<p><b>Diagnosis:</b> {}</p>\n",
                esc(&p.ro.diagnosis).replace('\n', "<br>")
            );
        }
    }
    let lines = p.form.lines(p.ro);
    if !lines.is_empty() {
        h += "<table class=\"lines\"><tr><th>Code</th><th>Description</th><th>Qty</th><th>Price</th><th>Payer</th><th>Amount</th></tr>\n";
        for l in lines {
            h += &format!(
                "<tr><td>{}</td><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
                esc(&l.code),
                esc(&l.description),
                approval_tag(l),
                crate::ui::ro::dialogs::milli_text(l.quantity_milli),
                esc(&p.money(l.unit_price)),
                l.payer.code(),
                esc(&p.money(line_amount(l)))
            );
        }
        h += "</table>\n";
    }
    if p.form != Form::ExitNotice {
        h += "<table class=\"totals\">\n";
        for row in totals_text(p, 60) {
            h += &format!("<tr><td>{}</td></tr>\n", esc(row.trim_end()));
        }
        h += "</table>\n";
    }
    for n in p.notices() {
        h += &format!("<p class=\"notice\">{}</p>\n", esc(&n));
    }
    for s in p.signatures() {
        h += &format!("<div class=\"sig\">{}</div>\n", esc(&s));
    }
    h += &format!(
        "<p><small>Printed {}</small></p>\n</body></html>\n",
        esc(&p.time.long(p.printed_at))
    );
    h
}
