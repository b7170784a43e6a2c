//! A recall's or a campaign's VIN list, as the manufacturer sends it: one
//! VIN per row, perhaps with a header and other columns. Bad rows are
//! reported by line; the good ones are imported only when the user says so.

use crate::domain::vin;

/// One row that is not a VIN: its line number (1-based) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: usize,
    pub text: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VinList {
    pub vins: Vec<String>,
    pub bad: Vec<BadRow>,
}

/// Reads the VIN from each row's first field. A first row that is a
/// header (its first field says "vin") is skipped; blank rows are ignored;
/// duplicates are kept once.
pub fn parse_rows(rows: impl IntoIterator<Item = (usize, Vec<String>)>) -> VinList {
    let mut out = VinList::default();
    for (line, fields) in rows {
        let first = fields.first().map(|f| f.trim()).unwrap_or("");
        if first.is_empty() && fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if line == 1 && first.eq_ignore_ascii_case("vin") {
            continue;
        }
        let v = first.to_ascii_uppercase();
        match vin::validate(&v) {
            Ok(()) if !out.vins.contains(&v) => out.vins.push(v),
            Ok(()) => {}
            Err(e) => out.bad.push(BadRow {
                line,
                text: crate::domain::text::clean_line(first),
                why: e.to_string(),
            }),
        }
    }
    out
}
