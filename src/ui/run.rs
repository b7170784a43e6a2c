//! The terminal loop. It waits on one channel (see `events.rs`), handles
//! what arrives, draws once per burst, and on a timer writes drafts. Writes
//! go to the writer thread, so a terminal holding the lock elsewhere never
//! freezes this screen. On every way out the drafts are written first, and
//! the terminal is given back.

use super::app::App;
use super::events::{self, Event, Writer};
use super::scroll::Screen;
use crate::domain::clock::Clock;
use crate::store::Store;
use chrono::{DateTime, Timelike, Utc};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Drafts, the clock and the "waiting" line move on this beat.
const TICK: Duration = Duration::from_millis(250);
/// How often the watcher asks for other connections' commits. A commit
/// shows within this plus a reload, well under the second promised.
const WATCH_EVERY: Duration = Duration::from_millis(250);
/// How long a write may wait for another terminal's lock before it is
/// reported as not done. The screen goes on meanwhile.
const WRITE_PATIENCE: Duration = Duration::from_secs(30);
/// Reads in WAL mode do not wait for writers; this only covers rare
/// moments such as a checkpoint restart.
const READ_PATIENCE: Duration = Duration::from_secs(1);
/// On the way out, writes already sent get this long to land.
const GRACE: Duration = Duration::from_millis(500);
/// After a stop the process is gone within this, whatever else happens.
const DEADLINE: Duration = Duration::from_millis(900);

#[derive(Debug, Default, Clone)]
pub struct RunOptions {
    /// Draw one frame and exit (used to measure start-up time).
    pub exit_after_first_frame: bool,
    /// Append a line per reload and the reason for leaving (FRONTDESK_TRACE).
    pub trace: Option<PathBuf>,
}

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Quit,
    Signal(i32),
    TerminalGone(&'static str),
}

/// A line per event worth knowing when supporting a shop.
struct Trace(Option<std::fs::File>);

impl Trace {
    fn open(path: Option<&PathBuf>) -> Trace {
        let file = path.and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        });
        Trace(file)
    }

    fn line(&mut self, text: &str) {
        if let Some(f) = self.0.as_mut() {
            let _ = writeln!(f, "{} {text}", Utc::now().format("%H:%M:%S%.3f"));
        }
    }
}

/// Gives the terminal back without a word: it may already be gone, and a
/// failed print must not become a panic.
fn restore_terminal() {
    use crossterm::{cursor, event, execute, terminal};
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

/// Restores the terminal on every way out of `run`, including `?` errors.
/// (`ratatui::try_init` installs the panic hook that covers panics.)
struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Bracketed paste: a paste arrives as one event, so its newlines do not
/// act as Enter presses jumping from field to field.
fn enable_bracketed_paste() -> std::io::Result<()> {
    crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste)?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        previous(info);
    }));
    Ok(())
}

struct Loop<'a> {
    app: &'a mut App,
    store: &'a mut dyn Store,
    clock: &'a dyn Clock,
    writer: Option<Writer>,
    trace: Trace,
    dirty: bool,
}

pub fn run(
    app: &mut App,
    store: &mut dyn Store,
    clock: &dyn Clock,
    opts: RunOptions,
) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel();
    events::spawn_signals(tx.clone())?;
    let writer = if store.is_read_only() {
        None
    } else {
        let mut conn = store.reconnect()?;
        conn.set_lock_wait(WRITE_PATIENCE)?;
        Some(events::spawn_writer(conn, tx.clone())?)
    };
    events::spawn_watcher(store.watcher()?, WATCH_EVERY, tx.clone())?;
    store.set_lock_wait(READ_PATIENCE)?;
    app.set_now(clock.now());
    app.start(store);
    let terminal = ratatui::try_init()
        .map_err(|e| anyhow::anyhow!("cannot start the interface: this needs a terminal ({e})"))?;
    let mut screen = Screen::new(terminal);
    let _restore = RestoreOnDrop;
    enable_bracketed_paste()?;
    let tty = events::tty()?;
    events::spawn_input(&tty, tx.clone())?;
    events::spawn_hangup_watch(&tty, tx)?;
    let mut lp = Loop {
        app,
        store,
        clock,
        writer,
        trace: Trace::open(opts.trace.as_ref()),
        dirty: true,
    };
    lp.trace.line(&format!("start: pid {}", std::process::id()));
    let stop = lp.turn(&mut screen, &rx, opts.exit_after_first_frame);
    lp.shut_down(stop, &rx);
    Ok(())
}

impl Loop<'_> {
    /// Handles events until something ends the session.
    fn turn(
        &mut self,
        screen: &mut Screen<ratatui::backend::CrosstermBackend<std::io::Stdout>>,
        rx: &Receiver<Event>,
        first_frame_only: bool,
    ) -> Stop {
        // SAFETY: getppid has no preconditions.
        let parent = unsafe { libc::getppid() };
        let mut next_tick = Instant::now() + TICK;
        let mut minute = minute_of(self.clock.now());
        loop {
            if self.dirty {
                self.dirty = false;
                self.app.set_now(self.clock.now());
                if screen.draw(|f| self.app.draw(f)).is_err() {
                    return Stop::TerminalGone("the terminal cannot be written");
                }
                if first_frame_only {
                    return Stop::Quit;
                }
            }
            if self.app.quit {
                return Stop::Quit;
            }
            match rx.recv_timeout(next_tick.saturating_duration_since(Instant::now())) {
                Ok(event) => {
                    let mut next = Some(event);
                    // A burst (paste, key repeat, several commits) costs one frame.
                    while let Some(event) = next {
                        if let Some(stop) = self.handle(event) {
                            return stop;
                        }
                        next = rx.try_recv().ok();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Stop::TerminalGone("no input"),
            }
            self.send_writes();
            // The beat comes on time however busy the channel is.
            if Instant::now() >= next_tick {
                next_tick = Instant::now() + TICK;
                if let Some(stop) = self.beat(parent, &mut minute) {
                    return stop;
                }
            }
        }
    }

    fn handle(&mut self, event: Event) -> Option<Stop> {
        self.app.set_now(self.clock.now());
        match event {
            Event::Key(key) => self.app.handle_key(key, self.store),
            Event::Paste(text) => self.app.handle_paste(&text, self.store),
            Event::Resize => {}
            Event::TerminalGone(why) => return Some(Stop::TerminalGone(why)),
            Event::Signal(sig) => return Some(Stop::Signal(sig)),
            Event::DataChanged => {
                self.app.reload(&*self.store);
                self.trace.line("reload: another connection committed");
            }
            Event::WatchFailed(e) => {
                self.app.message = Some(super::app::Message {
                    text: e,
                    error: true,
                })
            }
            Event::Written(done) => self.app.written(done, self.store),
        }
        self.dirty = true;
        None
    }

    /// The beat: drafts are a timer, not a side effect of the next key;
    /// and a process whose parent has gone leaves with it.
    fn beat(&mut self, parent: libc::pid_t, minute: &mut (i64, u32)) -> Option<Stop> {
        // SAFETY: getppid has no preconditions.
        if unsafe { libc::getppid() } != parent {
            return Some(Stop::TerminalGone("the parent process is gone"));
        }
        self.app.autosave(self.store);
        let now = minute_of(self.clock.now());
        // The clock and every "time left" change once a minute.
        self.dirty |= std::mem::replace(minute, now) != now;
        // The "waiting 3 s for the database" line counts up.
        self.dirty |= self.app.waiting_line().is_some();
        None
    }

    fn send_writes(&mut self) {
        for job in self.app.take_writes() {
            let unsent = match &self.writer {
                Some(w) => w.send(job).err(),
                None => Some(Box::new(job)),
            };
            // No writer (it cannot be gone while we run): run it here.
            if let Some(job) = unsent {
                let done = super::effects::run(self.store, *job);
                self.app.written(done, self.store);
            }
        }
    }

    /// Drafts first, then a moment for writes already sent, then the
    /// terminal back, and a word about anything not saved.
    fn shut_down(&mut self, stop: Stop, rx: &Receiver<Event>) {
        arm_deadline();
        self.trace.line(&format!("exit: {stop:?}"));
        self.app.autosave(self.store);
        let until = Instant::now() + GRACE;
        while !self.app.pending_writes().is_empty() {
            match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(Event::Written(done)) => self.app.written(done, self.store),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        // A save that landed during the grace period may clear its draft.
        self.app.autosave(self.store);
        let abandoned = self.app.pending_writes();
        restore_terminal();
        for what in abandoned {
            self.trace.line(&format!("not saved: {what}"));
            let _ = writeln!(
                std::io::stderr(),
                "frontdesk: not saved, the database stayed busy: {what}"
            );
        }
    }
}

/// Whatever happens on the way out (a terminal that blocks our writes, a
/// lock that never frees), the process ends soon after a stop.
fn arm_deadline() {
    let _ = std::thread::Builder::new()
        .name("deadline".into())
        .spawn(|| {
            std::thread::sleep(DEADLINE);
            restore_terminal();
            std::process::exit(0);
        });
}

fn minute_of(t: DateTime<Utc>) -> (i64, u32) {
    (t.timestamp() / 86_400, t.minute() + 60 * t.hour())
}
