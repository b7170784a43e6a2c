//! The unit of the interface. Every pane (F2 … F8) implements [`Pane`]: it
//! turns actions into [`Command`]s without doing I/O, takes the outcome of
//! its commands in `on_done`, loads what it shows in `reload`, and draws
//! itself. The app only routes; no pane imports the app or another pane.

use super::effects::{DraftOp, Read, ReadOut, Write, WriteOut};
use super::i18n::Texts;
use super::keymap::{Action, KeyContext, Keymap};
use super::layer::Layer;
use super::theme::Theme;
use super::timefmt::TimeFmt;
use crate::domain::{BoardSnapshot, Settings, User};
use crate::store::{DraftStore, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::any::Any;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Board,
    RepairOrder,
    Checklist,
    Callbacks,
    Appointments,
    Customers,
    Reports,
}

impl PaneId {
    pub const ALL: [PaneId; 7] = [
        PaneId::Board,
        PaneId::RepairOrder,
        PaneId::Checklist,
        PaneId::Callbacks,
        PaneId::Appointments,
        PaneId::Customers,
        PaneId::Reports,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PaneId::Board => "board",
            PaneId::RepairOrder => "repair_order",
            PaneId::Checklist => "checklist",
            PaneId::Callbacks => "callbacks",
            PaneId::Appointments => "appointments",
            PaneId::Customers => "customers",
            PaneId::Reports => "reports",
        }
    }

    pub fn from_name(name: &str) -> Option<PaneId> {
        let name = name.replace('-', "_");
        PaneId::ALL
            .into_iter()
            .find(|p| p.key() == name || (name == "ro" && *p == PaneId::RepairOrder))
    }

    /// The F-key that opens the pane (F2…F8).
    pub fn function_key(self) -> u8 {
        self.index() as u8 + 2
    }

    pub fn index(self) -> usize {
        PaneId::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane a global action switches to.
    pub fn for_action(action: Action) -> Option<PaneId> {
        Some(match action {
            Action::PaneBoard => PaneId::Board,
            Action::PaneRepairOrder => PaneId::RepairOrder,
            Action::PaneChecklist => PaneId::Checklist,
            Action::PaneCallbacks => PaneId::Callbacks,
            Action::PaneAppointments => PaneId::Appointments,
            Action::PaneCustomers => PaneId::Customers,
            Action::PaneReports => PaneId::Reports,
            _ => return None,
        })
    }
}

/// Who is at the keyboard and what they are connected to.
pub struct Session {
    pub login: String,
    /// None when the OS login is not in the users table: the board is read-only.
    pub user: Option<User>,
    pub db_label: String,
    pub read_only: bool,
    /// A group server: G shows the call queue and reports for the group.
    pub group: bool,
    pub settings: Settings,
}

impl Session {
    /// The session of `login` on `store`: the role table's user (None when
    /// the login is not registered), the shop's settings, read-only or not.
    pub fn open(store: &dyn Store, login: &str, db_label: String) -> StoreResult<Session> {
        Ok(Session {
            login: login.to_string(),
            user: store.user_by_login(login)?,
            db_label,
            read_only: store.is_read_only(),
            group: store.is_group(),
            settings: store.settings()?,
        })
    }

    pub fn me(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    /// The role table's answer for this terminal's user (screens use it
    /// only to hide what the role cannot do; the store decides).
    pub fn may(&self, p: crate::domain::roles::Permission) -> bool {
        crate::domain::roles::may(self.user.as_ref().map(|u| u.role), p)
    }

    /// Whether this terminal's user may do `p`: not when nobody here may
    /// write (unregistered, read-only), nor when the role table says no.
    /// Said in words, before anything is typed in vain.
    pub fn permit(&self, p: crate::domain::roles::Permission, t: &Texts) -> Result<(), String> {
        let user = self.writer(t).map_err(|e| e.to_string())?;
        crate::domain::roles::require(Some(user.role), p).map_err(|f| f.to_string())
    }

    /// The user who may write, or why nobody at this terminal can.
    pub fn writer(&self, t: &Texts) -> Result<&User, StoreError> {
        let Some(user) = &self.user else {
            let msg = t.fill("msg.not_registered", &[("login", &self.login)]);
            return Err(StoreError::Invalid(msg));
        };
        if self.read_only {
            return Err(StoreError::Invalid(t.get("msg.read_only").into()));
        }
        Ok(user)
    }
}

/// What every pane may read, and nothing it may change.
pub struct Ctx<'a> {
    pub session: &'a Session,
    pub keymap: &'a Keymap,
    pub texts: &'a Texts,
    pub theme: Theme,
    pub time: TimeFmt,
    pub now: DateTime<Utc>,
    /// The open ROs with bays and groups, loaded once per reload for all panes.
    pub board: &'a Arc<BoardSnapshot>,
    /// The pane on screen.
    pub current: PaneId,
}

/// What a pane (or a layer) asks the shell to do.
pub enum Command {
    /// Read from the store at once (readers never wait for a writer's lock);
    /// the result comes back to `on_done`.
    Read(Read),
    /// Drafts live apart from the shop's records and never wait for its lock.
    Drafts(DraftOp),
    /// Write to the store. Queued to the writer, so the screen keeps drawing
    /// while it waits for another terminal; the message line names `what`
    /// while it waits, and the outcome comes back to `on_done`.
    Write {
        write: Write,
        what: String,
    },
    /// Open a layer (picker, dialog) above the pane; what it picks comes
    /// back to `on_done` as [`Done::Picked`].
    Push(Box<dyn Layer>),
    Notice(String),
    Warn(String),
    /// Show another pane, with a request for it.
    Goto(PaneId, Option<Request>),
    /// Reload the pane that asked (its filter changed).
    Reload,
    Quit,
}

impl Command {
    pub fn write(write: Write, what: impl Into<String>) -> Command {
        Command::Write {
            write,
            what: what.into(),
        }
    }
}

/// What one pane may ask of another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    OpenRo(i64),
    NewRo,
    /// F7: a customer's file, at one of their cars.
    OpenFile {
        customer_id: i64,
        vehicle_id: Option<i64>,
    },
    /// F6: book for this customer (and car).
    BookFor {
        customer_id: i64,
        vehicle_id: Option<i64>,
    },
}

/// The outcome of a pane's command.
pub enum Done {
    /// A layer this pane opened finished with this value; the pane knows
    /// the type it put in and downcasts it.
    Picked(Box<dyn Any>),
    Read(ReadOut),
    Wrote {
        write: Write,
        what: String,
        result: StoreResult<WriteOut>,
    },
}

impl Done {
    /// The picked value, if it is a `T`.
    pub fn picked<T: 'static>(self) -> Option<T> {
        match self {
            Done::Picked(v) => v.downcast::<T>().ok().map(|b| *b),
            _ => None,
        }
    }
}

pub trait Pane: Any {
    fn id(&self) -> PaneId;

    /// The keymap sections that apply now, most specific first. `Global`
    /// is handled by the shell after the pane.
    fn contexts(&self) -> &'static [KeyContext];

    /// Every section the pane and its dialogs use, in the order help shows
    /// them (`Global` where the pane wants it, else last).
    fn help_contexts(&self) -> &'static [KeyContext] {
        self.contexts()
    }

    /// A line of help below the bindings (the board's alert legend).
    fn help_note(&self) -> Option<&'static str> {
        None
    }

    /// The RO this pane is about now (the board's cursor, the editor's RO):
    /// F4 opens its checklist.
    fn in_hand(&self) -> Option<i64> {
        None
    }

    /// A text field has the focus: plain characters type and never switch panes.
    fn typing(&self) -> bool {
        false
    }

    /// A key for the pane; `None` when it is not the pane's (the shell then
    /// tries its global keys). The default resolves `contexts()`.
    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> Option<Vec<Command>> {
        let action = cx.keymap.resolve(self.contexts(), key)?;
        Some(self.update(action, cx))
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command>;

    fn paste(&mut self, _text: &str, _cx: &Ctx) -> Vec<Command> {
        Vec::new()
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command>;

    /// Once, when the interface starts (the editor looks for drafts).
    fn on_start(&mut self, _cx: &Ctx) -> Vec<Command> {
        Vec::new()
    }

    /// The pane comes on screen, perhaps with another pane's request.
    fn on_show(&mut self, _request: Option<Request>, _cx: &Ctx) -> Vec<Command> {
        Vec::new()
    }

    /// Loads what the pane shows (after a commit anywhere). `cx.board` is
    /// already fresh.
    fn reload(&mut self, store: &dyn Store, cx: &Ctx) -> StoreResult<()>;

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx);

    /// Writes unsaved work as a draft (called on a timer and on the way out).
    fn autosave(&mut self, _drafts: &mut dyn DraftStore, _cx: &Ctx) -> StoreResult<()> {
        Ok(())
    }
}
