//! Meetings.
