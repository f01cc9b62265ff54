//! The mail meetings send: agendas with their invitation, changes and cancellations, minutes.
//! Each function runs inside the transaction of the change that causes the mail.

use roundtable_templates::mail::{self as bodies, MailItem, MeetingMail};

use chrono::NaiveDate;

use super::model::Meeting;
use super::{agenda, display, feeds, ical, store};
use crate::clock::Clock;
use crate::db::DbConn;
use crate::error::Error;
use crate::mail::compose::list_id_of;
use crate::mail::outbox::{self, BASE_URL, Invitation, NewMail, Recipient};

/// What every mail of a meeting needs from the coalition, read once per mail: its name,
/// its date today, and the List-Id of the meeting's list.
struct Sender {
    coalition: String,
    today: NaiveDate,
    list: String,
}

fn sender(conn: &mut DbConn, m: &Meeting) -> Result<Sender, Error> {
    let coalition = crate::coalition::get(conn)?;
    let today = Clock::default().today(crate::coalition::zone_of(coalition.as_ref()));
    let coalition = coalition
        .map(|c| c.name)
        .unwrap_or_else(|| "Roundtable".into());
    let list = list_id_of(&coalition, m.group_id);
    Ok(Sender {
        coalition,
        today,
        list,
    })
}

/// The meeting's body: the coalition list for a plenary, the group's list for its meeting.
fn body_of(conn: &mut DbConn, m: &Meeting, today: NaiveDate) -> Result<Vec<Recipient>, Error> {
    match m.group_id {
        Some(g) => crate::membership::lists::group(conn, g),
        None => crate::secretariat::lists::coalition(conn, today),
    }
}

/// Who is invited on `today`: the meeting's body plus its invited guests.
pub fn invitees(conn: &mut DbConn, m: &Meeting, today: NaiveDate) -> Result<Vec<Recipient>, Error> {
    let mut list = body_of(conn, m, today)?;
    for g in store::guests(conn, m.id)? {
        list.push(Recipient {
            name: g.name,
            email: g.email,
            person_id: None,
        });
    }
    Ok(list)
}

/// The iTIP calendar of a meeting, with the secretariat as ORGANIZER. Each recipient's copy
/// names them as its one ATTENDEE when the mail leaves (`icalendar::addressed_to`).
fn invitation(
    conn: &mut DbConn,
    m: &Meeting,
    method: &'static str,
    today: NaiveDate,
) -> Result<Invitation, Error> {
    let mut event = feeds::event(conn, m, "")?;
    // In a message (with METHOD), DTSTAMP is when the message was made (RFC 5545 3.8.7.2).
    event.stamp = crate::db::now();
    event.organizer = crate::secretariat::lists::address(conn, today)?;
    Ok(Invitation {
        ics: ical::calendar(&m.title, Some(method), &[event]),
        method,
    })
}

/// Which recipients may read confidential items, by the one visibility rule (guests, who
/// are no person of the coalition, never).
fn entitled(
    conn: &mut DbConn,
    recipients: &[Recipient],
    today: NaiveDate,
) -> Result<Vec<bool>, Error> {
    let ids: Vec<i64> = recipients.iter().filter_map(|r| r.person_id).collect();
    let actors = crate::actor::resolve_many(conn, &ids, today)?;
    Ok(recipients
        .iter()
        .map(|r| {
            let actor = r.person_id.and_then(|p| actors.get(&p));
            crate::auth::visibility::sees_confidential(actor)
        })
        .collect())
}

fn meeting_mail<'a>(
    coalition: &'a str,
    m: &'a Meeting,
    when: &'a str,
    place: &'a str,
    url: &'a str,
    items: &'a [MailItem],
) -> MeetingMail<'a> {
    MeetingMail {
        coalition,
        title: &m.title,
        when,
        place,
        url,
        items,
    }
}

fn place_of(conn: &mut DbConn, m: &Meeting) -> Result<String, Error> {
    let venues = store::venues(conn)?;
    Ok(display::place(m, &venues))
}

/// The agenda to the meeting's invitees, with a REQUEST invitation. Confidential items go only
/// to those entitled; everyone else gets the agenda without them.
pub fn agenda_published(conn: &mut DbConn, meeting_id: i64) -> Result<usize, Error> {
    let m = store::get(conn, meeting_id)?;
    let Some((_, items)) = agenda::latest_published(conn, meeting_id)? else {
        return Ok(0);
    };
    let Sender {
        coalition,
        today,
        list,
    } = sender(conn, &m)?;
    let invitees = invitees(conn, &m, today)?;
    let may = entitled(conn, &invitees, today)?;
    let when = display::when(&m);
    let place = place_of(conn, &m)?;
    let url = format!("{BASE_URL}/meetings/{}", m.id);
    let invite = invitation(conn, &m, "REQUEST", today)?;
    let mut sent = 0;
    for confidential_ok in [true, false] {
        let recipients: Vec<Recipient> = invitees
            .iter()
            .zip(&may)
            .filter(|(_, e)| **e == confidential_ok)
            .map(|(r, _)| r.clone())
            .collect();
        let shown: Vec<MailItem> = items
            .iter()
            .filter(|i| confidential_ok || !i.confidential)
            .map(|i| MailItem {
                title: i.title.clone(),
                presenter: i.presenter.clone(),
                duration: i.duration_minutes,
                confidential: i.confidential,
            })
            .collect();
        let body = bodies::agenda(&meeting_mail(&coalition, &m, &when, &place, &url, &shown));
        sent += outbox::enqueue(
            conn,
            &NewMail {
                kind: "agenda",
                essential: true,
                body,
                invitation: Some(invite.clone()),
                list_id: list.clone(),
                auto_submitted: true,
                meeting_id: Some(m.id),
                recipients,
            },
        )?;
    }
    Ok(sent)
}

/// A changed time or place: the invitation again, same UID, higher SEQUENCE.
pub fn meeting_changed(conn: &mut DbConn, meeting_id: i64) -> Result<usize, Error> {
    let m = store::get(conn, meeting_id)?;
    let Sender {
        coalition,
        today,
        list,
    } = sender(conn, &m)?;
    let invitees = invitees(conn, &m, today)?;
    let (when, place, url) = (
        display::when(&m),
        place_of(conn, &m)?,
        format!("{BASE_URL}/meetings/{}", m.id),
    );
    let body = bodies::meeting_changed(&meeting_mail(&coalition, &m, &when, &place, &url, &[]));
    let invite = invitation(conn, &m, "REQUEST", today)?;
    outbox::enqueue(
        conn,
        &NewMail {
            kind: "meeting_changed",
            essential: true,
            body,
            invitation: Some(invite),
            list_id: list,
            auto_submitted: true,
            meeting_id: Some(m.id),
            recipients: invitees,
        },
    )
}

/// A cancelled meeting: METHOD:CANCEL, STATUS:CANCELLED, higher SEQUENCE.
pub fn meeting_cancelled(conn: &mut DbConn, meeting_id: i64) -> Result<usize, Error> {
    let m = store::get(conn, meeting_id)?;
    let Sender {
        coalition,
        today,
        list,
    } = sender(conn, &m)?;
    let invitees = invitees(conn, &m, today)?;
    let (when, place, url) = (
        display::when(&m),
        place_of(conn, &m)?,
        format!("{BASE_URL}/meetings/{}", m.id),
    );
    let reason = m.cancel_reason.clone().unwrap_or_default();
    let body = bodies::meeting_cancelled(
        &meeting_mail(&coalition, &m, &when, &place, &url, &[]),
        &reason,
    );
    let invite = invitation(conn, &m, "CANCEL", today)?;
    outbox::enqueue(
        conn,
        &NewMail {
            kind: "meeting_cancelled",
            essential: true,
            body,
            invitation: Some(invite),
            list_id: list,
            auto_submitted: true,
            meeting_id: Some(m.id),
            recipients: invitees,
        },
    )
}

/// Draft minutes for comment (with the deadline), or approved minutes.
pub fn minutes(
    conn: &mut DbConn,
    meeting_id: i64,
    deadline: Option<chrono::NaiveDate>,
) -> Result<usize, Error> {
    let m = store::get(conn, meeting_id)?;
    let Sender {
        coalition,
        today,
        list,
    } = sender(conn, &m)?;
    let recipients = body_of(conn, &m, today)?;
    let url = format!("{BASE_URL}/meetings/{}#minutes", m.id);
    let deadline_text = deadline.map(|d| d.to_string());
    let witness = match deadline {
        Some(_) => None,
        None => super::minutes::of_meeting(conn, m.id)?
            .and_then(|x| x.approval_audit_seq.zip(x.approval_audit_hash))
            .map(|(seq, hash)| format!("{seq}:{hash}")),
    };
    let body = bodies::minutes(
        &coalition,
        &m.title,
        &url,
        deadline_text.as_deref(),
        witness.as_deref(),
    );
    let kind = if deadline.is_some() {
        "minutes_draft"
    } else {
        "minutes_approved"
    };
    outbox::enqueue(
        conn,
        &NewMail {
            kind,
            essential: true,
            body,
            invitation: None,
            list_id: list,
            auto_submitted: true,
            meeting_id: Some(m.id),
            recipients,
        },
    )
}
