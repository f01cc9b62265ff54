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
