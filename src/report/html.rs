//! The report as one HTML page: the same tables as the screen, the charts
//! as inline SVG, and each KPI's formula. Black on white, tables that do
//! not break across pages, A4 margins: it prints as it reads.

use super::svg::{self, esc};
use super::{Charts, Table};
use std::fmt::Write;

const STYLE: &str = "
@page { size: A4; margin: 15mm 12mm; }
body { font-family: sans-serif; font-size: 10pt; color: #000; background: #fff; max-width: 186mm; margin: auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; page-break-inside: avoid; }
th, td { border-bottom: 0.5pt solid #888; padding: 1mm 2mm; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.missed td { font-weight: bold; }
.chart { page-break-inside: avoid; margin: 2mm 0; }
.trends { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 6mm; }
dl dt { font-weight: bold; margin-top: 2mm; } dl dd { margin-left: 4mm; }
";

fn table(out: &mut String, t: &Table) {
    let _ = write!(
        out,
        "<h2>{}</h2>\n<table class=\"{}\"><thead><tr>",
        esc(&t.title),
        t.key
    );
    for (i, h) in t.head.iter().enumerate() {
        let class = if i >= t.numbers_from {
            " class=\"n\""
        } else {
            ""
        };
        let _ = write!(out, "<th{class}>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for r in &t.rows {
        let class = if r.met == Some(false) {
            " class=\"missed\""
        } else {
            ""
        };
        let _ = write!(out, "<tr{class}>");
        for (i, c) in r.cells.iter().enumerate() {
            let class = if i >= t.numbers_from {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(&c.text));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// The page: heading, tables, charts, formulas.
pub fn page(
    heading: &[String],
    tables: &[Table],
    charts: &Charts,
    formulas: &[(String, String)],
) -> String {
    let title = heading.first().cloned().unwrap_or_default();
    let mut out = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    for line in heading.iter().skip(1) {
        let _ = writeln!(out, "<p>{}</p>", esc(line));
    }
    for t in tables {
        table(&mut out, t);
    }
    let _ = write!(out, "<h2>{}</h2>", esc(&charts.cars_title));
    let _ = writeln!(
        out,
        "<div class=\"chart\">{}</div>",
        svg::bars(&charts.cars_title, &charts.cars_per_day)
    );
    let _ = write!(out, "<h2>{}</h2>", esc(&charts.revenue_title));
    let _ = writeln!(
        out,
        "<div class=\"chart\">{}</div>",
        svg::hbars(&charts.revenue_title, &charts.revenue)
    );
    if !charts.trends.is_empty() {
        let _ = write!(
            out,
            "<h2>{}</h2><div class=\"trends\">",
            esc(&charts.trend_title)
        );
        for tr in &charts.trends {
            let _ = writeln!(
                out,
                "<div class=\"chart\"><b>{}</b> ({})<br>{}</div>",
                esc(&tr.name),
                esc(&tr.target_text),
                svg::trend(&tr.name, &charts.weeks, &tr.values, tr.target)
            );
        }
        out.push_str("</div>\n");
    }
    let _ = write!(out, "<h2>{}</h2><dl>", esc(&charts.formulas_title));
    for (name, formula) in formulas {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(name), esc(formula));
    }
    out.push_str("</dl>\n</body></html>\n");
    out
}
