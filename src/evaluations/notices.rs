//! The mail evaluations cause: the questionnaire's invitation to every member organisation
//! when it opens, and a reminder three days before it closes to those that have not
//! answered; when people answer too, the same to every person of a member (a person's own
//! answer is asked apart from the organisation's). Each goes once (`mail::reminders`); a
//! tick reads first and writes only when something is due.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use roundtable_templates::mail as bodies;

use super::answering::{self, Respondent};
use super::model::Evaluation;
use super::rules::Status;
use crate::db::DbConn;
use crate::db::schema::{affiliations, evaluations, organisations, people};
use crate::error::Error;
use crate::mail::compose::{coalition_name, notice};
use crate::mail::outbox::{BASE_URL, Recipient};
use crate::mail::reminders;

const INVITATION: &str = "evaluation_invitation";
const REMINDER: &str = "evaluation_reminder";
const PERSONAL_INVITATION: &str = "evaluation_personal_invitation";
const PERSONAL_REMINDER: &str = "evaluation_personal_reminder";
/// Days before the questionnaire closes that those who have not answered are reminded.
pub const REMINDER_DAYS: i64 = 3;

/// Those who answer for the organisations that have not answered: full members'
/// representatives and alternates, associates' people.
fn who_answers(conn: &mut DbConn, answered: &[i64]) -> Result<Vec<Recipient>, Error> {
    let rows: Vec<(i64, String, String)> = people::table
        .inner_join(affiliations::table.inner_join(organisations::table))
        .filter(people::active.eq(true))
        .filter(diesel::dsl::not(organisations::id.eq_any(answered)))
        .filter(
            organisations::status
                .eq("full")
                .and(affiliations::representation.is_not_null())
                .or(organisations::status.eq("associate")),
        )
        .order(people::id)
        .select((people::id, people::name, people::email))
        .load(conn)?;
    Ok(Recipient::people(rows))
}

/// The people of members (full and associate) who have not answered for themselves.
fn who_answers_personally(conn: &mut DbConn, answered: &[i64]) -> Result<Vec<Recipient>, Error> {
    let rows: Vec<(i64, String, String)> = people::table
        .inner_join(affiliations::table.inner_join(organisations::table))
        .filter(people::active.eq(true))
        .filter(diesel::dsl::not(people::id.eq_any(answered)))
        .filter(organisations::status.eq_any(["full", "associate"]))
        .order(people::id)
        .select((people::id, people::name, people::email))
        .distinct()
        .load(conn)?;
    Ok(Recipient::people(rows))
}

/// The invitation (or the reminder) to those yet to give the answer of `respondent`.
fn send(
    conn: &mut DbConn,
    e: &Evaluation,
    respondent: Respondent,
    reminder: bool,
) -> Result<usize, Error> {
    let to = match respondent {
        Respondent::Organisation => {
            let answered = answering::participation(conn, e.id)?;
            who_answers(conn, &answered)?
        }
        Respondent::Person => {
            let answered = answering::person_participation(conn, e.id)?;
            who_answers_personally(conn, &answered)?
        }
    };
    if to.is_empty() {
        return Ok(0);
    }
    let closes = e
        .questionnaire_closes
        .map(|c| format!(" by {c}"))
        .unwrap_or_default();
    let title = &e.title;
    let (kind, subject, ask, kept, (button, path)) = match respondent {
        Respondent::Organisation => (
            if reminder { REMINDER } else { INVITATION },
            if reminder {
                format!("Reminder: the questionnaire of {title} closes{closes}")
            } else {
                format!("Your organisation's view for {title}")
            },
            format!("Each member organisation answers the questionnaire once{closes}"),
            "your organisation answered, not what it answered",
            ("Answer the questionnaire", "questionnaire"),
        ),
        Respondent::Person => (
            if reminder {
                PERSONAL_REMINDER
            } else {
                PERSONAL_INVITATION
            },
            if reminder {
                format!("Reminder: your own view for {title} is asked{closes}")
            } else {
                format!("Your own view for {title}")
            },
            format!(
                "Besides each organisation's one answer, this time every person of a member is asked for their own view{closes}"
            ),
            "you answered, not what you answered",
            ("Answer for yourself", "questionnaire/personal"),
        ),
    };
    let body = bodies::statement_notice(
        &coalition_name(conn)?,
        subject,
        &[
            format!("The coalition reviews its work: {title}. {ask}; it takes about ten minutes."),
            format!(
                "The answers are kept apart from who gave them: the coalition learns that {kept}."
            ),
        ],
        None,
        (button, &format!("{BASE_URL}/evaluations/{}/{path}", e.id)),
    );
    notice(conn, kind, body, to)
}

pub fn tick(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    let open: Vec<Evaluation> = evaluations::table
        .filter(evaluations::status.eq_any([Status::Draft.as_str(), Status::Shared.as_str()]))
        .filter(evaluations::questionnaire_opens.le(today))
        .filter(
            evaluations::questionnaire_closes
                .is_null()
                .or(evaluations::questionnaire_closes.ge(today)),
        )
        .select(Evaluation::as_select())
        .load(conn)?;
    let mut sent = 0;
    for e in open {
        let closing = e
            .questionnaire_closes
            .is_some_and(|c| c - Duration::days(REMINDER_DAYS) <= today);
        let mut due = vec![
            (INVITATION, Respondent::Organisation, false),
            (REMINDER, Respondent::Organisation, true),
        ];
        if e.people_answer {
            due.push((PERSONAL_INVITATION, Respondent::Person, false));
            due.push((PERSONAL_REMINDER, Respondent::Person, true));
        }
        for (kind, respondent, reminder) in due {
            if (closing || !reminder) && !reminders::was_sent(conn, kind, e.id)? {
                sent += crate::db::write_tx(conn, |conn| {
                    reminders::first_time(conn, kind, e.id)?;
                    send(conn, &e, respondent, reminder)
                })?;
            }
        }
    }
    Ok(sent)
}
