//! Printouts of an RO: estimate, repair order, added-items slip, settlement
//! and exit notice, as fixed-width text for 80- or 40-column receipt
//! printers, or as HTML. Pure functions of the RO, its payments, its
//! added-work calls and the settings. A document that does not exist yet
//! (an exit notice before one was issued) is refused by
//! `lifecycle::check_print`, never invented.

use crate::domain::added_work::{CallRecord, Decision};
use crate::domain::lifecycle::{check_print, Document, Refusal};
use crate::domain::pricing::{line_amount, risk_margin, totals, Totals};
use crate::domain::repair_order::{Approval, RoLine};
use crate::domain::settlement::{Balance, Payment};
use crate::domain::text::{clean_line, clean_multiline};
use crate::domain::{Money, RepairOrder, Settings};
use crate::ui::i18n::Texts;
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

    /// The catalogue key of the form's title.
    pub fn title_key(self) -> &'static str {
        match self {
            Form::Estimate => "print.title.estimate",
            Form::RepairOrder => "print.title.ro",
            Form::AddedItems => "print.title.added",
            Form::Settlement => "print.title.settlement",
            Form::ExitNotice => "print.title.exit",
            Form::Checklist => "print.title.checklist",
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
    /// The printout's language: the shop's, or `--lang` for this print.
    pub t: &'a Texts,
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
        self.t.money(m, &self.settings.currency_symbol)
    }

    fn title(&self) -> &str {
        self.t.get(self.form.title_key())
    }

    fn word(&self, prefix: &str, code: &str) -> String {
        self.t.word(prefix, code)
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
        let t = self.t;
        let label = |key: &str| t.get(key).to_string();
        let mut rows = vec![
            (label("print.ro"), ro.number.clone()),
            (
                label("print.customer"),
                format!("{}  {}", ro.customer.name, ro.customer.phone),
            ),
            (
                label("print.vehicle"),
                format!(
                    "{}  {} {}",
                    ro.vehicle.plate, ro.vehicle.make, ro.vehicle.model
                ),
            ),
            (label("print.vin"), ro.vehicle.vin.clone()),
            (
                label("print.odometer"),
                ro.odometer_in_km
                    .map(|k| format!("{} km", t.locale().number(k)))
                    .unwrap_or_default(),
            ),
            (
                label("print.fuel"),
                ro.fuel_eighths
                    .map(|e| format!("{e}/8"))
                    .unwrap_or_default(),
            ),
            (label("print.checked_in"), self.at(ro.checked_in_at)),
            (label("print.promised"), self.at(ro.promised_at)),
        ];
        if self.form.settles() {
            rows.push((label("print.delivered"), self.at(ro.desk.delivered_at)));
        }
        if self.form == Form::ExitNotice {
            // The gate pass shows when it was issued: never the print time.
            rows.push((label("print.exit_notice"), self.at(ro.exit_notice_at)));
            if let Some(qc) = &ro.desk.qc_passed {
                let at = self.time.long(qc.at);
                let checked = t.fill("print.checked_by", &[("at", &at), ("by", &qc.by)]);
                rows.push((label("print.final_check"), checked));
            }
        }
        rows.retain(|(_, v)| !v.is_empty());
        rows.into_iter().map(|(k, v)| (k, clean_line(&v))).collect()
    }

    /// Notices that must appear on this form.
    fn notices(&self) -> Vec<String> {
        let t = self.t;
        let mut n = Vec::new();
        if self.ro.needs_no_warranty_notice() {
            n.push(t.get("print.no_warranty").to_string());
        }
        let margin = risk_margin(self.ro.pricing, self.totals().total);
        if self.form == Form::Estimate && margin.0 > 0 {
            let amount = self.money(margin);
            n.push(t.fill("print.risk_margin", &[("amount", &amount)]));
        }
        if self.form.settles() {
            n.push(t.get("print.quality_note").to_string());
        }
        if !self.ro.late_reason.is_empty() {
            let why = clean_line(&self.ro.late_reason);
            n.push(t.fill("print.delay", &[("why", &why)]));
        }
        n
    }

    fn signatures(&self) -> Vec<String> {
        let signed = match (&self.ro.signed_by_name, self.ro.signed_at) {
            (Some(name), Some(at)) => format!("{} ({})", clean_line(name), self.time.long(at)),
            _ => String::new(),
        };
        let keys: [&str; 2] = match self.form {
            Form::Estimate | Form::RepairOrder | Form::Checklist => {
                ["print.sign.customer", "print.sign.advisor"]
            }
            Form::AddedItems => ["print.sign.approval", "print.sign.workshop"],
            Form::Settlement => ["print.sign.customer", "print.sign.cashier"],
            Form::ExitNotice => ["print.sign.received", "print.sign.advisor"],
        };
        let mut rows: Vec<String> = keys.iter().map(|k| self.t.get(k).to_string()).collect();
        if matches!(self.form, Form::Estimate | Form::RepairOrder) && !signed.is_empty() {
            rows[0] = format!("{} {signed}", rows[0]);
        }
        rows
    }

    /// What a line costs on paper: its amount, or the word for a line that
    /// is not charged.
    fn line_amount(&self, l: &RoLine) -> String {
        match l.approval {
            Approval::Declined => self.t.get("print.declined").into(),
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
        let tx = self.t;
        for pt in &t.by_payer {
            let payer = self.word("payer", pt.payer.code());
            let payer = payer.as_str();
            out.push(row(
                tx.fill("print.subtotal", &[("payer", payer)]),
                pt.subtotal,
            ));
            if pt.discount.0 > 0 {
                let label = format!("  {}", tx.get("print.discount"));
                out.push(row(label, Money(-pt.discount.0)));
            }
            let rate = self.tax_rate();
            let label = format!("  {}", tx.fill("print.tax", &[("rate", &rate)]));
            out.push(row(label, pt.tax));
            let label = format!("  {}", tx.fill("print.payer_total", &[("payer", payer)]));
            out.push(row(label, pt.total));
        }
        out.push(row(tx.get("print.total").into(), t.total));
        if self.form == Form::AddedItems {
            out.extend(self.awaiting_row());
        }
        if self.form.settles() {
            out.extend(self.settlement_rows());
        }
        out
    }

    /// The tax rate as the language writes it: `13.00%`, `13,00%`.
    fn tax_rate(&self) -> String {
        let text = format!("{:.2}%", self.settings.tax_rate_bp as f64 / 100.0);
        match self.t.locale() {
            crate::locale::Locale::Es => text.replace('.', ","),
            _ => text,
        }
    }

    /// Items still waiting for the customer, on the slip: not in the total.
    fn awaiting_row(&self) -> Option<MoneyRow> {
        let waiting: i64 = self.ro.proposed().map(|l| line_amount(l).0).sum();
        (waiting > 0).then(|| MoneyRow {
            label: self.t.get("print.awaiting").into(),
            amount: self.money(Money(waiting)),
        })
    }

    fn settlement_rows(&self) -> Vec<MoneyRow> {
        let row = |label: String, m: Money| MoneyRow {
            label,
            amount: self.money(m),
        };
        let t = self.t;
        let b = self.balance();
        let mut out = vec![row(t.get("print.customer_share").into(), b.customer_due)];
        for pay in self.payments {
            let method = self.word("choice", &pay.method);
            let at = self.time.long(pay.paid_at);
            let label = t.fill("print.paid_by", &[("method", &method), ("at", &at)]);
            out.push(row(label, pay.amount));
        }
        out.push(row(t.get("print.paid").into(), b.paid));
        if b.refund_due().0 > 0 {
            out.push(row(t.get("print.refund").into(), b.refund_due()));
        } else {
            out.push(row(t.get("print.owed").into(), b.outstanding()));
        }
        if let Some(a) = &self.ro.desk.arrears {
            let at = self.time.long(a.accepted.at);
            let why = clean_line(&a.accepted.reason);
            let args = [("by", a.accepted.by.as_str()), ("at", &at), ("why", &why)];
            out.push(row(t.fill("print.arrears", &args), a.amount));
        }
        for (payer, amount) in &b.receivables {
            let payer = self.word("payer", payer.code());
            out.push(row(
                t.fill("print.receivable", &[("payer", &payer)]),
                *amount,
            ));
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
                .unwrap_or_else(|| self.t.fill("print.item", &[("id", &id.to_string())]))
        };
        let t = self.t;
        let mut out = Vec::new();
        for (n, rec) in self.calls.iter().enumerate() {
            let c = &rec.call;
            let (n, asked) = ((n + 1).to_string(), self.time.long(c.asked_at));
            let answered = self.time.long(c.answered_at);
            let channel = self.word("choice", c.channel.code());
            out.push(t.fill(
                "print.call",
                &[
                    ("n", &n),
                    ("asked", &asked),
                    ("answered", &answered),
                    ("channel", &channel),
                ],
            ));
            for (id, d) in &c.decisions {
                let word = match d {
                    Decision::Approved => t.get("print.approved"),
                    Decision::Declined => t.get("print.declined"),
                };
                out.push(format!("  {}: {word}", item(*id)));
            }
            let (who, at) = (
                clean_line(&c.workshop_told),
                self.time.long(c.workshop_told_at),
            );
            let minutes = c.delay_minutes.to_string();
            let args = [
                ("who", who.as_str()),
                ("at", &at),
                ("min", &minutes),
                ("by", &rec.recorded_by),
            ];
            out.push(format!("  {}", t.fill("print.told", &args)));
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
    out.push(center(p.title(), cols));
    out.push(rule);
    for (k, v) in p.header() {
        out.extend(wrap_hanging(&format!("{k:<12} {v}"), cols, 13));
    }
    if matches!(p.form, Form::Estimate | Form::RepairOrder) {
        out.push(String::new());
        let concerns = clean_multiline(&p.ro.concerns);
        out.extend(wrap(
            &format!("{}: {concerns}", p.t.get("print.concerns")),
            cols,
        ));
        if !p.ro.diagnosis.is_empty() {
            let diagnosis = clean_multiline(&p.ro.diagnosis);
            out.extend(wrap(
                &format!("{}: {diagnosis}", p.t.get("print.diagnosis")),
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
    let printed = p.time.long(p.printed_at);
    out.extend(wrap(&p.t.fill("print.printed", &[("at", &printed)]), cols));
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

fn approval_tag(t: &Texts, l: &RoLine) -> String {
    let key = match l.approval {
        Approval::Original => return String::new(),
        Approval::Proposed => "print.tag.proposed",
        Approval::Approved => "print.approved",
        Approval::Declined => "print.declined",
    };
    format!(" [{}]", t.get(key))
}

/// One line: on 80 columns a row; on narrow paper the description on its
/// own line(s), then quantity × price = amount (wrapped if need be).
fn line_text(p: &Printout<'_>, l: &RoLine, cols: usize) -> Vec<String> {
    let desc = clean_line(&format!(
        "{} {}{}",
        l.code,
        l.description,
        approval_tag(p.t, l)
    ));
    let qty = crate::ui::ro::dialogs::milli_text(l.quantity_milli);
    let payer = p.word("payer", l.payer.code());
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
            fit(&payer, 9),
            fit_right(&amount, 13),
        );
        rows[0] = first;
        return rows;
    }
    let mut rows = wrap(&desc, cols);
    let sum = format!("{qty} × {price} {payer} = {amount}");
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
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\n",
        html_lang(p.t)
    );
    h += &format!("<title>{} {}</title>\n", esc(p.title()), esc(&p.ro.number));
    h += "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}table{border-collapse:collapse;width:100%}\
td,th{border-bottom:1px solid #ccc;padding:.2em .4em;text-align:left}td.n{text-align:right}.notice{border:1px solid #000;padding:.5em}\
.sig{margin-top:2.5em;border-top:1px solid #000;width:20em}</style></head><body>\n";
    h += &format!(
        "<h1>{}</h1>\n<h2>{}</h2>\n<table class=\"head\">\n",
        esc(&p.settings.shop_name),
        esc(p.title())
    );
    for (k, v) in p.header() {
        h += &format!("<tr><th>{}</th><td>{}</td></tr>\n", esc(&k), esc(&v));
    }
    h += "</table>\n";
    if matches!(p.form, Form::Estimate | Form::RepairOrder) {
        h += &format!(
            "<p><b>{}:</b> {}</p>\n",
            esc(p.t.get("print.concerns")),
            esc(&p.ro.concerns).replace('\n', "<br>")
        );
        if !p.ro.diagnosis.is_empty() {
            h += &format!(
                "<p><b>{}:</b> {}</p>\n",
                esc(p.t.get("print.diagnosis")),
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
    let printed = p.time.long(p.printed_at);
    h += &format!(
        "<p><small>{}</small></p>\n</body></html>\n",
        esc(&p.t.fill("print.printed", &[("at", &printed)]))
    );
    h
}

/// The page's `lang`, so a browser picks the right fonts and hyphenation.
pub fn html_lang(t: &Texts) -> &'static str {
    match t.get("lang") {
        "zh" => "zh-CN",
        "es" => "es",
        _ => "en",
    }
}

fn html_lines(p: &Printout<'_>) -> String {
    let lines = p.form.lines(p.ro);
    if lines.is_empty() {
        return String::new();
    }
    let mut h = String::from("<table class=\"lines\"><tr>");
    for key in ["code", "description", "qty", "price", "payer", "amount"] {
        h += &format!("<th>{}</th>", esc(p.t.get(&format!("print.col.{key}"))));
    }
    h += "</tr>\n";
    for l in lines {
        h += &format!(
            "<tr><td>{}</td><td>{}{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>\n",
            esc(&l.code),
            esc(&l.description),
            esc(&approval_tag(p.t, l)),
            crate::ui::ro::dialogs::milli_text(l.quantity_milli),
            esc(&p.money(l.unit_price)),
            esc(&p.word("payer", l.payer.code())),
            esc(&p.line_amount(l))
        );
    }
    h + "</table>\n"
}
