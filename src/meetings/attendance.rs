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

/// Records (or corrects) one organisation's attendance.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    organisation_id: i64,
    status: &str,
    represented_by: &str,
) -> Result<(), Error> {
    if !matches!(status, "present" | "apologies" | "absent") {
        return Err(Error::field(
            "status",
            format!("{status:?} is not present, apologies or absent"),
        ));
    }
    if status == "present" && represented_by.trim().is_empty() {
        return Err(Error::field(
            "represented_by",
            "say who represented the organisation",
        ));
    }
    db::write_tx(conn, |conn| {
        let m = get(conn, meeting_id)?;
        require_manage(actor, &m)?;
        if store::status_of(&m) == rules::Status::Cancelled {
            return Err(Error::Invalid(
                "a cancelled meeting has no attendance".into(),
            ));
        }
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
        let existing: Option<i64> = attendance::table
            .filter(attendance::meeting_id.eq(meeting_id))
            .filter(attendance::organisation_id.eq(organisation_id))
            .select(attendance::id)
            .first(conn)
            .optional()?;
        let values = (
            attendance::status.eq(status),
            attendance::represented_by.eq(represented_by.trim()),
            attendance::recorded_at.eq(db::now()),
        );
        match existing {
            Some(id) => diesel::update(attendance::table.find(id))
                .set(values)
                .execute(conn)?,
            None => diesel::insert_into(attendance::table)
                .values((
                    attendance::meeting_id.eq(meeting_id),
                    attendance::organisation_id.eq(organisation_id),
                    values,
                ))
                .execute(conn)?,
        };
        audit::record(
            conn,
            Some(actor.id()),
            "meeting.attendance",
            Subject::new("meeting", meeting_id),
            json!({ "organisation_id": organisation_id, "status": status, "represented_by": represented_by.trim() }),
        )
    })
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
