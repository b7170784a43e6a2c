//! `frontdesk report`: the statistics and KPIs of a day, week, month or
//! range as text, CSV or HTML, and `--day` for the close of day.

use crate::cli::check_out;
use crate::domain::report::{Period, PeriodError};
use crate::report::{html, text, Sheet, Trend};
use crate::store::report::ReportQuery;
use crate::store::{self, Location, OpenMode, Store};
use crate::ui::i18n::Texts;
use crate::ui::timefmt::TimeFmt;
use anyhow::{bail, Result};
use chrono::{DateTime, FixedOffset, Local, NaiveDate, Offset, Utc};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The first day of a range (2026-11-01); give --to as well.
    #[arg(long, requires = "to", value_name = "DATE")]
    from: Option<String>,
    /// The last day of a range, included.
    #[arg(long, requires = "from", value_name = "DATE")]
    to: Option<String>,
    /// The close of day: the day's report and what is still open (today
    /// unless a date is given).
    #[arg(long, num_args = 0..=1, default_missing_value = "today", value_name = "DATE",
          conflicts_with_all = ["from", "week", "month"])]
    day: Option<String>,
    /// The ISO week (Monday to Sunday) that holds DATE (default today).
    #[arg(long, num_args = 0..=1, default_missing_value = "today", value_name = "DATE",
          conflicts_with_all = ["from", "month"])]
    week: Option<String>,
    /// The month that holds DATE (default this month). This is the default.
    #[arg(long, num_args = 0..=1, default_missing_value = "today", value_name = "DATE",
          conflicts_with = "from")]
    month: Option<String>,
    /// text, csv or html (HTML has the charts and prints on A4).
    #[arg(long, default_value = "text", value_parser = ["text", "csv", "html"])]
    format: String,
    /// Leave out the 12-week KPI trend (one report per week).
    #[arg(long)]
    no_trend: bool,
    /// Write here instead of standard output (never over the shop file).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long, requires = "out")]
    force: bool,
    /// On a group server: every shop you may see, not just the one you
    /// work in (a shop file is one shop, so there it changes nothing).
    #[arg(long)]
    group: bool,
}

fn day_of(s: &str, today: NaiveDate) -> Result<NaiveDate, PeriodError> {
    if s == "today" {
        return Ok(today);
    }
    // A month may be given as 2026-11.
    if s.len() == 7 {
        return Period::parse_date(&format!("{s}-01"));
    }
    Period::parse_date(s)
}

impl ReportArgs {
    pub fn period(&self, today: NaiveDate) -> Result<Period, PeriodError> {
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            return Period::range(Period::parse_date(from)?, Period::parse_date(to)?);
        }
        if let Some(d) = &self.day {
            return Ok(Period::day(day_of(d, today)?));
        }
        if let Some(d) = &self.week {
            return Ok(Period::week(day_of(d, today)?));
        }
        let d = self.month.as_deref().unwrap_or("today");
        Ok(Period::month(day_of(d, today)?))
    }
}

/// The shop's offset: `--utc-offset`, else the shop's setting, else the
/// server's zone.
pub fn shop_offset(
    explicit: Option<FixedOffset>,
    settings: &crate::domain::Settings,
    now: DateTime<Utc>,
) -> FixedOffset {
    explicit.unwrap_or_else(|| {
        settings
            .calls
            .policy(now.with_timezone(&Local).offset().fix())
            .offset
    })
}

/// A bar on standard error for a long report (hidden when it is not a terminal).
fn progress_bar() -> impl FnMut(u64, u64) {
    let mut bar: Option<indicatif::ProgressBar> = None;
    move |done, total| {
        if total < 50_000 {
            return;
        }
        let b = bar.get_or_insert_with(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ROs {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_message("report");
            b
        });
        b.set_position(done);
        if done >= total {
            b.finish_and_clear();
        }
    }
}

/// The 12 weeks that end with the period's last day, each one's rates.
pub fn trend(store: &dyn Store, q: &ReportQuery) -> store::StoreResult<Trend> {
    Period::weeks_to(q.last_day_so_far(), 12)
        .into_iter()
        .map(|w| Ok((w, store.rates(&q.with(w))?)))
        .collect()
}

pub fn run(
    path: &Location,
    args: &ReportArgs,
    lang: Option<&str>,
    offset: Option<FixedOffset>,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(out) = &args.out {
        check_out(path, out, args.force)?;
    }
    let store = store::open(path, OpenMode::ReadOnlyOk)?;
    let settings = store.settings()?;
    let offset = shop_offset(offset, &settings, now);
    let today = now.with_timezone(&offset).date_naive();
    let period = args.period(today).map_err(|e| anyhow::anyhow!("{e}"))?;
    if period.days() > 366 * 30 {
        bail!(
            "a range of {} days is more than 30 years; give a shorter one",
            period.days()
        );
    }
    let q = ReportQuery {
        period,
        offset,
        now,
        group: args.group,
    };
    let report = store.report(&q, &mut progress_bar())?;
    let names = store.report_names()?;
    // A report is a shop's document: its language, unless --lang says.
    let lang = crate::ui::i18n::Lang::choose(lang, None, settings.language.as_deref());
    let t = Texts::new(lang);
    let time = TimeFmt::Fixed(offset).in_locale(t.locale());
    let sheet = Sheet {
        report: &report,
        names: &names,
        settings: &settings,
        t: &t,
    };
    let trend = if args.no_trend {
        Vec::new()
    } else {
        trend(store.as_ref(), &q)?
    };
    let charts = sheet.charts(&trend);
    let mut tables = sheet.tables();
    if !trend.is_empty() {
        tables.push(sheet.trend_table(&charts, args.format == "text"));
    }
    if args.day.is_some() {
        tables.extend(sheet.still_open(&store.still_open(&q)?, time));
    }
    let heading = sheet.heading(time);
    let doc = match args.format.as_str() {
        "csv" => {
            let mut buf = Vec::new();
            crate::report::csv(&tables, &mut buf)?;
            String::from_utf8(buf)?
        }
        "html" => html::page(&heading, &tables, &charts, &sheet.formulas()),
        _ => text::report(&heading, &tables, 100),
    };
    match &args.out {
        Some(file) => crate::cli::write_new(file, &doc, args.force)?,
        None => print!("{doc}"),
    }
    Ok(())
}
