//! Mail that time causes in meetings: the agenda not yet published a week before a plenary
//! (to the secretariat) and action items coming due (to their owners). Each goes out once.

use chrono::{Duration, NaiveDate};
use roundtable_templates::mail as bodies;

use super::model::{ActionItem, Meeting};
use super::{display, minutes, store};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::mail::compose::{coalition_name, list_id_of};
use crate::mail::outbox::{self, BASE_URL, NewMail, Recipient};
use crate::mail::reminders;

/// How long before a plenary a missing agenda is reminded of.
pub const AGENDA_DAYS: i64 = 7;
/// How long before its due date an open action is reminded of.
pub const ACTION_DAYS: i64 = 3;

/// The plenaries whose agenda is missing a week before, and the open action items coming
/// due, that were not reminded of yet: reads only, the one place these conditions live.
fn due(conn: &mut DbConn, today: NaiveDate) -> Result<(Vec<Meeting>, Vec<ActionItem>), Error> {
    let start = today.and_time(chrono::NaiveTime::MIN);
    let mut agendas = Vec::new();
    for m in store::between(conn, start, start + Duration::days(AGENDA_DAYS + 1))? {
        if m.kind == "plenary"
            && m.status == "planned"
            && !reminders::was_sent(conn, AGENDA_MISSING, m.id)?
        {
            agendas.push(m);
        }
    }
    let mut actions = Vec::new();
    for a in minutes::open_actions(conn)? {
        if a.due_on
            .is_some_and(|due| due >= today && due <= today + Duration::days(ACTION_DAYS))
            && !reminders::was_sent(conn, ACTION_DUE, a.id)?
        {
            actions.push(a);
        }
    }
    Ok((agendas, actions))
}

const AGENDA_MISSING: &str = "agenda_missing";
const ACTION_DUE: &str = "action_due";

/// Queues the meeting reminders due on `today` (an agenda not published a week before a
/// plenary, to the secretariat; action items coming due, to their owners); returns how many
/// mails were queued. Reads first: a tick with nothing due takes no write lock; inside the
/// write transaction the same question is asked again, so a change in between counts.
pub fn tick(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    let (agendas, actions) = due(conn, today)?;
    if agendas.is_empty() && actions.is_empty() {
        return Ok(0);
    }
    db::write_tx(conn, |conn| {
        let (agendas, actions) = due(conn, today)?;
        let coalition = coalition_name(conn)?;
        let list = list_id_of(&coalition, None);
        let mut queued = 0;
        for m in agendas {
            if !reminders::first_time(conn, AGENDA_MISSING, m.id)? {
                continue;
            }
            let body = bodies::reminder_agenda(
                &coalition,
                &m.title,
                &display::when(&m),
                &format!("{BASE_URL}/meetings/{}#agenda", m.id),
            );
            let recipients = crate::secretariat::lists::staff(conn, today)?;
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
        for a in actions {
            let Some(due) = a.due_on else { continue };
            if !reminders::first_time(conn, ACTION_DUE, a.id)? {
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
        Ok(queued)
    })
}
