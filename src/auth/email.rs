//! Changing a person's email address. An address plus "forgot my password" is an account: for
//! someone who has a password, whoever asks for the change (the secretariat, the person), it
//! happens only when the link mailed to the *old* address is followed. Someone who never set
//! a password owns nothing yet, so their address changes at once.

use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::json;

use super::model::Person;
use super::permissions::{self, Action, Actor};
use super::store::{find, find_by_email, normalise_email};
use crate::audit::{self, Subject};
use crate::db::schema::{email_changes, people};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::secret::{hash_token, random_token};

/// How long the confirmation link works.
pub const CONFIRMATION_VALID: TimeDelta = TimeDelta::days(7);

/// What a request for a new address did.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// Changed at once (the person never set a password).
    Changed,
    /// Waiting for the person to confirm from their present address (named here).
    AwaitingConfirmation { mailed_to: String },
}

/// Asks for `person_id`'s address to become `new_email`: the person themself, or the
/// secretariat for the people of the coalition.
pub fn request(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i64,
    new_email: &str,
) -> Result<Requested, Error> {
    if actor.id() != person_id {
        permissions::require(actor, Action::ManageMembership)?;
    }
    let new_email = normalise_email(new_email);
    if !validator::ValidateEmail::validate_email(&new_email) {
        return Err(Error::field("email", "enter a valid email address"));
    }
    db::write_tx(conn, |conn| {
        let person = find(conn, person_id)?;
        if !person.active {
            return Err(Error::Invalid(format!("{} is deactivated", person.name)));
        }
        if person.email == new_email {
            return Err(Error::field("email", "this is already the address"));
        }
        if find_by_email(conn, &new_email)?.is_some() {
            return Err(Error::field("email", "another person has this address"));
        }
        if person.password_hash.is_none() {
            set_email(conn, &person, &new_email, actor.id())?;
            return Ok(Requested::Changed);
        }
        let token = random_token(32);
        let now = db::now();
        diesel::insert_into(email_changes::table)
            .values((
                email_changes::person_id.eq(person.id),
                email_changes::new_email.eq(&new_email),
                email_changes::token_hash.eq(hash_token(&token)),
                email_changes::requested_by.eq(actor.id()),
                email_changes::created_at.eq(now),
                email_changes::expires_at.eq(now + CONFIRMATION_VALID),
            ))
            .execute(conn)?;
        super::notices::email_change(conn, &person, &new_email, &token)?;
        let address = audit::personal(conn, Some(person.id), &new_email)?;
        audit::record(
            conn,
            Some(actor.id()),
            "person.email_change_requested",
            Subject::new("person", person.id),
            json!({ "new_email": address }),
        )?;
        Ok(Requested::AwaitingConfirmation {
            mailed_to: person.email,
        })
    })
}

/// The change a confirmation link stands for, if it can still be made: (person, new address).
pub fn pending(conn: &mut DbConn, token: &str) -> Result<(Person, String), Error> {
    let found: Option<(i64, i64, String)> = email_changes::table
        .filter(email_changes::token_hash.eq(hash_token(token)))
        .filter(email_changes::confirmed_at.is_null())
        .filter(email_changes::expires_at.gt(db::now()))
        .select((
            email_changes::id,
            email_changes::person_id,
            email_changes::new_email,
        ))
        .first(conn)
        .optional()?;
    let (_, person_id, new_email) =
        found.ok_or_else(|| Error::Invalid("this link is not valid, used or expired".into()))?;
    Ok((find(conn, person_id)?, new_email))
}

/// The person confirms from their old address: the change is made.
pub fn confirm(conn: &mut DbConn, token: &str) -> Result<Person, Error> {
    db::write_tx(conn, |conn| {
        let (person, new_email) = pending(conn, token)?;
        if !person.active {
            return Err(Error::Invalid("this account has been deactivated".into()));
        }
        if find_by_email(conn, &new_email)?.is_some() {
            return Err(Error::Conflict(
                "another person has this address by now; ask for the change again".into(),
            ));
        }
        diesel::update(
            email_changes::table.filter(email_changes::token_hash.eq(hash_token(token))),
        )
        .set(email_changes::confirmed_at.eq(db::now()))
        .execute(conn)?;
        set_email(conn, &person, &new_email, person.id)?;
        find(conn, person.id)
    })
}

fn set_email(conn: &mut DbConn, person: &Person, new_email: &str, by: i64) -> Result<(), Error> {
    diesel::update(people::table.find(person.id))
        .set(people::email.eq(new_email))
        .execute(conn)?;
    audit::record(
        conn,
        Some(by),
        "person.email_changed",
        Subject::new("person", person.id),
        json!({ "from": person.email, "to": new_email }),
    )
}
