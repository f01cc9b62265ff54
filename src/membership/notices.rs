//! The mail membership sends: invitations to set a password, membership decisions.

use roundtable_templates::mail as bodies;

use crate::db::DbConn;
use crate::error::Error;
use crate::mail::compose::{coalition_name, notice};
use crate::mail::outbox::{BASE_URL, Recipient};

/// An invitation link to set a password.
pub fn account_invitation(
    conn: &mut DbConn,
    person: &crate::auth::model::Person,
    token: &str,
) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let organisation = super::people::affiliation_of(conn, person.id)?.map(|(_, o)| o.name);
    let url = format!("{BASE_URL}/invitation/{token}");
    let body = bodies::invitation(&coalition, &person.name, organisation.as_deref(), &url);
    notice(conn, "invitation", body, vec![Recipient::person(person)])
}

/// A membership decision, to the people of the organisation concerned.
pub fn membership_decision(
    conn: &mut DbConn,
    organisation_id: i64,
    decision: &str,
    reason: &str,
) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let organisation = super::organisations::get(conn, organisation_id)?;
    let recipients: Vec<Recipient> = super::people::people_of(conn, organisation_id)?
        .iter()
        .filter(|(p, _)| p.active)
        .map(|(p, _)| Recipient::person(p))
        .collect();
    let body = bodies::membership_decision(
        &coalition,
        &organisation.name,
        decision,
        reason,
        &format!("{BASE_URL}/organisations/{organisation_id}"),
    );
    notice(conn, "membership_decision", body, recipients)
}
