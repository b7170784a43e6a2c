//! Load and crash harness: several processes writing one shop file at
//! once, as a busy front desk does. Each worker creates ROs, adds lines to
//! them (merged with others' saves), takes payments and moves cars, and
//! prints one line per committed write, after the commit. `verify` then
//! proves every printed write is in the file, once, with no RO number used
//! twice, the audit chain whole and the integrity check clean.
//!
//!     fd-load run --db shop.db --processes 8 --seconds 60   # the long form
//!     fd-load worker --db shop.db --worker 3 --seconds 10 > w3.log
//!     fd-load verify --db shop.db w*.log
//!
//! `--db` may name a group server as well (`postgres://…` or a key=value
//! string): the workers then work in the login's home shop. Payments are
//! skipped there until settlement is ported.

use anyhow::{bail, Context, Result};
use chrono::Utc;
use clap::{Parser, Subcommand};
use frontdesk::domain::repair_order::{CustomerRef, LineKind, RoLine, VehicleRef};
use frontdesk::domain::{vin, Money, MoveRequest, RepairOrder, RoStatus};
use frontdesk::store::{self, Actor, Location, OpenMode, SaveRo, Store, StoreError};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// One writer until the time is up (or it is killed).
    Worker {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        worker: u32,
        #[arg(long)]
        seconds: u64,
    },
    /// Check the shop against the workers' logs.
    Verify {
        #[arg(long)]
        db: PathBuf,
        logs: Vec<PathBuf>,
    },
    /// Hang the keys of these ROs on hooks, one write each (auto, or the
    /// given hook); prints `RO tag` or `RO refused: why` per RO.
    /// Takes one callback (F5's Enter) and says whether it won.
    Claim {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        id: i64,
    },
    Tags {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, value_delimiter = ',')]
        ros: Vec<i64>,
        #[arg(long)]
        hook: Option<i64>,
    },
    /// Start `processes` workers, wait, verify, and report the figures.
    Run {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, default_value_t = 8)]
        processes: u32,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Claim { db, id } => claim(&db, id),
        Cmd::Worker {
            db,
            worker,
            seconds,
        } => work(&db, worker, Duration::from_secs(seconds)),
        Cmd::Verify { db, logs } => {
            let summary = verify(&db, &logs)?;
            println!("verified: {summary}");
            Ok(())
        }
        Cmd::Run {
            db,
            processes,
            seconds,
        } => run(&db, processes, seconds),
        Cmd::Tags { db, ros, hook } => tags(&db, &ros, hook),
    }
}

fn claim(db: &Path, id: i64) -> Result<()> {
    let (mut store, login, user_id) = writer(db)?;
    let by = Actor {
        login: &login,
        user_id,
        at: chrono::Utc::now(),
    };
    match store.claim_callback(id, by) {
        Ok(()) => println!("claimed {id}"),
        Err(e) => println!("refused: {e}"),
    }
    Ok(())
}

fn tags(db: &Path, ros: &[i64], hook: Option<i64>) -> Result<()> {
    use frontdesk::domain::checklist::keys::TagRequest;
    let (mut store, login, user_id) = writer(db)?;
    let request = hook.map_or(TagRequest::Auto, TagRequest::Hook);
    for ro in ros {
        let by = Actor {
            login: &login,
            user_id,
            at: Utc::now(),
        };
        match store.assign_key_tag(*ro, request, by) {
            Ok(tag) => say(&format!("{ro} {tag}")),
            Err(e) => say(&format!("{ro} refused: {e}")),
        }
    }
    Ok(())
}

/// The shop opened for writing, waiting as a terminal does for a busy
/// lock, with the real login and its user id.
fn writer(db: &Path) -> Result<(Box<dyn Store>, String, Option<i64>)> {
    let mut store = open(db)?;
    store.set_lock_wait(Duration::from_secs(30))?;
    let login = frontdesk::os::real_login();
    let user_id = store.user_by_login(&login)?.map(|u| u.id);
    Ok((store, login, user_id))
}

fn open(db: &Path) -> Result<Box<dyn Store>> {
    Ok(store::open(
        &Location::parse(db.as_os_str()),
        OpenMode::ReadWrite,
    )?)
}

/// A committed write, said after its commit (so a kill loses no claim).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn work(db: &Path, worker: u32, time: Duration) -> Result<()> {
    let (mut store, login, user_id) = writer(db)?;
    let mut rng = fastrand::Rng::with_seed(u64::from(worker) * 7919 + 1);
    let start = Instant::now();
    let (mut n, mut worst) = (0u64, Duration::ZERO);
    while start.elapsed() < time {
        n += 1;
        let by = Actor {
            login: &login,
            user_id,
            at: Utc::now(),
        };
        let tag = format!("w{worker}-{n}");
        let began = Instant::now();
        let op = rng.u8(0..4);
        let done = match op {
            0 => new_ro(store.as_mut(), &tag, worker, n, by),
            1 => add_line(store.as_mut(), &tag, &mut rng, by),
            2 => pay(store.as_mut(), &tag, &mut rng, by),
            _ => regroup(store.as_mut(), &mut rng, by),
        };
        let took = began.elapsed();
        worst = worst.max(took);
        match done {
            Ok(Some(line)) => {
                say(&line);
                // An RO saved (new, or a line merged in): what p50/p99 count.
                if op < 2 {
                    say(&format!("save {}", took.as_micros()));
                }
            }
            Ok(None) => {}
            Err(e) if e.is_conflict() => {}
            Err(e) => say(&format!("error {e}")),
        }
    }
    say(&format!("stats {n} {}", worst.as_micros()));
    Ok(())
}

fn new_ro(
    store: &mut dyn Store,
    tag: &str,
    worker: u32,
    n: u64,
    by: Actor<'_>,
) -> Result<Option<String>, StoreError> {
    let mut ro = RepairOrder::new(by.login);
    ro.customer = CustomerRef {
        id: None,
        name: format!("Load {tag}"),
        phone: format!("13{:09}", u64::from(worker) * 10_000_000 + n),
    };
    let raw = format!("LDW{worker:02}{n:012}");
    ro.vehicle = VehicleRef {
        id: None,
        vin: vin::with_check_digit(&raw).unwrap_or(raw),
        plate: format!("粤L·{tag}"),
        make: "Load".into(),
        model: "Test".into(),
        last_odometer_km: None,
    };
    ro.odometer_in_km = Some(1_000);
    ro.concerns = format!("load test {tag}");
    let saved = store.save_ro(&SaveRo::new(&ro), by)?;
    Ok(Some(format!("ro {}", saved.number)))
}

/// An unsigned RO made by the load (its lines may still change).
fn some_load_ro(store: &dyn Store, rng: &mut fastrand::Rng) -> Result<Option<i64>, StoreError> {
    let cards: Vec<i64> = store
        .board()?
        .cards
        .iter()
        .filter(|c| c.status() == RoStatus::CheckedIn && c.customer.starts_with("Load "))
        .map(|c| c.id)
        .collect();
    Ok((!cards.is_empty()).then(|| cards[rng.usize(0..cards.len())]))
}

/// A line added to a load RO, saved against the version read: a save by
/// someone else meanwhile is merged (lines added on both sides are kept).
fn add_line(
    store: &mut dyn Store,
    tag: &str,
    rng: &mut fastrand::Rng,
    by: Actor<'_>,
) -> Result<Option<String>, StoreError> {
    let Some(id) = some_load_ro(store, rng)? else {
        return Ok(None);
    };
    let base = store.load_ro(id)?;
    let mut mine = base.clone();
    mine.lines.push(RoLine {
        kind: LineKind::Part,
        code: "LOAD".into(),
        description: tag.to_string(),
        quantity_milli: 1000,
        unit_price: Money(100),
        ..RoLine::default()
    });
    // Someone may save between our read and our write: that is the point.
    std::thread::sleep(Duration::from_millis(rng.u64(0..5)));
    let req = SaveRo {
        ro: &mine,
        base: Some(&base),
        keep_mine: false,
    };
    store.save_ro(&req, by)?;
    Ok(Some(format!("line {id} {tag}")))
}

fn pay(
    store: &mut dyn Store,
    tag: &str,
    rng: &mut fastrand::Rng,
    by: Actor<'_>,
) -> Result<Option<String>, StoreError> {
    let Some(id) = some_load_ro(store, rng)? else {
        return Ok(None);
    };
    match store.add_payment(id, Money(1), tag, by) {
        Ok(_) => Ok(Some(format!("pay {id} {tag}"))),
        // Nothing left to pay: not a failure of the shop.
        Err(StoreError::Invalid(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A car in a bay handed to another work group (a move, with its audit row).
fn regroup(
    store: &mut dyn Store,
    rng: &mut fastrand::Rng,
    by: Actor<'_>,
) -> Result<Option<String>, StoreError> {
    let snap = store.board()?;
    let cars: Vec<_> = snap
        .cards
        .iter()
        .filter(|c| c.status() == RoStatus::InBay)
        .collect();
    if cars.is_empty() || snap.groups.len() < 2 {
        return Ok(None);
    }
    let car = cars[rng.usize(0..cars.len())];
    let others: Vec<i64> = snap
        .groups
        .iter()
        .map(|g| g.id)
        .filter(|g| Some(*g) != car.work_group_id)
        .collect();
    let req = MoveRequest {
        ro_id: car.id,
        expected_version: car.version,
        to: RoStatus::InBay,
        bay_id: car.bay_id,
        work_group_id: Some(others[rng.usize(0..others.len())]),
    };
    store.move_ro(&req, by)?;
    Ok(Some(format!("move {}", car.id)))
}

/// Every claimed write is in the shop, once; numbers are unique; the audit
/// chain is whole; the integrity check is clean.
fn verify(db: &Path, logs: &[PathBuf]) -> Result<String> {
    let mut claims = Vec::new();
    for log in logs {
        let text = std::fs::read_to_string(log).with_context(|| log.display().to_string())?;
        // A worker killed mid-line claims nothing by that line.
        let whole = match text.rfind('\n') {
            Some(end) => &text[..end],
            None => "",
        };
        claims.extend(whole.lines().map(str::to_string));
    }
    let mut conn = Counter::open(db)?;
    let (mut ros, mut lines, mut pays, mut moves) = (0, 0, 0, 0);
    let mut numbers = HashSet::new();
    for claim in &claims {
        let parts: Vec<&str> = claim.split(' ').collect();
        match parts.as_slice() {
            ["ro", number] => {
                ros += 1;
                if !numbers.insert(number.to_string()) {
                    bail!("RO number {number} was given twice");
                }
                let n = conn.count("repair_orders WHERE number = ?1", &[number])?;
                if n != 1 {
                    bail!("RO {number} was saved but is in the file {n} times");
                }
            }
            ["line", id, tag] => {
                lines += 1;
                let n = conn.count("ro_lines WHERE ro_id = ?1 AND description = ?2", &[id, tag])?;
                if n != 1 {
                    bail!("line {tag} on RO {id} was saved but is there {n} times: a lost update");
                }
            }
            ["pay", id, tag] => {
                pays += 1;
                let n = conn.count("payments WHERE ro_id = ?1 AND method = ?2", &[id, tag])?;
                if n != 1 {
                    bail!("payment {tag} on RO {id} was taken but is there {n} times");
                }
            }
            ["move", _] => moves += 1,
            ["error", ..] => bail!("a worker failed: {claim}"),
            _ => {}
        }
    }
    let store = store::open(&Location::parse(db.as_os_str()), OpenMode::ReadOnlyOk)?;
    let audit = store.audit_problems()?;
    if !audit.problems.is_empty() {
        bail!("audit chain: {}", audit.problems.join("; "));
    }
    let integrity = store.integrity_check()?;
    if !integrity.is_empty() {
        bail!("integrity: {}", integrity.join("; "));
    }
    let dup = conn.duplicate_numbers()?;
    if dup != 0 {
        bail!("{dup} RO numbers are used twice in one shop");
    }
    Ok(format!(
        "{ros} ROs, {lines} merged lines, {pays} payments, {moves} moves; no lost update, unique numbers, audit chain whole, integrity ok"
    ))
}

/// Counts rows in the shop file or on the group server, to check claims.
enum Counter {
    File(rusqlite::Connection),
    Server(postgres::Client),
}

impl Counter {
    fn open(db: &Path) -> Result<Counter> {
        Ok(match Location::parse(db.as_os_str()) {
            Location::Sqlite(path) => Counter::File(rusqlite::Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?),
            Location::Postgres { conninfo, .. } => {
                Counter::Server(frontdesk::store::postgres::connect(&conninfo)?)
            }
        })
    }

    /// How many rows `from_where` ("table WHERE …", `?n` for the text
    /// arguments) finds.
    fn count(&mut self, from_where: &str, args: &[&str]) -> Result<i64> {
        let sql = format!("SELECT count(*) FROM {from_where}");
        match self {
            Counter::File(conn) => {
                let args = rusqlite::params_from_iter(args.iter());
                Ok(conn.query_row(&sql, args, |r| r.get(0))?)
            }
            Counter::Server(client) => {
                // Every argument is text; the server compares ids as text.
                let mut sql = sql;
                for n in 1..=args.len() {
                    sql = sql.replace(&format!("ro_id = ?{n}"), &format!("ro_id::text = ${n}"));
                    sql = sql.replace(&format!("?{n}"), &format!("${n}"));
                }
                let params: Vec<&(dyn postgres::types::ToSql + Sync)> = args
                    .iter()
                    .map(|a| a as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                Ok(client.query_one(&sql, &params)?.get(0))
            }
        }
    }

    /// RO numbers given twice within one shop.
    fn duplicate_numbers(&mut self) -> Result<i64> {
        Ok(match self {
            Counter::File(conn) => conn.query_row(
                "SELECT count(*) - count(DISTINCT number) FROM repair_orders",
                [],
                |r| r.get(0),
            )?,
            Counter::Server(client) => client
                .query_one(
                    "SELECT count(*) - count(DISTINCT (shop_id, number)) FROM repair_orders",
                    &[],
                )?
                .get(0),
        })
    }
}

fn run(db: &Path, processes: u32, seconds: u64) -> Result<()> {
    let me = std::env::current_exe()?;
    let dir = tempfile_dir(db)?;
    let started = Instant::now();
    let children: Vec<_> = (0..processes)
        .map(|k| {
            let log = dir.join(format!("w{k}.log"));
            let out = std::fs::File::create(&log)?;
            let child = std::process::Command::new(&me)
                .args(["worker", "--db", &db.display().to_string()])
                .args([
                    "--worker",
                    &k.to_string(),
                    "--seconds",
                    &seconds.to_string(),
                ])
                .stdout(out)
                .spawn()?;
            Ok((child, log))
        })
        .collect::<Result<_>>()?;
    let mut logs = Vec::new();
    for (mut child, log) in children {
        child.wait()?;
        logs.push(log);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (mut writes, mut worst) = (0u64, 0u128);
    let mut saves: Vec<u64> = Vec::new();
    for log in &logs {
        for line in std::fs::read_to_string(log)?.lines() {
            match line.split(' ').collect::<Vec<_>>().as_slice() {
                ["stats", _, micros] => worst = worst.max(micros.parse().unwrap_or(0)),
                ["save", micros] => saves.extend(micros.parse::<u64>().ok()),
                ["ro" | "line" | "pay" | "move", ..] => writes += 1,
                _ => {}
            }
        }
    }
    println!("{processes} processes, {seconds} s: {writes} committed writes, {:.0} writes/s, worst latency {:.1} ms",
        writes as f64 / elapsed, worst as f64 / 1000.0);
    saves.sort_unstable();
    let at =
        |q: f64| saves.get(((saves.len() as f64 * q) as usize).min(saves.len().saturating_sub(1)));
    if let (Some(p50), Some(p99)) = (at(0.50), at(0.99)) {
        println!(
            "RO saves: {} · p50 {:.1} ms · p99 {:.1} ms",
            saves.len(),
            *p50 as f64 / 1000.0,
            *p99 as f64 / 1000.0
        );
    }
    println!("verified: {}", verify(db, &logs)?);
    Ok(())
}

/// A folder beside the shop for the workers' logs (for a group server, in
/// the temporary folder).
fn tempfile_dir(db: &Path) -> Result<PathBuf> {
    let dir = match Location::parse(db.as_os_str()) {
        Location::Sqlite(_) => db.with_extension("load-logs"),
        Location::Postgres { .. } => {
            std::env::temp_dir().join(format!("fd-load-{}", std::process::id()))
        }
    };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
