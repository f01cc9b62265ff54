//! People and signing in: creating people, checking passwords under the throttle, and the
//! first-run set-up that creates the coalition and its first administrator.

use std::time::Duration;

use diesel::prelude::*;

use super::model::{NewPerson, Person};
use super::permissions::{self, Action, Actor};
use super::{password, throttle, tokens};
use crate::audit::{self, Subject};
use crate::coalition;
use crate::config::ThrottlePolicy;
use crate::db::schema::people;
use crate::db::{self, DbConn};
use crate::error::Error;

/// Emails are compared and stored in lower case; the database enforces uniqueness on that.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> Result<Option<Person>, Error> {
    Ok(people::table
        .filter(people::email.eq(normalise_email(email)))
        .select(Person::as_select())
        .first(conn)
        .optional()?)
}

/// The names of these people, in one query (for pages that list who did what).
pub fn names(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, Error> {
    Ok(people::table
        .filter(people::id.eq_any(ids))
        .select((people::id, people::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Person, Error> {
    Ok(people::table
        .find(id)
        .select(Person::as_select())
        .first(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, Error> {
    Ok(people::table.count().get_result(conn)?)
}

/// What is needed to create a person.
pub struct PersonDraft<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: Option<&'a str>,
    pub is_admin: bool,
}

/// Checks a new person's details; returns the name as it is stored (`clean::name`).
pub(crate) fn check_draft(draft: &PersonDraft<'_>) -> Result<String, Error> {
    let name =
        crate::clean::name(draft.name, "the person's name").map_err(|m| Error::field("name", m))?;
    if !validator::ValidateEmail::validate_email(&normalise_email(draft.email)) {
        return Err(Error::Invalid(format!(
            "{:?} is not an email address",
            draft.email
        )));
    }
    if let Some(p) = draft.password
        && p.chars().count() < password::MIN_LENGTH
    {
        return Err(Error::Invalid(format!(
            "a password needs at least {} characters",
            password::MIN_LENGTH
        )));
    }
    Ok(name)
}

/// Every person's email (as stored: normalised), for checking many at once.
pub fn all_emails(conn: &mut DbConn) -> Result<std::collections::HashSet<String>, Error> {
    Ok(people::table
        .select(people::email)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Inserts a person and records who added them. Runs inside the caller's transaction;
/// `actor` is None for the command line and the first-run set-up.
pub(crate) fn insert_person(
    conn: &mut DbConn,
    actor: Option<i64>,
    draft: &PersonDraft<'_>,
) -> Result<Person, Error> {
    let name = check_draft(draft)?;
    let email = normalise_email(draft.email);
    if find_by_email(conn, &email)?.is_some() {
        return Err(Error::Conflict(format!(
            "someone with the email {email} already exists"
        )));
    }
    let hash = draft.password.map(password::hash).transpose()?;
    let id: i64 = diesel::insert_into(people::table)
        .values(NewPerson {
            name: &name,
            email: &email,
            password_hash: hash.as_deref(),
            active: true,
            is_admin: draft.is_admin,
            created_at: db::now(),
        })
        .returning(people::id)
        .get_result(conn)?;
    let person = find(conn, id)?;
    let name = audit::personal(conn, Some(person.id), &person.name)?;
    let email = audit::personal(conn, Some(person.id), &person.email)?;
    audit::record(
        conn,
        actor,
        "person.created",
        Subject::new("person", person.id),
        serde_json::json!({ "name": name, "email": email, "is_admin": person.is_admin }),
    )?;
    Ok(person)
}

/// An administrator adds a person.
pub fn add_person(
    conn: &mut DbConn,
    actor: &Actor,
    draft: &PersonDraft<'_>,
) -> Result<Person, Error> {
    permissions::require(actor, Action::AdministerCoalition)?;
    db::write_tx(conn, |conn| insert_person(conn, Some(actor.id()), draft))
}

/// The command line adds a person: whoever runs it on the server is trusted.
pub fn add_person_from_console(
    conn: &mut DbConn,
    draft: &PersonDraft<'_>,
) -> Result<Person, Error> {
    db::write_tx(conn, |conn| insert_person(conn, None, draft))
}

/// Creates the coalition and its first administrator, once. Used by the set-up link (which
/// passes its token, used up in the same transaction) and by `roundtable user add`.
pub fn bootstrap(
    conn: &mut DbConn,
    setup_token: Option<&str>,
    coalition_name: &str,
    time_zone: &str,
    admin: &PersonDraft<'_>,
) -> Result<Person, Error> {
    db::write_tx(conn, |conn| {
        if let Some(token) = setup_token {
            tokens::consume_link_token(conn, tokens::PURPOSE_SETUP, token)?;
        }
        if count(conn)? > 0 {
            return Err(Error::Conflict(
                "the coalition has already been set up".into(),
            ));
        }
        let c = coalition::create(conn, coalition_name, time_zone)?;
        audit::record(
            conn,
            None,
            "coalition.created",
            Subject::new("coalition", c.id),
            serde_json::json!({ "name": c.name, "time_zone": c.time_zone }),
        )?;
        insert_person(
            conn,
            None,
            &PersonDraft {
                is_admin: true,
                ..*admin
            },
        )
    })
}

/// A new set-up link, only while nobody exists yet.
pub fn issue_setup_link(conn: &mut DbConn, valid_for: Duration) -> Result<Option<String>, Error> {
    db::write_tx(conn, |conn| {
        if count(conn)? > 0 {
            return Ok(None);
        }
        tokens::create_link_token(conn, tokens::PURPOSE_SETUP, None, valid_for).map(Some)
    })
}

/// Checks an email and password under the throttle. A failure is counted (and committed)
/// before the refusal is returned; the answer never says whether the email exists. The
/// password is checked outside any transaction, so a slow hash never holds a write lock.
pub fn sign_in(
    conn: &mut DbConn,
    policy: &ThrottlePolicy,
    email: &str,
    password_given: &str,
    address: &str,
) -> Result<Person, Error> {
    let email = normalise_email(email);
    let account = throttle::account_key(&email);
    let place = throttle::address_key(address);
    let now = db::now();
    let person = find_by_email(conn, &email)?.filter(|p| p.active);
    let mut decision = throttle::decide(
        throttle::load(conn, &account)?.as_ref(),
        &policy.account,
        now,
    );
    // Someone who signed in from this address before is not held back by other people's
    // failures there (an office behind one NAT); the account's own delay still applies.
    if !signed_in_from(conn, person.as_ref(), address, now)? {
        decision = throttle::worst(
            decision,
            throttle::decide(throttle::load(conn, &place)?.as_ref(), &policy.address, now),
        );
    }
    if let Some(refusal) = throttle::refusal(&decision) {
        return Err(refusal);
    }
    let stored = person.as_ref().and_then(|p| p.password_hash.as_deref());
    // With no person the check runs against a dummy hash, so it takes as long.
    let verified = password::verify(password_given, stored);
    let outdated = stored.is_some_and(password::outdated);
    match person {
        Some(person) if verified => {
            throttle::clear(conn, &account)?;
            // The one moment the password is known: a hash made with older settings is made
            // anew (the password itself is not checked again against today's rules).
            if outdated {
                let renewed = password::hash(password_given)?;
                db::write_tx(conn, |conn| store_hash(conn, person.id, &renewed))?;
            }
            Ok(person)
        }
        _ => {
            db::write_tx(conn, |conn| {
                throttle::note_failure(conn, &account, &policy.account, now)?;
                throttle::note_failure(conn, &place, &policy.address, now)
            })?;
            Err(Error::Invalid("the email or password is not right".into()))
        }
    }
}

/// Whether the person started a session from this address in the last 30 days.
fn signed_in_from(
    conn: &mut DbConn,
    person: Option<&Person>,
    address: &str,
    now: chrono::NaiveDateTime,
) -> Result<bool, Error> {
    use crate::db::schema::sessions;
    let Some(person) = person else {
        return Ok(false);
    };
    let since = now - chrono::TimeDelta::days(30);
    Ok(diesel::select(diesel::dsl::exists(
        sessions::table
            .filter(sessions::person_id.eq(person.id))
            .filter(sessions::address.eq(address))
            .filter(sessions::created_at.gt(since)),
    ))
    .get_result(conn)?)
}

/// Sets a person's password, inside the caller's transaction (invitations, resets).
pub(crate) fn set_password(
    conn: &mut DbConn,
    person_id: i64,
    new_password: &str,
) -> Result<(), Error> {
    password::check(new_password).map_err(|m| Error::field("password", m))?;
    store_hash(conn, person_id, &password::hash(new_password)?)
}

fn store_hash(conn: &mut DbConn, person_id: i64, hash: &str) -> Result<(), Error> {
    diesel::update(people::table.find(person_id))
        .set(people::password_hash.eq(Some(hash)))
        .execute(conn)?;
    Ok(())
}

pub const PURPOSE_RESET: &str = "password_reset";
pub const RESET_VALID: Duration = Duration::from_secs(2 * 3600);

/// Mails a reset link when the address belongs to an active person; does nothing otherwise.
/// The caller answers the same either way, so the form tells nobody whether an address exists.
pub fn request_password_reset(conn: &mut DbConn, email: &str) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let Some(person) = find_by_email(conn, email)?.filter(|p| p.active) else {
            return Ok(());
        };
        // One link per address every ten minutes: the form cannot be used to flood a mailbox.
        let recent: i64 = crate::db::schema::link_tokens::table
            .filter(crate::db::schema::link_tokens::person_id.eq(person.id))
            .filter(crate::db::schema::link_tokens::purpose.eq(PURPOSE_RESET))
            .filter(
                crate::db::schema::link_tokens::created_at
                    .gt(db::now() - chrono::TimeDelta::minutes(10)),
            )
            .count()
            .get_result(conn)?;
        if recent > 0 {
            return Ok(());
        }
        tokens::void_links(conn, PURPOSE_RESET, person.id)?;
        let token = tokens::create_link_token(conn, PURPOSE_RESET, Some(person.id), RESET_VALID)?;
        super::notices::password_reset(conn, &person, &token)?;
        audit::record(
            conn,
            None,
            "person.password_reset_requested",
            Subject::new("person", person.id),
            serde_json::json!({}),
        )
    })
}

/// A reset link for the console only (`roundtable user reset`): the way back in for an
/// administrator who lost their password, given by whoever runs the server, never by mail
/// to an address someone else may have changed.
pub fn issue_reset_link(conn: &mut DbConn, email: &str) -> Result<(Person, String), Error> {
    db::write_tx(conn, |conn| {
        let person = find_by_email(conn, email)?
            .filter(|p| p.active)
            .ok_or_else(|| Error::Invalid(format!("no active person has the email {email}")))?;
        tokens::void_links(conn, PURPOSE_RESET, person.id)?;
        let token = tokens::create_link_token(conn, PURPOSE_RESET, Some(person.id), RESET_VALID)?;
        audit::record(
            conn,
            None,
            "person.reset_link_issued",
            Subject::new("person", person.id),
            serde_json::json!({ "via": "console" }),
        )?;
        Ok((person, token))
    })
}

/// Sets the new password; the link is used up in the same transaction.
pub fn reset_password(conn: &mut DbConn, token: &str, new_password: &str) -> Result<Person, Error> {
    db::write_tx(conn, |conn| {
        let link = tokens::consume_link_token(conn, PURPOSE_RESET, token)?;
        let person = find(
            conn,
            link.person_id
                .ok_or_else(|| Error::Invalid("this link is not valid".into()))?,
        )?;
        if !person.active {
            return Err(Error::Invalid("this account has been deactivated".into()));
        }
        set_password(conn, person.id, new_password)?;
        // Whoever held the old password may hold a session made with it: none survives.
        super::sessions::end_all(conn, person.id, None, super::sessions::PASSWORD_CHANGED)?;
        audit::record(
            conn,
            Some(person.id),
            "person.password_reset",
            Subject::new("person", person.id),
            serde_json::json!({}),
        )?;
        Ok(person)
    })
}
