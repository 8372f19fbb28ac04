//! The terminal front end of an interview: reading answers (`input`), the
//! slash commands (`commands`), `/edit` (`editor`) and how things are shown
//! (`render`). The interview loop itself is in `crate::interview`.

pub mod commands;
pub mod editor;
pub mod input;
pub mod render;
