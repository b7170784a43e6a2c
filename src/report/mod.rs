//! A report laid out once, as tables of cells, for every place it is shown:
//! the F8 pane, and `frontdesk report` as text, CSV or HTML. Each cell has
//! its words for people and its plain value for a spreadsheet, so the
//! screen and the exports cannot disagree.

pub mod html;
pub mod svg;
pub mod text;

use crate::domain::repair_order::{Category, Payer};
use crate::domain::report::{hours_text, Drill, Kpi, Report, Sums};
use crate::domain::{Money, Settings};
use crate::store::report::{DrillRow, ReportNames, StillOpen};
use crate::ui::i18n::Texts;

/// One figure: as shown, and as a plain number or code for CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub raw: String,
}

impl Cell {
    pub fn words(s: impl Into<String>) -> Cell {
        let s = s.into();
        Cell {
            raw: s.clone(),
            text: s,
        }
    }

    pub fn count(n: i64) -> Cell {
        Cell {
            text: n.to_string(),
            raw: n.to_string(),
        }
    }

    /// An amount as the reader's language writes it; `raw` (CSV) stays
    /// the plain decimal.
    pub fn money(m: Money, symbol: &str, locale: crate::locale::Locale) -> Cell {
        Cell {
            text: locale.money(m, symbol),
            raw: m.decimal(),
        }
    }

    pub fn hours(milli: i64) -> Cell {
        Cell {
            text: hours_text(milli),
            raw: format!("{}.{:03}", milli / 1000, milli % 1000),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub cells: Vec<Cell>,
    /// What Enter lists for this row.
    pub drill: Option<Drill>,
    /// For a KPI: whether its target is met.
    pub met: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// A stable name (CSV's first column): summary, category, payer, …
    pub key: &'static str,
    pub title: String,
    pub head: Vec<String>,
    /// Columns from this one on are numbers (right-aligned).
    pub numbers_from: usize,
    pub rows: Vec<SheetRow>,
}

/// Everything a report shows, in words of one language.
pub struct Sheet<'a> {
    pub report: &'a Report,
    pub names: &'a ReportNames,
    pub settings: &'a Settings,
    pub t: &'a Texts,
}

impl Sheet<'_> {
    fn sym(&self) -> &str {
        &self.settings.currency_symbol
    }

    fn row(&self, cells: Vec<Cell>, drill: Option<Drill>) -> SheetRow {
        SheetRow {
            cells,
            drill,
            met: None,
        }
    }

    fn measure(&self, key: &str, value: Cell, drill: Option<Drill>) -> SheetRow {
        self.row(vec![Cell::words(self.t.get(key)), value], drill)
    }

    /// Cars, ROs, hours and money for the whole period.
    pub fn summary(&self) -> Table {
        let s = &self.report.stats;
        let a = &s.all;
        let m = |v: Money| Cell::money(v, self.sym(), self.t.locale());
        let payer = |p: Payer| s.by_payer.get(&p).map_or(Money(0), |x| x.1);
        let rows = vec![
            self.measure(
                "report.cars_in",
                Cell::count(s.cars_in),
                Some(Drill::CarsIn),
            ),
            self.measure(
                "report.cars_out",
                Cell::count(s.cars_out),
                Some(Drill::CarsOut),
            ),
            self.measure(
                "report.hours",
                Cell::hours(a.labour_milli_hours),
                Some(Drill::CarsOut),
            ),
            self.measure("report.labour", m(a.labour), Some(Drill::CarsOut)),
            self.measure("report.parts", m(a.parts), Some(Drill::CarsOut)),
            self.measure("report.fees", m(a.fees), Some(Drill::CarsOut)),
            self.measure("report.discount", m(a.discount), Some(Drill::CarsOut)),
            self.measure("report.tax", m(a.tax), Some(Drill::CarsOut)),
            self.measure("report.billed", m(a.total), Some(Drill::CarsOut)),
            self.measure("report.arrears", m(a.arrears), Some(Drill::Arrears)),
            self.measure(
                "report.receivable_warranty",
                m(payer(Payer::Warranty)),
                Some(Drill::Payer(Payer::Warranty)),
            ),
            self.measure(
                "report.receivable_insurer",
                m(payer(Payer::Insurer)),
                Some(Drill::Payer(Payer::Insurer)),
            ),
        ];
        self.table(
            "summary",
            "report.summary",
            &["report.col.measure", "report.col.value"],
            1,
            rows,
        )
    }

    fn table(
        &self,
        key: &'static str,
        title: &str,
        head: &[&str],
        numbers_from: usize,
        rows: Vec<SheetRow>,
    ) -> Table {
        Table {
            key,
            title: self.t.get(title).into(),
            head: head.iter().map(|h| self.t.get(h).to_string()).collect(),
            numbers_from,
            rows,
        }
    }

    /// A group's ROs, hours, money and average ticket.
    fn sums_cells(&self, name: String, s: &Sums) -> Vec<Cell> {
        let m = |v: Money| Cell::money(v, self.sym(), self.t.locale());
        vec![
            Cell::words(name),
            Cell::count(s.ros),
            Cell::hours(s.labour_milli_hours),
            m(s.labour),
            m(s.parts),
            m(s.fees),
            m(s.total),
            s.average_ticket().map_or(Cell::words("–"), m),
        ]
    }

    const SUMS_HEAD: [&'static str; 8] = [
        "report.col.name",
        "report.col.ros",
        "report.col.hours",
        "report.col.labour",
        "report.col.parts",
        "report.col.fees",
        "report.col.total",
        "report.col.ticket",
    ];

    pub fn by_category(&self) -> Table {
        let rows = Category::ALL
            .iter()
            .map(|c| {
                let s = self
                    .report
                    .stats
                    .by_category
                    .get(c)
                    .copied()
                    .unwrap_or_default();
                let name = self.t.get(&format!("category.{}", c.code())).to_string();
                self.row(self.sums_cells(name, &s), Some(Drill::Category(*c)))
            })
            .collect();
        self.table("category", "report.by_category", &Self::SUMS_HEAD, 1, rows)
    }

    pub fn by_payer(&self) -> Table {
        let rows = Payer::ALL
            .iter()
            .map(|p| {
                let (n, amount) = self
                    .report
                    .stats
                    .by_payer
                    .get(p)
                    .copied()
                    .unwrap_or_default();
                let name = self.t.get(&format!("payer.{}", p.code())).to_string();
                let cells = vec![
                    Cell::words(name),
                    Cell::count(n),
                    Cell::money(amount, self.sym(), self.t.locale()),
                ];
                self.row(cells, Some(Drill::Payer(*p)))
            })
            .collect();
        let head = ["report.col.payer", "report.col.ros", "report.col.amount"];
        self.table("payer", "report.by_payer", &head, 1, rows)
    }

    /// ROs per person or work group: one row each, named, with its drill.
    fn per(
        &self,
        key: &'static str,
        title: &str,
        sums: &std::collections::BTreeMap<Option<i64>, Sums>,
        name: impl Fn(Option<i64>) -> String,
        drill: fn(Option<i64>) -> Drill,
    ) -> Table {
        let rows = sums
            .iter()
            .map(|(id, s)| self.row(self.sums_cells(name(*id), s), Some(drill(*id))))
            .collect();
        self.table(key, title, &Self::SUMS_HEAD, 1, rows)
    }

    pub fn by_advisor(&self) -> Table {
        let s = &self.report.stats.by_advisor;
        self.per(
            "advisor",
            "report.by_advisor",
            s,
            |id| self.names.advisor(id),
            Drill::Advisor,
        )
    }

    pub fn by_group(&self) -> Table {
        let s = &self.report.stats.by_group;
        self.per(
            "group",
            "report.by_group",
            s,
            |id| self.names.group(id),
            Drill::Group,
        )
    }

    pub fn kpis(&self) -> Table {
        let targets = &self.settings.report_targets;
        let rows = self
            .report
            .kpi_rows(targets, self.settings.labour_rate, self.sym())
            .into_iter()
            .map(|k| {
                let status = match k.met {
                    Some(true) => "report.met",
                    Some(false) => "report.missed",
                    None => "report.no_judge",
                };
                let raw = self.report.kpis.ratio(k.kpi).and_then(|r| r.per_mille());
                let value = Cell {
                    raw: raw.map_or_else(|| k.value.clone(), |p| format!("{}.{}", p / 10, p % 10)),
                    text: k.value,
                };
                SheetRow {
                    cells: vec![
                        Cell::words(self.t.get(&format!("kpi.{}", k.kpi.key()))),
                        value,
                        Cell::words(k.target),
                        Cell::words(self.t.get(status)),
                    ],
                    drill: Drill::of_kpi(k.kpi),
                    met: k.met,
                }
            })
            .collect();
        let head = [
            "report.col.kpi",
            "report.col.value",
            "report.col.target",
            "report.col.status",
        ];
        self.table("kpi", "report.kpis", &head, 1, rows)
    }

    /// Every table of the statistics report, KPIs last.
    pub fn tables(&self) -> Vec<Table> {
        vec![
            self.summary(),
            self.by_category(),
            self.by_payer(),
            self.by_advisor(),
            self.by_group(),
            self.kpis(),
        ]
    }

    /// The formula of each KPI, as help and the HTML state them.
    pub fn formulas(&self) -> Vec<(String, String)> {
        Kpi::ALL
            .iter()
            .map(|k| {
                (
                    self.t.get(&format!("kpi.{}", k.key())).to_string(),
                    self.t.get(&format!("kpi.{}.formula", k.key())).to_string(),
                )
            })
            .collect()
    }

    /// The close of day's lists: cars, calls and complaints still open.
    pub fn still_open(&self, open: &StillOpen, time: crate::ui::timefmt::TimeFmt) -> Vec<Table> {
        let list = |key: &'static str, title: &str, rows: &[DrillRow]| {
            let rows = rows
                .iter()
                .map(|r| self.row(drill_cells(r, time), None))
                .collect();
            let head = [
                "report.col.number",
                "report.col.plate",
                "report.col.customer",
                "report.col.what",
                "report.col.when",
            ];
            self.table(key, title, &head, 5, rows)
        };
        let mut calls = list("open_calls", "report.open_calls", &open.calls);
        calls.title = format!("{} ({})", calls.title, open.calls_total);
        vec![
            list("open_cars", "report.open_cars", &open.cars),
            calls,
            list(
                "open_complaints",
                "report.open_complaints",
                &open.complaints,
            ),
        ]
    }
}

/// A drill-down row's cells: number, plate, customer, why, when.
pub fn drill_cells(r: &DrillRow, time: crate::ui::timefmt::TimeFmt) -> Vec<Cell> {
    // On screen the reader's way; in CSV the ISO form a program reads.
    let (when, raw) =
        r.at.map(|t| {
            let iso = time.in_locale(crate::locale::Locale::En).long(t);
            (time.long(t), iso)
        })
        .unwrap_or_default();
    vec![
        Cell::words(r.number.clone()),
        Cell::words(r.plate.clone()),
        Cell::words(r.customer.clone()),
        Cell::words(r.what.clone()),
        Cell { text: when, raw },
    ]
}

/// The report as CSV: one record per row, its table's key first; each
/// table starts with a `<key>.head` record of column names. Values are
/// plain (money as 1234.56, rates in percent as 98.5).
pub fn csv(tables: &[Table], out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let mut w = ::csv::WriterBuilder::new().flexible(true).from_writer(out);
    for t in tables {
        let mut head = vec![format!("{}.head", t.key)];
        head.extend(t.head.iter().cloned());
        w.write_record(&head)?;
        for r in &t.rows {
            let mut rec = vec![t.key.to_string()];
            rec.extend(r.cells.iter().map(|c| c.raw.clone()));
            w.write_record(&rec)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A KPI's weekly values against its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrendLine {
    pub kpi: Kpi,
    pub name: String,
    pub values: Vec<Option<i64>>,
    pub target: i64,
    pub target_text: String,
}

/// What the charts draw, in screen and paper alike.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Charts {
    pub cars_title: String,
    /// Cars in, per local day ("11-23").
    pub cars_per_day: Vec<(String, i64)>,
    pub revenue_title: String,
    /// Billed per category: name, minor units, the amount in words.
    pub revenue: Vec<(String, i64, String)>,
    pub trend_title: String,
    /// The weeks' labels ("W48"), oldest first.
    pub weeks: Vec<String>,
    pub trends: Vec<TrendLine>,
    pub formulas_title: String,
}

/// The weeks of a trend and each one's rates.
pub type Trend = Vec<(crate::domain::report::Period, crate::domain::report::Kpis)>;

impl Sheet<'_> {
    pub fn charts(&self, trend: &Trend) -> Charts {
        let s = &self.report.stats;
        let t = self.t;
        let trends = Kpi::RATES
            .iter()
            .filter_map(|k| {
                let aim = k.aim(&self.settings.report_targets)?;
                Some(TrendLine {
                    kpi: *k,
                    name: t.get(&format!("kpi.{}", k.key())).to_string(),
                    values: trend
                        .iter()
                        .map(|(_, r)| r.ratio(*k).and_then(|x| x.per_mille()))
                        .collect(),
                    target: aim.per_mille(),
                    target_text: aim.text(),
                })
            })
            .collect();
        Charts {
            cars_title: t.get("report.chart.cars").into(),
            cars_per_day: s
                .per_day
                .iter()
                .map(|(d, c)| (t.locale().day_month(*d), c.cars_in))
                .collect(),
            revenue_title: t.get("report.chart.revenue").into(),
            revenue: Category::ALL
                .iter()
                .map(|c| {
                    let total = s.by_category.get(c).map_or(Money(0), |x| x.total);
                    let name = t.get(&format!("category.{}", c.code())).to_string();
                    (name, total.0, t.money(total, self.sym()))
                })
                .collect(),
            trend_title: t.get("report.chart.trend").into(),
            weeks: trend
                .iter()
                .map(|(p, _)| format!("W{:02}", chrono::Datelike::iso_week(&p.first).week()))
                .collect(),
            trends,
            formulas_title: t.get("report.formulas").into(),
        }
    }

    /// The report's first lines: shop, period, and the time it speaks for.
    pub fn heading(&self, time: crate::ui::timefmt::TimeFmt) -> Vec<String> {
        let r = self.report;
        vec![
            format!(
                "{} — {} {}",
                self.settings.shop_name,
                self.t.get("report.title"),
                r.period.label()
            ),
            self.t
                .fill("report.as_of", &[("time", &time.long(r.as_of))]),
        ]
    }
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A rate's weeks as a line of block characters (blank: nothing due).
pub fn sparkline(values: &[Option<i64>]) -> String {
    values
        .iter()
        .map(|v| match v {
            Some(p) => SPARKS[((p.clamp(&0, &1000) * 7 + 500) / 1000) as usize],
            None => '·',
        })
        .collect()
}

impl Sheet<'_> {
    /// The 12-week trend as a table: the rate each week (plain values in
    /// CSV), or, for text, one sparkline per KPI.
    pub fn trend_table(&self, charts: &Charts, spark: bool) -> Table {
        let mut head = vec![self.t.get("report.col.kpi").to_string()];
        if spark {
            head.push(format!(
                "{} … {}",
                charts.weeks.first().cloned().unwrap_or_default(),
                charts.weeks.last().cloned().unwrap_or_default()
            ));
        } else {
            head.extend(charts.weeks.iter().cloned());
        }
        head.push(self.t.get("report.col.target").to_string());
        let rows = charts
            .trends
            .iter()
            .map(|tr| {
                let mut cells = vec![Cell::words(tr.name.clone())];
                if spark {
                    cells.push(Cell::words(sparkline(&tr.values)));
                } else {
                    cells.extend(tr.values.iter().map(|v| {
                        v.map_or(Cell::words(""), |p| {
                            Cell::words(format!("{}.{}", p / 10, p % 10))
                        })
                    }));
                }
                cells.push(Cell::words(tr.target_text.clone()));
                SheetRow {
                    cells,
                    drill: Drill::of_kpi(tr.kpi),
                    met: None,
                }
            })
            .collect();
        Table {
            key: "trend",
            title: charts.trend_title.clone(),
            head,
            numbers_from: usize::MAX,
            rows,
        }
    }
}
