//! Joint statements: versions bound by a content hash, consultation, approval rounds with
//! positions and internal authorisations, the publication gate, receipts and the public page.

pub mod api;
pub mod demo;
pub mod history;
pub mod input;
pub mod model;
pub mod notices;
pub mod rounds;
pub mod rules;
pub mod store;
pub mod tasks;
pub mod text;
pub mod web;
