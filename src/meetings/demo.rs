//! The meetings part of `roundtable demo`: two years of held plenaries and working-group
//! meetings with attendance and approved minutes, this year's remaining plenaries, and the
//! rotation's history. Next year is left to plan, as a secretariat would.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use super::agenda::{self, ItemInput};
use super::minutes::{self, ActionInput};
use super::model::Meeting;
use super::rules::{Kind, Status};
use super::store::{self, MeetingInput};
use super::{attendance, plan};
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::error::Error;

const ITEMS: &[(&str, &str, i32, bool)] = &[
    (
        "Adoption of the agenda and of the last minutes",
        "Secretariat",
        10,
        false,
    ),
    (
        "Round of members: developments since the last plenary",
        "All members",
        40,
        false,
    ),
    (
        "Case review: seasonal agricultural workers (names of victims not to be recorded)",
        "Police ATU",
        30,
        true,
    ),
    ("Working groups report back", "Convenors", 30, false),
    ("Any other business", "", 10, false),
];

pub(crate) fn time(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// A meeting taken through agenda, attendance, minutes and (if `approve`) approval.
pub(crate) fn hold(
    conn: &mut DbConn,
    admin: &Actor,
    meeting_id: i64,
    seed: usize,
    approve: bool,
) -> Result<(), Error> {
    for (title, presenter, minutes, confidential) in ITEMS {
        let input = ItemInput {
            title: (*title).into(),
            presenter: (*presenter).into(),
            duration_minutes: *minutes,
            description: String::new(),
            confidential: *confidential,
        };
        agenda::add_item(conn, admin, meeting_id, &input)?;
    }
    agenda::publish(conn, admin, meeting_id)?;
    store::set_status(conn, admin, meeting_id, Status::Held, "")?;
    let m = store::get(conn, meeting_id)?;
    for (n, org) in attendance::expected(conn, &m)?.iter().enumerate() {
        // Most come; a few send apologies or stay away, differently each time.
        let status = match (n + seed) % 9 {
            0 => "apologies",
            5 if seed.is_multiple_of(2) => "absent",
            _ => "present",
        };
        let rep = crate::membership::organisations::primary_representative(conn, org.id)?
            .map(|p| crate::auth::store::find(conn, p).map(|p| p.name))
            .transpose()?
            .unwrap_or_default();
        attendance::record(
            conn,
            admin,
            meeting_id,
            org.id,
            status,
            if status == "present" { &rep } else { "" },
        )?;
    }
    minutes::save_draft(conn, admin, meeting_id, None)?;
    let text = minutes::MinutesText {
        open: "## 1. Adoption of the agenda and of the last minutes\n\n**Decisions.** Both adopted without changes.\n\n\
## 2. Round of members\n\n**Discussion.** The labour inspectorate reported joint inspections in the construction sector; the union \
reported recruitment fees charged to workers from abroad.\n\n\
## 4. Working groups report back\n\n**Decisions.** The awareness campaign's materials go to print next month.\n"
            .into(),
        confidential: Some("## 3. Case review\n\n**Discussion.** Three referrals discussed.\n".into()),
    };
    minutes::save_draft(conn, admin, meeting_id, Some(&text))?;
    if approve {
        minutes::approve(
            conn,
            admin,
            meeting_id,
            "approved at the following plenary",
            m.starts_at.date() + Duration::days(100),
        )?;
    }
    dated_as_it_happened(conn, &m, seed)
}

/// The day itself, or the Monday after a weekend.
pub(crate) fn weekday_from(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        chrono::Weekday::Sat => date + Duration::days(2),
        chrono::Weekday::Sun => date + Duration::days(1),
        _ => date,
    }
}

/// A working group's online meeting, two hours in the afternoon.
pub(crate) fn group_meeting(
    group: &crate::membership::model::WorkingGroup,
    title: String,
    date: NaiveDate,
) -> MeetingInput {
    MeetingInput {
        kind: Kind::WorkingGroup,
        group_id: Some(group.id),
        title,
        date,
        start: time(14),
        end: time(16),
        time_zone: None,
        venue_id: None,
        online_url: "https://meet.example.org/roundtable".into(),
        public: false,
        media_open: false,
        media_reason: String::new(),
    }
}

/// The services date what they do now; the demo's history is dated as it would have
/// happened: the agenda sent two weeks before (one time in four, five days before: late),
/// the minutes approved six weeks after. Evaluations count from these dates.
fn dated_as_it_happened(conn: &mut DbConn, m: &Meeting, seed: usize) -> Result<(), Error> {
    use crate::db::schema::{agenda_versions, minutes as minutes_table};
    use diesel::prelude::*;
    let days_before = if seed % 4 == 3 { 5 } else { 14 };
    diesel::update(agenda_versions::table.filter(agenda_versions::meeting_id.eq(m.id)))
        .set(agenda_versions::published_at.eq(m.starts_at - Duration::days(days_before)))
        .execute(conn)?;
    diesel::update(
        minutes_table::table
            .filter(minutes_table::meeting_id.eq(m.id))
            .filter(minutes_table::approved_at.is_not_null()),
    )
    .set(minutes_table::approved_at.eq(Some(m.starts_at + Duration::days(42))))
    .execute(conn)?;
    Ok(())
}

/// Seeds the calendar. Returns nothing; the rotation is started by the caller afterwards.
pub fn seed(conn: &mut DbConn, admin: &Actor, today: NaiveDate) -> Result<(), Error> {
    store::add_venue(
        conn,
        admin,
        "Rivertown Conference Centre",
        "1 Harbour Square, Rivertown",
        "Step-free access; interpretation booths.",
    )?;
    let this_year = today.year();
    // Plenaries of the last two years and this one, by the rule.
    for year in [this_year - 2, this_year - 1, this_year] {
        plan::confirm(conn, admin, year, false)?;
    }
    let all = store::all(conn)?;
    let mut seed_n = 0;
    for m in all.iter().filter(|m| m.kind == Kind::Plenary.as_str()) {
        seed_n += 1;
        if m.ends_at.date() < today - Duration::days(60) {
            hold(conn, admin, m.id, seed_n, true)?;
        } else if m.ends_at.date() < today {
            // The last plenary: held, minutes open for comments.
            hold(conn, admin, m.id, seed_n, false)?;
            minutes::open_comments(conn, admin, m.id, today + Duration::days(10), today)?;
            let owner = crate::auth::store::find_by_email(conn, "a.rahman@safehouse.example")?
                .map(|p| p.id);
            let inspectorate =
                crate::membership::organisations::find_by_name(conn, "Labour Inspectorate")?
                    .map(|o| o.id);
            minutes::add_action(
                conn,
                admin,
                m.id,
                &ActionInput {
                    title: "Circulate the draft referral protocol to all members".into(),
                    owner_organisation_id: None,
                    owner_person_id: owner,
                    due_on: Some(today + Duration::days(20)),
                },
            )?;
            minutes::add_action(
                conn,
                admin,
                m.id,
                &ActionInput {
                    title: "Propose dates for the joint inspection week".into(),
                    owner_organisation_id: inspectorate,
                    owner_person_id: None,
                    due_on: Some(today + Duration::days(45)),
                },
            )?;
        }
    }
    // Working-group meetings: two held, one coming.
    for (n, group) in crate::membership::groups::list(conn)?.iter().enumerate() {
        for (k, offset) in [-150i64, -60, 25].iter().enumerate() {
            let date = weekday_from(today + Duration::days(offset + n as i64 * 3));
            let input = group_meeting(group, format!("{}: meeting {}", group.name, k + 1), date);
            let m = store::create(conn, admin, &input)?;
            if *offset < 0 {
                hold(conn, admin, m.id, n + k, true)?;
            }
        }
    }
    // One public event, so the public calendar is not empty.
    let public = MeetingInput {
        kind: Kind::AdHoc,
        group_id: None,
        title: "Public launch of the awareness campaign".into(),
        date: today + Duration::days(40),
        start: time(11),
        end: time(12),
        time_zone: None,
        venue_id: Some(centre_id(conn)?),
        online_url: String::new(),
        public: true,
        media_open: true,
        media_reason: "The launch is meant for the press.".into(),
    };
    store::create(conn, admin, &public)?;
    Ok(())
}

fn centre_id(conn: &mut DbConn) -> Result<i64, Error> {
    store::venues(conn)?
        .into_iter()
        .find(|v| v.organisation_id.is_none())
        .map(|v| v.id)
        .ok_or(Error::NotFound)
}
