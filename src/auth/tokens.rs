//! Secrets handed to people: personal API tokens and single-use links. Only their SHA-256 is
//! stored, so a copy of the database lets nobody in.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{ApiToken, LinkToken, Person};
use crate::audit::{self, Subject};
use crate::db::schema::{api_tokens, link_tokens, people};
use crate::db::{self, DbConn};
use crate::error::Error;
pub use crate::secret::{hash_token, random_token};

/// What a single-use link is for.
pub const PURPOSE_SETUP: &str = "setup";

/// Creates a personal API token without an end and returns it (the command line's token).
pub fn create_api_token(conn: &mut DbConn, person: &Person, label: &str) -> Result<String, Error> {
    create_expiring_api_token(conn, person, label, None)
}

/// Creates a personal API token that works for `valid_for` (or until revoked) and returns
/// it: this is the only time it is seen in full.
pub fn create_expiring_api_token(
    conn: &mut DbConn,
    person: &Person,
    label: &str,
    valid_for: Option<chrono::TimeDelta>,
) -> Result<String, Error> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(Error::Invalid(
            "a token needs a label of 1 to 100 characters".into(),
        ));
    }
    let token = format!("rt_{}", random_token(32));
    db::write_tx(conn, |conn| {
        let id: i64 = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::person_id.eq(person.id),
                api_tokens::label.eq(label),
                api_tokens::token_hash.eq(hash_token(&token)),
                api_tokens::created_at.eq(db::now()),
                api_tokens::expires_at.eq(valid_for.map(|d| db::now() + d)),
            ))
            .returning(api_tokens::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(person.id),
            "api_token.created",
            Subject::new("api_token", id),
            serde_json::json!({ "label": label }),
        )
    })?;
    Ok(token)
}

/// The person a bearer token belongs to, if the token is known, not revoked, not expired,
/// and its person is active.
pub fn authenticate_api_token(
    conn: &mut DbConn,
    token: &str,
    address: &str,
) -> Result<Option<Person>, Error> {
    let found: Option<(ApiToken, Person)> = api_tokens::table
        .inner_join(people::table)
        .filter(api_tokens::token_hash.eq(hash_token(token)))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(db::now())),
        )
        .filter(people::active.eq(true))
        .select((ApiToken::as_select(), Person::as_select()))
        .first(conn)
        .optional()?;
    let Some((api_token, person)) = found else {
        return Ok(None);
    };
    // Record use at most once a minute: a busy script should not turn every read into a write.
    let now = db::now();
    let stale = api_token
        .last_used_at
        .is_none_or(|t| now - t > chrono::TimeDelta::minutes(1))
        || api_token.last_used_from != address;
    if stale {
        diesel::update(api_tokens::table.find(api_token.id))
            .set((
                api_tokens::last_used_at.eq(now),
                api_tokens::last_used_from.eq(address.chars().take(64).collect::<String>()),
            ))
            .execute(conn)?;
    }
    Ok(Some(person))
}

pub fn list_api_tokens(conn: &mut DbConn, person_id: i64) -> Result<Vec<ApiToken>, Error> {
    Ok(api_tokens::table
        .filter(api_tokens::person_id.eq(person_id))
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)?)
}

/// Revokes one of the person's own tokens. Revoking twice is harmless.
pub fn revoke_api_token(conn: &mut DbConn, person: &Person, token_id: i64) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let token: ApiToken = api_tokens::table
            .find(token_id)
            .filter(api_tokens::person_id.eq(person.id))
            .select(ApiToken::as_select())
            .first(conn)?;
        if token.revoked_at.is_some() {
            return Ok(());
        }
        diesel::update(api_tokens::table.find(token.id))
            .set(api_tokens::revoked_at.eq(db::now()))
            .execute(conn)?;
        audit::record(
            conn,
            Some(person.id),
            "api_token.revoked",
            Subject::new("api_token", token.id),
            serde_json::json!({ "label": token.label }),
        )
    })
}

/// Revokes every token of a person (when they are deactivated). Returns how many.
pub fn revoke_all(conn: &mut DbConn, person_id: i64) -> Result<usize, Error> {
    Ok(diesel::update(
        api_tokens::table
            .filter(api_tokens::person_id.eq(person_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(db::now()))
    .execute(conn)?)
}

/// Ends a person's unused links for `purpose`: only the newest link works (an older reset
/// link in a forgotten mail is no way in).
pub fn void_links(conn: &mut DbConn, purpose: &str, person_id: i64) -> Result<usize, Error> {
    Ok(diesel::update(
        link_tokens::table
            .filter(link_tokens::purpose.eq(purpose))
            .filter(link_tokens::person_id.eq(person_id))
            .filter(link_tokens::used_at.is_null()),
    )
    .set(link_tokens::used_at.eq(db::now()))
    .execute(conn)?)
}

/// Stores a new single-use link token and returns the token itself.
pub fn create_link_token(
    conn: &mut DbConn,
    purpose: &str,
    person_id: Option<i64>,
    valid_for: Duration,
) -> Result<String, Error> {
    let token = random_token(32);
    let now = db::now();
    let valid_for = chrono::TimeDelta::from_std(valid_for)
        .map_err(|e| Error::Internal(format!("link validity out of range: {e}")))?;
    diesel::insert_into(link_tokens::table)
        .values((
            link_tokens::purpose.eq(purpose),
            link_tokens::person_id.eq(person_id),
            link_tokens::token_hash.eq(hash_token(&token)),
            link_tokens::created_at.eq(now),
            link_tokens::expires_at.eq(now + valid_for),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Why a link cannot be used.
fn unusable(token: &LinkToken, now: NaiveDateTime) -> Option<&'static str> {
    if token.used_at.is_some() {
        Some("this link has already been used")
    } else if token.expires_at <= now {
        Some("this link has expired")
    } else {
        None
    }
}

/// Finds a usable link token without using it up (to show the form behind it).
pub fn peek_link_token(conn: &mut DbConn, purpose: &str, token: &str) -> Result<LinkToken, Error> {
    let found: LinkToken = link_tokens::table
        .filter(link_tokens::token_hash.eq(hash_token(token)))
        .filter(link_tokens::purpose.eq(purpose))
        .select(LinkToken::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Invalid("this link is not valid".into()))?;
    match unusable(&found, db::now()) {
        Some(reason) => Err(Error::Invalid(reason.into())),
        None => Ok(found),
    }
}

/// Uses the link token up. Call inside the transaction that does what the link allows; the
/// conditional update makes a second, racing use find nothing to update.
pub fn consume_link_token(
    conn: &mut DbConn,
    purpose: &str,
    token: &str,
) -> Result<LinkToken, Error> {
    let found = peek_link_token(conn, purpose, token)?;
    let updated = diesel::update(link_tokens::table.find(found.id))
        .filter(link_tokens::used_at.is_null())
        .set(link_tokens::used_at.eq(db::now()))
        .execute(conn)?;
    if updated != 1 {
        return Err(Error::Invalid("this link has already been used".into()));
    }
    Ok(found)
}
