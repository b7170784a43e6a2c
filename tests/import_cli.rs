//! `frontdesk import` and `frontdesk export` as an administrator runs them:
//! a dry run that reports every bad row by line, an import in one
//! transaction, the same file again adding nothing, GBK and UTF-8 with a
//! BOM giving the same rows, the bad files of the issue refused whole, an
//! export that reads back through the import, and `--out` never over the
//! shop file.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("LANG", "C")
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn shop() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    assert!(run(&["init", "--db", s(&db)]).status.success());
    (dir, db)
}

fn count(db: &Path, table: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Another system's export: its own headers, a quoted address with a comma
/// and a newline, two visits of one car, and a customer without a car.
const OTHER: &str = "客户姓名,手机,车牌,车架号,品牌,车型,地址,工单号,日期,里程,金额\n\
王芳,13800138000,粤A·12345,1HGCM82633A004352,Honda,Accord,\"广州市, 天河区\n体育西路 1 号\",H-001,2025-03-01,12000,880.50\n\
王芳,13800138000,粤A 12345,1HGCM82633A004352,Honda,Accord,,H-002,2025-09-01,19500,1200\n\
José Pérez,+34 600 123 456,,,,,,,,,\n";

const MAP: &str = "[columns]\nname = \"客户姓名\"\nphone = \"手机\"\nplate = \"车牌\"\nvin = \"车架号\"\nmake = \"品牌\"\nmodel = \"车型\"\naddress = \"地址\"\nro_number = \"工单号\"\ndate = \"日期\"\nodometer = \"里程\"\namount = \"金额\"\n";

#[test]
fn dry_run_import_and_import_again_add_nothing_twice() {
    let (dir, db) = shop();
    let csv = dir.path().join("old.csv");
    let map = dir.path().join("map.toml");
    std::fs::write(&csv, OTHER).unwrap();
    std::fs::write(&map, MAP).unwrap();
    let dry = run(&[
        "import",
        s(&csv),
        "--map",
        s(&map),
        "--dry-run",
        "--db",
        s(&db),
    ]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(text(&dry).contains("3 rows are good"), "{}", text(&dry));
    assert_eq!(count(&db, "customers"), 0, "a dry run writes nothing");
    let first = run(&["import", s(&csv), "--map", s(&map), "--db", s(&db)]);
    assert!(first.status.success(), "{}", text(&first));
    assert_eq!(
        (
            count(&db, "customers"),
            count(&db, "vehicles"),
            count(&db, "repair_orders")
        ),
        (2, 1, 2)
    );
    let again = run(&["import", s(&csv), "--map", s(&map), "--db", s(&db)]);
    assert!(again.status.success());
    assert!(text(&again).contains("0 customers new"), "{}", text(&again));
    assert_eq!(
        (
            count(&db, "customers"),
            count(&db, "vehicles"),
            count(&db, "repair_orders")
        ),
        (2, 1, 2)
    );
    let address: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT address FROM customers WHERE name = '王芳'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        address, "广州市, 天河区 体育西路 1 号",
        "the newline inside quotes is kept as one line"
    );
    let audit = run(&["audit", "--db", s(&db)]);
    assert!(text(&audit).contains("old.csv"), "the import is audited");
}

#[test]
fn gbk_and_utf8_with_a_bom_give_the_same_rows() {
    let (dir, db) = shop();
    let map = dir.path().join("map.toml");
    std::fs::write(&map, MAP).unwrap();
    let (gbk, _, lossy) = encoding_rs::GBK.encode(OTHER);
    assert!(!lossy);
    let gbk_file = dir.path().join("gbk.csv");
    std::fs::write(&gbk_file, &gbk).unwrap();
    let bom_file = dir.path().join("bom.csv");
    std::fs::write(
        &bom_file,
        [b"\xEF\xBB\xBF".as_slice(), OTHER.as_bytes()].concat(),
    )
    .unwrap();
    let out = run(&["import", s(&gbk_file), "--map", s(&map), "--db", s(&db)]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("GBK"),
        "says which encoding: {}",
        text(&out)
    );
    let names = |db: &Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut st = conn
            .prepare("SELECT name || '|' || phone || '|' || address FROM customers ORDER BY id")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let from_gbk = names(&db);
    let (_dir2, db2) = shop();
    let out = run(&["import", s(&bom_file), "--map", s(&map), "--db", s(&db2)]);
    assert!(text(&out).contains("byte-order mark"), "{}", text(&out));
    assert_eq!(names(&db2), from_gbk);
    assert!(from_gbk[0].starts_with("王芳|"));
}

/// Each bad file is reported and nothing is imported.
#[test]
fn bad_files_are_refused_whole_with_their_lines() {
    let (dir, db) = shop();
    let cases: [(&str, &[u8], &str); 6] = [
        (
            "encoding",
            b"name,plate\n\xFF\xFE\xFA,A12345\n",
            "neither UTF-8 nor GBK",
        ),
        (
            "missing",
            b"phone,plate\n13800138000,A12345\n",
            "required column \"name\"",
        ),
        (
            "quoting",
            b"name,address\nWang,x\n\"Li,unclosed\nZhao,y\n",
            "broken CSV",
        ),
        (
            "duplicate",
            "name,plate\n王芳,粤A12345\n李雷,粤A·12345\n".as_bytes(),
            "line 3: plate",
        ),
        (
            "control",
            "name,plate\n\"Li\x1b]0;owned\x07\",A12345\n".as_bytes(),
            "control characters",
        ),
        ("vin", b"name,vin\nLi,1HGCM82633A004353\n", "line 2: VIN"),
    ];
    for (what, bytes, expect) in cases {
        let csv = dir.path().join(format!("{what}.csv"));
        std::fs::write(&csv, bytes).unwrap();
        let out = run(&["import", s(&csv), "--db", s(&db)]);
        assert!(!out.status.success(), "{what}: {}", text(&out));
        assert!(
            text(&out).contains(expect),
            "{what}: expected {expect:?} in {}",
            text(&out)
        );
        assert_eq!(count(&db, "customers"), 0, "{what}: nothing half-imported");
    }
}

#[test]
fn an_export_reads_back_and_never_overwrites_the_shop() {
    let (dir, db) = shop();
    let demo = dir.path().join("demo.db");
    assert!(run(&["demo", "--db", s(&demo)]).status.success());
    let out = dir.path().join("customers.csv");
    let exported = run(&["export", "customers", "--db", s(&demo), "--out", s(&out)]);
    assert!(exported.status.success(), "{}", text(&exported));
    let refused = run(&["export", "customers", "--db", s(&demo), "--out", s(&demo)]);
    assert!(!refused.status.success() && text(&refused).contains("shop database"));
    let again = run(&["export", "customers", "--db", s(&demo), "--out", s(&out)]);
    assert!(!again.status.success() && text(&again).contains("--force"));
    let back = run(&["import", s(&out), "--db", s(&db)]);
    assert!(back.status.success(), "{}", text(&back));
    let owned = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM vehicle_owners WHERE until IS NULL",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(
        owned(&db),
        owned(&demo),
        "every car and its owner came back"
    );
    let ros = dir.path().join("ros.csv");
    assert!(run(&["export", "ros", "--db", s(&demo), "--out", s(&ros)])
        .status
        .success());
    let history = run(&["import", s(&ros), "--db", s(&db)]);
    assert!(history.status.success(), "{}", text(&history));
    assert_eq!(count(&db, "repair_orders"), count(&demo, "repair_orders"));
}
