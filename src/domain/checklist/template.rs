//! The shop's checklist template (`assets/checklist.toml`, or the shop's own
//! `checklist.toml` beside its database): what a new check-in list holds,
//! item names in English, Chinese and Spanish, and the words the one-line check-in
//! accepts for them.

use super::{Category, Entry, Phase, Sheet};
use serde::Deserialize;

const DEFAULT: &str = include_str!("../../../assets/checklist.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TemplateItem {
    pub code: String,
    pub en: String,
    pub zh: String,
    /// Spanish; a shop's own template may leave it out (English is shown).
    #[serde(default)]
    pub es: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The usual count (floor mats: 4).
    #[serde(default = "one")]
    pub count: i64,
}

fn one() -> i64 {
    1
}

impl TemplateItem {
    /// The name in a catalogue's language, English where it has none.
    pub fn name_in(&self, lang: &str) -> &str {
        let own = match lang {
            "zh" => &self.zh,
            "es" => &self.es,
            _ => &self.en,
        };
        if own.trim().is_empty() {
            &self.en
        } else {
            own
        }
    }

    fn answers_to(&self, word: &str) -> bool {
        let w = word.trim().replace('_', " ").to_lowercase();
        let same = |s: &str| s.replace('_', " ").to_lowercase() == w;
        same(&self.code)
            || same(&self.en)
            || self.zh == word.trim()
            || (!self.es.is_empty() && same(&self.es))
            || self.aliases.iter().any(|a| same(a))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(default)]
    pub document: Vec<TemplateItem>,
    #[serde(default)]
    pub belonging: Vec<TemplateItem>,
    #[serde(default)]
    pub tool: Vec<TemplateItem>,
    #[serde(default)]
    pub warning_light: Vec<TemplateItem>,
    #[serde(default)]
    pub cover: Vec<TemplateItem>,
}

impl Template {
    /// The template shipped in `assets/`.
    pub fn builtin() -> Template {
        Template::parse(DEFAULT).expect("assets/checklist.toml parses (a test checks)")
    }

    /// A shop's own template; an error names the problem.
    pub fn parse(text: &str) -> Result<Template, String> {
        let t: Template = toml::from_str(text).map_err(|e| format!("checklist template: {e}"))?;
        for c in Category::LISTED {
            let items = t.items(c);
            for (i, item) in items.iter().enumerate() {
                if item.code.trim().is_empty() || item.count < 0 {
                    return Err(format!(
                        "checklist template: {} item {} needs a code and a count of 0 or more",
                        c.code(),
                        i + 1
                    ));
                }
                if items[..i].iter().any(|o| o.code == item.code) {
                    return Err(format!(
                        "checklist template: {} '{}' appears twice",
                        c.code(),
                        item.code
                    ));
                }
            }
        }
        Ok(t)
    }

    pub fn items(&self, category: Category) -> &[TemplateItem] {
        match category {
            Category::Document => &self.document,
            Category::Belonging => &self.belonging,
            Category::Tool => &self.tool,
            Category::WarningLight => &self.warning_light,
            Category::Cover => &self.cover,
            Category::Damage => &[],
        }
    }

    /// The template item a word names (code, English, Chinese or an alias).
    pub fn find(&self, category: Category, word: &str) -> Option<&TemplateItem> {
        self.items(category).iter().find(|i| i.answers_to(word))
    }

    /// An item's name to show in a catalogue's language ("en", "zh",
    /// "es"): the template's, else the stored words.
    pub fn name(&self, category: Category, code: &str, lang: &str) -> String {
        match self.items(category).iter().find(|i| i.code == code) {
            Some(i) => i.name_in(lang).to_string(),
            None => code.to_string(),
        }
    }

    /// A new check-in list: every template item, none yet marked present.
    pub fn blank(&self) -> Sheet {
        let mut entries = Vec::new();
        for c in Category::LISTED {
            for item in self.items(c) {
                entries.push(Entry::item(c, &item.code, false, item.count));
            }
        }
        Sheet {
            phase: Phase::CheckIn,
            version: 0,
            entries,
            acknowledged: None,
        }
    }

    /// Every word the one-line check-in takes for a category, for completion.
    pub fn words(&self, category: Category) -> Vec<String> {
        self.items(category)
            .iter()
            .flat_map(|i| std::iter::once(i.code.clone()).chain(i.aliases.iter().cloned()))
            .collect()
    }
}
