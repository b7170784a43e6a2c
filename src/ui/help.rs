//! The help overlay, generated from the live keymap: whatever the user has
//! rebound is what it shows.

use super::i18n::Texts;
use super::keymap::{KeyContext, Keymap};
use super::overlay::TextView;
use super::text::fit;
use super::Pane;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn help_view(keymap: &Keymap, t: &Texts, pane: Pane) -> TextView {
    let mut contexts = vec![(KeyContext::Global, "help.global")];
    if pane == Pane::Board {
        contexts.insert(0, (KeyContext::Board, "help.board"));
    }
    if pane == Pane::RepairOrder {
        contexts.insert(0, (KeyContext::Lines, "help.lines"));
        contexts.insert(0, (KeyContext::Editor, "help.editor"));
    }
    contexts.push((KeyContext::List, "help.list"));
    contexts.push((KeyContext::Popup, "help.popup"));
    let mut lines = Vec::new();
    for (ctx, title) in contexts {
        lines.push(Line::from(Span::styled(
            t.get(title).to_string(),
            Style::new().add_modifier(Modifier::BOLD),
        )));
        for (action, keys) in keymap.bindings_of(ctx) {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            lines.push(Line::from(format!(
                "  {} {}",
                fit(&keys.join(", "), 16),
                t.get(&action.text_key())
            )));
        }
        lines.push(Line::from(""));
    }
    if pane == Pane::Board {
        lines.push(Line::from(t.get("help.legend").to_string()));
    }
    TextView {
        title: format!(
            "{} · {}",
            t.get("help.title"),
            t.get(&format!("pane.{}", pane.key()))
        ),
        lines,
        scroll: 0,
    }
}
