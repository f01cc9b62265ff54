//! The questionnaire: items grouped into themes (statements rated 1 to 5, single and
//! multiple choice, open questions), a default written for this product, built by the
//! evaluators and the secretariat until it opens. Answering it is `answering`'s.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::Evaluation;
use super::store;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{evaluation_items, evaluation_participation, evaluations};
use crate::db::{self, DbConn};
use crate::error::Error;

/// One stored answer: the response's random key, its side, the item, the rating (for a
/// rating) and the answer (the choices, one per line, or the text).
pub type AnswerRow = (String, String, i64, Option<i32>, String);

/// An item of the questionnaire.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = evaluation_items)]
pub struct Item {
    pub id: i64,
    pub evaluation_id: i64,
    pub position: i32,
    pub theme: String,
    pub kind: String,
    pub text: String,
    pub choices: String,
}

impl Item {
    pub fn choice_list(&self) -> Vec<&str> {
        self.choices
            .lines()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect()
    }
}

/// The default questionnaire: (theme, kind, text, choices). Written for this product.
pub const DEFAULT: &[(&str, &str, &str, &str)] = &[
    (
        "Trust between sides",
        "rating",
        "I can raise a difficult case with members of the other side without fearing for my organisation's standing.",
        "",
    ),
    (
        "Trust between sides",
        "rating",
        "The governmental and civil-society members treat each other's information with care.",
        "",
    ),
    (
        "Communication and information sharing",
        "rating",
        "I receive what I need from the coalition in time to act on it.",
        "",
    ),
    (
        "Communication and information sharing",
        "single",
        "How do you mostly learn what the coalition is doing?",
        "Mail from the secretariat\nMeetings\nThis site\nColleagues in other members",
    ),
    (
        "Regularity and usefulness of meetings",
        "rating",
        "The plenaries are held as planned and are worth the time they take.",
        "",
    ),
    (
        "Regularity and usefulness of meetings",
        "rating",
        "Agendas and minutes reach us early enough to prepare and to follow up.",
        "",
    ),
    (
        "The secretariat's work and balance",
        "rating",
        "The secretariat serves both sides alike.",
        "",
    ),
    (
        "The secretariat's work and balance",
        "rating",
        "The rotation of the secretariat works in practice.",
        "",
    ),
    (
        "How statements are agreed",
        "rating",
        "Approval rounds leave my organisation enough time, including for internal authorisation.",
        "",
    ),
    (
        "How statements are agreed",
        "multiple",
        "What slowed your organisation's decisions on joint statements?",
        "Internal authorisation\nThe deadline\nChanges of text during the round\nNothing slowed us",
    ),
    (
        "Confidentiality respected",
        "rating",
        "What is said in confidence in the coalition stays there.",
        "",
    ),
    (
        "Grievances handled",
        "rating",
        "If my organisation had a grievance, I know how it would be handled and trust that it would be handled fairly.",
        "",
    ),
    (
        "Value of taking part",
        "rating",
        "Taking part in the coalition is worth what it costs my organisation.",
        "",
    ),
    (
        "Ways forward",
        "open",
        "What should the coalition start, stop or keep doing next year?",
        "",
    ),
];

pub fn items(conn: &mut DbConn, evaluation_id: i64) -> Result<Vec<Item>, Error> {
    Ok(evaluation_items::table
        .filter(evaluation_items::evaluation_id.eq(evaluation_id))
        .order((evaluation_items::position, evaluation_items::id))
        .select(Item::as_select())
        .load(conn)?)
}

/// The questionnaire is built until it opens (or until the first answer).
fn editable(conn: &mut DbConn, e: &Evaluation, today: NaiveDate) -> Result<(), Error> {
    let answered: i64 = evaluation_participation::table
        .filter(evaluation_participation::evaluation_id.eq(e.id))
        .count()
        .get_result(conn)?;
    if answered > 0 || e.questionnaire_opens.is_some_and(|o| o <= today) {
        return Err(Error::Invalid(
            "the questionnaire is open: its items no longer change".into(),
        ));
    }
    Ok(())
}

/// Runs `work` in a write transaction while the questionnaire may still change.
fn while_editable<T>(
    conn: &mut DbConn,
    id: i64,
    today: NaiveDate,
    work: impl FnOnce(&mut DbConn) -> Result<T, Error>,
) -> Result<T, Error> {
    db::write_tx(conn, |conn| {
        let e = store::get(conn, id)?;
        editable(conn, &e, today)?;
        work(conn)
    })
}

fn may_build(actor: &Actor, id: i64) -> Result<(), Error> {
    if permissions::may(actor, Action::ManageEvaluations)
        || permissions::may(actor, Action::WriteEvaluationReport { evaluation_id: id })
    {
        Ok(())
    } else {
        Err(Error::NotFor(
            "the evaluation's evaluators and the secretariat",
        ))
    }
}

/// A new item, checked.
#[derive(Debug, Clone, Default)]
pub struct ItemInput {
    pub theme: String,
    pub kind: String,
    pub text: String,
    pub choices: String,
}

pub fn add_item(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &ItemInput,
    today: NaiveDate,
) -> Result<(), Error> {
    may_build(actor, id)?;
    let mut problems = crate::fields::Problems::default();
    if input.theme.trim().is_empty() {
        problems.add("theme", "name the item's theme");
    }
    if input.text.trim().is_empty() {
        problems.add("text", "write the statement or question");
    }
    let kind = problems.need(
        "kind",
        ["rating", "single", "multiple", "open"]
            .into_iter()
            .find(|k| *k == input.kind),
        "choose the kind of item",
    );
    let choices: Vec<&str> = input
        .choices
        .lines()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    if matches!(kind, Some("single" | "multiple")) && choices.len() < 2 {
        problems.add("choices", "give at least two choices, one per line");
    }
    let kind = problems.finish(kind)?;
    while_editable(conn, id, today, |conn| {
        insert(
            conn,
            id,
            input.theme.trim(),
            kind,
            input.text.trim(),
            &choices.join("\n"),
        )?;
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.item_added",
            Subject::new("evaluation", id),
            json!({ "kind": kind }),
        )
    })
}

fn insert(
    conn: &mut DbConn,
    id: i64,
    theme: &str,
    kind: &str,
    text: &str,
    choices: &str,
) -> Result<(), Error> {
    let last: Option<i32> = evaluation_items::table
        .filter(evaluation_items::evaluation_id.eq(id))
        .select(diesel::dsl::max(evaluation_items::position))
        .first(conn)?;
    diesel::insert_into(evaluation_items::table)
        .values((
            evaluation_items::evaluation_id.eq(id),
            evaluation_items::position.eq(last.unwrap_or(0) + 1),
            evaluation_items::theme.eq(theme),
            evaluation_items::kind.eq(kind),
            evaluation_items::text.eq(text),
            evaluation_items::choices.eq(choices),
        ))
        .execute(conn)?;
    Ok(())
}

/// Adds the default questionnaire's items (to an empty questionnaire).
pub fn use_default(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<(), Error> {
    may_build(actor, id)?;
    while_editable(conn, id, today, |conn| {
        if !items(conn, id)?.is_empty() {
            return Err(Error::Invalid("the questionnaire already has items".into()));
        }
        for (theme, kind, text, choices) in DEFAULT {
            insert(conn, id, theme, kind, text, choices)?;
        }
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.default_questionnaire",
            Subject::new("evaluation", id),
            json!({}),
        )
    })
}

pub fn remove_item(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    item_id: i64,
    today: NaiveDate,
) -> Result<(), Error> {
    may_build(actor, id)?;
    while_editable(conn, id, today, |conn| {
        let gone = diesel::delete(
            evaluation_items::table
                .filter(evaluation_items::id.eq(item_id))
                .filter(evaluation_items::evaluation_id.eq(id)),
        )
        .execute(conn)?;
        if gone == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.item_removed",
            Subject::new("evaluation", id),
            json!({ "item_id": item_id }),
        )
    })
}

/// Whether every person of a member answers too, for themselves (besides each
/// organisation's one answer): decided while the questionnaire is built.
pub fn set_people_answer(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    on: bool,
    today: NaiveDate,
) -> Result<(), Error> {
    may_build(actor, id)?;
    while_editable(conn, id, today, |conn| {
        diesel::update(evaluations::table.find(id))
            .set(evaluations::people_answer.eq(on))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.people_answer",
            Subject::new("evaluation", id),
            json!({ "people_answer": on }),
        )
    })
}
