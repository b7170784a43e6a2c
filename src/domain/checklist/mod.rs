//! The vehicle-items checklist (随车物品清单 and the walk-around, steps 5
//! and 11): documents, belongings and tools with counts, damage on the car's
//! panels, warning lights and the protective covers, taken at check-in with
//! the customer and taken again at delivery. The delivery check starts as a
//! copy of the check-in; [`differences`] says where the two disagree, and
//! [`check_joint`] says whether the customer may sign the delivery check.

pub mod keys;
pub mod oneline;
pub mod panels;
pub mod template;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

pub use panels::Panel;

/// Which of the two checks: at check-in, or together at delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Phase {
    #[default]
    CheckIn,
    Delivery,
}

impl Phase {
    pub fn code(self) -> &'static str {
        match self {
            Phase::CheckIn => "check_in",
            Phase::Delivery => "delivery",
        }
    }

    pub fn from_code(code: &str) -> Option<Phase> {
        [Phase::CheckIn, Phase::Delivery]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// As a sentence says it: "the check-in list".
    pub fn words(self) -> &'static str {
        match self {
            Phase::CheckIn => "check-in",
            Phase::Delivery => "delivery",
        }
    }
}

/// The sections of the sheet, as stored (`checklist_entries.category`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    Document,
    Belonging,
    Tool,
    Damage,
    WarningLight,
    Cover,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Document,
        Category::Belonging,
        Category::Tool,
        Category::Damage,
        Category::WarningLight,
        Category::Cover,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Document => "document",
            Category::Belonging => "belonging",
            Category::Tool => "tool",
            Category::Damage => "damage",
            Category::WarningLight => "warning_light",
            Category::Cover => "cover",
        }
    }

    /// The categories a template lists (damage is marked on the car).
    pub const LISTED: [Category; 5] = [
        Category::Document,
        Category::Belonging,
        Category::Tool,
        Category::WarningLight,
        Category::Cover,
    ];

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Covers come off before the customer drives away: the delivery check
    /// does not compare them.
    pub fn compared_at_delivery(self) -> bool {
        self != Category::Cover
    }
}

/// What a mark on a panel records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DamageKind {
    Scratch,
    Dent,
    Crack,
    Chip,
    Missing,
    Stain,
    Tear,
}

impl DamageKind {
    pub const ALL: [DamageKind; 7] = [
        DamageKind::Scratch,
        DamageKind::Dent,
        DamageKind::Crack,
        DamageKind::Chip,
        DamageKind::Missing,
        DamageKind::Stain,
        DamageKind::Tear,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DamageKind::Scratch => "scratch",
            DamageKind::Dent => "dent",
            DamageKind::Crack => "crack",
            DamageKind::Chip => "chip",
            DamageKind::Missing => "missing",
            DamageKind::Stain => "stain",
            DamageKind::Tear => "tear",
        }
    }

    /// One letter for the outline, where a word does not fit.
    pub fn letter(self) -> char {
        match self {
            DamageKind::Scratch => 'S',
            DamageKind::Dent => 'D',
            DamageKind::Crack => 'C',
            DamageKind::Chip => 'P',
            DamageKind::Missing => 'M',
            DamageKind::Stain => 'T',
            DamageKind::Tear => 'R',
        }
    }

    pub fn from_code(code: &str) -> Option<DamageKind> {
        let code = code.to_ascii_lowercase();
        DamageKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn next(self) -> DamageKind {
        let i = DamageKind::ALL.iter().position(|k| *k == self).unwrap_or(0);
        DamageKind::ALL[(i + 1) % DamageKind::ALL.len()]
    }
}

/// Severity of a mark: 1 light, 2 clear, 3 heavy.
pub const SEVERITIES: std::ops::RangeInclusive<i64> = 1..=3;

/// One line of the sheet. For a damage mark `item` is the panel's code; for
/// the rest it is a template code (`spare_tyre`) or the words of a free item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub category: Category,
    pub item: String,
    /// Document received, belonging there, light on, cover fitted.
    pub present: bool,
    /// A document that is present but expired or wrong is not valid.
    pub valid: bool,
    pub quantity: i64,
    pub damage: Option<(DamageKind, i64)>,
    pub note: String,
    /// Delivery only: confirmed with the customer.
    pub checked: bool,
    /// Delivery only: why this item differs from the check-in.
    pub explanation: String,
}

impl Entry {
    pub fn item(category: Category, item: &str, present: bool, quantity: i64) -> Entry {
        Entry {
            category,
            item: item.to_string(),
            present,
            valid: true,
            quantity,
            damage: None,
            note: String::new(),
            checked: false,
            explanation: String::new(),
        }
    }

    pub fn mark(panel: Panel, kind: DamageKind, severity: i64, note: &str) -> Entry {
        Entry {
            damage: Some((kind, severity)),
            note: note.to_string(),
            ..Entry::item(Category::Damage, panel.code(), true, 1)
        }
    }

    /// What makes two entries "the same item" in both checks.
    pub fn key(&self) -> ItemKey {
        ItemKey {
            category: self.category,
            item: self.item.trim().to_lowercase(),
            damage: self.damage.map(|(k, _)| k),
        }
    }

    pub fn panel(&self) -> Option<Panel> {
        (self.category == Category::Damage)
            .then(|| Panel::from_code(&self.item))
            .flatten()
    }

    /// Whether `other` (the same item, later) says the same thing.
    pub fn agrees_with(&self, other: &Entry) -> bool {
        match self.category {
            Category::Damage => self.damage == other.damage,
            Category::Document => self.present == other.present && self.valid == other.valid,
            Category::Belonging | Category::Tool => self.present_count() == other.present_count(),
            Category::WarningLight | Category::Cover => self.present == other.present,
        }
    }

    /// How many there are (zero when marked absent).
    pub fn present_count(&self) -> i64 {
        if self.present {
            self.quantity
        } else {
            0
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    pub category: Category,
    pub item: String,
    pub damage: Option<DamageKind>,
}

/// The customer's acknowledgement of a check: who signed, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    pub name: String,
    pub at: DateTime<Utc>,
}

/// The check-in questions of the sheet (接车登记表), each one keystroke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub wash: bool,
    pub old_parts: OldParts,
    pub waiting: bool,
    pub covers: bool,
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            wash: true,
            old_parts: OldParts::Undecided,
            waiting: false,
            covers: false,
        }
    }
}

impl Answers {
    /// The answers that differ from `before`, in words, for the audit line.
    pub fn changes_since(&self, before: &Answers) -> Vec<String> {
        let yes = |b: bool| if b { "yes" } else { "no" };
        let mut changes = Vec::new();
        if before.wash != self.wash {
            changes.push(format!("wash {}", yes(self.wash)));
        }
        if before.old_parts != self.old_parts {
            changes.push(format!("old parts {}", self.old_parts.code()));
        }
        if before.waiting != self.waiting {
            let w = if self.waiting { "waits" } else { "leaves" };
            changes.push(format!("customer {w}"));
        }
        if before.covers != self.covers {
            changes.push(format!("covers {}", yes(self.covers)));
        }
        changes
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum OldParts {
    #[default]
    Undecided,
    CustomerKeeps,
    Dispose,
}

impl OldParts {
    pub fn code(self) -> &'static str {
        match self {
            OldParts::Undecided => "undecided",
            OldParts::CustomerKeeps => "customer_keeps",
            OldParts::Dispose => "dispose",
        }
    }

    pub fn from_code(code: &str) -> Option<OldParts> {
        [
            OldParts::Undecided,
            OldParts::CustomerKeeps,
            OldParts::Dispose,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }

    pub fn next(self) -> OldParts {
        match self {
            OldParts::Undecided => OldParts::CustomerKeeps,
            OldParts::CustomerKeeps => OldParts::Dispose,
            OldParts::Dispose => OldParts::Undecided,
        }
    }
}

/// One check, as the pane edits it and the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Sheet {
    pub phase: Phase,
    /// 0 until first saved; a save against an older version is a conflict.
    pub version: i64,
    pub entries: Vec<Entry>,
    pub acknowledged: Option<Acknowledged>,
}

impl Sheet {
    pub fn of(&self, category: Category) -> impl Iterator<Item = (usize, &Entry)> {
        self.entries
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.category == category)
    }

    pub fn marks_on(&self, panel: Panel) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |e| e.panel() == Some(panel))
    }

    pub fn find(&self, key: &ItemKey) -> Option<&Entry> {
        self.entries.iter().find(|e| &e.key() == key)
    }

    /// The delivery check begins as the check-in's list, every item still
    /// to be confirmed with the customer.
    pub fn delivery_from(check_in: &Sheet) -> Sheet {
        let entries = check_in
            .entries
            .iter()
            .filter(|e| e.category.compared_at_delivery())
            .map(|e| Entry {
                checked: false,
                explanation: String::new(),
                ..e.clone()
            })
            .collect();
        Sheet {
            phase: Phase::Delivery,
            version: 0,
            entries,
            acknowledged: None,
        }
    }
}

/// Where the delivery check disagrees with the check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub key: ItemKey,
    pub before: Option<Entry>,
    pub after: Option<Entry>,
    /// The explanation typed on the delivery entry, if any.
    pub explained: bool,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.key.item;
        match (&self.before, &self.after) {
            (None, Some(after)) if after.category == Category::Damage => {
                let (kind, sev) = after.damage.unwrap_or((DamageKind::Scratch, 1));
                write!(f, "new damage {name} {} {sev}", kind.code())
            }
            (None, Some(after)) => write!(f, "{name}: not at check-in, {} now", describe(after)),
            (Some(_), None) => write!(f, "{name}: on the check-in list, not checked at delivery"),
            (Some(before), Some(after)) => write!(
                f,
                "{name}: {} at check-in, {} now",
                describe(before),
                describe(after)
            ),
            (None, None) => write!(f, "{name}"),
        }
    }
}

fn describe(e: &Entry) -> String {
    match e.category {
        Category::Damage => match e.damage {
            Some((k, s)) => format!("{} {s}", k.code()),
            None => "marked".into(),
        },
        Category::Document if !e.present => "missing".into(),
        Category::Document if !e.valid => "invalid".into(),
        Category::Document => "present".into(),
        Category::Belonging | Category::Tool => e.present_count().to_string(),
        Category::WarningLight if e.present => "on".into(),
        Category::WarningLight => "off".into(),
        Category::Cover if e.present => "fitted".into(),
        Category::Cover => "not fitted".into(),
    }
}

/// Every item whose state at delivery is not its state at check-in: items
/// gone or changed, and new ones (new damage above all).
pub fn differences(check_in: &Sheet, delivery: &Sheet) -> Vec<Difference> {
    let mut out = Vec::new();
    let compared = |e: &&Entry| e.category.compared_at_delivery();
    for before in check_in.entries.iter().filter(compared) {
        let key = before.key();
        match delivery.find(&key) {
            Some(after) if before.agrees_with(after) => {}
            after => out.push(Difference {
                explained: after.is_some_and(|a| !a.explanation.trim().is_empty()),
                key,
                before: Some(before.clone()),
                after: after.cloned(),
            }),
        }
    }
    for after in delivery.entries.iter().filter(compared) {
        let key = after.key();
        if check_in.find(&key).is_none() && after.present_count() > 0 {
            out.push(Difference {
                explained: !after.explanation.trim().is_empty(),
                key,
                before: None,
                after: Some(after.clone()),
            });
        }
    }
    out
}

/// What a save of `sheet` over `stored` changes, in words, for the audit
/// line (every store writes the same words).
pub fn changes_in_words(stored: Option<&Sheet>, sheet: &Sheet) -> Vec<String> {
    let empty = Sheet::default();
    let stored = stored.unwrap_or(&empty);
    let mut out = Vec::new();
    for e in &sheet.entries {
        match stored.find(&e.key()) {
            None => out.push(format!("+ {}", words(e))),
            Some(old) if old != e => out.push(format!("{} → {}", words(old), words(e))),
            Some(_) => {}
        }
    }
    for old in &stored.entries {
        if sheet.find(&old.key()).is_none() {
            out.push(format!("- {}", words(old)));
        }
    }
    out
}

fn words(e: &Entry) -> String {
    let mut s = match (e.category, e.damage) {
        (Category::Damage, Some((k, sev))) => format!("{} {} {sev}", e.item, k.code()),
        (Category::Belonging | Category::Tool, _) => format!("{} ×{}", e.item, e.present_count()),
        (Category::Document, _) => format!(
            "{} {}",
            e.item,
            if !e.present {
                "missing"
            } else if e.valid {
                "ok"
            } else {
                "invalid"
            }
        ),
        _ => format!("{} {}", e.item, if e.present { "on" } else { "off" }),
    };
    if !e.note.is_empty() {
        s += &format!(" ({})", e.note);
    }
    if e.checked {
        s += " ✓";
    }
    if !e.explanation.is_empty() {
        s += &format!(" [{}]", e.explanation);
    }
    s
}

/// Why the customer cannot sign the delivery check yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JointRefusal {
    NoCheckIn,
    AlreadySigned,
    NoSigner,
    /// Items not yet confirmed with the customer (their names).
    Unchecked(Vec<String>),
    /// Differences neither resolved nor explained.
    Unexplained(Vec<String>),
}

impl fmt::Display for JointRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JointRefusal::NoCheckIn => write!(
                f,
                "there is no check-in list to check against: record the check-in first"
            ),
            JointRefusal::AlreadySigned => write!(f, "the customer has already signed this check"),
            JointRefusal::NoSigner => write!(f, "type the name of the person signing"),
            JointRefusal::Unchecked(items) => write!(
                f,
                "{} item(s) not yet confirmed with the customer: {}",
                items.len(),
                list(items)
            ),
            JointRefusal::Unexplained(items) => write!(
                f,
                "resolve or explain each difference before the car is handed over: {}",
                list(items)
            ),
        }
    }
}

fn list(items: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > SHOWN {
        s += &format!("; and {} more", items.len() - SHOWN);
    }
    s
}

/// Whether the customer may sign the delivery check: every item confirmed,
/// every difference resolved or explained.
pub fn check_joint(check_in: Option<&Sheet>, delivery: &Sheet) -> Result<(), JointRefusal> {
    let Some(check_in) = check_in.filter(|s| s.version > 0) else {
        return Err(JointRefusal::NoCheckIn);
    };
    if delivery.acknowledged.is_some() {
        return Err(JointRefusal::AlreadySigned);
    }
    let unchecked: Vec<String> = delivery
        .entries
        .iter()
        .filter(|e| e.category.compared_at_delivery() && !e.checked)
        .map(|e| e.item.clone())
        .collect();
    if !unchecked.is_empty() {
        return Err(JointRefusal::Unchecked(unchecked));
    }
    let open: Vec<String> = differences(check_in, delivery)
        .into_iter()
        .filter(|d| !d.explained)
        .map(|d| d.to_string())
        .collect();
    if !open.is_empty() {
        return Err(JointRefusal::Unexplained(open));
    }
    Ok(())
}

/// Where the hand-over stands, as the delivery guard sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// No check-in list was kept (an RO from before the checklist).
    NoSheet,
    /// A check-in list exists and the customer has not signed the joint
    /// check at delivery: what is still open, in words.
    Open(String),
    Signed,
}

impl Handover {
    pub fn of(check_in: Option<&Sheet>, delivery: Option<&Sheet>) -> Handover {
        let Some(check_in) = check_in.filter(|s| s.version > 0) else {
            return Handover::NoSheet;
        };
        match delivery {
            Some(d) if d.acknowledged.is_some() => Handover::Signed,
            Some(d) => Handover::Open(match check_joint(Some(check_in), d) {
                Err(why) => why.to_string(),
                Ok(()) => "the customer has not signed the delivery check".into(),
            }),
            None => Handover::Open(
                "check the car and its items again with the customer (the delivery check)".into(),
            ),
        }
    }
}

/// The joint check at delivery is done once the work is: at the final
/// check, the wash, or ready for pickup.
pub fn delivery_check_due(status: crate::domain::RoStatus) -> bool {
    use crate::domain::RoStatus::*;
    matches!(status, QualityCheck | Washing | ReadyForPickup)
}

/// Why a list cannot be saved, or signed, now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetRefusal {
    /// The RO is delivered and closed.
    Closed,
    /// Someone saved the list since it was loaded (its version now).
    Stale {
        phase: Phase,
        now: i64,
        signing: bool,
    },
    /// The customer signed it; it is kept as signed.
    Signed {
        phase: Phase,
        name: String,
    },
    AlreadySigned(String),
    NotSaved(Phase),
    NoSigner,
    NoCheckIn,
    NotDone,
    Joint(JointRefusal),
    Invalid(String),
}

impl SheetRefusal {
    /// Someone else's save came first: trying again on the new version may work.
    pub fn is_conflict(&self) -> bool {
        matches!(self, SheetRefusal::Stale { .. })
    }
}

impl fmt::Display for SheetRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SheetRefusal::*;
        match self {
            Closed => write!(f, "{}", crate::domain::lifecycle::Refusal::Closed),
            Stale { phase, now, signing: false } => write!(f, "someone else saved this {} list meanwhile (now version {now}); nothing was saved: reload it (Esc, then F4) and make your change again", phase.words()),
            Stale { phase, now, signing: true } => write!(f, "the {} list changed since you loaded it (now version {now}): look at it again before the customer signs", phase.words()),
            Signed { phase, name } => write!(f, "{name} signed this {} list; it is kept as signed", phase.words()),
            AlreadySigned(name) => write!(f, "{name} already signed this list"),
            NotSaved(phase) => write!(f, "save the {} list before the customer signs it", phase.words()),
            NoSigner => write!(f, "{}", JointRefusal::NoSigner),
            NoCheckIn => write!(f, "{}", JointRefusal::NoCheckIn),
            NotDone => write!(f, "the joint check at delivery comes when the work is done (quality check, washing or ready for pickup)"),
            Joint(why) => write!(f, "{why}"),
            Invalid(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for SheetRefusal {}

/// What a save of `sheet` may do: an open RO, the list's current version,
/// not yet signed by the customer; the delivery check once the work is
/// done and the check-in list exists; entries that make sense.
pub fn check_save(
    ro: &crate::domain::RepairOrder,
    stored: Option<&Sheet>,
    sheet: &Sheet,
    check_in: Option<&Sheet>,
) -> Result<(), SheetRefusal> {
    if ro.is_closed() {
        return Err(SheetRefusal::Closed);
    }
    let now = stored.map_or(0, |s| s.version);
    if now != sheet.version {
        return Err(SheetRefusal::Stale {
            phase: sheet.phase,
            now,
            signing: false,
        });
    }
    if let Some(ack) = stored.and_then(|s| s.acknowledged.as_ref()) {
        return Err(SheetRefusal::Signed {
            phase: sheet.phase,
            name: ack.name.clone(),
        });
    }
    if sheet.phase == Phase::Delivery {
        if check_in.is_none_or(|c| c.version == 0) {
            return Err(SheetRefusal::NoCheckIn);
        }
        if !delivery_check_due(ro.status) {
            return Err(SheetRefusal::NotDone);
        }
    }
    validate(sheet).map_err(SheetRefusal::Invalid)
}

/// Whether the customer may sign `list` (the stored list of its phase, at
/// `version` as the screen saw it); returns the name as it will be kept.
pub fn check_sign(
    ro: &crate::domain::RepairOrder,
    phase: Phase,
    version: i64,
    name: &str,
    list: Option<&Sheet>,
    check_in: Option<&Sheet>,
) -> Result<String, SheetRefusal> {
    if ro.is_closed() {
        return Err(SheetRefusal::Closed);
    }
    let name = crate::domain::text::clean_line(name.trim());
    if name.is_empty() {
        return Err(SheetRefusal::NoSigner);
    }
    let Some(list) = list else {
        return Err(SheetRefusal::NotSaved(phase));
    };
    if list.version != version {
        return Err(SheetRefusal::Stale {
            phase,
            now: list.version,
            signing: true,
        });
    }
    if let Some(ack) = &list.acknowledged {
        return Err(SheetRefusal::AlreadySigned(ack.name.clone()));
    }
    if phase == Phase::Delivery {
        check_joint(check_in, list).map_err(SheetRefusal::Joint)?;
    }
    Ok(name)
}

/// Checks a sheet before it is saved: counts, severities, panels.
pub fn validate(sheet: &Sheet) -> Result<(), String> {
    for e in &sheet.entries {
        if e.quantity < 0 {
            return Err(format!("{}: a count cannot be negative", e.item));
        }
        if e.item.trim().is_empty() {
            return Err("an item needs a name".into());
        }
        match (e.category, e.damage) {
            (Category::Damage, None) => {
                return Err(format!("{}: a damage mark needs its type", e.item))
            }
            (Category::Damage, Some((_, sev))) if !SEVERITIES.contains(&sev) => {
                return Err(format!("{}: severity is 1 (light), 2 or 3 (heavy)", e.item))
            }
            (Category::Damage, _) if e.panel().is_none() => {
                return Err(format!(
                    "a damage mark needs a panel ('{}' is not one)",
                    e.item
                ))
            }
            (c, Some(_)) if c != Category::Damage => {
                return Err(format!("{}: only a damage mark has a damage type", e.item))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Fuel in eighths as the gauge reads: E, 1/8 … 7/8, F.
pub fn fuel_label(eighths: i64) -> String {
    match eighths {
        0 => "E".into(),
        8 => "F".into(),
        n if n % 4 == 0 => format!("{}/2", n / 4),
        n if n % 2 == 0 => format!("{}/4", n / 2),
        n => format!("{n}/8"),
    }
}
