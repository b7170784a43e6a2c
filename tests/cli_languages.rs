//! Printouts and the command line in the shop's language: the `language`
//! setting (a manager's, audited), `--lang` for one print, `frontdesk keys`.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");
const NOW: &str = "2026-11-22T10:00:00+08:00";

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("LANG", "C")
        .env("LC_ALL", "")
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {err}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn signed_ro(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT number FROM repair_orders WHERE signed_at IS NOT NULL
             AND status NOT IN ('delivered', 'cancelled', 'declined') LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn printouts_follow_the_shop_language_and_lang_overrides_one_print() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&["demo", "--db", s(&db), "--now", NOW]);
    let number = signed_ro(&db);
    let print = |extra: &[&str]| {
        let mut args = vec!["print", number.as_str(), "--db", s(&db), "--now", NOW];
        args.extend(extra);
        ok(&args)
    };
    assert!(print(&[]).contains("REPAIR ORDER"), "English by default");
    ok(&["settings", "language", "zh", "--db", s(&db)]);
    let zh = print(&[]);
    assert!(zh.contains("进厂维修单") && zh.contains("客户"), "{zh}");
    let es = print(&["--lang", "es"]);
    assert!(
        es.contains("ORDEN DE REPARACIÓN") && es.contains("Cliente"),
        "{es}"
    );
    assert!(es.contains("/2026"), "Spanish dates: {es}");
    // The setting stays Chinese: --lang was for that print alone.
    assert!(print(&[]).contains("进厂维修单"));
    let html = print(&["--html", "--lang", "es"]);
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    // The change is in the audit log, with the old and new value.
    let audit = ok(&["audit", "--db", s(&db), "--entity", "shop"]);
    assert!(audit.contains("language: '' → 'zh'"), "{audit}");
    // A language there is not is refused, and so is an unknown setting.
    let out = run(&["settings", "language", "fr", "--db", s(&db)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("en, zh, es"));
    let out = run(&["settings", "colour", "red", "--db", s(&db)]);
    assert!(!out.status.success());
    assert!(ok(&["settings", "--db", s(&db)]).contains("language         zh"));
}

#[test]
fn keys_prints_the_active_keymap_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(&keymap, "[board]\nassign_bay = [\"b\"]\n").unwrap();
    let es = ok(&["keys", "--lang", "es", "--keymap", s(&keymap)]);
    assert!(es.contains("Salir desde cualquier sitio"), "{es}");
    let changed = es
        .lines()
        .find(|l| l.contains("Asignar a un box"))
        .unwrap_or_default();
    assert!(changed.trim_start().starts_with("* b "), "{changed}");
    assert!(es.contains("cambiado por su keymap.toml"), "{es}");
    let zh = ok(&["keys", "--lang", "zh"]);
    assert!(zh.contains("车间看板") && !zh.contains("* "), "{zh}");
}

/// Only a manager changes the shop's settings, whatever the path.
#[test]
fn an_advisor_cannot_change_the_shop_language() {
    use frontdesk::store::{sqlite::SqliteStore, Actor, AdminStore, OpenMode};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let mut store = SqliteStore::open(&path, OpenMode::Create).unwrap();
    let now = chrono::Utc::now();
    frontdesk::demo::build_demo(&mut store, now, "tester").unwrap();
    let advisor = store.user_by_login("li.na").unwrap().unwrap();
    let by = Actor {
        login: "li.na",
        user_id: Some(advisor.id),
        at: now,
    };
    let err = store.set_setting("language", "es", by).unwrap_err();
    assert!(err.to_string().contains("only a manager"), "{err}");
    assert_eq!(store.settings().unwrap().language, None);
}
