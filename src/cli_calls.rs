//! `frontdesk callbacks …`: the daily sweep for cron, campaign lists as
//! CSV, and recall or campaign VIN lists imported from CSV.

use crate::cli::{check_out, write_new};
use crate::domain::callbacks::recall::{parse_rows, VinList};
use crate::domain::callbacks::{Kind, Status};
use crate::store::callbacks::{ListFilter, ListRow, NewCampaign};
use crate::store::{self, Actor, Location, OpenMode};
use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum CallbacksCommand {
    /// Run every callback rule over the shop (the daily sweep; run it from
    /// cron). Running it twice makes nothing twice.
    Generate,
    /// List callbacks of a kind, for a campaign ("all due first
    /// maintenance this month", "all lost 3 months"); --csv for a spreadsheet.
    List(ListArgs),
    /// Import a recall's or a campaign's VIN list from CSV (the VIN in the
    /// first column). Bad rows are reported by line; the rest is imported
    /// only with --yes.
    ImportRecall(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// three_day_call, second_call, life_cycle, first_maintenance,
    /// maintenance_due, declined_work, parts_arrived, recall, campaign,
    /// appointment_reminder, lost_customer, insurance_renewal, complaint_followup.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<Kind>,
    /// open (default), done, unreachable, cancelled or do_not_contact.
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
    /// The step: months for lost customers (3, 6, 9), the day for the life
    /// cycle (30 … 180), the code for a campaign.
    #[arg(long)]
    topic: Option<String>,
    /// Due on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    from: Option<NaiveDate>,
    /// Due on or before this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    to: Option<NaiveDate>,
    /// CSV (with a header) instead of aligned text.
    #[arg(long)]
    csv: bool,
    /// Write to this file; an existing one only with --force, the shop's never.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[arg(long, requires = "out")]
    force: bool,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// The manufacturer's code for it, e.g. R-2026-014.
    #[arg(long)]
    code: String,
    #[arg(long)]
    title: String,
    /// A service campaign rather than a safety recall.
    #[arg(long)]
    campaign: bool,
    /// When it starts (YYYY-MM-DD); customers are called two weeks ahead.
    #[arg(long, value_parser = parse_date)]
    starts: NaiveDate,
    #[arg(long, value_parser = parse_date)]
    ends: Option<NaiveDate>,
    /// Import the good rows even when some are malformed.
    #[arg(long)]
    yes: bool,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::from_code(s).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        format!("unknown kind '{s}' ({})", all.join(", "))
    })
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::from_code(s).ok_or_else(|| format!("unknown status '{s}'"))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date like 2026-11-23"))
}

pub fn run(path: &Location, cmd: &CallbacksCommand, by: Actor<'_>) -> Result<()> {
    match cmd {
        CallbacksCommand::Generate => {
            let mut store = store::open(path, OpenMode::ReadWrite)?;
            let r = store.sweep_callbacks(by)?;
            println!(
                "callbacks: {} added, {} moved, {} withdrawn; {} complaints escalated",
                r.added, r.moved, r.withdrawn, r.escalated
            );
            Ok(())
        }
        CallbacksCommand::List(args) => list(path, args),
        CallbacksCommand::ImportRecall(args) => import(path, args, by),
    }
}

fn list(path: &Location, args: &ListArgs) -> Result<()> {
    if let Some(out) = &args.out {
        check_out(path, out, args.force)?;
    }
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let filter = ListFilter {
        kind: args.kind,
        status: args.status,
        topic: args.topic.clone(),
        from: args.from.map(day),
        to: args.to.and_then(|d| d.succ_opt()).map(day),
    };
    let rows = store.callback_list(&filter)?;
    let doc = if args.csv { csv(&rows)? } else { text(&rows) };
    match &args.out {
        Some(file) => {
            write_new(file, &doc, args.force)?;
            eprintln!("{} callbacks written to {}", rows.len(), file.display());
            Ok(())
        }
        None => {
            print!("{doc}");
            Ok(())
        }
    }
}

fn csv(rows: &[ListRow]) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r)?;
    }
    if rows.is_empty() {
        w.write_record([
            "id",
            "kind",
            "topic",
            "status",
            "due",
            "until",
            "customer",
            "phone",
            "preferred",
            "plate",
            "vin",
            "reason",
            "attempts",
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn text(rows: &[ListRow]) -> String {
    use crate::ui::text::fit;
    let mut out = String::new();
    for r in rows {
        let due = r.due.get(..16).unwrap_or(&r.due);
        let name = fit(&r.customer, 16);
        let plate = fit(&r.plate, 10);
        out.push_str(&format!(
            "{:>6}  {due}  {:<18} {name} {plate} {:<14} {}\n",
            r.id, r.kind, r.phone, r.reason
        ));
    }
    out.push_str(&format!("{} callbacks\n", rows.len()));
    out
}

/// Reads the VIN list; refuses to half-import unless told to.
fn import(path: &Location, args: &ImportArgs, by: Actor<'_>) -> Result<()> {
    let list = read_vins(&args.file)?;
    for bad in &list.bad {
        eprintln!(
            "{}: line {}: '{}': {}",
            args.file.display(),
            bad.line,
            bad.text,
            bad.why
        );
    }
    if !list.bad.is_empty() && !args.yes {
        bail!(
            "{} malformed rows; nothing was imported. Fix them, or add --yes to import the other {}",
            list.bad.len(),
            list.vins.len()
        );
    }
    if list.vins.is_empty() {
        bail!(
            "{} holds no VINs; nothing was imported",
            args.file.display()
        );
    }
    let mut store = store::open(path, OpenMode::ReadWrite)?;
    let c = NewCampaign {
        code: args.code.clone(),
        title: args.title.clone(),
        recall: !args.campaign,
        starts_on: args.starts,
        ends_on: args.ends,
        vins: list.vins,
    };
    let r = store.import_campaign(&c, by)?;
    println!(
        "{}: {} VINs imported, {} of them our customers' cars; {} callbacks added",
        c.code, r.vins, r.matched, r.callbacks
    );
    Ok(())
}

fn read_vins(file: &Path) -> Result<VinList> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut rows = Vec::new();
    for (i, rec) in reader.byte_records().enumerate() {
        let rec = rec.with_context(|| format!("{}: line {}", file.display(), i + 1))?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(i + 1);
        let fields = rec
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        rows.push((line, fields));
    }
    Ok(parse_rows(rows))
}
