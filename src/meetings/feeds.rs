//! Calendar feeds: public meetings, a person's meetings (by a secret, revocable token), a
//! working group's, and one meeting. No confidential item ever appears in any of them.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::agenda;
use super::ical::{self, Event};
use super::model::Meeting;
use super::rules::{Kind, Status};
use super::store;
use crate::auth::model::Person;
use crate::db::schema::{
    affiliations, calendar_feeds, meetings, people, venues, working_group_members,
    working_group_nominees, working_groups,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::secret::{hash_token, random_token};

/// The VEVENT of a meeting. Its description lists the published agenda's public items only.
/// With an empty `base_url` (invitations by mail) it carries no link back to the site.
pub fn event(conn: &mut DbConn, m: &Meeting, base_url: &str) -> Result<Event, Error> {
    let mut description = String::new();
    if let Some((_, items)) = agenda::latest_published(conn, m.id)? {
        description.push_str("Agenda:\n");
        for (n, item) in agenda::visible(items, None).iter().enumerate() {
            description.push_str(&format!("{}. {}\n", n + 1, item.title));
        }
        description.push('\n');
    }
    if let Some(reason) = m
        .cancel_reason
        .as_deref()
        .filter(|_| store::status_of(m) == Status::Cancelled)
    {
        description.push_str(&format!("Cancelled: {reason}\n"));
    }
    if !m.online_url.is_empty() {
        description.push_str(&format!("Online: {}\n", m.online_url));
    }
    if !base_url.is_empty() {
        description.push_str(&format!("{base_url}/meetings/{}", m.id));
    }
    let mut location = match m.venue_id {
        Some(v) => {
            let (name, address): (String, String) = venues::table
                .find(v)
                .select((venues::name, venues::address))
                .first(conn)?;
            if address.is_empty() {
                name
            } else {
                format!("{name}, {address}")
            }
        }
        None => String::new(),
    };
    if location.is_empty() && !m.online_url.is_empty() {
        location = "Online".into();
    }
    let coalition = crate::coalition::get(conn)?
        .map(|c| c.name)
        .unwrap_or_else(|| "Roundtable".into());
    let kind = store::kind_of(m);
    let summary = match kind {
        Kind::Plenary | Kind::AdHoc | Kind::Extraordinary => format!("{} ({coalition})", m.title),
        Kind::WorkingGroup => m.title.clone(),
    };
    Ok(Event {
        uid: m.uid.clone(),
        sequence: m.sequence,
        stamp: m.updated_at,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        summary,
        description,
        location,
        url: (!base_url.is_empty()).then(|| format!("{base_url}/meetings/{}", m.id)),
        cancelled: store::status_of(m) == Status::Cancelled,
        organizer: None,
        attendees: Vec::new(),
    })
}

fn calendar_of(
    conn: &mut DbConn,
    name: &str,
    list: &[Meeting],
    base_url: &str,
) -> Result<String, Error> {
    let mut events = Vec::with_capacity(list.len());
    for m in list {
        events.push(event(conn, m, base_url)?);
    }
    Ok(ical::calendar(name, None, &events))
}

/// A strong validator for a feed's body.
pub fn etag(body: &str) -> String {
    format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..32]
    )
}

pub fn public_feed(conn: &mut DbConn, base_url: &str) -> Result<String, Error> {
    let list: Vec<Meeting> = meetings::table
        .filter(meetings::visibility.eq("public"))
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(conn)?;
    let name = crate::coalition::get(conn)?
        .map(|c| format!("{}: public meetings", c.name))
        .unwrap_or_else(|| "Public meetings".into());
    calendar_of(conn, &name, &list, base_url)
}

/// The person a feed token belongs to, if it is current and the person active.
pub fn feed_owner(conn: &mut DbConn, token: &str) -> Result<Option<Person>, Error> {
    Ok(people::table
        .inner_join(calendar_feeds::table)
        .filter(calendar_feeds::token_hash.eq(hash_token(token)))
        .filter(people::active.eq(true))
        .select(Person::as_select())
        .first(conn)
        .optional()?)
}

/// The groups a person follows: those of their organisation, those they are nominated to, and
/// those they convene.
pub fn groups_of_person(conn: &mut DbConn, person_id: i64) -> Result<Vec<i64>, Error> {
    let mut ids: Vec<i64> = working_group_nominees::table
        .filter(working_group_nominees::person_id.eq(person_id))
        .select(working_group_nominees::group_id)
        .load(conn)?;
    let organisation: Option<i64> = affiliations::table
        .filter(affiliations::person_id.eq(person_id))
        .select(affiliations::organisation_id)
        .first(conn)
        .optional()?;
    if let Some(o) = organisation {
        ids.extend(
            working_group_members::table
                .filter(working_group_members::organisation_id.eq(o))
                .select(working_group_members::group_id)
                .load::<i64>(conn)?,
        );
    }
    ids.extend(
        working_groups::table
            .filter(working_groups::convenor_id.eq(person_id))
            .select(working_groups::id)
            .load::<i64>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A person's feed: every coalition-wide meeting, and the meetings of their groups.
pub fn person_feed(conn: &mut DbConn, person: &Person, base_url: &str) -> Result<String, Error> {
    let groups = groups_of_person(conn, person.id)?;
    let list: Vec<Meeting> = meetings::table
        .filter(
            meetings::group_id
                .is_null()
                .or(meetings::group_id.eq_any(&groups)),
        )
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(conn)?;
    let name = crate::coalition::get(conn)?
        .map(|c| c.name)
        .unwrap_or_else(|| "Roundtable".into());
    calendar_of(conn, &name, &list, base_url)
}

pub fn group_feed(conn: &mut DbConn, group_id: i64, base_url: &str) -> Result<String, Error> {
    let group = crate::membership::groups::get(conn, group_id)?;
    let list: Vec<Meeting> = meetings::table
        .filter(meetings::group_id.eq(group_id))
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(conn)?;
    calendar_of(conn, &group.name, &list, base_url)
}

pub fn meeting_ics(conn: &mut DbConn, m: &Meeting, base_url: &str) -> Result<String, Error> {
    let e = event(conn, m, base_url)?;
    Ok(ical::calendar(&m.title, None, &[e]))
}

/// A new feed address for the person; the old one stops working.
pub fn renew_feed_token(conn: &mut DbConn, person_id: i64) -> Result<String, Error> {
    let token = random_token(24);
    db::write_tx(conn, |conn| {
        diesel::delete(calendar_feeds::table.filter(calendar_feeds::person_id.eq(person_id)))
            .execute(conn)?;
        diesel::insert_into(calendar_feeds::table)
            .values((
                calendar_feeds::person_id.eq(person_id),
                calendar_feeds::token_hash.eq(hash_token(&token)),
                calendar_feeds::created_at.eq(db::now()),
            ))
            .execute(conn)?;
        crate::audit::record(
            conn,
            Some(person_id),
            "calendar.feed_renewed",
            crate::audit::Subject::new("person", person_id),
            serde_json::json!({}),
        )?;
        Ok(token)
    })
}

pub fn has_feed(conn: &mut DbConn, person_id: i64) -> Result<bool, Error> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::person_id.eq(person_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}
