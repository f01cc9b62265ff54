//! The mail evaluations cause: the questionnaire's invitation to every member organisation
//! when it opens, and a reminder three days before it closes to those that have not
//! answered. Each goes once (`mail::reminders`); a tick reads first and writes only when
//! something is due.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use roundtable_templates::mail as bodies;

use super::model::Evaluation;
use super::questionnaire;
use super::rules::Status;
use crate::db::DbConn;
use crate::db::schema::{affiliations, evaluations, organisations, people};
use crate::error::Error;
use crate::mail::compose::{coalition_name, notice};
use crate::mail::outbox::{BASE_URL, Recipient};
use crate::mail::reminders;

const INVITATION: &str = "evaluation_invitation";
const REMINDER: &str = "evaluation_reminder";
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

fn send(conn: &mut DbConn, e: &Evaluation, reminder: bool) -> Result<usize, Error> {
    let answered = questionnaire::participation(conn, e.id)?;
    let to = who_answers(conn, &answered)?;
    if to.is_empty() {
        return Ok(0);
    }
    let closes = e
        .questionnaire_closes
        .map(|c| format!(" by {c}"))
        .unwrap_or_default();
    let subject = if reminder {
        format!("Reminder: the questionnaire of {} closes{closes}", e.title)
    } else {
        format!("Your organisation's view for {}", e.title)
    };
    let body = bodies::statement_notice(
        &coalition_name(conn)?,
        subject,
        &[
            format!("The coalition reviews its work: {}. Each member organisation answers the questionnaire once{closes}; it takes about ten minutes.", e.title),
            "The answers are kept apart from who gave them: the coalition learns that your organisation answered, not what it answered.".to_owned(),
        ],
        None,
        ("Answer the questionnaire", &format!("{BASE_URL}/evaluations/{}/questionnaire", e.id)),
    );
    notice(conn, if reminder { REMINDER } else { INVITATION }, body, to)
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
        if !reminders::was_sent(conn, INVITATION, e.id)? {
            sent += crate::db::write_tx(conn, |conn| {
                reminders::first_time(conn, INVITATION, e.id)?;
                send(conn, &e, false)
            })?;
        }
        let closing = e
            .questionnaire_closes
            .is_some_and(|c| c - Duration::days(REMINDER_DAYS) <= today);
        if closing && !reminders::was_sent(conn, REMINDER, e.id)? {
            sent += crate::db::write_tx(conn, |conn| {
                reminders::first_time(conn, REMINDER, e.id)?;
                send(conn, &e, true)
            })?;
        }
    }
    Ok(sent)
}
