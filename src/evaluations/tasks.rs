//! What evaluations ask of a person, for "what needs me" on the dashboard: the open
//! questionnaires their organisation has yet to answer (for those who answer for it), and
//! those they have yet to answer themselves (when people answer too). One query, whatever
//! the number of cycles.

use chrono::NaiveDate;
use diesel::dsl::exists;
use diesel::prelude::*;

use super::answering::{answers_for, answers_personally};
use super::rules::Status;
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::db::schema::{evaluation_participation, evaluation_person_participation, evaluations};
use crate::error::Error;
use crate::task::Task;

/// An open cycle: its id, title, closing day, whether people answer too, whether the
/// organisation answered and whether the person did.
type Open = (i64, String, Option<NaiveDate>, bool, bool, bool);

pub fn for_actor(conn: &mut DbConn, actor: &Actor, today: NaiveDate) -> Result<Vec<Task>, Error> {
    let Some(own) = answers_personally(actor) else {
        return Ok(Vec::new());
    };
    let organisation = answers_for(actor);
    let open: Vec<Open> = evaluations::table
        .filter(evaluations::status.eq_any([Status::Draft.as_str(), Status::Shared.as_str()]))
        .filter(evaluations::questionnaire_opens.le(today))
        .filter(
            evaluations::questionnaire_closes
                .is_null()
                .or(evaluations::questionnaire_closes.ge(today)),
        )
        .order(evaluations::id)
        .select((
            evaluations::id,
            evaluations::title,
            evaluations::questionnaire_closes,
            evaluations::people_answer,
            exists(
                evaluation_participation::table
                    .filter(evaluation_participation::evaluation_id.eq(evaluations::id))
                    .filter(
                        evaluation_participation::organisation_id.eq(organisation.unwrap_or(own)),
                    ),
            ),
            exists(
                evaluation_person_participation::table
                    .filter(evaluation_person_participation::evaluation_id.eq(evaluations::id))
                    .filter(evaluation_person_participation::person_id.eq(actor.id())),
            ),
        ))
        .load(conn)?;
    let by = |closes: Option<NaiveDate>| {
        closes
            .map(|c| format!(" Open until {c}."))
            .unwrap_or_default()
    };
    let mut tasks = Vec::new();
    for (id, title, closes, people_answer, organisation_answered, person_answered) in open {
        if organisation.is_some() && !organisation_answered {
            tasks.push(Task {
                title: format!("Answer the questionnaire of {title} for your organisation"),
                detail: format!("Each member organisation answers once.{}", by(closes)),
                href: format!("/evaluations/{id}/questionnaire"),
            });
        }
        if people_answer && !person_answered {
            tasks.push(Task {
                title: format!("Answer the questionnaire of {title} yourself"),
                detail: format!(
                    "Every person of a member is asked for their own view.{}",
                    by(closes)
                ),
                href: format!("/evaluations/{id}/questionnaire/personal"),
            });
        }
    }
    Ok(tasks)
}
