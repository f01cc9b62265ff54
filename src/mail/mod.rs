//! The mailing list: lists, the outbox written in the same transaction as its cause, the
//! transports, and the delivery worker.

pub mod compose;
pub mod lane;
pub mod message;
pub mod model;
pub mod outbox;
pub mod reminders;
pub mod sink;
pub mod transport;
pub mod web;
pub mod worker;
