//! Translations: English and Simplified Chinese from `assets/i18n/`.

use std::collections::HashMap;

const EN: &str = include_str!("../../assets/i18n/en.toml");
const ZH_CN: &str = include_str!("../../assets/i18n/zh-CN.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    /// The languages there are, as `--lang` takes them.
    pub const NAMES: [&'static str; 2] = ["en", "zh"];

    /// `--lang`: an unknown language is an error that lists the ones there are.
    pub fn parse(name: &str) -> Result<Lang, String> {
        match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "chinese" => Ok(Lang::ZhCn),
            _ => Err(format!(
                "no interface in '{name}'; the languages are: {}",
                Lang::NAMES.join(", ")
            )),
        }
    }

    /// From `--lang` (already checked), or else from `LC_ALL`/`LC_MESSAGES`/
    /// `LANG` (zh_* → Chinese, anything else English).
    pub fn detect(explicit: Option<&str>) -> Lang {
        let from_env = || {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        };
        match explicit.map(str::to_string).or_else(from_env) {
            Some(l) if l.to_ascii_lowercase().starts_with("zh") => Lang::ZhCn,
            _ => Lang::En,
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

pub fn english_source() -> &'static str {
    EN
}

pub fn chinese_source() -> &'static str {
    ZH_CN
}

impl Texts {
    pub fn new(lang: Lang) -> Texts {
        let english = parse(EN);
        let own = match lang {
            Lang::En => HashMap::new(),
            Lang::ZhCn => parse(ZH_CN),
        };
        Texts { own, english }
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
