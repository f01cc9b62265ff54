//! Statements, their versions, and the consultation: comments and proposed amendments.
//! Approval rounds live in `rounds`.

use crate::auth::visibility::{StatementSight, statement_sight};
use diesel::prelude::*;
use serde_json::json;

use super::model::{Comment, Statement, Version};
use super::rounds;
use super::rules::{self, Status};
use super::text;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{statement_comments, statement_versions, statements};
use crate::db::{self, DbConn};
use crate::error::Error;

/// The longest statement text accepted (characters): long enough for any joint statement.
pub const MAX_TEXT: usize = 100_000;

pub fn get(conn: &mut DbConn, id: i64) -> Result<Statement, Error> {
    Ok(statements::table
        .find(id)
        .select(Statement::as_select())
        .first(conn)?)
}

/// A statement with the working group it comes from (none: the plenary): one query.
pub fn with_group(
    conn: &mut DbConn,
    id: i64,
) -> Result<(Statement, Option<crate::membership::model::WorkingGroup>), Error> {
    use crate::db::schema::working_groups;
    Ok(statements::table
        .left_join(working_groups::table)
        .filter(statements::id.eq(id))
        .select((
            Statement::as_select(),
            working_groups::all_columns.nullable(),
        ))
        .first(conn)?)
}

pub fn status_of(s: &Statement) -> Status {
    // The column's CHECK constraint admits only known values.
    Status::parse(&s.status).unwrap_or(Status::Drafting)
}

/// Newest activity first.
pub fn list(conn: &mut DbConn) -> Result<Vec<Statement>, Error> {
    Ok(statements::table
        .order(statements::updated_at.desc())
        .select(Statement::as_select())
        .load(conn)?)
}

/// The people of participating organisations and the secretariat read every statement.
pub fn may_see(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| permissions::may(a, Action::ViewDirectory))
}

/// How much of `s` the actor reads (the one rule: `visibility::statement_sight`).
pub fn sight(actor: &Actor, s: &Statement) -> StatementSight {
    statement_sight(Some(actor), status_of(s), may_draft(actor, s))
}

/// The statement, if the actor reads at least `needed` of it; otherwise "not found": a
/// draft's existence is its drafters' business.
pub fn readable(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    needed: StatementSight,
) -> Result<Statement, Error> {
    let s = get(conn, id)?;
    if sight(actor, &s) < needed {
        return Err(Error::NotFound);
    }
    Ok(s)
}

pub fn may_draft(actor: &Actor, s: &Statement) -> bool {
    permissions::may(
        actor,
        Action::DraftStatement {
            group_id: s.group_id,
        },
    )
}

pub fn require_draft(actor: &Actor, s: &Statement) -> Result<(), Error> {
    permissions::require(
        actor,
        Action::DraftStatement {
            group_id: s.group_id,
        },
    )
}

pub fn versions(conn: &mut DbConn, statement_id: i64) -> Result<Vec<Version>, Error> {
    Ok(statement_versions::table
        .filter(statement_versions::statement_id.eq(statement_id))
        .order(statement_versions::version_no)
        .select(Version::as_select())
        .load(conn)?)
}

pub fn latest_version(conn: &mut DbConn, statement_id: i64) -> Result<Version, Error> {
    Ok(statement_versions::table
        .filter(statement_versions::statement_id.eq(statement_id))
        .order(statement_versions::version_no.desc())
        .select(Version::as_select())
        .first(conn)?)
}

pub fn version(conn: &mut DbConn, statement_id: i64, number: i32) -> Result<Version, Error> {
    Ok(statement_versions::table
        .filter(statement_versions::statement_id.eq(statement_id))
        .filter(statement_versions::version_no.eq(number))
        .select(Version::as_select())
        .first(conn)?)
}

pub fn version_by_id(conn: &mut DbConn, id: i64) -> Result<Version, Error> {
    Ok(statement_versions::table
        .find(id)
        .select(Version::as_select())
        .first(conn)?)
}

fn checked_text(body: &str) -> Result<String, Error> {
    let body = text::normalise(body);
    if body.trim().is_empty() {
        return Err(Error::field("body", "write the statement's text"));
    }
    if body.chars().count() > MAX_TEXT {
        return Err(Error::field(
            "body",
            format!(
                "the text has {} characters; a statement may have at most {MAX_TEXT}",
                body.chars().count()
            ),
        ));
    }
    Ok(body)
}

fn checked_title(title: &str) -> Result<String, Error> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(Error::field("title", "the title needs 1 to 200 characters"));
    }
    Ok(title.to_owned())
}

/// What the drafting form sends.
#[derive(Debug, Clone)]
pub struct StatementInput {
    pub title: String,
    pub context_note: String,
    /// The working group it comes from; none for the plenary.
    pub group_id: Option<i64>,
    pub body: String,
}

/// Starts a statement with its first version.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &StatementInput,
) -> Result<Statement, Error> {
    permissions::require(
        actor,
        Action::DraftStatement {
            group_id: input.group_id,
        },
    )?;
    let title = checked_title(&input.title)?;
    let body = checked_text(&input.body)?;
    db::write_tx(conn, |conn| {
        if let Some(g) = input.group_id {
            let group = crate::membership::groups::get(conn, g)?;
            if group.status != "active" {
                return Err(Error::Invalid(format!(
                    "{} is closed; it cannot start statements",
                    group.name
                )));
            }
        }
        let now = db::now();
        let id: i64 = diesel::insert_into(statements::table)
            .values((
                statements::title.eq(&title),
                statements::context_note.eq(input.context_note.trim()),
                statements::group_id.eq(input.group_id),
                statements::status.eq(Status::Drafting.as_str()),
                statements::created_by.eq(actor.id()),
                statements::created_at.eq(now),
                statements::updated_at.eq(now),
                statements::closing_reason.eq(""),
            ))
            .returning(statements::id)
            .get_result(conn)?;
        insert_version(conn, actor, id, 1, &body, "first draft")?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.created",
            Subject::new("statement", id),
            json!({ "title": title, "group_id": input.group_id }),
        )?;
        get(conn, id)
    })
}

fn insert_version(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    number: i32,
    body: &str,
    note: &str,
) -> Result<Version, Error> {
    let hash = text::content_hash(body);
    diesel::insert_into(statement_versions::table)
        .values((
            statement_versions::statement_id.eq(statement_id),
            statement_versions::version_no.eq(number),
            statement_versions::body.eq(body),
            statement_versions::content_hash.eq(&hash),
            statement_versions::note.eq(note.trim()),
            statement_versions::created_by.eq(actor.id()),
            statement_versions::created_at.eq(db::now()),
        ))
        .execute(conn)?;
    version(conn, statement_id, number)
}

pub(super) fn set_status(conn: &mut DbConn, s: &Statement, to: Status) -> Result<(), Error> {
    rules::check_transition(status_of(s), to).map_err(Error::Invalid)?;
    diesel::update(statements::table.find(s.id))
        .set((
            statements::status.eq(to.as_str()),
            statements::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes a new version. During a round (or after adoption) this supersedes the round: every
/// position and authorisation given for the old text is void and every member is told.
pub fn revise(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    body: &str,
    note: &str,
    from_amendment: Option<i64>,
) -> Result<Version, Error> {
    let body = checked_text(body)?;
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        let status = status_of(&s);
        if !status.text_may_change() {
            return Err(Error::Invalid(format!(
                "the statement is {}; its text no longer changes",
                status.label()
            )));
        }
        let latest = latest_version(conn, statement_id)?;
        if text::content_hash(&body) == latest.content_hash {
            return Err(Error::Invalid(
                "the text is the same as the current version".into(),
            ));
        }
        let version = insert_version(
            conn,
            actor,
            statement_id,
            latest.version_no + 1,
            &body,
            note,
        )?;
        if let Some(round) = rounds::open_round(conn, statement_id)? {
            rounds::supersede(conn, actor, &s, &round, &version)?;
        } else if status == Status::Lapsed {
            set_status(conn, &s, Status::Consultation)?;
        } else {
            diesel::update(statements::table.find(s.id))
                .set(statements::updated_at.eq(db::now()))
                .execute(conn)?;
        }
        if let Some(amendment) = from_amendment {
            let updated = diesel::update(
                statement_comments::table
                    .filter(statement_comments::id.eq(amendment))
                    .filter(statement_comments::statement_id.eq(statement_id))
                    .filter(statement_comments::proposed_text.is_not_null()),
            )
            .set(statement_comments::status.eq("taken"))
            .execute(conn)?;
            if updated == 0 {
                return Err(Error::Invalid(
                    "that amendment does not belong to this statement".into(),
                ));
            }
        }
        audit::record(
            conn,
            Some(actor.id()),
            "statement.revised",
            Subject::new("statement", statement_id),
            json!({
                "version": version.version_no,
                "content_hash": version.content_hash,
                "from_amendment": from_amendment,
            }),
        )?;
        Ok(version)
    })
}

/// Changes the title and the context note while no round is running (the title is published
/// with the text, so it must not change under anyone's approval).
pub fn update_details(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    title: &str,
    context_note: &str,
) -> Result<(), Error> {
    let title = checked_title(title)?;
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        if !matches!(status_of(&s), Status::Drafting | Status::Consultation) {
            return Err(Error::Invalid(
                "the title changes only while drafting or in consultation".into(),
            ));
        }
        diesel::update(statements::table.find(statement_id))
            .set((
                statements::title.eq(&title),
                statements::context_note.eq(context_note.trim()),
                statements::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.details_changed",
            Subject::new("statement", statement_id),
            json!({ "title": title }),
        )
    })
}

/// Opens the draft to the members' comments and amendments.
pub fn open_consultation(conn: &mut DbConn, actor: &Actor, statement_id: i64) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        set_status(conn, &s, Status::Consultation)?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.consultation_opened",
            Subject::new("statement", statement_id),
            json!({}),
        )
    })
}

/// Withdraws the statement for good; an open round closes with it.
pub fn withdraw(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    reason: &str,
) -> Result<(), Error> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid("say why the statement is withdrawn".into()));
    }
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        set_status(conn, &s, Status::Withdrawn)?;
        if let Some(round) = rounds::open_round(conn, statement_id)? {
            rounds::close(conn, &round, rules::RoundStatus::Closed)?;
        }
        diesel::update(statements::table.find(statement_id))
            .set(statements::closing_reason.eq(reason))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.withdrawn",
            Subject::new("statement", statement_id),
            json!({ "reason": reason }),
        )
    })
}

/// A comment on the current version, or with `proposed_text` an amendment: a whole new text
/// the drafters may take into a new version.
pub fn comment(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    body: &str,
    proposed_text: Option<&str>,
) -> Result<Comment, Error> {
    if !may_see(Some(actor)) {
        return Err(Error::Forbidden);
    }
    readable(conn, actor, statement_id, StatementSight::Text)?;
    let body = crate::clean::text(body, "your comment", crate::clean::limits::COMMENT)
        .map_err(|m| Error::field("body", m))?;
    let body = body.as_str();
    let proposed = match proposed_text.filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(checked_text(t)?),
        None => None,
    };
    if body.is_empty() {
        return Err(Error::Invalid(if proposed.is_some() {
            "say in a sentence what the amendment changes and why".into()
        } else {
            "write your comment".into()
        }));
    }
    db::write_tx(conn, |conn| {
        let hour_ago = db::now() - chrono::TimeDelta::hours(1);
        let recent: i64 = statement_comments::table
            .filter(statement_comments::person_id.eq(actor.id()))
            .filter(statement_comments::created_at.gt(hour_ago))
            .count()
            .get_result(conn)?;
        crate::clean::comment_rate(recent).map_err(Error::Throttled)?;
        let s = get(conn, statement_id)?;
        if !status_of(&s).open_for_comments() {
            return Err(Error::Invalid(format!(
                "the statement is {}; it takes no comments now",
                status_of(&s).label()
            )));
        }
        let latest = latest_version(conn, statement_id)?;
        if proposed
            .as_deref()
            .is_some_and(|p| text::content_hash(p) == latest.content_hash)
        {
            return Err(Error::Invalid(
                "the proposed text is the same as the current version".into(),
            ));
        }
        let organisation =
            crate::membership::people::affiliation_of(conn, actor.id())?.map(|(_, o)| o.id);
        let id: i64 = diesel::insert_into(statement_comments::table)
            .values((
                statement_comments::statement_id.eq(statement_id),
                statement_comments::version_id.eq(latest.id),
                statement_comments::person_id.eq(actor.id()),
                statement_comments::organisation_id.eq(organisation),
                statement_comments::body.eq(body),
                statement_comments::proposed_text.eq(proposed.as_deref()),
                statement_comments::status.eq("open"),
                statement_comments::created_at.eq(db::now()),
            ))
            .returning(statement_comments::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            if proposed.is_some() {
                "statement.amendment_proposed"
            } else {
                "statement.commented"
            },
            Subject::new("statement", statement_id),
            json!({ "comment_id": id, "version": latest.version_no }),
        )?;
        Ok(statement_comments::table
            .find(id)
            .select(Comment::as_select())
            .first(conn)?)
    })
}

pub fn get_comment(conn: &mut DbConn, id: i64) -> Result<Comment, Error> {
    Ok(statement_comments::table
        .find(id)
        .select(Comment::as_select())
        .first(conn)?)
}

/// The drafters decline an open amendment (it stays on the page, marked so).
pub fn decline_amendment(conn: &mut DbConn, actor: &Actor, comment_id: i64) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let c = get_comment(conn, comment_id)?;
        let s = get(conn, c.statement_id)?;
        require_draft(actor, &s)?;
        if c.proposed_text.is_none() || c.status != "open" {
            return Err(Error::Invalid("this is not an open amendment".into()));
        }
        diesel::update(statement_comments::table.find(comment_id))
            .set(statement_comments::status.eq("declined"))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.amendment_declined",
            Subject::new("statement", s.id),
            json!({ "comment_id": comment_id }),
        )
    })
}

/// Statements with proposed amendments still open, and how many: one query.
pub fn open_amendments(conn: &mut DbConn) -> Result<Vec<(Statement, usize)>, Error> {
    let rows: Vec<(Statement, i64)> = statement_comments::table
        .inner_join(statements::table.on(statements::id.eq(statement_comments::statement_id)))
        .filter(statement_comments::proposed_text.is_not_null())
        .filter(statement_comments::status.eq("open"))
        .order(statements::id)
        .select((Statement::as_select(), statement_comments::id))
        .load(conn)?;
    let mut counted: Vec<(Statement, usize)> = Vec::new();
    for (s, _) in rows {
        match counted.last_mut() {
            Some((last, n)) if last.id == s.id => *n += 1,
            _ => counted.push((s, 1)),
        }
    }
    Ok(counted)
}

pub fn comments(conn: &mut DbConn, statement_id: i64) -> Result<Vec<Comment>, Error> {
    Ok(statement_comments::table
        .filter(statement_comments::statement_id.eq(statement_id))
        .order(statement_comments::created_at)
        .select(Comment::as_select())
        .load(conn)?)
}
