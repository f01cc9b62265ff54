//! The questionnaire: items grouped into themes (statements rated 1 to 5, single and
//! multiple choice, open questions), a default written for this product, and each member
//! organisation's one answer. Anonymous: the participation says only that an organisation
//! answered; the answers are stored apart under a random key with the side and sector.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::Evaluation;
use super::store;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor, Role};
use crate::db::schema::{
    evaluation_answers, evaluation_items, evaluation_participation, evaluation_responses,
    organisations, sectors,
};
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
    db::write_tx(conn, |conn| {
        let e = store::get(conn, id)?;
        editable(conn, &e, today)?;
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
    db::write_tx(conn, |conn| {
        let e = store::get(conn, id)?;
        editable(conn, &e, today)?;
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
    db::write_tx(conn, |conn| {
        let e = store::get(conn, id)?;
        editable(conn, &e, today)?;
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

/// The organisation `actor` answers for: a full member's representative or alternate, or a
/// person of an associate (which has no representatives).
pub fn answers_for(actor: &Actor) -> Option<i64> {
    actor
        .roles
        .iter()
        .find_map(|r| match r {
            Role::Representative { organisation_id } | Role::Alternate { organisation_id } => {
                Some(*organisation_id)
            }
            _ => None,
        })
        .or_else(|| {
            let full = actor
                .roles
                .iter()
                .any(|r| matches!(r, Role::FullMember { .. }));
            (!full).then(|| {
                actor.roles.iter().find_map(|r| match r {
                    Role::Member { organisation_id } => Some(*organisation_id),
                    _ => None,
                })
            })?
        })
}

/// Whether the questionnaire takes answers on `today`.
pub fn is_open(e: &Evaluation, today: NaiveDate) -> bool {
    store::status_of(e).report_open()
        && e.questionnaire_opens.is_some_and(|o| o <= today)
        && e.questionnaire_closes.is_none_or(|c| today <= c)
}

pub fn has_answered(conn: &mut DbConn, id: i64, organisation_id: i64) -> Result<bool, Error> {
    Ok(evaluation_participation::table
        .filter(evaluation_participation::evaluation_id.eq(id))
        .filter(evaluation_participation::organisation_id.eq(organisation_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// One answer as sent: the item's id and what was given (a rating "1".."5", the choices,
/// or the text).
#[derive(Debug, Clone)]
pub struct Given {
    pub item_id: i64,
    pub values: Vec<String>,
}

/// The organisation's one answer, all or nothing: every item checked (ratings 1 to 5,
/// choices from the list), the participation recorded, the answers stored apart.
pub fn answer(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    given: &[Given],
    today: NaiveDate,
) -> Result<(), Error> {
    let Some(organisation_id) = answers_for(actor) else {
        return Err(Error::NotFor("a member organisation's representatives"));
    };
    db::write_tx(conn, |conn| {
        let e = store::get(conn, id)?;
        if !is_open(&e, today) {
            return Err(Error::Invalid(
                "the questionnaire is not open for answers".into(),
            ));
        }
        let items = items(conn, id)?;
        let mut problems = crate::fields::Problems::default();
        let mut rows: Vec<(i64, Option<i32>, String)> = Vec::new();
        for item in &items {
            let field = format!("item-{}", item.id);
            let values: Vec<&str> = given
                .iter()
                .filter(|g| g.item_id == item.id)
                .flat_map(|g| g.values.iter().map(|v| v.trim()))
                .filter(|v| !v.is_empty())
                .collect();
            match item.kind.as_str() {
                "rating" => match values.as_slice() {
                    [] => {}
                    [v] => match v.parse::<i32>() {
                        Ok(r) if (1..=5).contains(&r) => {
                            rows.push((item.id, Some(r), String::new()))
                        }
                        _ => problems.add(&field, "choose from 1 to 5"),
                    },
                    _ => problems.add(&field, "choose one rating"),
                },
                "single" | "multiple" => {
                    let list = item.choice_list();
                    if values.iter().any(|v| !list.contains(v)) {
                        problems.add(&field, "choose from the list");
                    } else if item.kind == "single" && values.len() > 1 {
                        problems.add(&field, "choose one");
                    } else if !values.is_empty() {
                        rows.push((item.id, None, values.join("\n")));
                    }
                }
                _ => {
                    let text = values.join("\n");
                    if text.chars().count() > 5_000 {
                        problems.add(&field, "at most 5,000 characters");
                    } else if !text.is_empty() {
                        rows.push((item.id, None, text));
                    }
                }
            }
        }
        problems.finish(Some(()))?;
        if rows.is_empty() {
            return Err(Error::Invalid("answer at least one item".into()));
        }
        if has_answered(conn, id, organisation_id)? {
            return Err(Error::Conflict(
                "your organisation has already answered this questionnaire".into(),
            ));
        }
        diesel::insert_into(evaluation_participation::table)
            .values((
                evaluation_participation::evaluation_id.eq(id),
                evaluation_participation::organisation_id.eq(organisation_id),
                evaluation_participation::answered_on.eq(today),
            ))
            .execute(conn)?;
        let (side, sector): (String, String) = organisations::table
            .inner_join(sectors::table)
            .filter(organisations::id.eq(organisation_id))
            .select((sectors::side, sectors::name))
            .first(conn)?;
        let key = crate::secret::random_token(16);
        diesel::insert_into(evaluation_responses::table)
            .values((
                evaluation_responses::id.eq(&key),
                evaluation_responses::evaluation_id.eq(id),
                evaluation_responses::side.eq(side),
                evaluation_responses::sector.eq(sector),
            ))
            .execute(conn)?;
        for (item_id, rating, answer) in rows {
            diesel::insert_into(evaluation_answers::table)
                .values((
                    evaluation_answers::response_id.eq(&key),
                    evaluation_answers::item_id.eq(item_id),
                    evaluation_answers::rating.eq(rating),
                    evaluation_answers::answer.eq(answer),
                ))
                .execute(conn)?;
        }
        // The record names the organisation that answered, never what it answered.
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.answered",
            Subject::new("evaluation", id),
            json!({ "organisation_id": organisation_id }),
        )
    })
}

/// Which organisations answered (the participation only).
pub fn participation(conn: &mut DbConn, id: i64) -> Result<Vec<i64>, Error> {
    Ok(evaluation_participation::table
        .filter(evaluation_participation::evaluation_id.eq(id))
        .select(evaluation_participation::organisation_id)
        .load(conn)?)
}

/// Every answer, as (response key, side, item id, rating, answer).
pub fn all_answers(conn: &mut DbConn, id: i64) -> Result<Vec<AnswerRow>, Error> {
    Ok(evaluation_answers::table
        .inner_join(evaluation_responses::table)
        .filter(evaluation_responses::evaluation_id.eq(id))
        .order((evaluation_answers::response_id, evaluation_answers::item_id))
        .select((
            evaluation_answers::response_id,
            evaluation_responses::side,
            evaluation_answers::item_id,
            evaluation_answers::rating,
            evaluation_answers::answer,
        ))
        .load(conn)?)
}
