//! The mailing lists membership defines: a working group's list.

use diesel::prelude::*;

use crate::auth::model::Person;
use crate::db::DbConn;
use crate::db::schema::{people, working_group_nominees, working_groups};
use crate::error::Error;
use crate::mail::outbox::Recipient;

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
