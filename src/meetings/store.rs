//! Meetings: settings, venues, creating and changing meetings, their status, guests, and who
//! may see and manage them.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use diesel::prelude::*;
use serde_json::json;

use super::model::{Guest, Meeting, MeetingSettings, Venue};
use super::rules::{self, Kind, Status};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::clean;
use crate::db::schema::{
    meeting_guests, meeting_settings, meetings, organisations, venues, working_groups,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::membership::model::WorkingGroup;

pub fn settings(conn: &mut DbConn) -> Result<MeetingSettings, Error> {
    Ok(meeting_settings::table
        .select(MeetingSettings::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

/// The zone meetings are planned in unless a meeting says otherwise.
pub fn default_zone(conn: &mut DbConn) -> Result<Tz, Error> {
    let s = settings(conn)?;
    let name = match s.time_zone {
        Some(z) => z,
        None => crate::coalition::get(conn)?
            .map(|c| c.time_zone)
            .unwrap_or_else(|| "Europe/Brussels".into()),
    };
    crate::coalition::parse_time_zone(&name)
}

pub fn save_settings(conn: &mut DbConn, actor: &Actor, s: &MeetingSettings) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMeetings)?;
    rules::parse_months(&s.plenary_months).map_err(Error::Invalid)?;
    rules::parse_time(&s.plenary_start).map_err(Error::Invalid)?;
    rules::parse_time(&s.plenary_end).map_err(Error::Invalid)?;
    if let Some(z) = &s.time_zone {
        crate::coalition::parse_time_zone(z)?;
    }
    if !(1..=100).contains(&s.quorum_percent) {
        return Err(Error::field(
            "quorum_percent",
            "the quorum is a percentage of the full members, from 1 to 100",
        ));
    }
    if !(1..=7).contains(&s.plenary_weekday)
        || !(-1..=5).contains(&s.plenary_week)
        || s.plenary_week == 0
    {
        return Err(Error::Invalid(
            "choose a weekday and which of them in the month".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let values = (
            meeting_settings::plenary_months.eq(&s.plenary_months),
            meeting_settings::plenary_weekday.eq(s.plenary_weekday),
            meeting_settings::plenary_week.eq(s.plenary_week),
            meeting_settings::plenary_start.eq(&s.plenary_start),
            meeting_settings::plenary_end.eq(&s.plenary_end),
            meeting_settings::time_zone.eq(&s.time_zone),
            meeting_settings::quorum_percent.eq(s.quorum_percent.clamp(0, 100)),
            meeting_settings::venue_rotation.eq(&s.venue_rotation),
        );
        if meeting_settings::table.count().get_result::<i64>(conn)? == 0 {
            diesel::insert_into(meeting_settings::table)
                .values((meeting_settings::id.eq(1), values))
                .execute(conn)?;
        } else {
            diesel::update(meeting_settings::table)
                .set(values)
                .execute(conn)?;
        }
        audit::record(
            conn,
            Some(actor.id()),
            "meetings.settings_changed",
            Subject {
                kind: "meeting_settings",
                id: None,
            },
            json!({ "months": s.plenary_months, "weekday": s.plenary_weekday, "week": s.plenary_week,
                    "start": s.plenary_start, "end": s.plenary_end, "quorum_percent": s.quorum_percent, "venue_rotation": s.venue_rotation }),
        )
    })
}

/// How the venue rows must change so that every member offering its premises has one and
/// those that no longer do are retired. Reads only.
#[derive(Default)]
struct PremisesChanges {
    reactivate: Vec<i64>,
    add: Vec<(i64, String, String)>,
    retire: Vec<i64>,
}

fn premises_changes(conn: &mut DbConn) -> Result<PremisesChanges, Error> {
    let offering: Vec<(i64, String, String)> = organisations::table
        .filter(organisations::offers_venue.eq(true))
        .filter(organisations::status.eq_any(["full", "associate"]))
        .select((
            organisations::id,
            organisations::name,
            organisations::address,
        ))
        .load(conn)?;
    let existing: Vec<Venue> = venues::table
        .filter(venues::organisation_id.is_not_null())
        .select(Venue::as_select())
        .load(conn)?;
    let mut changes = PremisesChanges::default();
    for (id, name, address) in offering.iter() {
        match existing.iter().find(|v| v.organisation_id == Some(*id)) {
            Some(v) if v.active => {}
            Some(v) => changes.reactivate.push(v.id),
            None => changes.add.push((*id, name.clone(), address.clone())),
        }
    }
    changes.retire = existing
        .iter()
        .filter(|v| {
            v.active
                && !offering
                    .iter()
                    .any(|(id, _, _)| Some(*id) == v.organisation_id)
        })
        .map(|v| v.id)
        .collect();
    Ok(changes)
}

impl PremisesChanges {
    fn is_empty(&self) -> bool {
        self.reactivate.is_empty() && self.add.is_empty() && self.retire.is_empty()
    }
}

/// Keeps a venue row for every member that offers its premises, and retires those that no
/// longer do. Member premises are venues like any other, so meetings can point at them. Runs
/// in the caller's transaction, where venues are chosen (the year plan, a meeting's form).
pub(crate) fn sync_member_premises(conn: &mut DbConn) -> Result<(), Error> {
    let changes = premises_changes(conn)?;
    for id in &changes.reactivate {
        diesel::update(venues::table.find(id))
            .set(venues::active.eq(true))
            .execute(conn)?;
    }
    for (id, name, address) in &changes.add {
        diesel::insert_into(venues::table)
            .values((
                venues::name.eq(name),
                venues::address.eq(address),
                venues::organisation_id.eq(Some(*id)),
                venues::active.eq(true),
                venues::created_at.eq(db::now()),
            ))
            .execute(conn)?;
    }
    for id in &changes.retire {
        diesel::update(venues::table.find(id))
            .set(venues::active.eq(false))
            .execute(conn)?;
    }
    Ok(())
}

/// The venues' tick: member premises follow the members (one offers its premises, another
/// leaves). Reads first; takes the write lock only when something changes.
pub fn tick(conn: &mut DbConn) -> Result<usize, Error> {
    let changes = premises_changes(conn)?;
    if changes.is_empty() {
        return Ok(0);
    }
    let count = changes.reactivate.len() + changes.add.len() + changes.retire.len();
    db::write_tx(conn, sync_member_premises)?;
    Ok(count)
}

/// The venues, as recorded: a plain read (member premises are kept up to date by the tick
/// and where venues are chosen; usable inside a transaction).
pub fn venues(conn: &mut DbConn) -> Result<Vec<Venue>, Error> {
    Ok(venues::table
        .order((venues::organisation_id.is_not_null(), venues::name))
        .select(Venue::as_select())
        .load(conn)?)
}

/// A meeting with its venue and working group: one query.
pub fn with_venue_and_group(
    conn: &mut DbConn,
    id: i64,
) -> Result<(Meeting, Option<Venue>, Option<WorkingGroup>), Error> {
    Ok(meetings::table
        .left_join(venues::table)
        .left_join(working_groups::table)
        .filter(meetings::id.eq(id))
        .select((
            Meeting::as_select(),
            venues::all_columns.nullable(),
            working_groups::all_columns.nullable(),
        ))
        .first(conn)?)
}

pub fn venue(conn: &mut DbConn, id: i64) -> Result<Venue, Error> {
    Ok(venues::table
        .find(id)
        .select(Venue::as_select())
        .first(conn)?)
}

pub fn add_venue(
    conn: &mut DbConn,
    actor: &Actor,
    name: &str,
    address: &str,
    notes: &str,
) -> Result<Venue, Error> {
    permissions::require(actor, Action::ManageMeetings)?;
    let name = clean::name(name, "the venue's name").map_err(|m| Error::field("name", m))?;
    let address = clean::text(address, "the address", clean::limits::LINE)
        .map_err(|m| Error::field("address", m))?;
    let notes = clean::text(notes, "the notes", clean::limits::NOTE)
        .map_err(|m| Error::field("notes", m))?;
    db::write_tx(conn, |conn| {
        let id: i64 = diesel::insert_into(venues::table)
            .values((
                venues::name.eq(&name),
                venues::address.eq(&address),
                venues::notes.eq(&notes),
                venues::active.eq(true),
                venues::created_at.eq(db::now()),
            ))
            .returning(venues::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "venue.added",
            Subject::new("venue", id),
            json!({ "name": name.trim() }),
        )?;
        venue(conn, id)
    })
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<Meeting, Error> {
    Ok(meetings::table
        .find(id)
        .select(Meeting::as_select())
        .first(conn)?)
}

pub fn kind_of(m: &Meeting) -> Kind {
    Kind::parse(&m.kind).unwrap_or(Kind::AdHoc)
}

pub fn status_of(m: &Meeting) -> Status {
    Status::parse(&m.status).unwrap_or(Status::Planned)
}

pub fn zone_of(m: &Meeting) -> Tz {
    m.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

/// Who manages a meeting: the secretariat; for a working group's meeting, also its convenor.
pub fn may_manage(actor: &Actor, m: &Meeting) -> bool {
    match (kind_of(m), m.group_id) {
        (Kind::WorkingGroup, Some(group_id)) => {
            permissions::may(actor, Action::ManageWorkingGroup { group_id })
        }
        _ => permissions::may(actor, Action::ManageMeetings),
    }
}

pub fn require_manage(actor: &Actor, m: &Meeting) -> Result<(), Error> {
    if may_manage(actor, m) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Public meetings are for everyone; the others for the coalition's members (the rule:
/// `visibility::sees_meeting`).
pub fn may_see(actor: Option<&Actor>, m: &Meeting) -> bool {
    let runs_it = actor.is_some_and(|a| may_manage(a, m));
    crate::auth::visibility::sees_meeting(actor, m.visibility == "public", runs_it)
}

/// What a person fills in for a meeting.
#[derive(Debug, Clone)]
pub struct MeetingInput {
    pub kind: Kind,
    pub group_id: Option<i64>,
    pub title: String,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub time_zone: Option<String>,
    pub venue_id: Option<i64>,
    pub online_url: String,
    pub public: bool,
    pub media_open: bool,
    pub media_reason: String,
}

struct Checked {
    zone: Tz,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
}

fn check(conn: &mut DbConn, input: &MeetingInput) -> Result<Checked, Error> {
    if input.title.trim().is_empty() {
        return Err(Error::Invalid("a meeting needs a title".into()));
    }
    clean::name(&input.title, "the title").map_err(|m| Error::field("title", m))?;
    clean::text(&input.media_reason, "the reason", clean::limits::NOTE)
        .map_err(|m| Error::field("media_reason", m))?;
    if input.kind == Kind::WorkingGroup && input.group_id.is_none() {
        return Err(Error::Invalid(
            "a working-group meeting belongs to a working group: choose it".into(),
        ));
    }
    if let Some(g) = input.group_id {
        crate::membership::groups::get(conn, g)?;
    }
    if input.end <= input.start {
        return Err(Error::Invalid(
            "the meeting must end after it starts".into(),
        ));
    }
    crate::fields::plausible_year(chrono::Datelike::year(&input.date), "date")
        .map_err(|m| Error::field("date", m))?;
    if input.media_open && input.media_reason.trim().is_empty() {
        return Err(Error::Invalid(
            "meetings are closed to the media unless a reason to open them is given".into(),
        ));
    }
    clean::web_address(&input.online_url).map_err(|m| Error::field("online_url", m))?;
    if let Some(v) = input.venue_id {
        venue(conn, v)?;
    }
    let zone = match input.time_zone.as_deref().filter(|z| !z.trim().is_empty()) {
        Some(z) => crate::coalition::parse_time_zone(z)?,
        None => default_zone(conn)?,
    };
    // A time the clocks skip (spring forward) is explained, not moved silently: 02:00-03:00
    // on that night would otherwise become a meeting of no length.
    for (field, time) in [("start", input.start), ("end", input.end)] {
        // A time that happens twice (autumn) would be a guess between two instants an hour
        // apart: the person chooses instead.
        if rules::repeated(input.date, time, zone) {
            return Err(Error::field(
                field,
                format!(
                    "on {} the clocks in {} go back, so {} happens twice: choose a time outside the hour that repeats",
                    input.date,
                    zone.name(),
                    time.format("%H:%M")
                ),
            ));
        }
        if rules::skipped(input.date, time, zone) {
            return Err(Error::field(
                field,
                format!(
                    "on {} the clocks in {} skip {}: choose a time outside the hour that does not exist",
                    input.date,
                    zone.name(),
                    time.format("%H:%M")
                ),
            ));
        }
    }
    let (starts_at, ends_at) = (
        rules::to_utc(input.date, input.start, zone),
        rules::to_utc(input.date, input.end, zone),
    );
    if ends_at <= starts_at {
        return Err(Error::field(
            "end",
            "the meeting must end after it starts (the clocks change that night)",
        ));
    }
    Ok(Checked {
        zone,
        starts_at,
        ends_at,
    })
}

fn require_input_permission(actor: &Actor, input: &MeetingInput) -> Result<(), Error> {
    match (input.kind, input.group_id) {
        (Kind::WorkingGroup, Some(group_id)) => {
            permissions::require(actor, Action::ManageWorkingGroup { group_id })
        }
        _ => permissions::require(actor, Action::ManageMeetings),
    }
}

/// Inserts a meeting in the caller's transaction (the year plan uses it too).
pub(crate) fn insert(
    conn: &mut DbConn,
    actor: &Actor,
    input: &MeetingInput,
    plan_year: Option<i32>,
) -> Result<Meeting, Error> {
    let c = check(conn, input)?;
    let now = db::now();
    let uid = format!("{}@roundtable", crate::secret::random_token(16));
    let id: i64 = diesel::insert_into(meetings::table)
        .values((
            meetings::kind.eq(input.kind.as_str()),
            meetings::group_id.eq(input.group_id),
            meetings::title.eq(input.title.trim()),
            meetings::starts_at.eq(c.starts_at),
            meetings::ends_at.eq(c.ends_at),
            meetings::time_zone.eq(c.zone.name()),
            meetings::venue_id.eq(input.venue_id),
            meetings::online_url.eq(input.online_url.trim()),
            meetings::status.eq(Status::Planned.as_str()),
            meetings::visibility.eq(if input.public { "public" } else { "members" }),
            meetings::media_open.eq(input.media_open),
            meetings::media_reason.eq(input.media_reason.trim()),
            meetings::uid.eq(&uid),
            meetings::sequence.eq(0),
            meetings::plan_year.eq(plan_year),
            meetings::created_at.eq(now),
            meetings::updated_at.eq(now),
        ))
        .returning(meetings::id)
        .get_result(conn)?;
    audit::record(
        conn,
        Some(actor.id()),
        "meeting.created",
        Subject::new("meeting", id),
        json!({ "kind": input.kind.as_str(), "title": input.title.trim(), "starts_at": c.starts_at, "time_zone": c.zone.name() }),
    )?;
    get(conn, id)
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &MeetingInput) -> Result<Meeting, Error> {
    require_input_permission(actor, input)?;
    db::write_tx(conn, |conn| insert(conn, actor, input, None))
}

/// Changes a meeting. A change of time or place raises its SEQUENCE, so calendars update it.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &MeetingInput,
) -> Result<Meeting, Error> {
    db::write_tx(conn, |conn| {
        let before = get(conn, id)?;
        require_manage(actor, &before)?;
        require_input_permission(actor, input)?;
        if matches!(
            status_of(&before),
            Status::Cancelled | Status::MinutesApproved
        ) {
            return Err(Error::Invalid(
                "a cancelled meeting, or one whose minutes are approved, no longer changes".into(),
            ));
        }
        let c = check(conn, input)?;
        let moved = before.starts_at != c.starts_at
            || before.ends_at != c.ends_at
            || before.venue_id != input.venue_id
            || before.online_url != input.online_url.trim();
        diesel::update(meetings::table.find(id))
            .set((
                meetings::title.eq(input.title.trim()),
                meetings::starts_at.eq(c.starts_at),
                meetings::ends_at.eq(c.ends_at),
                meetings::time_zone.eq(c.zone.name()),
                meetings::venue_id.eq(input.venue_id),
                meetings::online_url.eq(input.online_url.trim()),
                meetings::visibility.eq(if input.public { "public" } else { "members" }),
                meetings::media_open.eq(input.media_open),
                meetings::media_reason.eq(input.media_reason.trim()),
                meetings::sequence.eq(before.sequence + i32::from(moved)),
                meetings::times_moved.eq(before.times_moved + i32::from(moved)),
                meetings::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "meeting.updated",
            Subject::new("meeting", id),
            json!({ "starts_at": c.starts_at, "ends_at": c.ends_at, "venue_id": input.venue_id, "moved": moved }),
        )?;
        // Invitees who have the invitation get it again, with the higher SEQUENCE.
        if moved && status_of(&before) == Status::AgendaPublished {
            super::notices::meeting_changed(conn, id)?;
        }
        get(conn, id)
    })
}

/// Moves a meeting along its status; cancelling needs a reason. Every change of status raises
/// the SEQUENCE.
pub fn set_status(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    to: Status,
    reason: &str,
) -> Result<Meeting, Error> {
    db::write_tx(conn, |conn| set_status_in_tx(conn, actor, id, to, reason))
}

pub(crate) fn set_status_in_tx(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    to: Status,
    reason: &str,
) -> Result<Meeting, Error> {
    let before = get(conn, id)?;
    require_manage(actor, &before)?;
    let from = status_of(&before);
    rules::check_transition(from, to).map_err(Error::Invalid)?;
    if to == Status::Cancelled && reason.trim().is_empty() {
        return Err(Error::Invalid(
            "give the reason for cancelling the meeting".into(),
        ));
    }
    diesel::update(meetings::table.find(id))
        .set((
            meetings::status.eq(to.as_str()),
            meetings::cancel_reason.eq((to == Status::Cancelled).then(|| reason.trim().to_owned())),
            meetings::sequence.eq(before.sequence + i32::from(from != to)),
            meetings::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        Some(actor.id()),
        "meeting.status_changed",
        Subject::new("meeting", id),
        json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason.trim() }),
    )?;
    if to == Status::Cancelled && from == Status::AgendaPublished {
        super::notices::meeting_cancelled(conn, id)?;
    }
    get(conn, id)
}

/// Meetings starting in [from, until), in time order.
pub fn between(
    conn: &mut DbConn,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<Meeting>, Error> {
    Ok(meetings::table
        .filter(meetings::starts_at.ge(from))
        .filter(meetings::starts_at.lt(until))
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(conn)?)
}

/// One page of the meetings that started before `now`, newest first, and how many there are.
pub fn past_page(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Meeting>, i64), Error> {
    let page = meetings::table
        .filter(meetings::starts_at.lt(now))
        .order((meetings::starts_at.desc(), meetings::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(Meeting::as_select())
        .load(conn)?;
    let total = meetings::table
        .filter(meetings::starts_at.lt(now))
        .count()
        .get_result(conn)?;
    Ok((page, total))
}

pub fn all(conn: &mut DbConn) -> Result<Vec<Meeting>, Error> {
    Ok(meetings::table
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(conn)?)
}

pub fn guests(conn: &mut DbConn, meeting_id: i64) -> Result<Vec<Guest>, Error> {
    Ok(meeting_guests::table
        .filter(meeting_guests::meeting_id.eq(meeting_id))
        .order(meeting_guests::name)
        .select(Guest::as_select())
        .load(conn)?)
}

pub fn add_guest(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    name: &str,
    email: &str,
    affiliation: &str,
) -> Result<(), Error> {
    let email = email.trim().to_lowercase();
    if name.trim().is_empty() || !validator::ValidateEmail::validate_email(&email) {
        return Err(Error::Invalid(
            "a guest needs a name and a valid email".into(),
        ));
    }
    let name = clean::name(name, "the guest's name").map_err(|m| Error::field("name", m))?;
    let affiliation = clean::optional_name(affiliation, "the affiliation")
        .map_err(|m| Error::field("affiliation", m))?;
    db::write_tx(conn, |conn| {
        let m = get(conn, meeting_id)?;
        require_manage(actor, &m)?;
        let id: i64 = diesel::insert_into(meeting_guests::table)
            .values((
                meeting_guests::meeting_id.eq(meeting_id),
                meeting_guests::name.eq(&name),
                meeting_guests::email.eq(&email),
                meeting_guests::affiliation.eq(&affiliation),
            ))
            .returning(meeting_guests::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "meeting.guest_invited",
            Subject::new("meeting", meeting_id),
            json!({ "guest_id": id, "name": name.trim(), "email": email }),
        )
    })
}

/// The meeting a guest is invited to.
pub fn meeting_of_guest(conn: &mut DbConn, guest_id: i64) -> Result<i64, Error> {
    Ok(meeting_guests::table
        .find(guest_id)
        .select(meeting_guests::meeting_id)
        .first(conn)?)
}

pub fn set_guest_attended(
    conn: &mut DbConn,
    actor: &Actor,
    guest_id: i64,
    attended: bool,
) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let g: Guest = meeting_guests::table
            .find(guest_id)
            .select(Guest::as_select())
            .first(conn)?;
        let m = get(conn, g.meeting_id)?;
        require_manage(actor, &m)?;
        diesel::update(meeting_guests::table.find(guest_id))
            .set(meeting_guests::attended.eq(Some(attended)))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "meeting.guest_attendance",
            Subject::new("meeting", m.id),
            json!({ "guest_id": guest_id, "attended": attended }),
        )
    })
}
