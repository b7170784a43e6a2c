//! One line of the RO (labour, part, fee), or a proposed added-work item.

use super::{dialog_width, form_key, milli_text, one_line, paste_line, popup, text, DialogForm};
use crate::domain::repair_order::{LineKind, RoLine};
use crate::domain::validate::{check_line, parse_milli, parse_money};
use crate::domain::Money;
use crate::ui::help::hint;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::Ctx;
use crate::ui::text::fit;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use ratatui_textarea::TextArea;

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

impl LineField {
    fn text_key(self) -> &'static str {
        match self {
            LineField::Kind => "line.kind",
            LineField::Code => "line.code",
            LineField::Description => "line.description",
            LineField::Quantity => "line.quantity",
            LineField::Price => "line.price",
            LineField::Payer => "line.payer",
            LineField::Supplier => "line.supplier",
            LineField::Grade => "line.grade",
            LineField::Critical => "line.critical",
        }
    }
}

/// The finished line, for the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDone {
    /// The line it replaces; None for a new line.
    pub index: Option<usize>,
    pub line: RoLine,
    /// Proposed added work rather than an edit of the agreed lines.
    pub propose: bool,
    /// Items typed before `line` in the same proposal.
    pub earlier: Vec<RoLine>,
}

impl LineDone {
    /// Every item of a proposal, in the order typed.
    pub fn items(self) -> Vec<RoLine> {
        let mut items = self.earlier;
        items.push(self.line);
        items
    }
}

pub struct LineEditor {
    pub index: Option<usize>,
    pub line: RoLine,
    pub code: TextArea<'static>,
    pub description: TextArea<'static>,
    pub quantity: TextArea<'static>,
    pub price: TextArea<'static>,
    pub focus: usize,
    pub error: Option<String>,
    pub propose: bool,
    /// A labour line with no rate typed is charged at the shop's rate.
    pub shop_rate: Money,
    /// A proposal's items typed so far (the workshop proposes several at once).
    pub items: Vec<RoLine>,
}

impl LineEditor {
    pub fn new(index: Option<usize>, line: RoLine, propose: bool, shop_rate: Money) -> LineEditor {
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
            items: Vec::new(),
        }
    }

    /// Nothing typed in the current item (a proposal may finish on its
    /// earlier items alone).
    fn blank(&self) -> bool {
        [&self.code, &self.description, &self.quantity, &self.price]
            .iter()
            .all(|ta| text(ta).trim().is_empty())
    }

    /// Keeps the item typed and clears the form for the next one.
    fn another_item(&mut self) -> LayerResult {
        match self.checked_line() {
            Ok(line) => {
                self.items.push(line);
                let fresh = RoLine {
                    kind: LineKind::Part,
                    ..RoLine::default()
                };
                let (items, rate) = (std::mem::take(&mut self.items), self.shop_rate);
                *self = LineEditor::new(None, fresh, true, rate);
                self.items = items;
                LayerResult::stay()
            }
            Err(stay) => stay,
        }
    }

    pub fn field(&self) -> LineField {
        LINE_FIELDS[self.focus]
    }

    fn cycle_choice(&mut self, forward: bool) {
        fn pick<T>(forward: bool, next: T, prev: T) -> T {
            if forward {
                next
            } else {
                prev
            }
        }
        let l = &mut self.line;
        match LINE_FIELDS[self.focus] {
            LineField::Kind => l.kind = pick(forward, l.kind.next(), l.kind.prev()),
            LineField::Payer => l.payer = pick(forward, l.payer.next(), l.payer.prev()),
            LineField::Supplier => l.supplier = pick(forward, l.supplier.next(), l.supplier.prev()),
            LineField::Grade => l.grade = pick(forward, l.grade.next(), l.grade.prev()),
            LineField::Critical => l.critical_system = !l.critical_system,
            _ => {}
        }
    }

    fn finish_line(&mut self) -> LayerResult {
        if self.propose && self.blank() {
            if let Some(line) = self.items.pop() {
                let earlier = std::mem::take(&mut self.items);
                return LayerResult::done(LineDone {
                    index: None,
                    line,
                    propose: true,
                    earlier,
                });
            }
        }
        match self.checked_line() {
            Ok(line) => LayerResult::done(LineDone {
                index: self.index,
                line,
                propose: self.propose,
                earlier: std::mem::take(&mut self.items),
            }),
            Err(stay) => stay,
        }
    }

    /// The line as typed, or the dialog kept open at the field at fault.
    fn checked_line(&mut self) -> Result<RoLine, LayerResult> {
        let mut line = self.line.clone();
        line.code = text(&self.code).trim().to_string();
        line.description = text(&self.description).trim().to_string();
        let qty_text = text(&self.quantity);
        line.quantity_milli = if line.kind == LineKind::Fee && qty_text.trim().is_empty() {
            1000
        } else {
            match parse_milli(&qty_text) {
                Some(q) => q,
                None => return Err(self.fail(LineField::Quantity, "type a number, e.g. 1.5")),
            }
        };
        let price_text = text(&self.price);
        line.unit_price = match parse_money(&price_text) {
            Some(p) => p,
            None if price_text.trim().is_empty() && line.kind == LineKind::Labour => self.shop_rate,
            None => return Err(self.fail(LineField::Price, "type an amount, e.g. 180 or 45.50")),
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
            return Err(self.fail(field, &msg));
        }
        Ok(line)
    }

    fn fail(&mut self, field: LineField, msg: &str) -> LayerResult {
        self.focus = LINE_FIELDS.iter().position(|f| *f == field).unwrap_or(0);
        self.error = Some(msg.to_string());
        LayerResult::stay()
    }

    /// The value shown for a choice field, in the interface's language.
    fn choice(&self, f: LineField, t: &crate::ui::i18n::Texts) -> String {
        let l = &self.line;
        let key = match f {
            LineField::Kind => format!("kind.{}", l.kind.code()),
            LineField::Payer => format!("payer.{}", l.payer.code()),
            LineField::Supplier => format!("supplier.{}", l.supplier.code()),
            LineField::Grade => format!("grade.{}", l.grade.code()),
            LineField::Critical if l.critical_system => "list.yes".into(),
            LineField::Critical => "list.no".into(),
            _ => return String::new(),
        };
        t.get(&key).to_string()
    }
}

impl LineEditor {
    /// "1. Front brake pads · ¥680.00", one row per item already kept.
    fn proposal_so_far(&self, cx: &Ctx, w: usize) -> Vec<Line<'static>> {
        let cur = &cx.session.settings.currency_symbol;
        let mut rows: Vec<Line<'static>> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let amount = cx.texts.money(crate::domain::pricing::line_amount(l), cur);
                let row = format!("{}. {} · {amount}", i + 1, l.description);
                Line::from(Span::styled(fit(&row, w.saturating_sub(2)), cx.theme.dim()))
            })
            .collect();
        if !rows.is_empty() {
            rows.push(Line::from(""));
        }
        rows
    }
}

impl DialogForm for LineEditor {
    fn focus_mut(&mut self) -> &mut usize {
        &mut self.focus
    }

    fn field_count(&self) -> usize {
        LINE_FIELDS.len()
    }

    fn on_choice(&self) -> bool {
        matches!(
            self.field(),
            LineField::Kind
                | LineField::Payer
                | LineField::Supplier
                | LineField::Grade
                | LineField::Critical
        )
    }

    fn input(&mut self) -> Option<&mut TextArea<'static>> {
        match self.field() {
            LineField::Code => Some(&mut self.code),
            LineField::Description => Some(&mut self.description),
            LineField::Quantity => Some(&mut self.quantity),
            LineField::Price => Some(&mut self.price),
            _ => None,
        }
    }

    fn cycle(&mut self, forward: bool) {
        self.cycle_choice(forward);
    }

    fn finish(&mut self, _cx: &Ctx) -> LayerResult {
        self.finish_line()
    }

    fn clear_error(&mut self) {
        self.error = None;
    }

    fn other(&mut self, action: Action, _cx: &Ctx) -> LayerResult {
        match action {
            Action::AnotherItem if self.propose => self.another_item(),
            _ => LayerResult::Ignored,
        }
    }
}

impl Layer for LineEditor {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::Dialog, KeyContext::Choice]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        form_key(self, key, cx)
    }

    fn paste(&mut self, pasted: &str, _cx: &Ctx) -> LayerResult {
        if let Some(ta) = self.input() {
            paste_line(ta, pasted);
        }
        LayerResult::stay()
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let t = cx.texts;
        let w = dialog_width(area);
        let value_w = (w as usize).saturating_sub(25);
        let inputs = [
            None,
            Some(&self.code),
            Some(&self.description),
            Some(&self.quantity),
            Some(&self.price),
            None,
            None,
            None,
            None,
        ];
        let mut lines = self.proposal_so_far(cx, w as usize);
        let top = lines.len() as u16;
        for (i, f) in LINE_FIELDS.iter().enumerate() {
            let value = match inputs[i] {
                Some(ta) => text(ta),
                None => format!("‹ {} ›", self.choice(*f, cx.texts)),
            };
            let style = if i == self.focus {
                cx.theme.selected()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::raw(fit(t.get(f.text_key()), 22)),
                Span::styled(fit(&value, value_w), style),
            ]));
        }
        lines.push(Line::from(Span::styled(
            self.error.clone().unwrap_or_default(),
            cx.theme.error(),
        )));
        let mut keys = vec![
            (KeyContext::Dialog, Action::NextField, "hint.next"),
            (KeyContext::Choice, Action::CycleNext, "hint.change"),
        ];
        if self.propose {
            keys.push((KeyContext::Dialog, Action::AnotherItem, "hint.another"));
        }
        keys.push((KeyContext::Dialog, Action::Submit, "hint.done"));
        keys.push((KeyContext::Dialog, Action::Back, "hint.cancel"));
        let keys = hint(cx.keymap, t, &keys);
        for row in crate::ui::desk::wrapped(&keys, (w as usize).saturating_sub(2)) {
            lines.push(Line::from(Span::styled(row, cx.theme.dim())));
        }
        let title = t.get(if self.propose {
            "line.propose"
        } else {
            "line.title"
        });
        let inner = popup(frame, area, title, lines, w);
        // The focused text field gets the real text area, with its cursor.
        if let Some(ta) = inputs[self.focus] {
            let row = Rect::new(
                inner.x + 22,
                inner.y + top + self.focus as u16,
                inner.width.saturating_sub(22),
                1,
            );
            frame.render_widget(ta, row);
        }
    }
}
