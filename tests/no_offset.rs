//! Long lists page by key (`WHERE key > ? ORDER BY key LIMIT n`), never by
//! `OFFSET`, which makes SQLite walk and throw away every row before the
//! page: at a million ROs, the last page would cost a full scan.

#[test]
fn no_query_pages_with_offset() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/sqlite");
    let mut files = vec![];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs" || e == "sql") {
            files.push(path);
        }
    }
    assert!(files.len() > 10, "the SQL sources were found: {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap().to_uppercase();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            assert!(
                !code.contains(" OFFSET ") && !code.contains("OFFSET ?"),
                "{}:{}: pages with OFFSET: {line}",
                path.display(),
                n + 1
            );
        }
    }
}
