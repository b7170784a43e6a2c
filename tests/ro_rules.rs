//! Repair-order rules on their own: money, totals, tax and rounding, the
//! payer split, the no-warranty notice, added work, odometer, VIN, phone,
//! and conflict resolution.

use chrono::{DateTime, Duration, TimeZone, Utc};
use frontdesk::domain::added_work::*;
use frontdesk::domain::conflict::{
    changes, diff, merge3, resolve, FieldChange, Prefer, Resolution,
};
use frontdesk::domain::pricing::*;
use frontdesk::domain::repair_order::*;
use frontdesk::domain::settlement::{balance, check_payment, Payment};
use frontdesk::domain::validate::*;
use frontdesk::domain::{Money, RoStatus};

fn line(kind: LineKind, qty_milli: i64, price: i64, payer: Payer) -> RoLine {
    RoLine {
        kind,
        description: "work".into(),
        quantity_milli: qty_milli,
        unit_price: Money(price),
        payer,
        ..Default::default()
    }
}

#[test]
fn line_amounts_round_half_away_from_zero_to_the_fen() {
    // 1.5 h × ¥180.00 = ¥270.00 exactly.
    assert_eq!(
        line_amount(&line(LineKind::Labour, 1500, 18_000, Payer::Customer)),
        Money(27_000)
    );
    // 0.333 × ¥0.05 = 0.01665 fen-hundredths → 1.665 fen → 2 fen.
    assert_eq!(
        line_amount(&line(LineKind::Part, 333, 5, Payer::Customer)),
        Money(2)
    );
    // 1.005 × ¥1.00 = 100.5 fen → 101 (half rounds up).
    assert_eq!(
        line_amount(&line(LineKind::Part, 1005, 100, Payer::Customer)),
        Money(101)
    );
    // 1.004 × ¥1.00 = 100.4 fen → 100.
    assert_eq!(
        line_amount(&line(LineKind::Part, 1004, 100, Payer::Customer)),
        Money(100)
    );
    assert_eq!(
        mul_div_round(-1005, 100, 1000),
        -101,
        "symmetric for negatives"
    );
    assert_eq!(
        mul_div_round(i64::MAX / 2, 4, 4),
        i64::MAX / 2,
        "no overflow in the product"
    );
}

#[test]
fn totals_split_by_payer_with_discount_on_the_customer_only_and_tax_per_payer() {
    let lines = vec![
        line(LineKind::Labour, 2000, 18_000, Payer::Customer), // 360.00
        line(LineKind::Part, 4000, 4_550, Payer::Customer),    // 182.00
        line(LineKind::Part, 1000, 120_000, Payer::Warranty),  // 1200.00
        line(LineKind::Fee, 1000, 5_000, Payer::Insurer),      // 50.00
    ];
    let t = totals(&lines, 1000, 1300); // 10 % discount, 13 % tax
    let c = t.of(Payer::Customer);
    assert_eq!(c.subtotal, Money(54_200));
    assert_eq!(c.discount, Money(5_420));
    assert_eq!(c.tax, Money(6_341)); // (54200-5420) × 13 % = 6341.4 → 6341
    assert_eq!(c.total, Money(54_200 - 5_420 + 6_341));
    let w = t.of(Payer::Warranty);
    assert_eq!(
        (w.discount, w.tax, w.total),
        (Money(0), Money(15_600), Money(135_600))
    );
    assert_eq!(t.of(Payer::Insurer).total, Money(5_650));
    assert_eq!(
        t.total,
        Money(c.total.0 + w.total.0 + 5_650),
        "the bill adds up"
    );
    assert_eq!(t.customer_due(), c.total);
}

#[test]
fn tax_rounds_per_payer_half_up() {
    // ¥0.50 at 13 % = 6.5 fen → 7.
    let t = totals(&[line(LineKind::Fee, 1000, 50, Payer::Customer)], 0, 1300);
    assert_eq!(t.tax, Money(7));
    // ¥0.49 at 13 % = 6.37 fen → 6.
    let t = totals(&[line(LineKind::Fee, 1000, 49, Payer::Customer)], 0, 1300);
    assert_eq!(t.tax, Money(6));
}

#[test]
fn proposed_and_declined_lines_are_not_billed() {
    let mut proposed = line(LineKind::Part, 1000, 10_000, Payer::Customer);
    proposed.approval = Approval::Proposed;
    let mut declined = proposed.clone();
    declined.approval = Approval::Declined;
    let mut approved = proposed.clone();
    approved.approval = Approval::Approved;
    let t = totals(&[proposed, declined, approved], 0, 0);
    assert_eq!(t.total, Money(10_000));
}

#[test]
fn a_hundred_percent_discount_leaves_only_the_other_payers() {
    let lines = vec![
        line(LineKind::Labour, 1000, 10_000, Payer::Customer),
        line(LineKind::Labour, 1000, 10_000, Payer::Warranty),
    ];
    let t = totals(&lines, 10_000, 1300);
    assert_eq!(t.customer_due(), Money(0));
    assert_eq!(t.total, Money(11_300));
}

#[test]
fn symptom_based_estimates_show_a_risk_margin() {
    assert_eq!(
        risk_margin(PricingMethod::Symptom, Money(100_000)),
        Money(15_000)
    );
    assert_eq!(risk_margin(PricingMethod::System, Money(100_000)), Money(0));
}

fn ro() -> RepairOrder {
    let mut ro = RepairOrder::new("li.na");
    ro.customer = CustomerRef {
        id: None,
        name: "王伟".into(),
        phone: "138 0013 8000".into(),
    };
    ro.vehicle = VehicleRef {
        id: None,
        vin: "1M8GDM9AXKP042788".into(),
        plate: "粤A·12345".into(),
        last_odometer_km: Some(40_000),
        ..Default::default()
    };
    ro.odometer_in_km = Some(41_000);
    ro.concerns = "Brake noise".into();
    ro.promised_at = Some(Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap());
    ro
}

#[test]
fn customer_parts_or_aftermarket_on_critical_systems_need_the_no_warranty_notice() {
    let mut r = ro();
    let mut part = line(LineKind::Part, 1000, 100, Payer::Customer);
    r.lines = vec![part.clone()];
    assert!(
        !r.needs_no_warranty_notice(),
        "a shop OEM part is guaranteed"
    );
    part.grade = Grade::Aftermarket;
    r.lines = vec![part.clone()];
    assert!(
        !r.needs_no_warranty_notice(),
        "aftermarket on a non-critical system is fine"
    );
    part.critical_system = true;
    r.lines = vec![part.clone()];
    assert!(r.needs_no_warranty_notice());
    let mut own = line(LineKind::Part, 1000, 0, Payer::Customer);
    own.supplier = Supplier::Customer;
    r.lines = vec![own.clone()];
    assert!(r.needs_no_warranty_notice());
    own.approval = Approval::Declined;
    r.lines = vec![own];
    assert!(
        !r.needs_no_warranty_notice(),
        "a declined line is not fitted"
    );
}

/// Proposes `lines` and numbers them as the store would.
fn proposed(r: &mut RepairOrder, lines: Vec<RoLine>) -> Vec<i64> {
    let before = r.lines.len();
    propose(r, lines).unwrap();
    (before..r.lines.len())
        .map(|i| {
            let id = 100 + i as i64;
            r.lines[i].id = Some(id);
            id
        })
        .collect()
}

fn call(decisions: Vec<(i64, Decision)>, delay_minutes: i64) -> AddedWorkCall {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap();
    AddedWorkCall {
        asked_at: t0,
        answered_at: t0 + Duration::minutes(5),
        channel: Channel::Phone,
        workshop_told: "王强".into(),
        workshop_told_at: t0 + Duration::minutes(6),
        delay_minutes,
        decisions,
    }
}

fn after_call() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 30, 0).unwrap()
}

#[test]
fn added_work_moves_the_car_to_approval_and_back() {
    let mut r = ro();
    r.status = RoStatus::InBay;
    r.estimated_minutes = Some(120);
    r.lines = vec![line(LineKind::Labour, 1000, 18_000, Payer::Customer)];
    assert_eq!(propose(&mut r, vec![]), Err(AddedWorkError::NoLines));
    let ids = proposed(
        &mut r,
        vec![line(LineKind::Part, 1000, 30_000, Payer::Customer)],
    );
    assert_eq!(r.status, RoStatus::AwaitingApproval);
    assert_eq!(r.lines[1].approval, Approval::Proposed);
    let mut untold = call(vec![(ids[0], Decision::Approved)], 60);
    untold.workshop_told = " ".into();
    let before = r.clone();
    assert_eq!(
        record_call(&mut r, &untold, after_call()),
        Err(AddedWorkError::WorkshopNotTold)
    );
    assert_eq!(r, before, "a refused call changes nothing");
    let promised = r.promised_at.unwrap();
    let estimate = r.estimated_minutes.unwrap();
    let approve = call(vec![(ids[0], Decision::Approved)], 60);
    record_call(&mut r, &approve, after_call()).unwrap();
    assert_eq!(r.status, RoStatus::InBay);
    assert_eq!(r.lines[1].approval, Approval::Approved);
    assert_eq!(
        r.promised_at,
        Some(promised + Duration::minutes(60)),
        "the agreed delay moves the promise"
    );
    assert_eq!(r.estimated_minutes, Some(estimate + 60), "and the estimate");
    assert_eq!(
        record_call(&mut r, &approve, after_call()),
        Err(AddedWorkError::NothingProposed)
    );
}

#[test]
fn one_call_approves_one_item_and_declines_another() {
    let mut r = ro();
    r.status = RoStatus::InBay;
    let first = proposed(
        &mut r,
        vec![line(LineKind::Part, 1000, 30_000, Payer::Customer)],
    );
    // A second proposal while the first waits: both stay open.
    let second = proposed(
        &mut r,
        vec![line(LineKind::Labour, 500, 18_000, Payer::Customer)],
    );
    assert_eq!(r.status, RoStatus::AwaitingApproval);
    assert_eq!(r.proposed().count(), 2);
    let both = call(
        vec![
            (first[0], Decision::Approved),
            (second[0], Decision::Declined),
        ],
        20,
    );
    record_call(&mut r, &both, after_call()).unwrap();
    assert_eq!(r.lines[0].approval, Approval::Approved);
    assert_eq!(r.lines[1].approval, Approval::Declined);
    assert_eq!(r.status, RoStatus::InBay, "nothing waits any more");
    // Deciding an item again is refused, and changes nothing.
    let before = r.clone();
    let again = call(vec![(second[0], Decision::Approved)], 0);
    let err = record_call(&mut r, &again, after_call()).unwrap_err();
    assert!(matches!(
        err,
        AddedWorkError::NothingProposed | AddedWorkError::AlreadyDecided { .. }
    ));
    assert_eq!(r, before);
}

#[test]
fn a_call_that_decides_only_some_items_leaves_the_rest_waiting() {
    let mut r = ro();
    r.status = RoStatus::InBay;
    let ids = proposed(
        &mut r,
        vec![
            line(LineKind::Part, 1000, 30_000, Payer::Customer),
            line(LineKind::Part, 1000, 9_000, Payer::Customer),
        ],
    );
    record_call(
        &mut r,
        &call(vec![(ids[0], Decision::Approved)], 0),
        after_call(),
    )
    .unwrap();
    assert_eq!(r.status, RoStatus::AwaitingApproval, "one item still waits");
    let again = call(vec![(ids[0], Decision::Declined)], 0);
    let err = record_call(&mut r, &again, after_call()).unwrap_err();
    assert_eq!(
        err,
        AddedWorkError::AlreadyDecided {
            item: r.lines[0].description.clone(),
            approval: Approval::Approved
        },
        "approving or declining an item already decided is refused"
    );
    let future = call(vec![(ids[1], Decision::Approved)], 0);
    let early = future.answered_at - Duration::minutes(1);
    assert_eq!(
        record_call(&mut r, &future, early),
        Err(AddedWorkError::AnsweredLater),
        "an answer cannot be recorded before it came"
    );
}

#[test]
fn declined_added_work_stays_on_the_ro_and_keeps_the_promise() {
    let mut r = ro();
    r.status = RoStatus::InBay;
    let ids = proposed(
        &mut r,
        vec![line(LineKind::Part, 2000, 9_000, Payer::Customer)],
    );
    let promised = r.promised_at;
    record_call(
        &mut r,
        &call(vec![(ids[0], Decision::Declined)], 30),
        after_call(),
    )
    .unwrap();
    assert_eq!(declined_lines(&r).count(), 1);
    assert_eq!(r.promised_at, promised);
    assert_eq!(totals(&r.lines, 0, 0).total, Money(0));
}

#[test]
fn added_work_only_while_the_car_is_in_a_bay() {
    let mut r = ro();
    r.status = RoStatus::ReadyForPickup;
    let err = propose(&mut r, vec![line(LineKind::Part, 1000, 1, Payer::Customer)]).unwrap_err();
    assert!(matches!(err, AddedWorkError::Transition(_)));
}

#[test]
fn odometer_rules() {
    assert!(
        check_odometer(Some(40_000), Some(40_000), "").is_ok(),
        "equal is fine"
    );
    let e = check_odometer(Some(39_999), Some(40_000), "").unwrap_err();
    assert!(
        e.message.contains("lower than the last reading, 40000 km"),
        "{}",
        e.message
    );
    assert!(check_odometer(Some(12), Some(40_000), "cluster replaced").is_ok());
    assert!(
        check_odometer(Some(12), Some(40_000), "   ").is_err(),
        "a blank reason is no reason"
    );
    assert!(check_odometer(None, None, "").is_err());
    assert!(check_odometer(Some(-5), None, "").is_err());
    assert!(check_odometer(Some(3_000_000), None, "").is_err());
}

#[test]
fn vin_rules_with_override() {
    assert!(check_vin("1M8GDM9AXKP042788", "").is_ok());
    let e = check_vin("1M8GDM9A1KP042788", "").unwrap_err();
    assert!(e.message.contains("check digit"), "{}", e.message);
    assert!(check_vin("1M8GDM9AXKP0427Q8", "")
        .unwrap_err()
        .message
        .contains("letter Q"));
    assert!(check_vin("SHORT", "")
        .unwrap_err()
        .message
        .contains("17 characters"));
    assert!(check_vin("OLD-IMPORT-1987", "imported 1987, no ISO VIN").is_ok());
}

#[test]
fn phone_rules() {
    assert!(check_phone("138 0013 8000").is_ok());
    assert!(check_phone("+86 (20) 8888-6666").is_ok());
    assert!(check_phone("138O0138000")
        .unwrap_err()
        .message
        .contains("'O'"));
    assert!(check_phone("123").is_err());
    assert!(check_phone("12+345678").is_err());
}

#[test]
fn whole_ro_checks_name_their_fields() {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
    let ctx = |is_manager, promise_changed| CheckContext {
        now,
        is_manager,
        discount_threshold_bp: 1000,
        promise_changed,
    };
    assert_eq!(check_ro(&ro(), &ctx(false, true)), vec![]);
    let mut bad = ro();
    bad.promised_at = Some(now - Duration::minutes(1));
    bad.discount_bp = 10_001;
    bad.lines = vec![
        line(LineKind::Part, -1000, 100, Payer::Customer),
        line(LineKind::Labour, 500_000, 100, Payer::Customer),
    ];
    let fields: Vec<Field> = check_ro(&bad, &ctx(true, true))
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        vec![
            Field::Promised,
            Field::Discount,
            Field::Line(0),
            Field::Line(1)
        ]
    );
    assert!(
        check_ro(&bad, &ctx(true, false))
            .iter()
            .all(|e| e.field != Field::Promised),
        "an unchanged promise is not re-checked"
    );
    let mut signed = ro();
    signed.signed_at = Some(now);
    signed.concerns = "  ".into();
    assert_eq!(
        check_ro(&signed, &ctx(false, false))[0].field,
        Field::Concerns
    );
}

#[test]
fn discounts_over_the_threshold_need_a_manager() {
    assert!(check_discount(1000, 1000, false).is_ok());
    assert!(check_discount(1001, 1000, false)
        .unwrap_err()
        .message
        .contains("manager"));
    assert!(check_discount(1001, 1000, true).is_ok());
    assert!(
        check_discount(2000, 2500, false).is_ok(),
        "the threshold comes from settings"
    );
    assert!(check_discount(-1, 1000, true).is_err());
    assert!(check_discount(10_001, 1000, true).is_err(), "over 100 %");
}

#[test]
fn money_and_quantities_parse_as_typed_at_a_desk() {
    assert_eq!(parse_money("180"), Some(Money(18_000)));
    assert_eq!(parse_money("¥1,234.5"), Some(Money(123_450)));
    assert_eq!(parse_money("0.05"), Some(Money(5)));
    assert_eq!(parse_money("1.234"), None);
    assert_eq!(parse_money("abc"), None);
    assert_eq!(parse_money(""), None);
    // Typed the Spanish way (the Spanish interface shows 1.234,56 €): a
    // decimal comma is never read as grouping, which would bill 100 times over.
    assert_eq!(parse_money("120,50"), Some(Money(12_050)));
    assert_eq!(parse_money("12,5"), Some(Money(1_250)));
    assert_eq!(parse_money("1.234,56 €"), Some(Money(123_456)));
    assert_eq!(parse_money("1,234"), Some(Money(123_400)));
    assert_eq!(parse_money("1,234.56"), Some(Money(123_456)));
    assert_eq!(parse_money("1.234.567,8"), Some(Money(123_456_780)));
    assert_eq!(parse_money("1,2,3"), None);
    assert_eq!(parse_milli("1.5"), Some(1500));
    assert_eq!(parse_milli("2"), Some(2000));
    assert_eq!(parse_milli("-1"), Some(-1000));
    assert_eq!(parse_milli("1.2345"), None);
    assert_eq!(parse_milli("x"), None);
    assert_eq!(parse_milli("1,5"), Some(1500));
    assert_eq!(parse_milli("1,000"), None);
}

#[test]
fn settlement_keeps_arrears_and_refuses_overpayment() {
    let now = Utc::now();
    let pay = |a| Payment {
        amount: Money(a),
        method: "cash".into(),
        paid_at: now,
    };
    assert_eq!(balance(Money(10_000), &[pay(4_000)]), Money(6_000));
    assert_eq!(balance(Money(10_000), &[pay(4_000), pay(6_000)]), Money(0));
    assert!(check_payment(Money(7_000), Money(6_000)).is_err());
    assert!(check_payment(Money(0), Money(6_000)).is_err());
    assert!(check_payment(Money(6_000), Money(6_000)).is_ok());
}

#[test]
fn a_conflict_lists_both_versions_and_resolution_is_explicit() {
    let mut mine = ro();
    mine.version = 3;
    let mut theirs = ro();
    theirs.version = 4;
    mine.concerns = "Brake noise, front left".into();
    theirs.diagnosis = "Pads worn".into();
    let d = diff(&mine, &theirs);
    let fields: Vec<&str> = d.iter().map(|f| f.field).collect();
    assert_eq!(fields, vec!["concerns", "diagnosis"]);
    assert_eq!(d[0].mine, "Brake noise, front left");
    assert_eq!(d[1].theirs, "Pads worn");
    let kept = resolve(mine.clone(), theirs.clone(), Resolution::KeepMine);
    assert_eq!(
        (kept.version, kept.concerns.as_str()),
        (4, "Brake noise, front left")
    );
    let taken = resolve(mine, theirs.clone(), Resolution::TakeTheirs);
    assert_eq!(taken, theirs);
}

#[test]
fn an_ro_survives_a_draft_round_trip() {
    let mut r = ro();
    r.lines = vec![line(LineKind::Part, 1500, 4_550, Payer::Warranty)];
    let json = serde_json::to_string(&r).unwrap();
    let back: RepairOrder = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn my_own_write_landing_keeps_what_i_typed_meanwhile() {
    use frontdesk::domain::conflict::rebase;
    // Sent with the save: the RO as it was.
    let base = ro();
    // Typed while the save waited: a diagnosis and a new line.
    let mut mine = base.clone();
    mine.diagnosis = "pads at 2 mm".into();
    mine.lines
        .push(line(LineKind::Fee, 1000, 5_000, Payer::Customer));
    // What the store gave back: numbered, versioned, text cleaned.
    let mut theirs = base.clone();
    theirs.id = Some(12);
    theirs.number = "RO-24012".into();
    theirs.version = 1;
    theirs.customer.id = Some(3);
    theirs.concerns = "noise (cleaned)".into();
    let merged = rebase(&base, &mine, &theirs);
    assert_eq!((merged.id, merged.version), (Some(12), 1));
    assert_eq!(merged.number, "RO-24012");
    assert_eq!(merged.customer.id, Some(3), "nested fields merge too");
    assert_eq!(merged.concerns, "noise (cleaned)", "untouched: theirs");
    assert_eq!(merged.diagnosis, "pads at 2 mm", "typed meanwhile: mine");
    assert_eq!(merged.lines.len(), base.lines.len() + 1);
    // Nothing typed meanwhile: exactly what was stored.
    assert_eq!(rebase(&base, &base, &theirs), theirs);
}

#[test]
fn audit_lines_are_worded_once_for_every_store() {
    use frontdesk::domain::audit::{AuditEvent, Place};
    let moved = AuditEvent::RoMoved {
        number: "RO-24001".into(),
        from: Place {
            status: RoStatus::WaitingForBay,
            bay: None,
        },
        to: Place {
            status: RoStatus::InBay,
            bay: Some("B4".into()),
        },
        group: Some("Express".into()),
        received_at: Some(Utc.with_ymd_and_hms(2026, 11, 22, 2, 10, 0).unwrap()),
    };
    assert_eq!((moved.entity(), moved.action()), ("repair_order", "move"));
    assert_eq!(
        moved.detail(),
        "RO-24001 waiting_for_bay → in_bay; bay - → B4; group Express; workshop received 2026-11-22 02:10 UTC"
    );
    let over = AuditEvent::RoUpdated {
        number: "RO-24001".into(),
        changes: vec![FieldChange {
            field: "diagnosis".into(),
            old: "rattle".into(),
            new: "loose heat shield".into(),
        }],
        overwrote: vec![FieldChange {
            field: "fuel_eighths".into(),
            old: 4.into(),
            new: 6.into(),
        }],
        merged_with: None,
        correction: false,
    };
    assert_eq!(over.action(), "update");
    let detail: serde_json::Value =
        serde_json::from_str(over.detail().trim_start_matches("RO-24001 ")).unwrap();
    assert_eq!(detail["changes"][0]["field"], "diagnosis");
    assert_eq!(detail["changes"][0]["old"], "rattle");
    assert_eq!(detail["changes"][0]["new"], "loose heat shield");
    assert_eq!(
        detail["overwrote"][0]["old"], 4,
        "keep mine records what it overwrote"
    );
    let user = AuditEvent::UserCreated {
        login: "li.na".into(),
        role: "advisor",
    };
    assert_eq!(
        (user.entity(), user.detail()),
        ("user", "li.na (advisor)".into())
    );
}

// Three-way merges: two advisors saved one RO, each from the same base.

fn numbered(mut r: RepairOrder) -> RepairOrder {
    r.id = Some(7);
    r.lines = vec![
        RoLine {
            id: Some(1),
            code: "OIL".into(),
            description: "Oil change".into(),
            ..line(LineKind::Labour, 500, 18_000, Payer::Customer)
        },
        RoLine {
            id: Some(2),
            code: "P-PAD".into(),
            description: "Pads".into(),
            ..line(LineKind::Part, 1000, 45_000, Payer::Customer)
        },
    ];
    r
}

#[test]
fn fields_changed_on_one_side_each_are_both_kept() {
    let base = numbered(ro());
    let mut mine = base.clone();
    mine.diagnosis = "pads at 2 mm".into();
    let mut theirs = base.clone();
    theirs.fuel_eighths = Some(2);
    theirs.customer.phone = "13900000000".into();
    let (merged, conflicts) = merge3(&base, &mine, &theirs, Prefer::Theirs);
    assert!(conflicts.is_empty(), "{conflicts:?}");
    assert_eq!(merged.diagnosis, "pads at 2 mm");
    assert_eq!(merged.fuel_eighths, Some(2));
    assert_eq!(merged.customer.phone, "13900000000");
    // The same change on both sides is no conflict either.
    let mut same = base.clone();
    same.fuel_eighths = Some(2);
    assert!(merge3(&base, &same, &theirs, Prefer::Theirs).1.is_empty());
}

#[test]
fn a_field_changed_differently_on_both_sides_is_the_only_conflict() {
    let base = numbered(ro());
    let mut mine = base.clone();
    mine.diagnosis = "mine".into();
    mine.fuel_eighths = Some(6);
    let mut theirs = base.clone();
    theirs.diagnosis = "theirs".into();
    let (kept_theirs, conflicts) = merge3(&base, &mine, &theirs, Prefer::Theirs);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "diagnosis");
    assert_eq!(
        (kept_theirs.diagnosis.as_str(), kept_theirs.fuel_eighths),
        ("theirs", Some(6))
    );
    let (kept_mine, _) = merge3(&base, &mine, &theirs, Prefer::Mine);
    assert_eq!(kept_mine.diagnosis, "mine");
}

#[test]
fn lines_added_on_either_side_are_all_kept() {
    let base = numbered(ro());
    let mut mine = base.clone();
    mine.lines.push(RoLine {
        description: "Wipers (mine, unsaved)".into(),
        ..line(LineKind::Part, 1000, 9_000, Payer::Customer)
    });
    let mut theirs = base.clone();
    theirs.lines.push(RoLine {
        id: Some(3),
        description: "Filter (theirs, saved)".into(),
        ..line(LineKind::Part, 1000, 5_000, Payer::Customer)
    });
    // And each edited a different line.
    mine.lines[0].quantity_milli = 700;
    theirs.lines[1].unit_price = Money(40_000);
    let (merged, conflicts) = merge3(&base, &mine, &theirs, Prefer::Theirs);
    assert!(conflicts.is_empty(), "{conflicts:?}");
    let names: Vec<&str> = merged
        .lines
        .iter()
        .map(|l| l.description.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Oil change",
            "Pads",
            "Filter (theirs, saved)",
            "Wipers (mine, unsaved)"
        ]
    );
    assert_eq!(merged.lines[0].quantity_milli, 700);
    assert_eq!(merged.lines[1].unit_price, Money(40_000));
}

#[test]
fn a_line_deleted_on_one_side_and_edited_on_the_other_is_a_conflict() {
    let base = numbered(ro());
    // I removed the pads; they repriced them meanwhile.
    let mut mine = base.clone();
    mine.lines.remove(1);
    let mut theirs = base.clone();
    theirs.lines[1].unit_price = Money(52_000);
    let (merged, conflicts) = merge3(&base, &mine, &theirs, Prefer::Theirs);
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, "lines[P-PAD Pads]");
    assert!(conflicts[0].mine.is_null(), "mine deleted it");
    assert_eq!(merged.lines.len(), 2, "theirs kept: their edit survives");
    let (merged, _) = merge3(&base, &mine, &theirs, Prefer::Mine);
    assert_eq!(merged.lines.len(), 1, "mine kept: deleted");
    // The other way round: they deleted it, I edited it.
    let (merged, conflicts) = merge3(&base, &theirs, &mine, Prefer::Theirs);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        merged.lines.len(),
        1,
        "their deletion wins when theirs is kept"
    );
    let (merged, _) = merge3(&base, &theirs, &mine, Prefer::Mine);
    assert_eq!(
        merged.lines[1].unit_price,
        Money(52_000),
        "my edit wins when mine is kept"
    );
}

#[test]
fn a_line_deleted_on_one_side_and_untouched_on_the_other_goes_quietly() {
    let base = numbered(ro());
    let mut mine = base.clone();
    mine.lines.remove(0);
    let mut theirs = base.clone();
    theirs.diagnosis = "checked".into();
    let (merged, conflicts) = merge3(&base, &mine, &theirs, Prefer::Theirs);
    assert!(conflicts.is_empty());
    assert_eq!(merged.lines.len(), 1);
    assert_eq!(merged.diagnosis, "checked");
    let (merged, conflicts) = merge3(&base, &theirs, &mine, Prefer::Theirs);
    assert!(conflicts.is_empty());
    assert_eq!(merged.lines.len(), 1, "deleted by them, untouched by me");
}

#[test]
fn every_changed_field_is_reported_with_its_old_and_new_value() {
    let old = numbered(ro());
    let mut new = old.clone();
    new.customer.phone = "13900000000".into();
    new.lines[1].quantity_milli = 2000;
    new.lines.remove(0);
    let found = changes(&old, &new);
    let phone = found.iter().find(|c| c.field == "customer.phone").unwrap();
    assert_eq!(
        (phone.old.as_str(), phone.new.as_str()),
        (Some("138 0013 8000"), Some("13900000000"))
    );
    let labels: Vec<&str> = found.iter().map(|c| c.field.as_str()).collect();
    assert!(labels.contains(&"lines[OIL Oil change]"), "{labels:?}");
    assert!(labels.contains(&"lines[P-PAD Pads]"), "{labels:?}");
    let removed = found
        .iter()
        .find(|c| c.field == "lines[OIL Oil change]")
        .unwrap();
    assert!(
        removed.new.is_null(),
        "a removed line's new value is nothing"
    );
}
