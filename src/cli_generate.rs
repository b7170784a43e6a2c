//! `frontdesk generate`: a new shop with years of history, streamed to a
//! file under a temporary name and renamed into place once complete, so a
//! stopped run never leaves a half shop where a real one is expected.

use crate::demo::{self, history};
use crate::domain::Role;
use crate::store::history::{HistoryCounts, HistoryPlan, ShopFrame};
use crate::store::sqlite::{history::checksum, SqliteStore};
use crate::store::{Actor, AdminStore, Location, OpenMode};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The generated shop's offset from UTC (the demo shop is in China).
const SHOP_OFFSET_MINUTES: i64 = 480;

pub fn generate(path: &Location, by: Actor<'_>, plan: HistoryPlan, sum: bool) -> Result<()> {
    let Location::Sqlite(file) = path else {
        bail!("generate writes an SQLite file; `frontdesk migrate` moves it into a group");
    };
    if !(plan.years > 0.0 && plan.years <= 50.0) || plan.cars_per_day == 0 {
        bail!("--years must be above 0 and at most 50, and --cars-per-day at least 1");
    }
    if file.exists() {
        bail!("{} already exists; not overwriting it", file.display());
    }
    let partial = partial_path(file);
    let _ = std::fs::remove_file(&partial);
    let plan = HistoryPlan {
        utc_offset_minutes: SHOP_OFFSET_MINUTES,
        ..plan
    };
    let result = write(&partial, by, &plan, sum);
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    let (counts, summed) = result?;
    std::fs::rename(&partial, file)
        .with_context(|| format!("cannot move the new shop into {}", file.display()))?;
    println!(
        "generated {} with {} repair orders ({} open), {} customers, {} cars ({} sold on), \
         {} appointments, {} three-day calls, {} complaints",
        file.display(),
        counts.repair_orders,
        counts.open,
        counts.customers,
        counts.vehicles,
        counts.owner_changes,
        counts.appointments,
        counts.callbacks,
        counts.complaints
    );
    if let Some((tables, hex)) = summed {
        for (table, n) in tables {
            println!("{table:>18} {n}");
        }
        println!("checksum {hex}");
    }
    Ok(())
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".generating");
    file.with_file_name(name)
}

type Summed = Option<(Vec<(&'static str, i64)>, String)>;

fn write(
    file: &Path,
    by: Actor<'_>,
    plan: &HistoryPlan,
    sum: bool,
) -> Result<(HistoryCounts, Summed)> {
    let mut store = SqliteStore::open(file, OpenMode::Create)?;
    let frame_seed = demo::shop_frame(by.at, by.login);
    let ids = store.seed(&frame_seed, by)?;
    let frame = ShopFrame {
        advisors: frame_seed
            .users
            .iter()
            .zip(&ids.users)
            .filter(|(u, _)| matches!(u.role, Role::Advisor | Role::Manager))
            .map(|(_, id)| *id)
            .collect(),
        bays: ids.bays.clone(),
        groups: ids.groups.clone(),
        tax_rate_bp: history::TAX_RATE,
    };
    let expected = (plan.years * 365.25 * plan.cars_per_day as f64) as u64;
    let mut bar = progress(expected);
    let mut writer = store.history_writer()?;
    let counts = history::simulate(plan, &frame, &mut writer, &mut |n| {
        if let Some(b) = bar.as_mut() {
            b.set_position(n.min(expected));
        }
    })?;
    writer.finish()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summed = if sum { Some(checksum(&store)?) } else { None };
    Ok((counts, summed))
}

/// A bar on the terminal for runs long enough to want one.
fn progress(total: u64) -> Option<indicatif::ProgressBar> {
    if total < 20_000 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "generating {bar:40} {pos}/{len} ROs {per_sec} {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}
