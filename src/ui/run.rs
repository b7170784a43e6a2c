//! The terminal loop: draw when something changed, read keys, watch the
//! database for other terminals' commits, and always give the terminal back.

use super::app::{App, Message};
use crate::domain::clock::Clock;
use crate::store::Store;
use chrono::{DateTime, Timelike, Utc};
use crossterm::event::{self, Event, KeyEventKind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the watcher asks SQLite for other processes' commits. A commit
/// shows within this plus a reload (well under the one second promised).
const WATCH_EVERY: Duration = Duration::from_millis(250);

#[derive(Debug, Default, Clone, Copy)]
pub struct RunOptions {
    /// Draw one frame and exit (used to measure start-up time).
    pub exit_after_first_frame: bool,
}

/// Restores the terminal on every way out of `run`, including `?` errors.
/// (`ratatui::try_init` installs the panic hook that covers panics.)
struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        ratatui::restore();
    }
}

/// Bracketed paste: a paste arrives as one event, so its newlines do not
/// act as Enter presses jumping from field to field. It is switched off
/// again on every way out, panics included.
fn enable_bracketed_paste() -> std::io::Result<()> {
    crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste)?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        previous(info);
    }));
    Ok(())
}

pub fn run(
    app: &mut App,
    store: &mut dyn Store,
    clock: &dyn Clock,
    opts: RunOptions,
) -> anyhow::Result<()> {
    // SIGHUP is a dropped SSH link, SIGTERM a shutdown, SIGINT/SIGQUIT a kill
    // from another shell (Ctrl-C itself arrives as a key in raw mode): leave
    // the loop and restore the terminal instead of dying with it in raw mode.
    let stop = Arc::new(AtomicBool::new(false));
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    for sig in [SIGHUP, SIGTERM, SIGINT, SIGQUIT] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let mut watcher = store.watcher()?;
    app.now = clock.now();
    app.start(store);
    let mut terminal = ratatui::try_init()
        .map_err(|e| anyhow::anyhow!("cannot start the interface: this needs a terminal ({e})"))?;
    let _restore = RestoreOnDrop;
    enable_bracketed_paste()?;
    let mut dirty = true;
    let mut minute = minute_of(clock.now());
    let mut last_watch = Instant::now();
    loop {
        if dirty {
            app.now = clock.now();
            terminal.draw(|f| app.draw(f, clock.now()))?;
            dirty = false;
            if opts.exit_after_first_frame {
                return Ok(());
            }
        }
        if app.quit || stop.load(Ordering::Relaxed) {
            // Typed work is never lost on the way out: the last draft is written now.
            super::ro::autosave(app, store, clock.now());
            return Ok(());
        }
        if event::poll(WATCH_EVERY.saturating_sub(last_watch.elapsed()))? {
            dirty |= drain_events(app, store, clock)?;
        }
        if last_watch.elapsed() >= WATCH_EVERY {
            last_watch = Instant::now();
            dirty |= watch(app, store, watcher.as_mut());
            super::ro::autosave(app, store, clock.now());
            let now_minute = minute_of(clock.now());
            // The clock and every "time left" change once a minute.
            dirty |= std::mem::replace(&mut minute, now_minute) != now_minute;
        }
    }
}

/// Handles every event already waiting, so a burst (paste, key repeat) costs
/// one redraw, not one per key.
fn drain_events(app: &mut App, store: &mut dyn Store, clock: &dyn Clock) -> anyhow::Result<bool> {
    let mut dirty = false;
    loop {
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                app.now = clock.now();
                let effects = app.handle_key(k);
                if !effects.is_empty() {
                    app.run_effects(effects, store, clock.now());
                }
                dirty = true;
            }
            Event::Paste(text) => {
                app.now = clock.now();
                let effects = app.handle_paste(&text);
                app.run_effects(effects, store, clock.now());
                dirty = true;
            }
            Event::Resize(..) => dirty = true,
            _ => {}
        }
        if app.quit || !event::poll(Duration::ZERO)? {
            return Ok(dirty);
        }
    }
}

fn watch(
    app: &mut App,
    store: &mut dyn Store,
    watcher: &mut dyn crate::store::ChangeWatcher,
) -> bool {
    match watcher.changed() {
        Ok(true) => {
            app.reload(store);
            true
        }
        Ok(false) => false,
        Err(e) => {
            let msg = Some(Message {
                text: e.to_string(),
                error: true,
            });
            let changed = app.message != msg;
            app.message = msg;
            changed
        }
    }
}

fn minute_of(t: DateTime<Utc>) -> (i64, u32) {
    (t.timestamp() / 86_400, t.minute() + 60 * t.hour())
}
