//! Every pane, in F-key order. Adding a pane is a folder under `ui/` and
//! one line here (replacing its placeholder).

use super::board::BoardPane;
use super::book::BookPane;
use super::callbacks::CallbacksPane;
use super::checklist::ChecklistPane;
use super::files::FilesPane;
use super::pane::{Pane, PaneId};
use super::placeholder::NotBuilt;
use super::ro::RoPane;

pub fn all() -> Vec<Box<dyn Pane>> {
    let panes: Vec<Box<dyn Pane>> = vec![
        Box::new(BoardPane::default()),
        Box::new(RoPane::default()),
        Box::new(ChecklistPane::default()),
        Box::new(CallbacksPane::default()),
        Box::new(BookPane::default()),
        Box::new(FilesPane::default()),
        Box::new(NotBuilt(PaneId::Reports)),
    ];
    debug_assert!(panes.iter().zip(PaneId::ALL).all(|(p, id)| p.id() == id));
    panes
}
