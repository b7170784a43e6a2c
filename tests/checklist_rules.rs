//! The checklist's rules on their own: the outline's geometry, differences
//! between the two checks, the joint check and the delivery guard, the key
//! cabinet and the key's custody, and the one-line grammar.

use chrono::Utc;
use frontdesk::domain::checklist::keys::{
    check_hand_over, first_free, parse_tag, KeyCustody, KeyError, KeyHolder, TagRequest,
};
use frontdesk::domain::checklist::oneline::{accept, apply, complete, parse};
use frontdesk::domain::checklist::panels::Dir;
use frontdesk::domain::checklist::template::Template;
use frontdesk::domain::checklist::{
    check_joint, differences, validate, Acknowledged, Answers, Category, DamageKind, Entry,
    Handover, JointRefusal, OldParts, Panel, Phase, Sheet,
};

fn check_in() -> Sheet {
    let mut s = Template::builtin().blank();
    s.version = 2;
    for e in s.entries.iter_mut() {
        if ["umbrella", "spare_tyre", "registration"].contains(&e.item.as_str()) {
            e.present = true;
        }
    }
    s.entries.push(Entry::mark(
        Panel::FrontLeftDoor,
        DamageKind::Scratch,
        2,
        "long, low",
    ));
    s.acknowledged = Some(Acknowledged {
        name: "王伟".into(),
        at: Utc::now(),
    });
    s
}

fn confirmed(mut d: Sheet) -> Sheet {
    d.entries.iter_mut().for_each(|e| e.checked = true);
    d.version = 1;
    d
}

#[test]
fn arrows_move_to_the_neighbouring_panel_and_stop_at_the_edge() {
    use Panel::*;
    assert_eq!(FrontLeftDoor.towards(Dir::Right), Windscreen);
    assert_eq!(Windscreen.towards(Dir::Right), FrontRightDoor);
    assert_eq!(FrontLeftDoor.towards(Dir::Down), RearLeftDoor);
    assert_eq!(FrontLeftDoor.towards(Dir::Left), LeftMirror);
    assert_eq!(Hood.towards(Dir::Up), FrontBumper);
    assert_eq!(FrontBumper.towards(Dir::Up), FrontBumper);
    assert_eq!(Trunk.towards(Dir::Down), RearBumper);
    assert_eq!(
        RearBumper.towards(Dir::Down),
        RearSeats,
        "the inside row is below the outline, straight down"
    );
    assert_eq!(
        RearLeftWheel.towards(Dir::Up),
        RearLeftDoor,
        "no panel beside the rear door: the nearest above"
    );
    // Every panel can be reached and left: no panel is a dead end both ways.
    for p in Panel::ALL {
        let moves = [Dir::Up, Dir::Down, Dir::Left, Dir::Right].map(|d| p.towards(d));
        assert!(moves.iter().any(|m| m != p), "{p:?} is stuck");
    }
}

#[test]
fn panel_codes_are_unique_three_letters_and_typed_in_any_case() {
    for p in Panel::ALL {
        assert_eq!(p.code().len(), 3);
        assert_eq!(Panel::from_code(&p.code().to_lowercase()), Some(*p));
        assert_eq!(
            Panel::ALL.iter().filter(|q| q.code() == p.code()).count(),
            1
        );
    }
    assert_eq!(Panel::starting_with("FL").len(), 3);
    assert!(Panel::starting_with("Q").is_empty());
}

#[test]
fn the_same_list_at_delivery_has_no_differences() {
    let before = check_in();
    let after = confirmed(Sheet::delivery_from(&before));
    assert!(differences(&before, &after).is_empty());
    assert_eq!(check_joint(Some(&before), &after), Ok(()));
}

#[test]
fn new_damage_and_a_missing_belonging_are_differences_until_explained() {
    let before = check_in();
    let mut after = confirmed(Sheet::delivery_from(&before));
    let umbrella = after
        .entries
        .iter_mut()
        .find(|e| e.item == "umbrella")
        .unwrap();
    umbrella.present = false;
    let mut dent = Entry::mark(Panel::RearBumper, DamageKind::Dent, 1, "");
    dent.checked = true;
    after.entries.push(dent);
    let found = differences(&before, &after);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|d| d.to_string() == "new damage rrb dent 1"),
        "{found:?}"
    );
    assert!(found
        .iter()
        .any(|d| d.to_string() == "umbrella: 1 at check-in, 0 now"));
    let Err(JointRefusal::Unexplained(open)) = check_joint(Some(&before), &after) else {
        panic!("delivery must be blocked");
    };
    assert_eq!(open.len(), 2);
    for e in after
        .entries
        .iter_mut()
        .filter(|e| e.item == "umbrella" || e.item == "RRB")
    {
        e.explanation =
            "customer took it at drop-off / dent from the car park, customer agrees".into();
    }
    assert_eq!(check_joint(Some(&before), &after), Ok(()));
}

#[test]
fn a_mark_gone_or_worse_is_a_difference_and_covers_are_not_compared() {
    let before = check_in();
    let mut after = confirmed(Sheet::delivery_from(&before));
    assert!(after.entries.iter().all(|e| e.category != Category::Cover));
    after.entries.retain(|e| e.category != Category::Damage);
    assert_eq!(differences(&before, &after).len(), 1);
    let mut worse = confirmed(Sheet::delivery_from(&before));
    worse
        .entries
        .iter_mut()
        .filter(|e| e.category == Category::Damage)
        .for_each(|e| e.damage = Some((DamageKind::Scratch, 3)));
    assert_eq!(differences(&before, &worse).len(), 1);
}

#[test]
fn every_item_is_confirmed_before_the_customer_signs() {
    let before = check_in();
    let mut after = Sheet::delivery_from(&before);
    after.version = 1;
    let Err(JointRefusal::Unchecked(items)) = check_joint(Some(&before), &after) else {
        panic!("unchecked items must block");
    };
    assert_eq!(items.len(), after.entries.len());
    assert_eq!(check_joint(None, &after), Err(JointRefusal::NoCheckIn));
}

#[test]
fn the_delivery_guard_wants_the_joint_check_signed_when_there_was_a_check_in() {
    let before = check_in();
    assert_eq!(Handover::of(None, None), Handover::NoSheet);
    assert!(matches!(
        Handover::of(Some(&before), None),
        Handover::Open(_)
    ));
    let mut after = confirmed(Sheet::delivery_from(&before));
    assert!(
        matches!(Handover::of(Some(&before), Some(&after)), Handover::Open(w) if w.contains("not signed"))
    );
    after.acknowledged = Some(Acknowledged {
        name: "王伟".into(),
        at: Utc::now(),
    });
    assert_eq!(Handover::of(Some(&before), Some(&after)), Handover::Signed);
}

#[test]
fn bad_entries_are_refused_with_words() {
    let mut s = Sheet::default();
    s.entries
        .push(Entry::item(Category::Belonging, "umbrella", true, -1));
    assert!(validate(&s).unwrap_err().contains("negative"));
    let mut no_panel = Entry::mark(Panel::Hood, DamageKind::Dent, 1, "");
    no_panel.item = String::new();
    s.entries = vec![no_panel.clone()];
    assert!(validate(&s).is_err());
    no_panel.item = "XYZ".into();
    s.entries = vec![no_panel];
    assert!(validate(&s).unwrap_err().contains("needs a panel"));
    s.entries = vec![Entry::mark(Panel::Hood, DamageKind::Dent, 4, "")];
    assert!(validate(&s).unwrap_err().contains("severity"));
}

#[test]
fn the_first_free_hook_fills_gaps_and_a_full_cabinet_says_so() {
    assert_eq!(first_free(&[], 1, 10), Ok(1));
    assert_eq!(first_free(&[3, 1, 2, 5], 1, 10), Ok(4));
    assert_eq!(
        first_free(&[1, 2, 3], 1, 3),
        Err(KeyError::CabinetFull { first: 1, last: 3 })
    );
    assert_eq!(parse_tag("K17", 1, 200), Ok(17));
    assert!(matches!(
        parse_tag("201", 1, 200),
        Err(KeyError::OutOfRange { .. })
    ));
    assert!(matches!(
        parse_tag("x", 1, 200),
        Err(KeyError::OutOfRange { .. })
    ));
}

#[test]
fn the_key_passes_hand_to_hand_and_reaches_the_customer_with_the_exit_notice() {
    let custody = |holder, returned| KeyCustody {
        tag: "7".into(),
        holder,
        returned,
        moves: vec![],
    };
    let mut holder = KeyHolder::Advisor;
    for next in [
        KeyHolder::Cabinet,
        KeyHolder::Workshop,
        KeyHolder::Wash,
        KeyHolder::Cashier,
    ] {
        assert_eq!(holder.usual_next(), next);
        assert_eq!(
            check_hand_over(Some(&custody(holder, false)), next, false),
            Ok(())
        );
        holder = next;
    }
    assert_eq!(
        check_hand_over(Some(&custody(holder, false)), KeyHolder::Customer, false),
        Err(KeyError::NotYetForCustomer)
    );
    assert_eq!(
        check_hand_over(Some(&custody(holder, false)), KeyHolder::Customer, true),
        Ok(())
    );
    assert_eq!(
        check_hand_over(Some(&custody(holder, false)), holder, true),
        Err(KeyError::AlreadyWith(holder))
    );
    assert_eq!(
        check_hand_over(Some(&custody(holder, true)), KeyHolder::Workshop, true),
        Err(KeyError::Returned)
    );
    assert_eq!(
        check_hand_over(None, KeyHolder::Workshop, true),
        Err(KeyError::NoTag)
    );
}

#[test]
fn the_one_line_check_in_reads_the_example_from_the_issue() {
    let t = Template::builtin();
    let q = parse("F5/8 ODO 45210 DMG FLD:scratch:2 RRB:dent BEL umbrella,charger×1 TAG auto WASH KEEP-OLD WAIT", &t).unwrap();
    assert_eq!(q.fuel, Some(5));
    assert_eq!(q.odometer, Some(45210));
    assert_eq!(
        q.marks,
        vec![
            (Panel::FrontLeftDoor, DamageKind::Scratch, 2),
            (Panel::RearBumper, DamageKind::Dent, 1)
        ]
    );
    assert_eq!(q.items.len(), 2);
    assert_eq!(q.items[1].item, "charging_cable");
    assert_eq!(q.items[1].count, Some(1));
    assert_eq!(q.tag, Some(TagRequest::Auto));
    assert_eq!(
        (q.wash, q.old_parts, q.waiting),
        (Some(true), Some(OldParts::CustomerKeeps), Some(true))
    );
    let mut sheet = t.blank();
    let mut answers = Answers::default();
    apply(&q, &mut sheet, &mut answers, &t);
    assert!(sheet
        .entries
        .iter()
        .any(|e| e.item == "umbrella" && e.present && e.quantity == 1));
    assert_eq!(
        sheet
            .entries
            .iter()
            .filter(|e| e.category == Category::Damage)
            .count(),
        2
    );
    assert!(answers.waiting && answers.wash);
}

#[test]
fn one_line_table_of_good_and_bad_lines() {
    let t = Template::builtin();
    let good = [
        ("FE", 0),
        ("FF ODO 12,345km", 8),
        ("F1/2 DMG hod:chip:3,wsh:crack", 4),
        ("F3/4 BEL mats×4 +golf_clubs*2 jack", 6),
        (
            "F1/4 DOC reg,ins,book LIGHT engine,abs COVERS NOWASH DISPOSE-OLD LEAVE TAG 17",
            2,
        ),
        ("f0/8 bel 雨伞", 0),
    ];
    for (line, fuel) in good {
        let q = parse(line, &t).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(q.fuel, Some(fuel), "{line}");
    }
    let bad = [
        ("F5/8 ODO", "at the end"),
        ("F9/8", "'F9/8' at column 1"),
        ("F5/8 DMG XYZ:scratch", "'XYZ:scratch' at column 10"),
        ("DMG FLD:scrape", "the type is one of"),
        ("DMG FLD:dent:4", "severity"),
        ("DMG :dent", "needs a panel"),
        ("DMG FLD", "needs its type"),
        ("BEL umbrella×-1", "negative"),
        ("BEL piano", "'piano' at column 5"),
        ("TAG nope", "auto or a hook"),
        ("WASH PLEASE", "'PLEASE' at column 6"),
        ("FLD:scratch", "follows DMG"),
        ("DOC passport", "not a document"),
    ];
    for (line, want) in bad {
        let e = parse(line, &t).expect_err(line).to_string();
        assert!(e.contains(want), "{line}: {e}");
        assert!(e.contains("nothing was applied"), "{line}: {e}");
    }
}

#[test]
fn completion_offers_what_fits_where_the_cursor_is() {
    let t = Template::builtin();
    assert!(complete("", &t).contains(&"ODO".to_string()));
    assert!(complete("F5/8 D", &t).contains(&"DMG".to_string()));
    assert_eq!(complete("DMG FL", &t), vec!["FLT:", "FLW:", "FLD:"]);
    assert_eq!(complete("DMG FLD:sc", &t), vec!["FLD:scratch"]);
    assert!(complete("BEL umb", &t).contains(&"umbrella".to_string()));
    assert!(complete("BEL umbrella,char", &t).contains(&"charger".to_string()));
    assert_eq!(accept("DMG FL", "FLD:"), "DMG FLD:");
    assert_eq!(
        accept("BEL umbrella,char", "charger"),
        "BEL umbrella,charger "
    );
    assert_eq!(complete("TAG ", &t), vec!["auto"]);
}

#[test]
fn the_shipped_template_parses_and_a_bad_one_is_refused() {
    let t = Template::builtin();
    assert!(t.belonging.len() >= 8 && t.tool.len() >= 3 && t.document.len() >= 4);
    assert_eq!(
        t.find(Category::Belonging, "备胎").unwrap().code,
        "spare_tyre"
    );
    assert_eq!(t.name(Category::Tool, "jack", "zh"), "千斤顶");
    assert_eq!(t.name(Category::Tool, "jack", "es"), "Gato");
    assert!(
        Template::parse("[[belonging]]\ncode = \"x\"\nen = \"X\"\nzh = \"X\"\ncount = -1\n")
            .is_err()
    );
    assert!(Template::parse("[[cupboard]]\ncode = \"x\"\n").is_err());
    let blank = t.blank();
    assert_eq!(blank.phase, Phase::CheckIn);
    assert!(blank.entries.iter().all(|e| !e.present));
}
