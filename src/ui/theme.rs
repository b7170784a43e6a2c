//! Styles and glyphs. Three palettes: the default, monochrome (bold,
//! underline and reverse only) and high contrast (bright text, flags on
//! solid backgrounds, no dark grey). `NO_COLOR` picks monochrome unless the
//! user chose a theme. Every state colour shows is also written as text on
//! screen, so nothing is lost without colour. Line drawing can fall back
//! to ASCII (see `ascii.rs`).

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    #[default]
    Default,
    Monochrome,
    HighContrast,
}

impl Palette {
    pub const NAMES: [&'static str; 3] = ["default", "monochrome", "high-contrast"];

    pub fn parse(name: &str) -> Result<Palette, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "default" | "colour" | "color" => Ok(Palette::Default),
            "monochrome" | "mono" | "none" => Ok(Palette::Monochrome),
            "high-contrast" | "high_contrast" | "contrast" => Ok(Palette::HighContrast),
            _ => Err(format!(
                "no theme '{name}'; the themes are: {}",
                Palette::NAMES.join(", ")
            )),
        }
    }
}

/// Line drawing: box-drawing characters, or ASCII for terminals and
/// locales that cannot show them; `Auto` guesses from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lines {
    #[default]
    Auto,
    Unicode,
    Ascii,
}

impl Lines {
    pub fn parse(name: &str) -> Result<Lines, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Lines::Auto),
            "unicode" | "utf-8" | "utf8" => Ok(Lines::Unicode),
            "ascii" => Ok(Lines::Ascii),
            _ => Err(format!(
                "no line drawing '{name}'; use auto, unicode or ascii"
            )),
        }
    }

    /// Whether to draw in ASCII. The guess: a terminal that cannot show
    /// line drawing as UTF-8 (the Linux console's default font, a VT100),
    /// or a locale whose character set is not UTF-8 (`LANG=C`, `…GB2312`).
    pub fn ascii(self, env: &dyn Fn(&str) -> Option<String>) -> bool {
        match self {
            Lines::Unicode => false,
            Lines::Ascii => true,
            Lines::Auto => {
                let term = env("TERM").unwrap_or_default();
                let plain_terminal = ["linux", "vt100", "vt102", "vt52", "dumb", "ansi"]
                    .contains(&term.as_str())
                    || term.starts_with("vt1")
                    || term.starts_with("vt2");
                let charset = ["LC_ALL", "LC_CTYPE", "LANG"]
                    .iter()
                    .find_map(|v| env(v).filter(|s| !s.is_empty()))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let utf8 = charset.contains("utf-8") || charset.contains("utf8");
                plain_terminal || !utf8
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Theme {
    pub palette: Palette,
    /// Draw lines and symbols in ASCII.
    pub ascii: bool,
}

impl Theme {
    /// Colour or none, with box drawing: what most tests render with.
    pub fn with_color(color: bool) -> Theme {
        let palette = if color {
            Palette::Default
        } else {
            Palette::Monochrome
        };
        Theme {
            palette,
            ascii: false,
        }
    }

    /// The theme to use: `chosen` (flag or config) first; else monochrome
    /// when `NO_COLOR` is set to anything non-empty (no-color.org); else
    /// the default.
    pub fn choose(
        chosen: Option<Palette>,
        lines: Lines,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Theme {
        let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
        let palette = chosen.unwrap_or(if no_color {
            Palette::Monochrome
        } else {
            Palette::Default
        });
        Theme {
            palette,
            ascii: lines.ascii(env),
        }
    }

    pub fn color(self) -> bool {
        self.palette != Palette::Monochrome
    }

    fn contrast(self) -> bool {
        self.palette == Palette::HighContrast
    }

    fn fg(self, c: Color) -> Style {
        match self.palette {
            Palette::Monochrome => Style::new(),
            _ => Style::new().fg(c),
        }
    }

    /// A flag word: coloured text, or on high contrast a solid block.
    fn flag(self, fg: Color, block: Color) -> Style {
        if self.contrast() {
            Style::new()
                .fg(Color::Black)
                .bg(block)
                .add_modifier(Modifier::BOLD)
        } else {
            self.fg(fg)
        }
    }

    pub fn late(self) -> Style {
        if self.contrast() {
            return Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD);
        }
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }
    pub fn check(self) -> Style {
        self.flag(Color::Yellow, Color::Yellow)
    }
    pub fn call(self) -> Style {
        self.flag(Color::Cyan, Color::Cyan)
    }
    pub fn header(self) -> Style {
        if self.contrast() {
            return Style::new()
                .fg(Color::White)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        }
        self.fg(Color::Gray).add_modifier(Modifier::BOLD)
    }
    pub fn lane(self) -> Style {
        let c = if self.contrast() {
            Color::White
        } else {
            Color::LightBlue
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }
    pub fn dim(self) -> Style {
        match self.palette {
            Palette::Default => Style::new().fg(Color::DarkGray),
            // Dark grey on black is what high contrast exists to avoid.
            Palette::HighContrast => Style::new().fg(Color::Gray),
            Palette::Monochrome => Style::new(),
        }
    }
    pub fn selected(self) -> Style {
        let s = Style::new().add_modifier(Modifier::REVERSED);
        if self.contrast() {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }
    pub fn bar(self) -> Style {
        match self.palette {
            Palette::Default => Style::new().bg(Color::Blue).fg(Color::White),
            Palette::HighContrast => Style::new()
                .bg(Color::White)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
            Palette::Monochrome => Style::new().add_modifier(Modifier::REVERSED),
        }
    }
    pub fn error(self) -> Style {
        self.late()
    }
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    /// A damaged panel on the car outline.
    pub fn damage(self) -> Style {
        if self.contrast() {
            return self.late();
        }
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn ascii_is_guessed_from_the_terminal_and_the_locale() {
        let auto = Lines::Auto;
        assert!(!auto.ascii(&env(&[("TERM", "xterm-256color"), ("LANG", "zh_CN.UTF-8")])));
        assert!(auto.ascii(&env(&[("TERM", "linux"), ("LANG", "en_US.UTF-8")])));
        assert!(auto.ascii(&env(&[("TERM", "vt100"), ("LANG", "C.UTF-8")])));
        assert!(auto.ascii(&env(&[("TERM", "xterm"), ("LANG", "zh_CN.GB2312")])));
        assert!(auto.ascii(&env(&[("TERM", "xterm"), ("LANG", "C")])));
        assert!(auto.ascii(&env(&[("TERM", "xterm")])));
        // LC_ALL wins over LANG.
        assert!(!auto.ascii(&env(&[
            ("TERM", "xterm"),
            ("LC_ALL", "es_ES.utf8"),
            ("LANG", "C")
        ])));
        assert!(!Lines::Unicode.ascii(&env(&[("TERM", "vt100")])));
        assert!(Lines::Ascii.ascii(&env(&[("LANG", "C.UTF-8")])));
    }

    #[test]
    fn no_color_is_monochrome_unless_a_theme_was_chosen() {
        let e = env(&[("NO_COLOR", "1"), ("LANG", "C.UTF-8")]);
        assert_eq!(
            Theme::choose(None, Lines::Auto, &e).palette,
            Palette::Monochrome
        );
        let chosen = Theme::choose(Some(Palette::HighContrast), Lines::Auto, &e);
        assert_eq!(chosen.palette, Palette::HighContrast);
        let e = env(&[("NO_COLOR", ""), ("LANG", "C.UTF-8")]);
        assert_eq!(
            Theme::choose(None, Lines::Auto, &e).palette,
            Palette::Default
        );
    }
}
