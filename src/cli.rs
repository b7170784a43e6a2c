//! The command line: the interface by default, and subcommands for scripts
//! and administrators. Every failure is one clear line and a non-zero exit.

use crate::demo;
use crate::domain::clock::{Clock, StartedClock, SystemClock};
use crate::domain::{NewUser, Role};
use crate::store::{self, Actor, Location, OpenMode};
use crate::ui::app::App;
use crate::ui::i18n::{Lang, Texts};
use crate::ui::keymap::Keymap;
use crate::ui::run::RunOptions;
use crate::ui::theme::Theme;
use crate::ui::timefmt::TimeFmt;
use crate::ui::{PaneId, Session};
use anyhow::{bail, Context, Result};
use chrono::{DateTime, FixedOffset, Utc};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "frontdesk",
    version,
    about = "The service department's front desk: board, repair orders, callbacks."
)]
pub struct Cli {
    /// The shop database (one SQLite file shared by every terminal).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Create (or refresh) the demo shop and open it. Default file: ./frontdesk-demo.db.
    #[arg(long)]
    pub demo: bool,
    /// Pane to start on: board, ro, checklist, callbacks, appointments, customers, reports.
    #[arg(long, value_parser = parse_pane, default_value = "board")]
    pub pane: PaneId,
    /// Interface language: en or zh (default: from LANG).
    #[arg(long, global = true)]
    pub lang: Option<String>,
    /// Key bindings to apply over the defaults (default: ~/.config/frontdesk/keymap.toml if present).
    #[arg(long, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    /// Pin the clock to this instant (RFC 3339), for demos and tests; it then runs forward.
    #[arg(long, global = true, value_parser = parse_time, value_name = "TIME")]
    pub now: Option<DateTime<Utc>>,
    /// Show times at this UTC offset (e.g. +08:00) instead of the server's zone.
    #[arg(long, global = true, value_parser = parse_offset, value_name = "OFFSET")]
    pub utc_offset: Option<FixedOffset>,
    /// Draw one frame and exit (start-up benchmark).
    #[arg(long, hide = true)]
    pub exit_after_first_frame: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty shop database, with you (the OS login) as its manager.
    Init,
    /// Create (or refresh) the demo shop database without opening it.
    Demo,
    /// Generate a large synthetic shop for benchmarks.
    Generate {
        /// Cars on the board.
        #[arg(long, default_value_t = 500)]
        open: usize,
        /// Repair orders in all, history included.
        #[arg(long, default_value_t = 100_000)]
        total: usize,
    },
    /// Check the database's integrity and foreign keys.
    Check,
    /// Copy the live database safely (others may keep working).
    Backup {
        /// Where to write the copy; must not exist.
        target: PathBuf,
    },
    /// Manage the users who may log in.
    #[command(subcommand)]
    User(UserCommand),
    /// Print an estimate, repair order, added-items slip, settlement or exit notice.
    Print {
        /// The RO number, e.g. RO-24090.
        number: String,
        /// estimate, ro, added, settlement or exit.
        #[arg(long, default_value = "ro", value_parser = parse_form)]
        form: crate::print::Form,
        /// HTML instead of fixed-width text.
        #[arg(long)]
        html: bool,
        /// Text width in columns: 80 for a page, 40 for a receipt printer.
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(32..=200))]
        width: u16,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn parse_form(s: &str) -> Result<crate::print::Form, String> {
    crate::print::Form::parse(s)
        .ok_or_else(|| format!("unknown form '{s}' (estimate, ro, added, settlement, exit)"))
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Register an OS login as a user.
    Add {
        login: String,
        #[arg(long)]
        name: Option<String>,
        /// advisor, dispatcher, customer_care, cashier, manager or technician.
        #[arg(long, value_parser = parse_role, default_value = "advisor")]
        role: Role,
    },
    /// List the registered users.
    List,
}

fn parse_pane(s: &str) -> Result<PaneId, String> {
    PaneId::from_name(s).ok_or_else(|| format!("unknown pane '{s}'"))
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::from_code(s).ok_or_else(|| format!("unknown role '{s}'"))
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("'{s}' is not an RFC 3339 time such as 2026-11-22T09:30:00+08:00 ({e})")
        })
}

fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    s.parse::<FixedOffset>()
        .map_err(|_| format!("'{s}' is not a UTC offset such as +08:00"))
}

impl Cli {
    fn clock(&self) -> Box<dyn Clock> {
        match self.now {
            Some(t) => Box::new(StartedClock::new(t)),
            None => Box::new(SystemClock),
        }
    }

    fn location(&self) -> Location {
        let default = if self.demo {
            "frontdesk-demo.db"
        } else {
            "frontdesk.db"
        };
        let path = self.db.clone().unwrap_or_else(|| PathBuf::from(default));
        Location::parse(path.as_os_str())
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let path = cli.location();
    let clock = cli.clock();
    // Who acts is the operating system's answer, never the environment's.
    let login = crate::os::real_login();
    let actor = Actor {
        login: &login,
        user_id: None,
        at: clock.now(),
    };
    match &cli.command {
        None => {
            if cli.demo {
                create_demo(&path, &login, clock.now())?;
            }
            open_ui(&cli, &path, clock.as_ref(), &login)
        }
        Some(Command::Init) => init(&path, actor),
        Some(Command::Demo) => {
            create_demo(&path, &login, clock.now())?;
            println!("demo shop written to {path}");
            Ok(())
        }
        Some(Command::Generate { open, total }) => generate(&path, actor, *open, *total),
        Some(Command::Check) => check(&path),
        Some(Command::Backup { target }) => {
            store::open(&path, OpenMode::ReadOnlyOk)?.backup_to(target)?;
            println!("backed up {path} to {}", target.display());
            Ok(())
        }
        Some(Command::User(cmd)) => user(&path, cmd, actor),
        Some(Command::Print {
            number,
            form,
            html,
            width,
            out,
        }) => {
            let time = cli
                .utc_offset
                .map(TimeFmt::Fixed)
                .unwrap_or(TimeFmt::System);
            print(
                &path,
                number,
                *form,
                *html,
                *width as usize,
                out.as_deref(),
                time,
                clock.now(),
            )
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn print(
    path: &Location,
    number: &str,
    form: crate::print::Form,
    html: bool,
    width: usize,
    out: Option<&Path>,
    time: TimeFmt,
    now: DateTime<Utc>,
) -> Result<()> {
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    let id = store
        .ro_id_by_number(number)?
        .ok_or_else(|| anyhow::anyhow!("no repair order numbered {number}"))?;
    let ro = store.load_ro(id)?;
    let payments = store.payments(id)?;
    let calls = store.added_work_calls(id)?;
    let settings = store.settings()?;
    let p = crate::print::Printout {
        form,
        ro: &ro,
        payments: &payments,
        calls: &calls,
        settings: &settings,
        time,
        printed_at: now,
    };
    // The same guard as everywhere: no document that does not exist yet.
    p.check()
        .map_err(|why| anyhow::anyhow!("{}: cannot print: {why}", ro.number))?;
    let doc = if html {
        crate::print::html(&p)
    } else {
        crate::print::text(&p, width)
    };
    match out {
        Some(file) => {
            std::fs::write(file, doc).with_context(|| format!("cannot write {}", file.display()))?
        }
        None => print!("{doc}"),
    }
    Ok(())
}

fn init(path: &Location, by: Actor<'_>) -> Result<()> {
    let mut store = store::open(path, OpenMode::Create)?;
    let me = NewUser {
        login: by.login.into(),
        name: by.login.into(),
        role: Role::Manager,
    };
    store.add_user(&me, by)?;
    let defaults = crate::store::ShopSeed {
        canned_jobs: crate::store::seed::default_canned_jobs(),
        ..Default::default()
    };
    store.seed(&defaults, by)?;
    println!("created {path} with {} as manager", by.login);
    Ok(())
}

/// Writes the demo shop at `path`, replacing an older demo but never a real shop.
pub fn create_demo(path: &Location, login: &str, now: DateTime<Utc>) -> Result<()> {
    if path.exists() {
        let old = store::open(path, OpenMode::ReadOnlyOk)?;
        if !old.settings()?.is_demo {
            bail!("{path} holds a shop that is not a demo; not replacing it");
        }
        drop(old);
        store::destroy(path).with_context(|| format!("cannot replace {path}"))?;
    }
    // Built in memory and copied out whole: a demo that fails half way
    // leaves no half a shop behind.
    let mut scratch = store::scratch()?;
    demo::build_demo(scratch.as_mut(), now, login)?;
    match path {
        Location::Sqlite(file) => scratch.backup_to(file)?,
    }
    // Opening sets the shop's journal mode for the terminals that share it.
    store::open(path, OpenMode::ReadWrite)?;
    Ok(())
}

fn generate(path: &Location, by: Actor<'_>, open: usize, total: usize) -> Result<()> {
    if open > total {
        bail!("--open ({open}) cannot exceed --total ({total})");
    }
    let mut store = store::open(path, OpenMode::Create)?;
    store.seed(&demo::synthetic_shop(by.at, by.login, open, total), by)?;
    println!("generated {path} with {total} repair orders, {open} open");
    Ok(())
}

fn check(path: &Location) -> Result<()> {
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    let problems = store.integrity_check()?;
    if problems.is_empty() {
        println!("ok: {path} passed the integrity and foreign-key checks");
        return Ok(());
    }
    for p in &problems {
        println!("{p}");
    }
    bail!("{path}: {} problem(s) found", problems.len())
}

fn user(path: &Location, cmd: &UserCommand, by: Actor<'_>) -> Result<()> {
    match cmd {
        UserCommand::Add { login, name, role } => {
            let mut store = store::open(path, OpenMode::ReadWrite)?;
            let new = NewUser {
                login: login.clone(),
                name: name.clone().unwrap_or_else(|| login.clone()),
                role: *role,
            };
            let u = store.add_user(&new, by)?;
            println!("added {} ({}) as {}", u.login, u.name, u.role.code());
        }
        UserCommand::List => {
            let store = store::open(path, OpenMode::ReadOnlyOk)?;
            for u in store.users()? {
                println!("{:<16} {:<14} {}", u.login, u.role.code(), u.name);
            }
        }
    }
    Ok(())
}

fn load_keymap(explicit: Option<&Path>) -> Result<Keymap> {
    let default_file =
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/frontdesk/keymap.toml"));
    let file = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => default_file.filter(|p| p.exists()),
    };
    let Some(file) = file else {
        return Ok(Keymap::default());
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    Keymap::with_overrides(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
}

fn open_ui(cli: &Cli, path: &Location, clock: &dyn Clock, login: &str) -> Result<()> {
    let mut store = store::open(path, OpenMode::ReadOnlyOk)?;
    let session = Session {
        login: login.to_string(),
        user: store.user_by_login(login)?,
        db_label: path.label(),
        read_only: store.is_read_only(),
        settings: store.settings()?,
    };
    let keymap = load_keymap(cli.keymap.as_deref())?;
    let texts = Texts::new(Lang::detect(cli.lang.as_deref()));
    let time = cli
        .utc_offset
        .map(TimeFmt::Fixed)
        .unwrap_or(TimeFmt::System);
    let mut app = App::new(session, keymap, texts, Theme::from_env(), time);
    app.start_on(cli.pane);
    let opts = RunOptions {
        exit_after_first_frame: cli.exit_after_first_frame,
        // A support aid: a line per reload and why the session ended.
        trace: std::env::var_os("FRONTDESK_TRACE").map(PathBuf::from),
    };
    crate::ui::run::run(&mut app, store.as_mut(), clock, opts)
}
