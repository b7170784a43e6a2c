//! The application state and its key routing: overlays first, then a text
//! field with focus, then the pane's bindings, then the global ones.

use super::board::{BoardCtx, BoardPane};
use super::board_view::{self, View};
use super::i18n::Texts;
use super::keymap::{Action, KeyContext, Keymap};
use super::overlay::{Outcome, Overlay, PickPurpose, PickValue};
use super::ro::{self, RoEffect, RoPane};
use super::theme::Theme;
use super::timefmt::TimeFmt;
use super::{chrome, detail, help, Command, Effect, Pane};
use crate::domain::{BayKind, Money, MoveRequest, RoStatus, Settings, User};
use crate::store::{Actor, Store, StoreError};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;

/// Below this the app shows a "too small" notice instead of a cramped board.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// Who is at the keyboard and what they are connected to.
pub struct Session {
    pub login: String,
    /// None when the OS login is not in the users table: the board is read-only.
    pub user: Option<User>,
    pub db_label: String,
    pub read_only: bool,
    pub settings: Settings,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub session: Session,
    pub pane: Pane,
    pub board: BoardPane,
    pub ro: RoPane,
    pub overlays: Vec<Overlay>,
    /// The time the terminal loop last read from the clock.
    pub now: DateTime<Utc>,
    pub message: Option<Message>,
    pub keymap: Keymap,
    pub texts: Texts,
    pub theme: Theme,
    pub time: TimeFmt,
    pub quit: bool,
    /// Rows the board showed last frame, for PgUp/PgDn.
    page: usize,
}

impl App {
    pub fn new(session: Session, keymap: Keymap, texts: Texts, theme: Theme, time: TimeFmt) -> App {
        let mut app = App {
            session,
            pane: Pane::Board,
            board: BoardPane::default(),
            ro: RoPane::default(),
            overlays: Vec::new(),
            now: chrono::Utc::now(),
            message: None,
            keymap,
            texts,
            theme,
            time,
            quit: false,
            page: 10,
        };
        app.message = app.startup_message();
        app
    }

    fn startup_message(&self) -> Option<Message> {
        let text = if self.session.user.is_none() {
            self.texts
                .fill("msg.not_registered", &[("login", &self.session.login)])
        } else if self.session.read_only {
            self.texts.get("msg.read_only").to_string()
        } else {
            return None;
        };
        Some(Message { text, error: true })
    }

    fn me(&self) -> Option<i64> {
        self.session.user.as_ref().map(|u| u.id)
    }

    /// First load: the board, and unsaved work from an earlier session is
    /// offered back (at once on the RO pane, else announced).
    pub fn start(&mut self, store: &mut dyn Store) {
        self.reload(store);
        if self.pane == Pane::RepairOrder {
            self.run_effects(
                vec![Effect::Ro(Box::new(RoEffect::FindDrafts))],
                store,
                self.now,
            );
        } else if store
            .drafts(&self.session.login)
            .is_ok_and(|d| !d.is_empty())
        {
            self.set_message(self.texts.get("msg.drafts_waiting").to_string(), true);
        }
    }

    /// Reloads everything on screen from the store (after any commit).
    pub fn reload(&mut self, store: &dyn Store) {
        match store.board() {
            Ok(snapshot) => {
                let me = self.me();
                self.board.set_snapshot(snapshot, me);
            }
            Err(e) => self.error(e.to_string()),
        }
        self.refresh_open_ro(store);
    }

    /// An open RO without unsaved edits follows the store (a move on the
    /// board, a payment at the cashier). One with edits is left alone; its
    /// title says it was saved elsewhere, and saving it meets the conflict.
    fn refresh_open_ro(&mut self, store: &dyn Store) {
        let Some(form) = self.ro.form.as_ref() else {
            return;
        };
        let Some(id) = form.ro.id else { return };
        // Payments are not part of the edit: a cashier's payment elsewhere
        // shows at once, whatever the advisor is typing.
        if let Ok(payments) = store.payments(id) {
            self.ro.payments = payments;
        }
        if form.is_dirty() {
            return;
        }
        // The board already knows the version of an open RO: load only when
        // it moved (or the RO has left the board).
        let on_board = self.board.snapshot.card(id).map(|c| c.version);
        if on_board == Some(form.ro.version) {
            return;
        }
        match store.load_ro(id) {
            Ok(stored) if stored.version != form.ro.version => {
                let focus = form.focus;
                let mut fresh = ro::form::RoForm::new(
                    stored.clone(),
                    Some(stored),
                    self.board.snapshot.groups.clone(),
                    self.time,
                );
                fresh.focus = focus;
                self.ro.form = Some(fresh);
            }
            Ok(_) => {}
            Err(e) => self.error(e.to_string()),
        }
    }

    fn error(&mut self, text: String) {
        self.message = Some(Message { text, error: true });
    }

    pub fn set_message(&mut self, text: String, error: bool) {
        self.message = Some(Message { text, error });
    }

    /// The user who may write, or why nobody can.
    pub fn writer(&self) -> Result<&User, StoreError> {
        let Some(user) = &self.session.user else {
            return Err(StoreError::Invalid(
                self.texts
                    .fill("msg.not_registered", &[("login", &self.session.login)]),
            ));
        };
        if self.session.read_only {
            return Err(StoreError::Invalid(self.texts.get("msg.read_only").into()));
        }
        Ok(user)
    }

    /// What the customer still owes on the open RO.
    pub fn owed(&self) -> Money {
        let Some(form) = &self.ro.form else {
            return Money(0);
        };
        let due = crate::domain::pricing::totals(
            &form.ro.lines,
            form.ro.discount_bp,
            self.session.settings.tax_rate_bp,
        )
        .customer_due();
        crate::domain::settlement::balance(due, &self.ro.payments)
    }

    fn info(&mut self, text: String) {
        self.message = Some(Message { text, error: false });
    }

    /// Turns one key press into effects for the store; no I/O happens here.
    pub fn handle_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.keymap.resolve(&[KeyContext::Global], key) == Some(Action::ForceQuit) {
            self.quit = true;
            return Vec::new();
        }
        if !self.overlays.is_empty() {
            return self.overlay_key(key);
        }
        if self.pane == Pane::Board && self.board.searching {
            self.search_key(key);
            return Vec::new();
        }
        if self.pane == Pane::RepairOrder {
            return ro::keys::handle(self, key);
        }
        let contexts: &[KeyContext] = match self.pane {
            Pane::Board => &[KeyContext::Board, KeyContext::List, KeyContext::Global],
            _ => &[KeyContext::List, KeyContext::Global],
        };
        match self.keymap.resolve(contexts, key) {
            Some(action) => self.on_action(action),
            None => Vec::new(),
        }
    }

    /// Keys that mean the same everywhere: quit, help, pane switches, new RO.
    pub fn global_action(&mut self, action: Action) -> Vec<Effect> {
        if let Some(pane) = pane_for(action) {
            self.pane = pane;
            if pane == Pane::RepairOrder && !self.ro.drafts_offered {
                return vec![Effect::Ro(Box::new(RoEffect::FindDrafts))];
            }
            return Vec::new();
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                let view = help::help_view(&self.keymap, &self.texts, self.pane);
                self.overlays.push(Overlay::Help(view));
            }
            Action::New => {
                self.pane = Pane::RepairOrder;
                self.ro.drafts_offered = true;
                self.ro.open_finder();
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit | Action::Help | Action::New => return self.global_action(action),
            _ if pane_for(action).is_some() => return self.global_action(action),
            Action::Edit if self.pane == Pane::Board => {
                if let Some(id) = self.board.selected {
                    return vec![Effect::Ro(Box::new(RoEffect::Open(id)))];
                }
            }
            _ if self.pane == Pane::Board => {
                let ctx = BoardCtx {
                    me: self.me(),
                    may_dispatch: self
                        .session
                        .user
                        .as_ref()
                        .is_some_and(|u| u.role.may_dispatch()),
                    texts: &self.texts,
                };
                let commands = self.board.update(action, &ctx, self.page);
                return self.run_commands(commands);
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn run_commands(&mut self, commands: Vec<Command>) -> Vec<Effect> {
        let mut effects = Vec::new();
        for c in commands {
            match c {
                Command::Store(e) => effects.push(e),
                Command::Push(o) => self.overlays.push(o),
                Command::Message(text, error) => self.message = Some(Message { text, error }),
            }
        }
        effects
    }

    /// Pasted text goes into the text input that has the focus, cleaned of
    /// control characters (and onto one line where the field has one).
    pub fn handle_paste(&mut self, text: &str) -> Vec<Effect> {
        if !self.overlays.is_empty() {
            return Vec::new();
        }
        match self.pane {
            Pane::RepairOrder => ro::keys::paste(self, text),
            Pane::Board if self.board.searching => {
                let query = format!(
                    "{}{}",
                    self.board.query,
                    crate::domain::text::clean_line(text)
                );
                self.board.set_query(query);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn search_key(&mut self, key: KeyEvent) {
        let mut query = self.board.query.clone();
        match key.code {
            KeyCode::Enter => self.board.searching = false,
            KeyCode::Esc => {
                self.board.searching = false;
                query.clear();
            }
            KeyCode::Backspace => {
                query.pop();
            }
            KeyCode::Char(c) if !c.is_control() => query.push(c),
            _ => {}
        }
        if query != self.board.query {
            self.board.set_query(query);
        }
    }

    fn overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(action) = self
            .keymap
            .resolve(&[KeyContext::Popup, KeyContext::Global], key)
        else {
            return Vec::new();
        };
        let Some(top) = self.overlays.last_mut() else {
            return Vec::new();
        };
        match top.handle(action) {
            Outcome::Stay => Vec::new(),
            Outcome::Close => {
                self.overlays.pop();
                Vec::new()
            }
            Outcome::Picked(purpose, value) => {
                self.overlays.pop();
                self.picked(purpose, value)
            }
        }
    }

    /// The next step of a bay / group / move choice.
    fn picked(&mut self, purpose: PickPurpose, value: PickValue) -> Vec<Effect> {
        match value {
            PickValue::RoAction(a) => return ro::keys::on_action(self, a),
            PickValue::Canned(i) => {
                ro::keys::add_canned(self, i);
                return Vec::new();
            }
            _ => {}
        }
        let Some(card) = self.board.selected_card().cloned() else {
            return Vec::new();
        };
        let request = |ro_id, version, to, bay_id, work_group_id| {
            vec![Effect::Move(MoveRequest {
                ro_id,
                expected_version: version,
                to,
                bay_id,
                work_group_id,
            })]
        };
        match (purpose, value) {
            (PickPurpose::Move { ro_id, version }, PickValue::Status(to)) => match to {
                RoStatus::InBay | RoStatus::Washing => {
                    let cmds = self.board.bay_picker(&card, Some(to), &self.texts);
                    self.run_commands(cmds)
                }
                _ => request(ro_id, version, to, None, None),
            },
            (PickPurpose::Bay { ro_id, version }, PickValue::Bay(bay_id)) => {
                let is_wash = bay_id
                    .and_then(|b| self.board.snapshot.bay(b))
                    .is_none_or(|b| b.kind == BayKind::Wash);
                if is_wash {
                    request(ro_id, version, RoStatus::Washing, bay_id, None)
                } else {
                    let picker =
                        self.board
                            .group_picker(&card, RoStatus::InBay, bay_id, &self.texts);
                    self.overlays.push(picker);
                    Vec::new()
                }
            }
            (
                PickPurpose::Group {
                    ro_id,
                    version,
                    to,
                    bay_id,
                },
                PickValue::Group(group),
            ) => request(ro_id, version, to, bay_id, group),
            _ => Vec::new(),
        }
    }

    /// Runs effects against the store, then reloads what is on screen.
    pub fn run_effects(&mut self, effects: Vec<Effect>, store: &mut dyn Store, now: DateTime<Utc>) {
        for effect in effects {
            if let Effect::Ro(e) = effect {
                ro::run_effect(self, *e, store, now);
                continue;
            }
            if let Effect::LoadDetail(id) = effect {
                match store.ro_detail(id) {
                    Ok(d) => self.overlays.push(Overlay::Detail(detail::detail_view(
                        &d,
                        &self.texts,
                        self.time,
                    ))),
                    Err(e) => self.error(e.to_string()),
                }
                continue;
            }
            match self.write(&effect, store, now) {
                Ok(msg) => self.info(msg),
                Err(e) => self.error(e.to_string()),
            }
            self.reload(store);
        }
    }

    fn write(
        &self,
        effect: &Effect,
        store: &mut dyn Store,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let user = self.writer()?;
        let by = Actor {
            login: &user.login,
            user_id: Some(user.id),
            at: now,
        };
        let number = |id: i64| {
            self.board
                .snapshot
                .card(id)
                .map(|c| c.number.clone())
                .unwrap_or_default()
        };
        let t = &self.texts;
        match effect {
            Effect::Move(req) => {
                store.move_ro(req, by)?;
                let status = t.get(&format!("status.{}", req.to.code()));
                Ok(t.fill(
                    "msg.moved",
                    &[("ro", &number(req.ro_id)), ("status", status)],
                ))
            }
            Effect::ProgressChecked { ro_id, version } => {
                store.record_progress_check(*ro_id, *version, by)?;
                Ok(t.fill("msg.checked", &[("ro", &number(*ro_id))]))
            }
            Effect::PickupCalled { ro_id, version } => {
                store.record_pickup_call(*ro_id, *version, "", by)?;
                Ok(t.fill("msg.called", &[("ro", &number(*ro_id))]))
            }
            Effect::LoadDetail(_) | Effect::Ro(_) => Ok(String::new()),
        }
    }

    pub fn draw(&mut self, frame: &mut Frame<'_>, now: DateTime<Utc>) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            chrome::too_small(frame, area, &self.texts);
            return;
        }
        let [tabs, body, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        chrome::tabs(
            frame,
            tabs,
            self.pane,
            &self.session.settings.shop_name,
            &self.texts,
            self.theme,
        );
        match self.pane {
            Pane::Board => {
                self.page = body.height.saturating_sub(3).max(1) as usize;
                let view = View {
                    texts: &self.texts,
                    theme: self.theme,
                    time: self.time,
                    now,
                };
                board_view::render(&mut self.board, frame, body, &view);
            }
            Pane::RepairOrder => ro::view::render(self, frame, body),
            _ => chrome::not_built(frame, body, &self.texts),
        }
        chrome::status_bar(frame, status, self, now);
        for overlay in &self.overlays {
            overlay.render(frame, body, self.theme);
        }
    }
}

fn pane_for(action: Action) -> Option<Pane> {
    Some(match action {
        Action::PaneBoard => Pane::Board,
        Action::PaneRepairOrder => Pane::RepairOrder,
        Action::PaneChecklist => Pane::Checklist,
        Action::PaneCallbacks => Pane::Callbacks,
        Action::PaneAppointments => Pane::Appointments,
        Action::PaneCustomers => Pane::Customers,
        Action::PaneReports => Pane::Reports,
        _ => return None,
    })
}
