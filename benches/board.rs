//! Board benchmarks on a generated shop (500 open ROs, 100,000 in all by
//! default): reload and render times, start-up to the first frame, idle CPU,
//! and how soon another process's commit shows. Medians of repeated runs.
//!
//!     cargo bench --bench board
//!     BENCH_TOTAL=20000 cargo bench --bench board   # a quicker run

#[path = "../tests/common/pty.rs"]
#[allow(dead_code)]
mod pty;

use chrono::Utc;
use frontdesk::domain::Settings;
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, OpenMode, SqliteStore};
use frontdesk::ui::app::App;
use frontdesk::ui::board::BoardPane;
use frontdesk::ui::i18n::{Lang, Texts};
use frontdesk::ui::keymap::Keymap;
use frontdesk::ui::theme::Theme;
use frontdesk::ui::timefmt::TimeFmt;
use frontdesk::ui::Session;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::time::{Duration, Instant};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let open = env_usize("BENCH_OPEN", 500);
    let total = env_usize("BENCH_TOTAL", 100_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let start = Instant::now();
    let mut store = SqliteStore::open(&db, OpenMode::Create).unwrap();
    let by = Actor {
        login: "bench",
        user_id: None,
        at: Utc::now(),
    };
    store
        .seed(
            &frontdesk::demo::synthetic_shop(Utc::now(), "bench", open, total, total / 6),
            by,
        )
        .unwrap();
    println!(
        "generated {total} ROs ({open} open) in {:.1?}",
        start.elapsed()
    );

    let reload = time(50, || store.board().unwrap());
    println!("board reload (query {open} open ROs):  median {reload:.2?}");

    let mut app = bench_app();
    let snapshot = std::sync::Arc::new(store.board().unwrap());
    let board = app.pane_mut::<BoardPane>().unwrap();
    let lanes = time(50, || board.set_snapshot(snapshot.clone(), Some(1)));
    println!("lane building + selection:            median {lanes:.2?}");
    let reload = time(50, || app.reload(&store));
    println!("whole-screen reload (shell + board):  median {reload:.2?}");
    app.set_now(Utc::now());
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        let render = time(200, || term.draw(|f| app.draw(f)).map(|_| ()).unwrap());
        println!("board render {w}x{h}:                  median {render:.2?}");
    }
    drop(store);
    terminal_figures(&db);
}

fn bench_app() -> App {
    let session = Session {
        login: "bench".into(),
        user: None,
        db_label: "big.db".into(),
        read_only: false,
        group: false,
        settings: Settings::default(),
    };
    App::new(
        session,
        Keymap::default(),
        Texts::new(Lang::En),
        Theme::with_color(true),
        TimeFmt::utc(),
    )
}

/// Figures that need the real binary in a terminal.
fn terminal_figures(db: &Path) {
    let env = pty::base_env("bench");
    let dbs = db.to_str().unwrap();
    let startup = median(
        (0..15)
            .map(|_| {
                let start = Instant::now();
                let mut tui =
                    pty::Tui::spawn(&["--db", dbs, "--exit-after-first-frame"], &env, 120, 40);
                assert!(tui.wait_exit());
                start.elapsed()
            })
            .collect(),
    );
    println!("start-up to first frame (real binary): median {startup:.1?} over 15 runs");

    let tui = pty::Tui::spawn(&["--db", dbs], &env, 120, 40);
    tui.wait_text("Filter:");
    std::thread::sleep(Duration::from_secs(2));
    let ticks = |pid: u32| -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let fields: Vec<&str> = stat
            .rsplit(") ")
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    };
    let (t0, c0) = (Instant::now(), ticks(tui.pid()));
    std::thread::sleep(Duration::from_secs(10));
    let used = (ticks(tui.pid()) - c0) as f64 / 100.0; // USER_HZ is 100 on Linux
    println!(
        "idle CPU over {:.0?}: {:.2}% of one core",
        t0.elapsed(),
        100.0 * used / t0.elapsed().as_secs_f64()
    );

    let mut tui = tui;
    let idle_key = key_to_screen(&mut tui, 30);
    println!("key to screen (search field):         median {idle_key:.2?} (30 keys)");
    // Another process holds the write lock, and a write of ours waits for it.
    let locker = rusqlite::Connection::open(db).unwrap();
    locker.execute_batch("BEGIN IMMEDIATE").unwrap();
    // A progress check: `c` opens its dialog, Ctrl-S records "on time".
    tui.send("c");
    tui.send("\x13");
    let locked_key = key_to_screen(&mut tui, 30);
    println!("key to screen, write lock held elsewhere: median {locked_key:.2?} (30 keys)");
    locker.execute_batch("ROLLBACK").unwrap();

    let conn = rusqlite::Connection::open(db).unwrap();
    let id: i64 = conn
        .query_row("SELECT customer_id FROM repair_orders WHERE status = 'checked_in' ORDER BY promised_at LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let mut seen = Vec::new();
    for i in 0..10 {
        let name = format!("Live{i:03}");
        let start = Instant::now();
        conn.execute(
            "UPDATE customers SET name = ?1 WHERE id = ?2",
            rusqlite::params![name, id],
        )
        .unwrap();
        tui.wait_text(&name);
        seen.push(start.elapsed());
    }
    println!(
        "another process's commit on screen:   median {:.0?} (10 commits)",
        median(seen)
    );
}

/// Types into the board's search field and times each key until the
/// screen shows it (the real binary in a pty, with a 0.2 ms poll).
fn key_to_screen(tui: &mut pty::Tui, n: usize) -> Duration {
    tui.send("/");
    let mut typed = String::new();
    let samples = (0..n)
        .map(|i| {
            let c = (b'a' + (i % 26) as u8) as char;
            typed.push(c);
            let start = Instant::now();
            tui.send_now(&c.to_string());
            tui.wait_text_closely(&format!("Search: {typed}"));
            start.elapsed()
        })
        .collect();
    tui.send("\x1b");
    median(samples)
}
