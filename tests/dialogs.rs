//! Every RO dialog drawn at 80×24, in English and in Chinese: each needed
//! text (title, labels, notes, the items being decided, the key hints) is
//! on screen whole, nothing is cut with "…", and no wide character breaks
//! the popup's border.

mod common;

use common::shell;
use frontdesk::domain::repair_order::{LineKind, RoLine};
use frontdesk::domain::{Money, RepairOrder, Role};
use frontdesk::ui::app::Shell;
use frontdesk::ui::desk::{self, DeskPrompt, Target};
use frontdesk::ui::i18n::{Lang, Texts};
use frontdesk::ui::layer::Layer;
use frontdesk::ui::ro::action_picker;
use frontdesk::ui::ro::dialogs::conflict::ConflictRow;
use frontdesk::ui::ro::dialogs::{ConflictView, LineEditor};
use frontdesk::ui::ro::RoAction;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

fn shell_in(lang: Lang) -> Shell {
    let mut s = shell(Some(Role::Manager));
    s.texts = Texts::new(lang);
    s
}

fn target() -> Target {
    Target {
        ro_id: 9,
        version: 3,
        number: "RO-24083".into(),
    }
}

fn render(layer: &dyn Layer, shell: &Shell) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let cx = shell.ctx();
    term.draw(|f| layer.render(f, f.area(), &cx)).unwrap();
    term.backend().buffer().clone()
}

/// The popup's rows, inside its border; panics if the border is broken.
fn inside_border(buf: &Buffer, what: &str) -> Vec<String> {
    let sym = |x: u16, y: u16| buf[(x, y)].symbol().to_string();
    let screen = common::screen(buf);
    let (top, left) = (0..buf.area.height)
        .find_map(|y| {
            (0..buf.area.width)
                .find(|&x| sym(x, y) == "┌")
                .map(|x| (y, x))
        })
        .unwrap_or_else(|| panic!("{what}: no popup\n{screen}"));
    let right = (left..buf.area.width)
        .find(|&x| sym(x, top) == "┐")
        .unwrap_or_else(|| panic!("{what}: no top-right corner\n{screen}"));
    let bottom = (top..buf.area.height)
        .find(|&y| sym(left, y) == "└")
        .unwrap_or_else(|| panic!("{what}: no bottom\n{screen}"));
    let mut rows = Vec::new();
    for y in top + 1..bottom {
        assert!(
            sym(left, y) == "│" && sym(right, y) == "│",
            "{what}: the border breaks on row {y}\n{screen}"
        );
        let mut row = String::new();
        for x in left + 1..right {
            row.push_str(&sym(x, y));
        }
        rows.push(row);
    }
    assert_eq!(
        sym(right, bottom),
        "┘",
        "{what}: bottom-right corner\n{screen}"
    );
    rows
}

fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Draws `layer` and checks its border, that nothing is cut, and that each
/// of `needed` is on screen whole (however it wrapped).
fn check(layer: &dyn Layer, shell: &Shell, what: &str, needed: &[String]) {
    let buf = render(layer, shell);
    let screen = common::screen(&buf);
    let rows = inside_border(&buf, what);
    let body = squeezed(&rows.join(""));
    let title_row = screen
        .lines()
        .find(|l| l.contains('┌'))
        .unwrap_or_default()
        .to_string();
    assert!(!screen.contains('…'), "{what}: something is cut\n{screen}");
    for text in needed {
        let whole = squeezed(text);
        assert!(
            body.contains(&whole) || squeezed(&title_row).contains(&whole),
            "{what}: {text:?} is not shown whole\n{screen}"
        );
    }
}

/// A dialog's own words: title, notes and field labels.
fn prompt_texts(p: &desk::Prompt) -> Vec<String> {
    let mut out = vec![p.title.clone()];
    out.extend(p.notes.iter().cloned());
    out.extend(p.fields.iter().map(|(label, _)| label.clone()));
    out
}

fn hints(shell: &Shell, keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| shell.texts.get(k).to_string())
        .collect()
}

fn every_desk_prompt() -> Vec<DeskPrompt> {
    let long = "P-DISC-VENTED-320 Front brake discs, ventilated, both sides, with new fixing screws ¥1,860.00";
    vec![
        DeskPrompt::Sign {
            signer: "欧阳娜娜 Ouyang Nana".into(),
        },
        DeskPrompt::Decline,
        DeskPrompt::Progress { promised: None },
        DeskPrompt::Pickup,
        DeskPrompt::Quality,
        DeskPrompt::Payment {
            owed: Money(123_456_789),
        },
        DeskPrompt::Arrears {
            owed: Money(38_818),
        },
        DeskPrompt::Override,
        DeskPrompt::Reopen,
        DeskPrompt::AddedWorkCall {
            items: vec![
                (1, long.into()),
                (2, "P-WIPER 雨刮片（前后）¥120.00".into()),
                (3, "Cabin filter ¥160.00".into()),
            ],
        },
    ]
}

#[test]
fn every_desk_dialog_fits_80x24_in_both_languages() {
    for lang in Lang::ALL {
        let shell = shell_in(lang);
        let cx = shell.ctx();
        for purpose in every_desk_prompt() {
            let what = format!("{purpose:?} in {lang:?}");
            let dialog = desk::dialog(purpose, &target(), &cx);
            let mut needed = prompt_texts(&dialog);
            needed.extend(hints(&shell, &["hint.next", "hint.done", "hint.cancel"]));
            check(&dialog, &shell, &what, &needed);
        }
    }
}

#[test]
fn a_dialog_that_finds_a_problem_shows_it_whole_and_keeps_what_was_typed() {
    let shell = shell_in(Lang::En);
    let cx = shell.ctx();
    let purpose = DeskPrompt::Payment {
        owed: Money(10_000),
    };
    let dialog = desk::dialog(purpose.clone(), &target(), &cx);
    let values = vec!["250".to_string(), "wechat".to_string()];
    let why =
        frontdesk::domain::settlement::check_payment(Money(25_000), Money(10_000)).unwrap_err();
    let again = desk::again(
        &desk::Prompted {
            purpose,
            values: values.clone(),
        },
        &target(),
        why.clone(),
        &cx,
    );
    assert_eq!(again.values(), values, "everything entered is kept");
    let mut needed = prompt_texts(&dialog);
    needed.push(why);
    check(&again, &shell, "payment refused", &needed);
}

#[test]
fn the_line_editor_and_a_proposal_of_several_items_fit() {
    for lang in Lang::ALL {
        let shell = shell_in(lang);
        let t = &shell.texts;
        let rate = Money(18_000);
        let mut editor = LineEditor::new(None, RoLine::default(), true, rate);
        editor.items = vec![
            RoLine {
                kind: LineKind::Part,
                description: "Wiper blades".into(),
                quantity_milli: 1000,
                unit_price: Money(12_000),
                ..RoLine::default()
            },
            RoLine {
                kind: LineKind::Part,
                description: "空调滤芯 Cabin filter".into(),
                quantity_milli: 1000,
                unit_price: Money(16_000),
                ..RoLine::default()
            },
        ];
        let mut needed: Vec<String> = [
            "line.propose",
            "line.kind",
            "line.code",
            "line.description",
            "line.quantity",
            "line.price",
            "line.payer",
            "line.supplier",
            "line.grade",
            "line.critical",
            "hint.another",
            "hint.done",
        ]
        .iter()
        .map(|k| t.get(k).to_string())
        .collect();
        // Amounts as the language writes them: ¥120.00, 120,00 ¥.
        let money = |minor| t.money(frontdesk::domain::Money(minor), "¥");
        needed.push(format!("1. Wiper blades · {}", money(12_000)));
        needed.push(format!("2. 空调滤芯 Cabin filter · {}", money(16_000)));
        check(&editor, &shell, &format!("proposal in {lang:?}"), &needed);
        let plain = LineEditor::new(None, RoLine::default(), false, rate);
        check(
            &plain,
            &shell,
            &format!("line editor in {lang:?}"),
            &needed[1..10],
        );
    }
}

#[test]
fn the_conflict_dialog_shows_each_clash_in_words() {
    for lang in Lang::ALL {
        let shell = shell_in(lang);
        let t = &shell.texts;
        let view = ConflictView {
            message: "RO-24083 was saved by carlos at 10:32 after you opened it".into(),
            rows: vec![
                ConflictRow {
                    label: t.get("ro.diagnosis").into(),
                    mine: "Front pads worn to 2 mm; discs scored, recommend replacing both".into(),
                    theirs: "刹车片磨损至 2 毫米，建议更换".into(),
                },
                ConflictRow {
                    label: t.get("ro.phone").into(),
                    mine: "13800001111".into(),
                    theirs: "13900002222".into(),
                },
            ],
            theirs: RepairOrder::new("carlos"),
        };
        let mut needed: Vec<String> = vec![
            view.message.clone(),
            t.get("conflict.title").into(),
            t.get("hint.keep_mine").into(),
            t.get("hint.take_theirs").into(),
        ];
        for r in &view.rows {
            needed.extend([r.label.clone(), r.mine.clone(), r.theirs.clone()]);
        }
        check(&view, &shell, &format!("conflict in {lang:?}"), &needed);
    }
}

#[test]
fn the_actions_menu_fits_with_every_action_and_its_letter() {
    for lang in Lang::ALL {
        let shell = shell_in(lang);
        let cx = shell.ctx();
        let menu = action_picker(cx.texts.get("act.title"), "RO-24083", &RoAction::ALL, &cx);
        let needed: Vec<String> = menu.items.iter().map(|i| i.label.clone()).collect();
        check(&menu, &shell, &format!("actions menu in {lang:?}"), &needed);
    }
}

#[test]
fn the_check_fails_when_a_label_is_cut() {
    let shell = shell_in(Lang::ZhCn);
    let cx = shell.ctx();
    let mut long = action_picker("x", "y", &RoAction::ALL, &cx);
    long.items[0].label = "很长".repeat(60);
    let label = long.items[0].label.clone();
    let cut = std::panic::catch_unwind(|| check(&long, &shell, "long", &[label]));
    assert!(cut.is_err(), "a cut label fails the check");
}
