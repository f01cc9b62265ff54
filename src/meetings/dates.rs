//! Blocked dates kept in the database: imported calendars and the days they block.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde_json::json;

use super::blocked::{self, FileError};
use super::model::{BlockedDate, CalendarImport};
use super::rules::Blocked;
use super::store;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{blocked_dates, calendar_imports};
use crate::db::{self, DbConn};
use crate::error::Error;

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub import: CalendarImport,
    pub warnings: Vec<String>,
}

/// Imports a calendar file as days to plan around. A malformed file imports nothing and the
/// error names its line.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    name: &str,
    text: &str,
    today: NaiveDate,
) -> Result<ImportReport, Error> {
    permissions::require(actor, Action::ManageMeetings)?;
    let zone = store::default_zone(conn)?;
    let (from, until) = blocked::window(today);
    let parsed =
        blocked::parse(text, zone, from, until).map_err(|FileError { line, message }| {
            Error::Invalid(format!(
                "the calendar file cannot be imported: line {line}: {message}"
            ))
        })?;
    let name = if name.trim().is_empty() {
        "Imported calendar"
    } else {
        name.trim()
    };
    db::write_tx(conn, |conn| {
        let id: i64 = diesel::insert_into(calendar_imports::table)
            .values((
                calendar_imports::name.eq(name),
                calendar_imports::imported_by.eq(Some(actor.id())),
                calendar_imports::imported_at.eq(db::now()),
                calendar_imports::events.eq(i32::try_from(parsed.events).unwrap_or(i32::MAX)),
                calendar_imports::days.eq(i32::try_from(parsed.days.len()).unwrap_or(i32::MAX)),
            ))
            .returning(calendar_imports::id)
            .get_result(conn)?;
        // Batched: a large export has thousands of days.
        for chunk in parsed.days.chunks(500) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|d| {
                    (
                        blocked_dates::import_id.eq(id),
                        blocked_dates::day.eq(d.day),
                        blocked_dates::yearly.eq(d.yearly),
                        blocked_dates::label.eq(d.label.chars().take(200).collect::<String>()),
                    )
                })
                .collect();
            // A multi-row insert is spelled per backend, so it runs on the concrete connection.
            let insert = diesel::insert_into(blocked_dates::table).values(rows);
            match conn {
                db::DbConn::Sqlite(c) => insert.execute(c)?,
                db::DbConn::Postgres(c) => insert.execute(c)?,
            };
        }
        audit::record(
            conn,
            Some(actor.id()),
            "calendar.imported",
            Subject::new("calendar_import", id),
            json!({ "name": name, "events": parsed.events, "days": parsed.days.len(), "warnings": parsed.warnings.len() }),
        )?;
        let import = calendar_imports::table
            .find(id)
            .select(CalendarImport::as_select())
            .first(conn)?;
        Ok(ImportReport {
            import,
            warnings: parsed.warnings.clone(),
        })
    })
}

pub fn imports(conn: &mut DbConn) -> Result<Vec<CalendarImport>, Error> {
    Ok(calendar_imports::table
        .order(calendar_imports::imported_at.desc())
        .select(CalendarImport::as_select())
        .load(conn)?)
}

pub fn remove_import(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMeetings)?;
    db::write_tx(conn, |conn| {
        diesel::delete(blocked_dates::table.filter(blocked_dates::import_id.eq(id)))
            .execute(conn)?;
        let removed = diesel::delete(calendar_imports::table.find(id)).execute(conn)?;
        if removed == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            conn,
            Some(actor.id()),
            "calendar.removed",
            Subject::new("calendar_import", id),
            json!({}),
        )
    })
}

/// The blocked days that matter for `year`, with a label for each.
pub fn blocked_for_year(
    conn: &mut DbConn,
    year: i32,
) -> Result<(Blocked, HashMap<NaiveDate, String>), Error> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or(Error::Invalid(format!("{year} is not a year")))?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or(Error::Invalid(format!("{year} is not a year")))?;
    let rows: Vec<BlockedDate> = blocked_dates::table
        .filter(
            blocked_dates::yearly
                .eq(true)
                .or(blocked_dates::day.between(start, end)),
        )
        .select(BlockedDate::as_select())
        .load(conn)?;
    let mut blocked = Blocked::default();
    let mut labels = HashMap::new();
    for r in rows {
        // A yearly series blocks its day from the year it starts, not the years before.
        if r.yearly && r.day.year() > year {
            continue;
        }
        if r.yearly {
            blocked.yearly.insert((r.day.month(), r.day.day()));
            if let Some(d) = NaiveDate::from_ymd_opt(year, r.day.month(), r.day.day()) {
                labels.entry(d).or_insert(r.label);
            }
        } else {
            blocked.days.insert(r.day);
            labels.entry(r.day).or_insert(r.label);
        }
    }
    Ok((blocked, labels))
}
