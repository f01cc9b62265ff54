//! Organisations, their sectors and their membership status.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{MembershipEvent, Organisation, Sector};
use super::rules::{self, Representation, Side, Status};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::clean;
use crate::db::schema::{affiliations, membership_events, organisations, sectors};
use crate::db::{self, DbConn};
use crate::error::Error;

/// What a person fills in about an organisation.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct OrganisationInput {
    pub name: String,
    pub short_name: String,
    pub sector_id: i64,
    pub region: String,
    pub address: String,
    pub website: String,
    pub email: String,
    pub phone: String,
    /// None: the default of its side (yes for governmental).
    pub needs_authorisation: Option<bool>,
    pub offers_venue: bool,
    pub fee_tier: Option<String>,
}

pub fn sectors(conn: &mut DbConn) -> Result<Vec<Sector>, Error> {
    Ok(sectors::table
        .order(sectors::name)
        .select(Sector::as_select())
        .load(conn)?)
}

/// An organisation with its sector: one query.
pub fn with_sector(conn: &mut DbConn, id: i64) -> Result<(Organisation, Sector), Error> {
    Ok(organisations::table
        .inner_join(sectors::table)
        .filter(organisations::id.eq(id))
        .select((Organisation::as_select(), Sector::as_select()))
        .first(conn)?)
}

pub fn sector(conn: &mut DbConn, id: i64) -> Result<Sector, Error> {
    sectors::table
        .find(id)
        .select(Sector::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Invalid(format!("there is no sector #{id}")))
}

pub fn side_of(sector: &Sector) -> Side {
    Side::parse(&sector.side).unwrap_or(Side::CivilSociety)
}

/// Adds a sector or moves one to the other side.
pub fn save_sector(
    conn: &mut DbConn,
    actor: &Actor,
    name: &str,
    side: Side,
) -> Result<Sector, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::field(
            "name",
            "a sector needs a name of 1 to 100 characters",
        ));
    }
    db::write_tx(conn, |conn| {
        let existing: Option<Sector> = sectors::table
            .filter(sectors::name.eq(name))
            .select(Sector::as_select())
            .first(conn)
            .optional()?;
        let id = match existing {
            Some(s) => {
                diesel::update(sectors::table.find(s.id))
                    .set(sectors::side.eq(side.as_str()))
                    .execute(conn)?;
                s.id
            }
            None => diesel::insert_into(sectors::table)
                .values((sectors::name.eq(name), sectors::side.eq(side.as_str())))
                .returning(sectors::id)
                .get_result(conn)?,
        };
        audit::record(
            conn,
            Some(actor.id()),
            "sector.saved",
            Subject::new("sector", id),
            json!({ "name": name, "side": side.as_str() }),
        )?;
        sector(conn, id)
    })
}

/// The names of these organisations, in one query.
pub fn names(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, Error> {
    Ok(organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<Organisation, Error> {
    Ok(organisations::table
        .find(id)
        .select(Organisation::as_select())
        .first(conn)?)
}

pub fn status_of(organisation: &Organisation) -> Status {
    Status::parse(&organisation.status).unwrap_or(Status::Applicant)
}

/// What makes two organisation names the same (see `clean::name_key`).
pub fn name_key(name: &str) -> String {
    crate::clean::name_key(name)
}

/// The organisation whose name is the same as `name` by `name_key`.
pub fn find_by_name(conn: &mut DbConn, name: &str) -> Result<Option<Organisation>, Error> {
    let wanted = name_key(name);
    let all: Vec<Organisation> = organisations::table
        .select(Organisation::as_select())
        .load(conn)?;
    Ok(all.into_iter().find(|o| name_key(&o.name) == wanted))
}

/// The `name_key` of every organisation.
pub fn name_keys(conn: &mut DbConn) -> Result<std::collections::HashSet<String>, Error> {
    let names: Vec<String> = organisations::table
        .select(organisations::name)
        .load(conn)?;
    Ok(names.iter().map(|n| name_key(n)).collect())
}

fn check_input(
    conn: &mut DbConn,
    input: &OrganisationInput,
    except: Option<i64>,
) -> Result<Sector, Error> {
    let sector = validate(conn, input)?;
    if let Some(other) = find_by_name(conn, input.name.trim())?
        && Some(other.id) != except
    {
        return Err(Error::Conflict(format!(
            "an organisation named {:?} already exists",
            other.name
        )));
    }
    Ok(sector)
}

/// Everything about an organisation's details except whether its name is taken.
pub(crate) fn validate(conn: &mut DbConn, input: &OrganisationInput) -> Result<Sector, Error> {
    cleaned(input)?;
    sector(conn, input.sector_id)
}

/// The details as stored: names in NFC with single spaces and no invisible characters, the
/// website a real http(s) address; refused beside the field otherwise.
pub(crate) fn cleaned(input: &OrganisationInput) -> Result<OrganisationInput, Error> {
    let field = |name: &'static str| move |m: String| Error::field(name, m);
    Ok(OrganisationInput {
        name: clean::name(&input.name, "the organisation's name").map_err(field("name"))?,
        short_name: clean::optional_name(&input.short_name, "the short name")
            .map_err(field("short_name"))?,
        region: clean::optional_name(&input.region, "the region").map_err(field("region"))?,
        address: clean::text(&input.address, "the address", clean::limits::LINE)
            .map_err(field("address"))?,
        website: clean::web_address(&input.website).map_err(field("website"))?,
        email: input.email.trim().to_owned(),
        phone: clean::optional_name(&input.phone, "the telephone number")
            .map_err(field("phone"))?,
        ..input.clone()
    })
}

/// Inserts an organisation with its first status. Runs inside the caller's transaction.
pub(crate) fn insert(
    conn: &mut DbConn,
    actor: Option<i64>,
    input: &OrganisationInput,
    status: Status,
    effective_on: NaiveDate,
    reason: &str,
) -> Result<Organisation, Error> {
    let input = &cleaned(input)?;
    let sector = check_input(conn, input, None)?;
    insert_checked(conn, actor, input, &sector, status, effective_on, reason)
}

/// Inserts an organisation whose details the caller has checked (`validate`) and whose name
/// it knows is free: the CSV import checks a whole file at once.
pub(crate) fn insert_checked(
    conn: &mut DbConn,
    actor: Option<i64>,
    input: &OrganisationInput,
    sector: &Sector,
    status: Status,
    effective_on: NaiveDate,
    reason: &str,
) -> Result<Organisation, Error> {
    let needs_authorisation = input
        .needs_authorisation
        .unwrap_or_else(|| side_of(sector).needs_authorisation_by_default());
    let admitted_on = status.participates().then_some(effective_on);
    let id: i64 = diesel::insert_into(organisations::table)
        .values((
            organisations::name.eq(input.name.trim()),
            organisations::short_name.eq(input.short_name.trim()),
            organisations::sector_id.eq(sector.id),
            organisations::region.eq(input.region.trim()),
            organisations::address.eq(input.address.trim()),
            organisations::website.eq(input.website.trim()),
            organisations::email.eq(input.email.trim()),
            organisations::phone.eq(input.phone.trim()),
            organisations::needs_authorisation.eq(needs_authorisation),
            organisations::offers_venue.eq(input.offers_venue),
            organisations::status.eq(status.as_str()),
            organisations::admitted_on.eq(admitted_on),
            organisations::fee_tier.eq(input
                .fee_tier
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())),
            organisations::created_at.eq(db::now()),
        ))
        .returning(organisations::id)
        .get_result(conn)?;
    record_event(conn, id, None, status, effective_on, actor, reason)?;
    audit::record(
        conn,
        actor,
        "organisation.created",
        Subject::new("organisation", id),
        json!({ "name": input.name.trim(), "sector": sector.name, "status": status.as_str(), "reason": reason }),
    )?;
    get(conn, id)
}

fn record_event(
    conn: &mut DbConn,
    organisation_id: i64,
    from: Option<Status>,
    to: Status,
    effective_on: NaiveDate,
    decided_by: Option<i64>,
    reason: &str,
) -> Result<(), Error> {
    diesel::insert_into(membership_events::table)
        .values((
            membership_events::organisation_id.eq(organisation_id),
            membership_events::from_status.eq(from.map(Status::as_str)),
            membership_events::to_status.eq(to.as_str()),
            membership_events::effective_on.eq(effective_on),
            membership_events::decided_by.eq(decided_by),
            membership_events::reason.eq(reason),
            membership_events::recorded_at.eq(db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &OrganisationInput,
) -> Result<Organisation, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    let input = &cleaned(input)?;
    db::write_tx(conn, |conn| {
        let before = get(conn, id)?;
        let sector = check_input(conn, input, Some(id))?;
        let needs_authorisation = input
            .needs_authorisation
            .unwrap_or_else(|| side_of(&sector).needs_authorisation_by_default());
        diesel::update(organisations::table.find(id))
            .set((
                organisations::name.eq(input.name.trim()),
                organisations::short_name.eq(input.short_name.trim()),
                organisations::sector_id.eq(sector.id),
                organisations::region.eq(input.region.trim()),
                organisations::address.eq(input.address.trim()),
                organisations::website.eq(input.website.trim()),
                organisations::email.eq(input.email.trim()),
                organisations::phone.eq(input.phone.trim()),
                organisations::needs_authorisation.eq(needs_authorisation),
                organisations::offers_venue.eq(input.offers_venue),
                organisations::fee_tier.eq(input
                    .fee_tier
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "organisation.updated",
            Subject::new("organisation", id),
            json!({ "name_before": before.name, "name": input.name.trim(), "sector": sector.name,
                    "needs_authorisation": needs_authorisation, "offers_venue": input.offers_venue }),
        )?;
        get(conn, id)
    })
}

/// Moves an organisation along the membership procedure, with a date, a reason and the
/// person deciding, kept as history.
pub fn change_status(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    to: Status,
    effective_on: NaiveDate,
    reason: &str,
) -> Result<Organisation, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    crate::fields::plausible_year(chrono::Datelike::year(&effective_on), "with effect from")
        .map_err(|m| Error::field("effective_on", m))?;
    db::write_tx(conn, |conn| {
        apply_status(conn, Some(actor.id()), id, to, effective_on, reason, true)
    })
}

/// The transition itself, inside the caller's transaction (admission decisions use it too).
pub(crate) fn apply_status(
    conn: &mut DbConn,
    actor: Option<i64>,
    id: i64,
    to: Status,
    effective_on: NaiveDate,
    reason: &str,
    notify: bool,
) -> Result<Organisation, Error> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid("give the reason for this decision".into()));
    }
    let organisation = get(conn, id)?;
    let from = status_of(&organisation);
    rules::check_transition(from, to).map_err(Error::Invalid)?;
    if to == Status::Full && primary_representative(conn, id)?.is_none() {
        return Err(Error::Invalid(format!(
            "{} has no primary representative: name one before making it a full member",
            organisation.name
        )));
    }
    // Admission and re-admission date the membership; a change between full and associate or a
    // reinstatement after suspension does not.
    let admitted_on = if matches!(from, Status::Applicant | Status::Withdrawn) && to.participates()
    {
        Some(effective_on)
    } else {
        organisation.admitted_on
    };
    diesel::update(organisations::table.find(id))
        .set((
            organisations::status.eq(to.as_str()),
            organisations::admitted_on.eq(admitted_on),
        ))
        .execute(conn)?;
    record_event(conn, id, Some(from), to, effective_on, actor, reason)?;
    if notify {
        // The organisation concerned hears of the decision with it.
        let decision = format!(
            "{} (until now: {})",
            to.label(),
            from.label().to_lowercase()
        );
        super::notices::membership_decision(conn, id, &decision, reason)?;
    }
    audit::record(
        conn,
        actor,
        "organisation.status_changed",
        Subject::new("organisation", id),
        json!({ "from": from.as_str(), "to": to.as_str(), "effective_on": effective_on, "reason": reason }),
    )?;
    get(conn, id)
}

pub fn primary_representative(
    conn: &mut DbConn,
    organisation_id: i64,
) -> Result<Option<i64>, Error> {
    Ok(affiliations::table
        .filter(affiliations::organisation_id.eq(organisation_id))
        .filter(affiliations::representation.eq(Representation::Primary.as_str()))
        .select(affiliations::person_id)
        .first(conn)
        .optional()?)
}

pub fn history(conn: &mut DbConn, organisation_id: i64) -> Result<Vec<MembershipEvent>, Error> {
    Ok(membership_events::table
        .filter(membership_events::organisation_id.eq(organisation_id))
        .order((
            membership_events::effective_on.asc(),
            membership_events::id.asc(),
        ))
        .select(MembershipEvent::as_select())
        .load(conn)?)
}

/// The secretariat records an organisation, for example a founding member, with its first
/// status and (for a full member, necessarily) its primary representative, who is invited.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    input: &OrganisationInput,
    status: Status,
    effective_on: NaiveDate,
    reason: &str,
    primary: Option<&super::people::PersonInput>,
) -> Result<(Organisation, Option<crate::auth::model::Person>), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    if !matches!(status, Status::Applicant | Status::Full | Status::Associate) {
        return Err(Error::Invalid(
            "a new organisation starts as applicant, full member or associate".into(),
        ));
    }
    if status == Status::Full && primary.is_none() {
        return Err(Error::Invalid(
            "a full member needs its primary representative from the start".into(),
        ));
    }
    let reason = if reason.trim().is_empty() {
        "recorded by the secretariat"
    } else {
        reason.trim()
    };
    db::write_tx(conn, |conn| {
        let organisation = insert(conn, Some(actor.id()), input, status, effective_on, reason)?;
        let invited = match primary {
            Some(p) => {
                let p = super::people::PersonInput {
                    representation: Some("primary".into()),
                    ..p.clone()
                };
                Some(super::people::insert_affiliated(
                    conn,
                    Some(actor.id()),
                    organisation.id,
                    &p,
                )?)
            }
            None => None,
        };
        Ok((organisation, invited))
    })
}
