//! F4, the vehicle-items checklist of the RO in hand: documents, the
//! walk-around on the car's outline, belongings and tools, warning lights
//! and covers, the check-in questions with fuel and odometer, and the key.
//! Ctrl-D turns to the joint check at delivery, shown beside the check-in.
//! The list is edited here and saved whole with Ctrl-S; the store checks
//! its version, so two advisors never overwrite each other silently.

mod outline;
mod quick;
mod view;

use super::desk::{self, DeskPrompt, Prompted, Target};
use super::effects::{Read, ReadOut, Write, WriteOut};
use super::keymap::{Action, KeyContext};
use super::pane::{Command, Ctx, Done, Pane, PaneId, Request};
use crate::domain::checklist::keys::{KeyHolder, TagRequest};
use crate::domain::checklist::oneline::{self, QuickCheckIn};
use crate::domain::checklist::panels::Dir;
use crate::domain::checklist::template::Template;
use crate::domain::checklist::{
    Answers, Category, DamageKind, Entry, Panel, Phase, Sheet, SEVERITIES,
};
use crate::domain::roles::Permission;
use crate::domain::RepairOrder;
use crate::store::{Readings, Sheets, Store, StoreResult};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::Frame;

pub use quick::QuickLine;

/// The parts of the sheet, in the order of the paper form; Tab moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Documents,
    WalkAround,
    Belongings,
    Inside,
    Questions,
    Key,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Documents,
        Section::WalkAround,
        Section::Belongings,
        Section::Inside,
        Section::Questions,
        Section::Key,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::Documents => "list.documents",
            Section::WalkAround => "list.walk_around",
            Section::Belongings => "list.belongings",
            Section::Inside => "list.inside",
            Section::Questions => "list.questions",
            Section::Key => "list.key",
        }
    }

    fn categories(self) -> &'static [Category] {
        match self {
            Section::Documents => &[Category::Document],
            Section::Belongings => &[Category::Belonging, Category::Tool],
            Section::Inside => &[Category::WarningLight, Category::Cover],
            Section::WalkAround => &[Category::Damage],
            Section::Questions | Section::Key => &[],
        }
    }
}

/// The rows of the questions section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    Fuel,
    Odometer,
    Wash,
    OldParts,
    Waiting,
    Covers,
}

pub const QUESTIONS: [Question; 6] = [
    Question::Fuel,
    Question::Odometer,
    Question::Wash,
    Question::OldParts,
    Question::Waiting,
    Question::Covers,
];

/// The RO in hand, as loaded, with what the pane is editing.
pub struct Loaded {
    pub ro: RepairOrder,
    pub stored: Sheets,
    /// The list being edited (check-in or delivery).
    pub edit: Sheet,
    pub answers: Answers,
    pub readings: Readings,
    /// A tag asked for by the one-line check-in, hung with the next save.
    pub tag: Option<TagRequest>,
}

impl Loaded {
    fn new(ro: RepairOrder, stored: Sheets, phase: Phase, template: &Template) -> Loaded {
        let edit = match phase {
            Phase::CheckIn => stored.check_in.clone().unwrap_or_else(|| template.blank()),
            Phase::Delivery => stored
                .delivery
                .clone()
                .or_else(|| stored.check_in.as_ref().map(Sheet::delivery_from))
                .unwrap_or_default(),
        };
        let readings = Readings {
            fuel: ro.fuel_eighths,
            odometer: ro.odometer_in_km,
            odometer_reason: String::new(),
        };
        Loaded {
            answers: stored.answers,
            ro,
            stored,
            edit,
            readings,
            tag: None,
        }
    }

    pub fn phase(&self) -> Phase {
        self.edit.phase
    }

    fn stored_sheet(&self) -> Option<&Sheet> {
        match self.phase() {
            Phase::CheckIn => self.stored.check_in.as_ref(),
            Phase::Delivery => self.stored.delivery.as_ref(),
        }
    }

    /// Typed and not saved.
    pub fn is_dirty(&self) -> bool {
        let sheet = match self.stored_sheet() {
            Some(s) => s.entries != self.edit.entries,
            None => self.edit.phase == Phase::Delivery || self.touched_blank(),
        };
        sheet
            || self.tag.is_some()
            || (self.phase() == Phase::CheckIn
                && (self.answers != self.stored.answers
                    || self.readings.fuel != self.ro.fuel_eighths
                    || self.readings.odometer != self.ro.odometer_in_km))
    }

    /// A new check-in list counts as typed once anything in it is marked.
    fn touched_blank(&self) -> bool {
        self.edit
            .entries
            .iter()
            .any(|e| e.present || e.category == Category::Damage || !e.note.is_empty())
    }

    /// The customer signed the list on screen: it is kept as signed.
    pub fn is_signed(&self) -> bool {
        self.edit.acknowledged.is_some()
    }

    /// A desk dialog about this RO.
    fn dialog(&self, purpose: DeskPrompt, cx: &Ctx) -> Vec<Command> {
        vec![Command::Push(Box::new(desk::dialog(
            purpose,
            &self.target(),
            cx,
        )))]
    }

    fn target(&self) -> Target {
        Target {
            ro_id: self.ro.id.unwrap_or_default(),
            version: self.ro.version,
            number: self.ro.number.clone(),
        }
    }
}

pub struct ChecklistPane {
    pub template: Template,
    pub loaded: Option<Loaded>,
    pub section: Section,
    /// The row in a list section.
    pub cursor: usize,
    /// The panel under the cursor in the walk-around.
    pub panel: Panel,
    /// Letters typed towards a panel code.
    pub jump: String,
    /// Load the stored lists over the edit at the next reload (after our save).
    refresh: bool,
}

impl Default for ChecklistPane {
    fn default() -> Self {
        ChecklistPane::with_template(Template::builtin())
    }
}

impl ChecklistPane {
    pub fn with_template(template: Template) -> ChecklistPane {
        ChecklistPane {
            template,
            loaded: None,
            section: Section::Documents,
            cursor: 0,
            panel: Panel::FrontBumper,
            jump: String::new(),
            refresh: false,
        }
    }

    /// The entries shown in a list section, as indexes into the sheet.
    pub fn rows(&self) -> Vec<usize> {
        let Some(l) = &self.loaded else {
            return Vec::new();
        };
        let cats = self.section.categories();
        let delivery = l.phase() == Phase::Delivery;
        l.edit
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| cats.contains(&e.category))
            .filter(|(_, e)| !delivery || e.category.compared_at_delivery())
            .map(|(i, _)| i)
            .collect()
    }

    fn row_count(&self) -> usize {
        match self.section {
            Section::Questions => QUESTIONS.len(),
            Section::WalkAround => Panel::ALL.len(),
            Section::Key => 0,
            _ => self.rows().len(),
        }
    }

    /// The entry under the cursor (a list section).
    fn current(&self) -> Option<usize> {
        self.rows().get(self.cursor).copied()
    }

    fn open(&mut self, id: i64, cx: &Ctx) -> Vec<Command> {
        if let Some(l) = &self.loaded {
            // Already in hand: shown fresh (a hidden pane reloads on showing).
            if l.ro.id == Some(id) {
                return Vec::new();
            }
            if l.is_dirty() {
                return vec![Command::Warn(
                    cx.texts.fill("list.unsaved_other", &[("ro", &l.ro.number)]),
                )];
            }
        }
        vec![Command::Read(Read::Sheets(id))]
    }

    fn got(&mut self, ro: RepairOrder, sheets: Sheets) {
        let same = self.loaded.as_ref().is_some_and(|l| l.ro.id == ro.id);
        match self.loaded.as_mut() {
            Some(l) if same && l.is_dirty() && !self.refresh => {
                // Keep the typing; the title says the store moved on.
                l.ro = ro;
                l.stored = sheets;
            }
            _ => {
                let phase = match &self.loaded {
                    Some(l) if same => l.phase(),
                    _ => default_phase(&ro, &sheets),
                };
                if !same {
                    self.section = Section::Documents;
                    self.cursor = 0;
                }
                self.loaded = Some(Loaded::new(ro, sheets, phase, &self.template));
            }
        }
        self.refresh = false;
        self.cursor = self.cursor.min(self.row_count().saturating_sub(1));
    }

    /// Why the list on screen cannot change now, if it cannot.
    fn locked(&self, cx: &Ctx) -> Option<String> {
        let l = self.loaded.as_ref()?;
        if let Err(e) = cx.session.permit(Permission::RecordChecklist, cx.texts) {
            return Some(e);
        }
        if l.ro.is_closed() {
            return Some(crate::domain::lifecycle::Refusal::Closed.to_string());
        }
        l.edit
            .acknowledged
            .as_ref()
            .map(|a| cx.texts.fill("list.signed_frozen", &[("name", &a.name)]))
    }

    /// The RO in hand if its list may change now; else what to say (nothing
    /// when no RO is in hand).
    fn editable(&self, cx: &Ctx) -> Result<&Loaded, Vec<Command>> {
        let l = self.loaded.as_ref().ok_or_else(Vec::new)?;
        match self.locked(cx) {
            Some(why) => Err(vec![Command::Warn(why)]),
            None => Ok(l),
        }
    }

    /// The RO in hand if this terminal's user may do `p`; else why not.
    fn allowed(&self, p: Permission, cx: &Ctx) -> Result<&Loaded, Vec<Command>> {
        let l = self.loaded.as_ref().ok_or_else(Vec::new)?;
        cx.session
            .permit(p, cx.texts)
            .map_err(|e| vec![Command::Warn(e)])?;
        Ok(l)
    }

    /// Runs `f` on the list if it may change; else says why.
    /// `f` gets the template too (the lists are built from it).
    fn change(&mut self, cx: &Ctx, f: impl FnOnce(&mut Loaded, &Template)) -> Vec<Command> {
        if let Some(why) = self.locked(cx) {
            return vec![Command::Warn(why)];
        }
        if let Some(l) = self.loaded.as_mut() {
            f(l, &self.template);
        }
        Vec::new()
    }

    fn moved(&mut self, action: Action) {
        if self.section == Section::WalkAround {
            let dir = match action {
                Action::Up => Dir::Up,
                Action::Down => Dir::Down,
                Action::Left => Dir::Left,
                Action::Right => Dir::Right,
                _ => return,
            };
            self.panel = self.panel.towards(dir);
            self.jump.clear();
            return;
        }
        let n = self.row_count();
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down if self.cursor + 1 < n => self.cursor += 1,
            _ => {}
        }
    }

    fn section_step(&mut self, forward: bool) {
        let i = Section::ALL
            .iter()
            .position(|s| *s == self.section)
            .unwrap_or(0);
        let n = Section::ALL.len();
        self.section = Section::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
        self.cursor = 0;
        self.jump.clear();
    }

    /// Letters typed in the walk-around move to the panel they spell.
    fn jump_to(&mut self, c: char, cx: &Ctx) -> Vec<Command> {
        self.jump.push(c.to_ascii_uppercase());
        let matches = Panel::starting_with(&self.jump);
        match matches.as_slice() {
            [] => {
                let typed = std::mem::take(&mut self.jump);
                vec![Command::Warn(
                    cx.texts.fill("list.no_panel", &[("code", &typed)]),
                )]
            }
            [one] => {
                self.panel = *one;
                self.jump.clear();
                Vec::new()
            }
            _ => {
                if let Some(exact) = Panel::from_code(&self.jump) {
                    self.panel = exact;
                }
                Vec::new()
            }
        }
    }

    fn toggle(&mut self, cx: &Ctx) -> Vec<Command> {
        let section = self.section;
        let row = self.current();
        let (cursor, panel) = (self.cursor, self.panel);
        self.change(cx, |l, _| {
            let delivery = l.phase() == Phase::Delivery;
            match section {
                Section::Questions if !delivery => {
                    toggle_question(l, QUESTIONS[cursor.min(5)], true)
                }
                Section::WalkAround if delivery => {
                    let all = l
                        .edit
                        .entries
                        .iter()
                        .filter(|e| e.panel() == Some(panel))
                        .all(|e| e.checked);
                    for e in l
                        .edit
                        .entries
                        .iter_mut()
                        .filter(|e| e.panel() == Some(panel))
                    {
                        e.checked = !all;
                    }
                }
                _ => {
                    let Some(i) = row else { return };
                    let e = &mut l.edit.entries[i];
                    if delivery {
                        e.checked = !e.checked;
                    } else if e.category == Category::Document {
                        // missing → present → present but invalid → missing
                        (e.present, e.valid) = match (e.present, e.valid) {
                            (false, _) => (true, true),
                            (true, true) => (true, false),
                            (true, false) => (false, true),
                        };
                    } else {
                        e.present = !e.present;
                        if e.present && e.quantity == 0 {
                            e.quantity = 1;
                        }
                        if e.category == Category::Cover {
                            l.answers.covers = l
                                .edit
                                .entries
                                .iter()
                                .filter(|e| e.category == Category::Cover)
                                .all(|e| e.present);
                        }
                    }
                }
            }
        })
    }

    fn step(&mut self, up: bool, cx: &Ctx) -> Vec<Command> {
        let section = self.section;
        let row = self.current();
        let (cursor, panel) = (self.cursor, self.panel);
        self.change(cx, |l, _| match section {
            Section::Questions if l.phase() == Phase::CheckIn => {
                toggle_question(l, QUESTIONS[cursor.min(5)], up)
            }
            Section::WalkAround => {
                if let Some(e) = l
                    .edit
                    .entries
                    .iter_mut()
                    .rev()
                    .find(|e| e.panel() == Some(panel))
                {
                    if let Some((k, s)) = e.damage {
                        let s = if up { s + 1 } else { s - 1 };
                        e.damage = Some((k, s.clamp(*SEVERITIES.start(), *SEVERITIES.end())));
                    }
                }
            }
            _ => {
                let Some(i) = row else { return };
                let e = &mut l.edit.entries[i];
                if matches!(e.category, Category::Belonging | Category::Tool) {
                    e.quantity = if up {
                        e.quantity + 1
                    } else {
                        (e.quantity - 1).max(0)
                    };
                    e.present = e.quantity > 0;
                }
            }
        })
    }

    fn enter(&mut self, cx: &Ctx) -> Vec<Command> {
        let l = match self.editable(cx) {
            Ok(l) => l,
            Err(say) => return say,
        };
        let target = l.target();
        let purpose = match self.section {
            Section::WalkAround => DeskPrompt::ListMark { panel: self.panel },
            Section::Questions if QUESTIONS[self.cursor.min(5)] == Question::Odometer => {
                DeskPrompt::ListOdometer
            }
            Section::Questions => return self.toggle(cx),
            Section::Key => return self.hand_over(cx),
            _ => match self.current() {
                Some(index) => DeskPrompt::ListNote { index },
                None => return Vec::new(),
            },
        };
        let mut prompt = desk::dialog(purpose.clone(), &target, cx);
        if let DeskPrompt::ListNote { index } = purpose {
            let e = &l.edit.entries[index];
            let now = if l.phase() == Phase::Delivery {
                &e.explanation
            } else {
                &e.note
            };
            prompt = prompt.with_values(std::slice::from_ref(now));
            if l.phase() == Phase::Delivery {
                prompt.title = format!("{} · {}", cx.texts.get("list.explain"), target.number);
            }
        }
        if purpose == DeskPrompt::ListOdometer {
            let km = l
                .readings
                .odometer
                .map(|k| k.to_string())
                .unwrap_or_default();
            prompt = prompt.with_values(&[km]);
        }
        vec![Command::Push(Box::new(prompt))]
    }

    fn add(&mut self, cx: &Ctx) -> Vec<Command> {
        let l = match self.editable(cx) {
            Ok(l) => l,
            Err(say) => return say,
        };
        let purpose = match self.section {
            Section::WalkAround => DeskPrompt::ListMark { panel: self.panel },
            Section::Belongings => DeskPrompt::ListFree,
            _ => return Vec::new(),
        };
        l.dialog(purpose, cx)
    }

    fn remove(&mut self, cx: &Ctx) -> Vec<Command> {
        let section = self.section;
        let row = self.current();
        let panel = self.panel;
        let out = self.change(cx, |l, template| match section {
            Section::WalkAround => {
                if let Some(i) = l
                    .edit
                    .entries
                    .iter()
                    .rposition(|e| e.panel() == Some(panel))
                {
                    l.edit.entries.remove(i);
                }
            }
            Section::Belongings => {
                let Some(i) = row else { return };
                let e = &l.edit.entries[i];
                // Template items stay on the list (marked absent); free ones go.
                if template.find(e.category, &e.item).is_some() {
                    l.edit.entries[i].present = false;
                } else {
                    l.edit.entries.remove(i);
                }
            }
            _ => {}
        });
        self.cursor = self.cursor.min(self.row_count().saturating_sub(1));
        out
    }

    fn save(&mut self, cx: &Ctx) -> Vec<Command> {
        let l = match self.allowed(Permission::RecordChecklist, cx) {
            Ok(l) => l,
            Err(say) => return say,
        };
        if !l.is_dirty() {
            return vec![Command::Notice(cx.texts.get("list.nothing_to_save").into())];
        }
        let check_in = l.phase() == Phase::CheckIn;
        let write = Write::SaveSheet {
            ro_id: l.ro.id.unwrap_or_default(),
            sheet: Box::new(l.edit.clone()),
            answers: check_in.then_some(l.answers),
            readings: check_in.then(|| l.readings.clone()),
            tag: l.tag,
        };
        let what = cx.texts.fill("what.list", &[("ro", &l.ro.number)]);
        vec![Command::write(write, what)]
    }

    fn sign(&mut self, cx: &Ctx) -> Vec<Command> {
        let l = match self.editable(cx) {
            Ok(l) => l,
            Err(say) => return say,
        };
        if l.is_dirty() || l.edit.version == 0 {
            return vec![Command::Warn(cx.texts.get("list.save_first").into())];
        }
        if l.phase() == Phase::Delivery {
            let check_in = l.stored.check_in.as_ref();
            if let Err(why) = crate::domain::checklist::check_joint(check_in, &l.edit) {
                return vec![Command::Warn(why.to_string())];
            }
        }
        l.dialog(DeskPrompt::ListSign, cx)
    }

    /// Ctrl-D: between the check-in and the joint check at delivery.
    fn turn(&mut self, cx: &Ctx) -> Vec<Command> {
        let Some(l) = &self.loaded else {
            return Vec::new();
        };
        if l.is_dirty() {
            return vec![Command::Warn(cx.texts.get("list.save_first").into())];
        }
        let next = match l.phase() {
            Phase::CheckIn => Phase::Delivery,
            Phase::Delivery => Phase::CheckIn,
        };
        if next == Phase::Delivery && l.stored.check_in.is_none() {
            return vec![Command::Warn(cx.texts.get("list.no_check_in").into())];
        }
        let (ro, stored) = (l.ro.clone(), l.stored.clone());
        self.loaded = Some(Loaded::new(ro, stored, next, &self.template));
        // Each check starts at the top of the form, with the documents.
        self.section = Section::Documents;
        self.cursor = 0;
        Vec::new()
    }

    fn tag(&mut self, cx: &Ctx) -> Vec<Command> {
        match self.allowed(Permission::HandOverKey, cx) {
            Ok(l) => l.dialog(DeskPrompt::KeyTag, cx),
            Err(say) => say,
        }
    }

    fn hand_over(&mut self, cx: &Ctx) -> Vec<Command> {
        let l = match self.allowed(Permission::HandOverKey, cx) {
            Ok(l) => l,
            Err(say) => return say,
        };
        let Some(key) = l.stored.key.as_ref().filter(|k| !k.returned) else {
            return vec![Command::Warn(
                crate::domain::checklist::keys::KeyError::NoTag.to_string(),
            )];
        };
        let next = key.holder.usual_next();
        let mut prompt = desk::dialog(DeskPrompt::KeyHandOver, &l.target(), cx);
        prompt = prompt.with_values(&[next.code().to_string()]);
        vec![Command::Push(Box::new(prompt))]
    }

    fn quick(&mut self, cx: &Ctx) -> Vec<Command> {
        match self.editable(cx) {
            Ok(l) if l.phase() == Phase::CheckIn => {
                let line = QuickLine::new(self.template.clone(), &l.ro.number);
                vec![Command::Push(Box::new(line))]
            }
            Ok(_) => vec![Command::Warn(
                cx.texts.get("list.quick_check_in_only").into(),
            )],
            Err(say) => say,
        }
    }

    /// The one-line check-in: applied whole, then saved with its tag.
    fn apply_quick(&mut self, q: QuickCheckIn, cx: &Ctx) -> Vec<Command> {
        let mut out = self.change(cx, |l, template| {
            oneline::apply(&q, &mut l.edit, &mut l.answers, template);
            if q.fuel.is_some() {
                l.readings.fuel = q.fuel;
            }
            if q.odometer.is_some() {
                l.readings.odometer = q.odometer;
            }
            if q.tag.is_some() && l.stored.key.as_ref().is_none_or(|k| k.returned) {
                l.tag = q.tag;
            }
        });
        if out.is_empty() {
            out = self.save(cx);
        }
        out
    }

    fn picked(&mut self, p: Prompted, cx: &Ctx) -> Vec<Command> {
        let v = p.values.clone();
        let Some(l) = self.loaded.as_mut() else {
            return Vec::new();
        };
        let ro_id = l.ro.id.unwrap_or_default();
        match p.purpose {
            DeskPrompt::ListMark { panel } => {
                let kind = DamageKind::from_code(&v[0]).unwrap_or(DamageKind::Scratch);
                let severity = v[1].parse().unwrap_or(1);
                let mut mark = Entry::mark(panel, kind, severity, &v[2]);
                mark.checked = l.phase() == Phase::Delivery;
                let key = mark.key();
                match l.edit.entries.iter_mut().find(|e| e.key() == key) {
                    Some(e) => {
                        *e = Entry {
                            explanation: e.explanation.clone(),
                            ..mark
                        }
                    }
                    None => l.edit.entries.push(mark),
                }
            }
            DeskPrompt::ListFree => {
                let n = desk::count(&v[1]).unwrap_or(1);
                let mut e = Entry::item(Category::Belonging, &v[0], n > 0, n);
                e.checked = l.phase() == Phase::Delivery;
                l.edit.entries.push(e);
            }
            DeskPrompt::ListNote { index } => {
                if let Some(e) = l.edit.entries.get_mut(index) {
                    if l.edit.phase == Phase::Delivery {
                        e.explanation = v[0].clone();
                    } else {
                        e.note = v[0].clone();
                    }
                }
            }
            DeskPrompt::ListOdometer => {
                l.readings.odometer = v[0].trim().replace(',', "").parse().ok();
                l.readings.odometer_reason = v[1].clone();
            }
            DeskPrompt::ListSign => {
                let write = Write::SignSheet {
                    ro_id,
                    phase: l.phase(),
                    version: l.edit.version,
                    name: v[0].clone(),
                };
                let what = cx.texts.fill("what.list_sign", &[("ro", &l.ro.number)]);
                return vec![Command::write(write, what)];
            }
            DeskPrompt::KeyTag => {
                // The dialog checked the words; anything else asks for auto.
                let request = TagRequest::parse(&v[0]).unwrap_or(TagRequest::Auto);
                let what = cx.texts.fill("what.key_tag", &[("ro", &l.ro.number)]);
                return vec![Command::write(Write::KeyTag { ro_id, request }, what)];
            }
            DeskPrompt::KeyHandOver => {
                let to = KeyHolder::from_code(&v[0]).unwrap_or(KeyHolder::Cabinet);
                let what = cx.texts.fill("what.key_move", &[("ro", &l.ro.number)]);
                let write = Write::KeyHandOver {
                    ro_id,
                    to,
                    person: v[1].clone(),
                };
                return vec![Command::write(write, what)];
            }
            _ => {}
        }
        Vec::new()
    }

    fn wrote(
        &mut self,
        write: &Write,
        result: crate::store::StoreResult<WriteOut>,
        cx: &Ctx,
    ) -> Vec<Command> {
        match result {
            Ok(out) => {
                // Our own list landed: show it as stored. A key tag or a
                // hand-over leaves the list being typed alone.
                self.refresh = matches!(write, Write::SaveSheet { .. } | Write::SignSheet { .. });
                let ro = self
                    .loaded
                    .as_ref()
                    .map(|l| l.ro.number.clone())
                    .unwrap_or_default();
                let msg = match (write, out) {
                    (_, WriteOut::Tagged(tag)) => {
                        cx.texts.fill("list.tagged", &[("ro", &ro), ("tag", &tag)])
                    }
                    (Write::SignSheet { .. }, _) => cx.texts.fill("list.signed", &[("ro", &ro)]),
                    (Write::KeyHandOver { .. }, _) => {
                        cx.texts.fill("list.key_moved", &[("ro", &ro)])
                    }
                    _ => cx.texts.fill("list.saved", &[("ro", &ro)]),
                };
                if let Some(l) = self.loaded.as_mut() {
                    l.tag = None;
                }
                vec![Command::Notice(msg)]
            }
            Err(e) => vec![Command::Warn(e.to_string())],
        }
    }
}

/// The check an RO opens on: the delivery check once the work is done.
fn default_phase(ro: &RepairOrder, sheets: &Sheets) -> Phase {
    let due = crate::domain::checklist::delivery_check_due(ro.status);
    if sheets.delivery.is_some() || (due && sheets.check_in.is_some()) {
        Phase::Delivery
    } else {
        Phase::CheckIn
    }
}

fn toggle_question(l: &mut Loaded, q: Question, up: bool) {
    match q {
        Question::Fuel => {
            let f = l.readings.fuel.unwrap_or(4);
            l.readings.fuel = Some(if up { (f + 1).min(8) } else { (f - 1).max(0) });
        }
        Question::Odometer => {}
        Question::Wash => l.answers.wash = !l.answers.wash,
        // Undecided → customer keeps → dispose → undecided, either way round.
        Question::OldParts if up => l.answers.old_parts = l.answers.old_parts.next(),
        Question::OldParts => l.answers.old_parts = l.answers.old_parts.next().next(),
        Question::Waiting => l.answers.waiting = !l.answers.waiting,
        Question::Covers => {
            let on = !l.answers.covers;
            oneline::set_covers(&mut l.edit, &mut l.answers, on);
        }
    }
}

impl Pane for ChecklistPane {
    fn id(&self) -> PaneId {
        PaneId::Checklist
    }

    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Checklist, KeyContext::List]
    }

    fn help_contexts(&self) -> &'static [KeyContext] {
        &[
            KeyContext::Checklist,
            KeyContext::QuickLine,
            KeyContext::Dialog,
            KeyContext::List,
            KeyContext::Global,
        ]
    }

    fn help_note(&self) -> Option<&'static str> {
        Some("list.help_note")
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> Option<Vec<Command>> {
        if self.section == Section::WalkAround && self.loaded.is_some() {
            if let KeyCode::Char(c) = key.code {
                let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
                // A letter no panel code starts with (q, n) keeps its
                // usual meaning.
                let starts = !Panel::starting_with(&format!("{}{c}", self.jump)).is_empty();
                if plain && c.is_ascii_alphabetic() && (starts || !self.jump.is_empty()) {
                    return Some(self.jump_to(c, cx));
                }
            }
        }
        let action = cx.keymap.resolve(self.contexts(), key)?;
        Some(self.update(action, cx))
    }

    fn update(&mut self, action: Action, cx: &Ctx) -> Vec<Command> {
        match action {
            Action::Quit => return vec![Command::Quit],
            Action::New => return vec![Command::Goto(PaneId::RepairOrder, Some(Request::NewRo))],
            _ => {}
        }
        if self.loaded.is_none() {
            return match action {
                Action::Back => vec![Command::Goto(PaneId::Board, None)],
                _ => vec![Command::Notice(cx.texts.get("list.pick_ro").into())],
            };
        }
        match action {
            Action::Up | Action::Down | Action::Left | Action::Right => {
                self.moved(action);
                Vec::new()
            }
            Action::NextSection => {
                self.section_step(true);
                Vec::new()
            }
            Action::PrevSection => {
                self.section_step(false);
                Vec::new()
            }
            Action::Toggle => self.toggle(cx),
            Action::More => self.step(true, cx),
            Action::Less => self.step(false, cx),
            Action::Open => self.enter(cx),
            Action::AddItem => self.add(cx),
            Action::RemoveItem => self.remove(cx),
            Action::Save => self.save(cx),
            Action::SignList => self.sign(cx),
            Action::DeliveryCheck => self.turn(cx),
            Action::QuickLine => self.quick(cx),
            Action::KeyTag => self.tag(cx),
            Action::KeyHandOver => self.hand_over(cx),
            Action::Back => {
                if !self.jump.is_empty() {
                    self.jump.clear();
                    return Vec::new();
                }
                vec![Command::Goto(PaneId::Board, None)]
            }
            _ => Vec::new(),
        }
    }

    fn on_done(&mut self, done: Done, cx: &Ctx) -> Vec<Command> {
        match done {
            Done::Read(ReadOut::Sheets(ro, sheets)) => {
                self.got(*ro, *sheets);
                Vec::new()
            }
            Done::Wrote { write, result, .. } => self.wrote(&write, result, cx),
            Done::Picked(value) => {
                let value = match value.downcast::<Prompted>() {
                    Ok(p) => return self.picked(*p, cx),
                    Err(v) => v,
                };
                match value.downcast::<QuickCheckIn>() {
                    Ok(q) => self.apply_quick(*q, cx),
                    Err(_) => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn on_show(&mut self, request: Option<Request>, cx: &Ctx) -> Vec<Command> {
        match request {
            Some(Request::OpenRo(id)) => self.open(id, cx),
            _ => Vec::new(),
        }
    }

    fn reload(&mut self, store: &dyn Store, _cx: &Ctx) -> StoreResult<()> {
        let Some(id) = self.loaded.as_ref().and_then(|l| l.ro.id) else {
            return Ok(());
        };
        let ro = store.load_ro(id)?;
        let sheets = store.sheets(id)?;
        self.got(ro, sheets);
        Ok(())
    }

    fn render(&mut self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        view::render(self, frame, area, cx);
    }
}
