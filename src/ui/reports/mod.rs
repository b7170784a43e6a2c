//! Reports (F8, step 18): the statistics and KPIs of a day, week, month or
//! range, against the shop's targets, with charts. `d`/`w`/`m` pick the
//! span, `←/→` step through time, `r` asks for a range, Tab changes the
//! view, Enter lists the ROs or calls behind a figure and Enter again opens
//! one. `c` is the close of day: today's figures and what is still open.

pub mod view;

use crate::domain::report::{Drill, Period, Report, Span};
use crate::report::{Charts, Sheet, Table, Trend};
use crate::store::report::{DrillRow, ReportQuery, StillOpen};
use crate::store::{Store, StoreResult};
use crate::ui::desk::{text_field, DeskPrompt, Prompt, Prompted};
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::time::{Duration, Instant};

/// A report that took less than this is worked out again after every
/// commit; a longer one (years of history) only when asked.
const LIVE: Duration = Duration::from_millis(150);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Figures,
    Kpis,
    Charts,
    Close,
}

impl View {
    pub const ALL: [View; 4] = [View::Figures, View::Kpis, View::Charts, View::Close];

    pub fn key(self) -> &'static str {
        match self {
            View::Figures => "report.view.figures",
            View::Kpis => "report.view.kpis",
            View::Charts => "report.view.charts",
            View::Close => "report.view.close",
        }
    }

    fn step(self, forward: bool) -> View {
        let i = View::ALL.iter().position(|v| *v == self).unwrap_or(0);
        let n = View::ALL.len();
        View::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// The ROs, calls or complaints behind a figure.
pub struct DrillList {
    pub title: String,
    pub rows: Vec<DrillRow>,
    pub cursor: usize,
    pub offset: usize,
}

/// A row the cursor can stand on: its table and row, and what Enter does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub table: usize,
    pub row: usize,
    pub drill: Option<Drill>,
    /// A close-of-day row opens its RO or file directly.
    pub opens: Option<(Option<i64>, Option<i64>)>,
}

#[derive(Default)]
pub struct ReportsPane {
    pub period: Option<Period>,
    pub view: View,
    pub report: Option<Report>,
    pub tables: Vec<Table>,
    pub picks: Vec<Pick>,
    pub charts: Charts,
    pub cursor: usize,
    pub offset: usize,
    pub page: usize,
    pub drill: Option<DrillList>,
    /// The KPI whose trend the chart view draws (an index into the rates).
    pub trend_kpi: usize,
    /// Every shop this person may see rather than the working one (G).
    pub group: bool,
    pub took: Duration,
    loaded: Option<(Period, View)>,
    trend: Option<(Period, Trend)>,
    pending: Option<(Drill, String)>,
    /// The period shown before the close of day, given back on leaving it.
    before_close: Option<Period>,
}

fn today(cx: &Ctx) -> NaiveDate {
    cx.time.local(cx.now).date()
}

/// The dates of the range dialog, checked: the field at fault and why.
pub fn range(v: &[String]) -> Result<Period, (usize, String)> {
    let first = Period::parse_date(&v[0]).map_err(|e| (0, e.to_string()))?;
    let last = Period::parse_date(&v[1]).map_err(|e| (1, e.to_string()))?;
    Period::range(first, last).map_err(|e| (1, e.to_string()))
}

impl ReportsPane {
    pub fn query(&self, cx: &Ctx) -> ReportQuery {
        ReportQuery {
            period: self.period.unwrap_or_else(|| Period::month(today(cx))),
            offset: cx.time.offset_at(cx.now),
            now: cx.now,
            group: self.group,
        }
    }

    fn set_period(&mut self, p: Period) -> Vec<Command> {
        self.period = Some(p);
        self.drill = None;
        self.cursor = 0;
        self.offset = 0;
        vec![Command::Reload]
    }

    /// The same span, around today if today is in it, else its first day.
    fn span(&mut self, span: Span, cx: &Ctx) -> Vec<Command> {
        let now = self.query(cx).period;
        let anchor = if now.contains(today(cx)) {
            today(cx)
        } else {
            now.first
        };
        self.set_period(Period::of_span(span, anchor))
    }

    fn step(&mut self, delta: isize) {
        if let Some(d) = self.drill.as_mut() {
            let last = d.rows.len().saturating_sub(1) as isize;
            d.cursor = (d.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        } else if self.view == View::Charts {
            let n = crate::domain::report::Kpi::RATES.len() as isize;
            self.trend_kpi = (self.trend_kpi as isize + delta).clamp(0, n - 1) as usize;
        } else {
            let last = self.picks.len().saturating_sub(1) as isize;
            self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        }
    }

    fn open(&mut self, cx: &Ctx) -> Vec<Command> {
        let target = match &self.drill {
            Some(d) => d.rows.get(d.cursor).map(|r| (r.ro_id, r.customer_id)),
            None => match self.picks.get(self.cursor) {
                Some(Pick { opens: Some(o), .. }) => Some(*o),
                Some(Pick {
                    drill: Some(drill),
                    table,
                    row,
                    ..
                }) => {
                    let what = self.tables[*table].rows[*row].cells[0].text.clone();
                    self.pending = Some((*drill, what));
                    return vec![Command::Reload];
                }
                Some(_) => return vec![Command::Notice(cx.texts.get("report.no_list").into())],
                None => None,
            },
        };
        match target {
            Some((Some(ro), _)) => vec![Command::Goto(
                PaneId::RepairOrder,
                Some(Request::OpenRo(ro)),
            )],
            Some((None, Some(customer_id))) => vec![Command::Goto(
                PaneId::Customers,
                Some(Request::OpenFile {
                    customer_id,
                    vehicle_id: None,
                }),
            )],
            _ => Vec::new(),
        }
    }

    fn ask_range(&self, cx: &Ctx) -> Vec<Command> {
        let p = self.query(cx).period;
        let t = cx.texts;
        let fields = vec![
            text_field(t.get("report.range_from"), &p.first.to_string()),
            text_field(t.get("report.range_to"), &p.last.to_string()),
        ];
        let prompt = Prompt::new(t.get("report.range_title"), DeskPrompt::ReportRange, fields);
        vec![Command::Push(Box::new(prompt))]
    }

    /// Another view. The close of day is today's; leaving it gives back
    /// the period shown before.
    fn show(&mut self, view: View, cx: &Ctx) -> Vec<Command> {
        if view == View::Close && self.view != View::Close {
            self.before_close = Some(self.query(cx).period);
            self.period = Some(Period::day(today(cx)));
        } else if view != View::Close && self.view == View::Close {
            self.period = self.before_close.take().or(self.period);
        }
        self.view = view;
        self.drill = None;
        self.cursor = 0;
        self.offset = 0;
        vec![Command::Reload]
    }

    /// Works the report out again, unless it is current and was slow.
    fn refresh(&mut self, store: &dyn Store, cx: &Ctx) -> StoreResult<()> {
        let q = self.query(cx);
        let here = Some((q.period, self.view));
        if self.loaded == here && self.took >= LIVE {
            return Ok(());
        }
        let started = Instant::now();
        let report = store.report(&q, &mut |_, _| {})?;
        let names = store.report_names()?;
        let wants_trend = matches!(self.view, View::Kpis | View::Charts);
        let trend_current = self.trend.as_ref().is_some_and(|(p, _)| *p == q.period);
        if wants_trend && (!trend_current || self.loaded == here) {
            self.trend = Some((q.period, crate::cli_report::trend(store, &q)?));
        }
        let open = match self.view {
            View::Close => Some(store.still_open(&q)?),
            _ => None,
        };
        let trend = self.trend.as_ref().map(|t| t.1.clone()).unwrap_or_default();
        let sheet = Sheet {
            report: &report,
            names: &names,
            settings: &cx.session.settings,
            t: cx.texts,
        };
        self.charts = sheet.charts(&trend);
        (self.tables, self.picks) = layout(&sheet, self.view, &self.charts, open.as_ref(), cx);
        self.cursor = self.cursor.min(self.picks.len().saturating_sub(1));
        self.report = Some(report);
        self.loaded = here;
        self.took = started.elapsed();
        Ok(())
    }
}

/// The tables a view shows, and the rows the cursor can stand on.
fn layout(
    sheet: &Sheet,
    view: View,
    charts: &Charts,
    open: Option<&StillOpen>,
    cx: &Ctx,
) -> (Vec<Table>, Vec<Pick>) {
    let tables = match view {
        View::Figures => vec![
            sheet.summary(),
            sheet.by_category(),
            sheet.by_payer(),
            sheet.by_advisor(),
            sheet.by_group(),
        ],
        View::Kpis => vec![view::with_sparklines(sheet.kpis(), charts)],
        View::Charts => Vec::new(),
        // What still needs doing before closing comes first.
        View::Close => {
            let mut t = open
                .map(|o| sheet.still_open(o, cx.time))
                .unwrap_or_default();
            t.extend([sheet.summary(), sheet.by_category(), sheet.by_payer()]);
            t
        }
    };
    let lists: Vec<&[DrillRow]> = open.map_or(Vec::new(), |o| {
        vec![&o.cars[..], &o.calls[..], &o.complaints[..]]
    });
    let mut picks = Vec::new();
    for (ti, t) in tables.iter().enumerate() {
        let list = lists.get(ti).filter(|_| view == View::Close);
        for (ri, r) in t.rows.iter().enumerate() {
            let opens = list
                .and_then(|l| l.get(ri))
                .map(|d| (d.ro_id, d.customer_id));
            picks.push(Pick {
                table: ti,
                row: ri,
                drill: r.drill,
                opens,
            });
        }
    }
    (tables, picks)
}

impl Pane for ReportsPane {
    fn id(&self) -> PaneId {
        PaneId::Reports
    }

    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Report, KeyContext::List]
    }

    fn help_note(&self) -> Option<&'static str> {
        Some("report.help_note")
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        let page = self.page.max(1) as isize;
        match action {
            Action::Quit => return vec![Command::Quit],
            Action::New => return vec![Command::Goto(PaneId::RepairOrder, Some(Request::NewRo))],
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-page),
            Action::PageDown => self.step(page),
            Action::Home => self.step(-(isize::MAX / 2)),
            Action::End => self.step(isize::MAX / 2),
            Action::Open => return self.open(cx),
            Action::Back => self.drill = None,
            Action::ReportDay => return self.span(Span::Day, cx),
            Action::ReportWeek => return self.span(Span::Week, cx),
            Action::ReportMonth => return self.span(Span::Month, cx),
            Action::ReportRange => return self.ask_range(cx),
            Action::Left => return self.set_period(self.query(cx).period.shift(-1)),
            Action::Right => return self.set_period(self.query(cx).period.shift(1)),
            Action::Today => {
                let span = self.query(cx).period.span;
                return self.set_period(Period::of_span(span, today(cx)));
            }
            Action::CloseOfDay => return self.show(View::Close, cx),
            Action::ShopOrGroup if cx.session.group => {
                self.group = !self.group;
                self.loaded = None;
                self.trend = None;
                self.drill = None;
                return vec![Command::Reload];
            }
            Action::NextSection | Action::PrevSection => {
                return self.show(self.view.step(action == Action::NextSection), cx);
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_show(&mut self, _request: Option<Request>, _cx: &Ctx) -> Vec<Command> {
        self.loaded = None;
        vec![Command::Reload]
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command> {
        match done.picked::<Prompted>() {
            Some(p) if p.purpose == DeskPrompt::ReportRange => match range(&p.values) {
                Ok(period) => self.set_period(period),
                Err((_, e)) => vec![Command::Warn(e)],
            },
            _ => {
                let _ = cx;
                Vec::new()
            }
        }
    }

    fn reload(&mut self, store: &dyn Store, cx: &Ctx) -> StoreResult<()> {
        if let Some((drill, what)) = self.pending.take() {
            let rows = store.drill(&self.query(cx), drill)?;
            let n = rows.len().to_string();
            let title = cx
                .texts
                .fill("report.drill_title", &[("what", &what), ("n", &n)]);
            self.drill = Some(DrillList {
                title,
                rows,
                cursor: 0,
                offset: 0,
            });
            return Ok(());
        }
        self.refresh(store, cx)
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        self.page = view::render(self, frame, area, cx);
    }
}
