//! The help layer and key hints, generated from the live keymap: whatever
//! the user has rebound is what they show.

use super::i18n::Texts;
use super::keymap::{Action, KeyContext, Keymap};
use super::layer::TextView;
use super::pane::PaneId;
use super::text::fit;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Help for `pane`: each context's bindings, most specific first.
pub fn help_view(
    keymap: &Keymap,
    t: &Texts,
    pane: PaneId,
    contexts: &[KeyContext],
    note: Option<&str>,
) -> TextView {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = Vec::new();
    for ctx in contexts {
        let bindings = keymap.bindings_of(*ctx);
        if bindings.is_empty() {
            continue;
        }
        lines.push(Line::from(Span::styled(
            t.get(&ctx.text_key()).to_string(),
            bold,
        )));
        for (action, keys) in bindings {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            lines.push(Line::from(format!(
                "  {} {}",
                fit(&keys.join(", "), 16),
                t.get(&action.text_key())
            )));
        }
        lines.push(Line::from(""));
    }
    if let Some(key) = note {
        lines.extend(wrapped(t.get(key)));
    }
    if pane == PaneId::Reports {
        lines.extend(kpi_formulas(t, bold));
    }
    let title = format!(
        "{} · {}",
        t.get("help.title"),
        t.get(&format!("pane.{}", pane.key()))
    );
    TextView::new(title, lines)
}

/// `frontdesk keys`: every context's bindings, in the language of `t`,
/// the keys in a column as wide as the widest (CJK labels align, since
/// widths are display columns). A binding changed from the defaults is
/// marked `*`.
pub fn keymap_listing(active: &Keymap, defaults: &Keymap, t: &Texts) -> String {
    let mut out = String::new();
    let mut changed_any = false;
    for ctx in KeyContext::ALL {
        let bindings = active.bindings_of(ctx);
        if bindings.is_empty() {
            continue;
        }
        let before = defaults.bindings_of(ctx);
        out += &format!("{}\n", t.get(&ctx.text_key()));
        for (action, keys) in bindings {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            let was: Option<Vec<String>> = before
                .iter()
                .find(|(a, _)| *a == action)
                .map(|(_, k)| k.iter().map(|k| k.to_string()).collect());
            let changed = was.as_ref() != Some(&keys);
            changed_any |= changed;
            let mark = if changed { "*" } else { " " };
            let line = format!(
                "  {mark} {} {}",
                fit(&keys.join(", "), 18),
                t.get(&action.text_key())
            );
            out += &format!("{}\n", line.trim_end());
        }
        out += "\n";
    }
    if changed_any {
        out += &format!("* {}\n", t.get("keys.changed"));
    }
    out
}

/// A long note in lines of at most 76 columns.
fn wrapped(text: &str) -> Vec<Line<'static>> {
    textwrap::wrap(text, 76)
        .into_iter()
        .map(|l| Line::from(l.into_owned()))
        .collect()
}

/// F8's help states how each KPI is worked out.
fn kpi_formulas(t: &Texts, bold: Style) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(""),
        Line::from(Span::styled(t.get("report.formulas").to_string(), bold)),
    ];
    for k in crate::domain::report::Kpi::ALL {
        lines.push(Line::from(Span::styled(
            t.get(&format!("kpi.{}", k.key())).to_string(),
            bold,
        )));
        lines.extend(wrapped(t.get(&format!("kpi.{}.formula", k.key()))));
    }
    lines
}

/// "m keep mine · t take theirs · Esc keep editing": each action's first
/// key in the live keymap with a short label. Unbound actions are left out.
pub fn hint(keymap: &Keymap, t: &Texts, items: &[(KeyContext, Action, &str)]) -> String {
    items
        .iter()
        .filter_map(|(ctx, action, label)| {
            let key = keymap.first_key(*ctx, *action)?;
            Some(format!("{key} {}", t.get(label)))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The first key bound to an action, for a message that names it ("F3").
pub fn key_for(keymap: &Keymap, ctx: KeyContext, action: Action) -> String {
    keymap.first_key(ctx, action).unwrap_or_else(|| "—".into())
}
