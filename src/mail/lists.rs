//! Who is on which list: the coalition list, a working group's list, a meeting's invitees.

use diesel::prelude::*;

use super::outbox::Recipient;
use crate::auth::model::Person;
use crate::db::DbConn;
use crate::db::schema::{
    affiliations, organisations, people, working_group_nominees, working_groups,
};
use crate::error::Error;
use crate::meetings::model::Meeting;

/// Primary representatives and alternates of active full and associate members, and the people
/// of the organisations holding the secretariat.
pub fn coalition(conn: &mut DbConn) -> Result<Vec<Recipient>, Error> {
    let mut list: Vec<Person> = people::table
        .inner_join(affiliations::table.inner_join(organisations::table))
        .filter(people::active.eq(true))
        .filter(organisations::status.eq_any(["full", "associate"]))
        .filter(affiliations::representation.is_not_null())
        .order(people::name)
        .select(Person::as_select())
        .load(conn)?;
    if let Some((_, holders)) =
        crate::secretariat::store::holders_on(conn, chrono::Utc::now().date_naive())?
    {
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

/// A working group's nominated people and its convenor.
pub fn group(conn: &mut DbConn, group_id: i64) -> Result<Vec<Recipient>, Error> {
    let mut list: Vec<Person> = people::table
        .inner_join(working_group_nominees::table)
        .filter(working_group_nominees::group_id.eq(group_id))
        .filter(people::active.eq(true))
        .select(Person::as_select())
        .load(conn)?;
    let convenor: Option<Person> = working_groups::table
        .inner_join(people::table.on(people::id.nullable().eq(working_groups::convenor_id)))
        .filter(working_groups::id.eq(group_id))
        .filter(people::active.eq(true))
        .select(Person::as_select())
        .first(conn)
        .optional()?;
    list.extend(convenor);
    Ok(list.iter().map(Recipient::person).collect())
}

/// The list of the meeting's body plus its invited guests.
pub fn meeting(conn: &mut DbConn, m: &Meeting) -> Result<Vec<Recipient>, Error> {
    let mut list = match m.group_id {
        Some(g) => group(conn, g)?,
        None => coalition(conn)?,
    };
    for g in crate::meetings::store::guests(conn, m.id)? {
        list.push(Recipient {
            name: g.name,
            email: g.email,
            person_id: None,
        });
    }
    Ok(list)
}

/// The secretariat's address for Reply-To and ORGANIZER: the primary representative of the
/// first organisation holding it, or the first administrator before the rotation starts.
pub fn secretariat_address(conn: &mut DbConn) -> Result<Option<(String, String)>, Error> {
    if let Some((_, holders)) =
        crate::secretariat::store::holders_on(conn, chrono::Utc::now().date_naive())?
    {
        for h in holders {
            if let Some(p) = crate::membership::organisations::primary_representative(conn, h)? {
                let person = crate::auth::store::find(conn, p)?;
                return Ok(Some((person.name, person.email)));
            }
        }
    }
    let admin: Option<Person> = people::table
        .filter(people::is_admin.eq(true))
        .filter(people::active.eq(true))
        .order(people::id)
        .select(Person::as_select())
        .first(conn)
        .optional()?;
    Ok(admin.map(|p| (p.name, p.email)))
}
