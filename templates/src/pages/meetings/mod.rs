//! The meeting pages: calendar, a meeting, its form, the year plan.

pub mod calendar;
pub mod meeting;
pub mod plan;

pub use super::Options;
