//! One module per area of the site.

pub mod account;
pub mod audit;
pub mod auth;
pub mod care;
pub mod complaints;
pub mod dashboard;
pub mod errors;
pub mod evaluations;
pub mod mail;
pub mod meetings;
pub mod membership;
pub mod secretariat;
pub mod statements;

/// The choices of a select: (value, label).
pub type Options = Vec<(String, String)>;
