//! The RO life cycle's guards (`domain::lifecycle`), every one allowed and
//! refused, in one table; then one RO driven through the board, the editor
//! and the print command, to show that each path asks the same guard.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use frontdesk::demo::build_demo;
use frontdesk::domain::lifecycle::*;
use frontdesk::domain::repair_order::*;
use frontdesk::domain::roles::{Forbidden, Permission};
use frontdesk::domain::settlement::{Balance, Payment};
use frontdesk::domain::{Money, RepairOrder, RoStatus, Role};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, SaveRo, SqliteStore};
use frontdesk::ui::app::App;
use frontdesk::ui::board::BoardPane;
use RoStatus::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

fn sanction() -> Sanction {
    Sanction {
        by: "boss".into(),
        at: t0(),
        reason: "because".into(),
    }
}

/// An RO at `status` with one ¥100.00 customer line (¥113.00 with tax).
fn ro(status: RoStatus) -> RepairOrder {
    let mut ro = RepairOrder::new("li.na");
    ro.number = "RO-1".into();
    ro.status = status;
    ro.concerns = "Brake noise".into();
    ro.promised_at = Some(t0() + Duration::hours(2));
    ro.lines = vec![RoLine {
        id: Some(1),
        kind: LineKind::Labour,
        description: "Labour".into(),
        quantity_milli: 1000,
        unit_price: Money(10_000),
        ..RoLine::default()
    }];
    ro
}

fn signed(mut ro: RepairOrder) -> RepairOrder {
    ro.signed_at = Some(t0());
    ro.signed_by_name = Some("王伟".into());
    ro
}

fn checked(mut ro: RepairOrder) -> RepairOrder {
    ro.desk.qc_passed = Some(sanction());
    ro
}

fn paid(amount: i64) -> Vec<Payment> {
    vec![Payment {
        amount: Money(amount),
        method: "cash".into(),
        paid_at: t0(),
    }]
}

/// Asks `guard` about `ro`, with `payments` and the acting `role`.
fn ask<T>(
    ro: &RepairOrder,
    payments: &[Payment],
    role: Role,
    guard: impl Fn(&Facts) -> Result<T, Refusal>,
) -> Result<(), Refusal> {
    let facts = Facts {
        ro,
        balance: Balance::of(ro, 1300, payments),
        role: Some(role),
        currency: "¥",
        handover: frontdesk::domain::lifecycle::Handover::NoSheet,
    };
    guard(&facts).map(|_| ())
}

struct Case {
    what: &'static str,
    got: Result<(), Refusal>,
    want: Result<(), Refusal>,
}

fn case(what: &'static str, got: Result<(), Refusal>, want: Result<(), Refusal>) -> Case {
    Case { what, got, want }
}

fn moves() -> Vec<Case> {
    use Refusal::*;
    let none: &[Payment] = &[];
    let adv = Role::Advisor;
    let mut waiting = signed(ro(InBay));
    waiting.lines[0].approval = Approval::Proposed;
    let mut overridden = ro(WaitingForBay);
    overridden.desk.dispatch_override = Some(sanction());
    vec![
        case(
            "dispatch an unsigned RO",
            ask(&ro(WaitingForBay), none, adv, |f| check_move(f, InBay)),
            Err(NotSigned),
        ),
        case(
            "dispatch a signed RO",
            ask(&signed(ro(WaitingForBay)), none, adv, |f| {
                check_move(f, InBay)
            }),
            Ok(()),
        ),
        case(
            "dispatch on a manager's override",
            ask(&overridden, none, adv, |f| check_move(f, InBay)),
            Ok(()),
        ),
        case(
            "to the final check with an item unanswered",
            ask(&waiting, none, adv, |f| check_move(f, QualityCheck)),
            Err(ItemsWaiting(1)),
        ),
        case(
            "ready without the final check",
            ask(&signed(ro(QualityCheck)), none, adv, |f| {
                check_move(f, ReadyForPickup)
            }),
            Err(NoQualityCheck),
        ),
        case(
            "ready after the final check",
            ask(&checked(signed(ro(QualityCheck))), none, adv, |f| {
                check_move(f, ReadyForPickup)
            }),
            Ok(()),
        ),
    ]
}

fn exit_and_delivery() -> Vec<Case> {
    use Refusal::*;
    let none: &[Payment] = &[];
    let adv = Role::Advisor;
    let ready = checked(signed(ro(ReadyForPickup)));
    let mut issued = ready.clone();
    issued.exit_notice_at = Some(t0());
    let mut on_arrears = issued.clone();
    on_arrears.desk.arrears = Some(Arrears {
        amount: Money(11_300),
        accepted: sanction(),
    });
    let mut insured = ready.clone();
    insured.lines[0].payer = Payer::Insurer;
    let unchecked = signed(ro(ReadyForPickup));
    vec![
        case(
            "exit notice with money owed",
            ask(&ready, &paid(5_000), adv, check_exit_notice),
            Err(Owed("¥63.00".into())),
        ),
        case(
            "exit notice before the car is ready",
            ask(
                &checked(signed(ro(InBay))),
                &paid(11_300),
                adv,
                check_exit_notice,
            ),
            Err(NotReadyForExit),
        ),
        case(
            "exit notice without the final check",
            ask(&unchecked, &paid(11_300), adv, check_exit_notice),
            Err(NoQualityCheck),
        ),
        case(
            "exit notice, paid in full",
            ask(&ready, &paid(11_300), adv, check_exit_notice),
            Ok(()),
        ),
        case(
            "exit notice when the insurer pays: a receivable, not arrears",
            ask(&insured, none, adv, check_exit_notice),
            Ok(()),
        ),
        case(
            "a second exit notice",
            ask(&issued, &paid(11_300), adv, check_exit_notice),
            Err(ExitNoticeIssued),
        ),
        case(
            "delivery without the exit notice",
            ask(&ready, &paid(11_300), adv, |f| check_move(f, Delivered)),
            Err(ExitNoticeFirst),
        ),
        case(
            "delivery with money owed",
            ask(&issued, none, adv, |f| check_move(f, Delivered)),
            Err(Owed("¥113.00".into())),
        ),
        case(
            "delivery on accepted arrears",
            ask(&on_arrears, none, adv, |f| check_move(f, Delivered)),
            Ok(()),
        ),
        case(
            "delivery, paid and checked",
            ask(&issued, &paid(11_300), adv, |f| check_move(f, Delivered)),
            Ok(()),
        ),
    ]
}

fn sanctions() -> Vec<Case> {
    use Refusal::*;
    let none: &[Payment] = &[];
    let ready = checked(signed(ro(ReadyForPickup)));
    let mut delivered = signed(ro(Delivered));
    delivered.exit_notice_at = Some(t0());
    let mut reopened = delivered.clone();
    reopened.desk.reopened = Some(sanction());
    let arrears = |why: &'static str| move |f: &Facts| check_accept_arrears(f, why);
    let dispatch = |why: &'static str| move |f: &Facts| check_dispatch_override(f, why);
    let reopen = |why: &'static str| move |f: &Facts| check_reopen(f, why);
    vec![
        case(
            "arrears accepted by an advisor",
            ask(&ready, none, Role::Advisor, arrears("fleet")),
            Err(NotAllowed(Forbidden(Permission::AcceptArrears))),
        ),
        case(
            "arrears accepted by the cashier (a manager's decision)",
            ask(&ready, none, Role::Cashier, arrears("fleet")),
            Err(NotAllowed(Forbidden(Permission::AcceptArrears))),
        ),
        case(
            "arrears without a reason",
            ask(&ready, none, Role::Manager, arrears("  ")),
            Err(ReasonNeeded("for accepting arrears")),
        ),
        case(
            "arrears while the car is in the bay",
            ask(&signed(ro(InBay)), none, Role::Manager, arrears("fleet")),
            Err(NotAtSettlement),
        ),
        case(
            "arrears when nothing is owed",
            ask(&ready, &paid(11_300), Role::Manager, arrears("fleet")),
            Err(NothingOwed),
        ),
        case(
            "arrears by a manager, with a reason",
            ask(&ready, none, Role::Manager, arrears("fleet account")),
            Ok(()),
        ),
        case(
            "dispatch override by an advisor",
            ask(&ro(WaitingForBay), none, Role::Advisor, dispatch("urgent")),
            Err(NotAllowed(Forbidden(Permission::OverrideDispatch))),
        ),
        case(
            "dispatch override without a reason",
            ask(&ro(WaitingForBay), none, Role::Manager, dispatch("")),
            Err(ReasonNeeded("for dispatching without a signature")),
        ),
        case(
            "dispatch override of a signed RO",
            ask(
                &signed(ro(WaitingForBay)),
                none,
                Role::Manager,
                dispatch("x"),
            ),
            Err(AlreadySigned),
        ),
        case(
            "dispatch override by a manager",
            ask(
                &ro(WaitingForBay),
                none,
                Role::Manager,
                dispatch("police car, urgent"),
            ),
            Ok(()),
        ),
        case(
            "reopen without a reason",
            ask(&delivered, none, Role::Manager, reopen(" ")),
            Err(ReasonNeeded("for reopening")),
        ),
        case(
            "reopen by an advisor",
            ask(&delivered, none, Role::Advisor, reopen("typo")),
            Err(NotAllowed(Forbidden(Permission::Reopen))),
        ),
        case(
            "reopen an RO not delivered",
            ask(&ready, none, Role::Manager, reopen("typo")),
            Err(NotDelivered),
        ),
        case(
            "reopen twice",
            ask(&reopened, none, Role::Manager, reopen("typo")),
            Err(AlreadyReopened),
        ),
        case(
            "reopen by a manager, with a reason",
            ask(&delivered, none, Role::Manager, reopen("wrong part number")),
            Ok(()),
        ),
    ]
}

fn desk_records() -> Vec<Case> {
    use Refusal::*;
    let late = {
        let mut r = signed(ro(InBay));
        r.promised_at = Some(t0() - Duration::minutes(30));
        r
    };
    let on_time = signed(ro(InBay));
    let mut delivered = signed(ro(Delivered));
    delivered.exit_notice_at = Some(t0());
    let ok = |r: Result<String, Refusal>| r.map(|_| ());
    vec![
        case(
            "sign a closed RO",
            ok(check_sign(&delivered, "王伟")),
            Err(Closed),
        ),
        case(
            "sign twice",
            ok(check_sign(&signed(ro(CheckedIn)), "王伟")),
            Err(AlreadySigned),
        ),
        case(
            "sign without a name",
            ok(check_sign(&ro(CheckedIn), " ")),
            Err(NoSigner),
        ),
        case("sign", ok(check_sign(&ro(CheckedIn), "王伟")), Ok(())),
        case(
            "decline a signed RO",
            check_decline(&signed(ro(CheckedIn))),
            Err(AlreadySigned),
        ),
        case("decline an estimate", check_decline(&ro(CheckedIn)), Ok(())),
        case(
            "pickup call on a late car, no reason",
            ok(check_pickup_call(&late, "  ", t0())),
            Err(ReasonNeeded("why the car is late, for the customer")),
        ),
        case(
            "pickup call on a late car, with the reason",
            ok(check_pickup_call(&late, "parts came late", t0())),
            Ok(()),
        ),
        case(
            "pickup call on time asks nothing",
            ok(check_pickup_call(&on_time, "", t0())),
            Ok(()),
        ),
        case(
            "progress check of a car not in the workshop",
            check_progress(&signed(ro(ReadyForPickup)), Progress::OnTime, t0()),
            Err(NotInWorkshop),
        ),
        case(
            "late, with a finish time already past",
            check_progress(&on_time, Progress::Late { new_finish: t0() }, t0()),
            Err(FinishNotLater),
        ),
        case(
            "late, with a finish time within the promise",
            check_progress(
                &on_time,
                Progress::Late {
                    new_finish: t0() + Duration::hours(1),
                },
                t0(),
            ),
            Err(FinishKeepsPromise),
        ),
        case(
            "late, with a new finish time",
            check_progress(
                &on_time,
                Progress::Late {
                    new_finish: t0() + Duration::hours(5),
                },
                t0(),
            ),
            Ok(()),
        ),
        case(
            "final check before the work is done",
            check_quality(&on_time, true, ""),
            Err(NotAtQualityCheck),
        ),
        case(
            "final check failed without findings",
            check_quality(&signed(ro(QualityCheck)), false, " "),
            Err(FindingsNeeded),
        ),
        case(
            "final check twice",
            check_quality(&checked(signed(ro(QualityCheck))), true, ""),
            Err(QualityCheckDone),
        ),
        case(
            "final check passed",
            check_quality(&signed(ro(QualityCheck)), true, ""),
            Ok(()),
        ),
    ]
}

fn saves() -> Vec<Case> {
    use Refusal::*;
    let save = |stored: &RepairOrder, edit: &dyn Fn(&mut RepairOrder)| {
        let mut new = stored.clone();
        edit(&mut new);
        check_save(stored, &new)
    };
    let rule = |r: Result<SaveRule, Refusal>, want: SaveRule| match r {
        Ok(got) if got == want => Ok(()),
        Ok(got) => panic!("{got:?} where {want:?} was expected"),
        Err(e) => Err(e),
    };
    let signed_ro = signed(ro(InBay));
    let mut delivered = signed(ro(Delivered));
    delivered.exit_notice_at = Some(t0());
    let mut reopened = delivered.clone();
    reopened.desk.reopened = Some(sanction());
    let add_line = |r: &mut RepairOrder| r.lines.push(r.lines[0].clone());
    vec![
        case(
            "edit a delivered RO",
            rule(
                save(&delivered, &|r| r.diagnosis = "x".into()),
                SaveRule::Plain,
            ),
            Err(Closed),
        ),
        case(
            "a line added after signing",
            rule(save(&signed_ro, &add_line), SaveRule::Plain),
            Err(SignedFrozen),
        ),
        case(
            "a price changed after signing",
            rule(
                save(&signed_ro, &|r| r.lines[0].unit_price = Money(1)),
                SaveRule::Plain,
            ),
            Err(SignedFrozen),
        ),
        case(
            "the promise moved after signing",
            rule(
                save(&signed_ro, &|r| r.promised_at = Some(t0())),
                SaveRule::Plain,
            ),
            Err(SignedFrozen),
        ),
        case(
            "the customer changed after signing: a new signature",
            rule(
                save(&signed_ro, &|r| r.customer.name = "王建国".into()),
                SaveRule::VoidSignature,
            ),
            Ok(()),
        ),
        case(
            "the diagnosis after signing",
            rule(
                save(&signed_ro, &|r| r.diagnosis = "pads".into()),
                SaveRule::Plain,
            ),
            Ok(()),
        ),
        case(
            "anything before signing",
            rule(save(&ro(CheckedIn), &add_line), SaveRule::Plain),
            Ok(()),
        ),
        case(
            "a correction to a reopened RO",
            rule(save(&reopened, &add_line), SaveRule::Correction),
            Ok(()),
        ),
    ]
}

fn prints() -> Vec<Case> {
    use Refusal::*;
    let mut issued = checked(signed(ro(ReadyForPickup)));
    issued.exit_notice_at = Some(t0());
    let mut added = signed(ro(InBay));
    added.lines.push(RoLine {
        approval: Approval::Proposed,
        ..added.lines[0].clone()
    });
    let in_bay = signed(ro(InBay));
    vec![
        case("estimate", check_print(Document::Estimate, &in_bay), Ok(())),
        case(
            "repair order",
            check_print(Document::RepairOrder, &in_bay),
            Ok(()),
        ),
        case(
            "exit notice not issued",
            check_print(Document::ExitNotice, &in_bay),
            Err(NotYet(Document::ExitNotice)),
        ),
        case(
            "exit notice issued",
            check_print(Document::ExitNotice, &issued),
            Ok(()),
        ),
        case(
            "settlement while in the bay",
            check_print(Document::Settlement, &in_bay),
            Err(NotYet(Document::Settlement)),
        ),
        case(
            "settlement when ready",
            check_print(Document::Settlement, &issued),
            Ok(()),
        ),
        case(
            "added-items slip with no added work",
            check_print(Document::AddedItems, &in_bay),
            Err(NotYet(Document::AddedItems)),
        ),
        case(
            "added-items slip",
            check_print(Document::AddedItems, &added),
            Ok(()),
        ),
    ]
}

#[test]
fn every_life_cycle_guard_allows_and_refuses_as_the_trade_says() {
    let cases: Vec<Case> = [
        moves(),
        exit_and_delivery(),
        sanctions(),
        desk_records(),
        saves(),
        prints(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let wrong: Vec<String> = cases
        .iter()
        .filter(|c| c.got != c.want)
        .map(|c| format!("{}: got {:?}, want {:?}", c.what, c.got, c.want))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Each refusal says why and what to do, in words.
    for c in &cases {
        if let Err(r) = &c.got {
            let words = r.to_string();
            assert!(
                words.len() > 20 && !words.contains("Refusal"),
                "{}: {words}",
                c.what
            );
        }
    }
    assert!(cases.len() >= 55, "{} cases", cases.len());
}

// One RO, three paths: the board, the editor, the print command.

fn shop() -> SqliteStore {
    let mut s = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut s, t0(), "tester").unwrap();
    s
}

fn by(login: &str) -> Actor<'_> {
    Actor {
        login,
        user_id: Some(1),
        at: t0(),
    }
}

fn app_on(store: &SqliteStore) -> App {
    common::app_on_store(store, t0())
}

fn press(app: &mut App, store: &mut SqliteStore, keys: &[KeyEvent]) {
    common::press_on(app, store, keys)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A new RO, signed, through the bay and the final check to "ready", with
/// nothing paid: the exit notice and delivery must both be refused.
fn ready_and_unpaid(store: &mut SqliteStore) -> (i64, String) {
    let mut new = ro(CheckedIn);
    new.lines[0].id = None;
    new.customer = CustomerRef {
        id: None,
        name: "王伟".into(),
        phone: "13800138000".into(),
    };
    new.vehicle = VehicleRef {
        vin: "1M8GDM9AXKP042788".into(),
        plate: "粤A·GUARD".into(),
        make: "BYD".into(),
        model: "Han".into(),
        ..VehicleRef::default()
    };
    new.odometer_in_km = Some(1_000);
    let saved = store.save_ro(&SaveRo::new(&new), by("tester")).unwrap();
    let id = saved.id.unwrap();
    store
        .sign_ro(id, saved.version, "王伟", by("tester"))
        .unwrap();
    let lift = store.board().unwrap().bay_coded("B4").unwrap().id;
    for (to, bay) in [(InBay, Some(lift)), (QualityCheck, None)] {
        let v = store.load_ro(id).unwrap().version;
        let req = frontdesk::domain::MoveRequest {
            ro_id: id,
            expected_version: v,
            to,
            bay_id: bay,
            work_group_id: None,
        };
        store.move_ro(&req, by("wang.qiang")).unwrap();
    }
    let v = store.load_ro(id).unwrap().version;
    store
        .record_quality_check(id, v, true, "", by("wang.qiang"))
        .unwrap();
    let v = store.load_ro(id).unwrap().version;
    let req = frontdesk::domain::MoveRequest {
        ro_id: id,
        expected_version: v,
        to: ReadyForPickup,
        bay_id: None,
        work_group_id: None,
    };
    store.move_ro(&req, by("tester")).unwrap();
    (id, saved.number)
}

fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_board_the_editor_and_the_print_command_ask_the_same_guard() {
    let mut store = shop();
    let (id, number) = ready_and_unpaid(&mut store);
    let exit_first = Refusal::ExitNoticeFirst.to_string();
    let owed = Refusal::Owed("¥113.00".into()).to_string();

    // The board: m, then "Delivered" (the first state offered when ready).
    let mut app = app_on(&store);
    app.pane_mut::<BoardPane>().unwrap().selected = Some(id);
    press(
        &mut app,
        &mut store,
        &[key(KeyCode::Char('m')), key(KeyCode::Enter)],
    );
    assert!(
        message(&app).contains(&exit_first),
        "board: {}",
        message(&app)
    );

    // The editor: the same move, and the exit notice itself.
    press(&mut app, &mut store, &[key(KeyCode::Char('e'))]);
    let f9 = key(KeyCode::F(9));
    press(
        &mut app,
        &mut store,
        &[f9, key(KeyCode::Char('m')), key(KeyCode::Enter)],
    );
    assert!(
        message(&app).contains(&exit_first),
        "editor: {}",
        message(&app)
    );
    press(&mut app, &mut store, &[f9, key(KeyCode::Char('e'))]);
    assert!(message(&app).contains(&owed), "editor: {}", message(&app));
    let stored = store.load_ro(id).unwrap();
    assert_eq!(
        (stored.status, stored.exit_notice_at),
        (ReadyForPickup, None)
    );

    // The print command, on the same RO in a file.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    store.backup_to(&db).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args([
            "print",
            &number,
            "--form",
            "exit",
            "--db",
            db.to_str().unwrap(),
        ])
        .env("USER", "tester")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "refused, non-zero");
    assert!(out.stdout.is_empty(), "nothing printed");
    let not_yet = Refusal::NotYet(Document::ExitNotice).to_string();
    assert!(err.contains(&not_yet), "print: {err}");
}
