//! Pages as the people who use them see them: what each costs the database.

mod irreversible;
mod large;
mod navigation;
mod query_counts;
