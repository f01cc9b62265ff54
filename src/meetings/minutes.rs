//! Minutes: a draft, a comment period for members, approval (at the next meeting or by the
//! secretariat after the comment deadline); approved minutes never change, corrections are
//! addenda. And the action items a meeting decides.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::agenda;
use super::model::{ActionItem, Addendum, MinuteComment, Minutes};
use super::rules::Status;
use super::store::{self, get, require_manage};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{action_items, minute_addenda, minute_comments, minutes};
use crate::db::{self, DbConn};
use crate::error::Error;

pub fn of_meeting(conn: &mut DbConn, meeting_id: i64) -> Result<Option<Minutes>, Error> {
    Ok(minutes::table
        .filter(minutes::meeting_id.eq(meeting_id))
        .select(Minutes::as_select())
        .first(conn)
        .optional()?)
}

/// The text of minutes in its two parts: what everyone who may read the meeting reads, and
/// what only those entitled to confidential matters read. A writer who may not read the
/// confidential part (a convenor of another side, say) sends `None` and leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinutesText {
    pub open: String,
    pub confidential: Option<String>,
}

/// The draft begins with a section per agenda item, discussion and decisions; the sections
/// of confidential items begin in the confidential part.
fn skeleton(conn: &mut DbConn, meeting_id: i64) -> Result<MinutesText, Error> {
    let items = match agenda::latest_published(conn, meeting_id)? {
        Some((_, items)) => items,
        None => agenda::items(conn, meeting_id)?,
    };
    let mut text = MinutesText::default();
    for (n, item) in items.iter().enumerate() {
        let part = if item.confidential {
            text.confidential.get_or_insert_with(String::new)
        } else {
            &mut text.open
        };
        part.push_str(&format!(
            "## {}. {}\n\n**Discussion.** \n\n**Decisions.** \n\n",
            n + 1,
            item.title
        ));
    }
    Ok(text)
}

/// Starts the minutes of a held meeting (from the agenda when no text is given), or saves
/// the draft's new text.
pub fn save_draft(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    text: Option<&MinutesText>,
) -> Result<Minutes, Error> {
    db::write_tx(conn, |conn| {
        let m = get(conn, meeting_id)?;
        require_manage(actor, &m)?;
        if store::status_of(&m) != Status::Held && store::status_of(&m) != Status::MinutesApproved {
            return Err(Error::Invalid(
                "minutes are written once the meeting has been held (mark it as held first)".into(),
            ));
        }
        match of_meeting(conn, meeting_id)? {
            Some(existing) if existing.status == "approved" => Err(Error::Invalid(
                "approved minutes never change; add an addendum instead".into(),
            )),
            Some(existing) => {
                let open = text.map_or(existing.body.as_str(), |t| t.open.as_str());
                let confidential = text
                    .and_then(|t| t.confidential.as_deref())
                    .unwrap_or(&existing.confidential_body);
                diesel::update(minutes::table.find(existing.id))
                    .set((
                        minutes::body.eq(open),
                        minutes::confidential_body.eq(confidential),
                        minutes::updated_at.eq(db::now()),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    Some(actor.id()),
                    "minutes.edited",
                    Subject::new("meeting", meeting_id),
                    json!({ "length": open.len(), "confidential_length": confidential.len() }),
                )?;
                Ok(minutes::table
                    .find(existing.id)
                    .select(Minutes::as_select())
                    .first(conn)?)
            }
            None => {
                let text = match text {
                    Some(t) => t.clone(),
                    None => skeleton(conn, meeting_id)?,
                };
                diesel::insert_into(minutes::table)
                    .values((
                        minutes::meeting_id.eq(meeting_id),
                        minutes::body.eq(&text.open),
                        minutes::confidential_body.eq(text.confidential.unwrap_or_default()),
                        minutes::status.eq("draft"),
                        minutes::updated_at.eq(db::now()),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    Some(actor.id()),
                    "minutes.started",
                    Subject::new("meeting", meeting_id),
                    json!({}),
                )?;
                of_meeting(conn, meeting_id)?.ok_or(Error::NotFound)
            }
        }
    })
}

/// Splits a text whose confidential sections were marked only by a "(confidential)" heading,
/// as the first release kept them: each such section, to the next heading, goes to the
/// confidential part. Pure, for the data upgrade.
pub fn split_marked(body: &str) -> MinutesText {
    let mut open = String::new();
    let mut confidential = String::new();
    let mut in_confidential = false;
    for line in body.split_inclusive('\n') {
        if line.trim_start().starts_with('#') {
            in_confidential = line.to_lowercase().contains("(confidential)");
        }
        if in_confidential {
            confidential.push_str(line);
        } else {
            open.push_str(line);
        }
    }
    MinutesText {
        open,
        confidential: Some(confidential),
    }
}

/// The data upgrade of `split_marked`: minutes with a marked heading and no confidential
/// part yet. Returns how many were split; reads first and writes only when there are any.
pub fn separate_marked_sections(conn: &mut DbConn) -> Result<usize, Error> {
    let marked = || {
        minutes::table
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "lower(body) LIKE '%(confidential)%'",
            ))
            .filter(minutes::confidential_body.eq(""))
            .select(Minutes::as_select())
    };
    if marked().first(conn).optional()?.is_none() {
        return Ok(0);
    }
    db::write_tx(conn, |conn| {
        let all: Vec<Minutes> = marked().load(conn)?;
        for m in &all {
            let text = split_marked(&m.body);
            diesel::update(minutes::table.find(m.id))
                .set((
                    minutes::body.eq(&text.open),
                    minutes::confidential_body.eq(text.confidential.unwrap_or_default()),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                None,
                "minutes.confidential_part_separated",
                Subject::new("meeting", m.meeting_id),
                json!({ "reason": "upgrade: sections marked confidential by their heading" }),
            )?;
        }
        Ok(all.len())
    })
}

/// Opens the draft to the members' comments until `deadline`.
pub fn open_comments(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    if deadline <= today {
        return Err(Error::Invalid(
            "the comment deadline must be in the future".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let m = get(conn, meeting_id)?;
        require_manage(actor, &m)?;
        let draft = of_meeting(conn, meeting_id)?
            .ok_or_else(|| Error::Invalid("write the draft first".into()))?;
        if draft.status == "approved" {
            return Err(Error::Invalid("these minutes are already approved".into()));
        }
        diesel::update(minutes::table.find(draft.id))
            .set((
                minutes::status.eq("in_comment"),
                minutes::comment_deadline.eq(Some(deadline)),
                minutes::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        super::notices::minutes(conn, meeting_id, Some(deadline))?;
        audit::record(
            conn,
            Some(actor.id()),
            "minutes.comments_opened",
            Subject::new("meeting", meeting_id),
            json!({ "deadline": deadline }),
        )
    })
}

pub fn comment(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    body: &str,
    today: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ViewDirectory)?;
    if body.trim().is_empty() {
        return Err(Error::Invalid("write your comment".into()));
    }
    let body = crate::clean::text(body, "your comment", crate::clean::limits::COMMENT)
        .map_err(|m| Error::field("body", m))?;
    db::write_tx(conn, |conn| {
        let hour_ago = db::now() - chrono::TimeDelta::hours(1);
        let recent: i64 = minute_comments::table
            .filter(minute_comments::person_id.eq(actor.id()))
            .filter(minute_comments::created_at.gt(hour_ago))
            .count()
            .get_result(conn)?;
        crate::clean::comment_rate(recent).map_err(Error::Throttled)?;
        let draft = of_meeting(conn, meeting_id)?.ok_or(Error::NotFound)?;
        let open =
            draft.status == "in_comment" && draft.comment_deadline.is_some_and(|d| today <= d);
        if !open {
            return Err(Error::Invalid(
                "these minutes are not open for comments".into(),
            ));
        }
        diesel::insert_into(minute_comments::table)
            .values((
                minute_comments::minutes_id.eq(draft.id),
                minute_comments::person_id.eq(actor.id()),
                minute_comments::body.eq(body.trim()),
                minute_comments::created_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "minutes.commented",
            Subject::new("meeting", meeting_id),
            json!({}),
        )
    })
}

/// A meeting's minutes with their comments, oldest first: one query.
pub fn with_comments(
    conn: &mut DbConn,
    meeting_id: i64,
) -> Result<Option<(Minutes, Vec<MinuteComment>)>, Error> {
    let rows: Vec<(Minutes, Option<MinuteComment>)> = minutes::table
        .left_join(minute_comments::table)
        .filter(minutes::meeting_id.eq(meeting_id))
        .order(minute_comments::created_at)
        .select((
            Minutes::as_select(),
            minute_comments::all_columns.nullable(),
        ))
        .load(conn)?;
    let mut found: Option<(Minutes, Vec<MinuteComment>)> = None;
    for (m, comment) in rows {
        let (_, comments) = found.get_or_insert_with(|| (m, Vec::new()));
        comments.extend(comment);
    }
    Ok(found)
}

/// Approves the minutes: at a later meeting (say which in the note), or by the secretariat once
/// the comment deadline has passed. The meeting's status follows.
pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    note: &str,
    today: NaiveDate,
) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let m = get(conn, meeting_id)?;
        require_manage(actor, &m)?;
        let draft = of_meeting(conn, meeting_id)?
            .ok_or_else(|| Error::Invalid("there are no minutes to approve".into()))?;
        if draft.status == "approved" {
            return Err(Error::Conflict("these minutes are already approved".into()));
        }
        let deadline_passed = draft.comment_deadline.is_some_and(|d| d < today);
        if !deadline_passed && note.trim().is_empty() {
            return Err(Error::Invalid(
                "before the comment deadline has passed, minutes are approved at a meeting: say which one in the note".into(),
            ));
        }
        diesel::update(minutes::table.find(draft.id))
            .set((
                minutes::status.eq("approved"),
                minutes::approved_at.eq(Some(db::now())),
                minutes::approved_by.eq(Some(actor.id())),
                minutes::approval_note.eq(note.trim()),
            ))
            .execute(conn)?;
        store::set_status_in_tx(conn, actor, meeting_id, Status::MinutesApproved, "")?;
        audit::record(
            conn,
            Some(actor.id()),
            "minutes.approved",
            Subject::new("meeting", meeting_id),
            json!({ "note": note.trim() }),
        )?;
        // The approval's own event is the head now: kept with the minutes and mailed, every
        // member holds a witness of the record at this moment.
        let (seq, hash) = audit::head(conn)?.ok_or(Error::NotFound)?;
        diesel::update(minutes::table.filter(minutes::meeting_id.eq(meeting_id)))
            .set((
                minutes::approval_audit_seq.eq(seq),
                minutes::approval_audit_hash.eq(&hash),
            ))
            .execute(conn)?;
        super::notices::minutes(conn, meeting_id, None)?;
        Ok(())
    })
}

/// Corrects approved minutes. A confidential addendum is read only by those entitled to
/// confidential matters; the audit record keeps its length, not its text.
pub fn add_addendum(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    body: &str,
    confidential: bool,
) -> Result<(), Error> {
    if body.trim().is_empty() {
        return Err(Error::Invalid("write the correction".into()));
    }
    db::write_tx(conn, |conn| {
        let m = get(conn, meeting_id)?;
        require_manage(actor, &m)?;
        let approved = of_meeting(conn, meeting_id)?
            .filter(|x| x.status == "approved")
            .ok_or_else(|| {
                Error::Invalid("addenda correct approved minutes; a draft is simply edited".into())
            })?;
        diesel::insert_into(minute_addenda::table)
            .values((
                minute_addenda::minutes_id.eq(approved.id),
                minute_addenda::body.eq(body.trim()),
                minute_addenda::created_by.eq(Some(actor.id())),
                minute_addenda::created_at.eq(db::now()),
                minute_addenda::confidential.eq(confidential),
            ))
            .execute(conn)?;
        let details = if confidential {
            json!({ "confidential": true, "length": body.trim().len() })
        } else {
            json!({ "text": body.trim() })
        };
        audit::record(
            conn,
            Some(actor.id()),
            "minutes.addendum",
            Subject::new("meeting", meeting_id),
            details,
        )
    })
}

pub fn addenda(conn: &mut DbConn, minutes_id: i64) -> Result<Vec<Addendum>, Error> {
    Ok(minute_addenda::table
        .filter(minute_addenda::minutes_id.eq(minutes_id))
        .order(minute_addenda::created_at)
        .select(Addendum::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone)]
pub struct ActionInput {
    pub title: String,
    pub owner_organisation_id: Option<i64>,
    pub owner_person_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
}

pub fn add_action(
    conn: &mut DbConn,
    actor: &Actor,
    meeting_id: i64,
    input: &ActionInput,
) -> Result<(), Error> {
    if input.title.trim().is_empty() {
        return Err(Error::Invalid("an action item needs a title".into()));
    }
    if input.owner_organisation_id.is_none() && input.owner_person_id.is_none() {
        return Err(Error::Invalid(
            "name who owns the action: an organisation or a person".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let m = get(conn, meeting_id)?;
        require_manage(actor, &m)?;
        // An owner that does not exist is a refusal, not a database error.
        let unknown = |e: Error| match e {
            Error::NotFound => Error::Invalid("choose the owner from the lists".into()),
            other => other,
        };
        if let Some(o) = input.owner_organisation_id {
            crate::membership::organisations::get(conn, o).map_err(unknown)?;
        }
        if let Some(p) = input.owner_person_id {
            crate::auth::store::find(conn, p).map_err(unknown)?;
        }
        let id: i64 = diesel::insert_into(action_items::table)
            .values((
                action_items::meeting_id.eq(meeting_id),
                action_items::title.eq(input.title.trim()),
                action_items::owner_organisation_id.eq(input.owner_organisation_id),
                action_items::owner_person_id.eq(input.owner_person_id),
                action_items::due_on.eq(input.due_on),
                action_items::status.eq("open"),
                action_items::created_at.eq(db::now()),
                action_items::updated_at.eq(db::now()),
            ))
            .returning(action_items::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "action.added",
            Subject::new("action_item", id),
            json!({ "meeting_id": meeting_id, "title": input.title.trim(), "due_on": input.due_on }),
        )
    })
}

/// Closes or reopens an action item: its owner or whoever manages the meeting may.
/// The meeting that decided an action item.
pub fn meeting_of_action(conn: &mut DbConn, action_id: i64) -> Result<i64, Error> {
    Ok(action_items::table
        .find(action_id)
        .select(action_items::meeting_id)
        .first(conn)?)
}

pub fn set_action_status(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    status: &str,
) -> Result<i64, Error> {
    if !matches!(status, "open" | "done" | "dropped") {
        return Err(Error::Invalid(format!(
            "{status:?} is not open, done or dropped"
        )));
    }
    db::write_tx(conn, |conn| {
        let item: ActionItem = action_items::table
            .find(id)
            .select(ActionItem::as_select())
            .first(conn)?;
        let m = get(conn, item.meeting_id)?;
        let owner = item.owner_person_id == Some(actor.id())
            || item
                .owner_organisation_id
                .is_some_and(|o| actor.has(&crate::auth::Role::Member { organisation_id: o }));
        if !owner {
            require_manage(actor, &m)?;
        }
        diesel::update(action_items::table.find(id))
            .set((
                action_items::status.eq(status),
                action_items::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "action.status_changed",
            Subject::new("action_item", id),
            json!({ "status": status }),
        )?;
        Ok(item.meeting_id)
    })
}

pub fn actions_of_meeting(conn: &mut DbConn, meeting_id: i64) -> Result<Vec<ActionItem>, Error> {
    Ok(action_items::table
        .filter(action_items::meeting_id.eq(meeting_id))
        .order(action_items::id)
        .select(ActionItem::as_select())
        .load(conn)?)
}

/// Every open action item, earliest due first.
pub fn open_actions(conn: &mut DbConn) -> Result<Vec<ActionItem>, Error> {
    let mut items: Vec<ActionItem> = action_items::table
        .filter(action_items::status.eq("open"))
        .select(ActionItem::as_select())
        .load(conn)?;
    items.sort_by_key(|i| (i.due_on.is_none(), i.due_on, i.id));
    Ok(items)
}
