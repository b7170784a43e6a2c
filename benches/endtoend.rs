//! The end-to-end suite: the real binary in pseudo-terminals on generated
//! shops of about 100,000 and 1,000,000 ROs. Prints a table of medians and
//! 95th/99th percentiles per figure (see docs/PERFORMANCE.md).
//!
//!     cargo bench --bench endtoend                 # both sizes
//!     BENCH_SIZES=100000 cargo bench --bench endtoend
//!     BENCH_DB=/path/shop.db cargo bench --bench endtoend
//!     BENCH_ONLY=languages BENCH_SIZES=100000 cargo bench --bench endtoend

#[path = "endtoend/harness.rs"]
mod harness;

use harness::*;
use std::path::PathBuf;
use std::time::Duration;

fn main() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_frontdesk"));
    let fd_load = PathBuf::from(env!("CARGO_BIN_EXE_fd-load"));
    let dir = tempfile::tempdir().unwrap();
    let shops: Vec<(String, PathBuf)> = match std::env::var("BENCH_DB") {
        Ok(db) => vec![(db.clone(), PathBuf::from(db))],
        Err(_) => sizes()
            .into_iter()
            .map(|n| {
                // Ten years at the rate that gives n ROs.
                let per_day = ((n as f64) / (10.0 * 365.25)).round().max(1.0);
                let sub = dir.path().join(n.to_string());
                std::fs::create_dir_all(&sub).unwrap();
                let started = std::time::Instant::now();
                let db = generate(&bin, &sub, "10", &per_day.to_string());
                println!(
                    "generated {n} ROs in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                (format!("{n} ROs"), db)
            })
            .collect(),
    };
    for (name, db) in shops {
        let plan = Plan {
            bin: bin.clone(),
            fd_load: fd_load.clone(),
            db,
            samples: 200,
            writers: 8,
            terminals: 12,
            typists: 2,
            window: Duration::from_secs(10),
            quiet: Duration::from_millis(40),
        };
        println!("\n== {name}\n{}", header());
        // BENCH_ONLY=languages runs just the per-language figures.
        let figures = match std::env::var("BENCH_ONLY").as_deref() {
            Ok("languages") => languages(&plan),
            _ => run_all(&plan),
        };
        for figure in figures {
            println!("{}", figure.row());
        }
    }
}

fn sizes() -> Vec<u64> {
    std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000])
}
