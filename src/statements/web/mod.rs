//! The pages of joint statements: the list and a new statement, a statement with its round,
//! the word diff, and the public pages with receipts.

pub mod actions;
pub mod list;
pub mod public;
pub mod statement;

use actix_web::web;

use super::model::Statement;
use crate::db::DbConn;
use crate::error::Error;

pub fn routes(cfg: &mut web::ServiceConfig) {
    list::routes(cfg);
    statement::routes(cfg);
    actions::routes(cfg);
    public::routes(cfg);
}

/// "the plenary" or the working group's name.
pub fn origin(conn: &mut DbConn, s: &Statement) -> Result<String, Error> {
    Ok(match s.group_id {
        Some(g) => crate::membership::groups::get(conn, g)?.name,
        None => "the plenary".into(),
    })
}

pub fn day(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d").to_string()
}

pub fn minute(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
