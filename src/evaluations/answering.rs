//! Answering the questionnaire: each member organisation once, through its representatives,
//! and (when the evaluation asks it) every person of a member once more, for themselves.
//! Anonymous: a participation record says only that an organisation or a person answered;
//! the answers are stored apart under a random key, with the side and sector of the
//! organisation and whether an organisation or a person gave them, and no time.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::Evaluation;
use super::questionnaire::{AnswerRow, Item, items};
use super::store;
use crate::audit::{self, Subject};
use crate::auth::permissions::{Actor, Role};
use crate::db::schema::{
    evaluation_answers, evaluation_participation, evaluation_person_participation,
    evaluation_responses, organisations, sectors,
};
use crate::db::{self, DbConn};
use crate::error::Error;

/// Whom an answer speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Respondent {
    /// The organisation, through its representatives: one answer each.
    Organisation,
    /// A person of a member, for themselves: one answer each, when the evaluation asks it.
    Person,
}

impl Respondent {
    pub fn as_str(self) -> &'static str {
        match self {
            Respondent::Organisation => "organisation",
            Respondent::Person => "person",
        }
    }
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

/// The organisation whose side and sector go with `actor`'s own answer: any person of a
/// member (their first organisation, if several).
pub fn answers_personally(actor: &Actor) -> Option<i64> {
    actor.roles.iter().find_map(|r| match r {
        Role::Member { organisation_id } => Some(*organisation_id),
        _ => None,
    })
}

/// The organisation an answer of `respondent` by `actor` is filed under, if they may give it.
fn filed_under(actor: &Actor, respondent: Respondent) -> Option<i64> {
    match respondent {
        Respondent::Organisation => answers_for(actor),
        Respondent::Person => answers_personally(actor),
    }
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

pub fn has_answered_personally(conn: &mut DbConn, id: i64, person_id: i64) -> Result<bool, Error> {
    Ok(evaluation_person_participation::table
        .filter(evaluation_person_participation::evaluation_id.eq(id))
        .filter(evaluation_person_participation::person_id.eq(person_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Whether `actor` has given the answer of `respondent` already.
pub fn has_given(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    respondent: Respondent,
) -> Result<bool, Error> {
    match (respondent, filed_under(actor, respondent)) {
        (_, None) => Ok(false),
        (Respondent::Organisation, Some(o)) => has_answered(conn, id, o),
        (Respondent::Person, Some(_)) => has_answered_personally(conn, id, actor.id()),
    }
}

/// What `actor` may answer on `today`: the organisation's answer, their own, both or none.
pub fn may_answer(
    conn: &mut DbConn,
    actor: &Actor,
    e: &Evaluation,
    today: NaiveDate,
) -> Result<Vec<Respondent>, Error> {
    let mut open = Vec::new();
    if !is_open(e, today) {
        return Ok(open);
    }
    if let Some(o) = answers_for(actor)
        && !has_answered(conn, e.id, o)?
    {
        open.push(Respondent::Organisation);
    }
    if e.people_answer
        && answers_personally(actor).is_some()
        && !has_answered_personally(conn, e.id, actor.id())?
    {
        open.push(Respondent::Person);
    }
    Ok(open)
}

/// One answer as sent: the item's id and what was given (a rating "1".."5", the choices,
/// or the text).
#[derive(Debug, Clone)]
pub struct Given {
    pub item_id: i64,
    pub values: Vec<String>,
}

/// Every item checked (ratings 1 to 5, choices from the list, open text of a sane length):
/// the (item, rating, answer) rows to store.
fn checked(items: &[Item], given: &[Given]) -> Result<Vec<(i64, Option<i32>, String)>, Error> {
    let mut problems = crate::fields::Problems::default();
    let mut rows = Vec::new();
    for item in items {
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
                    Ok(r) if (1..=5).contains(&r) => rows.push((item.id, Some(r), String::new())),
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
    Ok(rows)
}

/// One answer, all or nothing: the organisation's (through its representatives) or the
/// person's own. The participation is recorded, the answers stored apart.
pub fn answer(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    respondent: Respondent,
    given: &[Given],
    today: NaiveDate,
) -> Result<(), Error> {
    let Some(organisation_id) = filed_under(actor, respondent) else {
        return Err(Error::NotFor(match respondent {
            Respondent::Organisation => "a member organisation's representatives",
            Respondent::Person => "the people of member organisations",
        }));
    };
    db::write_tx(conn, |conn| {
        let e = store::get(conn, id)?;
        if !is_open(&e, today) {
            return Err(Error::Invalid(
                "the questionnaire is not open for answers".into(),
            ));
        }
        if respondent == Respondent::Person && !e.people_answer {
            return Err(Error::Invalid(
                "this questionnaire is answered by the organisations only".into(),
            ));
        }
        let rows = checked(&items(conn, id)?, given)?;
        match respondent {
            Respondent::Organisation => {
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
            }
            Respondent::Person => {
                if has_answered_personally(conn, id, actor.id())? {
                    return Err(Error::Conflict(
                        "you have already answered this questionnaire yourself".into(),
                    ));
                }
                diesel::insert_into(evaluation_person_participation::table)
                    .values((
                        evaluation_person_participation::evaluation_id.eq(id),
                        evaluation_person_participation::person_id.eq(actor.id()),
                        evaluation_person_participation::answered_on.eq(today),
                    ))
                    .execute(conn)?;
            }
        }
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
                evaluation_responses::respondent.eq(respondent.as_str()),
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
        // The record says who answered, never what.
        let (event, details) = match respondent {
            Respondent::Organisation => (
                "evaluation.answered",
                json!({ "organisation_id": organisation_id }),
            ),
            Respondent::Person => ("evaluation.answered_personally", json!({})),
        };
        audit::record(
            conn,
            Some(actor.id()),
            event,
            Subject::new("evaluation", id),
            details,
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

/// Which people answered for themselves (the participation only).
pub fn person_participation(conn: &mut DbConn, id: i64) -> Result<Vec<i64>, Error> {
    Ok(evaluation_person_participation::table
        .filter(evaluation_person_participation::evaluation_id.eq(id))
        .select(evaluation_person_participation::person_id)
        .load(conn)?)
}

/// Every answer of `respondent`, as (response key, side, item id, rating, answer).
pub fn all_answers(
    conn: &mut DbConn,
    id: i64,
    respondent: Respondent,
) -> Result<Vec<AnswerRow>, Error> {
    Ok(evaluation_answers::table
        .inner_join(evaluation_responses::table)
        .filter(evaluation_responses::evaluation_id.eq(id))
        .filter(evaluation_responses::respondent.eq(respondent.as_str()))
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
