//! A person's own choices, kept in `~/.config/frontdesk/config.toml`
//! beside their keymap: the language of their screens, their theme and
//! their line drawing. Flags on the command line override them for a run.
//!
//! ```toml
//! lang = "es"                 # en, zh or es
//! theme = "high-contrast"     # default, monochrome or high-contrast
//! line_drawing = "ascii"      # auto, unicode or ascii
//! ```

use super::theme::{Lines, Palette};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prefs {
    pub lang: Option<String>,
    pub theme: Option<String>,
    pub line_drawing: Option<String>,
}

impl Prefs {
    /// The file, if `HOME` is set.
    pub fn default_path() -> Option<PathBuf> {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/frontdesk/config.toml"))
    }

    /// The user's file; none is no preference, and a bad one is an error
    /// that names the file and the problem.
    pub fn load(path: Option<&Path>) -> Result<Prefs, String> {
        let Some(path) = path.filter(|p| p.exists()) else {
            return Ok(Prefs::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Prefs::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Prefs, String> {
        let prefs: Prefs = toml::from_str(text).map_err(|e| e.message().to_string())?;
        if let Some(l) = &prefs.lang {
            super::i18n::Lang::parse(l)?;
        }
        prefs.palette()?;
        prefs.lines()?;
        Ok(prefs)
    }

    pub fn palette(&self) -> Result<Option<Palette>, String> {
        self.theme.as_deref().map(Palette::parse).transpose()
    }

    pub fn lines(&self) -> Result<Lines, String> {
        Ok(self
            .line_drawing
            .as_deref()
            .map(Lines::parse)
            .transpose()?
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_choice_is_refused_with_the_choices_there_are() {
        let p = Prefs::parse("lang = \"es\"\ntheme = \"mono\"\n").unwrap();
        assert_eq!(p.palette().unwrap(), Some(Palette::Monochrome));
        assert!(Prefs::parse("lang = \"fr\"")
            .unwrap_err()
            .contains("en, zh, es"));
        assert!(Prefs::parse("colour = 1").is_err());
        assert!(Prefs::parse("line_drawing = \"boxes\"").is_err());
    }
}
