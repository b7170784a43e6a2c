//! Charts as inline SVG for the HTML report: black lines and grey bars,
//! labelled in text, so they print on any A4 printer and read without
//! colour.

use std::fmt::Write;

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Vertical bars, one per label (cars per day).
pub fn bars(title: &str, points: &[(String, i64)]) -> String {
    let (w, h, pad) = (680.0, 200.0, 30.0);
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let n = points.len().max(1) as f64;
    let bw = (w - 2.0 * pad) / n;
    let mut s = open(title, w, h + 40.0);
    for (i, (label, v)) in points.iter().enumerate() {
        let bh = (*v as f64 / max) * (h - pad);
        let x = pad + i as f64 * bw;
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#999" stroke="#000" stroke-width="0.5"><title>{} {v}</title></rect>"##,
            h - bh,
            (bw - 2.0).max(1.0),
            esc(label)
        );
        if points.len() <= 16 || i % (points.len() / 8).max(1) == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle">{}</text>"#,
                x + bw / 2.0,
                h + 12.0,
                esc(label)
            );
        }
    }
    let _ = write!(s, r#"<text x="2" y="12" font-size="10">max {max}</text>"#);
    s.push_str("</svg>");
    s
}

/// Horizontal bars with their values written out (revenue by category).
pub fn hbars(title: &str, points: &[(String, i64, String)]) -> String {
    let (w, row) = (680.0, 22.0);
    let h = row * points.len().max(1) as f64 + 10.0;
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let mut s = open(title, w, h);
    for (i, (label, v, text)) in points.iter().enumerate() {
        let y = 5.0 + i as f64 * row;
        let bw = (*v as f64 / max) * 380.0;
        let _ = write!(
            s,
            r##"<text x="0" y="{:.1}" font-size="11">{}</text><rect x="170" y="{y:.1}" width="{bw:.1}" height="{:.1}" fill="#999" stroke="#000" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"##,
            y + 14.0,
            esc(label),
            row - 6.0,
            175.0 + bw,
            y + 14.0,
            esc(text)
        );
    }
    s.push_str("</svg>");
    s
}

/// A rate over weeks (per mille; None where nothing was due) against its
/// target, drawn dashed.
pub fn trend(title: &str, labels: &[String], values: &[Option<i64>], target: i64) -> String {
    let (w, h, pad) = (320.0, 120.0, 24.0);
    let n = values.len().max(2) as f64 - 1.0;
    let x = |i: usize| pad + i as f64 * (w - 2.0 * pad) / n;
    let y = |p: i64| h - pad - (p.clamp(0, 1000) as f64 / 1000.0) * (h - 2.0 * pad);
    let mut s = open(title, w, h);
    let _ = write!(
        s,
        r##"<line x1="{pad}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#000" stroke-dasharray="4 3"/>"##,
        y(target),
        w - pad,
        y(target)
    );
    let pts: Vec<String> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|p| format!("{:.1},{:.1}", x(i), y(p))))
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#000" stroke-width="1.5"/>"##,
        pts.join(" ")
    );
    for (i, v) in values.iter().enumerate() {
        if let Some(p) = v {
            let _ = write!(s, r##"<circle cx="{:.1}" cy="{:.1}" r="2"/>"##, x(i), y(*p));
        }
    }
    if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
        let _ = write!(
            s,
            r#"<text x="{pad}" y="{h}" font-size="9">{}</text><text x="{:.1}" y="{h}" font-size="9" text-anchor="end">{}</text>"#,
            esc(first),
            w - pad,
            esc(last)
        );
    }
    let _ = write!(
        s,
        r#"<text x="2" y="10" font-size="9">100%</text><text x="2" y="{:.1}" font-size="9">0%</text>"#,
        h - pad
    );
    s.push_str("</svg>");
    s
}

fn open(title: &str, w: f64, h: f64) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{0}"><title>{0}</title>"#,
        esc(title)
    )
}
