//! The pages of the complaints procedure: the list and the filing form, a complaint's page
//! with every action on it, a file, and the procedure's settings.

pub mod actions;
pub mod case;
pub mod list;
pub mod settings;

use actix_web::web;

use crate::auth::permissions::{Actor, Role};

pub fn routes(cfg: &mut web::ServiceConfig) {
    list::routes(cfg);
    settings::routes(cfg);
    case::routes(cfg);
    actions::routes(cfg);
}

/// Who the complaints page is for: the people of member and associate organisations (who
/// may file) and the secretariat (who keeps the register). Others reach a complaint only
/// through its own page, if they stand in it.
pub fn sees_page(actor: &Actor) -> bool {
    actor.person.active
        && actor
            .roles
            .iter()
            .any(|r| matches!(r, Role::Member { .. } | Role::Secretariat))
}

pub fn minute(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
