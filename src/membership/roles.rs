//! The roles membership gives a person, read from the records at the moment of asking.

use diesel::prelude::*;

use super::rules::{Representation, Status};
use crate::auth::Role;
use crate::db::DbConn;
use crate::db::schema::{affiliations, organisations, working_groups};
use crate::error::Error;

pub fn of_person(conn: &mut DbConn, person_id: i64) -> Result<Vec<Role>, Error> {
    let mut roles = Vec::new();
    let affiliation: Option<(i64, Option<String>, bool, String)> = affiliations::table
        .inner_join(organisations::table)
        .filter(affiliations::person_id.eq(person_id))
        .select((
            organisations::id,
            affiliations::representation,
            affiliations::is_authoriser,
            organisations::status,
        ))
        .first(conn)
        .optional()?;
    if let Some((organisation_id, representation, is_authoriser, status)) = affiliation {
        let status = Status::parse(&status);
        if status.is_some_and(Status::participates) {
            roles.push(Role::Member { organisation_id });
        }
        // Associates, suspended and withdrawn organisations hold no representative rights.
        if status.is_some_and(Status::takes_positions) {
            roles.push(Role::FullMember { organisation_id });
            match representation.as_deref().and_then(Representation::parse) {
                Some(Representation::Primary) => {
                    roles.push(Role::Representative { organisation_id })
                }
                Some(Representation::Alternate) => roles.push(Role::Alternate { organisation_id }),
                None => {}
            }
            if is_authoriser {
                roles.push(Role::Authoriser { organisation_id });
            }
        }
    }
    let convened: Vec<i64> = working_groups::table
        .filter(working_groups::convenor_id.eq(person_id))
        .filter(working_groups::status.eq("active"))
        .select(working_groups::id)
        .load(conn)?;
    roles.extend(
        convened
            .into_iter()
            .map(|group_id| Role::Convenor { group_id }),
    );
    Ok(roles)
}
