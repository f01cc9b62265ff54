//! The membership pages. Each handler parses its input, calls one service function and
//! renders; the services decide who may do what.

mod admission;
mod directory;
mod fees;
mod groups;
mod memorandum;
mod organisations;
mod people;
mod settings;

use actix_web::web;

use super::model::Organisation;
use super::rules::{Representation, Status};
use crate::auth::model::Person;

pub fn routes(cfg: &mut web::ServiceConfig) {
    directory::routes(cfg);
    organisations::routes(cfg);
    people::routes(cfg);
    admission::routes(cfg);
    fees::routes(cfg);
    memorandum::routes(cfg);
    groups::routes(cfg);
    settings::routes(cfg);
}

/// (value, label) options of the organisations given.
fn organisation_options(orgs: &[Organisation]) -> Vec<(String, String)> {
    orgs.iter()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect()
}

/// The roles of a person in words, for tables.
fn roles_text(representation: Option<&str>, is_authoriser: bool) -> String {
    let mut roles = Vec::new();
    match representation.and_then(Representation::parse) {
        Some(Representation::Primary) => roles.push("primary representative"),
        Some(Representation::Alternate) => roles.push("alternate"),
        None => {}
    }
    if is_authoriser {
        roles.push("authoriser");
    }
    if roles.is_empty() {
        "—".into()
    } else {
        roles.join(", ")
    }
}

fn status_label(status: &str) -> String {
    Status::parse(status)
        .map(|s| s.label().to_owned())
        .unwrap_or_else(|| status.to_owned())
}

fn person_options(people: &[Person], none_label: Option<&str>) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = none_label
        .map(|l| vec![(String::new(), l.to_owned())])
        .unwrap_or_default();
    options.extend(
        people
            .iter()
            .filter(|p| p.active)
            .map(|p| (p.id.to_string(), format!("{} <{}>", p.name, p.email))),
    );
    options
}
