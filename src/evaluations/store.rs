//! Evaluation cycles: opened by the secretariat, their evaluators appointed (people of
//! members, or external people invited for this evaluation alone), the report written by
//! the evaluators and moved to adoption, which freezes the indicators as they were. Reads
//! by evaluators are recorded.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{Value, json};

use super::figures;
use super::indicators::Indicator;
use super::model::{Evaluation, Evaluator};
use super::rules::{self, Kind, Status};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor, Role};
use crate::auth::visibility::{EvaluationSight, evaluation_sight};
use crate::db::schema::{evaluation_evaluators, evaluation_reads, evaluations, meetings};
use crate::db::{self, DbConn};
use crate::error::Error;

pub fn get(conn: &mut DbConn, id: i64) -> Result<Evaluation, Error> {
    Ok(evaluations::table
        .find(id)
        .select(Evaluation::as_select())
        .first(conn)?)
}

pub fn status_of(e: &Evaluation) -> Status {
    Status::parse(&e.status).unwrap_or(Status::Draft)
}

pub fn sight(actor: &Actor, e: &Evaluation) -> EvaluationSight {
    evaluation_sight(Some(actor), e.id, status_of(e))
}

/// The evaluation if the actor reads at least `needed` of it ("not found" otherwise). An
/// evaluator's read is recorded with `what` they read.
pub fn readable(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    needed: EvaluationSight,
    what: &str,
) -> Result<Evaluation, Error> {
    let e = get(conn, id)?;
    let sight = sight(actor, &e);
    if sight < needed || sight == EvaluationSight::Nothing {
        return Err(Error::NotFound);
    }
    if actor.has(&Role::Evaluator { evaluation_id: id }) {
        diesel::insert_into(evaluation_reads::table)
            .values((
                evaluation_reads::evaluation_id.eq(id),
                evaluation_reads::person_id.eq(actor.id()),
                evaluation_reads::what.eq(what),
                evaluation_reads::read_at.eq(db::now()),
            ))
            .execute(conn)?;
    }
    Ok(e)
}

/// The cycles the actor reads, newest period first.
pub fn visible(conn: &mut DbConn, actor: &Actor) -> Result<Vec<Evaluation>, Error> {
    Ok(evaluations::table
        .order((evaluations::period_until.desc(), evaluations::id.desc()))
        .select(Evaluation::as_select())
        .load(conn)?
        .into_iter()
        .filter(|e| sight(actor, e) > EvaluationSight::Nothing)
        .collect())
}

pub fn evaluators(conn: &mut DbConn, id: i64) -> Result<Vec<(Evaluator, String, String)>, Error> {
    use crate::db::schema::people;
    Ok(evaluation_evaluators::table
        .inner_join(people::table)
        .filter(evaluation_evaluators::evaluation_id.eq(id))
        .order(evaluation_evaluators::id)
        .select((Evaluator::as_select(), people::name, people::email))
        .load(conn)?)
}

/// Who read what, newest first (the cycle's workers see it).
pub fn reads(
    conn: &mut DbConn,
    id: i64,
) -> Result<Vec<(String, String, chrono::NaiveDateTime)>, Error> {
    use crate::db::schema::people;
    Ok(evaluation_reads::table
        .inner_join(people::table.on(people::id.eq(evaluation_reads::person_id)))
        .filter(evaluation_reads::evaluation_id.eq(id))
        .order(evaluation_reads::id.desc())
        .limit(100)
        .select((
            people::name,
            evaluation_reads::what,
            evaluation_reads::read_at,
        ))
        .load(conn)?)
}

/// A cycle as the secretariat opens it.
#[derive(Debug, Clone)]
pub struct EvaluationInput {
    pub title: String,
    pub kind: String,
    pub period_from: Option<NaiveDate>,
    pub period_until: Option<NaiveDate>,
    pub questionnaire_opens: Option<NaiveDate>,
    pub questionnaire_closes: Option<NaiveDate>,
    pub report_due: Option<NaiveDate>,
    pub plenary_meeting_id: Option<i64>,
}

/// The period since the last cycle (or the last year): what the form suggests.
pub fn suggested_period(
    conn: &mut DbConn,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), Error> {
    let last: Option<NaiveDate> = evaluations::table
        .select(diesel::dsl::max(evaluations::period_until))
        .first(conn)?;
    let from = match last {
        Some(until) => until.succ_opt().unwrap_or(until),
        None => today - chrono::Duration::days(365),
    };
    Ok((from, today.max(from)))
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &EvaluationInput,
) -> Result<Evaluation, Error> {
    permissions::require(actor, Action::ManageEvaluations)?;
    let mut problems = crate::fields::Problems::default();
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        problems.add("title", "name the evaluation (\"Annual review 2026\")");
    }
    let kind = problems.need(
        "kind",
        Kind::parse(&input.kind),
        "choose the kind of review",
    );
    let from = problems.need(
        "period_from",
        input.period_from,
        "give the period's first day",
    );
    let until = problems.need(
        "period_until",
        input.period_until,
        "give the period's last day",
    );
    if let (Some(f), Some(u)) = (from, until) {
        problems.take("period_until", rules::check_period(f, u));
    }
    if let (Some(o), Some(c)) = (input.questionnaire_opens, input.questionnaire_closes)
        && o > c
    {
        problems.add(
            "questionnaire_closes",
            "the questionnaire closes before it opens",
        );
    }
    let ((kind, from), until) = problems.finish(kind.zip(from).zip(until))?;
    db::write_tx(conn, |conn| {
        if let Some(meeting) = input.plenary_meeting_id {
            let kind: Option<String> = meetings::table
                .find(meeting)
                .select(meetings::kind)
                .first(conn)
                .optional()?;
            if !matches!(kind.as_deref(), Some("plenary" | "extraordinary")) {
                return Err(Error::field("plenary_meeting_id", "choose a plenary"));
            }
        }
        let id: i64 = diesel::insert_into(evaluations::table)
            .values((
                evaluations::title.eq(&title),
                evaluations::kind.eq(kind.as_str()),
                evaluations::period_from.eq(from),
                evaluations::period_until.eq(until),
                evaluations::questionnaire_opens.eq(input.questionnaire_opens),
                evaluations::questionnaire_closes.eq(input.questionnaire_closes),
                evaluations::report_due.eq(input.report_due),
                evaluations::plenary_meeting_id.eq(input.plenary_meeting_id),
                evaluations::status.eq(Status::Draft.as_str()),
                evaluations::created_by.eq(Some(actor.id())),
                evaluations::created_at.eq(db::now()),
            ))
            .returning(evaluations::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.created",
            Subject::new("evaluation", id),
            json!({ "title": title, "from": from, "until": until }),
        )?;
        get(conn, id)
    })
}

/// Appoints an evaluator by e-mail address: a person of the coalition, or someone new,
/// who is then an external evaluator (a person of no organisation, invited by mail, whose
/// only role is this evaluation).
pub fn appoint(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    name: &str,
    email: &str,
) -> Result<Evaluator, Error> {
    permissions::require(actor, Action::ManageEvaluations)?;
    let email = crate::auth::store::normalise_email(email);
    if !email.contains('@') {
        return Err(Error::field(
            "email",
            "write the evaluator's e-mail address",
        ));
    }
    db::write_tx(conn, |conn| {
        let e = get(conn, id)?;
        if status_of(&e) == Status::Adopted {
            return Err(Error::Invalid(
                "the evaluation is adopted; its evaluators no longer change".into(),
            ));
        }
        let (person, external) = match crate::auth::store::find_by_email(conn, &email)? {
            Some(p) => {
                let affiliated = crate::membership::people::affiliation_of(conn, p.id)?.is_some();
                (p, !affiliated)
            }
            None => {
                if name.trim().is_empty() {
                    return Err(Error::field(
                        "name",
                        "nobody has this address yet: give the external evaluator's name",
                    ));
                }
                let draft = crate::auth::store::PersonDraft {
                    name: name.trim(),
                    email: &email,
                    password: None,
                    is_admin: false,
                };
                let person = crate::auth::store::insert_person(conn, Some(actor.id()), &draft)?;
                crate::membership::people::invite(conn, &person)?;
                (person, true)
            }
        };
        if !person.active {
            return Err(Error::field(
                "email",
                format!("{} is deactivated", person.name),
            ));
        }
        let already: i64 = evaluation_evaluators::table
            .filter(evaluation_evaluators::evaluation_id.eq(id))
            .filter(evaluation_evaluators::person_id.eq(person.id))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Err(Error::field(
                "email",
                format!("{} already evaluates this cycle", person.name),
            ));
        }
        let row: i64 = diesel::insert_into(evaluation_evaluators::table)
            .values((
                evaluation_evaluators::evaluation_id.eq(id),
                evaluation_evaluators::person_id.eq(person.id),
                evaluation_evaluators::external.eq(external),
                evaluation_evaluators::appointed_at.eq(db::now()),
            ))
            .returning(evaluation_evaluators::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.evaluator_appointed",
            Subject::new("evaluation", id),
            json!({ "person_id": person.id, "external": external }),
        )?;
        Ok(evaluation_evaluators::table
            .find(row)
            .select(Evaluator::as_select())
            .first(conn)?)
    })
}

/// The evaluators write the findings and recommendations (Markdown) while the report is
/// open.
pub fn write_report(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    findings: &str,
    recommendations: &str,
) -> Result<(), Error> {
    permissions::require(actor, Action::WriteEvaluationReport { evaluation_id: id })?;
    for (field, text) in [("findings", findings), ("recommendations", recommendations)] {
        if text.chars().count() > 100_000 {
            return Err(Error::field(field, "at most 100,000 characters"));
        }
    }
    db::write_tx(conn, |conn| {
        let e = get(conn, id)?;
        if !status_of(&e).report_open() {
            return Err(Error::Invalid(format!(
                "the report is {}: its text no longer changes",
                status_of(&e).label()
            )));
        }
        diesel::update(evaluations::table.find(id))
            .set((
                evaluations::findings.eq(findings.trim()),
                evaluations::recommendations.eq(recommendations.trim()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.report_written",
            Subject::new("evaluation", id),
            json!({}),
        )
    })
}

/// Moves the report to its next stage (the secretariat or the evaluators); adoption freezes
/// the indicators.
pub fn move_to(conn: &mut DbConn, actor: &Actor, id: i64, to: Status) -> Result<Evaluation, Error> {
    permissions::require(actor, Action::SteerEvaluation { evaluation_id: id })?;
    db::write_tx(conn, |conn| {
        let e = get(conn, id)?;
        rules::check_transition(status_of(&e), to).map_err(Error::Invalid)?;
        if to == Status::Discussed && e.plenary_meeting_id.is_none() {
            return Err(Error::Invalid(
                "name the plenary that discusses the report first".into(),
            ));
        }
        let target = evaluations::table.find(id);
        diesel::update(target)
            .set(evaluations::status.eq(to.as_str()))
            .execute(conn)?;
        // Shared with the members: the plenary that discusses it gets an agenda item that
        // points to it (when that meeting is still planned).
        if to == Status::Shared
            && let Some(meeting) = e.plenary_meeting_id
        {
            let planned: Option<String> = meetings::table
                .find(meeting)
                .select(meetings::status)
                .first(conn)
                .optional()?;
            let title = format!("Evaluation: {}", e.title);
            let already: i64 = crate::db::schema::agenda_items::table
                .filter(crate::db::schema::agenda_items::meeting_id.eq(meeting))
                .filter(crate::db::schema::agenda_items::title.eq(&title))
                .count()
                .get_result(conn)?;
            // Shared again after going back to the evaluators: the item is there already.
            if already == 0 && matches!(planned.as_deref(), Some("planned" | "agenda_published")) {
                crate::meetings::agenda::add_item_for_procedure(
                    conn,
                    meeting,
                    &title,
                    &format!("The evaluators' report, shared for comment: /evaluations/{id}"),
                    false,
                )?;
            }
        }
        if to == Status::Adopted {
            let frozen = figures::frozen(conn, &e)?;
            diesel::update(target)
                .set((
                    evaluations::frozen_indicators.eq(Some(frozen)),
                    evaluations::adopted_at.eq(Some(db::now())),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            Some(actor.id()),
            "evaluation.status_changed",
            Subject::new("evaluation", id),
            json!({ "from": e.status, "to": to.as_str() }),
        )?;
        get(conn, id)
    })
}

/// The indicators as JSON for the API and exports.
pub fn indicators_json(pairs: &[(Indicator, Option<Indicator>)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(i, p)| {
                let mut v = serde_json::to_value(i).unwrap_or(Value::Null);
                v["previous"] = json!(p.as_ref().and_then(|p| p.value));
                v
            })
            .collect(),
    )
}
