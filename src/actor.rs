//! Who is acting: a person and the roles they hold right now, worked out from the records
//! (memberships, representation, the rotation's terms). Resolved once per request (web
//! context, API token) and by the command line; the permission and visibility checks in
//! `auth` then decide on the result alone.

use crate::auth::model::Person;
use crate::auth::permissions::{Actor, Role};
use crate::db::DbConn;
use crate::error::Error;
use crate::{membership, secretariat};

/// The roles a person holds now, worked out from the records (never from a stored flag that
/// someone must remember to clear): an organisation that is suspended or withdraws takes its
/// people's rights with it, and a closed group its convenor's.
pub fn roles_of(conn: &mut DbConn, person: &Person) -> Result<Vec<Role>, Error> {
    let today = crate::coalition::today(conn)?;
    roles_on(conn, person, today)
}

/// The roles a person holds on a given day: the secretariat follows the rotation's terms.
pub fn roles_on(
    conn: &mut DbConn,
    person: &Person,
    day: chrono::NaiveDate,
) -> Result<Vec<Role>, Error> {
    let mut roles = Vec::new();
    if person.is_admin {
        roles.push(Role::Administrator);
    }
    let (holds, term_running) = secretariat::store::standing_of(conn, person.id, day)?;
    // Before the rotation starts (or in a gap), administrators act for the secretariat, so
    // a coalition being set up is never without one.
    if holds || (person.is_admin && !term_running) {
        roles.push(Role::Secretariat);
    }
    roles.extend(membership::roles::of_person(conn, person.id)?);
    Ok(roles)
}

pub fn actor_for(conn: &mut DbConn, person: Person) -> Result<Actor, Error> {
    let roles = roles_of(conn, &person)?;
    Ok(Actor { person, roles })
}
