//! `frontdesk import FILE` and `frontdesk export …`: customers, cars and
//! service history in and out as CSV.

use crate::cli::check_out;
use crate::domain::import::{self, BadRow, ColumnMap, Record};
use crate::store::book::Export;
use crate::store::{self, Actor, Location, OpenMode, StoreError};
use anyhow::{bail, Context, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file: UTF-8 (with or without a BOM) or GBK/GB18030.
    file: PathBuf,
    /// A TOML file naming the file's headers for our fields
    /// (`[columns]` `name = "客户姓名"`); without it, the headers of
    /// `frontdesk export customers` are expected.
    #[arg(long, value_name = "MAP.toml")]
    map: Option<PathBuf>,
    /// Check every row and report, write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// customers, vehicles, ros or callbacks.
    #[arg(value_parser = ["customers", "vehicles", "ros", "callbacks"])]
    what: String,
    /// Write here instead of standard output (never over the shop file).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,
}

/// The checked rows of a file, or every bad row with its line.
pub fn read(
    file: &Path,
    map: Option<&Path>,
) -> Result<(Vec<Record>, Vec<BadRow>, import::Encoding)> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (text, encoding) = import::decode(&bytes).map_err(anyhow::Error::msg)?;
    let map = match map {
        Some(p) => {
            let t = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            ColumnMap::parse(&t).map_err(anyhow::Error::msg)?
        }
        None => ColumnMap::default(),
    };
    let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .context("the header row")?
        .iter()
        .map(str::to_string)
        .collect();
    let at = map.locate(&headers).map_err(anyhow::Error::msg)?;
    let (mut records, mut bad) = (Vec::new(), Vec::new());
    for row in reader.records() {
        match row {
            Ok(row) => {
                let line = row.position().map_or(0, |p| p.line());
                let fields: Vec<String> = row.iter().map(str::to_string).collect();
                match import::record(&at, &fields, line) {
                    Ok(r) => records.push(r),
                    Err(reason) => bad.push(BadRow { line, reason }),
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                bad.push(BadRow {
                    line,
                    reason: format!("broken CSV (a quote not closed, or a row with the wrong number of fields): {e}"),
                });
            }
        }
    }
    bad.extend(import::duplicates(&records));
    bad.sort_by_key(|b| b.line);
    Ok((records, bad, encoding))
}

pub fn import(path: &Location, args: &ImportArgs, by: Actor<'_>) -> Result<()> {
    let (records, bad, encoding) = read(&args.file, args.map.as_deref())?;
    eprintln!(
        "{}: read as {}; {} rows",
        args.file.display(),
        encoding.words(),
        records.len() + bad.len()
    );
    for b in &bad {
        println!("line {}: {}", b.line, b.reason);
    }
    if !bad.is_empty() {
        bail!(
            "{} bad rows; nothing was imported. Fix them and run the import again",
            bad.len()
        );
    }
    if args.dry_run {
        println!(
            "dry run: {} rows are good; nothing was written",
            records.len()
        );
        return Ok(());
    }
    let mut store = store::open(path, OpenMode::ReadWrite)?;
    let user = store.user_by_login(by.login)?.map(|u| u.id);
    let by = Actor {
        user_id: user,
        ..by
    };
    let bar = progress_bar(records.len() as u64);
    let mut tick = |n: u64| bar.set_position(n);
    let name = args
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let done = store.import_records(&records, &name, &mut tick, by)?;
    bar.finish_and_clear();
    println!("imported: {}", done.words());
    Ok(())
}

/// A bar on the terminal; nothing when output goes to a file or a pipe.
fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows {per_sec}")
    {
        bar.set_style(style);
    }
    bar
}

pub fn export(path: &Location, args: &ExportArgs) -> Result<()> {
    if args.what == "callbacks" {
        bail!("callbacks are exported with: frontdesk callbacks list --csv [--kind … --status … --out FILE]");
    }
    if let Some(out) = &args.out {
        check_out(path, out, args.force)?;
    }
    let what = match args.what.as_str() {
        "customers" => Export::Customers,
        "vehicles" => Export::Vehicles,
        _ => Export::Ros,
    };
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    let sink: Box<dyn Write> = match &args.out {
        Some(out) => Box::new(new_file(out, args.force)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = ::csv::Writer::from_writer(std::io::BufWriter::new(sink));
    w.write_record(crate::store::sqlite::export_headers(what))?;
    let mut put = |row: &[String]| {
        // The export is read by spreadsheets and other tools: text is
        // cleaned of control characters, as on screen.
        let clean: Vec<String> = row
            .iter()
            .map(|f| crate::domain::text::clean_line(f))
            .collect();
        w.write_record(&clean)
            .map_err(|e| StoreError::Invalid(e.to_string()))
    };
    let n = store.export(what, &mut put)?;
    w.flush()?;
    eprintln!("{n} rows");
    Ok(())
}

fn new_file(out: &Path, force: bool) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    options
        .open(out)
        .with_context(|| format!("cannot write {}", out.display()))
}
