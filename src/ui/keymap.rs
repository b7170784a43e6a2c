//! Keys → actions, from `assets/keymap.toml` plus the user's overrides.
//! The help screen reverse-looks-up these bindings, so it always shows the
//! keys that really work.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    ForceQuit,
    Help,
    Back,
    PaneBoard,
    PaneRepairOrder,
    PaneChecklist,
    PaneCallbacks,
    PaneAppointments,
    PaneCustomers,
    PaneReports,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Open,
    Search,
    AssignBay,
    MoveStatus,
    CycleFilter,
    ProgressChecked,
    PickupCalled,
    New,
    Edit,
    Save,
    Actions,
    NextField,
    PrevField,
    AddLine,
    RemoveLine,
    CannedJob,
    /// Finish a dialog's form (or keep the board's search).
    Submit,
    /// Keep the item typed in a proposal and type another.
    AnotherItem,
    CycleNext,
    CyclePrev,
    KeepMine,
    TakeTheirs,
    Restore,
    Discard,
    ActSign,
    ActDecline,
    ActOverride,
    ActMove,
    ActPropose,
    ActCall,
    ActProgress,
    ActQuality,
    ActPickup,
    ActPayment,
    ActArrears,
    ActExit,
    ActReopen,
    ActNewOwner,
    ActNewCar,
    ActDiscard,
    NextSection,
    PrevSection,
    Left,
    Right,
    Toggle,
    More,
    Less,
    AddItem,
    RemoveItem,
    QuickLine,
    SignList,
    DeliveryCheck,
    KeyTag,
    KeyHandOver,
    Complete,
    OpenComplaint,
    CycleAgent,
    ReleaseCall,
    FindAnywhere,
    WeekView,
    ByGroup,
    Today,
    CheckInAppt,
    CancelAppt,
    NoShow,
    TellWorkshop,
    MoveAppt,
    EditFile,
    MergeFile,
    BookAppt,
    ReportDay,
    ReportWeek,
    ReportMonth,
    ReportRange,
    /// The callback queue or a report: the working shop, or the group.
    ShopOrGroup,
    CloseOfDay,
}

impl Action {
    /// The translation key of the action's one-line description.
    pub fn text_key(self) -> String {
        format!("action.{}", snake(&format!("{self:?}")))
    }
}

/// "RoActions" → "ro_actions", as the keymap file spells names.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

/// Where a binding applies. A key is looked up in the focused layer's
/// contexts first, then in `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyContext {
    Global,
    List,
    Board,
    Search,
    Popup,
    Editor,
    Field,
    Choice,
    Lines,
    Dialog,
    Finder,
    Conflict,
    Drafts,
    RoActions,
    Checklist,
    QuickLine,
    Callbacks,
    Book,
    File,
    Report,
}

impl KeyContext {
    pub const ALL: [KeyContext; 20] = [
        KeyContext::Global,
        KeyContext::List,
        KeyContext::Board,
        KeyContext::Search,
        KeyContext::Popup,
        KeyContext::Editor,
        KeyContext::Field,
        KeyContext::Choice,
        KeyContext::Lines,
        KeyContext::Dialog,
        KeyContext::Finder,
        KeyContext::Conflict,
        KeyContext::Drafts,
        KeyContext::RoActions,
        KeyContext::Checklist,
        KeyContext::QuickLine,
        KeyContext::Callbacks,
        KeyContext::Book,
        KeyContext::File,
        KeyContext::Report,
    ];

    /// The translation key of the context's heading in help.
    pub fn text_key(self) -> String {
        format!("help.{}", snake(&format!("{self:?}")))
    }
}

/// A key with its modifiers, as written in the keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyCombo {
    /// Normalises a terminal key event: Shift is part of the character
    /// itself (`?`, `A`), so it is dropped for character keys.
    pub fn from_event(ev: KeyEvent) -> KeyCombo {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        let code = match ev.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        KeyCombo { code, mods }
    }

    /// A key that types a character: usable as a picker's hotkey.
    pub fn is_plain(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && self.mods.is_empty()
    }

    pub fn parse(text: &str) -> Result<KeyCombo, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let code = parse_code(rest).ok_or_else(|| format!("unknown key name '{text}'"))?;
        Ok(KeyCombo { code, mods })
    }
}

fn parse_code(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
            KeyCode::F(f[1..].parse().ok()?)
        }
        _ => {
            let mut chars = name.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            KeyCode::Char(c)
        }
    })
}

impl fmt::Display for KeyCombo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if !self.mods.is_empty() => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            other => write!(f, "{other:?}"),
        }
    }
}

type KeyFile = BTreeMap<KeyContext, BTreeMap<Action, Vec<String>>>;

#[derive(Debug, Clone)]
pub struct Keymap {
    /// (context, action) → keys, in the file's order.
    bindings: BTreeMap<(KeyContext, Action), Vec<KeyCombo>>,
    /// The same the other way round, for a lookup per key press.
    index: HashMap<(KeyContext, KeyCombo), Action>,
}

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

impl Default for Keymap {
    fn default() -> Self {
        Keymap::from_toml(DEFAULT_KEYMAP).expect("assets/keymap.toml is valid (checked by tests)")
    }
}

/// One key may mean one thing in a context: a file that binds it to two
/// actions there would leave one of them unreachable.
fn no_key_twice(file: &KeyFile) -> Result<(), String> {
    for (ctx, actions) in file {
        let mut seen: HashMap<KeyCombo, Action> = HashMap::new();
        for (action, keys) in actions {
            for k in keys {
                let combo = KeyCombo::parse(k)?;
                if let Some(first) = seen.insert(combo, *action) {
                    if first != *action {
                        return Err(format!(
                            "keymap: in [{}], {k} is bound to both {} and {}; a key can do one thing in one place",
                            snake(&format!("{ctx:?}")),
                            snake(&format!("{first:?}")),
                            snake(&format!("{action:?}"))
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

impl Keymap {
    pub fn from_toml(text: &str) -> Result<Keymap, String> {
        let mut map = Keymap {
            bindings: BTreeMap::new(),
            index: HashMap::new(),
        };
        map.merge(text)?;
        Ok(map)
    }

    /// The defaults with a user's file on top: an action named in the file
    /// gets exactly the keys listed there, and those keys leave any other
    /// action of the same context.
    pub fn with_overrides(text: &str) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        map.merge(text)?;
        Ok(map)
    }

    fn merge(&mut self, text: &str) -> Result<(), String> {
        let file: KeyFile = toml::from_str(text).map_err(|e| format!("keymap: {}", e.message()))?;
        no_key_twice(&file)?;
        for (ctx, actions) in file {
            for (action, keys) in actions {
                let combos = keys
                    .iter()
                    .map(|k| KeyCombo::parse(k))
                    .collect::<Result<Vec<_>, _>>()?;
                for ((c, _), existing) in self.bindings.iter_mut() {
                    if *c == ctx {
                        existing.retain(|k| !combos.contains(k));
                    }
                }
                self.bindings.insert((ctx, action), combos);
            }
        }
        self.index = self
            .bindings
            .iter()
            .flat_map(|((ctx, action), keys)| keys.iter().map(|k| ((*ctx, *k), *action)))
            .collect();
        Ok(())
    }

    /// The action for a key, looking through `contexts` in order.
    pub fn resolve(&self, contexts: &[KeyContext], key: KeyEvent) -> Option<Action> {
        let combo = KeyCombo::from_event(key);
        contexts
            .iter()
            .find_map(|ctx| self.index.get(&(*ctx, combo)).copied())
    }

    /// Whether any context binds exactly this key (with its modifiers).
    pub fn binds(&self, key: KeyEvent) -> bool {
        let combo = KeyCombo::from_event(key);
        self.index.keys().any(|(_, k)| *k == combo)
    }

    /// Every bound action of a context with its keys, for the help screen.
    pub fn bindings_of(&self, ctx: KeyContext) -> Vec<(Action, Vec<KeyCombo>)> {
        self.bindings
            .iter()
            .filter(|((c, _), keys)| *c == ctx && !keys.is_empty())
            .map(|((_, a), keys)| (*a, keys.clone()))
            .collect()
    }

    /// The first key bound to an action, as text ("a", "F2"), for hints.
    pub fn first_key(&self, ctx: KeyContext, action: Action) -> Option<String> {
        self.first_combo(ctx, action).map(|k| k.to_string())
    }

    pub fn first_combo(&self, ctx: KeyContext, action: Action) -> Option<KeyCombo> {
        self.bindings
            .get(&(ctx, action))
            .and_then(|k| k.first())
            .copied()
    }
}
