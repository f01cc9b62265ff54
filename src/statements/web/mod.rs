//! The pages of joint statements: the list and a new statement, a statement with its round,
//! the word diff, and the public pages with receipts.

pub mod actions;
pub mod list;
pub mod public;
pub mod statement;

use actix_web::web;

use super::model::Statement;

pub fn routes(cfg: &mut web::ServiceConfig) {
    list::routes(cfg);
    statement::routes(cfg);
    actions::routes(cfg);
    public::routes(cfg);
}

/// "the plenary" or the working group's name.
/// Where a statement comes from, named from groups read once for a whole list.
pub fn origin_among(groups: &[crate::membership::model::WorkingGroup], s: &Statement) -> String {
    match s.group_id.and_then(|g| groups.iter().find(|w| w.id == g)) {
        Some(group) => group.name.clone(),
        None => "the plenary".into(),
    }
}

pub fn day(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d").to_string()
}

pub fn minute(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
