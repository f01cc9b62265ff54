//! The mail sign-in sends: the link to choose a new password.

use roundtable_templates::mail as bodies;

use crate::db::DbConn;
use crate::error::Error;
use crate::mail::compose::{coalition_name, notice};
use crate::mail::outbox::{BASE_URL, Recipient};

/// A single-use link to choose a new password.
pub fn password_reset(
    conn: &mut DbConn,
    person: &crate::auth::model::Person,
    token: &str,
) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let body = bodies::password_reset(
        &coalition,
        &person.name,
        &format!("{BASE_URL}/password/reset/{token}"),
    );
    notice(
        conn,
        "password_reset",
        body,
        vec![Recipient::person(person)],
    )
}

/// The confirmation of a new address, mailed to the present one: only its owner can follow it.
pub fn email_change(
    conn: &mut DbConn,
    person: &crate::auth::model::Person,
    new_email: &str,
    token: &str,
) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let body = bodies::email_change(
        &coalition,
        &person.name,
        new_email,
        &format!("{BASE_URL}/email/confirm/{token}"),
    );
    notice(conn, "email_change", body, vec![Recipient::person(person)])
}
