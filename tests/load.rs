//! Load and crash, in a short form that runs with every `cargo test`: eight
//! processes writing one shop file at once, and fifty writers killed with
//! SIGKILL at random moments. Afterwards every write a process said it
//! committed is in the file, once; no RO number is used twice; the audit
//! chain is whole; the integrity check is clean. The long form is
//! `fd-load run --processes 8 --seconds 60` (see the README).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const FRONTDESK: &str = env!("CARGO_BIN_EXE_frontdesk");
const LOAD: &str = env!("CARGO_BIN_EXE_fd-load");

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("shop.db");
    let out = Command::new(FRONTDESK)
        .args(["demo", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn check(db: &Path) {
    let out = Command::new(FRONTDESK)
        .args(["check", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("the audit chain of") && said.contains("is whole"),
        "{said}"
    );
}

#[test]
fn eight_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out = Command::new(LOAD)
        .args([
            "run",
            "--db",
            db.to_str().unwrap(),
            "--processes",
            "8",
            "--seconds",
            "3",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("verified:") && said.contains("no lost update"),
        "{said}"
    );
    // Every kind of write happened, so each was checked.
    for kind in [" ROs", "merged lines", "payments", "moves"] {
        let count = said
            .split(", ")
            .find(|part| part.contains(kind))
            .and_then(|part| part.split_whitespace().find_map(|w| w.parse::<u64>().ok()))
            .unwrap_or(0);
        assert!(count > 0, "no {kind} in: {said}");
    }
    check(&db);
}

#[test]
fn fifty_writers_killed_at_random_moments_lose_no_committed_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut rng = fastrand::Rng::with_seed(50);
    let mut logs = Vec::new();
    for k in 0..50u32 {
        // Two at a time, so a kill often lands while the other holds the lock.
        let pair: Vec<_> = (0..2)
            .map(|j| {
                let log = dir.path().join(format!("k{k}-{j}.log"));
                let child = Command::new(LOAD)
                    .args(["worker", "--db", db.to_str().unwrap()])
                    .args(["--worker", &(k * 2 + j).to_string(), "--seconds", "30"])
                    .stdout(std::fs::File::create(&log).unwrap())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                logs.push(log);
                child
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.u64(20..150)));
        for mut child in pair {
            // SAFETY: kill(2) on a child we started and have not reaped.
            unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
            child.wait().unwrap();
        }
    }
    let claimed: usize = logs
        .iter()
        .map(|l| std::fs::read_to_string(l).unwrap().lines().count())
        .sum();
    assert!(
        claimed > 50,
        "the writers got some work done before dying: {claimed}"
    );
    let mut args = vec![
        "verify".to_string(),
        "--db".into(),
        db.display().to_string(),
    ];
    args.extend(logs.iter().map(|l| l.display().to_string()));
    let out = Command::new(LOAD).args(&args).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check(&db);
}
