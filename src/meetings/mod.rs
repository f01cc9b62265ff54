//! Meetings.

pub mod blocked;
pub mod ical;
pub mod model;
pub mod rules;
pub mod windows_zones;
