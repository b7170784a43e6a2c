//! frontdesk: the service department's front desk in a terminal.
//!
//! - [`domain`]: the trade's rules, with no screen and no disk;
//! - [`store`]: the shop database behind the [`store::Store`] interface;
//! - [`ui`]: panes that draw and turn keys into actions;
//! - [`demo`]: the demo shop and the synthetic benchmark history;
//! - [`cli`]: the command line;
//! - [`os`]: who is at the keyboard, from the operating system.

pub mod cli;
pub mod demo;
pub mod domain;
pub mod os;
pub mod print;
pub mod store;
pub mod ui;
