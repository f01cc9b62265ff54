//! The steps between a complaint's stages, each in one write transaction: the rule
//! (`rules::next`, `rules::may_take`) is asked inside it, and the stage is changed only
//! where it is still the one the step started from, so two panel members deciding at the
//! same moment record one decision and the other is told.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::model::Complaint;
use super::rules::{self, Context, Outcome, Party, Stage, Step};
use super::store::{self, Case, checked_text};
use crate::audit::{self, Subject};
use crate::auth::permissions::Actor;
use crate::auth::visibility::ComplaintSight;
use crate::db::schema::{complaint_answers, complaints};
use crate::db::{self, DbConn};
use crate::error::Error;

/// What a step writes besides the stage: the fields left `None` are not touched.
#[derive(Default, AsChangeset)]
#[diesel(table_name = complaints)]
struct Changes {
    admissible: Option<Option<bool>>,
    assessment: Option<String>,
    proposal: Option<String>,
    panel_summary: Option<String>,
    outcome: Option<String>,
    lesson: Option<String>,
    respondent_notified_at: Option<Option<NaiveDateTime>>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.admissible.is_none()
            && self.assessment.is_none()
            && self.proposal.is_none()
            && self.panel_summary.is_none()
            && self.outcome.is_none()
            && self.lesson.is_none()
            && self.respondent_notified_at.is_none()
    }
}

/// The case for a step: seen at least as the register, the step the actor's to take.
fn case_for(conn: &mut DbConn, actor: &Actor, id: i64, step: Step) -> Result<Case, Error> {
    let case = store::case(conn, actor, id)?;
    if case.sight == ComplaintSight::Nothing {
        return Err(Error::NotFound);
    }
    if !rules::may_take(&case.standing, step) {
        return Err(Error::NotFor(who_takes(step)));
    }
    Ok(case)
}

fn who_takes(step: Step) -> &'static str {
    match step {
        Step::Acknowledge => "the secretariat",
        Step::Assess { .. } | Step::Propose | Step::Close => "the complaint's panel",
        Step::Settle { .. } => "the parties' answers",
        Step::Withdraw => "the complainant",
        Step::Reopen => "the complainant and the complaint's panel",
    }
}

/// Moves the complaint from the stage it was read in to the one `step` leads to. Refused
/// when another decision got there first.
fn advance(
    conn: &mut DbConn,
    actor_id: Option<i64>,
    c: &Complaint,
    step: Step,
    today: NaiveDate,
    changes: Changes,
) -> Result<Complaint, Error> {
    let from = store::stage_of(c);
    let to = rules::next(
        from,
        step,
        Context {
            admissible: c.admissible,
            closed_on: c.closed_at.map(|t| t.date()),
            today,
        },
    )
    .map_err(Error::Invalid)?;
    let now = db::now();
    let due_on = store::due_for(conn, to, today)?;
    let closed_at = if to.is_open() { None } else { Some(now) };
    let moved = diesel::update(
        complaints::table
            .filter(complaints::id.eq(c.id))
            .filter(complaints::stage.eq(from.as_str())),
    )
    .set((
        complaints::stage.eq(to.as_str()),
        complaints::stage_since.eq(now),
        complaints::due_on.eq(due_on),
        complaints::closed_at.eq(closed_at),
        complaints::reminded_due.eq(None::<NaiveDate>),
        complaints::overdue_notified_due.eq(None::<NaiveDate>),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Err(Error::Conflict(format!(
            "complaint {} has just been moved on by someone else; read it again before deciding",
            c.reference
        )));
    }
    if !changes.is_empty() {
        diesel::update(complaints::table.find(c.id))
            .set(&changes)
            .execute(conn)?;
    }
    if to == Stage::Proposed {
        // A new proposal asks every party again.
        diesel::update(complaint_answers::table.filter(complaint_answers::complaint_id.eq(c.id)))
            .set(complaint_answers::accepts.eq(None::<bool>))
            .execute(conn)?;
    }
    store::log_stage(conn, c.id, to, now, due_on)?;
    // The record says what happened, never what was written.
    audit::record(
        conn,
        actor_id,
        &format!("complaint.{}", step.as_str()),
        Subject::new("complaint", c.id),
        json!({ "reference": c.reference, "from": from.as_str(), "to": to.as_str() }),
    )?;
    let after = store::get(conn, c.id)?;
    super::notices::update(conn, &after, actor_id.unwrap_or(0), today)?;
    Ok(after)
}

pub fn acknowledge(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    db::write_tx(conn, |conn| {
        let case = case_for(conn, actor, id, Step::Acknowledge)?;
        advance(
            conn,
            Some(actor.id()),
            &case.complaint,
            Step::Acknowledge,
            today,
            Changes::default(),
        )
    })
}

/// The panel's assessment with its reasons: admissible opens the dialogue (and tells the
/// respondent); not admissible closes the case.
pub fn assess(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    admissible: bool,
    reasons: &str,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    let reasons = checked_text(reasons, "the reasons for the assessment")
        .map_err(|m| Error::field("reasons", m))?;
    let step = Step::Assess { admissible };
    db::write_tx(conn, |conn| {
        let case = case_for(conn, actor, id, step)?;
        let has_respondent = store::about_of(&case.complaint).has_respondent();
        advance(
            conn,
            Some(actor.id()),
            &case.complaint,
            step,
            today,
            Changes {
                admissible: Some(Some(admissible)),
                assessment: Some(reasons),
                outcome: (!admissible).then(|| Outcome::Inadmissible.as_str().to_owned()),
                // Told once: a reopened case keeps the first notice's time.
                respondent_notified_at: (admissible
                    && has_respondent
                    && case.complaint.respondent_notified_at.is_none())
                .then_some(Some(db::now())),
                ..Changes::default()
            },
        )
    })
}

/// The panel's proposed resolution, with the summary the plenary would read if a party
/// does not accept it.
pub fn propose(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    proposal: &str,
    summary: &str,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    let mut problems = crate::fields::Problems::default();
    let proposal = problems.take(
        "proposal",
        checked_text(proposal, "the proposed resolution"),
    );
    let summary = problems.take(
        "summary",
        checked_text(summary, "the summary the plenary would read"),
    );
    let (proposal, summary) = problems.finish(proposal.zip(summary))?;
    db::write_tx(conn, |conn| {
        let case = case_for(conn, actor, id, Step::Propose)?;
        advance(
            conn,
            Some(actor.id()),
            &case.complaint,
            Step::Propose,
            today,
            Changes {
                proposal: Some(proposal),
                panel_summary: Some(summary),
                ..Changes::default()
            },
        )
    })
}

/// The case for a step only a party takes, with the party the actor speaks for ("not
/// found" for those who do not know the case exists).
fn as_party(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(Case, Party), Error> {
    let case = store::case(conn, actor, id)?;
    if case.sight == ComplaintSight::Nothing {
        return Err(Error::NotFound);
    }
    match case.standing.party() {
        Some(party) => Ok((case, party)),
        None => Err(Error::NotFor("the parties to the complaint")),
    }
}

/// A party's answer to the proposal. Once every party has answered, the case is resolved
/// (all accepted) or referred to the plenary.
pub fn answer(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    accepts: bool,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    db::write_tx(conn, |conn| {
        let (case, party) = as_party(conn, actor, id)?;
        if case.stage() != Stage::Proposed {
            return Err(Error::Invalid(format!(
                "there is no proposal to answer: the complaint is {}",
                case.stage().label()
            )));
        }
        save_answer(conn, id, party, actor.id(), Some(accepts), None)?;
        audit::record(
            conn,
            Some(actor.id()),
            "complaint.answered",
            Subject::new("complaint", id),
            json!({ "reference": case.complaint.reference, "party": party.as_str() }),
        )?;
        let answers = answers(conn, id)?;
        let needed: &[Party] = if store::about_of(&case.complaint).has_respondent() {
            &[Party::Complainant, Party::Respondent]
        } else {
            &[Party::Complainant]
        };
        let given: Vec<Option<bool>> = needed
            .iter()
            .map(|p| {
                answers
                    .iter()
                    .find(|a| a.party == p.as_str())
                    .and_then(|a| a.accepts)
            })
            .collect();
        if given.iter().all(Option::is_some) {
            let accepted = given.iter().all(|a| *a == Some(true));
            // The system settles: the step follows from the answers.
            advance(
                conn,
                None,
                &case.complaint,
                Step::Settle { accepted },
                today,
                Changes::default(),
            )
        } else {
            super::notices::update(conn, &case.complaint, actor.id(), today)?;
            store::get(conn, id)
        }
    })
}

pub fn answers(conn: &mut DbConn, id: i64) -> Result<Vec<super::model::Answer>, Error> {
    Ok(complaint_answers::table
        .filter(complaint_answers::complaint_id.eq(id))
        .select(super::model::Answer::as_select())
        .load(conn)?)
}

fn save_answer(
    conn: &mut DbConn,
    id: i64,
    party: Party,
    person_id: i64,
    accepts: Option<bool>,
    satisfaction: Option<i32>,
) -> Result<(), Error> {
    let existing: Option<i64> = complaint_answers::table
        .filter(complaint_answers::complaint_id.eq(id))
        .filter(complaint_answers::party.eq(party.as_str()))
        .select(complaint_answers::id)
        .first(conn)
        .optional()?;
    let now = db::now();
    match existing {
        Some(answer) => {
            let row = complaint_answers::table.find(answer);
            diesel::update(row)
                .set((
                    complaint_answers::person_id.eq(Some(person_id)),
                    complaint_answers::answered_at.eq(now),
                ))
                .execute(conn)?;
            if accepts.is_some() {
                diesel::update(row)
                    .set(complaint_answers::accepts.eq(accepts))
                    .execute(conn)?;
            }
            if satisfaction.is_some() {
                diesel::update(row)
                    .set(complaint_answers::satisfaction.eq(satisfaction))
                    .execute(conn)?;
            }
        }
        None => {
            diesel::insert_into(complaint_answers::table)
                .values((
                    complaint_answers::complaint_id.eq(id),
                    complaint_answers::party.eq(party.as_str()),
                    complaint_answers::person_id.eq(Some(person_id)),
                    complaint_answers::accepts.eq(accepts),
                    complaint_answers::satisfaction.eq(satisfaction),
                    complaint_answers::answered_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The panel closes a resolved or referred case with its outcome and a lesson learned that
/// is not confidential (it goes into the evaluations).
pub fn close(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    outcome: &str,
    lesson: &str,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    let lesson = checked_text(lesson, "the lesson learned (not confidential)")
        .map_err(|m| Error::field("lesson", m))?;
    db::write_tx(conn, |conn| {
        let case = case_for(conn, actor, id, Step::Close)?;
        let allowed = Outcome::closing_from(case.stage());
        let Some(outcome) = Outcome::parse(outcome).filter(|o| allowed.contains(o)) else {
            let names: Vec<&str> = allowed.iter().map(|o| o.label()).collect();
            return Err(Error::field(
                "outcome",
                if names.is_empty() {
                    format!(
                        "a complaint that is {} cannot be closed",
                        case.stage().label()
                    )
                } else {
                    format!("choose the outcome: {}", names.join(" or "))
                },
            ));
        };
        advance(
            conn,
            Some(actor.id()),
            &case.complaint,
            Step::Close,
            today,
            Changes {
                outcome: Some(outcome.as_str().to_owned()),
                lesson: Some(lesson),
                ..Changes::default()
            },
        )
    })
}

/// The complainant withdraws, at any stage before closing.
pub fn withdraw(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    db::write_tx(conn, |conn| {
        let case = case_for(conn, actor, id, Step::Withdraw)?;
        advance(
            conn,
            Some(actor.id()),
            &case.complaint,
            Step::Withdraw,
            today,
            Changes {
                outcome: Some(Outcome::Withdrawn.as_str().to_owned()),
                ..Changes::default()
            },
        )
    })
}

/// The complainant or the panel reopens a case closed less than 30 days ago.
pub fn reopen(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    db::write_tx(conn, |conn| {
        let case = case_for(conn, actor, id, Step::Reopen)?;
        if case.complaint.erased_at.is_some() {
            return Err(Error::Invalid("an erased case cannot be reopened".into()));
        }
        advance(
            conn,
            Some(actor.id()),
            &case.complaint,
            Step::Reopen,
            today,
            Changes {
                outcome: Some(String::new()),
                ..Changes::default()
            },
        )
    })
}

/// A party says how satisfied it is with how the case was handled (1 to 5), once closed.
pub fn satisfaction(conn: &mut DbConn, actor: &Actor, id: i64, score: i32) -> Result<(), Error> {
    if !(1..=5).contains(&score) {
        return Err(Error::field(
            "satisfaction",
            "choose from 1 (not at all) to 5 (fully)",
        ));
    }
    db::write_tx(conn, |conn| {
        let (case, party) = as_party(conn, actor, id)?;
        if case.stage().is_open() {
            return Err(Error::Invalid(
                "satisfaction is asked once the case is closed".into(),
            ));
        }
        save_answer(conn, id, party, actor.id(), None, Some(score))?;
        audit::record(
            conn,
            Some(actor.id()),
            "complaint.satisfaction",
            Subject::new("complaint", id),
            json!({ "reference": case.complaint.reference, "party": party.as_str() }),
        )
    })
}
