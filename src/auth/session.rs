//! What the session cookie holds: who is signed in, since when, when they were last seen, the
//! CSRF token and flash messages. The cookie is signed and encrypted (actix-session, private).

use actix_session::Session;
use chrono::{DateTime, Utc};
use roundtable_templates::{Flash, FlashKind};
use serde::{Deserialize, Serialize};

use super::tokens::random_token;
use crate::config::Settings;
use crate::error::Error;

const PERSON: &str = "person";
/// Instants in milliseconds since 1970.
const SIGNED_IN_AT: &str = "signed_in_at_ms";
const SEEN_AT: &str = "seen_at_ms";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";

fn session_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("session: {e}"))
}

/// Starts a signed-in session. The session is renewed (a new cookie, a new CSRF token) so
/// nothing from before sign-in carries over.
pub fn sign_in(session: &Session, person_id: i64, now: DateTime<Utc>) -> Result<(), Error> {
    let flashes = take_flashes(session);
    // clear + renew, not purge: actix-session ignores inserts into a purged session.
    session.clear();
    session.renew();
    let now = now.timestamp_millis();
    session.insert(PERSON, person_id).map_err(session_error)?;
    session.insert(SIGNED_IN_AT, now).map_err(session_error)?;
    session.insert(SEEN_AT, now).map_err(session_error)?;
    session
        .insert(CSRF, random_token(32))
        .map_err(session_error)?;
    for flash in flashes {
        push_flash(session, flash.kind, &flash.message);
    }
    Ok(())
}

/// Forgets everything the session held and gives it a new cookie.
pub fn sign_out(session: &Session) {
    session.clear();
    session.renew();
}

/// The signed-in person's id, unless the session has been idle too long or has reached its
/// absolute limit, in which case it ends here.
pub fn person_id(session: &Session, settings: &Settings, now: DateTime<Utc>) -> Option<i64> {
    let person: i64 = session.get(PERSON).ok().flatten()?;
    let signed_in_at: i64 = session.get(SIGNED_IN_AT).ok().flatten()?;
    let seen_at: i64 = session.get(SEEN_AT).ok().flatten()?;
    let now = now.timestamp_millis();
    let idle = i64::try_from(settings.session_idle.as_millis()).unwrap_or(i64::MAX);
    let max = i64::try_from(settings.session_max.as_millis()).unwrap_or(i64::MAX);
    if now.saturating_sub(seen_at) >= idle || now.saturating_sub(signed_in_at) >= max {
        sign_out(session);
        push_flash(
            session,
            FlashKind::Info,
            "Your session has ended. Please sign in again.",
        );
        return None;
    }
    // Refreshed at most once a second, so a burst of requests rewrites the cookie once.
    if now - seen_at >= 1000 {
        let _ = session.insert(SEEN_AT, now);
    }
    Some(person)
}

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(CSRF) {
        return token;
    }
    let token = random_token(32);
    let _ = session.insert(CSRF, &token);
    token
}

/// The token the session expects, without creating one.
pub fn expected_csrf_token(session: &Session) -> Option<String> {
    session.get::<String>(CSRF).ok().flatten()
}

#[derive(Serialize, Deserialize)]
struct StoredFlash {
    kind: u8,
    message: String,
}

pub fn push_flash(session: &Session, kind: FlashKind, message: &str) {
    let mut stored: Vec<StoredFlash> = session.get(FLASH).ok().flatten().unwrap_or_default();
    let kind = match kind {
        FlashKind::Success => 0,
        FlashKind::Info => 1,
        FlashKind::Error => 2,
    };
    stored.push(StoredFlash {
        kind,
        message: message.to_owned(),
    });
    let _ = session.insert(FLASH, stored);
}

/// The messages left for the next page; reading them removes them.
pub fn take_flashes(session: &Session) -> Vec<Flash> {
    let stored: Vec<StoredFlash> = session
        .remove_as(FLASH)
        .and_then(Result::ok)
        .unwrap_or_default();
    stored
        .into_iter()
        .map(|f| Flash {
            kind: match f.kind {
                0 => FlashKind::Success,
                2 => FlashKind::Error,
                _ => FlashKind::Info,
            },
            message: f.message,
        })
        .collect()
}
