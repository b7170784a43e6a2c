//! Printouts: each form in each state of the RO, refused where the document
//! does not exist yet; nothing cut at 40 columns; every HTML amount in its
//! own cell; declined lines without an amount; the added-items slip with
//! its own totals and the call record; the exit notice with what was paid
//! and owed and who accepted arrears.

use chrono::{DateTime, TimeZone, Utc};
use frontdesk::domain::added_work::{AddedWorkCall, CallRecord, Channel, Decision};
use frontdesk::domain::lifecycle::{Document, Refusal};
use frontdesk::domain::repair_order::*;
use frontdesk::domain::settlement::Payment;
use frontdesk::domain::{Money, RepairOrder, RoStatus, Settings};
use frontdesk::print::{html, text, Form, Printout};
use frontdesk::ui::i18n::{Lang, Texts};
use frontdesk::ui::text::width;
use frontdesk::ui::timefmt::TimeFmt;

fn t(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0).unwrap()
}

fn sanction(by: &str, reason: &str) -> Sanction {
    Sanction {
        by: by.into(),
        at: t(9, 55),
        reason: reason.into(),
    }
}

fn settings() -> Settings {
    Settings {
        shop_name: "珠江汽车 Pearl River Motors after-sales service".into(),
        currency_symbol: "¥".into(),
        tax_rate_bp: 1300,
        ..Default::default()
    }
}

fn line(id: i64, code: &str, description: &str, qty: i64, price: i64) -> RoLine {
    RoLine {
        id: Some(id),
        kind: LineKind::Part,
        code: code.into(),
        description: description.into(),
        quantity_milli: qty,
        unit_price: Money(price),
        ..RoLine::default()
    }
}

/// An RO at `status`: a labour line, a part, and two added items, one
/// approved and one declined in one call.
fn ro(status: RoStatus) -> RepairOrder {
    let mut ro = RepairOrder::new("li.na");
    ro.id = Some(1);
    ro.number = "RO-24100".into();
    ro.status = status;
    ro.customer = CustomerRef {
        id: Some(1),
        name: "欧阳娜娜 Ouyang Nana".into(),
        phone: "13800001111".into(),
    };
    ro.vehicle = VehicleRef {
        id: Some(2),
        vin: "1M8GDM9AXKP042788".into(),
        plate: "粤A·12345".into(),
        make: "BYD".into(),
        model: "Han EV Champion Edition".into(),
        last_odometer_km: None,
    };
    ro.odometer_in_km = Some(45_210);
    ro.concerns = "Brake noise, front left".into();
    ro.checked_in_at = Some(t(8, 0));
    ro.promised_at = Some(t(12, 0));
    ro.lines = vec![
        RoLine {
            kind: LineKind::Labour,
            ..line(1, "BRK-PADS-F", "Replace front brake pads", 1200, 18_000)
        },
        line(2, "P-PAD-01", "Front pad set", 1000, 45_000),
        RoLine {
            approval: Approval::Approved,
            call_id: Some(1),
            ..line(3, "P-WIPER", "Wiper blades, both sides", 1000, 12_000)
        },
        RoLine {
            approval: Approval::Declined,
            call_id: Some(1),
            ..line(4, "P-DISC", "Front discs (scored)", 2000, 60_000)
        },
    ];
    if status != RoStatus::CheckedIn {
        ro.signed_at = Some(t(8, 5));
        ro.signed_by_name = Some("欧阳娜娜".into());
    }
    ro
}

fn call() -> Vec<CallRecord> {
    vec![CallRecord {
        id: 1,
        call: AddedWorkCall {
            asked_at: t(9, 0),
            answered_at: t(9, 5),
            channel: Channel::Phone,
            workshop_told: "王强".into(),
            workshop_told_at: t(9, 6),
            delay_minutes: 30,
            decisions: vec![(3, Decision::Approved), (4, Decision::Declined)],
        },
        recorded_by: "li.na".into(),
    }]
}

/// The RO handed over: part paid, the rest accepted as arrears by the
/// cashier, the exit notice issued at 10:30.
fn delivered() -> (RepairOrder, Vec<Payment>) {
    let mut r = ro(RoStatus::Delivered);
    r.desk.qc_passed = Some(sanction("wang.qiang", ""));
    r.exit_notice_at = Some(t(10, 30));
    r.desk.delivered_at = Some(t(10, 40));
    // (216 + 450 + 120) × 1.13 = 888.18; 500 paid at 10:20.
    r.desk.arrears = Some(Arrears {
        amount: Money(38_818),
        accepted: sanction("zhao.min", "fleet account, settles monthly"),
    });
    let pay = vec![Payment {
        amount: Money(50_000),
        method: "wechat".into(),
        paid_at: t(10, 20),
    }];
    (r, pay)
}

struct State {
    name: &'static str,
    ro: RepairOrder,
    payments: Vec<Payment>,
}

fn states() -> Vec<State> {
    let mut added_waiting = ro(RoStatus::AwaitingApproval);
    added_waiting.lines[2].approval = Approval::Proposed;
    added_waiting.lines[3].approval = Approval::Proposed;
    let mut estimate = ro(RoStatus::CheckedIn);
    estimate.lines.truncate(2);
    let mut ready = ro(RoStatus::ReadyForPickup);
    ready.desk.qc_passed = Some(sanction("wang.qiang", ""));
    let (done, paid) = delivered();
    vec![
        State {
            name: "estimate",
            ro: estimate,
            payments: vec![],
        },
        State {
            name: "awaiting approval",
            ro: added_waiting,
            payments: vec![],
        },
        State {
            name: "in bay",
            ro: ro(RoStatus::InBay),
            payments: vec![],
        },
        State {
            name: "ready, unpaid",
            ro: ready,
            payments: vec![],
        },
        State {
            name: "delivered",
            ro: done,
            payments: paid,
        },
    ]
}

/// The text with its wrapping undone, to find a value however it wrapped.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Which documents exist in which state.
fn exists(form: Form, state: &str) -> bool {
    match form {
        Form::Estimate | Form::RepairOrder => true,
        Form::AddedItems => state != "estimate",
        Form::Settlement => matches!(state, "ready, unpaid" | "delivered"),
        Form::ExitNotice => state == "delivered",
        // Printed from the store's lists (print_checklist), not here.
        Form::Checklist => false,
    }
}

fn printout<'a>(
    form: Form,
    s: &'a State,
    calls: &'a [CallRecord],
    settings: &'a Settings,
) -> Printout<'a> {
    Printout {
        form,
        ro: &s.ro,
        payments: &s.payments,
        calls,
        settings,
        time: TimeFmt::utc(),
        printed_at: t(11, 11),
        t: texts(Lang::En),
    }
}

/// The catalogue of a language, loaded once for every test here.
fn texts(lang: Lang) -> &'static Texts {
    static ALL: std::sync::LazyLock<Vec<Texts>> =
        std::sync::LazyLock::new(|| Lang::ALL.iter().map(|l| Texts::new(*l)).collect());
    let i = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &ALL[i]
}

#[test]
fn every_form_in_every_state_prints_or_says_why_not() {
    let (settings, calls) = (settings(), call());
    for s in states() {
        for form in Form::ALL {
            let p = printout(form, &s, &calls, &settings);
            match p.check() {
                Ok(()) => assert!(exists(form, s.name), "{form:?} printed when {}", s.name),
                Err(why) => {
                    assert!(
                        !exists(form, s.name),
                        "{form:?} refused when {}: {why}",
                        s.name
                    );
                    assert_eq!(why, Refusal::NotYet(form.document()));
                    continue;
                }
            }
            for cols in [80, 40] {
                let out = text(&p, cols);
                for row in out.lines() {
                    assert!(width(row) <= cols, "{form:?}/{} at {cols}: {row:?}", s.name);
                }
                assert!(
                    !out.contains('…'),
                    "{form:?}/{} at {cols} cut something:\n{out}",
                    s.name
                );
                for whole in [
                    "Pearl River Motors",
                    "RO-24100",
                    "欧阳娜娜 Ouyang Nana",
                    "Han EV Champion Edition",
                ] {
                    assert!(
                        flat(&out).contains(whole),
                        "{form:?}/{} at {cols}: {whole} missing\n{out}",
                        s.name
                    );
                }
                assert!(out.contains("Printed 2026-11-22 11:11"));
            }
        }
    }
}

#[test]
fn the_exit_notice_shows_when_it_was_issued_and_where_the_money_stands() {
    let (settings, calls) = (settings(), call());
    let (r, paid) = delivered();
    let s = State {
        name: "delivered",
        ro: r,
        payments: paid,
    };
    for cols in [80, 40] {
        let out = text(&printout(Form::ExitNotice, &s, &calls, &settings), cols);
        assert!(
            out.contains("2026-11-22 10:30"),
            "issued at 10:30, not printed at 11:11:\n{out}"
        );
        let exit_row = out.lines().find(|l| l.starts_with("Exit notice")).unwrap();
        assert!(!exit_row.contains("11:11"));
        for expected in [
            "PAID",
            "¥500.00",
            "OWED",
            "¥388.18",
            "zhao.min",
            "fleet account, settles monthly",
        ] {
            assert!(
                flat(&out).contains(expected),
                "{expected} at {cols}:\n{out}"
            );
        }
        // The payment's time is whole even at 40 columns.
        assert!(flat(&out).contains("paid WeChat 2026-11-22 10:20"), "{out}");
    }
    // An unissued exit notice is refused, never printed with the print time.
    let ready = State {
        name: "ready",
        ro: ro(RoStatus::ReadyForPickup),
        payments: vec![],
    };
    let p = printout(Form::ExitNotice, &ready, &calls, &settings);
    assert_eq!(p.check(), Err(Refusal::NotYet(Document::ExitNotice)));
}

#[test]
fn an_insurers_share_is_a_receivable_on_the_settlement() {
    let (settings, calls) = (settings(), call());
    let mut r = ro(RoStatus::ReadyForPickup);
    r.lines[0].payer = Payer::Insurer;
    r.lines[1].payer = Payer::Insurer;
    let s = State {
        name: "ready",
        ro: r,
        payments: vec![],
    };
    let out = text(&printout(Form::Settlement, &s, &calls, &settings), 80);
    // (216 + 450) × 1.13 = 752.58 from the insurer; the wipers ¥135.60 the customer's.
    let receivable = out
        .lines()
        .find(|l| l.contains("receivable from insurer"))
        .unwrap();
    assert!(receivable.ends_with("¥752.58"), "{receivable}");
    let owed = out.lines().find(|l| l.starts_with("OWED")).unwrap();
    assert!(owed.ends_with("¥135.60"), "{owed}");
}

#[test]
fn the_added_items_slip_lists_the_added_items_their_totals_and_the_call() {
    let (settings, calls) = (settings(), call());
    let s = State {
        name: "in bay",
        ro: ro(RoStatus::InBay),
        payments: vec![],
    };
    let out = text(&printout(Form::AddedItems, &s, &calls, &settings), 80);
    assert!(
        !out.contains("BRK-PADS-F") && !out.contains("P-PAD-01"),
        "only added items:\n{out}"
    );
    assert!(out.contains("Wiper blades") && out.contains("Front discs"));
    // The slip's total is the approved item's: ¥120.00 + 13 % = ¥135.60.
    let total = out.lines().find(|l| l.starts_with("TOTAL")).unwrap();
    assert!(total.ends_with("¥135.60"), "{total}");
    for expected in [
        "Call 1: asked 2026-11-22 09:00, answered 2026-11-22 09:05 by phone",
        "Wiper blades, both sides: approved",
        "Front discs (scored): declined",
        "workshop told: 王强 at 2026-11-22 09:06; extra time agreed: 30 min; recorded by li.na",
    ] {
        assert!(flat(&out).contains(expected), "{expected}:\n{out}");
    }
}

#[test]
fn a_declined_line_shows_as_declined_with_no_amount() {
    let (settings, calls) = (settings(), call());
    let s = State {
        name: "in bay",
        ro: ro(RoStatus::InBay),
        payments: vec![],
    };
    for form in [Form::RepairOrder, Form::AddedItems] {
        for cols in [80, 40] {
            let out = text(&printout(form, &s, &calls, &settings), cols);
            let at = out.lines().position(|l| l.contains("P-DISC")).unwrap();
            let block: String = out.lines().skip(at).take(3).collect::<Vec<_>>().join("\n");
            assert!(block.contains("declined"), "{block}");
            assert!(
                !block.contains("¥1,200.00"),
                "no amount for a declined line:\n{block}"
            );
        }
        let page = html(&printout(form, &s, &calls, &settings));
        let row = page.lines().find(|l| l.contains("P-DISC")).unwrap();
        assert!(row.ends_with("<td class=\"n\">declined</td></tr>"), "{row}");
    }
}

#[test]
fn in_html_every_amount_has_its_own_cell() {
    let (settings, calls) = (settings(), call());
    let (r, paid) = delivered();
    let s = State {
        name: "delivered",
        ro: r,
        payments: paid,
    };
    for form in [Form::Settlement, Form::ExitNotice, Form::RepairOrder] {
        let page = html(&printout(form, &s, &calls, &settings));
        let totals = page.split("<table class=\"totals\">").nth(1).unwrap();
        let totals = totals.split("</table>").next().unwrap();
        let rows: Vec<&str> = totals.lines().filter(|l| l.starts_with("<tr>")).collect();
        assert!(rows.len() >= 4, "{form:?}: {totals}");
        for row in rows {
            let cells = row.matches("<td").count();
            assert_eq!(cells, 1, "one amount cell per row: {row}");
            assert!(
                row.contains("<th>") && row.contains("<td class=\"n\">¥"),
                "{row}"
            );
            let label = row
                .split("<th>")
                .nth(1)
                .unwrap()
                .split("</th>")
                .next()
                .unwrap();
            assert!(!label.contains('¥'), "no amount in a label cell: {row}");
        }
    }
}

#[test]
fn html_escapes_what_customers_type() {
    let (settings, calls) = (settings(), call());
    let mut r = ro(RoStatus::InBay);
    r.customer.name = "<script>alert(1)</script> 娜".into();
    let s = State {
        name: "in bay",
        ro: r,
        payments: vec![],
    };
    let page = html(&printout(Form::RepairOrder, &s, &calls, &settings));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script>") && page.contains("&lt;script&gt;"));
}

#[test]
fn a_long_payment_label_wraps_above_its_amount_at_40_columns() {
    let (settings, calls) = (settings(), call());
    let (r, mut paid) = delivered();
    paid[0].method = "bank transfer via the fleet account".into();
    paid[0].amount = Money(123_456_789);
    let s = State {
        name: "delivered",
        ro: r,
        payments: paid,
    };
    let out = text(&printout(Form::Settlement, &s, &calls, &settings), 40);
    assert!(!out.contains('…'));
    assert!(out.contains("¥1,234,567.89"), "{out}");
    assert!(flat(&out).contains("2026-11-22 10:20"), "{out}");
}

/// Every form in every state, in each language, at 40 and 80 columns:
/// no row wider than the paper, no key missing from a catalogue, and the
/// Spanish settlement writes money and dates the Spanish way.
#[test]
fn every_printout_in_every_language_fits_its_paper() {
    let (settings, calls) = (settings(), call());
    for lang in Lang::ALL {
        for s in states() {
            for form in Form::ALL {
                let p = Printout {
                    t: texts(lang),
                    ..printout(form, &s, &calls, &settings)
                };
                if p.check().is_err() {
                    continue;
                }
                for cols in [40, 80] {
                    let out = text(&p, cols);
                    for row in out.lines() {
                        assert!(
                            width(row) <= cols,
                            "{lang:?} {form:?} {} at {cols}: {row:?} is {} wide",
                            s.name,
                            width(row)
                        );
                    }
                    assert!(!out.contains(" ? "), "a missing key in {lang:?}:\n{out}");
                }
            }
        }
    }
    let delivered = states()
        .into_iter()
        .find(|s| s.name == "delivered")
        .expect("a delivered RO");
    let es = Printout {
        t: texts(Lang::Es),
        time: TimeFmt::utc().in_locale(texts(Lang::Es).locale()),
        ..printout(Form::Settlement, &delivered, &calls, &settings)
    };
    let out = text(&es, 80);
    assert!(out.contains("LIQUIDACIÓN"), "{out}");
    assert!(out.contains("500,00 ¥"), "{out}");
    assert!(out.contains("22/11/2026"), "{out}");
    let zh = Printout {
        t: texts(Lang::ZhCn),
        ..printout(Form::Settlement, &delivered, &calls, &settings)
    };
    let out = text(&zh, 80);
    assert!(out.contains("结算单") && out.contains("¥500.00"), "{out}");
}
