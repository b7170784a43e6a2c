//! The terminal interface.
//!
//! - [`pane`]: the [`Pane`] trait every pane implements, and the commands
//!   it returns (no I/O in a pane);
//! - [`layer`]: one stack of pickers and dialogs above the panes;
//! - [`app`]: the shell that routes keys and runs commands;
//! - [`effects`]: the one place store work runs;
//! - [`run`] and [`events`]: the terminal loop, fed by one channel.

pub mod app;
pub mod ascii;
pub mod board;
pub mod book;
pub mod callbacks;
pub mod checklist;
mod chrome;
pub mod desk;
mod detail;
pub mod effects;
pub mod events;
pub mod files;
pub mod help;
pub mod i18n;
pub mod input;
pub mod keymap;
pub mod layer;
pub mod pane;
pub mod panes;
pub mod prefs;
pub mod reports;
pub mod ro;
pub mod run;
pub mod scroll;
pub mod seek;
pub mod text;
pub mod theme;
pub mod timefmt;

pub use pane::{Command, Ctx, Done, Pane, PaneId, Request, Session};
