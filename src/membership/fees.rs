//! Yearly fees, when the coalition keeps them: a schedule of tiers per year, a ledger per
//! organisation and year, and what is outstanding.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{FeeEntry, FeeTier, Organisation};
use super::rules::FeeStatus;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::coalition;
use crate::db::schema::{fee_ledger, fee_schedules, organisations as orgs};
use crate::db::{self, DbConn};
use crate::error::Error;

fn require_fees(conn: &mut DbConn) -> Result<(), Error> {
    if coalition::get(conn)?.is_some_and(|c| c.fees_enabled) {
        Ok(())
    } else {
        Err(Error::Invalid(
            "this coalition does not keep membership fees (see its settings)".into(),
        ))
    }
}

pub fn schedule(conn: &mut DbConn, year: i32) -> Result<Vec<FeeTier>, Error> {
    Ok(fee_schedules::table
        .filter(fee_schedules::year.eq(year))
        .order(fee_schedules::tier)
        .select(FeeTier::as_select())
        .load(conn)?)
}

/// Sets a tier's amount for a year; an amount of zero is a waiver (for example for
/// governmental members).
pub fn set_tier(
    conn: &mut DbConn,
    actor: &Actor,
    year: i32,
    tier: &str,
    amount_cents: i64,
    currency: &str,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    let tier = tier.trim();
    let currency = currency.trim().to_uppercase();
    if tier.is_empty() || tier.chars().count() > 50 {
        return Err(Error::Invalid(
            "a tier needs a name of 1 to 50 characters".into(),
        ));
    }
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(Error::Invalid(
            "the currency is a three-letter code such as EUR".into(),
        ));
    }
    if amount_cents < 0 {
        return Err(Error::Invalid("an amount cannot be negative".into()));
    }
    crate::fields::plausible_year(year, "year").map_err(Error::Invalid)?;
    if !(2000..=2200).contains(&year) {
        return Err(Error::Invalid(format!("{year} is not a plausible year")));
    }
    db::write_tx(conn, |conn| {
        require_fees(conn)?;
        let existing: Option<i64> = fee_schedules::table
            .filter(fee_schedules::year.eq(year))
            .filter(fee_schedules::tier.eq(tier))
            .select(fee_schedules::id)
            .first(conn)
            .optional()?;
        let id = match existing {
            Some(id) => {
                diesel::update(fee_schedules::table.find(id))
                    .set((
                        fee_schedules::amount_cents.eq(amount_cents),
                        fee_schedules::currency.eq(&currency),
                    ))
                    .execute(conn)?;
                id
            }
            None => diesel::insert_into(fee_schedules::table)
                .values((
                    fee_schedules::year.eq(year),
                    fee_schedules::tier.eq(tier),
                    fee_schedules::amount_cents.eq(amount_cents),
                    fee_schedules::currency.eq(&currency),
                ))
                .returning(fee_schedules::id)
                .get_result(conn)?,
        };
        audit::record(
            conn,
            Some(actor.id()),
            "fee_tier.saved",
            Subject::new("fee_tier", id),
            json!({ "year": year, "tier": tier, "amount_cents": amount_cents, "currency": currency }),
        )
    })
}

/// Writes the year's ledger: a row for every participating organisation that has a tier in
/// the schedule and no row yet. Returns how many rows were written.
pub fn generate_ledger(conn: &mut DbConn, actor: &Actor, year: i32) -> Result<usize, Error> {
    crate::fields::plausible_year(year, "year").map_err(Error::Invalid)?;
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        require_fees(conn)?;
        let tiers = schedule(conn, year)?;
        let members: Vec<Organisation> = orgs::table
            .filter(orgs::status.eq_any(["full", "associate"]))
            .select(Organisation::as_select())
            .load(conn)?;
        let mut written = 0;
        for org in members {
            let Some(tier) = org
                .fee_tier
                .as_deref()
                .and_then(|t| tiers.iter().find(|s| s.tier == t))
            else {
                continue;
            };
            let exists: i64 = fee_ledger::table
                .filter(fee_ledger::organisation_id.eq(org.id))
                .filter(fee_ledger::year.eq(year))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                continue;
            }
            let (status, note) = if tier.amount_cents == 0 {
                (FeeStatus::Waived, "waived by the schedule")
            } else {
                (FeeStatus::Due, "")
            };
            diesel::insert_into(fee_ledger::table)
                .values((
                    fee_ledger::organisation_id.eq(org.id),
                    fee_ledger::year.eq(year),
                    fee_ledger::tier.eq(&tier.tier),
                    fee_ledger::amount_cents.eq(tier.amount_cents),
                    fee_ledger::currency.eq(&tier.currency),
                    fee_ledger::status.eq(status.as_str()),
                    fee_ledger::note.eq(note),
                    fee_ledger::updated_at.eq(db::now()),
                ))
                .execute(conn)?;
            written += 1;
        }
        audit::record(
            conn,
            Some(actor.id()),
            "fee_ledger.generated",
            Subject {
                kind: "fee_ledger",
                id: None,
            },
            json!({ "year": year, "rows": written }),
        )?;
        Ok(written)
    })
}

fn entry(conn: &mut DbConn, id: i64) -> Result<FeeEntry, Error> {
    Ok(fee_ledger::table
        .find(id)
        .select(FeeEntry::as_select())
        .first(conn)?)
}

pub fn record_payment(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    paid_on: NaiveDate,
    reference: &str,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        let before = entry(conn, id)?;
        if before.status == FeeStatus::Paid.as_str() {
            return Err(Error::Conflict(
                "this fee is already recorded as paid".into(),
            ));
        }
        diesel::update(fee_ledger::table.find(id))
            .set((
                fee_ledger::status.eq(FeeStatus::Paid.as_str()),
                fee_ledger::paid_on.eq(Some(paid_on)),
                fee_ledger::reference.eq(reference.trim()),
                fee_ledger::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "fee.paid",
            Subject::new("fee_entry", id),
            json!({ "organisation_id": before.organisation_id, "year": before.year, "paid_on": paid_on, "reference": reference.trim() }),
        )
    })
}

pub fn waive(conn: &mut DbConn, actor: &Actor, id: i64, note: &str) -> Result<(), Error> {
    permissions::require(actor, Action::ManageMembership)?;
    if note.trim().is_empty() {
        return Err(Error::Invalid("say why the fee is waived".into()));
    }
    db::write_tx(conn, |conn| {
        let before = entry(conn, id)?;
        diesel::update(fee_ledger::table.find(id))
            .set((
                fee_ledger::status.eq(FeeStatus::Waived.as_str()),
                fee_ledger::note.eq(note.trim()),
                fee_ledger::updated_at.eq(db::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "fee.waived",
            Subject::new("fee_entry", id),
            json!({ "organisation_id": before.organisation_id, "year": before.year, "note": note.trim() }),
        )
    })
}

pub fn ledger_of(conn: &mut DbConn, organisation_id: i64) -> Result<Vec<FeeEntry>, Error> {
    Ok(fee_ledger::table
        .filter(fee_ledger::organisation_id.eq(organisation_id))
        .order(fee_ledger::year.desc())
        .select(FeeEntry::as_select())
        .load(conn)?)
}

/// Everything due and not paid, with its organisation, oldest year first.
pub fn outstanding(conn: &mut DbConn) -> Result<Vec<(FeeEntry, Organisation)>, Error> {
    Ok(fee_ledger::table
        .inner_join(orgs::table)
        .filter(fee_ledger::status.eq(FeeStatus::Due.as_str()))
        .order((fee_ledger::year, orgs::name))
        .select((FeeEntry::as_select(), Organisation::as_select()))
        .load(conn)?)
}

pub fn ledger_for_year(
    conn: &mut DbConn,
    year: i32,
) -> Result<Vec<(FeeEntry, Organisation)>, Error> {
    Ok(fee_ledger::table
        .inner_join(orgs::table)
        .filter(fee_ledger::year.eq(year))
        .order(orgs::name)
        .select((FeeEntry::as_select(), Organisation::as_select()))
        .load(conn)?)
}
