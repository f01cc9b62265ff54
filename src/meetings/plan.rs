//! The year plan: a year's plenaries by the coalition's rule, around blocked dates, previewed
//! and then confirmed. Confirming again never touches a meeting already confirmed, held or
//! cancelled, unless asked to move the ones still only planned.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use diesel::prelude::*;
use serde_json::json;

use super::dates;
use super::model::Meeting;
use super::rules::{self, Kind, ProposedDate, Status};
use super::store::{self, MeetingInput};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{meetings, venues};
use crate::db::{self, DbConn};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct Proposal {
    pub date: ProposedDate,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub venue: Option<(i64, String)>,
    /// The plenary already in the calendar for this slot, if any.
    pub existing: Option<Meeting>,
}

fn weekday(n: i32) -> Weekday {
    match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

/// Proposes venues in turn: member premises used least recently first, or neutral venues first.
fn venue_proposals(conn: &mut DbConn, count: usize) -> Result<Vec<Option<(i64, String)>>, Error> {
    let neutral_first = store::settings(conn)?.venue_rotation == "neutral_first";
    let all: Vec<(i64, String, Option<i64>)> = venues::table
        .filter(venues::active.eq(true))
        .select((venues::id, venues::name, venues::organisation_id))
        .load(conn)?;
    let pool: Vec<&(i64, String, Option<i64>)> = {
        let neutral: Vec<_> = all.iter().filter(|v| v.2.is_none()).collect();
        let premises: Vec<_> = all.iter().filter(|v| v.2.is_some()).collect();
        if neutral_first && !neutral.is_empty() {
            neutral
        } else if !premises.is_empty() {
            premises
        } else {
            neutral
        }
    };
    let mut choices: Vec<(i64, String, Option<NaiveDate>)> = Vec::new();
    for v in pool {
        let last: Option<NaiveDateTime> = meetings::table
            .filter(meetings::venue_id.eq(v.0))
            .filter(meetings::kind.eq(Kind::Plenary.as_str()))
            .select(diesel::dsl::max(meetings::starts_at))
            .first(conn)?;
        choices.push((v.0, v.1.clone(), last.map(|t| t.date())));
    }
    let mut out = Vec::new();
    for _ in 0..count {
        let pick = rules::next_venue(&choices).map(|c| (c.0, c.1.clone()));
        if let Some((id, _)) = &pick
            && let Some(c) = choices.iter_mut().find(|c| c.0 == *id)
        {
            c.2 = Some(NaiveDate::MAX);
        }
        out.push(pick);
    }
    Ok(out)
}

/// The plenaries the rule proposes for `year`, around blocked dates, with the venues in
/// rotation. A read: it changes nothing.
pub fn preview(conn: &mut DbConn, year: i32) -> Result<Vec<Proposal>, Error> {
    let s = store::settings(conn)?;
    let months = rules::parse_months(&s.plenary_months).map_err(Error::Invalid)?;
    let start = rules::parse_time(&s.plenary_start).map_err(Error::Invalid)?;
    let end = rules::parse_time(&s.plenary_end).map_err(Error::Invalid)?;
    let zone = store::default_zone(conn)?;
    let (blocked, labels) = dates::blocked_for_year(conn, year)?;
    let proposed = rules::plenary_dates(
        year,
        &months,
        weekday(s.plenary_weekday),
        s.plenary_week,
        &blocked,
        |d| labels.get(&d).cloned(),
    );
    let existing: Vec<Meeting> = meetings::table
        .filter(meetings::kind.eq(Kind::Plenary.as_str()))
        .filter(meetings::plan_year.eq(year))
        .select(Meeting::as_select())
        .load(conn)?;
    let venues = venue_proposals(conn, proposed.len())?;
    Ok(proposed
        .into_iter()
        .zip(venues)
        .map(|(date, venue)| {
            let starts_at = rules::to_utc(date.date, start, zone);
            let ends_at = rules::to_utc(date.date, end, zone);
            let month = date.rule_date.month();
            let existing = existing
                .iter()
                .find(|m| rules::local(m.starts_at, store::zone_of(m)).month() == month)
                .cloned();
            Proposal {
                date,
                starts_at,
                ends_at,
                venue,
                existing,
            }
        })
        .collect())
}

/// Creates the year's plenaries that do not exist yet. With `move_planned`, plenaries of the
/// plan still only planned (no agenda yet) move to the proposed date.
pub fn confirm(
    conn: &mut DbConn,
    actor: &Actor,
    year: i32,
    move_planned: bool,
) -> Result<(usize, usize), Error> {
    permissions::require(actor, Action::ManageMeetings)?;
    // Venues are chosen here: member premises must be current before the proposal is made.
    store::tick(conn)?;
    let proposals = preview(conn, year)?;
    let s = store::settings(conn)?;
    let start = rules::parse_time(&s.plenary_start).map_err(Error::Invalid)?;
    let end = rules::parse_time(&s.plenary_end).map_err(Error::Invalid)?;
    let zone = store::default_zone(conn)?;
    db::write_tx(conn, |conn| {
        let (mut created, mut moved) = (0, 0);
        for (n, p) in proposals.iter().enumerate() {
            let input = MeetingInput {
                kind: Kind::Plenary,
                group_id: None,
                title: format!("Plenary {} {year}", ordinal_quarter(n, proposals.len())),
                date: p.date.date,
                start,
                end,
                time_zone: Some(zone.name().to_owned()),
                venue_id: p.venue.as_ref().map(|v| v.0),
                online_url: String::new(),
                public: false,
                media_open: false,
                media_reason: String::new(),
            };
            match &p.existing {
                None => {
                    store::insert(conn, actor, &input, Some(year))?;
                    created += 1;
                }
                Some(m)
                    if move_planned
                        && store::status_of(m) == Status::Planned
                        && m.starts_at != p.starts_at =>
                {
                    diesel::update(meetings::table.find(m.id))
                        .set((
                            meetings::starts_at.eq(p.starts_at),
                            meetings::ends_at.eq(p.ends_at),
                            meetings::sequence.eq(m.sequence + 1),
                            meetings::times_moved.eq(m.times_moved + 1),
                            meetings::updated_at.eq(db::now()),
                        ))
                        .execute(conn)?;
                    moved += 1;
                }
                Some(_) => {}
            }
        }
        audit::record(
            conn,
            Some(actor.id()),
            "year_plan.confirmed",
            Subject {
                kind: "year_plan",
                id: None,
            },
            json!({ "year": year, "created": created, "moved": moved }),
        )?;
        Ok((created, moved))
    })
}

fn ordinal_quarter(n: usize, of: usize) -> String {
    if of == 4 {
        format!("Q{}", n + 1)
    } else {
        format!("{}/{of}", n + 1)
    }
}
