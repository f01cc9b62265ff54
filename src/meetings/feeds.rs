//! Calendar feeds: public meetings, a person's meetings (by a secret, revocable token), a
//! working group's, and one meeting. No confidential item ever appears in any of them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::agenda;
use super::ical::{self, Event};
use super::model::{AgendaItem, AgendaVersion, Meeting};
use super::rules::{Kind, Status};
use super::store;
use crate::auth::model::Person;
use crate::db::schema::{
    affiliations, agenda_versions, calendar_feeds, meetings, people, venues, working_group_members,
    working_group_nominees, working_groups,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::secret::{hash_token, random_token};

/// What the events of a feed need besides their meetings, read once for the whole feed (a
/// feed costs the same few queries whatever its length).
struct Context {
    /// The coalition's name (None before the set-up).
    coalition: Option<String>,
    /// Venue id -> (name, address).
    venues: HashMap<i64, (String, String)>,
    /// Meeting id -> the latest published agenda: when, and its items.
    agendas: HashMap<i64, (NaiveDateTime, Vec<AgendaItem>)>,
}

fn context(conn: &mut DbConn, list: &[Meeting]) -> Result<Context, Error> {
    let coalition = crate::coalition::get(conn)?.map(|c| c.name);
    let venue_ids: Vec<i64> = list.iter().filter_map(|m| m.venue_id).collect();
    let venues = venues::table
        .filter(venues::id.eq_any(&venue_ids))
        .select((venues::id, (venues::name, venues::address)))
        .load::<(i64, (String, String))>(conn)?
        .into_iter()
        .collect();
    let ids: Vec<i64> = list.iter().map(|m| m.id).collect();
    let mut agendas = HashMap::new();
    // Newest version first per meeting: the first seen is the latest.
    for v in agenda_versions::table
        .filter(agenda_versions::meeting_id.eq_any(&ids))
        .order((
            agenda_versions::meeting_id,
            agenda_versions::version_no.desc(),
        ))
        .select(AgendaVersion::as_select())
        .load(conn)?
    {
        if let std::collections::hash_map::Entry::Vacant(slot) = agendas.entry(v.meeting_id) {
            let items: Vec<AgendaItem> = serde_json::from_str(&v.items)
                .map_err(|e| Error::Internal(format!("agenda snapshot: {e}")))?;
            slot.insert((v.published_at, items));
        }
    }
    Ok(Context {
        coalition,
        venues,
        agendas,
    })
}

/// The VEVENT of a meeting. Its description lists the published agenda's public items only.
/// With an empty `base_url` (invitations by mail) it carries no link back to the site.
pub fn event(conn: &mut DbConn, m: &Meeting, base_url: &str) -> Result<Event, Error> {
    let context = context(conn, std::slice::from_ref(m))?;
    Ok(event_in(&context, m, base_url))
}

fn event_in(context: &Context, m: &Meeting, base_url: &str) -> Event {
    let mut description = String::new();
    if let Some((_, items)) = context.agendas.get(&m.id) {
        description.push_str("Agenda:\n");
        for (n, item) in agenda::visible(items.clone(), None).iter().enumerate() {
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
    let mut location = match m.venue_id.and_then(|v| context.venues.get(&v)) {
        Some((name, address)) if address.is_empty() => name.clone(),
        Some((name, address)) => format!("{name}, {address}"),
        None => String::new(),
    };
    if location.is_empty() && !m.online_url.is_empty() {
        location = "Online".into();
    }
    let coalition = context.coalition.as_deref().unwrap_or("Roundtable");
    let kind = store::kind_of(m);
    let summary = match kind {
        Kind::Plenary | Kind::AdHoc | Kind::Extraordinary => format!("{} ({coalition})", m.title),
        Kind::WorkingGroup => m.title.clone(),
    };
    Event {
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
    }
}

/// A calendar file and when what it shows last changed (for Last-Modified).
pub struct Feed {
    pub body: String,
    pub modified: Option<NaiveDateTime>,
}

/// The feed of `list`, named by `name` from the coalition's name (read with the rest).
fn calendar_of(
    conn: &mut DbConn,
    name: impl FnOnce(Option<&str>) -> String,
    list: &[Meeting],
    base_url: &str,
) -> Result<Feed, Error> {
    let context = context(conn, list)?;
    let name = name(context.coalition.as_deref());
    let events: Vec<Event> = list
        .iter()
        .map(|m| event_in(&context, m, base_url))
        .collect();
    let modified = list
        .iter()
        .map(|m| m.updated_at)
        .chain(context.agendas.values().map(|(published, _)| *published))
        .max();
    Ok(Feed {
        body: ical::calendar(&name, None, &events),
        modified,
    })
}

/// A strong validator for a feed's body.
pub fn etag(body: &str) -> String {
    format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..32]
    )
}

pub fn public_feed(conn: &mut DbConn, base_url: &str) -> Result<Feed, Error> {
    let list: Vec<Meeting> = meetings::table
        .filter(meetings::visibility.eq("public"))
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(conn)?;
    let name = |coalition: Option<&str>| match coalition {
        Some(c) => format!("{c}: public meetings"),
        None => "Public meetings".into(),
    };
    calendar_of(conn, name, &list, base_url)
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
pub fn person_feed(conn: &mut DbConn, person: &Person, base_url: &str) -> Result<Feed, Error> {
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
    let name = |coalition: Option<&str>| coalition.unwrap_or("Roundtable").to_owned();
    calendar_of(conn, name, &list, base_url)
}

pub fn group_feed(conn: &mut DbConn, group_id: i64, base_url: &str) -> Result<Feed, Error> {
    let group = crate::membership::groups::get(conn, group_id)?;
    let list: Vec<Meeting> = meetings::table
        .filter(meetings::group_id.eq(group_id))
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(conn)?;
    calendar_of(conn, |_| group.name, &list, base_url)
}

pub fn meeting_ics(conn: &mut DbConn, m: &Meeting, base_url: &str) -> Result<Feed, Error> {
    calendar_of(conn, |_| m.title.clone(), std::slice::from_ref(m), base_url)
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
