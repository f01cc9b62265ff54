//! The meeting pages: calendar, a meeting, its form, the year plan.

pub mod calendar;
pub mod meeting;
pub mod plan;

/// A (value, label) option list.
pub type Options = Vec<(String, String)>;
