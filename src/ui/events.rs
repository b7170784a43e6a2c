//! Everything the terminal loop waits for arrives on one channel: keys,
//! signals, other terminals' commits, the writer's answers, and the news
//! that the terminal is gone. Each source has its own thread, so none can
//! hold up another, and the loop never blocks on the terminal or the lock.
//!
//! Why not `crossterm::event::poll` and `read`: when the terminal goes away
//! (a dropped SSH link, a closed window), crossterm 0.29 reads EOF or EIO
//! and retries forever, so the process spins at 100 % of a core (crossterm
//! #793, #1067, #1116); and it drops key sequences it does not know (see
//! `input.rs`). So the input thread waits with `poll(2)`, reads the bytes
//! itself and decodes them, and a second thread blocks on the terminal's
//! hang-up alone.

use super::effects::{self, WriteDone, WriteJob};
use super::input::{Decoder, Input};
use crate::store::{ChangeWatcher, Store};
use crossterm::event::KeyEvent;
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::mpsc::{self, Sender};
use std::thread;
use std::time::Duration;

pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Resize,
    /// The terminal is gone (EOF, EIO, POLLHUP) or its owner is: write the
    /// drafts and leave.
    TerminalGone(&'static str),
    /// SIGHUP, SIGTERM, SIGINT or SIGQUIT.
    Signal(i32),
    /// Another connection committed to the shop.
    DataChanged,
    WatchFailed(String),
    Written(WriteDone),
}

pub type Events = Sender<Event>;

/// The terminal's input, as crossterm picks it: standard input when that
/// is a terminal, else `/dev/tty`.
pub struct Tty {
    fd: RawFd,
    _file: Option<File>,
}

pub fn tty() -> io::Result<Tty> {
    // SAFETY: isatty only inspects the descriptor.
    if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
        return Ok(Tty {
            fd: libc::STDIN_FILENO,
            _file: None,
        });
    }
    let file = File::open("/dev/tty")?;
    Ok(Tty {
        fd: file.as_raw_fd(),
        _file: Some(file),
    })
}

const HANGUP: libc::c_short = libc::POLLHUP | libc::POLLERR | libc::POLLNVAL;

/// Waits until `fd` reports one of `events` (hang-ups are always reported).
fn wait(fd: RawFd, events: libc::c_short, timeout_ms: i32) -> io::Result<libc::c_short> {
    loop {
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid pollfd, for the length we pass.
        let n = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
        if n >= 0 {
            return Ok(pfd.revents);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Reads keys and pastes on their own thread.
pub fn spawn_input(tty: &Tty, tx: Events) -> io::Result<()> {
    let fd = tty.fd;
    thread::Builder::new()
        .name("input".into())
        .spawn(move || input_loop(fd, tx))?;
    Ok(())
}

/// How long the rest of a sequence may take to arrive after its ESC. Over
/// a slow SSH link the bytes of one key can come in two packets; a person
/// cannot press Esc and another key this fast.
const SEQUENCE_WAIT_MS: i32 = 40;

fn input_loop(fd: RawFd, tx: Events) {
    let mut decoder = Decoder::default();
    let mut bytes = [0u8; 4096];
    loop {
        let timeout = if decoder.pending() {
            SEQUENCE_WAIT_MS
        } else {
            -1
        };
        match wait(fd, libc::POLLIN, timeout) {
            Ok(0) => {
                if !forward_all(&tx, decoder.flush()) {
                    return;
                }
                continue;
            }
            Ok(r) if r & HANGUP == 0 => {}
            _ => return gone(&tx, "the terminal hung up"),
        }
        // SAFETY: reads into our own buffer, at most its length.
        let n = unsafe { libc::read(fd, bytes.as_mut_ptr().cast(), bytes.len()) };
        if n == 0 {
            return gone(&tx, "the terminal hung up");
        }
        if n < 0 {
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock => continue,
                _ => return gone(&tx, "the terminal cannot be read"),
            }
        }
        decoder.feed(&bytes[..n as usize]);
        if !forward_all(&tx, decoder.take()) {
            return;
        }
    }
}

/// Passes inputs on; false once nobody listens.
fn forward_all(tx: &Events, inputs: Vec<Input>) -> bool {
    inputs.into_iter().all(|input| {
        let event = match input {
            Input::Key(k) => Event::Key(k),
            Input::Paste(text) => Event::Paste(text),
        };
        tx.send(event).is_ok()
    })
}

fn gone(tx: &Events, why: &'static str) {
    let _ = tx.send(Event::TerminalGone(why));
}

/// Blocks on the terminal's hang-up alone, so a close is noticed at once
/// even while the input thread is inside crossterm.
pub fn spawn_hangup_watch(tty: &Tty, tx: Events) -> io::Result<()> {
    let fd = tty.fd;
    thread::Builder::new()
        .name("hangup".into())
        .spawn(move || {
            if let Ok(r) = wait(fd, 0, -1) {
                if r & HANGUP != 0 {
                    gone(&tx, "the terminal hung up");
                }
            }
        })?;
    Ok(())
}

/// SIGHUP (a dropped link), SIGTERM (a shutdown), SIGINT and SIGQUIT (a
/// kill from another shell; Ctrl-C itself is a key in raw mode), and
/// SIGWINCH, which crossterm only reads while it is polling.
pub fn spawn_signals(tx: Events) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGWINCH])?;
    thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                let event = match sig {
                    SIGWINCH => Event::Resize,
                    other => Event::Signal(other),
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
        })?;
    Ok(())
}

/// Polls the shop for other connections' commits.
pub fn spawn_watcher(
    mut watcher: Box<dyn ChangeWatcher>,
    every: Duration,
    tx: Events,
) -> io::Result<()> {
    thread::Builder::new()
        .name("watcher".into())
        .spawn(move || {
            let mut failing = false;
            loop {
                if !watcher.waits() {
                    thread::sleep(every);
                }
                let event = match watcher.changed() {
                    Ok(changed) => {
                        failing = false;
                        if !changed {
                            continue;
                        }
                        Event::DataChanged
                    }
                    // Say it once, not four times a second.
                    Err(_) if failing => continue,
                    Err(e) => {
                        failing = true;
                        Event::WatchFailed(e.to_string())
                    }
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
        })?;
    Ok(())
}

/// The writer thread: one connection that may wait for another terminal's
/// lock while the screen goes on. Jobs run in the order they were sent.
pub struct Writer {
    jobs: Sender<WriteJob>,
}

impl Writer {
    /// Hands a job to the writer; gives it back if the writer is gone.
    pub fn send(&self, job: WriteJob) -> Result<(), Box<WriteJob>> {
        self.jobs.send(job).map_err(|e| Box::new(e.0))
    }
}

pub fn spawn_writer(mut store: Box<dyn Store>, tx: Events) -> io::Result<Writer> {
    let (jobs, queue) = mpsc::channel::<WriteJob>();
    thread::Builder::new()
        .name("writer".into())
        .spawn(move || {
            for job in queue {
                let done = effects::run(store.as_mut(), job);
                if tx.send(Event::Written(done)).is_err() {
                    return;
                }
            }
        })?;
    Ok(Writer { jobs })
}
