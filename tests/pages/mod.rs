//! Pages as the people who use them see them: what each costs the database.

pub(crate) mod cache;
mod irreversible;
mod large;
mod navigation;
pub(crate) mod query_counts;
