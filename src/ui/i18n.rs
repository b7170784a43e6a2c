//! Translations: English, Simplified Chinese and Spanish, from
//! `assets/i18n/`. A key missing from a catalogue shows in English (a test
//! lists any that are missing).

use crate::domain::Money;
use crate::locale::Locale;
use std::collections::HashMap;

const EN: &str = include_str!("../../assets/i18n/en.toml");
const ZH_CN: &str = include_str!("../../assets/i18n/zh-CN.toml");
const ES: &str = include_str!("../../assets/i18n/es.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    ZhCn,
    Es,
}

impl Lang {
    /// The languages there are, as `--lang` takes them.
    pub const NAMES: [&'static str; 3] = ["en", "zh", "es"];
    pub const ALL: [Lang; 3] = [Lang::En, Lang::ZhCn, Lang::Es];

    /// `--lang`: an unknown language is an error that lists the ones there are.
    pub fn parse(name: &str) -> Result<Lang, String> {
        Lang::from_locale(name).ok_or_else(|| {
            format!(
                "no interface in '{name}'; the languages are: {}",
                Lang::NAMES.join(", ")
            )
        })
    }

    /// A language name or a POSIX locale (`zh_CN.UTF-8`, `es_ES@euro`).
    fn from_locale(name: &str) -> Option<Lang> {
        let lower = name.trim().to_ascii_lowercase().replace('_', "-");
        let base = lower.split(['.', '@', '-']).next().unwrap_or("");
        match base {
            "en" | "english" => Some(Lang::En),
            "zh" | "chinese" => Some(Lang::ZhCn),
            "es" | "spanish" | "español" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The catalogue's own code: "en", "zh", "es".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh",
            Lang::Es => "es",
        }
    }

    /// The language of the interface, the first of: `--lang`; the user's
    /// own choice (`lang` in `~/.config/frontdesk/config.toml`); the shop's
    /// `language` setting; `LC_ALL`, `LC_MESSAGES` or `LANG`; English. A
    /// flag typed for this run wins over anything stored, and a shop's
    /// setting wins over the locale an SSH client happens to forward.
    pub fn choose(explicit: Option<&str>, user: Option<&str>, shop: Option<&str>) -> Lang {
        Lang::choose_in(explicit, user, shop, &|v| std::env::var(v).ok())
    }

    /// `choose`, with the environment given (for tests).
    pub fn choose_in(
        explicit: Option<&str>,
        user: Option<&str>,
        shop: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Lang {
        let from_env = || {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|v| env(v).filter(|s| !s.is_empty()))
                .and_then(|l| Lang::from_locale(&l))
        };
        [explicit, user, shop]
            .into_iter()
            .flatten()
            .find_map(Lang::from_locale)
            .or_else(from_env)
            .unwrap_or(Lang::En)
    }

    /// The catalogue's source text.
    pub fn source(self) -> &'static str {
        match self {
            Lang::En => EN,
            Lang::ZhCn => ZH_CN,
            Lang::Es => ES,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Texts {
    own: HashMap<String, String>,
    english: HashMap<String, String>,
}

pub fn parse(text: &str) -> HashMap<String, String> {
    toml::from_str(text).expect("translation files are flat string tables (checked by tests)")
}

impl Texts {
    pub fn new(lang: Lang) -> Texts {
        let english = parse(EN);
        let own = match lang {
            Lang::En => HashMap::new(),
            other => parse(other.source()),
        };
        Texts { own, english }
    }

    /// A catalogue and the English one under it (for tests of fallback).
    pub fn from_tables(own: HashMap<String, String>, english: HashMap<String, String>) -> Texts {
        Texts { own, english }
    }

    /// How this language writes numbers, money and dates.
    pub fn locale(&self) -> Locale {
        Locale::from_code(self.get("lang"))
    }

    /// A stored code's word (`payer.insurer`, `choice.wechat`), or the
    /// code itself where the catalogue has none.
    pub fn word(&self, prefix: &str, code: &str) -> String {
        let key = format!("{prefix}.{code}");
        if self.has(&key) {
            self.get(&key).to_string()
        } else {
            code.to_string()
        }
    }

    /// The short name of a date's weekday ("Mon", "周一", "lun").
    pub fn weekday(&self, d: chrono::NaiveDate) -> &str {
        use chrono::Datelike;
        self.get(&format!("day.{}", d.weekday().num_days_from_monday()))
    }

    /// An amount in this language's way, with the shop's symbol.
    pub fn money(&self, m: Money, symbol: &str) -> String {
        self.locale().money(m, symbol)
    }

    /// The text for `key`, falling back to English. A missing key shows as
    /// "?" (tests check that every key the program uses exists).
    pub fn get(&self, key: &str) -> &str {
        self.own
            .get(key)
            .or_else(|| self.english.get(key))
            .map(String::as_str)
            .unwrap_or("?")
    }

    pub fn has(&self, key: &str) -> bool {
        self.own.contains_key(key) || self.english.contains_key(key)
    }

    /// `get` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}
