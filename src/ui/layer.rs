//! Layers above a pane: pickers, dialogs, help. One stack for all of them.
//! The topmost layer gets every key first; it consumes it, lets it fall
//! through to the shell, closes, or finishes with a value that goes back to
//! the pane that opened it. A layer knows nothing of the pane beneath.

pub mod form;
pub mod picker;
pub mod text_view;

use super::effects::ReadOut;
use super::keymap::KeyContext;
use super::pane::{Command, Ctx};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::any::Any;

pub use picker::{PickItem, Picker};
pub use text_view::TextView;

pub enum LayerResult {
    /// The key was used; the commands run on the layer's behalf.
    Consumed(Vec<Command>),
    /// Not this layer's key: the shell may use it (help).
    Ignored,
    Close,
    /// Finished: the value goes back to the pane that opened the layer.
    Done(Box<dyn Any>),
}

impl LayerResult {
    pub fn stay() -> LayerResult {
        LayerResult::Consumed(Vec::new())
    }

    pub fn done<T: 'static>(value: T) -> LayerResult {
        LayerResult::Done(Box::new(value))
    }
}

pub trait Layer: Any {
    /// The keymap sections of this layer, listed first by help.
    fn contexts(&self) -> &'static [KeyContext];

    fn key(&mut self, key: KeyEvent, cx: &Ctx) -> LayerResult;

    fn paste(&mut self, _text: &str, _cx: &Ctx) -> LayerResult {
        LayerResult::stay()
    }

    /// Results of reads the layer asked for (the finder's matches).
    fn on_read(&mut self, _out: ReadOut) {}

    /// Draws the layer over `area` (the pane's area).
    fn render(&self, frame: &mut Frame<'_>, area: Rect, cx: &Ctx);
}
