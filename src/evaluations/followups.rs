//! Follow-up: an adopted report's recommendations become actions with an owner (a member
//! organisation, or the secretariat) and a due date, kept up by the secretariat; the next
//! cycle's page shows what became of each.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::Evaluation;
use super::rules::Status;
use super::store;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{evaluation_followups, evaluations};
use crate::db::{self, DbConn};
use crate::error::Error;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = evaluation_followups)]
pub struct FollowUp {
    pub id: i64,
    pub evaluation_id: i64,
    pub action: String,
    pub owner_organisation_id: Option<i64>,
    pub due_on: NaiveDate,
    /// open, done or dropped.
    pub status: String,
    /// What became of it, in words.
    pub outcome: String,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn of(conn: &mut DbConn, evaluation_id: i64) -> Result<Vec<FollowUp>, Error> {
    Ok(evaluation_followups::table
        .filter(evaluation_followups::evaluation_id.eq(evaluation_id))
        .order((evaluation_followups::due_on, evaluation_followups::id))
        .select(FollowUp::as_select())
        .load(conn)?)
}

/// The cycle before this one: the latest whose period ended before this one's began.
pub fn previous_cycle(conn: &mut DbConn, e: &Evaluation) -> Result<Option<Evaluation>, Error> {
    Ok(evaluations::table
        .filter(evaluations::period_until.lt(e.period_from))
        .order(evaluations::period_until.desc())
        .select(Evaluation::as_select())
        .first(conn)
        .optional()?)
}

/// A recommendation made an action, once the report is adopted.
pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    action: &str,
    owner_organisation_id: Option<i64>,
    due_on: Option<NaiveDate>,
) -> Result<(), Error> {
    permissions::require(actor, Action::SteerEvaluation { evaluation_id: id })?;
    let mut problems = crate::fields::Problems::default();
    if action.trim().is_empty() {
        problems.add("action", "write what is to be done");
    }
    let due = problems.need("due_on", due_on, "give a due date");
    let due = problems.finish(due)?;
    db::write_tx(conn, |conn| {
        let e = store::get(conn, id)?;
        if store::status_of(&e) != Status::Adopted {
            return Err(Error::Invalid(
                "recommendations become follow-up actions once the report is adopted".into(),
            ));
        }
        if let Some(o) = owner_organisation_id {
            crate::membership::organisations::get(conn, o).map_err(|_| {
                Error::field("owner_organisation_id", "choose a member organisation")
            })?;
        }
        diesel::insert_into(evaluation_followups::table)
            .values((
                evaluation_followups::evaluation_id.eq(id),
                evaluation_followups::action.eq(action.trim()),
                evaluation_followups::owner_organisation_id.eq(owner_organisation_id),
                evaluation_followups::due_on.eq(due),
                evaluation_followups::status.eq("open"),
                evaluation_followups::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.followup_added",
            Subject::new("evaluation", id),
            json!({ "action": action.trim(), "due_on": due }),
        )
    })
}

/// What became of an action: done or dropped (with the outcome), or open again.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    followup_id: i64,
    status: &str,
    outcome: &str,
) -> Result<(), Error> {
    permissions::require(actor, Action::SteerEvaluation { evaluation_id: id })?;
    let Some(status) = ["open", "done", "dropped"]
        .into_iter()
        .find(|s| *s == status)
    else {
        return Err(Error::field("status", "choose open, done or dropped"));
    };
    if status != "open" && outcome.trim().is_empty() {
        return Err(Error::field("outcome", "say what became of it"));
    }
    db::write_tx(conn, |conn| {
        let changed = diesel::update(
            evaluation_followups::table
                .filter(evaluation_followups::id.eq(followup_id))
                .filter(evaluation_followups::evaluation_id.eq(id)),
        )
        .set((
            evaluation_followups::status.eq(status),
            evaluation_followups::outcome.eq(outcome.trim()),
            evaluation_followups::updated_at.eq(db::now()),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.followup_updated",
            Subject::new("evaluation", id),
            json!({ "followup_id": followup_id, "status": status }),
        )
    })
}
