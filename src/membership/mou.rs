//! The memorandum of understanding: versions, and which members signed which version.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{MouSignature, MouVersion, Organisation};
use super::organisations;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{mou_signatures, mou_versions, organisations as orgs};
use crate::db::{self, DbConn};
use crate::error::Error;

pub fn versions(conn: &mut DbConn) -> Result<Vec<MouVersion>, Error> {
    Ok(mou_versions::table
        .order(mou_versions::version_no.desc())
        .select(MouVersion::as_select())
        .load(conn)?)
}

pub fn current(conn: &mut DbConn) -> Result<Option<MouVersion>, Error> {
    Ok(mou_versions::table
        .order(mou_versions::version_no.desc())
        .select(MouVersion::as_select())
        .first(conn)
        .optional()?)
}

pub fn version(conn: &mut DbConn, id: i64) -> Result<MouVersion, Error> {
    Ok(mou_versions::table
        .find(id)
        .select(MouVersion::as_select())
        .first(conn)?)
}

/// Adopts a new version. Signatures belong to the version signed, so every member is "not yet
/// signed" on the new one.
pub fn adopt(
    conn: &mut DbConn,
    actor: &Actor,
    title: &str,
    body: &str,
    adopted_on: NaiveDate,
) -> Result<MouVersion, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    if title.trim().is_empty() {
        return Err(Error::field("title", "the memorandum needs a title"));
    }
    if body.trim().is_empty() {
        return Err(Error::field("body", "the memorandum needs a text"));
    }
    db::write_tx(conn, |conn| {
        let last: Option<i32> = mou_versions::table
            .select(diesel::dsl::max(mou_versions::version_no))
            .first(conn)?;
        let version_no = last.unwrap_or(0) + 1;
        let id: i64 = diesel::insert_into(mou_versions::table)
            .values((
                mou_versions::version_no.eq(version_no),
                mou_versions::title.eq(title.trim()),
                mou_versions::body.eq(body),
                mou_versions::adopted_on.eq(adopted_on),
                mou_versions::created_by.eq(actor.id()),
                mou_versions::created_at.eq(db::now()),
            ))
            .returning(mou_versions::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "mou.adopted",
            Subject::new("mou_version", id),
            json!({ "version_no": version_no, "title": title.trim(), "adopted_on": adopted_on }),
        )?;
        version(conn, id)
    })
}

/// Records that an organisation signed a version: by the secretariat (a signature on paper) or
/// by the organisation's own primary representative.
pub fn sign(
    conn: &mut DbConn,
    actor: &Actor,
    version_id: i64,
    organisation_id: i64,
    signed_by_name: &str,
    signed_on: NaiveDate,
    reference: &str,
) -> Result<MouSignature, Error> {
    permissions::require(actor, Action::SignMemorandum { organisation_id })?;
    if signed_by_name.trim().is_empty() {
        return Err(Error::Invalid(
            "name the person who signed on the organisation's behalf".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let organisation = organisations::get(conn, organisation_id)?;
        if !organisations::status_of(&organisation).participates() {
            return Err(Error::Invalid(format!(
                "{} is not a member and cannot sign",
                organisation.name
            )));
        }
        let v = version(conn, version_id)?;
        let already: i64 = mou_signatures::table
            .filter(mou_signatures::mou_version_id.eq(version_id))
            .filter(mou_signatures::organisation_id.eq(organisation_id))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Err(Error::Conflict(format!(
                "{} has already signed version {}",
                organisation.name, v.version_no
            )));
        }
        let id: i64 = diesel::insert_into(mou_signatures::table)
            .values((
                mou_signatures::mou_version_id.eq(version_id),
                mou_signatures::organisation_id.eq(organisation_id),
                mou_signatures::signed_by_name.eq(signed_by_name.trim()),
                mou_signatures::signed_on.eq(signed_on),
                mou_signatures::reference.eq(reference.trim()),
                mou_signatures::recorded_by.eq(actor.id()),
                mou_signatures::recorded_at.eq(db::now()),
            ))
            .returning(mou_signatures::id)
            .get_result(conn)?;
        // Who signed is a name typed as free text: kept apart from the chain.
        let signed_by = audit::personal(conn, None, signed_by_name.trim())?;
        audit::record(
            conn,
            Some(actor.id()),
            "mou.signed",
            Subject::new("mou_signature", id),
            json!({ "version_no": v.version_no, "organisation_id": organisation_id, "signed_by": signed_by, "signed_on": signed_on }),
        )?;
        Ok(mou_signatures::table
            .find(id)
            .select(MouSignature::as_select())
            .first(conn)?)
    })
}

/// Every participating organisation with its signature of the version, if any.
pub fn signature_status(
    conn: &mut DbConn,
    version_id: i64,
) -> Result<Vec<(Organisation, Option<MouSignature>)>, Error> {
    let members: Vec<Organisation> = orgs::table
        .filter(orgs::status.eq_any(["full", "associate"]))
        .order(orgs::name)
        .select(Organisation::as_select())
        .load(conn)?;
    let signatures: Vec<MouSignature> = mou_signatures::table
        .filter(mou_signatures::mou_version_id.eq(version_id))
        .select(MouSignature::as_select())
        .load(conn)?;
    Ok(members
        .into_iter()
        .map(|o| {
            let s = signatures
                .iter()
                .find(|s| s.organisation_id == o.id)
                .cloned();
            (o, s)
        })
        .collect())
}

/// The organisation's signature of the current version, if the memorandum exists.
pub fn signature_of(
    conn: &mut DbConn,
    organisation_id: i64,
) -> Result<Option<(MouVersion, Option<MouSignature>)>, Error> {
    let Some(v) = current(conn)? else {
        return Ok(None);
    };
    let s = mou_signatures::table
        .filter(mou_signatures::mou_version_id.eq(v.id))
        .filter(mou_signatures::organisation_id.eq(organisation_id))
        .select(MouSignature::as_select())
        .first(conn)
        .optional()?;
    Ok(Some((v, s)))
}
