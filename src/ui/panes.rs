//! Every pane, in F-key order. Adding a pane is a folder under `ui/` and
//! one line here.

use super::board::BoardPane;
use super::book::BookPane;
use super::callbacks::CallbacksPane;
use super::checklist::ChecklistPane;
use super::files::FilesPane;
use super::pane::{Pane, PaneId};
use super::ro::RoPane;

pub fn all() -> Vec<Box<dyn Pane>> {
    let panes: Vec<Box<dyn Pane>> = vec![
        Box::new(BoardPane::default()),
        Box::new(RoPane::default()),
        Box::new(ChecklistPane::default()),
        Box::new(CallbacksPane::default()),
        Box::new(BookPane::default()),
        Box::new(FilesPane::default()),
        Box::<super::reports::ReportsPane>::default(),
    ];
    debug_assert!(panes.iter().zip(PaneId::ALL).all(|(p, id)| p.id() == id));
    panes
}
