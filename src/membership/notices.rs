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
    let list = crate::mail::compose::list_id_of(&coalition, None);
    invitation_to(
        conn,
        &coalition,
        &list,
        Recipient::person(person),
        organisation.as_deref(),
        token,
    )
}

/// The invitation mail when the caller knows the coalition's name, its list id and the
/// organisation's name (the CSV import invites thousands at once).
pub fn invitation_to(
    conn: &mut DbConn,
    coalition: &str,
    list: &str,
    to: Recipient,
    organisation: Option<&str>,
    token: &str,
) -> Result<usize, Error> {
    let url = format!("{BASE_URL}/invitation/{token}");
    let body = bodies::invitation(coalition, &to.name, organisation, &url);
    crate::mail::compose::notice_on_list(conn, "invitation", body, vec![to], list.to_owned())
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
