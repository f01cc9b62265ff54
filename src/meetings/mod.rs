//! Meetings: the calendar, the year plan around blocked dates, venues, agendas, attendance,
//! minutes and action items, and the calendar feeds.

pub mod agenda;
pub mod api;
pub mod attendance;
pub mod blocked;
pub mod dates;
pub mod demo;
pub mod display;
pub mod feeds;
pub mod ical;
pub mod input;
pub mod minutes;
pub mod model;
pub mod notices;
pub mod plan;
pub mod reminders;
pub mod rules;
pub mod store;
pub mod tasks;
pub mod web;

pub mod windows_zones;
