//! frontdesk: the service department's front desk in a terminal.
//!
//! - [`domain`]: the trade's rules, with no screen and no disk;
//! - [`store`]: the shop database behind the [`store::Store`] interface;
//! - [`ui`]: panes that draw and turn keys into actions;
//! - [`demo`]: the demo shop and the synthetic benchmark history;
//! - [`cli`]: the command line;
//! - [`os`]: who is at the keyboard, from the operating system.

pub mod cli;
pub mod cli_calls;
pub mod cli_files;
pub mod cli_generate;
pub mod cli_report;
pub mod demo;
pub mod domain;
pub mod locale;
pub mod os;
pub mod print;
pub mod print_checklist;
pub mod report;
pub mod store;
pub mod ui;

/// The shop's checklist template: `checklist.toml` beside the shop
/// database when there is one (a bad one is an error that says why), else
/// the one shipped in `assets/`.
pub fn shop_template(
    location: &store::Location,
) -> anyhow::Result<domain::checklist::template::Template> {
    use domain::checklist::template::Template;
    let store::Location::Sqlite(db) = location else {
        // A group's terminals share no folder: the template shipped is used.
        return Ok(Template::builtin());
    };
    let own = db
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("checklist.toml");
    match std::fs::read_to_string(&own) {
        Ok(text) => Template::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", own.display())),
        Err(_) => Ok(Template::builtin()),
    }
}
