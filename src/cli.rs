//! The command line: the interface by default, and subcommands for scripts
//! and administrators. Every failure is one clear line and a non-zero exit.

use crate::demo;
use crate::domain::clock::{Clock, StartedClock, SystemClock};
use crate::domain::{NewUser, Role};
use crate::store::history::HistoryPlan;
use crate::store::{self, Actor, Location, OpenMode};
use crate::ui::app::App;
use crate::ui::i18n::{Lang, Texts};
use crate::ui::keymap::Keymap;
use crate::ui::prefs::Prefs;
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
    /// The shop database: one SQLite file shared by every terminal, or a
    /// dealer group's PostgreSQL server (postgres://user@host/db, or
    /// key=value such as "host=/run/postgresql dbname=group").
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub db: Option<PathBuf>,
    /// On a group server: the shop to work in (default: your home shop).
    #[arg(long, global = true, value_name = "CODE")]
    pub shop: Option<String>,
    /// Create (or refresh) the demo shop and open it. Default file: ./frontdesk-demo.db.
    #[arg(long)]
    pub demo: bool,
    /// Pane to start on: board, ro, checklist, callbacks, appointments, customers, reports.
    #[arg(long, value_parser = parse_pane, default_value = "board")]
    pub pane: PaneId,
    /// Language: en, zh or es. Default: your config.toml's lang, else the
    /// shop's language setting, else LC_ALL/LC_MESSAGES/LANG, else en.
    /// For printouts and reports: the shop's setting unless given here.
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<String>,
    /// Colours: default, monochrome or high-contrast (NO_COLOR means
    /// monochrome unless a theme is chosen here or in config.toml).
    #[arg(long, value_parser = crate::ui::theme::Palette::parse, value_name = "THEME")]
    pub theme: Option<crate::ui::theme::Palette>,
    /// Line drawing: auto (ASCII on TERM=linux/vt100 or a locale without
    /// UTF-8), unicode or ascii.
    #[arg(long, value_parser = crate::ui::theme::Lines::parse, value_name = "MODE")]
    pub line_drawing: Option<crate::ui::theme::Lines>,
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
    /// On a group server (--db postgres://…), creates the schema and the
    /// shop given by --shop.
    Init,
    /// Copy an SQLite shop into a group's PostgreSQL database, whole or not
    /// at all. Safe to run again: a shop already moved in is left as it is.
    Migrate {
        /// The SQLite shop file.
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
        /// The group database (postgres://… or key=value).
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Create (or refresh) the demo shop database without opening it.
    Demo,
    /// Generate a new shop with years of realistic history (for benchmarks
    /// and trials). The same seed gives the same shop.
    Generate {
        /// Years of history, ending now (fractions allowed: 0.1 is 36 days).
        #[arg(long, default_value_t = 1.0)]
        years: f64,
        /// Cars checked in on an average day (weekdays more, Sundays fewer).
        #[arg(long, default_value_t = 60)]
        cars_per_day: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also print a checksum over every generated row.
        #[arg(long)]
        checksum: bool,
    },
    /// Check the database: integrity, foreign keys, the audit chain, rows
    /// with bad text, and who else can read the file.
    Check {
        /// A backup of this shop: its audit log must still be here, unchanged.
        #[arg(long, value_name = "BACKUP")]
        against: Option<PathBuf>,
    },
    /// Print the audit history (who did what, when), oldest first.
    Audit(AuditArgs),
    /// Copy the live database safely (others may keep working).
    Backup {
        /// Where to write the copy; must not exist.
        target: PathBuf,
    },
    /// Manage the users who may log in.
    #[command(subcommand)]
    User(UserCommand),
    /// Print an estimate, repair order, added-items slip, settlement or exit notice.
    Print(PrintArgs),
    /// The callback queue: the daily sweep, campaign lists, recall imports.
    #[command(subcommand)]
    Callbacks(crate::cli_calls::CallbacksCommand),
    /// Import customers, cars and service history from CSV (UTF-8 or GBK),
    /// all or nothing; importing the same file twice adds nothing twice.
    Import(crate::cli_files::ImportArgs),
    /// Export customers, vehicles or ROs (with their lines) as CSV that the
    /// import reads back.
    Export(crate::cli_files::ExportArgs),
    /// The statistics report and KPIs of a day, week, month or range (text,
    /// CSV or HTML); --day is the close of day, with what is still open.
    Report(crate::cli_report::ReportArgs),
    /// Print the active key bindings (with your keymap.toml's changes,
    /// marked *) in the chosen language.
    Keys {
        /// Key bindings to apply over the defaults (default:
        /// ~/.config/frontdesk/keymap.toml if present).
        #[arg(long, value_name = "FILE")]
        keymap: Option<PathBuf>,
    },
    /// Show the shop's settings, or change one (managers; audited):
    /// `frontdesk settings language es`.
    Settings {
        /// The setting to change (language, shop_name, currency_symbol, …).
        key: Option<String>,
        /// Its new value.
        #[arg(requires = "key")]
        value: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// ro (repair orders), customer, vehicle, user or shop.
    #[arg(long)]
    entity: Option<String>,
    /// The record: an RO number such as RO-24061, or a row id.
    #[arg(long, requires = "entity")]
    id: Option<String>,
    /// Only rows from this time on (RFC 3339, or a date such as 2026-11-22).
    #[arg(long, value_parser = parse_since)]
    since: Option<DateTime<Utc>>,
}

fn parse_since(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    parse_time(s)
}

#[derive(Debug, clap::Args)]
pub struct PrintArgs {
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
    /// Write to this file instead of standard output. An existing file is
    /// refused unless --force is given; the shop's own files always are.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite an existing --out file (never the shop's own files).
    #[arg(long, requires = "out")]
    force: bool,
}

fn parse_form(s: &str) -> Result<crate::print::Form, String> {
    crate::print::Form::parse(s).ok_or_else(|| {
        format!("unknown form '{s}' (estimate, ro, added, settlement, exit, checklist)")
    })
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
    /// Change a user's role (managers only).
    Role {
        login: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
    /// Stop a login from acting (managers only); its history stays.
    Disable { login: String },
    /// List the registered users.
    List,
}

fn parse_lang(s: &str) -> Result<String, String> {
    crate::ui::i18n::Lang::parse(s).map(|_| s.to_string())
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
        Location::parse(path.as_os_str()).with_shop(self.shop.as_deref())
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let path = cli.location();
    let clock = cli.clock();
    // Who acts is the operating system's answer, never the environment's;
    // on a group server, the database role the server authenticated.
    let login = path.server_login().unwrap_or_else(crate::os::real_login);
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
        Some(Command::Migrate { from, to }) => match &cli.shop {
            Some(shop) => migrate(from, to, shop),
            None => bail!("say which shop this file becomes in the group: --shop CODE"),
        },
        Some(Command::Demo) => {
            create_demo(&path, &login, clock.now())?;
            println!("demo shop written to {path}");
            Ok(())
        }
        Some(Command::Generate {
            years,
            cars_per_day,
            seed,
            checksum,
        }) => {
            let plan = HistoryPlan {
                years: *years,
                cars_per_day: *cars_per_day,
                seed: *seed,
                now: actor.at,
                utc_offset_minutes: 0,
            };
            crate::cli_generate::generate(&path, actor, plan, *checksum)
        }
        Some(Command::Check { against }) => check(&path, against.as_deref()),
        Some(Command::Audit(args)) => audit(&path, args, time_fmt(&cli)),
        Some(Command::Backup { target }) => {
            store::open(&path, OpenMode::ReadOnlyOk)?.backup_to(target)?;
            println!("backed up {path} to {}", target.display());
            Ok(())
        }
        Some(Command::User(cmd)) => user(&path, cmd, actor),
        Some(Command::Print(args)) => print(
            &path,
            args,
            (time_fmt(&cli), cli.lang.as_deref()),
            clock.now(),
        ),
        Some(Command::Callbacks(cmd)) => crate::cli_calls::run(&path, cmd, actor),
        Some(Command::Import(args)) => crate::cli_files::import(&path, args, actor),
        Some(Command::Export(args)) => crate::cli_files::export(&path, args),
        Some(Command::Keys { keymap }) => keys(keymap.as_deref(), cli.lang.as_deref()),
        Some(Command::Settings { key, value }) => settings(&path, key, value, actor),
        Some(Command::Report(args)) => crate::cli_report::run(
            &path,
            args,
            cli.lang.as_deref(),
            cli.utc_offset,
            clock.now(),
        ),
    }
}

fn print(
    path: &Location,
    args: &PrintArgs,
    (time, lang): (TimeFmt, Option<&str>),
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(out) = &args.out {
        check_out(path, out, args.force)?;
    }
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    let number = &args.number;
    let id = store
        .ro_id_by_number(number)?
        .ok_or_else(|| anyhow::anyhow!("no repair order numbered {number}"))?;
    let ro = store.load_ro(id)?;
    let settings = store.settings()?;
    // Printouts speak the shop's language; --lang changes it for this print.
    let t = Texts::new(Lang::choose(lang, None, settings.language.as_deref()));
    let time = time.in_locale(t.locale());
    if args.form == crate::print::Form::Checklist {
        let doc = checklist_doc(path, store.as_ref(), &ro, &settings, args, time, &t)?;
        return match &args.out {
            Some(file) => write_new(file, &doc, args.force),
            None => {
                print!("{doc}");
                Ok(())
            }
        };
    }
    let payments = store.payments(id)?;
    let calls = store.added_work_calls(id)?;
    let p = crate::print::Printout {
        form: args.form,
        ro: &ro,
        payments: &payments,
        calls: &calls,
        settings: &settings,
        time,
        printed_at: now,
        t: &t,
    };
    // The same guard as everywhere: no document that does not exist yet.
    p.check()
        .map_err(|why| anyhow::anyhow!("{}: cannot print: {why}", ro.number))?;
    let doc = if args.html {
        crate::print::html(&p)
    } else {
        crate::print::text(&p, args.width as usize)
    };
    match &args.out {
        Some(file) => write_new(file, &doc, args.force)?,
        None => print!("{doc}"),
    }
    Ok(())
}

/// The vehicle-items checklist of `ro`, with the shop's own template.
fn checklist_doc(
    path: &Location,
    store: &dyn store::Store,
    ro: &crate::domain::RepairOrder,
    settings: &crate::domain::Settings,
    args: &PrintArgs,
    time: TimeFmt,
    t: &Texts,
) -> Result<String> {
    let sheets = store.sheets(ro.id.unwrap_or_default())?;
    if sheets.check_in.is_none() {
        bail!(
            "{}: cannot print: no vehicle-items checklist was recorded for this RO",
            ro.number
        );
    }
    let template = crate::shop_template(path)?;
    let p = crate::print_checklist::ChecklistPrint {
        shop: &settings.shop_name,
        ro,
        sheets: &sheets,
        template: &template,
        time,
        t,
    };
    Ok(if args.html {
        crate::print_checklist::html(&p)
    } else {
        crate::print_checklist::text(&p, args.width as usize)
    })
}

/// An output never lands on the shop or a file kept beside it, and never
/// on anything else that exists unless `--force` says so.
pub(crate) fn check_out(shop: &Location, out: &Path, force: bool) -> Result<()> {
    if store::is_part_of(shop, out) {
        bail!(
            "{} is the shop database (or a file kept beside it); not writing a printout over it",
            out.display()
        );
    }
    if out.exists() && !force {
        bail!(
            "{} already exists; add --force to overwrite it",
            out.display()
        );
    }
    if out.is_dir() {
        bail!("{} is a directory; give a file name", out.display());
    }
    Ok(())
}

/// Writes `doc` to `file`: created new, or (with `force`) replaced.
pub(crate) fn write_new(file: &Path, doc: &str, force: bool) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        // Created here and now: a file that appeared since the check is
        // still not overwritten.
        options.create_new(true);
    }
    let mut f = options
        .open(file)
        .with_context(|| format!("cannot write {}", file.display()))?;
    f.write_all(doc.as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))
}

fn init(path: &Location, by: Actor<'_>) -> Result<()> {
    let mut store = store::open(path, OpenMode::Create)?;
    let me = NewUser {
        login: by.login.into(),
        name: by.login.into(),
        role: Role::Manager,
    };
    store.add_user(&me, by)?;
    if let Location::Sqlite(_) = path {
        let defaults = crate::store::ShopSeed {
            canned_jobs: crate::store::seed::default_canned_jobs(),
            ..Default::default()
        };
        store.seed(&defaults, by)?;
    }
    println!("created {path} with {} as manager", by.login);
    Ok(())
}

/// `frontdesk migrate`: one SQLite shop into the group, with a progress bar.
fn migrate(from: &Path, to: &str, shop: &str) -> Result<()> {
    if !store::postgres::is_conninfo(to) {
        bail!("--to must name a PostgreSQL server (postgres://… or host=… dbname=…)");
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows ({eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let report = store::postgres::migrate_shop(from, to, shop, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if report.already_done {
        println!(
            "{} was already moved in as shop {shop}; nothing changed",
            from.display()
        );
        return Ok(());
    }
    for (table, rows, sum) in &report.tables {
        println!("{table:<22} {rows:>10} rows  {}", &sum[..16]);
    }
    if report.repaired_texts > 0 {
        println!(
            "{} texts held bytes that were not UTF-8; they were written with U+FFFD",
            report.repaired_texts
        );
    }
    println!("moved {} into the group as shop {shop}", from.display());
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
        Location::Postgres { .. } => bail!(
            "the demo is an SQLite shop: build it in a file, then `frontdesk migrate` it into the group"
        ),
    }
    // Opening sets the shop's journal mode for the terminals that share it.
    store::open(path, OpenMode::ReadWrite)?;
    Ok(())
}

fn time_fmt(cli: &Cli) -> TimeFmt {
    cli.utc_offset
        .map(TimeFmt::Fixed)
        .unwrap_or(TimeFmt::System)
}

/// Every check there is; warnings do not fail it, problems do.
fn check(path: &Location, against: Option<&Path>) -> Result<()> {
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    for warning in store::exposure(path) {
        println!("{warning}");
    }
    let mut problems = store.integrity_check()?;
    let audit = store.audit_problems()?;
    let head = audit.head;
    problems.extend(audit.problems);
    if let Some(backup) = against {
        problems.extend(compare_with_backup(store.as_ref(), backup)?);
    }
    if problems.is_empty() {
        let rows = head.map(|(id, _)| id).unwrap_or(0);
        println!("ok: {path} passed the integrity and foreign-key checks; the audit chain of {rows} rows is whole");
        return Ok(());
    }
    for p in &problems {
        println!("{p}");
    }
    bail!("{path}: {} problem(s) found", problems.len())
}

/// A backup's audit log ends on a row this shop must still hold unchanged:
/// a history rewritten since the backup shows here.
fn compare_with_backup(store: &dyn store::Store, backup: &Path) -> Result<Vec<String>> {
    let copy = store::open(
        &Location::Sqlite(backup.to_path_buf()),
        OpenMode::ReadOnlyOk,
    )?;
    let checked = copy.audit_problems()?;
    let head = checked.head;
    if let Some(first) = checked.problems.first() {
        return Ok(vec![format!(
            "the backup {} is itself broken: {first}",
            backup.display()
        )]);
    }
    let Some(head) = head else {
        return Ok(Vec::new());
    };
    Ok(store
        .audit_holds(&head)?
        .map(|why| {
            format!(
                "{why}: the backup {} had it, this shop's log does not",
                backup.display()
            )
        })
        .into_iter()
        .collect())
}

/// `frontdesk audit`: the history, one row a line.
fn audit(path: &Location, args: &AuditArgs, time: TimeFmt) -> Result<()> {
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    let entity = args.entity.as_deref().map(|e| match e {
        "ro" | "repair-order" => "repair_order",
        other => other,
    });
    let entity_id = match (entity, args.id.as_deref()) {
        (Some("repair_order"), Some(number)) if number.parse::<i64>().is_err() => Some(
            store
                .ro_id_by_number(number)?
                .ok_or_else(|| anyhow::anyhow!("no repair order numbered {number}"))?,
        ),
        (_, Some(id)) => Some(
            id.parse::<i64>()
                .map_err(|_| anyhow::anyhow!("'{id}' is not a record id"))?,
        ),
        _ => None,
    };
    let filter = store::AuditFilter {
        entity: entity.map(str::to_string),
        entity_id,
        since: args.since,
    };
    for e in store.audit_entries(&filter)? {
        let at = chrono::DateTime::parse_from_str(&e.at, "%F %T%.f%:z")
            .map(|t| time.long(t.with_timezone(&Utc)))
            .unwrap_or(e.at.clone());
        let id = e.entity_id.map(|i| i.to_string()).unwrap_or_default();
        let detail = crate::domain::text::clean_line(&e.detail);
        println!(
            "{:>6}  {at}  {:<12} {}:{id}  {}  {detail}",
            e.id, e.user_login, e.entity, e.action
        );
    }
    Ok(())
}

fn user(path: &Location, cmd: &UserCommand, by: Actor<'_>) -> Result<()> {
    if let UserCommand::List = cmd {
        let store = store::open(path, OpenMode::ReadOnlyOk)?;
        for u in store.users()? {
            println!("{:<16} {:<14} {}", u.login, u.role.code(), u.name);
        }
        return Ok(());
    }
    let mut store = store::open(path, OpenMode::ReadWrite)?;
    // The store asks the role table about the person at the keyboard.
    let me = store.user_by_login(by.login)?;
    let by = Actor {
        user_id: me.map(|u| u.id),
        ..by
    };
    match cmd {
        UserCommand::Add { login, name, role } => {
            let new = NewUser {
                login: login.clone(),
                name: name.clone().unwrap_or_else(|| login.clone()),
                role: *role,
            };
            let u = store.add_user(&new, by)?;
            println!("added {} ({}) as {}", u.login, u.name, u.role.code());
        }
        UserCommand::Role { login, role } => {
            store.set_user_role(login, *role, by)?;
            println!("{login} is now {}", role.code());
        }
        UserCommand::Disable { login } => {
            store.disable_user(login, by)?;
            println!("{login} is disabled");
        }
        UserCommand::List => {}
    }
    Ok(())
}

/// `frontdesk keys`: the bindings in force, in the chosen language.
fn keys(keymap: Option<&Path>, lang: Option<&str>) -> Result<()> {
    let prefs = Prefs::load(Prefs::default_path().as_deref()).map_err(anyhow::Error::msg)?;
    let t = Texts::new(Lang::choose(lang, prefs.lang.as_deref(), None));
    let active = load_keymap(keymap)?;
    print!(
        "{}",
        crate::ui::help::keymap_listing(&active, &Keymap::default(), &t)
    );
    Ok(())
}

/// `frontdesk settings [KEY VALUE]`.
fn settings(
    path: &Location,
    key: &Option<String>,
    value: &Option<String>,
    by: Actor<'_>,
) -> Result<()> {
    let (Some(key), Some(value)) = (key, value) else {
        let store = store::open(path, OpenMode::ReadOnlyOk)?;
        let s = store.settings()?;
        println!("shop_name        {}", s.shop_name);
        println!(
            "language         {}",
            s.language.as_deref().unwrap_or("(from each terminal)")
        );
        println!("currency_symbol  {}", s.currency_symbol);
        println!("tax_rate_bp      {}", s.tax_rate_bp);
        println!("labour_rate      {}", s.labour_rate.decimal());
        return Ok(());
    };
    if key == "language" {
        Lang::parse(value).map_err(anyhow::Error::msg)?;
    }
    if !SETTABLE.contains(&key.as_str()) {
        bail!(
            "no setting '{key}'; the settings are: {}",
            SETTABLE.join(", ")
        );
    }
    let numeric = key.ends_with("_bp") || key.ends_with("_minor");
    if numeric && value.parse::<u32>().is_err() {
        bail!("{key} is a whole number of 0 or more, not '{value}'");
    }
    let mut store = store::open(path, OpenMode::ReadWrite)?;
    // The store asks the role table about the person at the keyboard.
    let me = store.user_by_login(by.login)?;
    let by = Actor {
        user_id: me.map(|u| u.id),
        ..by
    };
    store.set_setting(key, value, by)?;
    println!("{key} is now {value}");
    Ok(())
}

/// What `frontdesk settings` may change: the shop's own words and numbers.
const SETTABLE: &[&str] = &[
    "language",
    "shop_name",
    "currency_symbol",
    "tax_rate_bp",
    "labour_rate_minor",
    "discount_threshold_bp",
];

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
    let session = Session::open(store.as_ref(), login, path.label())?;
    let keymap = load_keymap(cli.keymap.as_deref())?;
    let prefs = Prefs::load(Prefs::default_path().as_deref()).map_err(anyhow::Error::msg)?;
    let lang = Lang::choose(
        cli.lang.as_deref(),
        prefs.lang.as_deref(),
        session.settings.language.as_deref(),
    );
    let texts = Texts::new(lang);
    let time = cli
        .utc_offset
        .map(TimeFmt::Fixed)
        .unwrap_or(TimeFmt::System)
        .in_locale(texts.locale());
    let palette = cli.theme.or(prefs.palette().map_err(anyhow::Error::msg)?);
    let lines = match cli.line_drawing {
        Some(l) => l,
        None => prefs.lines().map_err(anyhow::Error::msg)?,
    };
    let theme = Theme::choose(palette, lines, &|v| std::env::var(v).ok());
    // crossterm drops every colour when NO_COLOR is set; a theme the user
    // chose by flag or config wins over NO_COLOR (no-color.org says so).
    if palette.is_some() {
        crossterm::style::force_color_output(theme.color());
    }
    let template = crate::shop_template(path)?;
    let mut app = App::new(session, keymap, texts, theme, time);
    if let Some(checklist) = app.pane_mut::<crate::ui::checklist::ChecklistPane>() {
        checklist.template = template;
    }
    app.start_on(cli.pane);
    let opts = RunOptions {
        exit_after_first_frame: cli.exit_after_first_frame,
        // A support aid: a line per reload and why the session ended.
        trace: std::env::var_os("FRONTDESK_TRACE").map(PathBuf::from),
    };
    crate::ui::run::run(&mut app, store.as_mut(), clock, opts)
}
