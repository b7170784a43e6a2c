//! The one-line check-in as a dialog: one text line, what may come next
//! under it (Tab takes the first), and a refusal that points at the bad
//! word. Nothing is applied until the whole line parses.

use crate::domain::checklist::oneline::{accept, complete, parse};
use crate::domain::checklist::template::Template;
use crate::ui::keymap::{Action, KeyContext};
use crate::ui::layer::form::{
    dialog_width, non_typing, one_line, paste_line, popup, safe_input, text,
};
use crate::ui::layer::{Layer, LayerResult};
use crate::ui::pane::Ctx;
use crate::ui::text::fit;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use ratatui_textarea::TextArea;

pub struct QuickLine {
    template: Template,
    title: String,
    pub input: TextArea<'static>,
    pub error: Option<(usize, String)>,
}

impl QuickLine {
    pub fn new(template: Template, number: &str) -> QuickLine {
        QuickLine {
            template,
            title: number.to_string(),
            input: one_line(""),
            error: None,
        }
    }

    pub fn line(&self) -> String {
        text(&self.input)
    }

    fn choices(&self) -> Vec<String> {
        complete(&self.line(), &self.template)
    }
}

impl Layer for QuickLine {
    fn contexts(&self) -> &'static [KeyContext] {
        &[KeyContext::QuickLine]
    }

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult {
        match cx.keymap.resolve(self.contexts(), key) {
            Some(Action::Back) => LayerResult::Close,
            Some(Action::Complete) => {
                if let Some(first) = self.choices().first() {
                    self.input = one_line(&accept(&self.line(), first));
                }
                LayerResult::stay()
            }
            Some(Action::Submit) => match parse(&self.line(), &self.template) {
                Ok(q) => LayerResult::done(q),
                Err(e) => {
                    self.error = Some((e.column, e.to_string()));
                    LayerResult::stay()
                }
            },
            _ if non_typing(key) => LayerResult::Ignored,
            _ => {
                self.error = None;
                safe_input(&mut self.input, key);
                LayerResult::stay()
            }
        }
    }

    fn paste(&mut self, pasted: &str, _cx: &Ctx) -> LayerResult {
        paste_line(&mut self.input, pasted);
        LayerResult::stay()
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx) {
        let w = dialog_width(area).max(area.width.saturating_sub(4).min(100));
        let inner = (w as usize).saturating_sub(2);
        let mut lines = vec![Line::from(fit(&self.line(), inner))];
        match &self.error {
            Some((column, why)) => {
                let pad = column.saturating_sub(1).min(inner.saturating_sub(1));
                lines.push(Line::from(Span::styled(
                    format!("{}^", " ".repeat(pad)),
                    cx.theme.error(),
                )));
                for l in crate::ui::desk::wrapped(why, inner) {
                    lines.push(Line::from(Span::styled(l, cx.theme.error())));
                }
            }
            None => {
                let next = self.choices();
                let shown = if next.is_empty() {
                    String::new()
                } else {
                    format!("Tab → {}", next.join("  "))
                };
                lines.push(Line::from(Span::styled(fit(&shown, inner), cx.theme.dim())));
            }
        }
        lines.push(Line::from(Span::styled(
            fit(cx.texts.get("list.quick_hint"), inner),
            cx.theme.dim(),
        )));
        let title = format!("{} · {}", cx.texts.get("list.quick"), self.title);
        let box_inner = popup(frame, area, &title, lines, w);
        frame.render_widget(
            &self.input,
            Rect::new(box_inner.x, box_inner.y, box_inner.width, 1),
        );
    }
}
