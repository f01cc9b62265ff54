//! The meeting pages and the calendar feeds.

mod calendar;
mod meeting;
mod plan;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    calendar::routes(cfg);
    plan::routes(cfg);
    meeting::routes(cfg);
}

pub use super::display::{place, when};
