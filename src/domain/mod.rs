//! The trade's rules, free of screen and disk.
//!
//! Nothing in here knows ratatui or rusqlite: a person changing a pricing or
//! timing rule should only need to open this folder.

pub mod added_work;
pub mod audit;
pub mod audit_chain;
pub mod board;
pub mod book;
pub mod callbacks;
pub mod checklist;
pub mod clock;
pub mod conflict;
pub mod desk;
pub mod dispatch;
pub mod draft;
pub mod import;
pub mod lifecycle;
pub mod model;
pub mod money;
pub mod plate;
pub mod pricing;
pub mod repair_order;
pub mod report;
pub mod roles;
pub mod search;
pub mod settlement;
pub mod status;
pub mod text;
pub mod timing;
pub mod validate;
pub mod vin;

pub use model::*;
pub use money::Money;
pub use repair_order::RepairOrder;
pub use status::RoStatus;
