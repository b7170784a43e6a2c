//! The shell: it holds the panes, one stack of layers, the session and the
//! message line, and routes. A key goes to the top layer, else to the pane
//! on screen, else to the global keys. Every command that comes back runs
//! in [`App::run`]: reads and drafts at once, writes queued for the writer.

use super::chrome;
use super::effects::{self, Who, Write, WriteDone, WriteJob};
use super::help;
use super::i18n::Texts;
use super::keymap::{Action, KeyContext, Keymap};
use super::layer::{Layer, LayerResult};
use super::pane::{Command, Ctx, Done, Pane, PaneId, Request, Session};
use super::theme::Theme;
use super::timefmt::TimeFmt;
use crate::domain::BoardSnapshot;
use crate::store::{DraftStore, Store};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;
use std::any::Any;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Below this the app shows a "too small" notice instead of a cramped board.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// A write that has waited this long is named on the message line.
const SHOW_WAITING_AFTER: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

/// What every pane may read; lent to them as a [`Ctx`].
pub struct Shell {
    pub session: Session,
    pub keymap: Keymap,
    pub texts: Texts,
    pub theme: Theme,
    pub time: TimeFmt,
    pub now: DateTime<Utc>,
    pub board: Arc<BoardSnapshot>,
    pub current: PaneId,
}

impl Shell {
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            session: &self.session,
            keymap: &self.keymap,
            texts: &self.texts,
            theme: self.theme,
            time: self.time,
            now: self.now,
            board: &self.board,
            current: self.current,
        }
    }
}

/// An open layer and the pane that opened it (which gets its result).
struct Open {
    id: u64,
    owner: PaneId,
    layer: Box<dyn Layer>,
}

/// A write sent to the writer and not yet answered.
struct Pending {
    id: u64,
    what: String,
    since: Instant,
}

/// Whose command it is: a read's result goes back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Pane(PaneId),
    Layer(u64),
}

type Work = Vec<(Origin, Command)>;

pub struct App {
    pub shell: Shell,
    panes: Vec<Box<dyn Pane>>,
    /// A hidden pane reloads when it comes on screen, not on every commit.
    stale: Vec<bool>,
    layers: Vec<Open>,
    outbox: Vec<WriteJob>,
    pending: Vec<Pending>,
    next_id: u64,
    pub message: Option<Message>,
    pub quit: bool,
    /// Reloads so far (the trace counts them; typing elsewhere must not add any).
    pub reloads: u64,
}

impl App {
    pub fn new(session: Session, keymap: Keymap, texts: Texts, theme: Theme, time: TimeFmt) -> App {
        let panes = super::panes::all();
        let message = startup_message(&session, &texts);
        App {
            shell: Shell {
                session,
                keymap,
                texts,
                theme,
                time,
                now: Utc::now(),
                board: Arc::default(),
                current: PaneId::Board,
            },
            stale: vec![true; panes.len()],
            panes,
            layers: Vec::new(),
            outbox: Vec::new(),
            pending: Vec::new(),
            next_id: 0,
            message,
            quit: false,
            reloads: 0,
        }
    }

    pub fn current(&self) -> PaneId {
        self.shell.current
    }

    /// The pane to start on (before [`App::start`]).
    pub fn start_on(&mut self, pane: PaneId) {
        self.shell.current = pane;
    }

    pub fn set_now(&mut self, now: DateTime<Utc>) {
        self.shell.now = now;
    }

    pub fn board(&self) -> &BoardSnapshot {
        &self.shell.board
    }

    /// A registered pane by its type, for tests and benchmarks.
    pub fn pane<T: Pane>(&self) -> Option<&T> {
        self.panes
            .iter()
            .find_map(|p| (p.as_ref() as &dyn Any).downcast_ref::<T>())
    }

    pub fn pane_mut<T: Pane>(&mut self) -> Option<&mut T> {
        self.panes
            .iter_mut()
            .find_map(|p| (p.as_mut() as &mut dyn Any).downcast_mut::<T>())
    }

    /// The topmost layer, if it is a `T`.
    pub fn top_layer<T: Layer>(&self) -> Option<&T> {
        let top = self.layers.last()?;
        (top.layer.as_ref() as &dyn Any).downcast_ref::<T>()
    }

    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// First load, then each pane's start-up work (the editor offers drafts).
    pub fn start(&mut self, store: &mut dyn Store) {
        self.reload(&*store);
        let mut work = Work::new();
        for i in 0..self.panes.len() {
            let cx = self.shell.ctx();
            let id = self.panes[i].id();
            work.extend(tag(id, self.panes[i].on_start(&cx)));
        }
        self.run(work, store);
    }

    /// Reloads what is on screen after a commit (anyone's). Hidden panes
    /// reload when shown.
    pub fn reload(&mut self, store: &dyn Store) {
        self.reloads += 1;
        match store.board() {
            Ok(snapshot) => self.shell.board = Arc::new(snapshot),
            Err(e) => self.warn(e.to_string()),
        }
        self.stale.iter_mut().for_each(|s| *s = true);
        self.reload_pane(self.shell.current, store);
    }

    fn reload_pane(&mut self, pane: PaneId, store: &dyn Store) {
        let i = pane.index();
        let cx = self.shell.ctx();
        let result = self.panes[i].reload(store, &cx);
        self.stale[i] = false;
        if let Err(e) = result {
            self.warn(e.to_string());
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent, store: &mut dyn Store) {
        for key in self.split_meta(key) {
            if self.quit {
                return;
            }
            self.key(key, store);
        }
    }

    /// A terminal sends Esc and a key that arrive together as Alt+key.
    /// Unless Alt+key is bound, they are the two keys the person pressed:
    /// Esc then Ctrl-C must quit, and a quick Esc j over a slow link must
    /// not turn into nothing.
    fn split_meta(&self, key: KeyEvent) -> Vec<KeyEvent> {
        if !key.modifiers.contains(KeyModifiers::ALT) || self.shell.keymap.binds(key) {
            return vec![key];
        }
        let mut bare = key;
        bare.modifiers.remove(KeyModifiers::ALT);
        vec![KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), bare]
    }

    fn key(&mut self, key: KeyEvent, store: &mut dyn Store) {
        let global = self.shell.keymap.resolve(&[KeyContext::Global], key);
        if global == Some(Action::ForceQuit) {
            self.quit = true;
            return;
        }
        if !self.layers.is_empty() {
            return self.layer_key(key, global, store);
        }
        let pane = self.shell.current;
        let cx = self.shell.ctx();
        let used = self.panes[pane.index()].key(key, &cx);
        match used {
            Some(commands) => self.run(tag(pane, commands), store),
            // A typed character never switches panes, even if a field let it go.
            None if self.panes[pane.index()].typing() && is_plain_char(key) => {}
            None => match global {
                Some(Action::Help) => self.open_help(),
                Some(Action::FindAnywhere) => {
                    let seek = Command::Push(Box::<super::seek::Seek>::default());
                    self.run(tag(pane, vec![seek]), store);
                }
                Some(action) => {
                    if let Some(to) = PaneId::for_action(action) {
                        // F4 is about the RO in hand where the key was pressed.
                        let request = match to {
                            PaneId::Checklist if to != pane => {
                                self.panes[pane.index()].in_hand().map(Request::OpenRo)
                            }
                            _ => None,
                        };
                        let work = self.show(to, request, &*store);
                        self.run(work, store);
                    }
                }
                None => {}
            },
        }
    }

    fn layer_key(&mut self, key: KeyEvent, global: Option<Action>, store: &mut dyn Store) {
        let cx = self.shell.ctx();
        let Some(top) = self.layers.last_mut() else {
            return;
        };
        let result = top.layer.key(key, &cx);
        let (id, owner) = (top.id, top.owner);
        match result {
            LayerResult::Consumed(commands) => {
                let work = commands.into_iter().map(|c| (Origin::Layer(id), c));
                self.run(work.collect(), store);
            }
            // Layers are modal: of the global keys only help reaches through.
            LayerResult::Ignored if global == Some(Action::Help) => self.open_help(),
            LayerResult::Ignored => {}
            LayerResult::Close => self.close_layer(id),
            LayerResult::Done(value) => {
                self.close_layer(id);
                // A search's pick is the shell's: it shows another pane.
                let work = match value.downcast::<super::seek::Jump>() {
                    Ok(jump) => self.show(jump.0, Some(jump.1), &*store),
                    Err(value) => self.deliver(Origin::Pane(owner), Done::Picked(value)),
                };
                self.run(work, store);
            }
        }
    }

    /// Pasted text goes to the top layer, else to the pane on screen.
    pub fn handle_paste(&mut self, text: &str, store: &mut dyn Store) {
        let cx = self.shell.ctx();
        if let Some(top) = self.layers.last_mut() {
            let id = top.id;
            if let LayerResult::Consumed(commands) = top.layer.paste(text, &cx) {
                let work = commands.into_iter().map(|c| (Origin::Layer(id), c));
                self.run(work.collect(), store);
            }
            return;
        }
        let pane = self.shell.current;
        let commands = self.panes[pane.index()].paste(text, &cx);
        self.run(tag(pane, commands), store);
    }

    /// Runs commands, and the commands their results bring, until none are left.
    fn run(&mut self, work: Work, store: &mut dyn Store) {
        let mut queue: VecDeque<(Origin, Command)> = work.into();
        while let Some((origin, command)) = queue.pop_front() {
            queue.extend(self.run_one(origin, command, store));
        }
    }

    fn run_one(&mut self, origin: Origin, command: Command, store: &mut dyn Store) -> Work {
        let owner = self.owner_of(origin);
        match command {
            Command::Read(read) => match effects::read(&*store, &read) {
                Ok(out) => return self.deliver(origin, Done::Read(out)),
                Err(e) => self.warn(e.to_string()),
            },
            Command::Drafts(op) => {
                let login = self.shell.session.login.clone();
                match effects::drafts(store, &login, &op) {
                    Ok(out) => return self.deliver(origin, Done::Read(out)),
                    Err(e) => self.warn(e.to_string()),
                }
            }
            Command::Write { write, what } => return self.queue(owner, write, what),
            Command::Push(layer) => self.push(owner, layer),
            Command::Notice(text) => self.say(text, false),
            Command::Warn(text) => self.warn(text),
            Command::Goto(pane, request) => return self.show(pane, request, &*store),
            Command::Reload => self.reload_pane(owner, &*store),
            Command::Quit => self.quit = true,
        }
        Vec::new()
    }

    fn owner_of(&self, origin: Origin) -> PaneId {
        match origin {
            Origin::Pane(p) => p,
            Origin::Layer(id) => self
                .layers
                .iter()
                .find(|l| l.id == id)
                .map_or(self.shell.current, |l| l.owner),
        }
    }

    /// Hands an outcome to whoever asked; a closed layer's reads are dropped.
    fn deliver(&mut self, origin: Origin, done: Done) -> Work {
        match origin {
            Origin::Layer(id) => {
                let open = self.layers.iter_mut().find(|l| l.id == id);
                if let (Some(open), Done::Read(out)) = (open, done) {
                    open.layer.on_read(out);
                }
                Vec::new()
            }
            Origin::Pane(pane) => {
                let cx = self.shell.ctx();
                let commands = self.panes[pane.index()].on_done(done, &cx);
                tag(pane, commands)
            }
        }
    }

    /// A write for the writer, or at once its refusal (read-only, not registered).
    fn queue(&mut self, origin: PaneId, write: Write, what: String) -> Work {
        let by = match self.shell.session.writer(&self.shell.texts) {
            Ok(user) => Who {
                login: user.login.clone(),
                user_id: user.id,
                at: self.shell.now,
            },
            Err(e) => {
                let done = Done::Wrote {
                    write,
                    what,
                    result: Err(e),
                };
                return self.deliver(Origin::Pane(origin), done);
            }
        };
        self.next_id += 1;
        let id = self.next_id;
        self.pending.push(Pending {
            id,
            what: what.clone(),
            since: Instant::now(),
        });
        self.outbox.push(WriteJob {
            id,
            origin,
            what,
            write,
            by,
        });
        Vec::new()
    }

    /// Writes waiting to be sent to the writer.
    pub fn take_writes(&mut self) -> Vec<WriteJob> {
        std::mem::take(&mut self.outbox)
    }

    /// A write came back: the pane hears how it went, then the screen reloads.
    pub fn written(&mut self, done: WriteDone, store: &mut dyn Store) {
        self.pending.retain(|p| p.id != done.id);
        let outcome = Done::Wrote {
            write: done.write,
            what: done.what,
            result: done.result,
        };
        let work = self.deliver(Origin::Pane(done.origin), outcome);
        self.reload(&*store);
        self.run(work, store);
    }

    /// Runs every queued write in place, as the writer thread would (tests,
    /// benchmarks, and commands without a terminal).
    pub fn settle(&mut self, store: &mut dyn Store) {
        loop {
            let jobs = self.take_writes();
            if jobs.is_empty() {
                return;
            }
            for job in jobs {
                let done = effects::run(store, job);
                self.written(done, store);
            }
        }
    }

    /// Writes every pane's unsaved work as drafts.
    pub fn autosave(&mut self, drafts: &mut dyn DraftStore) {
        let cx = self.shell.ctx();
        let mut failed = None;
        for pane in &mut self.panes {
            if let Err(e) = pane.autosave(drafts, &cx) {
                failed = Some(e);
            }
        }
        if let Some(e) = failed {
            self.warn(format!("draft not saved: {e}"));
        }
    }

    /// What is still waiting for the database, oldest first.
    pub fn pending_writes(&self) -> Vec<String> {
        self.pending.iter().map(|p| p.what.clone()).collect()
    }

    /// "waiting for the database …: RO-24061 → in bay · 4 s", once a write
    /// has waited long enough to notice.
    pub fn waiting_line(&self) -> Option<String> {
        let oldest = self.pending.first()?;
        let waited = oldest.since.elapsed();
        if waited < SHOW_WAITING_AFTER {
            return None;
        }
        let t = &self.shell.texts;
        let secs = waited.as_secs().to_string();
        let mut line = t.fill("msg.waiting", &[("what", &oldest.what), ("secs", &secs)]);
        if self.pending.len() > 1 {
            let n = (self.pending.len() - 1).to_string();
            line = format!("{line} ({})", t.fill("msg.waiting_more", &[("n", &n)]));
        }
        Some(line)
    }

    fn show(&mut self, pane: PaneId, request: Option<Request>, store: &dyn Store) -> Work {
        self.shell.current = pane;
        if self.stale[pane.index()] {
            self.reload_pane(pane, store);
        }
        let cx = self.shell.ctx();
        tag(pane, self.panes[pane.index()].on_show(request, &cx))
    }

    fn push(&mut self, owner: PaneId, layer: Box<dyn Layer>) {
        self.next_id += 1;
        self.layers.push(Open {
            id: self.next_id,
            owner,
            layer,
        });
    }

    fn close_layer(&mut self, id: u64) {
        self.layers.retain(|l| l.id != id);
    }

    /// Help for what has the focus, from the live bindings.
    fn open_help(&mut self) {
        let pane = &self.panes[self.shell.current.index()];
        // The open dialog's keys first, then the pane's, in its own order.
        let mut contexts: Vec<KeyContext> = Vec::new();
        if let Some(top) = self.layers.last() {
            contexts.extend(top.layer.contexts());
        }
        contexts.extend(pane.help_contexts());
        contexts.push(KeyContext::Global);
        let mut seen = Vec::new();
        contexts.retain(|c| {
            let new = !seen.contains(c);
            seen.push(*c);
            new
        });
        let view = help::help_view(
            &self.shell.keymap,
            &self.shell.texts,
            self.shell.current,
            &contexts,
            pane.help_note(),
        );
        self.push(self.shell.current, Box::new(view));
    }

    fn say(&mut self, text: String, error: bool) {
        self.message = Some(Message { text, error });
    }

    fn warn(&mut self, text: String) {
        self.say(text, true);
    }

    pub fn draw(&mut self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            chrome::too_small(frame, area, &self.shell.texts);
            if self.shell.theme.ascii {
                super::ascii::fold(frame.buffer_mut());
            }
            return;
        }
        let message = match self.waiting_line() {
            Some(text) => Some(Message { text, error: true }),
            None => self.message.clone(),
        };
        let cx = self.shell.ctx();
        // A message too long for the bar wraps above it, over the body's foot.
        let long = chrome::message_rows(&cx, area.width as usize, message.as_ref());
        let [tabs, body, note, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(long.len() as u16),
            Constraint::Length(1),
        ])
        .areas(area);
        chrome::tabs(frame, tabs, &cx);
        self.panes[cx.current.index()].render(frame, body, &cx);
        let error = message.as_ref().is_some_and(|m| m.error);
        chrome::message_block(frame, note, &cx, &long, error);
        let in_bar = if long.is_empty() {
            message.as_ref()
        } else {
            None
        };
        chrome::status_bar(frame, status, &cx, in_bar);
        for open in &self.layers {
            open.layer.render(frame, body, &cx);
        }
        if self.shell.theme.ascii {
            super::ascii::fold(frame.buffer_mut());
        }
    }
}

fn tag(pane: PaneId, commands: Vec<Command>) -> Work {
    commands
        .into_iter()
        .map(|c| (Origin::Pane(pane), c))
        .collect()
}

fn is_plain_char(key: KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn startup_message(session: &Session, texts: &Texts) -> Option<Message> {
    let text = if session.user.is_none() {
        texts.fill("msg.not_registered", &[("login", &session.login)])
    } else if session.read_only {
        texts.get("msg.read_only").to_string()
    } else {
        return None;
    };
    Some(Message { text, error: true })
}
