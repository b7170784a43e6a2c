//! Dialogs of the RO editor. Each takes raw keys (they hold text fields, so
//! `j` or `q` must type) and ends with an outcome the pane acts on.

use crate::domain::conflict::{FieldDiff, Resolution};
use crate::domain::draft::{Draft, SearchHit};
use crate::domain::repair_order::{Grade, LineKind, Payer, RoLine, Supplier};
use crate::domain::validate::{check_line, parse_milli, parse_money};
use crate::domain::RepairOrder;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

/// What a dialog hands back to the RO pane.
#[derive(Debug, Clone)]
pub enum RoOutcome {
    Search(String),
    PickHit(SearchHit),
    NewCustomer(String),
    Line {
        index: Option<usize>,
        line: RoLine,
        propose: bool,
    },
    Prompted(PromptPurpose, Vec<String>),
    Resolve(Resolution),
    RestoreDraft(usize),
    DiscardDraft(usize),
}

pub enum DialogKey {
    Stay,
    Close,
    Done(Box<RoOutcome>),
}

fn done(outcome: RoOutcome) -> DialogKey {
    DialogKey::Done(Box::new(outcome))
}

fn is_save(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('s')
}

pub fn one_line(text: &str) -> TextArea<'static> {
    let mut ta = TextArea::new(vec![text.to_string()]);
    ta.set_cursor_line_style(ratatui::style::Style::new());
    // Typing continues what is there, as in any form.
    ta.move_cursor(ratatui_textarea::CursorMove::End);
    ta
}

/// Feeds a key to a text area, dropping control characters: pasted text
/// must not carry escape sequences onto the screen or into the database.
pub fn safe_input(ta: &mut TextArea<'_>, key: KeyEvent) -> bool {
    if let KeyCode::Char(c) = key.code {
        if c.is_control() {
            return false;
        }
    }
    ta.input(key)
}

/// Inserts pasted text, cleaned, on one line.
pub fn paste_line(ta: &mut TextArea<'_>, text: &str) -> bool {
    ta.insert_str(crate::domain::text::clean_line(text))
}

pub fn text(ta: &TextArea<'_>) -> String {
    ta.lines().join(" ")
}

/// Type a plate, phone, VIN, name or RO number; matches appear as you type.
pub struct Finder {
    pub input: TextArea<'static>,
    pub hits: Vec<SearchHit>,
    /// 0..hits.len() is a hit; hits.len() is "new customer and car".
    pub cursor: usize,
}

impl Finder {
    pub fn new() -> Finder {
        Finder {
            input: one_line(""),
            hits: Vec::new(),
            cursor: 0,
        }
    }

    pub fn set_hits(&mut self, hits: Vec<SearchHit>) {
        self.hits = hits;
        self.cursor = self.cursor.min(self.hits.len());
    }

    pub fn key(&mut self, key: KeyEvent) -> DialogKey {
        match key.code {
            KeyCode::Esc => DialogKey::Close,
            KeyCode::Up => {
                self.cursor = self.cursor.saturating_sub(1);
                DialogKey::Stay
            }
            KeyCode::Down | KeyCode::Tab => {
                self.cursor = (self.cursor + 1).min(self.hits.len());
                DialogKey::Stay
            }
            KeyCode::Enter => match self.hits.get(self.cursor) {
                Some(hit) => done(RoOutcome::PickHit(hit.clone())),
                None => done(RoOutcome::NewCustomer(text(&self.input))),
            },
            _ => {
                if safe_input(&mut self.input, key) {
                    self.cursor = 0;
                    done(RoOutcome::Search(text(&self.input)))
                } else {
                    DialogKey::Stay
                }
            }
        }
    }
}

impl Finder {
    pub fn paste(&mut self, pasted: &str) -> Option<RoOutcome> {
        paste_line(&mut self.input, pasted).then(|| RoOutcome::Search(text(&self.input)))
    }
}

impl Default for Finder {
    fn default() -> Self {
        Finder::new()
    }
}

/// The fields of the line editor, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineField {
    Kind,
    Code,
    Description,
    Quantity,
    Price,
    Payer,
    Supplier,
    Grade,
    Critical,
}

pub const LINE_FIELDS: [LineField; 9] = [
    LineField::Kind,
    LineField::Code,
    LineField::Description,
    LineField::Quantity,
    LineField::Price,
    LineField::Payer,
    LineField::Supplier,
    LineField::Grade,
    LineField::Critical,
];

pub struct LineEditor {
    pub index: Option<usize>,
    pub line: RoLine,
    pub code: TextArea<'static>,
    pub description: TextArea<'static>,
    pub quantity: TextArea<'static>,
    pub price: TextArea<'static>,
    pub focus: usize,
    pub error: Option<String>,
    /// Proposing added work rather than editing the agreed lines.
    pub propose: bool,
    /// A labour line with no rate typed is charged at the shop's rate.
    pub shop_rate: crate::domain::Money,
}

impl LineEditor {
    pub fn new(
        index: Option<usize>,
        line: RoLine,
        propose: bool,
        shop_rate: crate::domain::Money,
    ) -> LineEditor {
        let qty = if line.quantity_milli == 0 {
            String::new()
        } else {
            milli_text(line.quantity_milli)
        };
        let price = if line.unit_price.0 == 0 && index.is_none() {
            String::new()
        } else {
            line.unit_price.format("")
        };
        LineEditor {
            index,
            code: one_line(&line.code),
            description: one_line(&line.description),
            quantity: one_line(&qty),
            price: one_line(&price.replace(',', "")),
            line,
            focus: 0,
            error: None,
            propose,
            shop_rate,
        }
    }

    pub fn field(&self) -> LineField {
        LINE_FIELDS[self.focus]
    }

    pub fn key(&mut self, key: KeyEvent) -> DialogKey {
        if is_save(&key) || (key.code == KeyCode::Enter && self.focus + 1 == LINE_FIELDS.len()) {
            return self.finish();
        }
        match key.code {
            KeyCode::Esc => return DialogKey::Close,
            KeyCode::Enter | KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1).min(LINE_FIELDS.len() - 1)
            }
            KeyCode::BackTab | KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            _ => self.edit(key),
        }
        DialogKey::Stay
    }

    fn edit(&mut self, key: KeyEvent) {
        let forward = !matches!(key.code, KeyCode::Left | KeyCode::Char('-'));
        let is_cycle = matches!(
            key.code,
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')
        );
        let field = self.field();
        let l = &mut self.line;
        match field {
            LineField::Kind if is_cycle => {
                l.kind = if forward {
                    l.kind.next()
                } else {
                    l.kind.prev()
                }
            }
            LineField::Payer if is_cycle => {
                l.payer = if forward {
                    l.payer.next()
                } else {
                    l.payer.prev()
                }
            }
            LineField::Supplier if is_cycle => l.supplier = l.supplier.next(),
            LineField::Grade if is_cycle => l.grade = l.grade.next(),
            LineField::Critical if is_cycle => l.critical_system = !l.critical_system,
            LineField::Code => drop(safe_input(&mut self.code, key)),
            LineField::Description => drop(safe_input(&mut self.description, key)),
            LineField::Quantity => drop(safe_input(&mut self.quantity, key)),
            LineField::Price => drop(safe_input(&mut self.price, key)),
            _ => {}
        }
        self.error = None;
    }

    pub fn paste(&mut self, pasted: &str) {
        let input = match self.field() {
            LineField::Code => &mut self.code,
            LineField::Description => &mut self.description,
            LineField::Quantity => &mut self.quantity,
            LineField::Price => &mut self.price,
            _ => return,
        };
        paste_line(input, pasted);
    }

    fn finish(&mut self) -> DialogKey {
        let mut line = self.line.clone();
        line.code = text(&self.code).trim().to_string();
        line.description = text(&self.description).trim().to_string();
        let qty_text = text(&self.quantity);
        line.quantity_milli = if line.kind == LineKind::Fee && qty_text.trim().is_empty() {
            1000
        } else {
            match parse_milli(&qty_text) {
                Some(q) => q,
                None => return self.fail(LineField::Quantity, "type a number, e.g. 1.5"),
            }
        };
        let price_text = text(&self.price);
        line.unit_price = match parse_money(&price_text) {
            Some(p) => p,
            None if price_text.trim().is_empty() && line.kind == LineKind::Labour => self.shop_rate,
            None => return self.fail(LineField::Price, "type an amount, e.g. 180 or 45.50"),
        };
        if let Err(e) = check_line(self.index.unwrap_or(0), &line) {
            let msg = e
                .message
                .split_once(": ")
                .map(|(_, m)| m.to_string())
                .unwrap_or(e.message);
            let field = if msg.contains("price") {
                LineField::Price
            } else if msg.contains("describe") {
                LineField::Description
            } else {
                LineField::Quantity
            };
            return self.fail(field, &msg);
        }
        done(RoOutcome::Line {
            index: self.index,
            line,
            propose: self.propose,
        })
    }

    fn fail(&mut self, field: LineField, msg: &str) -> DialogKey {
        self.focus = LINE_FIELDS.iter().position(|f| *f == field).unwrap_or(0);
        self.error = Some(msg.to_string());
        DialogKey::Stay
    }
}

pub fn milli_text(m: i64) -> String {
    if m % 1000 == 0 {
        format!("{}", m / 1000)
    } else {
        format!("{}", m as f64 / 1000.0)
    }
}

/// Labels for the line editor's choice values.
pub fn line_choice(line: &RoLine, f: LineField) -> String {
    match f {
        LineField::Kind => line.kind.code().into(),
        LineField::Payer => line.payer.code().into(),
        LineField::Supplier => line.supplier.code().into(),
        LineField::Grade => line.grade.code().into(),
        LineField::Critical => if line.critical_system { "yes" } else { "no" }.into(),
        _ => String::new(),
    }
}

/// Used by tests and the canned-job picker to build a labour line.
pub fn labour(
    code: &str,
    description: &str,
    hours_milli: i64,
    rate: crate::domain::Money,
) -> RoLine {
    RoLine {
        kind: LineKind::Labour,
        code: code.into(),
        description: description.into(),
        quantity_milli: hours_milli,
        unit_price: rate,
        payer: Payer::Customer,
        supplier: Supplier::Shop,
        grade: Grade::Oem,
        ..Default::default()
    }
}

/// What a prompt is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptPurpose {
    Sign,
    Decline,
    AddedWorkCall,
    PickupCall,
    Payment,
}

pub enum PromptInput {
    Text(Box<TextArea<'static>>),
    Choice(Vec<String>, usize),
}

pub struct Prompt {
    pub title: String,
    pub fields: Vec<(String, PromptInput)>,
    pub focus: usize,
    pub purpose: PromptPurpose,
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(title: &str, purpose: PromptPurpose, fields: Vec<(String, PromptInput)>) -> Prompt {
        Prompt {
            title: title.into(),
            fields,
            focus: 0,
            purpose,
            error: None,
        }
    }

    pub fn values(&self) -> Vec<String> {
        self.fields
            .iter()
            .map(|(_, input)| match input {
                PromptInput::Text(ta) => text(ta).trim().to_string(),
                PromptInput::Choice(options, i) => options.get(*i).cloned().unwrap_or_default(),
            })
            .collect()
    }

    pub fn paste(&mut self, pasted: &str) {
        if let Some((_, PromptInput::Text(ta))) = self.fields.get_mut(self.focus) {
            paste_line(ta, pasted);
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> DialogKey {
        let last = self.focus + 1 >= self.fields.len();
        if is_save(&key) || (key.code == KeyCode::Enter && last) {
            return done(RoOutcome::Prompted(self.purpose, self.values()));
        }
        match key.code {
            KeyCode::Esc => return DialogKey::Close,
            KeyCode::Enter | KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1).min(self.fields.len().saturating_sub(1))
            }
            KeyCode::BackTab | KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            _ => match self.fields.get_mut(self.focus).map(|f| &mut f.1) {
                Some(PromptInput::Text(ta)) => drop(safe_input(ta, key)),
                Some(PromptInput::Choice(options, i)) => match key.code {
                    KeyCode::Right | KeyCode::Char(' ') => *i = (*i + 1) % options.len().max(1),
                    KeyCode::Left => *i = (*i + options.len().max(1) - 1) % options.len().max(1),
                    _ => {}
                },
                None => {}
            },
        }
        self.error = None;
        DialogKey::Stay
    }
}

/// Both versions side by side; the advisor decides. Nothing is overwritten silently.
pub struct ConflictView {
    pub message: String,
    pub diffs: Vec<FieldDiff>,
    pub theirs: RepairOrder,
}

impl ConflictView {
    pub fn key(&mut self, key: KeyEvent) -> DialogKey {
        match key.code {
            KeyCode::Char('m') => done(RoOutcome::Resolve(Resolution::KeepMine)),
            KeyCode::Char('t') => done(RoOutcome::Resolve(Resolution::TakeTheirs)),
            KeyCode::Esc => DialogKey::Close,
            _ => DialogKey::Stay,
        }
    }
}

/// Unsaved work found on opening the editor: restore it or let it go.
pub struct DraftOffer {
    pub drafts: Vec<Draft>,
    pub cursor: usize,
}

impl DraftOffer {
    pub fn key(&mut self, key: KeyEvent) -> DialogKey {
        match key.code {
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down => {
                self.cursor = (self.cursor + 1).min(self.drafts.len().saturating_sub(1))
            }
            KeyCode::Enter | KeyCode::Char('r') => {
                return done(RoOutcome::RestoreDraft(self.cursor))
            }
            KeyCode::Char('d') => return done(RoOutcome::DiscardDraft(self.cursor)),
            KeyCode::Esc => return DialogKey::Close,
            _ => {}
        }
        DialogKey::Stay
    }
}
