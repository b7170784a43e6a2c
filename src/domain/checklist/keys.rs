//! The key and its tag (step 5: "registered, given a number and put in the
//! key cabinet"): which hook is free, who holds the key now, and who may
//! take it next. The tag comes free when the car leaves.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Who has the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyHolder {
    Advisor,
    Cabinet,
    Workshop,
    Wash,
    Cashier,
    Customer,
}

impl KeyHolder {
    pub const ALL: [KeyHolder; 6] = [
        KeyHolder::Advisor,
        KeyHolder::Cabinet,
        KeyHolder::Workshop,
        KeyHolder::Wash,
        KeyHolder::Cashier,
        KeyHolder::Customer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            KeyHolder::Advisor => "advisor",
            KeyHolder::Cabinet => "cabinet",
            KeyHolder::Workshop => "workshop",
            KeyHolder::Wash => "wash",
            KeyHolder::Cashier => "cashier",
            KeyHolder::Customer => "customer",
        }
    }

    pub fn from_code(code: &str) -> Option<KeyHolder> {
        KeyHolder::ALL.into_iter().find(|h| h.code() == code)
    }

    /// The usual next hand in the visit: advisor → cabinet → workshop →
    /// wash → cashier → customer.
    pub fn usual_next(self) -> KeyHolder {
        match self {
            KeyHolder::Advisor => KeyHolder::Cabinet,
            KeyHolder::Cabinet => KeyHolder::Workshop,
            KeyHolder::Workshop => KeyHolder::Wash,
            KeyHolder::Wash => KeyHolder::Cashier,
            KeyHolder::Cashier | KeyHolder::Customer => KeyHolder::Customer,
        }
    }
}

/// One hand-over: to whom (a place and a person), by whom recorded, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMove {
    pub to: KeyHolder,
    pub person: String,
    pub by: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The RO's key: its tag, where it is, and how it got there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCustody {
    pub tag: String,
    pub holder: KeyHolder,
    pub returned: bool,
    pub moves: Vec<KeyMove>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The tag is on another car: its RO number and plate.
    TagInUse {
        tag: String,
        ro: String,
        plate: String,
    },
    /// Not a hook in the cabinet.
    OutOfRange {
        tag: String,
        first: i64,
        last: i64,
    },
    /// Every hook holds a key.
    CabinetFull {
        first: i64,
        last: i64,
    },
    AlreadyTagged(String),
    NoTag,
    AlreadyWith(KeyHolder),
    NotYetForCustomer,
    Returned,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::TagInUse { tag, ro, plate } => write!(f, "tag {tag} holds the key of {ro} ({plate}): pick another tag, or auto"),
            KeyError::OutOfRange { tag, first, last } => write!(f, "tag {tag} is not a hook in the cabinet ({first}–{last})"),
            KeyError::CabinetFull { first, last } => write!(f, "every hook from {first} to {last} holds a key: free one, or widen the cabinet in settings"),
            KeyError::AlreadyTagged(tag) => write!(f, "this car's key already has tag {tag}"),
            KeyError::NoTag => write!(f, "this car's key has no tag yet: assign one first"),
            KeyError::AlreadyWith(h) => write!(f, "the key is already with the {}", h.code()),
            KeyError::NotYetForCustomer => write!(f, "the key goes back to the customer with the exit notice, at delivery"),
            KeyError::Returned => write!(f, "the key was handed back and its tag is free"),
        }
    }
}

impl std::error::Error for KeyError {}

/// A hook number as typed ("17", "K17"); `None` when it is not one.
pub fn hook_number(typed: &str) -> Option<i64> {
    let n: i64 = typed.trim().trim_start_matches(['K', 'k']).parse().ok()?;
    (n > 0).then_some(n)
}

/// A hook of the cabinet, or why not.
pub fn check_hook(n: i64, first: i64, last: i64) -> Result<i64, KeyError> {
    if (first..=last).contains(&n) {
        Ok(n)
    } else {
        Err(KeyError::OutOfRange {
            tag: n.to_string(),
            first,
            last,
        })
    }
}

/// A tag as typed: a hook number in the cabinet's range.
pub fn parse_tag(typed: &str, first: i64, last: i64) -> Result<i64, KeyError> {
    match hook_number(typed) {
        Some(n) => check_hook(n, first, last),
        None => Err(KeyError::OutOfRange {
            tag: typed.trim().to_string(),
            first,
            last,
        }),
    }
}

/// The lowest free hook, given the hooks in use (in any order).
pub fn first_free(in_use: &[i64], first: i64, last: i64) -> Result<i64, KeyError> {
    let mut used: Vec<i64> = in_use.to_vec();
    used.sort_unstable();
    let mut want = first;
    for n in used {
        if n == want {
            want += 1;
        } else if n > want {
            break;
        }
    }
    if want <= last {
        Ok(want)
    } else {
        Err(KeyError::CabinetFull { first, last })
    }
}

/// Whether the key may pass to `to` now. The customer gets it back only
/// with the exit notice; after that the tag is free and nothing follows.
pub fn check_hand_over(
    custody: Option<&KeyCustody>,
    to: KeyHolder,
    exit_notice: bool,
) -> Result<(), KeyError> {
    let Some(custody) = custody else {
        return Err(KeyError::NoTag);
    };
    if custody.returned {
        return Err(KeyError::Returned);
    }
    if custody.holder == to {
        return Err(KeyError::AlreadyWith(to));
    }
    if to == KeyHolder::Customer && !exit_notice {
        return Err(KeyError::NotYetForCustomer);
    }
    Ok(())
}

/// A tag asked for: the first free hook, or a given one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagRequest {
    Auto,
    Hook(i64),
}

impl TagRequest {
    /// As typed: `auto` (or nothing) for the first free hook, else a hook
    /// number ("17", "K17"); `None` for anything else.
    pub fn parse(typed: &str) -> Option<TagRequest> {
        let typed = typed.trim();
        if typed.is_empty() || typed.eq_ignore_ascii_case("auto") {
            return Some(TagRequest::Auto);
        }
        hook_number(typed).map(TagRequest::Hook)
    }
}
