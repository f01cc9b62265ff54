//! Writing mail: a message and one delivery per recipient, inside the transaction of the change
//! that causes it, so a mail exists exactly when its cause does.

use diesel::prelude::*;
use roundtable_templates::mail::MailBody;

use crate::db::schema::{mail_preferences, outbox_deliveries, outbox_messages};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::secret::random_token;

/// Links in mail bodies are written with this prefix and completed with BASE_URL when sent, so
/// the services that write mail need no settings.
pub const BASE_URL: &str = "{{BASE_URL}}";

/// Someone to mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub email: String,
    pub person_id: Option<i64>,
}

impl Recipient {
    pub fn person(p: &crate::auth::model::Person) -> Recipient {
        Recipient {
            name: p.name.clone(),
            email: p.email.clone(),
            person_id: Some(p.id),
        }
    }

    /// People read as (id, name, email) rows.
    pub fn people(rows: Vec<(i64, String, String)>) -> Vec<Recipient> {
        rows.into_iter()
            .map(|(id, name, email)| Recipient {
                name,
                email,
                person_id: Some(id),
            })
            .collect()
    }
}

/// An iTIP calendar to carry along (RFC 5546).
#[derive(Debug, Clone)]
pub struct Invitation {
    pub ics: String,
    /// REQUEST or CANCEL.
    pub method: &'static str,
}

/// A mail to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub kind: &'static str,
    /// Essential mail (agendas, minutes, decisions, anything that asks the person to act) goes
    /// to everyone; the rest is skipped for people who chose essential mail only.
    pub essential: bool,
    pub body: MailBody,
    pub invitation: Option<Invitation>,
    pub list_id: String,
    pub auto_submitted: bool,
    pub meeting_id: Option<i64>,
    pub recipients: Vec<Recipient>,
}

/// One line, no control characters: what may reach a header from user-written text.
pub fn header_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Queues a mail in the caller's transaction. Recipients are deduplicated by address; those who
/// chose essential mail only are left out of the rest. Returns the number of deliveries.
pub fn enqueue(conn: &mut DbConn, mail: &NewMail) -> Result<usize, Error> {
    let mut recipients: Vec<&Recipient> = Vec::new();
    for r in &mail.recipients {
        let email = r.email.trim().to_lowercase();
        if email.is_empty()
            || recipients
                .iter()
                .any(|x| x.email.trim().to_lowercase() == email)
        {
            continue;
        }
        recipients.push(r);
    }
    if !mail.essential {
        let quiet: Vec<i64> = mail_preferences::table
            .filter(mail_preferences::essential_only.eq(true))
            .select(mail_preferences::person_id)
            .load(conn)?;
        recipients.retain(|r| r.person_id.is_none_or(|p| !quiet.contains(&p)));
    }
    if recipients.is_empty() {
        return Ok(0);
    }
    let now = db::now();
    let id: i64 = diesel::insert_into(outbox_messages::table)
        .values((
            outbox_messages::kind.eq(mail.kind),
            outbox_messages::essential.eq(mail.essential),
            outbox_messages::subject.eq(header_safe(&mail.body.subject)),
            outbox_messages::text_body.eq(&mail.body.text),
            outbox_messages::html_body.eq(&mail.body.html),
            outbox_messages::calendar.eq(mail.invitation.as_ref().map(|i| i.ics.clone())),
            outbox_messages::calendar_method.eq(mail.invitation.as_ref().map(|i| i.method)),
            outbox_messages::list_id.eq(header_safe(&mail.list_id)),
            outbox_messages::auto_submitted.eq(mail.auto_submitted),
            outbox_messages::meeting_id.eq(mail.meeting_id),
            outbox_messages::created_at.eq(now),
        ))
        .returning(outbox_messages::id)
        .get_result(conn)?;
    for r in &recipients {
        diesel::insert_into(outbox_deliveries::table)
            .values((
                outbox_deliveries::message_id.eq(id),
                outbox_deliveries::recipient_name.eq(header_safe(&r.name)),
                outbox_deliveries::recipient_email.eq(r.email.trim().to_lowercase()),
                outbox_deliveries::person_id.eq(r.person_id),
                outbox_deliveries::message_id_header.eq(format!("{}.{}", id, random_token(12))),
                outbox_deliveries::status.eq("queued"),
                outbox_deliveries::attempts.eq(0),
                outbox_deliveries::next_attempt_at.eq(now),
                outbox_deliveries::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(recipients.len())
}

/// Marks every queued delivery as sent when it was made, without sending it (the demo's
/// made-up history). `by` is kept where a worker's name would be.
pub fn mark_all_sent(conn: &mut DbConn, by: &str) -> Result<usize, Error> {
    Ok(
        diesel::update(outbox_deliveries::table.filter(outbox_deliveries::status.eq("queued")))
            .set((
                outbox_deliveries::status.eq("sent"),
                outbox_deliveries::sent_at.eq(outbox_deliveries::created_at.nullable()),
                outbox_deliveries::leased_by.eq(Some(by)),
            ))
            .execute(conn)?,
    )
}

#[cfg(test)]
mod tests {
    use super::header_safe;

    #[test]
    fn header_text_is_one_line() {
        assert_eq!(
            header_safe("Plenary\r\nBcc: victim@example.org"),
            "Plenary Bcc: victim@example.org"
        );
        assert_eq!(header_safe("  a\tb  "), "a b");
    }
}
