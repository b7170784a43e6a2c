//! Every pane, in F-key order. Adding a pane is a folder under `ui/` and
//! one line here (replacing its placeholder).

use super::board::BoardPane;
use super::callbacks::CallbacksPane;
use super::checklist::ChecklistPane;
use super::pane::{Pane, PaneId};
use super::placeholder::NotBuilt;
use super::ro::RoPane;

pub fn all() -> Vec<Box<dyn Pane>> {
    let panes: Vec<Box<dyn Pane>> = vec![
        Box::new(BoardPane::default()),
        Box::new(RoPane::default()),
        Box::new(ChecklistPane::default()),
        Box::new(CallbacksPane::default()),
        Box::new(NotBuilt(PaneId::Appointments)),
        Box::new(NotBuilt(PaneId::Customers)),
        Box::new(NotBuilt(PaneId::Reports)),
    ];
    debug_assert!(panes.iter().zip(PaneId::ALL).all(|(p, id)| p.id() == id));
    panes
}
