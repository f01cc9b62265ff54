//! The demo complaints.
