//! Runs the real `frontdesk` binary in a pseudo-terminal and reads its screen
//! through a vt100 parser, as a person at a terminal would see it.
//!
//! The helper holds the pty master through its own close-on-exec copies, so
//! [`Tui::close_master`] really closes the terminal (as a dropped SSH link or
//! a closed window does), and no other test's child can keep it open.
//! Every process it starts is ended by its pid when the test is done.

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");
/// Generous: CI machines are slow and busy. Only failure waits this long.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    pid: u32,
    writer: Option<File>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    master: Option<Box<dyn MasterPty + Send>>,
    closing: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    /// Keys pressed so far (an escape sequence is one key, as is each
    /// character typed), for counting what a task costs the advisor.
    keys: usize,
}

/// How many keys `input` is: each escape sequence (an arrow, F9) is one,
/// as is every other character.
pub fn count_keys(input: &str) -> usize {
    let mut n = 0;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        n += 1;
        if c == '\x1b' && matches!(chars.peek(), Some('[') | Some('O')) {
            chars.next();
            // Parameters, then one final byte from '@' to '~'.
            for f in chars.by_ref() {
                if ('@'..='~').contains(&f) {
                    break;
                }
            }
        }
    }
    n
}

/// Who the programs under test act as: the real uid's login, whatever
/// `$USER` claims.
pub fn me() -> String {
    frontdesk::os::real_login()
}

/// The environment every test process gets: English, and `$USER` and
/// `$LOGNAME` set to `claimed`, which identity must ignore (tests claim to
/// be the demo's advisor li.na; the real login is the demo's manager).
pub fn base_env(claimed: &str) -> Vec<(String, String)> {
    let login = claimed;
    vec![
        ("USER".into(), login.into()),
        ("LOGNAME".into(), login.into()),
        ("LANG".into(), "C.UTF-8".into()),
        ("LC_ALL".into(), "".into()),
        ("TERM".into(), "xterm-256color".into()),
        ("HOME".into(), std::env::temp_dir().display().to_string()),
    ]
}

/// A close-on-exec copy of a descriptor.
fn dup(fd: RawFd) -> File {
    // SAFETY: fcntl on a descriptor we own; the result is a new descriptor
    // that the File then owns.
    let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    assert!(copy >= 0, "dup the pty master");
    unsafe { File::from_raw_fd(copy) }
}

/// Reads the screen until told to stop (then closes its copy of the master).
fn read_screen(
    mut file: File,
    closing: Arc<AtomicBool>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
) {
    use std::os::fd::AsRawFd;
    let mut buf = [0u8; 8192];
    while !closing.load(Ordering::Relaxed) {
        let mut pfd = libc::pollfd {
            fd: file.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut pfd, 1, 50) } <= 0 || pfd.revents & libc::POLLIN == 0 {
            if pfd.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
                return;
            }
            continue;
        }
        match file.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                parser.lock().unwrap().process(&buf[..n]);
                raw.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        }
    }
}

impl Tui {
    pub fn spawn(args: &[&str], env: &[(String, String)], cols: u16, rows: u16) -> Tui {
        Tui::spawn_program(BIN, args, env, cols, rows)
    }

    /// Any program in the terminal (a shell wrapping frontdesk, say).
    pub fn spawn_program(
        program: &str,
        args: &[&str],
        env: &[(String, String)],
        cols: u16,
        rows: u16,
    ) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn");
        let pid = child.process_id().expect("child pid");
        let fd = pty.master.as_raw_fd().expect("master fd");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let closing = Arc::new(AtomicBool::new(false));
        let (file, c, p, r) = (dup(fd), closing.clone(), parser.clone(), raw.clone());
        let reader = std::thread::spawn(move || read_screen(file, c, p, r));
        Tui {
            child,
            pid,
            writer: Some(dup(fd)),
            parser,
            raw,
            master: Some(pty.master),
            closing,
            reader: Some(reader),
            keys: 0,
        }
    }

    /// Keys sent since the last call (and starts counting afresh).
    pub fn take_key_count(&mut self) -> usize {
        std::mem::take(&mut self.keys)
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the screen satisfies `pred`; returns how long it took.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> Duration {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if pred(&self.screen()) {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("timed out waiting for {what}; screen:\n{}", self.screen());
    }

    pub fn wait_text(&self, text: &str) -> Duration {
        self.wait_for(text, |s| s.contains(text))
    }

    pub fn send(&mut self, keys: &str) {
        self.keys += count_keys(keys);
        let w = self.writer.as_mut().expect("the terminal is open");
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
        // Let the app read one burst before the next; keys themselves are not timed.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Writes keys without the pause `send` leaves (for timing a key).
    pub fn send_now(&mut self, keys: &str) {
        let w = self.writer.as_mut().expect("the terminal is open");
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// `wait_text` polling every 0.2 ms, for measuring key-to-screen time.
    pub fn wait_text_closely(&self, text: &str) -> Duration {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.screen().contains(text) {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        panic!("timed out waiting for {text}; screen:\n{}", self.screen());
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Closes the terminal as a dropped link or a closed window does: every
    /// copy of the master goes, without a last byte sent to the program.
    pub fn close_master(&mut self) {
        self.closing.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.writer = None;
        self.master = None;
    }

    /// Waits for the process to end and returns whether it exited with 0.
    pub fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        panic!("frontdesk did not exit; screen:\n{}", self.screen());
    }

    /// Waits up to `limit` for the process to end, without reaping it, and
    /// returns how long that took and the CPU ticks (1/100 s) it used in all.
    pub fn wait_dead(&self, limit: Duration) -> Option<(Duration, u64)> {
        let start = Instant::now();
        while start.elapsed() < limit {
            match cpu_ticks(self.pid) {
                Some((state, ticks)) if state == 'Z' || state == 'X' => {
                    return Some((start.elapsed(), ticks))
                }
                None => return Some((start.elapsed(), 0)),
                _ => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        None
    }
}

/// A process's state letter and its user plus system CPU ticks.
pub fn cpu_ticks(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit(") ").next()?.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((state, ticks))
}

impl Drop for Tui {
    fn drop(&mut self) {
        // End what we started, by its pid, even if the test failed midway.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.closing.store(true, Ordering::Relaxed);
    }
}

/// Creates the demo shop at `path` with the real binary, clock pinned.
pub fn make_demo(path: &Path, login: &str, now: &str) {
    let out = std::process::Command::new(BIN)
        .args(["demo", "--db", path.to_str().unwrap(), "--now", now])
        .env("USER", login)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The autosaved drafts kept beside the shop file.
pub fn drafts_file(db: &Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}-drafts", db.display()))
}

/// The payloads of every draft on disk (none if the file is not there yet).
pub fn drafts_on_disk(db: &Path) -> Vec<String> {
    let Ok(conn) = rusqlite::Connection::open_with_flags(
        drafts_file(db),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return Vec::new();
    };
    let Ok(mut stmt) = conn.prepare("SELECT payload FROM drafts") else {
        return Vec::new();
    };
    stmt.query_map([], |r| r.get(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Waits until a draft containing `text` is on disk.
pub fn wait_for_draft(db: &Path, text: &str) {
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        if drafts_on_disk(db).iter().any(|p| p.contains(text)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no draft containing {text:?} was written");
}

/// The clock every end-to-end test pins.
pub const NOW: &str = "2026-11-22T10:00:00+08:00";

/// A demo shop in a fresh temporary folder (kept alive by the returned guard).
pub fn fresh_demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    make_demo(&db, "tester", NOW);
    (dir, db)
}

/// The RO number of a car waiting for a bay (the one promised last).
pub fn waiting_for_bay(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT number FROM repair_orders WHERE status = 'waiting_for_bay'
             ORDER BY promised_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The arguments that open `pane` on `db` with the pinned clock, in +08:00.
pub fn ui_args(db: &Path, pane: &str) -> Vec<String> {
    let db = db.to_str().unwrap();
    [
        "--db",
        db,
        "--now",
        NOW,
        "--utc-offset",
        "+08:00",
        "--pane",
        pane,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// frontdesk on `pane` of `db`, with `env`, in a terminal of `cols`×`rows`.
pub fn open_pane(db: &Path, pane: &str, env: &[(String, String)], cols: u16, rows: u16) -> Tui {
    let args = ui_args(db, pane);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Tui::spawn(&args, env, cols, rows)
}

/// Searches the board for the RO and assigns it to the free lift B4 and
/// the first group. The move is sent; whether it lands is the caller's.
pub fn assign_to_free_lift(tui: &mut Tui, number: &str) {
    tui.send("/");
    tui.send(number);
    tui.send("\r");
    tui.wait_text(&format!("> {number}"));
    tui.send("a");
    tui.wait_text("Assign bay");
    tui.wait_text("> B4  Lift 4 — free");
    tui.send("\r");
    tui.wait_text("Work group");
    tui.send("\r");
}
