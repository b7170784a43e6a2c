//! The end-to-end benchmark in its quick mode: a small generated shop,
//! a few samples of every figure. It checks that each figure measured
//! something, never how fast (timing asserts are flaky on shared CI).

#[path = "../benches/endtoend/harness.rs"]
mod harness;

use harness::*;
use std::path::PathBuf;
use std::time::Duration;

#[test]
fn the_benchmark_suite_measures_every_figure() {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_frontdesk"));
    let dir = tempfile::tempdir().unwrap();
    let db = generate(&bin, dir.path(), "0.2", "40");
    let plan = Plan {
        bin,
        fd_load: PathBuf::from(env!("CARGO_BIN_EXE_fd-load")),
        db,
        samples: 4,
        writers: 2,
        terminals: 3,
        typists: 1,
        window: Duration::from_secs(1),
        quiet: Duration::from_millis(40),
    };
    let figures = run_all(&plan);
    for f in &figures {
        eprintln!("{}", f.row());
    }
    let find = |name: &str| {
        figures
            .iter()
            .find(|f| f.name.starts_with(name))
            .unwrap_or_else(|| panic!("no figure {name}"))
    };
    for f in &figures {
        assert!(!f.samples.is_empty(), "{}: no samples", f.name);
        assert!(
            f.samples.iter().all(|v| v.is_finite() && *v >= 0.0),
            "{}",
            f.row()
        );
    }
    // Each measures something real: time passed, bytes came, memory was used.
    for name in [
        "cold start to board, 80x24",
        "cold start to board, 200x50",
        "key to last byte: cursor move",
        "key to last byte: page move",
        "key to last byte: pane switch",
        "key to last byte: search as you type",
        "key to last byte: typing in a text field",
        "bytes per cursor move",
        "bytes per page move",
        "peak memory, app",
        "RO save",
        "next RO number",
    ] {
        assert!(find(name).percentile(0.5) > 0.0, "{}", find(name).row());
    }
    assert!(find("3 terminals, commits").samples[0] > 0.0);
    assert_eq!(
        find("busy errors").samples[0],
        0.0,
        "a save was refused as busy"
    );
}
