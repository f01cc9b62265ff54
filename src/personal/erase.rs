//! Erasure that keeps the record (GDPR article 17): the person becomes a pseudonym ("Former
//! representative #17"); what identifies or reaches them goes (name, address, password,
//! sign-ins, tokens, links, preferences, queued mail); what the coalition decided through
//! them stays, attributed to their organisation and the pseudonym (positions,
//! authorisations, attendance, comments, versions they wrote), because it is part of the
//! institutional record. The audit chain keeps verifying: the events refer to personal
//! values kept apart (`audit::personal`), and those are what is replaced.

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{
    affiliations, api_tokens, attendance, audit_events, audit_personal, calendar_feeds,
    email_changes, link_tokens, mail_preferences, minute_comments, mou_signatures,
    outbox_deliveries, outbox_messages, people, sessions, statement_comments,
    working_group_nominees,
};
use crate::db::{self, DbConn};
use crate::error::Error;

/// The domain of the addresses erased people are left with: reserved, it reaches nobody.
const ERASED_DOMAIN: &str = "erased.invalid";

/// What an erasure left in the person's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub pseudonym: String,
    /// Events written before personal values were kept apart (migration 000015) that still
    /// name the person: changing them would break the chain, so they are counted and said.
    pub older_events_naming_them: i64,
}

/// `text` with every occurrence of the person's name and address replaced.
fn replaced(text: &str, name: &str, email: &str, pseudonym: &str, address: &str) -> String {
    let text = if name.is_empty() {
        text.to_owned()
    } else {
        text.replace(name, pseudonym)
    };
    text.replace(email, address)
}

/// A LIKE pattern finding `value` anywhere (its own wildcards escaped).
fn containing(value: &str) -> String {
    let escaped = value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub fn erase(conn: &mut DbConn, actor: &Actor, person_id: i64) -> Result<Erased, Error> {
    permissions::require(actor, Action::AdministerCoalition)?;
    if actor.id() == person_id {
        return Err(Error::Invalid(
            "an administrator cannot erase themselves: another administrator can".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let person = crate::auth::store::find(conn, person_id)?;
        let address = format!("erased-{person_id}@{ERASED_DOMAIN}");
        if person.email == address {
            return Err(Error::Invalid("this person is already erased".into()));
        }
        let represented: bool = affiliations::table
            .filter(affiliations::person_id.eq(person_id))
            .filter(affiliations::representation.is_not_null())
            .count()
            .get_result::<i64>(conn)?
            > 0;
        let pseudonym = format!(
            "Former {} #{person_id}",
            if represented {
                "representative"
            } else {
                "person"
            }
        );
        let (name, email) = (person.name.clone(), person.email.clone());
        let swap = |text: &str| replaced(text, &name, &email, &pseudonym, &address);

        diesel::update(people::table.find(person_id))
            .set((
                people::name.eq(&pseudonym),
                people::email.eq(&address),
                people::password_hash.eq(None::<String>),
                people::active.eq(false),
                people::is_admin.eq(false),
            ))
            .execute(conn)?;
        // What reached or identified them, or let them act.
        diesel::delete(sessions::table.filter(sessions::person_id.eq(person_id))).execute(conn)?;
        diesel::delete(api_tokens::table.filter(api_tokens::person_id.eq(person_id)))
            .execute(conn)?;
        diesel::delete(link_tokens::table.filter(link_tokens::person_id.eq(person_id)))
            .execute(conn)?;
        diesel::delete(email_changes::table.filter(email_changes::person_id.eq(person_id)))
            .execute(conn)?;
        diesel::delete(calendar_feeds::table.filter(calendar_feeds::person_id.eq(person_id)))
            .execute(conn)?;
        diesel::delete(mail_preferences::table.filter(mail_preferences::person_id.eq(person_id)))
            .execute(conn)?;
        diesel::delete(
            working_group_nominees::table.filter(working_group_nominees::person_id.eq(person_id)),
        )
        .execute(conn)?;
        // Still of their organisation (what they did in its name stays its own), in no role.
        diesel::update(affiliations::table.filter(affiliations::person_id.eq(person_id)))
            .set((
                affiliations::representation.eq(None::<String>),
                affiliations::is_authoriser.eq(false),
                affiliations::job_title.eq(""),
                affiliations::phone.eq(""),
            ))
            .execute(conn)?;

        // Mail: what waits for them goes; what went keeps its record, addressed to the
        // pseudonym, and no mail's text names them any more.
        let theirs = outbox_deliveries::person_id
            .eq(person_id)
            .or(outbox_deliveries::recipient_email.eq(email.to_lowercase()));
        diesel::delete(
            outbox_deliveries::table
                .filter(theirs.clone())
                .filter(outbox_deliveries::status.eq("queued")),
        )
        .execute(conn)?;
        diesel::update(outbox_deliveries::table.filter(theirs))
            .set((
                outbox_deliveries::recipient_name.eq(&pseudonym),
                outbox_deliveries::recipient_email.eq(&address),
            ))
            .execute(conn)?;
        let mentioning: Vec<(i64, String, String, String)> = outbox_messages::table
            .filter(
                outbox_messages::text_body
                    .like(containing(&name))
                    .escape('\\')
                    .or(outbox_messages::text_body
                        .like(containing(&email))
                        .escape('\\'))
                    .or(outbox_messages::subject
                        .like(containing(&name))
                        .escape('\\')),
            )
            .select((
                outbox_messages::id,
                outbox_messages::subject,
                outbox_messages::text_body,
                outbox_messages::html_body,
            ))
            .load(conn)?;
        for (id, subject, text, html) in &mentioning {
            diesel::update(outbox_messages::table.find(*id))
                .set((
                    outbox_messages::subject.eq(swap(subject)),
                    outbox_messages::text_body.eq(swap(text)),
                    outbox_messages::html_body.eq(swap(html)),
                ))
                .execute(conn)?;
        }

        // The record keeps what they said and did, under the pseudonym (and where their name
        // was typed as free text: attendance, a signature of the memorandum).
        diesel::update(attendance::table.filter(attendance::represented_by.eq(&name)))
            .set(attendance::represented_by.eq(&pseudonym))
            .execute(conn)?;
        diesel::update(mou_signatures::table.filter(mou_signatures::signed_by_name.eq(&name)))
            .set(mou_signatures::signed_by_name.eq(&pseudonym))
            .execute(conn)?;
        let comments: Vec<(i64, String)> = statement_comments::table
            .filter(statement_comments::person_id.eq(person_id))
            .select((statement_comments::id, statement_comments::body))
            .load(conn)?;
        for (id, body) in comments {
            diesel::update(statement_comments::table.find(id))
                .set(statement_comments::body.eq(swap(&body)))
                .execute(conn)?;
        }
        let remarks: Vec<(i64, String)> = minute_comments::table
            .filter(minute_comments::person_id.eq(person_id))
            .select((minute_comments::id, minute_comments::body))
            .load(conn)?;
        for (id, body) in remarks {
            diesel::update(minute_comments::table.find(id))
                .set(minute_comments::body.eq(swap(&body)))
                .execute(conn)?;
        }

        // The audit record: the values its events refer to, not the events. Their addresses
        // first (so the rest of theirs can become the pseudonym).
        diesel::update(audit_personal::table.filter(audit_personal::value.eq(&email)))
            .set(audit_personal::value.eq(&address))
            .execute(conn)?;
        diesel::update(
            audit_personal::table.filter(
                audit_personal::person_id
                    .eq(person_id)
                    .and(audit_personal::value.ne(&address))
                    .or(audit_personal::person_id
                        .is_null()
                        .and(audit_personal::value.eq(&name))),
            ),
        )
        .set(audit_personal::value.eq(&pseudonym))
        .execute(conn)?;
        let older_events_naming_them = audit_events::table
            .filter(
                audit_events::details
                    .like(containing(&name))
                    .escape('\\')
                    .or(audit_events::details.like(containing(&email)).escape('\\')),
            )
            .count()
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "person.erased",
            Subject::new("person", person_id),
            json!({ "pseudonym": pseudonym }),
        )?;
        Ok(Erased {
            pseudonym,
            older_events_naming_them,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_and_address_give_way_to_the_pseudonym() {
        assert_eq!(
            replaced(
                "Dear Ana Lima (ana@x.example), Ana Lima's comment",
                "Ana Lima",
                "ana@x.example",
                "Former representative #4",
                "erased-4@erased.invalid"
            ),
            "Dear Former representative #4 (erased-4@erased.invalid), Former representative #4's comment"
        );
        assert_eq!(containing("100%_sure"), "%100\\%\\_sure%");
    }
}
