//! Attendance per organisation (present with who represented it, apologies, absent), guests
//! separately, and the quorum.

use diesel::prelude::*;
use serde_json::json;

use super::model::{Attendance, Meeting};
use super::rules::{self, Kind};
use super::store::{self, get, require_manage};
use crate::audit::{self, Subject};
use crate::auth::permissions::Actor;
use crate::db::schema::{attendance, meetings, organisations, working_group_members};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::membership::model::Organisation;

/// The organisations expected at a meeting: its group's members, or every participating one.
pub fn expected(conn: &mut DbConn, m: &Meeting) -> Result<Vec<Organisation>, Error> {
    let mut query = organisations::table
        .filter(organisations::status.eq_any(["full", "associate"]))
        .into_boxed();
    if let (Kind::WorkingGroup, Some(g)) = (store::kind_of(m), m.group_id) {
        let ids: Vec<i64> = working_group_members::table
            .filter(working_group_members::group_id.eq(g))
            .select(working_group_members::organisation_id)
            .load(conn)?;
        query = query.filter(organisations::id.eq_any(ids));
    }
    Ok(query
        .order(organisations::name)
        .select(Organisation::as_select())
        .load(conn)?)
}

/// The organisations expected at a meeting, each with its recorded attendance: one query.
pub fn expected_with_attendance(
    conn: &mut DbConn,
    m: &Meeting,
) -> Result<Vec<(Organisation, Option<Attendance>)>, Error> {
    let mut query = organisations::table
        .left_join(
            attendance::table.on(attendance::organisation_id
                .eq(organisations::id)
                .and(attendance::meeting_id.eq(m.id))),
        )
        .filter(organisations::status.eq_any(["full", "associate"]))
        .into_boxed();
    if let (Kind::WorkingGroup, Some(g)) = (store::kind_of(m), m.group_id) {
        query = query.filter(
            organisations::id.eq_any(
                working_group_members::table
                    .filter(working_group_members::group_id.eq(g))
                    .select(working_group_members::organisation_id),
            ),
        );
    }
    Ok(query
        .order(organisations::name)
        .select((
            Organisation::as_select(),
            attendance::all_columns.nullable(),
        ))
        .load(conn)?)
}

pub fn of_meeting(conn: &mut DbConn, meeting_id: i64) -> Result<Vec<Attendance>, Error> {
    Ok(attendance::table
        .filter(attendance::meeting_id.eq(meeting_id))
        .select(Attendance::as_select())
        .load(conn)?)
}

/// One organisation's attendance as the secretariat records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub organisation_id: i64,
    /// present, apologies or absent.
    pub status: String,
    pub represented_by: String,
}

/// Why an entry cannot be recorded, as (field, message): the field is `status` or
/// `represented_by`.
fn check(entry: &Entry) -> Result<(), (&'static str, String)> {
    if !matches!(entry.status.as_str(), "present" | "apologies" | "absent") {
        return Err((
            "status",
            format!("{:?} is not present, apologies or absent", entry.status),
        ));
    }
    if entry.status == "present" && entry.represented_by.trim().is_empty() {
        return Err((
            "represented_by",
            "say who represented the organisation".into(),
        ));
    }
    Ok(())
}

/// Records (or corrects) one organisation's attendance.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    organisation_id: i64,
    status: &str,
    represented_by: &str,
) -> Result<(), Error> {
    let entry = Entry {
        organisation_id,
        status: status.to_owned(),
        represented_by: represented_by.to_owned(),
    };
    check(&entry).map_err(|(field, message)| Error::field(field, message))?;
    db::write_tx(conn, |conn| {
        let m = recordable(conn, actor, meeting_id)?;
        write(conn, actor, &m, &entry).map(|_| ())
    })
}

/// Records the attendance of several organisations at once (the meeting page's one form):
/// all or nothing. A refusal names each field as `status-ORG` or `represented_by-ORG`, so
/// every problem shows beside its row. Entries that change nothing are not written again.
/// Returns how many changed.
pub fn record_all(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    entries: &[Entry],
) -> Result<usize, Error> {
    let mut problems = crate::error::FieldErrors::new();
    for entry in entries {
        if let Err((field, message)) = check(entry) {
            problems.insert(format!("{field}-{}", entry.organisation_id), vec![message]);
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidFields(problems));
    }
    db::write_tx(conn, |conn| {
        let m = recordable(conn, actor, meeting_id)?;
        let mut changed = 0;
        for entry in entries {
            match write(conn, actor, &m, entry) {
                Ok(true) => changed += 1,
                Ok(false) => {}
                // Name the row, not a field of a single-organisation form.
                Err(Error::InvalidFields(_)) => {
                    return Err(Error::field(
                        &format!("status-{}", entry.organisation_id),
                        "attendance is recorded for member and associate organisations only",
                    ));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(changed)
    })
}

/// The meeting, if the actor may record its attendance.
fn recordable(conn: &mut DbConn, actor: &Actor, meeting_id: i64) -> Result<Meeting, Error> {
    let m = get(conn, meeting_id)?;
    require_manage(actor, &m)?;
    if store::status_of(&m) == rules::Status::Cancelled {
        return Err(Error::Invalid(
            "a cancelled meeting has no attendance".into(),
        ));
    }
    Ok(m)
}

/// Writes one checked entry inside the caller's transaction, with its audit event; false
/// when it was already recorded exactly so.
fn write(conn: &mut DbConn, actor: &Actor, m: &Meeting, entry: &Entry) -> Result<bool, Error> {
    let organisation_id = entry.organisation_id;
    // Attendance is the members' and associates' (guests are recorded apart); an id of
    // no organisation is a refusal, not a database error.
    let attends = match crate::membership::organisations::get(conn, organisation_id) {
        Ok(o) => crate::membership::organisations::status_of(&o).participates(),
        Err(Error::NotFound) => false,
        Err(e) => return Err(e),
    };
    if !attends {
        return Err(Error::field(
            "organisation_id",
            "attendance is recorded for member and associate organisations only",
        ));
    }
    let represented_by = entry.represented_by.trim();
    let existing: Option<(i64, String, String)> = attendance::table
        .filter(attendance::meeting_id.eq(m.id))
        .filter(attendance::organisation_id.eq(organisation_id))
        .select((
            attendance::id,
            attendance::status,
            attendance::represented_by,
        ))
        .first(conn)
        .optional()?;
    let values = (
        attendance::status.eq(&entry.status),
        attendance::represented_by.eq(represented_by),
        attendance::recorded_at.eq(db::now()),
    );
    match existing {
        Some((_, status, who)) if status == entry.status && who == represented_by => {
            return Ok(false);
        }
        Some((id, _, _)) => diesel::update(attendance::table.find(id))
            .set(values)
            .execute(conn)?,
        None => diesel::insert_into(attendance::table)
            .values((
                attendance::meeting_id.eq(m.id),
                attendance::organisation_id.eq(organisation_id),
                values,
            ))
            .execute(conn)?,
    };
    // A name typed as free text: whose it is is not known here (an erasure finds it by
    // the name).
    let who = audit::personal(conn, None, represented_by)?;
    audit::record(
        conn,
        Some(actor.id()),
        "meeting.attendance",
        Subject::new("meeting", m.id),
        json!({ "organisation_id": organisation_id, "status": entry.status, "represented_by": who }),
    )?;
    Ok(true)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quorum {
    pub present_full: usize,
    pub full_members: usize,
    pub needed: usize,
    pub reached: bool,
}

/// The quorum among the full members expected at the meeting.
pub fn quorum(conn: &mut DbConn, m: &Meeting) -> Result<Quorum, Error> {
    let percent = store::settings(conn)?.quorum_percent;
    Ok(quorum_of(&expected_with_attendance(conn, m)?, percent))
}

/// The quorum from the expected organisations and their attendance.
pub fn quorum_of(expected: &[(Organisation, Option<Attendance>)], percent: i32) -> Quorum {
    let full = expected.iter().filter(|(o, _)| o.status == "full");
    let full_members = full.clone().count();
    let present_full = full
        .filter(|(_, a)| a.as_ref().is_some_and(|a| a.status == "present"))
        .count();
    Quorum {
        present_full,
        full_members,
        needed: rules::quorum_needed(full_members, percent),
        reached: rules::quorum_reached(present_full, full_members, percent),
    }
}

/// An organisation's attendance over time, for its page and for evaluations.
pub fn history_of(
    conn: &mut DbConn,
    organisation_id: i64,
) -> Result<Vec<(Meeting, Attendance)>, Error> {
    Ok(meetings::table
        .inner_join(attendance::table)
        .filter(attendance::organisation_id.eq(organisation_id))
        .order(meetings::starts_at.desc())
        .select((Meeting::as_select(), Attendance::as_select()))
        .load(conn)?)
}
