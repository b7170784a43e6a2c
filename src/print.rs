//! Printouts of an RO: estimate, repair order, added-items slip, settlement
//! and exit notice, as fixed-width text for 80- or 40-column receipt
//! printers, or as HTML. Pure functions of the RO, its payments, its
//! added-work calls and the settings. A document that does not exist yet
//! (an exit notice before one was issued) is refused by
//! `lifecycle::check_print`, never invented.

use crate::domain::added_work::{CallRecord, Decision};
use crate::domain::lifecycle::{check_print, Document, Refusal};
use crate::domain::pricing::{line_amount, risk_margin, totals, Totals};
use crate::domain::repair_order::{Approval, RoLine, NO_WARRANTY_NOTICE, QUALITY_WARRANTY_NOTE};
use crate::domain::settlement::{Balance, Payment};
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
    /// The vehicle-items checklist (see `print_checklist`); not an RO document.
    Checklist,
}

impl Form {
    pub const ALL: [Form; 5] = [
        Form::Estimate,
        Form::RepairOrder,
        Form::AddedItems,
        Form::Settlement,
        Form::ExitNotice,
    ];

    pub fn parse(s: &str) -> Option<Form> {
        Some(match s {
            "estimate" => Form::Estimate,
            "ro" | "repair-order" => Form::RepairOrder,
            "added" | "added-items" => Form::AddedItems,
            "settlement" => Form::Settlement,
            "exit" | "exit-notice" => Form::ExitNotice,
            "checklist" | "items" => Form::Checklist,
            _ => return None,
        })
    }

    pub fn document(self) -> Document {
        match self {
            Form::Estimate => Document::Estimate,
            Form::RepairOrder | Form::Checklist => Document::RepairOrder,
            Form::AddedItems => Document::AddedItems,
            Form::Settlement => Document::Settlement,
            Form::ExitNotice => Document::ExitNotice,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Form::Estimate => "ESTIMATE 估价单",
            Form::RepairOrder => "REPAIR ORDER 进厂维修单",
            Form::AddedItems => "ADDED ITEMS 追加项目单",
            Form::Settlement => "SETTLEMENT 结算单",
            Form::ExitNotice => "EXIT NOTICE 出厂通知单",
            Form::Checklist => "VEHICLE ITEMS CHECKLIST 随车物品清单",
        }
    }

    fn lines(self, ro: &RepairOrder) -> Vec<&RoLine> {
        match self {
            Form::AddedItems => ro
                .lines
                .iter()
                .filter(|l| l.approval != Approval::Original)
                .collect(),
            Form::ExitNotice | Form::Checklist => Vec::new(),
            _ => ro.lines.iter().collect(),
        }
    }

    /// Forms that account for the money: what was paid, what is owed.
    fn settles(self) -> bool {
        matches!(self, Form::Settlement | Form::ExitNotice)
    }
}

/// Everything a printout shows.
pub struct Printout<'a> {
    pub form: Form,
    pub ro: &'a RepairOrder,
    pub payments: &'a [Payment],
    /// The added-work calls, for the added-items slip.
    pub calls: &'a [CallRecord],
    pub settings: &'a Settings,
    pub time: TimeFmt,
    pub printed_at: DateTime<Utc>,
}

/// One row of the money block: a label and its amount (or a word, such as
/// "declined", where there is no amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyRow {
    pub label: String,
    pub amount: String,
}

impl Printout<'_> {
    /// The document exists: or why it cannot be printed yet.
    pub fn check(&self) -> Result<(), Refusal> {
        check_print(self.form.document(), self.ro)
    }

    fn money(&self, m: Money) -> String {
        m.format(&self.settings.currency_symbol)
    }

    fn at(&self, t: Option<DateTime<Utc>>) -> String {
        t.map(|t| self.time.long(t)).unwrap_or_default()
    }

    /// The totals this form accounts for: the added items' own on the
    /// slip, the whole RO's elsewhere.
    fn totals(&self) -> Totals {
        let lines: Vec<RoLine> = match self.form {
            Form::AddedItems => self.form.lines(self.ro).into_iter().cloned().collect(),
            _ => self.ro.lines.clone(),
        };
        totals(&lines, self.ro.discount_bp, self.settings.tax_rate_bp)
    }

    fn balance(&self) -> Balance {
        Balance::of(self.ro, self.settings.tax_rate_bp, self.payments)
    }

    fn header(&self) -> Vec<(String, String)> {
        let ro = self.ro;
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
            ("Checked in".into(), self.at(ro.checked_in_at)),
            ("Promised".into(), self.at(ro.promised_at)),
        ];
        if self.form.settles() {
            rows.push(("Delivered".into(), self.at(ro.desk.delivered_at)));
        }
        if self.form == Form::ExitNotice {
            // The gate pass shows when it was issued: never the print time.
            rows.push(("Exit notice".into(), self.at(ro.exit_notice_at)));
            if let Some(qc) = &ro.desk.qc_passed {
                let checked = format!("{} by {}", self.time.long(qc.at), qc.by);
                rows.push(("Final check".into(), checked));
            }
        }
        rows.retain(|(_, v)| !v.is_empty());
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
        if self.form.settles() {
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
            Form::Checklist => vec!["Customer:".into(), "Service advisor:".into()],
            Form::ExitNotice => vec![
                "Car, documents, belongings and keys received:".into(),
                "Service advisor:".into(),
            ],
        }
    }

    /// What a line costs on paper: its amount, or the word for a line that
    /// is not charged.
    fn line_amount(&self, l: &RoLine) -> String {
        match l.approval {
            Approval::Declined => "declined".into(),
            _ => self.money(line_amount(l)),
        }
    }

    /// The money block: totals by payer, the grand total, then (on the
    /// settlement and the exit notice) payments, what is owed, accepted
    /// arrears and what warranty or an insurer owes.
    pub fn money_rows(&self) -> Vec<MoneyRow> {
        let row = |label: String, m: Money| MoneyRow {
            label,
            amount: self.money(m),
        };
        let t = self.totals();
        let mut out = Vec::new();
        for pt in &t.by_payer {
            out.push(row(format!("{} subtotal", pt.payer.code()), pt.subtotal));
            if pt.discount.0 > 0 {
                out.push(row("  discount".into(), Money(-pt.discount.0)));
            }
            let rate = self.settings.tax_rate_bp as f64 / 100.0;
            out.push(row(format!("  tax {rate:.2}%"), pt.tax));
            out.push(row(format!("  {} total", pt.payer.code()), pt.total));
        }
        out.push(row("TOTAL".into(), t.total));
        if self.form == Form::AddedItems {
            out.extend(self.awaiting_row());
        }
        if self.form.settles() {
            out.extend(self.settlement_rows());
        }
        out
    }

    /// Items still waiting for the customer, on the slip: not in the total.
    fn awaiting_row(&self) -> Option<MoneyRow> {
        let waiting: i64 = self.ro.proposed().map(|l| line_amount(l).0).sum();
        (waiting > 0).then(|| MoneyRow {
            label: "awaiting the customer's answer (not in the total)".into(),
            amount: self.money(Money(waiting)),
        })
    }

    fn settlement_rows(&self) -> Vec<MoneyRow> {
        let row = |label: String, m: Money| MoneyRow {
            label,
            amount: self.money(m),
        };
        let b = self.balance();
        let mut out = vec![row("Customer's share".into(), b.customer_due)];
        for pay in self.payments {
            let label = format!("paid {} {}", pay.method, self.time.long(pay.paid_at));
            out.push(row(label, pay.amount));
        }
        out.push(row("PAID".into(), b.paid));
        if b.refund_due().0 > 0 {
            out.push(row("REFUND DUE".into(), b.refund_due()));
        } else {
            out.push(row("OWED".into(), b.outstanding()));
        }
        if let Some(a) = &self.ro.desk.arrears {
            let label = format!(
                "accepted as arrears by {} {}: {}",
                a.accepted.by,
                self.time.long(a.accepted.at),
                clean_line(&a.accepted.reason)
            );
            out.push(row(label, a.amount));
        }
        for (payer, amount) in &b.receivables {
            out.push(row(format!("receivable from {}", payer.code()), *amount));
        }
        out
    }

    /// The calls that answered the added items, as the slip prints them.
    fn call_rows(&self) -> Vec<String> {
        let item = |id: i64| {
            self.ro
                .lines
                .iter()
                .find(|l| l.id == Some(id))
                .map(|l| clean_line(&l.description))
                .unwrap_or_else(|| format!("item {id}"))
        };
        let mut out = Vec::new();
        for (n, rec) in self.calls.iter().enumerate() {
            let c = &rec.call;
            out.push(format!(
                "Call {}: asked {}, answered {} by {}",
                n + 1,
                self.time.long(c.asked_at),
                self.time.long(c.answered_at),
                c.channel.code()
            ));
            for (id, d) in &c.decisions {
                let word = match d {
                    Decision::Approved => "approved",
                    Decision::Declined => "declined",
                };
                out.push(format!("  {}: {word}", item(*id)));
            }
            out.push(format!(
                "  workshop told: {} at {}; extra time agreed: {} min; recorded by {}",
                clean_line(&c.workshop_told),
                self.time.long(c.workshop_told_at),
                c.delay_minutes,
                rec.recorded_by
            ));
        }
        out
    }
}

/// Fixed-width text for a receipt printer of `cols` columns (32 or more).
/// Nothing is cut: what does not fit wraps.
pub fn text(p: &Printout<'_>, cols: usize) -> String {
    let cols = cols.max(32);
    let mut out = Vec::new();
    let rule = "=".repeat(cols);
    out.extend(
        wrap(&clean_line(&p.settings.shop_name), cols)
            .iter()
            .map(|l| center(l, cols)),
    );
    out.push(center(p.form.title(), cols));
    out.push(rule);
    for (k, v) in p.header() {
        out.extend(wrap_hanging(&format!("{k:<12} {v}"), cols, 13));
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
    out.push("-".repeat(cols));
    for r in p.money_rows() {
        out.extend(money_text(&r, cols));
    }
    if p.form == Form::AddedItems && !p.calls.is_empty() {
        out.push("-".repeat(cols));
        for c in p.call_rows() {
            out.extend(wrap_hanging(&c, cols, 4));
        }
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
    out.extend(wrap(
        &format!("Printed {}", p.time.long(p.printed_at)),
        cols,
    ));
    // Every row through the one sanitiser: whatever a field held, no escape
    // sequence or bidi override reaches the printer.
    let rows: Vec<String> = out.iter().map(|row| clean_line(row)).collect();
    rows.join("\n") + "\n"
}

fn center(s: &str, cols: usize) -> String {
    let pad = cols.saturating_sub(width(s)) / 2;
    format!("{}{s}", " ".repeat(pad))
}

/// Wrapped to `cols` display columns; a word longer than that is broken.
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

/// Wrapped, with the rows after the first indented `indent` columns (under
/// the value, past its label).
fn wrap_hanging(s: &str, cols: usize, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let options = textwrap::Options::new(cols).subsequent_indent(&pad);
    textwrap::wrap(s, options)
        .into_iter()
        .map(|c| c.into_owned())
        .collect()
}

/// A label and an amount on one row when they fit; otherwise the label
/// wraps and the amount stands right-aligned beneath it.
fn money_text(r: &MoneyRow, cols: usize) -> Vec<String> {
    let (lw, aw) = (width(&r.label), width(&r.amount));
    if lw + 1 + aw <= cols {
        return vec![format!("{}{}", r.label, fit_right(&r.amount, cols - lw))];
    }
    let mut rows = wrap(&r.label, cols);
    rows.push(fit_right(&r.amount, cols));
    rows
}

fn approval_tag(l: &RoLine) -> &'static str {
    match l.approval {
        Approval::Original => "",
        Approval::Proposed => " [awaiting answer]",
        Approval::Approved => " [approved]",
        Approval::Declined => " [declined]",
    }
}

/// One line: on 80 columns a row; on narrow paper the description on its
/// own line(s), then quantity × price = amount (wrapped if need be).
fn line_text(p: &Printout<'_>, l: &RoLine, cols: usize) -> Vec<String> {
    let desc = clean_line(&format!("{} {}{}", l.code, l.description, approval_tag(l)));
    let qty = crate::ui::ro::dialogs::milli_text(l.quantity_milli);
    let amount = p.line_amount(l);
    let price = p.money(l.unit_price);
    if cols >= 72 {
        let dw = cols - 8 - 12 - 9 - 13 - 4;
        let mut rows = wrap(&desc, dw);
        // The wrapped description is never wider than its column, so
        // padding it cuts nothing.
        let first = format!(
            "{} {} {} {} {}",
            fit(&rows[0], dw),
            fit_right(&qty, 8),
            fit_right(&price, 12),
            fit(l.payer.code(), 9),
            fit_right(&amount, 13),
        );
        rows[0] = first;
        return rows;
    }
    let mut rows = wrap(&desc, cols);
    let sum = format!("{qty} × {price} {} = {amount}", l.payer.code());
    if width(&sum) <= cols {
        rows.push(fit_right(&sum, cols));
    } else {
        rows.extend(wrap(&sum, cols));
    }
    rows
}

pub fn esc(s: &str) -> String {
    clean_multiline(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The same printout as a standalone HTML page: every amount in its own cell.
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
    h += &html_lines(p);
    h += "<table class=\"totals\">\n";
    for r in p.money_rows() {
        h += &format!(
            "<tr><th>{}</th><td class=\"n\">{}</td></tr>\n",
            esc(r.label.trim()),
            esc(&r.amount)
        );
    }
    h += "</table>\n";
    if p.form == Form::AddedItems && !p.calls.is_empty() {
        h += "<ul class=\"calls\">\n";
        for c in p.call_rows() {
            h += &format!("<li>{}</li>\n", esc(c.trim()));
        }
        h += "</ul>\n";
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

fn html_lines(p: &Printout<'_>) -> String {
    let lines = p.form.lines(p.ro);
    if lines.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<table class=\"lines\"><tr><th>Code</th><th>Description</th><th>Qty</th><th>Price</th><th>Payer</th><th>Amount</th></tr>\n",
    );
    for l in lines {
        h += &format!(
            "<tr><td>{}</td><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
            esc(&l.code),
            esc(&l.description),
            approval_tag(l),
            crate::ui::ro::dialogs::milli_text(l.quantity_milli),
            esc(&p.money(l.unit_price)),
            l.payer.code(),
            esc(&p.line_amount(l))
        );
    }
    h + "</table>\n"
}
