//! The short script for each kind of call, from `assets/callback_scripts.toml`,
//! in the interface's language (English when a line is missing).

use crate::store::callbacks::QueueRow;
use std::collections::HashMap;
use std::sync::OnceLock;

const SCRIPTS: &str = include_str!("../../../assets/callback_scripts.toml");

type Catalogue = HashMap<String, HashMap<String, String>>;

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| toml::from_str(SCRIPTS).unwrap_or_default())
}

/// The script for `row`, in `lang` ("en", "zh"), with the agent's name.
pub fn for_row(row: &QueueRow, lang: &str, agent: &str) -> String {
    let key = match row.kind {
        crate::domain::callbacks::Kind::LifeCycle => format!("life_cycle_{}", row.topic),
        k => k.code().to_string(),
    };
    let cat = catalogue();
    let pick = |l: &str| cat.get(l).and_then(|m| m.get(&key)).cloned();
    pick(lang)
        .or_else(|| pick("en"))
        .unwrap_or_default()
        .replace("{agent}", agent)
}

/// Every script key each language has, for the catalogue test.
pub fn keys(lang: &str) -> Vec<String> {
    let mut keys: Vec<String> = catalogue()
        .get(lang)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}
