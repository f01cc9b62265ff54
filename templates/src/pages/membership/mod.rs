//! The membership pages: directory, organisations, people, admission, fees, memorandum,
//! working groups, import and the coalition's settings.

pub mod admission;
pub mod directory;
pub mod fees;
pub mod groups;
pub mod memorandum;
pub mod organisation;
pub mod person;
pub mod settings;

pub use super::Options;
