//! Importing customers, cars and service history from another system's CSV
//! export: the encoding, the column map, and the same checks the editor
//! makes (VIN check digit, phone, plate), row by row, with line numbers.
//! Pure: the CLI reads the file, the store writes the records.

use super::plate::normalize_plate;
use super::text::clean_line;
use super::validate::{check_phone, check_vin};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

/// Which encoding the file was read in, said to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    /// Not valid UTF-8, and valid GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

impl Encoding {
    pub fn words(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with a byte-order mark",
            Encoding::Gb18030 => "GBK/GB18030 (the file is not UTF-8)",
        }
    }
}

/// Decodes the file: UTF-8 with or without a BOM, else GB18030. A file
/// that is neither is refused rather than imported as mojibake.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Encoding::Utf8Bom))
            .map_err(|e| format!("the file starts as UTF-8 but is not: {e}"));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), Encoding::Utf8));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| (s.into_owned(), Encoding::Gb18030))
        .ok_or_else(|| {
            "the file is neither UTF-8 nor GBK/GB18030; save it as UTF-8 and try again".into()
        })
}

/// Our fields, in the order our own export writes them.
pub const FIELDS: [&str; 19] = [
    "name",
    "phone",
    "phone2",
    "email",
    "wechat",
    "address",
    "preferred_contact",
    "plate",
    "vin",
    "make",
    "model",
    "year",
    "colour",
    "ro_number",
    "date",
    "odometer",
    "category",
    "work",
    "amount",
];

/// Which of the file's headers holds each of our fields. The default is
/// this project's own export (header = field name); a TOML map names the
/// headers of another system: `[columns]` `name = "客户姓名"`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ColumnMap {
    #[serde(default)]
    pub columns: HashMap<String, String>,
}

impl ColumnMap {
    pub fn parse(toml_text: &str) -> Result<ColumnMap, String> {
        let map: ColumnMap =
            toml::from_str(toml_text).map_err(|e| format!("the column map: {e}"))?;
        if let Some(bad) = map.columns.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(format!(
                "the column map names no such field: {bad} (fields: {})",
                FIELDS.join(", ")
            ));
        }
        Ok(map)
    }

    /// The column index of each field found in the header row. A missing
    /// `name` column is an error; every other field is optional.
    pub fn locate(&self, headers: &[String]) -> Result<HashMap<&'static str, usize>, String> {
        let mut at = HashMap::new();
        for field in FIELDS {
            let header = self.columns.get(field).map_or(field, String::as_str);
            if let Some(i) = headers.iter().position(|h| h.trim() == header) {
                at.insert(field, i);
            }
        }
        if !at.contains_key("name") {
            let header = self.columns.get("name").map_or("name", String::as_str);
            return Err(format!(
                "the required column \"{header}\" (customer name) is missing"
            ));
        }
        Ok(at)
    }
}

/// One imported row, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Record {
    pub line: u64,
    pub name: String,
    pub phone: String,
    pub phone2: String,
    pub email: String,
    pub wechat: String,
    pub address: String,
    pub preferred_contact: String,
    pub plate: String,
    pub vin: String,
    pub make: String,
    pub model: String,
    pub year: Option<i64>,
    pub colour: String,
    pub visit: Option<Visit>,
}

/// A past visit, when the file carries service history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub ro_number: String,
    pub date: NaiveDate,
    pub odometer: Option<i64>,
    pub category: String,
    pub work: String,
    /// Minor units.
    pub amount: i64,
}

const CATEGORIES: [&str; 6] = [
    "maintenance",
    "repair",
    "accident_insurance",
    "warranty",
    "recall_campaign",
    "accessories",
];

/// A row's problem, with its line in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

/// A field's raw text must not carry control characters: a name from
/// another system must not send escape sequences to every terminal.
fn field(raw: &str, what: &str) -> Result<String, String> {
    // Line breaks inside a quoted field are the CSV's own; they become spaces.
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(format!("{what} contains control characters"));
    }
    Ok(clean_line(raw).trim().to_string())
}

/// Checks one row with the editor's rules.
pub fn record(
    at: &HashMap<&'static str, usize>,
    row: &[String],
    line: u64,
) -> Result<Record, String> {
    let get = |f: &str| {
        at.get(f)
            .and_then(|i| row.get(*i))
            .map_or("", String::as_str)
    };
    let text = |f: &str| field(get(f), f);
    let name = text("name")?;
    if name.is_empty() {
        return Err("the customer's name is empty".into());
    }
    let mut r = Record {
        line,
        name,
        phone: text("phone")?,
        phone2: text("phone2")?,
        email: text("email")?,
        wechat: text("wechat")?,
        address: text("address")?,
        preferred_contact: text("preferred_contact")?,
        plate: text("plate")?,
        vin: text("vin")?.to_uppercase(),
        make: text("make")?,
        model: text("model")?,
        colour: text("colour")?,
        ..Record::default()
    };
    for p in [&r.phone, &r.phone2] {
        if !p.is_empty() {
            check_phone(p).map_err(|e| format!("phone {p}: {}", e.message))?;
        }
    }
    if r.preferred_contact.is_empty() {
        r.preferred_contact = "phone".into();
    } else if !super::book::PREFERRED.contains(&r.preferred_contact.as_str()) {
        return Err(format!(
            "preferred_contact {}: use phone, sms, wechat or email",
            r.preferred_contact
        ));
    }
    if !r.vin.is_empty() {
        check_vin(&r.vin, "").map_err(|e| format!("VIN {}: {}", r.vin, e.message))?;
    }
    if !r.plate.is_empty() && normalize_plate(&r.plate).chars().count() < 5 {
        return Err(format!("plate {}: too short to be a plate", r.plate));
    }
    r.year = match text("year")?.as_str() {
        "" => None,
        y => Some(
            y.parse()
                .ok()
                .filter(|y| (1950..=2100).contains(y))
                .ok_or(format!("year {y}: not a year"))?,
        ),
    };
    r.visit = visit(&text, &r)?;
    Ok(r)
}

fn visit(
    text: &dyn Fn(&str) -> Result<String, String>,
    r: &Record,
) -> Result<Option<Visit>, String> {
    let number = text("ro_number")?;
    if number.is_empty() {
        return Ok(None);
    }
    if r.plate.is_empty() && r.vin.is_empty() {
        return Err(format!("RO {number}: a visit needs the car's plate or VIN"));
    }
    let date_text = text("date")?;
    let date = NaiveDate::parse_from_str(&date_text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&date_text, "%Y/%m/%d"))
        .map_err(|_| format!("RO {number}: date {date_text:?} is not YYYY-MM-DD"))?;
    let odometer = match text("odometer")?.replace(',', "").as_str() {
        "" => None,
        k => Some(
            k.parse::<i64>()
                .ok()
                .filter(|k| *k >= 0)
                .ok_or(format!("RO {number}: odometer {k} is not a reading"))?,
        ),
    };
    let mut category = text("category")?;
    if category.is_empty() {
        category = "maintenance".into();
    }
    if !CATEGORIES.contains(&category.as_str()) {
        return Err(format!(
            "RO {number}: category {category}: use one of {}",
            CATEGORIES.join(", ")
        ));
    }
    let amount_text = text("amount")?;
    let amount = match amount_text.as_str() {
        "" => 0,
        a => {
            super::validate::parse_money(a)
                .ok_or(format!("RO {number}: amount {a} is not money"))?
                .0
        }
    };
    Ok(Some(Visit {
        ro_number: number,
        date,
        odometer,
        category,
        work: text("work")?,
        amount,
    }))
}

/// A plate is one car: the same plate with another VIN or another owner in
/// one file is a duplicate the user must settle before anything is written.
pub fn duplicates(records: &[Record]) -> Vec<BadRow> {
    let mut seen: HashMap<String, &Record> = HashMap::new();
    let mut bad = Vec::new();
    for r in records.iter().filter(|r| !r.plate.is_empty()) {
        let key = normalize_plate(&r.plate);
        match seen.get(&key) {
            Some(first) if first.vin != r.vin || first.name != r.name || first.phone != r.phone => {
                bad.push(BadRow {
                    line: r.line,
                    reason: format!(
                        "plate {} is already on line {} with another car or owner",
                        r.plate, first.line
                    ),
                })
            }
            Some(_) => {}
            None => {
                seen.insert(key, r);
            }
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn utf8_with_and_without_a_bom_and_gbk_decode_to_the_same_text() {
        let text = "name,plate\n王芳,粤A12345\n";
        let (gbk, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(
            decode(text.as_bytes()).unwrap(),
            (text.to_string(), Encoding::Utf8)
        );
        assert_eq!(decode(&bom).unwrap(), (text.to_string(), Encoding::Utf8Bom));
        assert_eq!(decode(&gbk).unwrap(), (text.to_string(), Encoding::Gb18030));
        assert!(decode(b"\xFF\xFE\xFF\x00").is_err());
    }

    #[test]
    fn a_map_names_another_systems_headers_and_name_is_required() {
        let map = ColumnMap::parse("[columns]\nname = \"客户姓名\"\nplate = \"车牌\"\n").unwrap();
        let at = map.locate(&headers(&["车牌", "客户姓名"])).unwrap();
        assert_eq!((at["name"], at["plate"]), (1, 0));
        assert!(map
            .locate(&headers(&["车牌"]))
            .unwrap_err()
            .contains("客户姓名"));
        assert!(ColumnMap::parse("[columns]\nshoe = \"x\"\n").is_err());
    }

    #[test]
    fn rows_get_the_editors_checks() {
        let at = ColumnMap::default().locate(&headers(&FIELDS)).unwrap();
        let row = |f: &dyn Fn(&mut Vec<String>)| {
            let mut v = vec![String::new(); FIELDS.len()];
            v[0] = "王芳".into();
            v[7] = "粤A12345".into();
            f(&mut v);
            record(&at, &v, 2)
        };
        assert!(row(&|_| {}).is_ok());
        assert!(row(&|v| v[8] = "1HGCM82633A004353".into())
            .unwrap_err()
            .contains("VIN"));
        assert!(row(&|v| v[8] = "1HGCM82633A004352".into()).is_ok());
        assert!(row(&|v| v[1] = "138abc".into())
            .unwrap_err()
            .contains("phone"));
        assert!(row(&|v| v[0] = "Li\u{1b}[2J".into())
            .unwrap_err()
            .contains("control"));
        assert!(row(&|v| v[13] = "H-1".into()).unwrap_err().contains("date"));
        let visit = row(&|v| {
            v[13] = "H-1".into();
            v[14] = "2025-03-01".into();
            v[18] = "880.50".into();
        });
        assert_eq!(visit.unwrap().visit.unwrap().amount, 88_050);
    }

    #[test]
    fn one_plate_with_two_owners_is_a_duplicate() {
        let r = |line, name: &str, plate: &str| Record {
            line,
            name: name.into(),
            plate: plate.into(),
            ..Record::default()
        };
        let bad = duplicates(&[
            r(2, "A", "粤A12345"),
            r(3, "A", "粤A 123·45"),
            r(4, "B", "粤a12345"),
        ]);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 4);
        assert!(bad[0].reason.contains("line 2"));
    }
}
