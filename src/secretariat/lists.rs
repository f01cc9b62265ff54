//! The lists whose members the rotation decides: the coalition list (members' representatives
//! and the secretariat's people), the secretariat's own people, and its address.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::store;
use crate::auth::model::Person;
use crate::db::DbConn;
use crate::db::schema::{affiliations, organisations, people};
use crate::error::Error;
use crate::mail::outbox::Recipient;
use crate::membership::rules::Representation;

/// Primary representatives and alternates of active full and associate members, and the people
/// of the organisations holding the secretariat.
pub fn coalition(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<Recipient>, Error> {
    let mut list: Vec<Person> = people::table
        .inner_join(affiliations::table.inner_join(organisations::table))
        .filter(people::active.eq(true))
        .filter(organisations::status.eq_any(["full", "associate"]))
        .filter(affiliations::representation.is_not_null())
        .order(people::name)
        .select(Person::as_select())
        .load(conn)?;
    if let Some((_, holders)) = store::holders_on(conn, today)? {
        let staff: Vec<Person> = people::table
            .inner_join(affiliations::table)
            .filter(people::active.eq(true))
            .filter(affiliations::organisation_id.eq_any(&holders))
            .select(Person::as_select())
            .load(conn)?;
        list.extend(staff);
    }
    Ok(list.iter().map(Recipient::person).collect())
}

/// The people of the organisations holding the secretariat on `today`; before the rotation
/// starts, its address (the first administrator).
pub fn staff(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<Recipient>, Error> {
    let Some((_, holders)) = store::holders_on(conn, today)? else {
        return Ok(address(conn, today)?
            .map(|(name, email)| {
                vec![Recipient {
                    name,
                    email,
                    person_id: None,
                }]
            })
            .unwrap_or_default());
    };
    let staff: Vec<(i64, String, String)> = people::table
        .inner_join(affiliations::table)
        .filter(affiliations::organisation_id.eq_any(&holders))
        .filter(people::active.eq(true))
        .select((people::id, people::name, people::email))
        .load(conn)?;
    Ok(Recipient::people(staff))
}

/// The secretariat's address for Reply-To and ORGANIZER: the primary representative of the
/// first organisation holding it, or the first administrator before the rotation starts.
pub fn address(conn: &mut DbConn, today: NaiveDate) -> Result<Option<(String, String)>, Error> {
    if let Some((_, holders)) = store::holders_on(conn, today)? {
        // In the holders' order: the civil-society holder first.
        for holder in holders {
            let primary: Option<(String, String)> = people::table
                .inner_join(affiliations::table)
                .filter(affiliations::organisation_id.eq(holder))
                .filter(affiliations::representation.eq(Representation::Primary.as_str()))
                .select((people::name, people::email))
                .first(conn)
                .optional()?;
            if primary.is_some() {
                return Ok(primary);
            }
        }
    }
    let admin: Option<(String, String)> = people::table
        .filter(people::is_admin.eq(true))
        .filter(people::active.eq(true))
        .order(people::id)
        .select((people::name, people::email))
        .first(conn)
        .optional()?;
    Ok(admin)
}
