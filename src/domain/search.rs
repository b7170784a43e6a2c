//! Search from anywhere: what a typed query can mean. One reading serves the
//! global search (`/`), the RO finder and the board's filter, so a plate
//! typed any way finds the same car everywhere.
//!
//! A query may be a plate in any spelling ("粤a 123·45"), any part of a
//! phone number, a VIN or its last characters, a customer's name (Chinese or
//! Latin, prefix or contained), or an RO number ("RO-24001", "24001").

use super::desk::numbering;
use super::model::BoardCard;
use super::plate::normalize_plate;

/// The substring index works on trigrams: shorter text is found by prefix.
pub const MIN_SUBSTRING: usize = 3;

/// A query, read every way it can be meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needle {
    /// As typed, trimmed, lower case (names, models, VINs ignore case).
    pub lower: String,
    /// In a plate's normal form: no spaces or dots, upper case.
    pub plate: String,
    /// Only the digits (a phone number typed with spaces or dashes).
    pub digits: String,
}

impl Needle {
    /// None for a blank query: it matches nothing, not everything.
    pub fn parse(query: &str) -> Option<Needle> {
        let q = super::text::clean_line(query);
        let q = q.trim();
        if q.is_empty() {
            return None;
        }
        Some(Needle {
            lower: q.to_lowercase(),
            plate: normalize_plate(q),
            digits: q.chars().filter(char::is_ascii_digit).collect(),
        })
    }

    /// The spellings worth looking up in the substring index, each long
    /// enough to have a trigram. Digits count only when the query is mostly
    /// digits (a phone), so "A12" does not turn into every "12" phone.
    pub fn spellings(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let phoneish = self.digits.len() * 2 >= self.plate.chars().count();
        let candidates = [
            self.lower.clone(),
            self.plate.clone(),
            if phoneish {
                self.digits.clone()
            } else {
                String::new()
            },
        ];
        for s in candidates {
            if s.chars().count() >= MIN_SUBSTRING && !out.iter().any(|o| o.eq_ignore_ascii_case(&s))
            {
                out.push(s);
            }
        }
        out
    }

    /// The FTS5 expression: each spelling a quoted phrase (quotes doubled,
    /// so nothing typed is read as query syntax), joined by OR.
    pub fn fts(&self) -> Option<String> {
        let parts: Vec<String> = self
            .spellings()
            .iter()
            .map(|s| format!("\"{}\"", s.replace('"', "\"\"")))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" OR "))
    }

    /// The prefix a short query is looked up by, in names and plates.
    pub fn prefix(&self) -> Option<(String, String)> {
        (self.plate.chars().count() < MIN_SUBSTRING)
            .then(|| (self.lower.clone(), self.plate.clone()))
    }

    /// The RO number the query names, when it looks like one: "RO-24001",
    /// "ro24001" and "24001" all name RO-24001.
    pub fn ro_number(&self) -> Option<String> {
        let upper = self.plate.to_uppercase();
        let serial = upper.strip_prefix("RO").unwrap_or(&upper);
        let all_digits = !serial.is_empty() && serial.chars().all(|c| c.is_ascii_digit());
        all_digits.then(|| format!("{}{serial}", numbering::PREFIX))
    }

    /// Does a board card match? RO number, plate (normal form), customer,
    /// model and advisor, ignoring case.
    pub fn matches_card(&self, card: &BoardCard) -> bool {
        normalize_plate(&card.plate).contains(&self.plate)
            || [&card.number, &card.customer, &card.model, &card.advisor]
                .iter()
                .any(|f| f.to_lowercase().contains(&self.lower))
            || self.ro_number().is_some_and(|n| card.number == n)
    }

    /// How well a found car or customer matches, best first: an exact
    /// plate or VIN, then a prefix, then anything contained.
    pub fn rank(&self, plate: &str, vin: &str, name: &str, phone: &str) -> u8 {
        let plate_n = normalize_plate(plate);
        let vin_l = vin.to_lowercase();
        let name_l = name.to_lowercase();
        let phone_d: String = phone.chars().filter(char::is_ascii_digit).collect();
        if plate_n == self.plate
            || vin_l == self.lower
            || (!self.digits.is_empty() && phone_d == self.digits)
        {
            0
        } else if plate_n.starts_with(&self.plate) || name_l.starts_with(&self.lower) {
            1
        } else if vin_l.ends_with(&self.lower) {
            2
        } else {
            3
        }
    }
}

/// Does the card match the search text? (The board's filter.)
pub fn matches_query(card: &BoardCard, query: &str) -> bool {
    Needle::parse(query).is_none_or(|n| n.matches_card(card))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_read_every_way_it_can_be_meant() {
        let n = Needle::parse(" 粤a·123 45 ").unwrap();
        assert_eq!(n.plate, "粤A12345");
        assert_eq!(n.digits, "12345");
        assert_eq!(n.spellings(), vec!["粤a·123 45", "粤A12345", "12345"]);
        let phone = Needle::parse("138-0013").unwrap();
        assert_eq!(phone.spellings(), vec!["138-0013", "1380013"]);
        assert!(Needle::parse("   ").is_none());
    }

    #[test]
    fn short_queries_go_by_prefix_and_quotes_cannot_inject_syntax() {
        let n = Needle::parse("王").unwrap();
        assert_eq!(n.fts(), None);
        assert_eq!(n.prefix(), Some(("王".into(), "王".into())));
        let q = Needle::parse("ab\"c OR d").unwrap();
        assert!(q.fts().unwrap().starts_with("\"ab\"\"c or d\""));
    }

    #[test]
    fn ro_numbers_are_read_with_or_without_their_prefix() {
        for q in ["RO-24001", "ro24001", "24001", "ro 24001"] {
            assert_eq!(
                Needle::parse(q).unwrap().ro_number().as_deref(),
                Some("RO-24001"),
                "{q}"
            );
        }
        assert_eq!(Needle::parse("粤A123").unwrap().ro_number(), None);
    }

    #[test]
    fn exact_plates_rank_before_contained_ones() {
        let n = Needle::parse("a12345").unwrap();
        assert!(n.rank("粤A12345", "", "", "") > n.rank("A12345", "", "", ""));
        assert_eq!(n.rank("A12345", "", "", ""), 0);
        assert_eq!(n.rank("A123456", "", "", ""), 1);
    }
}
