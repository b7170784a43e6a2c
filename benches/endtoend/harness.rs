//! The end-to-end benchmark: the real `frontdesk` binary in pseudo-terminals
//! on a generated shop, measured from outside as a person at a terminal
//! meets it. Each figure is a list of samples; the report prints medians
//! and 95th/99th percentiles. `cargo bench --bench endtoend` runs it in
//! full; `tests/bench_quick.rs` runs it small and checks that every figure
//! measured something (never how fast: timing asserts are flaky).

#![allow(dead_code)]

use frontdesk::domain::repair_order::{CustomerRef, VehicleRef};
use frontdesk::domain::{vin, MoveRequest, RepairOrder, RoStatus};
use frontdesk::store::prelude::*;
use frontdesk::store::{Actor, OpenMode, SaveRo, SqliteStore, StoreError};
use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DOWN: &str = "j";
pub const UP: &str = "k";
pub const PAGE_DOWN: &str = "\x1b[6~";
pub const PAGE_UP: &str = "\x1b[5~";
pub const CTRL_F: &str = "\x06";
pub const ESC: &str = "\x1b";

/// How much to measure.
#[derive(Clone)]
pub struct Plan {
    pub bin: PathBuf,
    pub fd_load: PathBuf,
    pub db: PathBuf,
    /// Samples per key figure.
    pub samples: usize,
    /// Processes writing at once for the save figure.
    pub writers: usize,
    /// Terminals in the shop-server figure, and how many of them type.
    pub terminals: usize,
    pub typists: usize,
    /// How long the shop server and the idle figure run.
    pub window: Duration,
    /// Output this long silent ends a frame.
    pub quiet: Duration,
}

/// One measured figure.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub unit: &'static str,
    pub samples: Vec<f64>,
}

impl Figure {
    fn new(name: impl Into<String>, unit: &'static str, samples: Vec<f64>) -> Figure {
        Figure {
            name: name.into(),
            unit,
            samples,
        }
    }

    pub fn percentile(&self, p: f64) -> f64 {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        if s.is_empty() {
            return f64::NAN;
        }
        let i = ((s.len() - 1) as f64 * p).round() as usize;
        s[i]
    }

    pub fn row(&self) -> String {
        format!(
            "{:<44} {:>5} {:>10.3} {:>10.3} {:>10.3} {}",
            self.name,
            self.samples.len(),
            self.percentile(0.5),
            self.percentile(0.95),
            self.percentile(0.99),
            self.unit
        )
    }
}

pub fn header() -> String {
    format!(
        "{:<44} {:>5} {:>10} {:>10} {:>10} unit",
        "figure", "n", "median", "p95", "p99"
    )
}

/// What a terminal received: when each chunk came, and the screen.
struct Screen {
    chunks: Vec<(Instant, usize)>,
    parser: vt100::Parser,
}

/// The binary in a pseudo-terminal. Dropping it ends the process by pid.
pub struct Term {
    child: Box<dyn Child + Send + Sync>,
    pid: u32,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<Screen>>,
    _master: Box<dyn MasterPty + Send>,
    quiet: Duration,
}

impl Term {
    pub fn spawn(plan: &Plan, cols: u16, rows: u16, pane: &str) -> Term {
        Term::spawn_with(plan, cols, rows, pane, &[])
    }

    /// `spawn`, with more arguments (`--lang es`).
    pub fn spawn_with(plan: &Plan, cols: u16, rows: u16, pane: &str, extra: &[&str]) -> Term {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(&plan.bin);
        cmd.args(["--db", plan.db.to_str().unwrap(), "--pane", pane]);
        cmd.args(extra);
        for (k, v) in [
            ("LANG", "C.UTF-8"),
            ("LC_ALL", ""),
            ("TERM", "xterm-256color"),
        ] {
            cmd.env(k, v);
        }
        cmd.env("HOME", std::env::temp_dir());
        let child = pty.slave.spawn_command(cmd).expect("frontdesk starts");
        let pid = child.process_id().unwrap_or(0);
        let mut reader = pty.master.try_clone_reader().expect("a reader");
        let writer = pty.master.take_writer().expect("a writer");
        let screen = Arc::new(Mutex::new(Screen {
            chunks: Vec::new(),
            parser: vt100::Parser::new(rows, cols, 0),
        }));
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = sink.lock().unwrap();
                s.chunks.push((Instant::now(), n));
                s.parser.process(&buf[..n]);
            }
        });
        Term {
            child,
            pid,
            writer,
            screen,
            _master: pty.master,
            quiet: plan.quiet,
        }
    }

    /// A terminal on the board once its first frame is complete.
    pub fn board(plan: &Plan, cols: u16, rows: u16) -> Term {
        let term = Term::spawn(plan, cols, rows, "board");
        term.wait_text("Filter:", Duration::from_secs(20));
        term.settle(0, Duration::from_secs(5));
        term
    }

    /// From the board into a text field: the new-RO form's first field.
    fn new_ro_form(&mut self) {
        self.key("2");
        self.key("n");
        self.wait_text("New repair order", Duration::from_secs(5));
        self.key("ZZ9");
        self.key("\r");
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    fn mark(&self) -> usize {
        self.screen.lock().unwrap().chunks.len()
    }

    /// Waits until the output has been silent for the quiet time; returns
    /// the time of the last chunk after `from` and the bytes since.
    fn settle(&self, from: usize, limit: Duration) -> (Option<Instant>, usize) {
        let start = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(2));
            let s = self.screen.lock().unwrap();
            let last = s.chunks.last().map(|c| c.0);
            let silent = last.is_none_or(|t| t.elapsed() >= self.quiet);
            let arrived = s.chunks.len() > from;
            if (arrived && silent) || start.elapsed() > limit {
                let after = &s.chunks[from.min(s.chunks.len())..];
                return (after.last().map(|c| c.0), after.iter().map(|c| c.1).sum());
            }
        }
    }

    pub fn wait_text(&self, text: &str, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.text().contains(text) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        false
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().parser.screen().contents()
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Sends `keys`; the time to the last byte of the frame it caused, in
    /// ms, and the bytes of that frame.
    pub fn key(&mut self, keys: &str) -> (f64, usize) {
        let from = self.mark();
        let sent = Instant::now();
        self.send(keys);
        let (last, bytes) = self.settle(from, Duration::from_secs(5));
        let ms = last.map_or(0.0, |t| {
            t.saturating_duration_since(sent).as_secs_f64() * 1e3
        });
        (ms, bytes)
    }

    /// Bytes written while nothing happens, per second.
    pub fn idle_bytes(&self, window: Duration) -> f64 {
        let from = self.mark();
        std::thread::sleep(window);
        let s = self.screen.lock().unwrap();
        let bytes: usize = s.chunks[from..].iter().map(|c| c.1).sum();
        bytes as f64 / window.as_secs_f64()
    }

    /// Peak resident memory (VmHWM), in MiB.
    pub fn peak_mib(&self) -> f64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the pid this terminal started.
        unsafe {
            libc::kill(self.pid as i32, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// CPU time (user + system) a process has used, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which may hold spaces.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15, 12 and 13 after the name.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (ticks(11) + ticks(12)) / hz
}

/// Cold start to the first complete board frame.
pub fn cold_start(plan: &Plan, cols: u16, rows: u16) -> Figure {
    let samples = (0..plan.samples)
        .map(|_| {
            let started = Instant::now();
            let term = Term::spawn(plan, cols, rows, "board");
            term.wait_text("Filter:", Duration::from_secs(10));
            let (last, _) = term.settle(0, Duration::from_secs(5));
            last.map_or(0.0, |t| (t - started).as_secs_f64() * 1e3)
        })
        .collect();
    Figure::new(format!("cold start to board, {cols}x{rows}"), "ms", samples)
}

/// A frame this small changed nothing but the cursor state: the key hit
/// the end of the list.
const NO_MOVE: usize = 40;

/// Moves pressed one way until the list ends, then back, each timed and
/// counted; a key at the end of the list is not a move and is not counted.
fn keys(term: &mut Term, samples: usize, there: &str, back: &str) -> (Vec<f64>, Vec<f64>) {
    let (mut ms, mut bytes) = (Vec::new(), Vec::new());
    let (mut key, mut stuck) = (there, 0);
    while ms.len() < samples && stuck < 4 {
        let (t, b) = term.key(key);
        if b <= NO_MOVE {
            key = if key == there { back } else { there };
            stuck += 1;
            continue;
        }
        stuck = 0;
        ms.push(t);
        bytes.push(b as f64);
    }
    (ms, bytes)
}

/// Key to last byte and bytes per key on the board, in the editor and in
/// search; bytes while idle; the app's peak memory.
pub fn keys_and_bytes(plan: &Plan) -> Vec<Figure> {
    let mut term = Term::board(plan, 80, 24);
    let (ms, bytes) = keys(&mut term, plan.samples, DOWN, UP);
    let mut out = vec![
        Figure::new("key to last byte: cursor move (j/k)", "ms", ms),
        Figure::new("bytes per cursor move, 80x24", "B", bytes),
    ];
    let (ms, bytes) = keys(&mut term, plan.samples.min(40), PAGE_DOWN, PAGE_UP);
    out.push(Figure::new("key to last byte: page move", "ms", ms));
    out.push(Figure::new("bytes per page move, 80x24", "B", bytes));
    let switch: Vec<f64> = (0..plan.samples.min(40))
        .map(|i| term.key(if i % 2 == 0 { "3" } else { "2" }).0)
        .collect();
    out.push(Figure::new("key to last byte: pane switch", "ms", switch));
    out.push(Figure::new(
        "bytes while idle, board",
        "B/s",
        vec![term.idle_bytes(plan.window)],
    ));
    out.push(search(&mut term, plan));
    out.push(typing(&mut term, plan));
    out.push(Figure::new(
        "peak memory, app",
        "MiB",
        vec![term.peak_mib()],
    ));
    out
}

/// The board's cursor key in each language, against English: the same
/// moves, with each language's words (and Chinese's double-width cells).
pub fn languages(plan: &Plan) -> Vec<Figure> {
    let mut out = Vec::new();
    for (lang, filter) in [("en", "Filter"), ("zh", "筛选"), ("es", "Filtro")] {
        let mut term = Term::spawn_with(plan, 80, 24, "board", &["--lang", lang]);
        term.wait_text(filter, Duration::from_secs(20));
        term.settle(0, Duration::from_secs(5));
        let (ms, bytes) = keys(&mut term, plan.samples, DOWN, UP);
        out.push(Figure::new(
            format!("key to last byte: cursor move, {lang}"),
            "ms",
            ms,
        ));
        out.push(Figure::new(
            format!("bytes per cursor move, {lang}"),
            "B",
            bytes,
        ));
    }
    out
}

/// Ctrl-F and a plate typed letter by letter: each key searches the shop.
fn search(term: &mut Term, plan: &Plan) -> Figure {
    term.send("2");
    let mut ms = Vec::new();
    while ms.len() < plan.samples {
        term.key(CTRL_F);
        for c in "A1B2C3D4".chars() {
            ms.push(term.key(&c.to_string()).0);
        }
        term.key(ESC);
    }
    Figure::new("key to last byte: search as you type", "ms", ms)
}

/// Letters typed into a text field of the new-RO form.
fn typing(term: &mut Term, plan: &Plan) -> Figure {
    term.new_ro_form();
    let mut ms = Vec::new();
    for i in 0..plan.samples {
        let c = if i % 30 == 29 { "\x7f" } else { "a" };
        ms.push(term.key(c).0);
    }
    term.key(ESC);
    Figure::new("key to last byte: typing in a text field", "ms", ms)
}

/// An open RO on the board, and its version.
fn open_ro(db: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT id, version FROM repair_orders WHERE status NOT IN ('delivered','declined','cancelled')
         ORDER BY checked_in_at LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// Another terminal's commits, as the boards see them: the customer of the
/// first car on the board starts or stops waiting (its WAIT flag).
struct OtherTerminal {
    conn: rusqlite::Connection,
    ro: i64,
}

impl OtherTerminal {
    fn open(db: &Path) -> OtherTerminal {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        OtherTerminal {
            conn,
            ro: open_ro(db).0,
        }
    }

    fn commit(&self) {
        self.conn
            .execute(
                "UPDATE repair_orders SET customer_waiting = 1 - customer_waiting, version = version + 1
                 WHERE id = ?1",
                [self.ro],
            )
            .unwrap();
    }
}

/// From another process's commit to the updated frame: the customer of
/// the first car on the board starts and stops waiting (its WAIT flag).
pub fn refresh(plan: &Plan) -> Figure {
    let other = OtherTerminal::open(&plan.db);
    refresh_by(plan, &mut || other.commit())
}

/// From `commit` (another client's) to the updated frame on a board.
pub fn refresh_by(plan: &Plan, commit: &mut dyn FnMut()) -> Figure {
    let term = Term::board(plan, 80, 24);
    let samples = (0..plan.samples.min(40))
        .map(|_| {
            let from = term.mark();
            commit();
            let committed = Instant::now();
            let (last, _) = term.settle(from, Duration::from_secs(3));
            last.map_or(0.0, |t| {
                t.saturating_duration_since(committed).as_secs_f64() * 1e3
            })
        })
        .collect();
    Figure::new("refresh: foreign commit to updated frame", "ms", samples)
}

/// A new RO for the save figure, with a car no one else has.
fn new_ro(n: usize) -> RepairOrder {
    let mut ro = RepairOrder::new("bench");
    ro.customer = CustomerRef {
        id: None,
        name: format!("Bench {n}"),
        phone: format!("139{n:08}"),
    };
    let raw = format!("LBE00{n:012}");
    ro.vehicle = VehicleRef {
        id: None,
        vin: vin::with_check_digit(&raw).unwrap_or(raw),
        plate: format!("粤Z·B{n:05}"),
        make: "Bench".into(),
        model: "Car".into(),
        last_odometer_km: None,
    };
    ro.odometer_in_km = Some(1_000);
    ro.concerns = "bench".into();
    ro
}

fn regroup(store: &mut SqliteStore) -> Option<MoveRequest> {
    let snap = store.board().ok()?;
    let car = snap.cards.iter().find(|c| c.status() == RoStatus::InBay)?;
    let group = snap
        .groups
        .iter()
        .find(|g| Some(g.id) != car.work_group_id)?;
    Some(MoveRequest {
        ro_id: car.id,
        expected_version: car.version,
        to: RoStatus::InBay,
        bay_id: car.bay_id,
        work_group_id: Some(group.id),
    })
}

/// RO saves and board moves, timed here, while `writers` fd-load
/// processes write the same file (every connection synchronous=FULL).
pub fn saves(plan: &Plan) -> Vec<Figure> {
    let workers: Vec<std::process::Child> = (0..plan.writers)
        .map(|w| {
            std::process::Command::new(&plan.fd_load)
                .args(["worker", "--db", plan.db.to_str().unwrap()])
                .args(["--worker", &(w + 1).to_string()])
                .args(["--seconds", &(plan.window.as_secs() + 2).to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("fd-load starts")
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut store = SqliteStore::open(&plan.db, OpenMode::ReadWrite).unwrap();
    store.set_lock_wait(Duration::from_secs(30)).unwrap();
    let login = frontdesk::os::real_login();
    let user_id: Option<i64> = rusqlite::Connection::open(&plan.db)
        .unwrap()
        .query_row("SELECT id FROM users WHERE login = ?1", [&login], |r| {
            r.get(0)
        })
        .ok();
    let (mut save, mut moves, mut busy) = (Vec::new(), Vec::new(), 0);
    let until = Instant::now() + plan.window;
    let mut n = std::process::id() as usize * 1000;
    while Instant::now() < until {
        n += 1;
        let by = Actor {
            login: &login,
            user_id,
            at: chrono::Utc::now(),
        };
        let began = Instant::now();
        match store.save_ro(&SaveRo::new(&new_ro(n)), by) {
            Ok(_) => save.push(began.elapsed().as_secs_f64() * 1e3),
            Err(StoreError::Busy) => busy += 1,
            Err(e) => panic!("save failed: {e}"),
        }
        // A car in a bay handed to another work group, as a dispatcher does.
        let Some(req) = regroup(&mut store) else {
            continue;
        };
        let began = Instant::now();
        match store.move_ro(&req, by) {
            Ok(()) => moves.push(began.elapsed().as_secs_f64() * 1e3),
            Err(StoreError::Busy) => busy += 1,
            Err(_) => {}
        }
    }
    for mut w in workers {
        let _ = w.kill();
        let _ = w.wait();
    }
    vec![
        Figure::new(
            format!("RO save, {} writers at once", plan.writers),
            "ms",
            save,
        ),
        Figure::new(
            format!("board move, {} writers at once", plan.writers),
            "ms",
            moves,
        ),
        Figure::new("busy errors during the saves", "count", vec![busy as f64]),
    ]
}

/// The next RO number, as a save takes it: the counter row read and
/// bumped under the write lock.
pub fn next_number(plan: &Plan) -> Figure {
    let mut conn = rusqlite::Connection::open(&plan.db).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let samples = (0..plan.samples * 5)
        .map(|_| {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .unwrap();
            let began = Instant::now();
            let _: i64 = tx
                .query_row(
                    "UPDATE ro_counter SET last_serial = max(last_serial, 24000) + 1
                     WHERE prefix = 'RO-' RETURNING last_serial",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            let t = began.elapsed().as_secs_f64() * 1e3;
            tx.rollback().unwrap();
            t
        })
        .collect();
    Figure::new("next RO number", "ms", samples)
}

/// A shop server: `terminals` sessions on one file, `typists` of them
/// typing in a text field, the others on the board, while a writer
/// commits once a second. Total CPU per second (idle, then busy) and the
/// typists' key to last byte.
pub fn shop_server(plan: &Plan) -> Vec<Figure> {
    let mut terms: Vec<Term> = (0..plan.terminals)
        .map(|_| Term::board(plan, 80, 24))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let pids: Vec<u32> = terms.iter().map(Term::pid).collect();
    let idle = cpu_share(&pids, plan.window, |_| {});
    for t in terms.iter_mut().take(plan.typists) {
        t.new_ro_form();
    }
    let other = OtherTerminal::open(&plan.db);
    let mut ms = Vec::new();
    // The typists type five keys a second each, timed; a commit lands
    // every second and every board reloads.
    let busy = cpu_share(&pids, plan.window, |tick| {
        if tick % 5 == 0 {
            other.commit();
        }
        for t in terms.iter_mut().take(plan.typists) {
            ms.push(t.key(if tick % 20 == 19 { "\x7f" } else { "b" }).0);
        }
    });
    vec![
        Figure::new(
            format!("{} terminals idle, total CPU", plan.terminals),
            "% core",
            vec![idle],
        ),
        Figure::new(
            format!(
                "{} terminals, commits each second, total CPU",
                plan.terminals
            ),
            "% core",
            vec![busy],
        ),
        Figure::new(
            format!("key to last byte, typist among {}", plan.terminals),
            "ms",
            ms,
        ),
    ]
}

/// The CPU the terminals used over `window`, as a share of one core, with
/// `each` called every 200 ms meanwhile.
fn cpu_share(pids: &[u32], window: Duration, mut each: impl FnMut(u32)) -> f64 {
    let before: f64 = pids.iter().map(|&p| cpu_seconds(p)).sum();
    let start = Instant::now();
    let mut tick = 0;
    while start.elapsed() < window {
        let next = start + Duration::from_millis(200) * (tick + 1);
        each(tick);
        tick += 1;
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    let after: f64 = pids.iter().map(|&p| cpu_seconds(p)).sum();
    (after - before) / start.elapsed().as_secs_f64() * 100.0
}

/// Every figure, in the order the report prints them.
pub fn run_all(plan: &Plan) -> Vec<Figure> {
    let mut out = vec![cold_start(plan, 80, 24), cold_start(plan, 200, 50)];
    out.extend(keys_and_bytes(plan));
    out.extend(languages(plan));
    out.push(refresh(plan));
    out.push(next_number(plan));
    out.extend(shop_server(plan));
    out.extend(saves(plan));
    out
}

/// A generated shop of `years` × `per_day` cars in `dir`, its history
/// ending at 17:00 in the shop (09:00 UTC) today, so that whatever the
/// hour of the run, the board holds an afternoon's cars, some in bays.
pub fn generate(bin: &Path, dir: &Path, years: &str, per_day: &str) -> PathBuf {
    let db = dir.join("shop.db");
    let mut end = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_utc();
    if end > chrono::Utc::now() {
        end -= chrono::Duration::days(1);
    }
    let out = std::process::Command::new(bin)
        .args(["--now", &end.to_rfc3339()])
        .args(["generate", "--years", years, "--cars-per-day", per_day])
        .args(["--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}
