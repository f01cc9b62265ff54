//! The coalition itself: its name and the time zone its meetings are planned in.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::coalition;
use crate::db::{self, DbConn};
use crate::error::Error;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = coalition)]
pub struct Coalition {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    pub created_at: NaiveDateTime,
}

pub fn get(conn: &mut DbConn) -> Result<Option<Coalition>, Error> {
    Ok(coalition::table
        .select(Coalition::as_select())
        .first(conn)
        .optional()?)
}

/// Checks an IANA time zone name such as `Europe/Brussels`.
pub fn parse_time_zone(name: &str) -> Result<chrono_tz::Tz, Error> {
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        Error::Invalid(format!(
            "{name:?} is not a known time zone (for example Europe/Brussels)"
        ))
    })
}

/// Creates the coalition's one row. Part of the first-run set-up transaction.
pub fn create(conn: &mut DbConn, name: &str, time_zone: &str) -> Result<Coalition, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::Invalid(
            "the coalition needs a name of 1 to 200 characters".into(),
        ));
    }
    let tz = parse_time_zone(time_zone)?;
    if get(conn)?.is_some() {
        return Err(Error::Conflict(
            "the coalition has already been set up".into(),
        ));
    }
    diesel::insert_into(coalition::table)
        .values((
            coalition::id.eq(1),
            coalition::name.eq(name),
            coalition::time_zone.eq(tz.name()),
            coalition::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    get(conn)?.ok_or(Error::NotFound)
}
