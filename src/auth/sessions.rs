//! Signed-in browsers, kept on the server. The cookie holds only an opaque id (see
//! `session`); this table keeps its SHA-256, when and from where it began, when it was last
//! seen and when and why it ended. Ending one here ends it everywhere at once: a copied cookie
//! is dead after sign-out, and several instances on one PostgreSQL agree.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::model::ServerSession;
use crate::db::schema::sessions;
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::secret::{hash_token, random_token};

/// How long a session lives: since it was last seen, and at most since it began.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub idle: Duration,
    pub max: Duration,
}

/// Why a session ended, as the account page says it.
pub const SIGNED_OUT: &str = "signed out";
pub const PASSWORD_CHANGED: &str = "the password was changed";
pub const DEACTIVATED: &str = "the account was deactivated";
pub const ENDED_BY_PERSON: &str = "ended from the account page";

/// Whether `session` still lets its browser in at `now`. Pure: the one rule for both limits.
pub fn is_live(session: &ServerSession, now: NaiveDateTime, limits: Limits) -> bool {
    let within = |since: NaiveDateTime, limit: Duration| {
        TimeDelta::from_std(limit).is_ok_and(|limit| now - since < limit)
    };
    session.ended_at.is_none()
        && within(session.last_seen_at, limits.idle)
        && within(session.created_at, limits.max)
}

/// The instant `session` stops letting its browser in if it is not used again: its idle
/// limit from the last time seen, or its absolute limit if sooner. Pure, as `is_live`.
pub fn live_until(session: &ServerSession, limits: Limits) -> NaiveDateTime {
    let after = |since: NaiveDateTime, limit: Duration| {
        TimeDelta::from_std(limit)
            .ok()
            .and_then(|limit| since.checked_add_signed(limit))
            .unwrap_or(NaiveDateTime::MAX)
    };
    after(session.last_seen_at, limits.idle).min(after(session.created_at, limits.max))
}

/// A last-seen time older than this is written again (at most once a minute per session, so
/// a page's many requests do not each write).
pub fn needs_touch(session: &ServerSession, now: NaiveDateTime) -> bool {
    now - session.last_seen_at >= TimeDelta::minutes(1)
}

/// Begins a session for a person who just proved who they are; returns the opaque id for
/// the cookie (its only copy).
pub fn start(
    conn: &mut DbConn,
    person_id: i64,
    user_agent: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<String, Error> {
    let token = random_token(32);
    let user_agent: String = user_agent.chars().take(200).collect();
    diesel::insert_into(sessions::table)
        .values((
            sessions::person_id.eq(person_id),
            sessions::token_hash.eq(hash_token(&token)),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::user_agent.eq(user_agent),
            sessions::address.eq(address.chars().take(64).collect::<String>()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Ends the session whose cookie holds `token` (signing out). Unknown or ended: nothing.
pub fn end(conn: &mut DbConn, token: &str, why: &str) -> Result<(), Error> {
    diesel::update(
        sessions::table
            .filter(sessions::token_hash.eq(hash_token(token)))
            .filter(sessions::ended_at.is_null()),
    )
    .set((
        sessions::ended_at.eq(db::now()),
        sessions::ended_why.eq(why),
    ))
    .execute(conn)?;
    Ok(())
}

/// Ends every open session of a person, but the one whose cookie holds `keep` (the browser
/// that changed the password stays signed in). Returns how many ended.
pub fn end_all(
    conn: &mut DbConn,
    person_id: i64,
    keep: Option<&str>,
    why: &str,
) -> Result<usize, Error> {
    let kept = keep.map(hash_token).unwrap_or_default();
    Ok(diesel::update(
        sessions::table
            .filter(sessions::person_id.eq(person_id))
            .filter(sessions::ended_at.is_null())
            .filter(sessions::token_hash.ne(kept)),
    )
    .set((
        sessions::ended_at.eq(db::now()),
        sessions::ended_why.eq(why),
    ))
    .execute(conn)?)
}

/// Ends one of the person's own sessions (from the account page).
pub fn end_own(conn: &mut DbConn, person_id: i64, session_id: i64) -> Result<(), Error> {
    let ended = diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::person_id.eq(person_id)),
    )
    .filter(sessions::ended_at.is_null())
    .set((
        sessions::ended_at.eq(db::now()),
        sessions::ended_why.eq(ENDED_BY_PERSON),
    ))
    .execute(conn)?;
    if ended == 0 {
        // Someone else's, or gone: the same answer, so ids reveal nothing.
        let own: i64 = sessions::table
            .find(session_id)
            .filter(sessions::person_id.eq(person_id))
            .count()
            .get_result(conn)?;
        if own == 0 {
            return Err(Error::NotFound);
        }
    }
    Ok(())
}

/// Records that the session was just used.
pub fn touch(conn: &mut DbConn, session_id: i64, now: NaiveDateTime) -> Result<(), Error> {
    diesel::update(sessions::table.find(session_id))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// A person's sessions, newest first: the open ones, and the last few that ended.
pub fn of_person(conn: &mut DbConn, person_id: i64) -> Result<Vec<ServerSession>, Error> {
    Ok(sessions::table
        .filter(sessions::person_id.eq(person_id))
        .order(sessions::id.desc())
        .limit(20)
        .select(ServerSession::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> NaiveDateTime {
        chrono::DateTime::UNIX_EPOCH.naive_utc() + TimeDelta::minutes(minutes)
    }

    fn session(created: i64, seen: i64, ended: Option<i64>) -> ServerSession {
        ServerSession {
            id: 1,
            person_id: 1,
            token_hash: String::new(),
            created_at: at(created),
            last_seen_at: at(seen),
            ended_at: ended.map(at),
            ended_why: String::new(),
            user_agent: String::new(),
            address: String::new(),
        }
    }

    #[test]
    fn a_session_lives_within_both_limits_until_it_ends() {
        let limits = Limits {
            idle: Duration::from_secs(60 * 60),
            max: Duration::from_secs(12 * 60 * 60),
        };
        assert!(is_live(&session(0, 0, None), at(59), limits));
        assert!(!is_live(&session(0, 0, None), at(60), limits), "idle");
        assert!(is_live(&session(0, 700, None), at(719), limits));
        assert!(
            !is_live(&session(0, 719, None), at(720), limits),
            "absolute"
        );
        assert!(!is_live(&session(0, 0, Some(1)), at(2), limits), "ended");
        assert!(!needs_touch(&session(0, 10, None), at(10)));
        assert!(needs_touch(&session(0, 10, None), at(11)));
    }
}
