//! The checklist and the key cabinet in the store: one transaction per
//! save, versions that turn a stale save into a conflict, the customer's
//! signature that freezes a list, fuel and odometer kept once (on the RO),
//! hooks that never hold two keys (also with two processes asking at once),
//! and delivery refused until the joint check is signed.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use frontdesk::demo::build_demo;
use frontdesk::domain::checklist::keys::{KeyHolder, TagRequest};
use frontdesk::domain::checklist::template::Template;
use frontdesk::domain::checklist::{
    Answers, Category, DamageKind, Entry, OldParts, Panel, Phase, Sheet,
};
use frontdesk::domain::repair_order::{CustomerRef, LineKind, RoLine, VehicleRef};
use frontdesk::domain::{Money, MoveRequest, RepairOrder, RoStatus};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, Readings, SaveRo, SaveSheet, SqliteStore, StoreError};
use std::process::Command;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

fn by() -> Actor<'static> {
    Actor {
        login: "tester",
        user_id: Some(1),
        at: t0(),
    }
}

fn shop() -> SqliteStore {
    let mut s = SqliteStore::open_in_memory().unwrap();
    build_demo(&mut s, t0(), "tester").unwrap();
    s
}

/// A new RO with one ¥100.00 line (¥113.00 with tax), checked in.
fn new_ro(store: &mut SqliteStore, plate: &str) -> i64 {
    let mut ro = RepairOrder::new("tester");
    ro.concerns = "Brake noise".into();
    ro.promised_at = Some(t0() + Duration::hours(2));
    ro.customer = CustomerRef {
        id: None,
        name: "王伟".into(),
        phone: "13800138000".into(),
    };
    ro.vehicle = VehicleRef {
        vin: "1M8GDM9AXKP042788".into(),
        plate: plate.into(),
        make: "BYD".into(),
        model: "Han".into(),
        ..VehicleRef::default()
    };
    ro.lines = vec![RoLine {
        kind: LineKind::Labour,
        description: "Labour".into(),
        quantity_milli: 1000,
        unit_price: Money(10_000),
        ..RoLine::default()
    }];
    store.save_ro(&SaveRo::new(&ro), by()).unwrap().id.unwrap()
}

/// The check-in of the issue: two marks, belongings, fuel, odometer, a tag.
fn check_in_sheet() -> Sheet {
    let mut s = Template::builtin().blank();
    for e in s
        .entries
        .iter_mut()
        .filter(|e| ["umbrella", "spare_tyre", "registration"].contains(&e.item.as_str()))
    {
        e.present = true;
    }
    s.entries.push(Entry::mark(
        Panel::FrontLeftDoor,
        DamageKind::Scratch,
        2,
        "",
    ));
    s.entries
        .push(Entry::mark(Panel::RearBumper, DamageKind::Dent, 1, ""));
    s
}

fn save(
    store: &mut SqliteStore,
    id: i64,
    sheet: &Sheet,
    tag: Option<TagRequest>,
) -> Result<(), StoreError> {
    let answers = Answers {
        wash: false,
        old_parts: OldParts::CustomerKeeps,
        waiting: true,
        covers: true,
    };
    let readings = Readings {
        fuel: Some(5),
        odometer: Some(45_210),
        odometer_reason: String::new(),
    };
    let req = SaveSheet {
        ro_id: id,
        sheet,
        answers: Some(&answers),
        readings: Some(&readings),
        tag,
    };
    store.save_sheet(&req, by())
}

fn move_to(
    store: &mut SqliteStore,
    id: i64,
    to: RoStatus,
    bay: Option<i64>,
) -> Result<(), StoreError> {
    let v = store.load_ro(id).unwrap().version;
    let req = MoveRequest {
        ro_id: id,
        expected_version: v,
        to,
        bay_id: bay,
        work_group_id: None,
    };
    store.move_ro(&req, by())
}

#[test]
fn a_check_in_is_saved_whole_with_readings_questions_and_a_tag() {
    let mut store = shop();
    let id = new_ro(&mut store, "粤A·LIST1");
    save(&mut store, id, &check_in_sheet(), Some(TagRequest::Auto)).unwrap();
    let sheets = store.sheets(id).unwrap();
    let kept = sheets.check_in.unwrap();
    assert_eq!(kept.version, 1);
    assert_eq!(
        kept.entries,
        check_in_sheet().entries,
        "every entry comes back as saved, in order"
    );
    assert!(sheets.answers.waiting && !sheets.answers.wash);
    assert_eq!(sheets.answers.old_parts, OldParts::CustomerKeeps);
    // Fuel and odometer are the RO's own fields: one value, not two copies.
    let ro = store.load_ro(id).unwrap();
    assert_eq!(
        (ro.fuel_eighths, ro.odometer_in_km),
        (Some(5), Some(45_210))
    );
    let key = sheets.key.unwrap();
    assert_eq!((key.holder, key.returned), (KeyHolder::Advisor, false));
    // The board card shows the waiting customer and where the key is.
    let card = store
        .board()
        .unwrap()
        .cards
        .into_iter()
        .find(|c| c.id == id)
        .unwrap();
    assert!(card.waiting);
    assert_eq!(card.key, Some((key.tag.clone(), KeyHolder::Advisor)));
    let history = store.ro_detail(id).unwrap().history;
    assert!(
        history
            .iter()
            .any(|h| h.action == "checklist" && h.detail.contains("FLD scratch 2")),
        "{history:?}"
    );
    assert!(history.iter().any(|h| h.action == "key_tag"));
}

#[test]
fn a_stale_save_is_a_conflict_and_a_signed_list_stays_as_signed() {
    let mut store = shop();
    let id = new_ro(&mut store, "粤A·LIST2");
    let sheet = check_in_sheet();
    save(&mut store, id, &sheet, None).unwrap();
    // Someone else saved version 1 → 2 meanwhile; a save from version 0 is refused.
    let mut mine = sheet.clone();
    mine.entries
        .push(Entry::mark(Panel::Hood, DamageKind::Chip, 1, ""));
    let err = save(&mut store, id, &mine, None).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(
        store.sheets(id).unwrap().check_in.unwrap().entries.len(),
        sheet.entries.len(),
        "nothing was written"
    );
    store
        .acknowledge_sheet(id, Phase::CheckIn, 1, "王伟", by())
        .unwrap();
    let signed = store.sheets(id).unwrap().check_in.unwrap();
    assert_eq!(signed.acknowledged.as_ref().unwrap().name, "王伟");
    let err = save(
        &mut store,
        id,
        &Sheet {
            version: signed.version,
            ..mine
        },
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("kept as signed"), "{err}");
    let err = store
        .acknowledge_sheet(id, Phase::CheckIn, signed.version, "王伟", by())
        .unwrap_err();
    assert!(err.to_string().contains("already signed"), "{err}");
}

#[test]
fn bad_lists_change_nothing() {
    let mut store = shop();
    let id = new_ro(&mut store, "粤A·LIST3");
    let mut negative = check_in_sheet();
    negative
        .entries
        .push(Entry::item(Category::Belonging, "umbrella", true, -2));
    assert!(save(&mut store, id, &negative, None)
        .unwrap_err()
        .to_string()
        .contains("negative"));
    let mut no_panel = check_in_sheet();
    let mut mark = Entry::mark(Panel::Hood, DamageKind::Dent, 1, "");
    mark.item = "NOPE".into();
    no_panel.entries.push(mark);
    assert!(save(&mut store, id, &no_panel, None)
        .unwrap_err()
        .to_string()
        .contains("needs a panel"));
    assert!(store.sheets(id).unwrap().check_in.is_none());
    assert_eq!(
        store.load_ro(id).unwrap().fuel_eighths,
        None,
        "the readings did not land either"
    );
    let err = store
        .acknowledge_sheet(id, Phase::CheckIn, 0, "王伟", by())
        .unwrap_err();
    assert!(err.to_string().contains("save the check-in list"), "{err}");
}

#[test]
fn a_hook_holds_one_key_and_the_refusal_names_the_holder() {
    let mut store = shop();
    let a = new_ro(&mut store, "粤A·KEY01");
    let b = new_ro(&mut store, "粤A·KEY02");
    let tag = store
        .assign_key_tag(a, TagRequest::Hook(150), by())
        .unwrap();
    assert_eq!(tag, "150");
    let err = store
        .assign_key_tag(b, TagRequest::Hook(150), by())
        .unwrap_err()
        .to_string();
    let number = store.load_ro(a).unwrap().number;
    assert!(err.contains(&number) && err.contains("粤A·KEY01"), "{err}");
    assert!(store.sheets(b).unwrap().key.is_none());
    let err = store
        .assign_key_tag(a, TagRequest::Auto, by())
        .unwrap_err()
        .to_string();
    assert!(err.contains("already has tag 150"), "{err}");
    let err = store
        .assign_key_tag(b, TagRequest::Hook(999), by())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a hook"), "{err}");
    let auto = store.assign_key_tag(b, TagRequest::Auto, by()).unwrap();
    assert_ne!(auto, "150");
}

#[test]
fn the_key_custody_chain_is_kept_and_the_customer_gets_it_at_the_exit() {
    let mut store = shop();
    let id = new_ro(&mut store, "粤A·KEY03");
    let err = store
        .hand_over_key(id, KeyHolder::Workshop, "", by())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no tag"), "{err}");
    store.assign_key_tag(id, TagRequest::Auto, by()).unwrap();
    for (to, who) in [
        (KeyHolder::Cabinet, ""),
        (KeyHolder::Workshop, "张师傅"),
        (KeyHolder::Wash, "小刘"),
    ] {
        store.hand_over_key(id, to, who, by()).unwrap();
    }
    let err = store
        .hand_over_key(id, KeyHolder::Customer, "王伟", by())
        .unwrap_err()
        .to_string();
    assert!(err.contains("exit notice"), "{err}");
    let key = store.sheets(id).unwrap().key.unwrap();
    let chain: Vec<(KeyHolder, &str)> = key
        .moves
        .iter()
        .map(|m| (m.to, m.person.as_str()))
        .collect();
    assert_eq!(
        chain,
        vec![
            (KeyHolder::Advisor, "tester"),
            (KeyHolder::Cabinet, ""),
            (KeyHolder::Workshop, "张师傅"),
            (KeyHolder::Wash, "小刘")
        ]
    );
    assert!(key.moves.iter().all(|m| m.at == t0() && m.by == "tester"));
}

/// Through the workshop to ready, paid, exit notice issued.
fn ready_to_go(store: &mut SqliteStore, id: i64) {
    let v = store.load_ro(id).unwrap().version;
    store.sign_ro(id, v, "王伟", by()).unwrap();
    let lift = store.board().unwrap().bay_coded("B4").unwrap().id;
    move_to(store, id, RoStatus::InBay, Some(lift)).unwrap();
    move_to(store, id, RoStatus::QualityCheck, None).unwrap();
    let v = store.load_ro(id).unwrap().version;
    store.record_quality_check(id, v, true, "", by()).unwrap();
    move_to(store, id, RoStatus::ReadyForPickup, None).unwrap();
    store.add_payment(id, Money(11_300), "cash", by()).unwrap();
    let v = store.load_ro(id).unwrap().version;
    store.issue_exit_notice(id, v, by()).unwrap();
}

#[test]
fn delivery_waits_for_the_joint_check_and_its_differences() {
    let mut store = shop();
    let id = new_ro(&mut store, "粤A·DELIV");
    save(&mut store, id, &check_in_sheet(), Some(TagRequest::Auto)).unwrap();
    store
        .acknowledge_sheet(id, Phase::CheckIn, 1, "王伟", by())
        .unwrap();
    // A delivery check before the work is done is refused.
    let early = Sheet::delivery_from(&store.sheets(id).unwrap().check_in.unwrap());
    let req = SaveSheet {
        ro_id: id,
        sheet: &early,
        answers: None,
        readings: None,
        tag: None,
    };
    assert!(store
        .save_sheet(&req, by())
        .unwrap_err()
        .to_string()
        .contains("work is done"));
    ready_to_go(&mut store, id);
    let err = move_to(&mut store, id, RoStatus::Delivered, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("joint check"), "{err}");
    // The joint check: all confirmed, but the umbrella is gone.
    let mut out = Sheet::delivery_from(&store.sheets(id).unwrap().check_in.unwrap());
    out.entries.iter_mut().for_each(|e| e.checked = true);
    out.entries
        .iter_mut()
        .find(|e| e.item == "umbrella")
        .unwrap()
        .present = false;
    let req = SaveSheet {
        ro_id: id,
        sheet: &out,
        answers: None,
        readings: None,
        tag: None,
    };
    store.save_sheet(&req, by()).unwrap();
    let err = store
        .acknowledge_sheet(id, Phase::Delivery, 1, "王伟", by())
        .unwrap_err()
        .to_string();
    assert!(err.contains("umbrella: 1 at check-in, 0 now"), "{err}");
    let err = move_to(&mut store, id, RoStatus::Delivered, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("umbrella"),
        "the refusal lists the difference: {err}"
    );
    // Explained, then signed: the car may go, and its hook is free.
    out.version = 1;
    out.entries
        .iter_mut()
        .find(|e| e.item == "umbrella")
        .unwrap()
        .explanation = "customer took it at drop-off".into();
    let req = SaveSheet {
        ro_id: id,
        sheet: &out,
        answers: None,
        readings: None,
        tag: None,
    };
    store.save_sheet(&req, by()).unwrap();
    store
        .acknowledge_sheet(id, Phase::Delivery, 2, "王伟", by())
        .unwrap();
    move_to(&mut store, id, RoStatus::Delivered, None).unwrap();
    let key = store.sheets(id).unwrap().key.unwrap();
    assert!(key.returned);
    assert_eq!(key.moves.last().unwrap().to, KeyHolder::Customer);
    // Both checks are kept, side by side.
    let sheets = store.sheets(id).unwrap();
    assert!(
        sheets.check_in.unwrap().acknowledged.is_some()
            && sheets.delivery.unwrap().acknowledged.is_some()
    );
}

#[test]
fn an_ro_without_a_check_in_list_is_delivered_as_before() {
    let mut store = shop();
    let id = new_ro(&mut store, "粤A·OLD01");
    ready_to_go(&mut store, id);
    move_to(&mut store, id, RoStatus::Delivered, None).unwrap();
}

const LOAD: &str = env!("CARGO_BIN_EXE_fd-load");

#[test]
fn two_processes_asking_for_hooks_at_once_never_share_one() {
    let (_dir, db) = common::pty::fresh_demo();
    let store = SqliteStore::open(&db, frontdesk::store::OpenMode::ReadWrite).unwrap();
    let ids: Vec<i64> = store
        .board()
        .unwrap()
        .cards
        .iter()
        .filter(|c| c.key.is_none() && c.status().is_open())
        .map(|c| c.id)
        .collect();
    drop(store);
    assert!(
        ids.len() >= 8,
        "the demo has open cars without keys on hooks"
    );
    let (mine, theirs): (Vec<i64>, Vec<i64>) = ids.iter().partition(|i| *i % 2 == 0);
    let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let spawn = |ros: String, hook: Option<&str>| {
        let mut c = Command::new(LOAD);
        c.args(["tags", "--db", db.to_str().unwrap(), "--ros", &ros]);
        if let Some(h) = hook {
            c.args(["--hook", h]);
        }
        c.stdout(std::process::Stdio::piped()).spawn().unwrap()
    };
    // Both ask for the same hook for different cars, then each tags its half on auto.
    let a = spawn(format!("{}", mine[0]), Some("190"));
    let b = spawn(format!("{}", theirs[0]), Some("190"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    assert_eq!(said.matches(" 190\n").count(), 1, "{said}");
    assert_eq!(
        said.matches("refused: tag 190 holds the key of").count(),
        1,
        "{said}"
    );
    let a = spawn(list(&mine[1..]), None);
    let b = spawn(list(&theirs[1..]), None);
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    let tags: Vec<&str> = said
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert!(!said.contains("refused"), "{said}");
    let mut unique = tags.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        tags.len(),
        "a hook was handed out twice: {said}"
    );
    assert_eq!(tags.len(), ids.len() - 2);
}
