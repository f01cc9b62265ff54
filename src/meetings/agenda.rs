//! Agendas: ordered items, some confidential; publishing freezes the agenda as a version.

use diesel::prelude::*;
use serde_json::json;

use super::model::{AgendaItem, AgendaVersion};
use super::rules::Status;
use super::store::{self, get, require_manage};
use crate::audit::{self, Subject};
use crate::auth::permissions::Actor;
use crate::db::schema::{agenda_items, agenda_versions, meetings};
use crate::db::{self, DbConn};
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct ItemInput {
    pub title: String,
    pub presenter: String,
    pub duration_minutes: i32,
    pub description: String,
    pub confidential: bool,
}

/// The meeting an agenda item belongs to (a refused button on it comes back to that page).
pub fn meeting_of_item(conn: &mut DbConn, item_id: i64) -> Result<i64, Error> {
    Ok(agenda_items::table
        .find(item_id)
        .select(agenda_items::meeting_id)
        .first(conn)?)
}

pub fn items(conn: &mut DbConn, meeting_id: i64) -> Result<Vec<AgendaItem>, Error> {
    Ok(agenda_items::table
        .filter(agenda_items::meeting_id.eq(meeting_id))
        .order((agenda_items::position, agenda_items::id))
        .select(AgendaItem::as_select())
        .load(conn)?)
}

fn check(input: &ItemInput) -> Result<(), Error> {
    if input.title.trim().is_empty() {
        return Err(Error::field("title", "an agenda item needs a title"));
    }
    crate::clean::name(&input.title, "the title").map_err(|m| Error::field("title", m))?;
    crate::clean::optional_name(&input.presenter, "the presenter")
        .map_err(|m| Error::field("presenter", m))?;
    crate::clean::text(
        &input.description,
        "the description",
        crate::clean::limits::NOTE,
    )
    .map_err(|m| Error::field("description", m))?;
    if !(0..=600).contains(&input.duration_minutes) {
        return Err(Error::field(
            "duration_minutes",
            "an item lasts 0 to 600 minutes",
        ));
    }
    Ok(())
}

fn editable(conn: &mut DbConn, actor: &Actor, meeting_id: i64) -> Result<(), Error> {
    let m = get(conn, meeting_id)?;
    require_manage(actor, &m)?;
    match store::status_of(&m) {
        Status::Planned | Status::AgendaPublished => Ok(()),
        _ => Err(Error::Invalid(
            "the agenda of a held or cancelled meeting no longer changes".into(),
        )),
    }
}

pub fn add_item(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    input: &ItemInput,
) -> Result<(), Error> {
    check(input)?;
    db::write_tx(conn, |conn| {
        editable(conn, actor, meeting_id)?;
        let id = insert_item(conn, meeting_id, input)?;
        audit::record(
            conn,
            Some(actor.id()),
            "agenda.item_added",
            Subject::new("meeting", meeting_id),
            json!({ "item_id": id, "title": input.title.trim(), "confidential": input.confidential }),
        )
    })
}

/// Adds an item that a procedure puts on a meeting's agenda (a complaint's hearing or its
/// referral, confidential; an evaluation report to discuss), inside the caller's
/// transaction: the procedure decided who may, and the meeting must still be planned.
pub fn add_item_for_procedure(
    conn: &mut DbConn,
    meeting_id: i64,
    title: &str,
    description: &str,
    confidential: bool,
) -> Result<i64, Error> {
    let m = get(conn, meeting_id)?;
    if !matches!(
        store::status_of(&m),
        Status::Planned | Status::AgendaPublished
    ) {
        return Err(Error::field(
            "meeting_id",
            "choose a meeting that is still planned",
        ));
    }
    let input = ItemInput {
        title: title.to_owned(),
        description: description.to_owned(),
        presenter: String::new(),
        duration_minutes: 15,
        confidential,
    };
    let id = insert_item(conn, meeting_id, &input)?;
    audit::record(
        conn,
        None,
        "agenda.item_added",
        Subject::new("meeting", meeting_id),
        json!({ "item_id": id, "title": title, "confidential": confidential }),
    )?;
    Ok(id)
}

fn insert_item(conn: &mut DbConn, meeting_id: i64, input: &ItemInput) -> Result<i64, Error> {
    {
        let last: Option<i32> = agenda_items::table
            .filter(agenda_items::meeting_id.eq(meeting_id))
            .select(diesel::dsl::max(agenda_items::position))
            .first(conn)?;
        let id: i64 = diesel::insert_into(agenda_items::table)
            .values((
                agenda_items::meeting_id.eq(meeting_id),
                agenda_items::position.eq(last.unwrap_or(0) + 1),
                agenda_items::title.eq(input.title.trim()),
                agenda_items::presenter.eq(input.presenter.trim()),
                agenda_items::duration_minutes.eq(input.duration_minutes),
                agenda_items::description.eq(input.description.trim()),
                agenda_items::confidential.eq(input.confidential),
            ))
            .returning(agenda_items::id)
            .get_result(conn)?;
        Ok(id)
    }
}

/// Changes an item of the agenda in preparation; returns its meeting. The published version
/// stays as it was until the agenda is published again.
pub fn update_item(
    conn: &mut DbConn,
    actor: &Actor,
    item_id: i64,
    input: &ItemInput,
) -> Result<i64, Error> {
    check(input)?;
    db::write_tx(conn, |conn| {
        let item: AgendaItem = agenda_items::table
            .find(item_id)
            .select(AgendaItem::as_select())
            .first(conn)?;
        editable(conn, actor, item.meeting_id)?;
        diesel::update(agenda_items::table.find(item_id))
            .set((
                agenda_items::title.eq(input.title.trim()),
                agenda_items::presenter.eq(input.presenter.trim()),
                agenda_items::duration_minutes.eq(input.duration_minutes),
                agenda_items::description.eq(input.description.trim()),
                agenda_items::confidential.eq(input.confidential),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "agenda.item_changed",
            Subject::new("meeting", item.meeting_id),
            json!({ "item_id": item_id, "title": input.title.trim(), "confidential": input.confidential }),
        )?;
        Ok(item.meeting_id)
    })
}

pub fn remove_item(conn: &mut DbConn, actor: &Actor, item_id: i64) -> Result<i64, Error> {
    db::write_tx(conn, |conn| {
        let item: AgendaItem = agenda_items::table
            .find(item_id)
            .select(AgendaItem::as_select())
            .first(conn)?;
        editable(conn, actor, item.meeting_id)?;
        diesel::delete(agenda_items::table.find(item_id)).execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "agenda.item_removed",
            Subject::new("meeting", item.meeting_id),
            json!({ "item_id": item_id, "title": item.title, "confidential": item.confidential }),
        )?;
        Ok(item.meeting_id)
    })
}

/// Moves an item one place up (or down), swapping with its neighbour.
pub fn move_item(conn: &mut DbConn, actor: &Actor, item_id: i64, up: bool) -> Result<i64, Error> {
    db::write_tx(conn, |conn| {
        let item: AgendaItem = agenda_items::table
            .find(item_id)
            .select(AgendaItem::as_select())
            .first(conn)?;
        editable(conn, actor, item.meeting_id)?;
        let all = items(conn, item.meeting_id)?;
        let index = all
            .iter()
            .position(|i| i.id == item_id)
            .ok_or(Error::NotFound)?;
        let other = if up {
            index.checked_sub(1)
        } else {
            Some(index + 1).filter(|i| *i < all.len())
        };
        if let Some(other) = other.map(|o| &all[o]) {
            diesel::update(agenda_items::table.find(item.id))
                .set(agenda_items::position.eq(other.position))
                .execute(conn)?;
            diesel::update(agenda_items::table.find(other.id))
                .set(agenda_items::position.eq(item.position))
                .execute(conn)?;
            if other.position == item.position {
                // Equal positions (never expected): give the moved item a distinct one.
                diesel::update(agenda_items::table.find(item.id))
                    .set(agenda_items::position.eq(if up {
                        item.position - 1
                    } else {
                        item.position + 1
                    }))
                    .execute(conn)?;
            }
        }
        Ok(item.meeting_id)
    })
}

/// Publishes the agenda as it stands: a frozen, numbered version. Later edits need publishing
/// again, which makes the next version.
pub fn publish(conn: &mut DbConn, actor: &Actor, meeting_id: i64) -> Result<AgendaVersion, Error> {
    db::write_tx(conn, |conn| publish_in_tx(conn, actor, meeting_id))
}

pub(crate) fn publish_in_tx(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
) -> Result<AgendaVersion, Error> {
    editable(conn, actor, meeting_id)?;
    let current = items(conn, meeting_id)?;
    if current.is_empty() {
        return Err(Error::Invalid("the agenda has no items yet".into()));
    }
    let last: Option<i32> = agenda_versions::table
        .filter(agenda_versions::meeting_id.eq(meeting_id))
        .select(diesel::dsl::max(agenda_versions::version_no))
        .first(conn)?;
    let version_no = last.unwrap_or(0) + 1;
    let frozen = serde_json::to_string(&current)
        .map_err(|e| Error::Internal(format!("agenda snapshot: {e}")))?;
    if let Some((latest, _)) = latest_published(conn, meeting_id)? {
        // Publishing the same agenda again would mail every invitee for nothing.
        if latest.items == frozen {
            return Err(Error::Invalid(format!(
                "the agenda has not changed since version {} was published: nothing was sent again",
                latest.version_no
            )));
        }
        // A changed agenda is a changed invitation: calendars take it only with a higher
        // SEQUENCE (RFC 5546).
        diesel::update(meetings::table.find(meeting_id))
            .set((
                meetings::sequence.eq(meetings::sequence + 1),
                meetings::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
    }
    let id: i64 = diesel::insert_into(agenda_versions::table)
        .values((
            agenda_versions::meeting_id.eq(meeting_id),
            agenda_versions::version_no.eq(version_no),
            agenda_versions::items.eq(&frozen),
            agenda_versions::published_by.eq(actor.id()),
            agenda_versions::published_at.eq(db::now()),
        ))
        .returning(agenda_versions::id)
        .get_result(conn)?;
    if store::status_of(&get(conn, meeting_id)?) == Status::Planned {
        store::set_status_in_tx(conn, actor, meeting_id, Status::AgendaPublished, "")?;
    }
    // The agenda and its invitation go out with the publication, or neither does.
    let mailed = super::notices::agenda_published(conn, meeting_id)?;
    audit::record(
        conn,
        Some(actor.id()),
        "agenda.published",
        Subject::new("meeting", meeting_id),
        json!({ "version_no": version_no, "items": current.len(), "mailed_to": mailed }),
    )?;
    Ok(agenda_versions::table
        .find(id)
        .select(AgendaVersion::as_select())
        .first(conn)?)
}

pub fn versions(conn: &mut DbConn, meeting_id: i64) -> Result<Vec<AgendaVersion>, Error> {
    Ok(agenda_versions::table
        .filter(agenda_versions::meeting_id.eq(meeting_id))
        .order(agenda_versions::version_no.desc())
        .select(AgendaVersion::as_select())
        .load(conn)?)
}

/// Which of these meetings have a published agenda: one query.
pub fn published_among(conn: &mut DbConn, meeting_ids: &[i64]) -> Result<Vec<i64>, Error> {
    Ok(agenda_versions::table
        .filter(agenda_versions::meeting_id.eq_any(meeting_ids))
        .select(agenda_versions::meeting_id)
        .distinct()
        .load(conn)?)
}

pub fn latest_published(
    conn: &mut DbConn,
    meeting_id: i64,
) -> Result<Option<(AgendaVersion, Vec<AgendaItem>)>, Error> {
    let Some(v) = versions(conn, meeting_id)?.into_iter().next() else {
        return Ok(None);
    };
    let items: Vec<AgendaItem> = serde_json::from_str(&v.items)
        .map_err(|e| Error::Internal(format!("agenda snapshot: {e}")))?;
    Ok(Some((v, items)))
}

/// The items a reader may see: confidential ones only for those entitled.
pub fn visible(items: Vec<AgendaItem>, actor: Option<&Actor>) -> Vec<AgendaItem> {
    let entitled = crate::auth::visibility::sees_confidential(actor);
    items
        .into_iter()
        .filter(|i| entitled || !i.confidential)
        .collect()
}
