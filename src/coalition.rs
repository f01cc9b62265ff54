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
    /// The public may see the member list (names and sectors only).
    pub publish_member_list: bool,
    /// Organisations may apply through a public form.
    pub public_applications: bool,
    pub fees_enabled: bool,
    /// Published joint statements have a public page.
    pub publish_statements: bool,
}

pub fn get(conn: &mut DbConn) -> Result<Option<Coalition>, Error> {
    Ok(coalition::table
        .select(Coalition::as_select())
        .first(conn)
        .optional()?)
}

/// Checks an IANA time zone name such as `Europe/Brussels`.
/// The coalition's date now by `clock`, in its time zone.
pub fn today_by(
    conn: &mut DbConn,
    clock: &crate::clock::Clock,
) -> Result<chrono::NaiveDate, Error> {
    Ok(clock.today(zone_of(get(conn)?.as_ref())))
}

/// The coalition's date now by the system clock, for work outside a request that carries
/// the service's clock (mail composed inside a change, the command line).
pub fn today(conn: &mut DbConn) -> Result<chrono::NaiveDate, Error> {
    today_by(conn, &crate::clock::Clock::default())
}

/// The coalition's time zone (UTC until the set-up has named one).
pub fn zone_of(coalition: Option<&Coalition>) -> chrono_tz::Tz {
    coalition
        .and_then(|c| c.time_zone.parse().ok())
        .unwrap_or(chrono_tz::UTC)
}

/// A time zone by its IANA name ("Europe/Brussels"), or by its city alone ("brussels",
/// "New York"), as people type it in the zone field.
pub fn parse_time_zone(name: &str) -> Result<chrono_tz::Tz, Error> {
    let name = name.trim();
    if let Ok(tz) = name.parse::<chrono_tz::Tz>() {
        return Ok(tz);
    }
    let city = name.replace(' ', "_").to_lowercase();
    roundtable_templates::components::time_zone_names()
        .iter()
        .find(|zone| {
            zone.to_lowercase() == city
                || zone
                    .rsplit('/')
                    .next()
                    .is_some_and(|c| c.to_lowercase() == city)
        })
        .and_then(|zone| zone.parse::<chrono_tz::Tz>().ok())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{name:?} is not a known time zone (type a city such as Brussels, or a name such as Europe/Brussels)"
            ))
        })
}

/// Creates the coalition's one row. Part of the first-run set-up transaction.
pub fn create(conn: &mut DbConn, name: &str, time_zone: &str) -> Result<Coalition, Error> {
    let name = crate::clean::name(name, "the coalition's name")
        .map_err(|m| Error::field("coalition_name", m))?;
    let tz = parse_time_zone(time_zone)?;
    if get(conn)?.is_some() {
        return Err(Error::Conflict(
            "the coalition has already been set up".into(),
        ));
    }
    diesel::insert_into(coalition::table)
        .values((
            coalition::id.eq(1),
            coalition::name.eq(&name),
            coalition::time_zone.eq(tz.name()),
            coalition::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    get(conn)?.ok_or(Error::NotFound)
}

/// The coalition's choices about what is public and whether it keeps fees.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub publish_member_list: bool,
    pub public_applications: bool,
    pub fees_enabled: bool,
    pub publish_statements: bool,
}

pub fn set_options(
    conn: &mut DbConn,
    actor: &crate::auth::Actor,
    options: Options,
) -> Result<(), Error> {
    crate::auth::permissions::require(actor, crate::auth::Action::ManageCoalitionSettings)?;
    db::write_tx(conn, |conn| {
        let updated = diesel::update(coalition::table)
            .set((
                coalition::publish_member_list.eq(options.publish_member_list),
                coalition::public_applications.eq(options.public_applications),
                coalition::fees_enabled.eq(options.fees_enabled),
                coalition::publish_statements.eq(options.publish_statements),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(Error::NotFound);
        }
        crate::audit::record(
            conn,
            Some(actor.id()),
            "coalition.options_changed",
            crate::audit::Subject::new("coalition", 1),
            serde_json::json!({
                "publish_member_list": options.publish_member_list,
                "public_applications": options.public_applications,
                "fees_enabled": options.fees_enabled,
                "publish_statements": options.publish_statements,
            }),
        )
    })
}

#[cfg(test)]
mod zone_tests {
    use super::parse_time_zone;

    #[test]
    fn zones_are_found_by_name_or_by_city() {
        for (typed, zone) in [
            ("Europe/Brussels", "Europe/Brussels"),
            ("brussels", "Europe/Brussels"),
            (" New York ", "America/New_York"),
            ("europe/vienna", "Europe/Vienna"),
        ] {
            assert_eq!(
                parse_time_zone(typed).map(|tz| tz.name()).ok(),
                Some(zone),
                "{typed}"
            );
        }
        assert!(parse_time_zone("Atlantis").is_err());
        assert!(parse_time_zone("").is_err());
    }
}
