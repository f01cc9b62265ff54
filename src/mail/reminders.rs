//! Mail that time causes rather than a change: the agenda not yet published a week before a
//! plenary (to the secretariat), action items coming due (to their owners), the hand-over
//! notice when a term begins (to the list). Each goes out once; `mail_reminders` remembers.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use roundtable_templates::mail as bodies;

use super::lists;
use super::outbox::{self, BASE_URL, NewMail, Recipient};
use crate::db::schema::{affiliations, mail_reminders, people};
use crate::db::{self, DbConn};
use crate::error::Error;

/// How long before a plenary a missing agenda is reminded of.
pub const AGENDA_DAYS: i64 = 7;
/// How long before its due date an open action is reminded of.
pub const ACTION_DAYS: i64 = 3;

/// Records a reminder; false when it was already sent.
pub(crate) fn first_time(conn: &mut DbConn, kind: &str, subject_id: i64) -> Result<bool, Error> {
    let seen: i64 = mail_reminders::table
        .filter(mail_reminders::kind.eq(kind))
        .filter(mail_reminders::subject_id.eq(subject_id))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    diesel::insert_into(mail_reminders::table)
        .values((
            mail_reminders::kind.eq(kind),
            mail_reminders::subject_id.eq(subject_id),
            mail_reminders::sent_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

fn secretariat(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<Recipient>, Error> {
    let Some((_, holders)) = crate::secretariat::store::holders_on(conn, today)? else {
        return Ok(lists::secretariat_address(conn)?
            .map(|(name, email)| {
                vec![Recipient {
                    name,
                    email,
                    person_id: None,
                }]
            })
            .unwrap_or_default());
    };
    let staff: Vec<(i64, String, String)> = people::table
        .inner_join(affiliations::table)
        .filter(affiliations::organisation_id.eq_any(&holders))
        .filter(people::active.eq(true))
        .select((people::id, people::name, people::email))
        .load(conn)?;
    Ok(Recipient::people(staff))
}

/// Queues every reminder due on `today`; returns how many mails were queued.
pub fn queue_due(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    db::write_tx(conn, |conn| {
        let coalition = super::compose::coalition_name(conn)?;
        let list = super::compose::list_id(conn, None)?;
        let mut queued = 0;
        let start = today.and_time(chrono::NaiveTime::MIN);
        for m in
            crate::meetings::store::between(conn, start, start + Duration::days(AGENDA_DAYS + 1))?
        {
            if m.kind != "plenary"
                || m.status != "planned"
                || !first_time(conn, "agenda_missing", m.id)?
            {
                continue;
            }
            let body = bodies::reminder_agenda(
                &coalition,
                &m.title,
                &crate::meetings::web::when(&m),
                &format!("{BASE_URL}/meetings/{}#agenda", m.id),
            );
            let recipients = secretariat(conn, today)?;
            queued += outbox::enqueue(
                conn,
                &NewMail {
                    kind: "reminder_agenda",
                    essential: true,
                    body,
                    invitation: None,
                    list_id: list.clone(),
                    auto_submitted: true,
                    meeting_id: Some(m.id),
                    recipients,
                },
            )?;
        }
        for a in crate::meetings::minutes::open_actions(conn)? {
            let Some(due) = a.due_on else { continue };
            if due < today
                || due > today + Duration::days(ACTION_DAYS)
                || !first_time(conn, "action_due", a.id)?
            {
                continue;
            }
            let mut recipients = Vec::new();
            if let Some(p) = a.owner_person_id {
                let person = crate::auth::store::find(conn, p)?;
                recipients.push(Recipient {
                    name: person.name,
                    email: person.email,
                    person_id: Some(person.id),
                });
            } else if let Some(o) = a.owner_organisation_id {
                for (p, aff) in crate::membership::people::people_of(conn, o)? {
                    if p.active && aff.representation.is_some() {
                        recipients.push(Recipient {
                            name: p.name,
                            email: p.email,
                            person_id: Some(p.id),
                        });
                    }
                }
            }
            let body = bodies::reminder_action(
                &coalition,
                &a.title,
                &due.to_string(),
                &format!("{BASE_URL}/meetings/{}#actions-heading", a.meeting_id),
            );
            queued += outbox::enqueue(
                conn,
                &NewMail {
                    kind: "reminder_action",
                    essential: true,
                    body,
                    invitation: None,
                    list_id: list.clone(),
                    auto_submitted: true,
                    meeting_id: Some(a.meeting_id),
                    recipients,
                },
            )?;
        }
        if let Some((term, holders)) = crate::secretariat::store::holders_on(conn, today)?
            && term.starts_on <= today
            && today < term.starts_on + Duration::days(14)
            && first_time(conn, "handover", term.id)?
        {
            let mut names = Vec::new();
            for h in holders {
                names.push(crate::membership::organisations::get(conn, h)?.name);
            }
            let period = format!("{} to {}", term.starts_on, term.ends_on - Duration::days(1));
            let body = bodies::handover_notice(
                &coalition,
                &names.join(" and "),
                &period,
                &format!("{BASE_URL}/secretariat/handover"),
            );
            let recipients = lists::coalition(conn)?;
            // A notice, not a call to act: those who chose essential mail only are spared it.
            queued += outbox::enqueue(
                conn,
                &NewMail {
                    kind: "handover",
                    essential: false,
                    body,
                    invitation: None,
                    list_id: list.clone(),
                    auto_submitted: true,
                    meeting_id: None,
                    recipients,
                },
            )?;
        }
        Ok(queued)
    })
}
