//! Every page, component and mail body of Roundtable, as maud markup.
//!
//! This crate knows no database and no web framework: it takes plain view structs and returns
//! `maud::Markup`, so pages can be rendered and checked on their own.

pub mod components;
pub mod layout;
pub mod limits;
pub mod mail;
pub mod pages;
pub mod view;

pub use layout::{STYLESHEET, layout, stylesheet_href};
pub use view::{Chrome, FieldErrors, Flash, FlashKind, FormState, NavPerson, Refusal, WHOLE_FORM};
