//! Writing a checked import: each table's rows in a few multi-row INSERTs, not a round trip
//! per organisation and person, so 50,000 rows take seconds on either backend. What is
//! written is what adding them one by one writes: the organisations with their status and a
//! membership event, the people with their affiliation, an audit event for each, and an
//! invitation link mailed to each person (the one part still written per person: each mail
//! carries its own link).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::PlannedOrg;
use crate::audit::{self, Pending, Subject};
use crate::db::schema::{affiliations, link_tokens, membership_events, organisations, people};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::mail::outbox::Recipient;
use crate::membership::organisations::side_of;
use crate::membership::people::{INVITATION_VALID, PURPOSE_INVITATION};

/// Rows per INSERT (and names per look-up): well under either backend's limit on bound
/// parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts `rows` into `table` a chunk at a time. A multi-row INSERT is spelled per backend:
/// the shared connection type has none.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(ROWS_PER_STATEMENT) {
            let insert = diesel::insert_into($table).values(chunk);
            match &mut *$conn {
                DbConn::Sqlite(c) => insert.execute(c)?,
                DbConn::Postgres(c) => insert.execute(c)?,
            };
        }
    };
}

#[derive(Insertable)]
#[diesel(table_name = organisations)]
#[diesel(treat_none_as_default_value = false)]
struct NewOrganisation<'a> {
    name: &'a str,
    short_name: &'a str,
    sector_id: i64,
    region: &'a str,
    address: &'a str,
    website: &'a str,
    email: &'a str,
    phone: &'a str,
    needs_authorisation: bool,
    offers_venue: bool,
    status: &'a str,
    admitted_on: Option<NaiveDate>,
    fee_tier: Option<&'a str>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = membership_events)]
#[diesel(treat_none_as_default_value = false)]
struct NewEvent<'a> {
    organisation_id: i64,
    from_status: Option<&'a str>,
    to_status: &'a str,
    effective_on: NaiveDate,
    decided_by: Option<i64>,
    reason: &'a str,
    recorded_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = people)]
#[diesel(treat_none_as_default_value = false)]
struct NewPerson<'a> {
    name: &'a str,
    email: &'a str,
    password_hash: Option<&'a str>,
    active: bool,
    is_admin: bool,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = affiliations)]
#[diesel(treat_none_as_default_value = false)]
struct NewAffiliation<'a> {
    person_id: i64,
    organisation_id: i64,
    representation: Option<&'a str>,
    is_authoriser: bool,
    job_title: &'a str,
    phone: &'a str,
    since: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = link_tokens)]
#[diesel(treat_none_as_default_value = false)]
struct NewLink<'a> {
    purpose: &'a str,
    person_id: Option<i64>,
    token_hash: String,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// Writes the planned organisations and people inside the caller's transaction; returns
/// each invited person's name and address.
pub(super) fn write(
    conn: &mut DbConn,
    actor_id: i64,
    orgs: &[PlannedOrg],
    today: NaiveDate,
) -> Result<Vec<(String, String)>, Error> {
    let now = db::now();
    let actor = Some(actor_id);
    let new_orgs: Vec<NewOrganisation<'_>> = orgs
        .iter()
        .map(|o| NewOrganisation {
            name: &o.input.name,
            short_name: &o.input.short_name,
            sector_id: o.sector.id,
            region: &o.input.region,
            address: &o.input.address,
            website: &o.input.website,
            email: &o.input.email,
            phone: &o.input.phone,
            needs_authorisation: o
                .input
                .needs_authorisation
                .unwrap_or_else(|| side_of(&o.sector).needs_authorisation_by_default()),
            offers_venue: o.input.offers_venue,
            status: o.status.as_str(),
            admitted_on: o.status.participates().then_some(today),
            fee_tier: None,
            created_at: now,
        })
        .collect();
    insert_all!(conn, organisations::table, new_orgs);
    let org_ids = ids_by(
        conn,
        orgs.iter().map(|o| o.input.name.clone()).collect(),
        |conn, chunk| {
            Ok(organisations::table
                .filter(organisations::name.eq_any(chunk))
                .select((organisations::name, organisations::id))
                .load(conn)?)
        },
    )?;
    let org_id = |o: &PlannedOrg| -> Result<i64, Error> {
        org_ids
            .get(&o.input.name)
            .copied()
            .ok_or_else(|| Error::Internal(format!("imported {} is missing", o.input.name)))
    };

    let events: Vec<NewEvent<'_>> = orgs
        .iter()
        .map(|o| {
            Ok(NewEvent {
                organisation_id: org_id(o)?,
                from_status: None,
                to_status: o.status.as_str(),
                effective_on: today,
                decided_by: actor,
                reason: "imported",
                recorded_at: now,
            })
        })
        .collect::<Result<_, Error>>()?;
    insert_all!(conn, membership_events::table, events);

    let everyone: Vec<(&PlannedOrg, &crate::membership::people::PersonInput)> = orgs
        .iter()
        .flat_map(|o| o.people.iter().map(move |(_, p)| (o, p)))
        .collect();
    let new_people: Vec<NewPerson<'_>> = everyone
        .iter()
        .map(|(_, p)| NewPerson {
            name: &p.name,
            email: &p.email,
            password_hash: None,
            active: true,
            is_admin: false,
            created_at: now,
        })
        .collect();
    insert_all!(conn, people::table, new_people);
    let person_ids = ids_by(
        conn,
        everyone.iter().map(|(_, p)| p.email.clone()).collect(),
        |conn, chunk| {
            Ok(people::table
                .filter(people::email.eq_any(chunk))
                .select((people::email, people::id))
                .load(conn)?)
        },
    )?;
    let person_id = |email: &str| -> Result<i64, Error> {
        person_ids
            .get(email)
            .copied()
            .ok_or_else(|| Error::Internal(format!("imported {email} is missing")))
    };
    let new_affiliations: Vec<NewAffiliation<'_>> = everyone
        .iter()
        .map(|(o, p)| {
            Ok(NewAffiliation {
                person_id: person_id(&p.email)?,
                organisation_id: org_id(o)?,
                representation: p.representation.as_deref(),
                is_authoriser: p.is_authoriser,
                job_title: &p.job_title,
                phone: &p.phone,
                since: now,
            })
        })
        .collect::<Result<_, Error>>()?;
    insert_all!(conn, affiliations::table, new_affiliations);

    let mut trail = Vec::with_capacity(orgs.len() + 2 * everyone.len());
    for o in orgs {
        trail.push(Pending {
            actor_id: actor,
            action: "organisation.created",
            subject: Subject::new("organisation", org_id(o)?),
            details: json!({ "name": o.input.name, "sector": o.sector.name,
                             "status": o.status.as_str(), "reason": "imported" }),
        });
    }
    // Names and addresses are referenced from the events, kept apart (`audit::personal_all`).
    let mut personal = Vec::with_capacity(2 * everyone.len());
    for (_, p) in &everyone {
        let id = person_id(&p.email)?;
        personal.push((Some(id), p.name.as_str()));
        personal.push((Some(id), p.email.as_str()));
    }
    let mut references = audit::personal_all(conn, &personal)?.into_iter();
    for (o, p) in &everyone {
        let id = person_id(&p.email)?;
        let (name, email) = (references.next(), references.next());
        trail.push(Pending {
            actor_id: actor,
            action: "person.created",
            subject: Subject::new("person", id),
            details: json!({ "name": name, "email": email, "is_admin": false }),
        });
        trail.push(Pending {
            actor_id: actor,
            action: "person.affiliated",
            subject: Subject::new("person", id),
            details: json!({ "organisation_id": org_id(o)?, "representation": p.representation,
                             "is_authoriser": p.is_authoriser }),
        });
    }
    audit::record_all(conn, trail)?;

    invite_all(conn, &everyone, &person_id, now)
}

/// A link and a mail for each imported person, as `people::invite` gives one person.
fn invite_all(
    conn: &mut DbConn,
    everyone: &[(&PlannedOrg, &crate::membership::people::PersonInput)],
    person_id: &dyn Fn(&str) -> Result<i64, Error>,
    now: NaiveDateTime,
) -> Result<Vec<(String, String)>, Error> {
    let expires_at = now
        + chrono::TimeDelta::from_std(INVITATION_VALID)
            .map_err(|e| Error::Internal(format!("invitation validity: {e}")))?;
    let tokens: Vec<String> = everyone
        .iter()
        .map(|_| crate::secret::random_token(32))
        .collect();
    let links: Vec<NewLink<'_>> = everyone
        .iter()
        .zip(&tokens)
        .map(|((_, p), token)| {
            Ok(NewLink {
                purpose: PURPOSE_INVITATION,
                person_id: Some(person_id(&p.email)?),
                token_hash: crate::secret::hash_token(token),
                created_at: now,
                expires_at,
            })
        })
        .collect::<Result<_, Error>>()?;
    insert_all!(conn, link_tokens::table, links);
    let coalition = crate::mail::compose::coalition_name(conn)?;
    let list = crate::mail::compose::list_id_of(&coalition, None);
    let mut invited = Vec::with_capacity(everyone.len());
    for ((o, p), token) in everyone.iter().zip(&tokens) {
        let to = Recipient {
            name: p.name.clone(),
            email: p.email.clone(),
            person_id: Some(person_id(&p.email)?),
        };
        crate::membership::notices::invitation_to(
            conn,
            &coalition,
            &list,
            to,
            Some(&o.input.name),
            token,
        )?;
        invited.push((p.name.clone(), p.email.clone()));
    }
    Ok(invited)
}

/// The ids of rows just inserted, looked up by a unique text (a name, an email) a chunk at a
/// time.
fn ids_by(
    conn: &mut DbConn,
    keys: Vec<String>,
    look_up: impl Fn(&mut DbConn, &[String]) -> Result<Vec<(String, i64)>, Error>,
) -> Result<HashMap<String, i64>, Error> {
    let mut ids = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        ids.extend(look_up(conn, chunk)?);
    }
    Ok(ids)
}
