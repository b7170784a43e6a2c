//! The same shop on both backends: an SQLite file and a PostgreSQL group
//! server it was moved into with `frontdesk migrate`. Prints medians and
//! 95th/99th percentiles per figure for each:
//! cold start to the board, board reload, RO save with 8 writer processes,
//! commit to screen on another terminal, and the connections (or open
//! files) 12 terminals hold.
//!
//!     frontdesk generate --years 5 --cars-per-day 548 --db /tmp/big.db
//!     frontdesk migrate --from /tmp/big.db --to "host=/run/postgresql dbname=grp" --shop SH01
//!     BENCH_DB=/tmp/big.db BENCH_PG="host=/run/postgresql dbname=grp" cargo bench --bench group
//!
//! The writers change the shops (new ROs, lines, moves): run it on copies.

#[path = "endtoend/harness.rs"]
mod harness;

use frontdesk::store::{self, Location, OpenMode};
use harness::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let (Ok(file), Ok(server)) = (std::env::var("BENCH_DB"), std::env::var("BENCH_PG")) else {
        eprintln!("set BENCH_DB (a shop file) and BENCH_PG (the server it was migrated into)");
        return;
    };
    let samples: usize = std::env::var("BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(21);
    for (name, db) in [("SQLite file", file), ("PostgreSQL server", server)] {
        let plan = Plan {
            bin: PathBuf::from(env!("CARGO_BIN_EXE_frontdesk")),
            fd_load: PathBuf::from(env!("CARGO_BIN_EXE_fd-load")),
            db: PathBuf::from(&db),
            samples,
            writers: 8,
            terminals: 12,
            typists: 0,
            window: Duration::from_secs(10),
            quiet: Duration::from_millis(40),
        };
        println!("\n== {name}: {db}\n{}", header());
        let figures = [
            cold_start(&plan, 120, 40),
            reload(&plan),
            commit_to_screen(&plan),
            connections(&plan),
        ];
        for f in figures {
            println!("{}", f.row());
        }
        println!("{}", saves(&plan));
    }
}

/// The board query and its assembly, in this process, on a warm connection.
fn reload(plan: &Plan) -> Figure {
    let store = store::open(&Location::parse(plan.db.as_os_str()), OpenMode::ReadOnlyOk).unwrap();
    let samples = (0..plan.samples * 2)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(store.board().unwrap());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    figure("board reload (open ROs of the shop)", "ms", samples)
}

fn figure(name: &str, unit: &'static str, samples: Vec<f64>) -> Figure {
    Figure {
        name: name.into(),
        unit,
        samples,
    }
}

/// Another client's commit (the first open car's customer starts or stops
/// waiting) to the updated frame on a board in a pseudo-terminal.
fn commit_to_screen(plan: &Plan) -> Figure {
    match Location::parse(plan.db.as_os_str()) {
        Location::Sqlite(_) => refresh(plan),
        Location::Postgres { conninfo, .. } => {
            let mut client = frontdesk::store::postgres::connect(&conninfo).unwrap();
            let ro: i64 = client
                .query_one(
                    "SELECT id FROM repair_orders WHERE status NOT IN ('delivered','declined','cancelled')
                     ORDER BY checked_in_at LIMIT 1",
                    &[],
                )
                .unwrap()
                .get(0);
            refresh_by(plan, &mut || {
                client
                    .execute(
                        "UPDATE repair_orders SET customer_waiting = 1 - customer_waiting,
                             version = version + 1 WHERE id = $1",
                        &[&ro],
                    )
                    .unwrap();
            })
        }
    }
}

/// What 12 terminals on the board hold: server connections for the group
/// server (counted by the server), open descriptors of the shop file and
/// its WAL for SQLite (counted in /proc).
fn connections(plan: &Plan) -> Figure {
    let terms: Vec<Term> = (0..plan.terminals)
        .map(|_| Term::board(plan, 80, 24))
        .collect();
    for t in &terms {
        t.wait_text("Filter:", Duration::from_secs(30));
    }
    std::thread::sleep(Duration::from_millis(500));
    let held = match Location::parse(plan.db.as_os_str()) {
        Location::Sqlite(path) => {
            let path = std::fs::canonicalize(path).unwrap();
            terms
                .iter()
                .map(|t| open_files(t.pid(), &path))
                .sum::<usize>() as f64
        }
        Location::Postgres { conninfo, .. } => {
            let mut client = frontdesk::store::postgres::connect(&conninfo).unwrap();
            let n: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                    &[],
                )
                .unwrap()
                .get(0);
            n as f64
        }
    };
    drop(terms);
    figure("connections held by 12 terminals", "conns", vec![held])
}

/// Descriptors of `pid` open on the shop file, its WAL or its shared memory.
fn open_files(pid: u32, db: &std::path::Path) -> usize {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return 0;
    };
    fds.flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter(|target| {
            target
                .to_str()
                .zip(db.to_str())
                .is_some_and(|(t, d)| t.starts_with(d))
        })
        .count()
}

/// RO saves with 8 writer processes for 10 s (fd-load), its own summary.
fn saves(plan: &Plan) -> String {
    let out = std::process::Command::new(&plan.fd_load)
        .args(["run", "--db"])
        .arg(&plan.db)
        .args(["--processes", &plan.writers.to_string(), "--seconds", "10"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    format!(
        "8 writers, 10 s (fd-load): {}{}",
        text.trim().replace('\n', "\n    "),
        String::from_utf8_lossy(&out.stderr).trim()
    )
}
