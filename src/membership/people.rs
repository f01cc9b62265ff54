//! People in organisations: their roles, invitations, replacing the primary representative,
//! deactivation.

use std::time::Duration;

use diesel::prelude::*;
use serde_json::json;

use super::model::{Affiliation, Organisation};
use super::organisations;
use super::rules::{Representation, Status};
use crate::audit::{self, Subject};
use crate::auth::model::Person;
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::store::{self as people_store, PersonDraft};
use crate::auth::tokens;
use crate::db::schema::{affiliations, organisations as orgs, people};
use crate::db::{self, DbConn};
use crate::error::Error;

pub const PURPOSE_INVITATION: &str = "invitation";
pub const INVITATION_VALID: Duration = Duration::from_secs(14 * 24 * 3600);

/// A person as the secretariat enters them for an organisation.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct PersonInput {
    pub name: String,
    pub email: String,
    pub representation: Option<String>,
    pub is_authoriser: bool,
    pub job_title: String,
    pub phone: String,
}

fn representation_of(input: &PersonInput) -> Result<Option<Representation>, Error> {
    match input.representation.as_deref().map(str::trim) {
        None | Some("") | Some("none") => Ok(None),
        Some(r) => Representation::parse(r).map(Some).ok_or_else(|| {
            Error::Invalid(format!(
                "{r:?} is not a role: use primary, alternate or none"
            ))
        }),
    }
}

/// Creates a person inside an organisation and mails them an invitation to set their
/// password. Runs in the caller's transaction.
pub(crate) fn insert_affiliated(
    conn: &mut DbConn,
    actor: Option<i64>,
    organisation_id: i64,
    input: &PersonInput,
) -> Result<Person, Error> {
    let person = insert_uninvited(conn, actor, organisation_id, input)?;
    invite(conn, &person)?;
    Ok(person)
}

/// Mails `person` a link to set their first password. The link goes to that person only and
/// is never shown to anyone else: whoever could read it could become them.
pub(crate) fn invite(conn: &mut DbConn, person: &Person) -> Result<(), Error> {
    let token =
        tokens::create_link_token(conn, PURPOSE_INVITATION, Some(person.id), INVITATION_VALID)?;
    crate::membership::notices::account_invitation(conn, person, &token)?;
    Ok(())
}

/// Creates a person inside an organisation without inviting them yet (an applicant's contact
/// is invited only once the organisation is admitted).
pub(crate) fn insert_uninvited(
    conn: &mut DbConn,
    actor: Option<i64>,
    organisation_id: i64,
    input: &PersonInput,
) -> Result<Person, Error> {
    let representation = representation_of(input)?;
    if representation == Some(Representation::Primary)
        && organisations::primary_representative(conn, organisation_id)?.is_some()
    {
        return Err(Error::Conflict(
            "this organisation already has a primary representative: replace them instead".into(),
        ));
    }
    let draft = PersonDraft {
        name: &input.name,
        email: &input.email,
        password: None,
        is_admin: false,
    };
    let person = people_store::insert_person(conn, actor, &draft)?;
    diesel::insert_into(affiliations::table)
        .values((
            affiliations::person_id.eq(person.id),
            affiliations::organisation_id.eq(organisation_id),
            affiliations::representation.eq(representation.map(Representation::as_str)),
            affiliations::is_authoriser.eq(input.is_authoriser),
            affiliations::job_title.eq(input.job_title.trim()),
            affiliations::phone.eq(input.phone.trim()),
            affiliations::since.eq(db::now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        "person.affiliated",
        Subject::new("person", person.id),
        json!({ "organisation_id": organisation_id, "representation": representation.map(Representation::as_str),
                "is_authoriser": input.is_authoriser }),
    )?;
    Ok(person)
}

/// The secretariat adds a person to an organisation; the invitation goes to them by mail.
pub fn add_to_organisation(
    conn: &mut DbConn,
    actor: &Actor,
    organisation_id: i64,
    input: &PersonInput,
) -> Result<Person, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        organisations::get(conn, organisation_id)?;
        insert_affiliated(conn, Some(actor.id()), organisation_id, input)
    })
}

pub fn affiliation_of(
    conn: &mut DbConn,
    person_id: i64,
) -> Result<Option<(Affiliation, Organisation)>, Error> {
    Ok(affiliations::table
        .inner_join(orgs::table)
        .filter(affiliations::person_id.eq(person_id))
        .select((Affiliation::as_select(), Organisation::as_select()))
        .first(conn)
        .optional()?)
}

/// The organisation's people with their roles, primary representative first.
/// An organisation's people: active first, then primary, alternates, the others.
pub fn people_of(
    conn: &mut DbConn,
    organisation_id: i64,
) -> Result<Vec<(Person, Affiliation)>, Error> {
    let mut rows: Vec<(Person, Affiliation)> = people::table
        .inner_join(affiliations::table)
        .filter(affiliations::organisation_id.eq(organisation_id))
        .order(people::name)
        .select((Person::as_select(), Affiliation::as_select()))
        .load(conn)?;
    rows.sort_by_key(rank);
    Ok(rows)
}

/// Every organisation's people, in the order of `people_of`: one query for a whole list.
pub fn people_by_organisation(
    conn: &mut DbConn,
) -> Result<std::collections::HashMap<i64, Vec<(Person, Affiliation)>>, Error> {
    let rows: Vec<(Person, Affiliation)> = people::table
        .inner_join(affiliations::table)
        .order(people::name)
        .select((Person::as_select(), Affiliation::as_select()))
        .load(conn)?;
    let mut by_organisation: std::collections::HashMap<i64, Vec<(Person, Affiliation)>> =
        std::collections::HashMap::new();
    for row in rows {
        by_organisation
            .entry(row.1.organisation_id)
            .or_default()
            .push(row);
    }
    for staff in by_organisation.values_mut() {
        staff.sort_by_key(rank);
    }
    Ok(by_organisation)
}

fn rank((p, a): &(Person, Affiliation)) -> (bool, u8) {
    let rank = match a.representation.as_deref() {
        Some("primary") => 0,
        Some("alternate") => 1,
        _ => 2,
    };
    (!p.active, rank)
}

fn affiliation(conn: &mut DbConn, person_id: i64) -> Result<Affiliation, Error> {
    affiliations::table
        .filter(affiliations::person_id.eq(person_id))
        .select(Affiliation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Invalid("this person belongs to no organisation".into()))
}

/// Makes `new_primary` the organisation's primary representative in one step; the previous
/// one stays on as an alternate.
pub fn replace_primary(
    conn: &mut DbConn,
    actor: &Actor,
    organisation_id: i64,
    new_primary: i64,
    reason: &str,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        let target = affiliation(conn, new_primary)?;
        if target.organisation_id != organisation_id {
            return Err(Error::Invalid(
                "the new primary representative must belong to this organisation".into(),
            ));
        }
        let person = people_store::find(conn, new_primary)?;
        if !person.active {
            return Err(Error::Invalid(format!("{} is deactivated", person.name)));
        }
        let previous = organisations::primary_representative(conn, organisation_id)?;
        if previous == Some(new_primary) {
            return Ok(());
        }
        // Demote first: the database allows one primary per organisation at any moment.
        if let Some(prev) = previous {
            diesel::update(affiliations::table.filter(affiliations::person_id.eq(prev)))
                .set(affiliations::representation.eq(Representation::Alternate.as_str()))
                .execute(conn)?;
        }
        diesel::update(affiliations::table.filter(affiliations::person_id.eq(new_primary)))
            .set(affiliations::representation.eq(Representation::Primary.as_str()))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "organisation.primary_replaced",
            Subject::new("organisation", organisation_id),
            json!({ "previous": previous, "new": new_primary, "reason": reason.trim() }),
        )
    })
}

/// Changes a person's roles inside their organisation. The primary representative of a full
/// member is only ever replaced, never simply removed.
pub fn set_roles(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i64,
    representation: Option<Representation>,
    is_authoriser: bool,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        let current = affiliation(conn, person_id)?;
        let organisation = organisations::get(conn, current.organisation_id)?;
        let was_primary = current.representation.as_deref() == Some("primary");
        if was_primary && representation != Some(Representation::Primary) {
            if organisations::status_of(&organisation) == Status::Full {
                return Err(Error::Invalid(
                    "a full member always has a primary representative: replace this one instead of removing them".into(),
                ));
            }
        } else if !was_primary
            && representation == Some(Representation::Primary)
            && organisations::primary_representative(conn, organisation.id)?.is_some()
        {
            return Err(Error::Conflict(
                "this organisation already has a primary representative: use \"replace primary representative\"".into(),
            ));
        }
        diesel::update(affiliations::table.find(current.id))
            .set((
                affiliations::representation.eq(representation.map(Representation::as_str)),
                affiliations::is_authoriser.eq(is_authoriser),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "person.roles_changed",
            Subject::new("person", person_id),
            json!({ "organisation_id": organisation.id, "representation": representation.map(Representation::as_str),
                    "is_authoriser": is_authoriser }),
        )
    })
}

/// Deactivates a person: they can no longer sign in; everything they did stays on record.
pub fn deactivate(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i64,
    reason: &str,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    if reason.trim().is_empty() {
        return Err(Error::Invalid(
            "give the reason for deactivating this person".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let person = people_store::find(conn, person_id)?;
        if let Some((aff, org)) = affiliation_of(conn, person_id)?
            && aff.representation.as_deref() == Some("primary")
            && organisations::status_of(&org) == Status::Full
        {
            return Err(Error::Invalid(format!(
                "{} is the primary representative of {}: replace them first",
                person.name, org.name
            )));
        }
        diesel::update(people::table.find(person_id))
            .set(people::active.eq(false))
            .execute(conn)?;
        // Nothing of theirs keeps working: no session, no token (their history stays).
        crate::auth::sessions::end_all(conn, person_id, None, crate::auth::sessions::DEACTIVATED)?;
        crate::auth::tokens::revoke_all(conn, person_id)?;
        let name = audit::personal(conn, Some(person_id), &person.name)?;
        audit::record(
            conn,
            Some(actor.id()),
            "person.deactivated",
            Subject::new("person", person_id),
            json!({ "name": name, "reason": reason.trim() }),
        )
    })
}

/// A new invitation link for a person who has not set a password yet (or lost the first).
pub fn resend_invitation(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i64,
) -> Result<Person, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        let person = people_store::find(conn, person_id)?;
        if !person.active {
            return Err(Error::Invalid(format!("{} is deactivated", person.name)));
        }
        // Someone with a password owns the account: a new link would let whoever reads it
        // take it over. They can ask for a reset link themselves.
        if person.password_hash.is_some() {
            return Err(Error::Conflict(format!(
                "{} has already set a password; if they forgot it, they can ask for a new one on the sign-in page",
                person.name
            )));
        }
        invite(conn, &person)?;
        audit::record(
            conn,
            Some(actor.id()),
            "person.invited",
            Subject::new("person", person.id),
            json!({}),
        )?;
        Ok(person)
    })
}

/// The invited person sets their password; the link is used up in the same transaction.
pub fn accept_invitation(
    conn: &mut DbConn,
    token: &str,
    new_password: &str,
) -> Result<Person, Error> {
    db::write_tx(conn, |conn| {
        let link = tokens::consume_link_token(conn, PURPOSE_INVITATION, token)?;
        let person_id = link
            .person_id
            .ok_or_else(|| Error::Invalid("this link is not valid".into()))?;
        let person = people_store::find(conn, person_id)?;
        if !person.active {
            return Err(Error::Invalid("this account has been deactivated".into()));
        }
        // A link from before the person chose a password must not replace it.
        if person.password_hash.is_some() {
            return Err(Error::Invalid(
                "this invitation has already been used: sign in, or ask for a new password on the sign-in page".into(),
            ));
        }
        people_store::set_password(conn, person_id, new_password)?;
        audit::record(
            conn,
            Some(person_id),
            "person.invitation_accepted",
            Subject::new("person", person_id),
            json!({}),
        )?;
        Ok(person)
    })
}
