//! The panel: proposed by the system from the full members' people (least recently served
//! first, the sides balanced, nobody from a party, nobody of the secretariat when it is a
//! party), appointed by the secretariat, each member declaring no conflict of interest
//! before the content opens to them, or declining and being replaced.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::PanelSeat;
use super::rules::{self, About, Candidate, Seat};
use super::store::{self, Case};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::visibility::ComplaintSight;
use crate::db::schema::{
    affiliations, complaint_committee, complaint_panel, organisations, people, sectors,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::membership::rules::Side;

/// A proposed or possible panel member, with names for the form.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub candidate: Candidate,
    pub name: String,
    pub organisation: String,
}

/// Everyone who may sit on this case's panel, before balancing: active people of full
/// members (or of the standing committee), not already asked for this case, not of a party
/// or of an organisation already seated, not of the secretariat's holders when it is a
/// party.
pub fn eligible(
    conn: &mut DbConn,
    case: &Case,
    today: NaiveDate,
) -> Result<(Vec<Proposed>, Vec<i64>), Error> {
    let settings = store::settings(conn)?;
    let rows: Vec<(i64, String, i64, String, String)> = people::table
        .inner_join(affiliations::table.inner_join(organisations::table.inner_join(sectors::table)))
        .filter(people::active.eq(true))
        .filter(organisations::status.eq("full"))
        .select((
            people::id,
            people::name,
            organisations::id,
            organisations::name,
            sectors::side,
        ))
        .load(conn)?;
    let committee: Option<Vec<i64>> = if settings.standing_committee {
        Some(
            complaint_committee::table
                .select(complaint_committee::person_id)
                .load(conn)?,
        )
    } else {
        None
    };
    let last_served: HashMap<i64, chrono::NaiveDateTime> = complaint_panel::table
        .filter(complaint_panel::status.eq("serving"))
        .group_by(complaint_panel::person_id)
        .select((
            complaint_panel::person_id,
            diesel::dsl::max(complaint_panel::appointed_at),
        ))
        .load::<(i64, Option<chrono::NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(p, t)| Some((p, t?)))
        .collect();
    let c = &case.complaint;
    let mut excluded: Vec<i64> = c
        .complainant_org
        .into_iter()
        .chain(c.respondent_org)
        .collect();
    let secretariat_party = c.complainant_org.is_none() || store::about_of(c) == About::Secretariat;
    if secretariat_party
        && let Some((_, holders)) = crate::secretariat::store::holders_on(conn, today)?
    {
        excluded.extend(holders);
    }
    if let Some(filer) = c.filed_by {
        let filer_orgs: Vec<i64> = affiliations::table
            .filter(affiliations::person_id.eq(filer))
            .select(affiliations::organisation_id)
            .load(conn)?;
        excluded.extend(filer_orgs);
    }
    let asked: Vec<i64> = case.panel.iter().map(|s| s.person_id).collect();
    excluded.extend(
        case.panel
            .iter()
            .filter(|s| s.status != "declined")
            .map(|s| s.organisation_id),
    );
    let people = rows
        .into_iter()
        .filter(|(person, ..)| !asked.contains(person))
        .filter(|(person, ..)| committee.as_ref().is_none_or(|c| c.contains(person)))
        .filter_map(|(person_id, name, organisation_id, organisation, side)| {
            Some(Proposed {
                candidate: Candidate {
                    person_id,
                    organisation_id,
                    side: Side::parse(&side)?,
                    last_served: last_served.get(&person_id).copied(),
                },
                name,
                organisation,
            })
        })
        .collect();
    Ok((people, excluded))
}

/// Seats still to fill: the panel's size less those asked or serving.
pub fn open_seats(conn: &mut DbConn, case: &Case) -> Result<usize, Error> {
    let size = usize::try_from(store::settings(conn)?.panel_size).unwrap_or(3);
    let taken = case.panel.iter().filter(|s| s.status != "declined").count();
    Ok(size.saturating_sub(taken))
}

/// The system's proposal for the open seats (the secretariat's to appoint or change).
pub fn proposal(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Vec<Proposed>, Error> {
    permissions::require(actor, Action::KeepComplaintsRegister)?;
    let case = store::case(conn, actor, id)?;
    let seats = open_seats(conn, &case)?;
    let (people, excluded) = eligible(conn, &case, today)?;
    let candidates: Vec<Candidate> = people.iter().map(|p| p.candidate.clone()).collect();
    Ok(rules::propose_panel(&candidates, &excluded, seats)
        .into_iter()
        .filter_map(|c| {
            people
                .iter()
                .find(|p| p.candidate.person_id == c.person_id)
                .cloned()
        })
        .collect())
}

/// The people who could take a seat (for the secretariat's choice), least recently served
/// first.
pub fn choices(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Vec<Proposed>, Error> {
    permissions::require(actor, Action::KeepComplaintsRegister)?;
    let case = store::case(conn, actor, id)?;
    let (mut people, excluded) = eligible(conn, &case, today)?;
    people.retain(|p| !excluded.contains(&p.candidate.organisation_id));
    people.sort_by_key(|p| (p.candidate.last_served, p.name.clone()));
    Ok(people)
}

/// What the secretariat's appointing form needs, from one reading of who is eligible: the
/// open seats, everyone who could take one (least recently served first) and the system's
/// proposal for them.
pub fn for_appointing(
    conn: &mut DbConn,
    case: &Case,
    today: NaiveDate,
) -> Result<(usize, Vec<Proposed>, Vec<i64>), Error> {
    let seats = open_seats(conn, case)?;
    if seats == 0 {
        return Ok((0, Vec::new(), Vec::new()));
    }
    let (mut people, excluded) = eligible(conn, case, today)?;
    let candidates: Vec<Candidate> = people.iter().map(|p| p.candidate.clone()).collect();
    let proposed = rules::propose_panel(&candidates, &excluded, seats)
        .into_iter()
        .map(|c| c.person_id)
        .collect();
    people.retain(|p| !excluded.contains(&p.candidate.organisation_id));
    people.sort_by_key(|p| (p.candidate.last_served, p.name.clone()));
    Ok((seats, people, proposed))
}

/// The secretariat appoints people to the open seats; each is asked to declare.
pub fn appoint(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    person_ids: &[i64],
    today: NaiveDate,
) -> Result<Vec<PanelSeat>, Error> {
    permissions::require(actor, Action::KeepComplaintsRegister)?;
    if person_ids.is_empty() {
        return Err(Error::field("person_id", "choose at least one person"));
    }
    db::write_tx(conn, |conn| {
        let case = store::case(conn, actor, id)?;
        if !case.stage().is_open() {
            return Err(Error::Invalid(format!(
                "the panel of a case that is {} no longer changes",
                case.stage().label()
            )));
        }
        let seats = open_seats(conn, &case)?;
        if person_ids.len() > seats {
            return Err(Error::field(
                "person_id",
                format!("the panel has {seats} open seat(s); choose at most that many"),
            ));
        }
        let (people, excluded) = eligible(conn, &case, today)?;
        let mut organisations_taken = Vec::new();
        for person_id in person_ids {
            let Some(p) = people.iter().find(|p| p.candidate.person_id == *person_id) else {
                return Err(Error::field(
                    "person_id",
                    "choose people of full members who are not parties and not already asked",
                ));
            };
            if excluded.contains(&p.candidate.organisation_id)
                || organisations_taken.contains(&p.candidate.organisation_id)
            {
                return Err(Error::field(
                    "person_id",
                    format!(
                        "{} cannot sit: {} is a party or already on the panel",
                        p.name, p.organisation
                    ),
                ));
            }
            organisations_taken.push(p.candidate.organisation_id);
            diesel::insert_into(complaint_panel::table)
                .values((
                    complaint_panel::complaint_id.eq(id),
                    complaint_panel::person_id.eq(p.candidate.person_id),
                    complaint_panel::organisation_id.eq(p.candidate.organisation_id),
                    complaint_panel::side.eq(p.candidate.side.as_str()),
                    complaint_panel::status.eq("appointed"),
                    complaint_panel::appointed_at.eq(db::now()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                Some(actor.id()),
                "complaint.panel_appointed",
                Subject::new("complaint", id),
                json!({ "reference": case.complaint.reference, "person_id": p.candidate.person_id }),
            )?;
            super::notices::update_to(conn, &case.complaint, p.candidate.person_id)?;
        }
        store::panel(conn, id)
    })
}

/// An appointed member declares no conflict of interest (and serves: the content opens to
/// them) or declines (the secretariat is told, to appoint someone else).
pub fn declare(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    no_conflict: bool,
    today: NaiveDate,
) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let case = store::case(conn, actor, id)?;
        if case.sight == ComplaintSight::Nothing {
            return Err(Error::NotFound);
        }
        if case.standing.seat != Seat::Appointed {
            return Err(Error::NotFor("the panel members asked to declare"));
        }
        let status = if no_conflict { "serving" } else { "declined" };
        diesel::update(
            complaint_panel::table
                .filter(complaint_panel::complaint_id.eq(id))
                .filter(complaint_panel::person_id.eq(actor.id()))
                .filter(complaint_panel::status.eq("appointed")),
        )
        .set((
            complaint_panel::status.eq(status),
            complaint_panel::answered_at.eq(Some(db::now())),
        ))
        .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            if no_conflict {
                "complaint.panel_declared"
            } else {
                "complaint.panel_declined"
            },
            Subject::new("complaint", id),
            json!({ "reference": case.complaint.reference }),
        )?;
        if !no_conflict {
            super::notices::to_secretariat(conn, &case.complaint, today)?;
        }
        Ok(())
    })
}
