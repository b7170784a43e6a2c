//! Runs the real `frontdesk` binary in a pseudo-terminal and reads its screen
//! through a vt100 parser, as a person at a terminal would see it.

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_frontdesk");
/// Generous: CI machines are slow and busy. Only failure waits this long.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
}

/// The environment every test process gets: a fixed login and English.
pub fn base_env(login: &str) -> Vec<(String, String)> {
    vec![
        ("USER".into(), login.into()),
        ("LOGNAME".into(), login.into()),
        ("LANG".into(), "C.UTF-8".into()),
        ("LC_ALL".into(), "".into()),
        ("TERM".into(), "xterm-256color".into()),
        ("HOME".into(), std::env::temp_dir().display().to_string()),
    ]
}

impl Tui {
    pub fn spawn(args: &[&str], env: &[(String, String)], cols: u16, rows: u16) -> Tui {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn frontdesk");
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (Arc::clone(&parser), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Tui {
            child,
            writer,
            parser,
            raw,
            _master: pty.master,
        }
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
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app read one burst before the next; keys themselves are not timed.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
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
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
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
