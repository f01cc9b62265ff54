//! What the session cookie holds: the opaque id of a server-side session (see `sessions`),
//! the CSRF token and flash messages. Who is signed in, since when and until when is the
//! server's to know, not the cookie's. The cookie is signed and encrypted (actix-session,
//! private).

use actix_session::Session;
use roundtable_templates::{Flash, FlashKind};
use serde::{Deserialize, Serialize};

use super::tokens::random_token;
use crate::error::Error;

const SESSION_ID: &str = "sid";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";

fn session_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("session: {e}"))
}

/// Puts a newly started server session's id in the cookie. The cookie is renewed (a new
/// CSRF token too) so nothing from before sign-in carries over; waiting messages do.
pub fn sign_in(session: &Session, session_id: &str) -> Result<(), Error> {
    let flashes = take_flashes(session);
    // clear + renew, not purge: actix-session ignores inserts into a purged session.
    session.clear();
    session.renew();
    session
        .insert(SESSION_ID, session_id)
        .map_err(session_error)?;
    session
        .insert(CSRF, random_token(32))
        .map_err(session_error)?;
    for flash in flashes {
        push_flash(session, flash.kind, &flash.message);
    }
    Ok(())
}

/// Forgets everything the cookie held and gives it a new one (the server session is ended
/// by the caller).
pub fn sign_out(session: &Session) {
    session.clear();
    session.renew();
}

/// The server session's id the cookie carries, if any.
pub fn session_id(session: &Session) -> Option<String> {
    session.get(SESSION_ID).ok().flatten()
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

/// Whether messages wait for the next page (the page cache leaves such a page alone).
pub fn has_flashes(session: &Session) -> bool {
    session.entries().contains_key(FLASH)
}

/// The messages left for the next page; reading them removes them.
pub fn take_flashes(session: &Session) -> Vec<Flash> {
    if !has_flashes(session) {
        // Removing marks the session changed even when nothing was there: the cookie would
        // be written again with every page, and no page could be kept (`web::cache`).
        return Vec::new();
    }
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
