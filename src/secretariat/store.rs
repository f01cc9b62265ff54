//! The rotation kept in the database: settings, terms (past and current never rewritten,
//! future ones replanned unless pinned by an override), interim covers, and who holds the
//! secretariat on a given day.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{Cover, Settings, Term};
use super::rules::{self, Candidate, Holders};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{
    organisations, secretariat_covers, secretariat_settings, secretariat_terms, sectors,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::membership::rules::Side;

pub fn settings(conn: &mut DbConn) -> Result<Settings, Error> {
    Ok(secretariat_settings::table
        .select(Settings::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_default())
}

fn save_settings(conn: &mut DbConn, s: &Settings) -> Result<(), Error> {
    let exists: i64 = secretariat_settings::table.count().get_result(conn)?;
    let values = (
        secretariat_settings::term_months.eq(s.term_months),
        secretariat_settings::paired.eq(s.paired),
        secretariat_settings::horizon_terms.eq(s.horizon_terms),
        secretariat_settings::first_term_starts.eq(s.first_term_starts),
    );
    if exists == 0 {
        diesel::insert_into(secretariat_settings::table)
            .values((secretariat_settings::id.eq(1), values))
            .execute(conn)?;
    } else {
        diesel::update(secretariat_settings::table)
            .set(values)
            .execute(conn)?;
    }
    Ok(())
}

/// Full members that have not opted out, with the side of their sector.
pub fn candidates(conn: &mut DbConn) -> Result<Vec<Candidate>, Error> {
    let rows: Vec<(
        i64,
        String,
        String,
        Option<NaiveDate>,
        chrono::NaiveDateTime,
    )> = organisations::table
        .inner_join(sectors::table)
        .filter(organisations::status.eq("full"))
        .filter(organisations::secretariat_opt_out.eq(false))
        .select((
            organisations::id,
            organisations::name,
            sectors::side,
            organisations::admitted_on,
            organisations::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, side, admitted, created)| Candidate {
            id,
            name,
            side: Side::parse(&side).unwrap_or(Side::CivilSociety),
            admitted_on: admitted.unwrap_or(created.date()),
        })
        .collect())
}

pub fn terms(conn: &mut DbConn) -> Result<Vec<Term>, Error> {
    Ok(secretariat_terms::table
        .order(secretariat_terms::starts_on)
        .select(Term::as_select())
        .load(conn)?)
}

pub fn term(conn: &mut DbConn, id: i64) -> Result<Term, Error> {
    Ok(secretariat_terms::table
        .find(id)
        .select(Term::as_select())
        .first(conn)?)
}

pub fn covers(conn: &mut DbConn) -> Result<Vec<Cover>, Error> {
    Ok(secretariat_covers::table
        .order(secretariat_covers::starts_on)
        .select(Cover::as_select())
        .load(conn)?)
}

/// What re-planning would change: the stored future terms that no longer fit, and the terms
/// to write in their place. Reads only.
struct PlanChanges {
    stale: Vec<Term>,
    new: Vec<rules::PlannedTerm>,
}

fn plan_changes(conn: &mut DbConn, today: NaiveDate) -> Result<Option<PlanChanges>, Error> {
    let s = settings(conn)?;
    let Some(first_start) = s.first_term_starts else {
        return Ok(None);
    };
    let (kept, replaceable): (Vec<Term>, Vec<Term>) = terms(conn)?
        .into_iter()
        .partition(|t| t.starts_on <= today || t.pinned);
    let as_planned = |t: &Term| rules::PlannedTerm {
        starts_on: t.starts_on,
        ends_on: t.ends_on,
        holders: t.holders(),
    };
    let kept: Vec<rules::PlannedTerm> = kept.iter().map(as_planned).collect();
    let shape = rules::Shape {
        first_start,
        term_months: u32::try_from(s.term_months).unwrap_or(12),
        horizon: usize::try_from(s.horizon_terms).unwrap_or(1),
        paired: s.paired,
    };
    let planned: Vec<rules::PlannedTerm> = rules::plan(&candidates(conn)?, &kept, shape, today)
        .into_iter()
        .filter(|t| !kept.contains(t))
        .collect();
    let stored: Vec<rules::PlannedTerm> = replaceable.iter().map(as_planned).collect();
    let stale: Vec<Term> = replaceable
        .into_iter()
        .filter(|t| !planned.contains(&as_planned(t)))
        .collect();
    let new: Vec<rules::PlannedTerm> = planned
        .into_iter()
        .filter(|t| !stored.contains(t))
        .collect();
    Ok((!stale.is_empty() || !new.is_empty()).then_some(PlanChanges { stale, new }))
}

/// Keeps the plan `horizon_terms` ahead: past and current terms stay as they are, pinned
/// future terms stay, every other future term is planned again from today's members. Runs in
/// the caller's transaction; only what changed is written, so an unchanged plan leaves no
/// trace. Does nothing before the rotation has started.
pub(crate) fn replan_in_tx(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    let Some(changes) = plan_changes(conn, today)? else {
        return Ok(0);
    };
    for t in &changes.stale {
        diesel::delete(secretariat_covers::table.filter(secretariat_covers::term_id.eq(t.id)))
            .execute(conn)?;
        diesel::delete(secretariat_terms::table.find(t.id)).execute(conn)?;
    }
    for t in &changes.new {
        diesel::insert_into(secretariat_terms::table)
            .values((
                secretariat_terms::starts_on.eq(t.starts_on),
                secretariat_terms::ends_on.eq(t.ends_on),
                secretariat_terms::civil_society_org.eq(t.holders.civil_society),
                secretariat_terms::governmental_org.eq(t.holders.governmental),
                secretariat_terms::pinned.eq(false),
                secretariat_terms::created_at.eq(db::now()),
            ))
            .execute(conn)?;
    }
    let changed = changes.stale.len() + changes.new.len();
    audit::record(
        conn,
        None,
        "secretariat.replanned",
        Subject {
            kind: "secretariat_plan",
            id: None,
        },
        json!({ "terms_written": changed, "as_of": today }),
    )?;
    Ok(changed)
}

/// The rotation's tick: as days pass (a term begins) or members join and leave, the plan is
/// made again. Reads first and takes the write lock only when the plan changes.
pub fn tick(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    if plan_changes(conn, today)?.is_none() {
        return Ok(0);
    }
    db::write_tx(conn, |conn| replan_in_tx(conn, today))
}

/// Starts the rotation: the first term begins on `first_start`.
pub fn start_rotation(
    conn: &mut DbConn,
    actor: &Actor,
    first_start: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageSecretariat)?;
    db::write_tx(conn, |conn| {
        let mut s = settings(conn)?;
        if s.first_term_starts.is_some() {
            return Err(Error::Conflict("the rotation has already started".into()));
        }
        s.first_term_starts = Some(first_start);
        save_settings(conn, &s)?;
        audit::record(
            conn,
            Some(actor.id()),
            "secretariat.rotation_started",
            Subject {
                kind: "secretariat_plan",
                id: None,
            },
            json!({ "first_term_starts": first_start }),
        )?;
        replan_in_tx(conn, today).map(drop)
    })
}

/// Changes the term length, pairing or horizon; only future, unpinned terms follow.
pub fn update_settings(
    conn: &mut DbConn,
    actor: &Actor,
    term_months: i32,
    paired: bool,
    horizon_terms: i32,
    today: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageSecretariat)?;
    if !(1..=60).contains(&term_months) || !(1..=40).contains(&horizon_terms) {
        return Err(Error::Invalid(
            "a term lasts 1 to 60 months; plan 1 to 40 terms ahead".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let mut s = settings(conn)?;
        s.term_months = term_months;
        s.paired = paired;
        s.horizon_terms = horizon_terms;
        save_settings(conn, &s)?;
        audit::record(
            conn,
            Some(actor.id()),
            "secretariat.settings_changed",
            Subject {
                kind: "secretariat_plan",
                id: None,
            },
            json!({ "term_months": term_months, "paired": paired, "horizon_terms": horizon_terms }),
        )?;
        replan_in_tx(conn, today).map(drop)
    })
}

/// An organisation asks not to hold the secretariat (or withdraws that request).
pub fn set_opt_out(
    conn: &mut DbConn,
    actor: &Actor,
    organisation_id: i64,
    opt_out: bool,
    today: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageSecretariat)?;
    db::write_tx(conn, |conn| {
        let changed = diesel::update(organisations::table.find(organisation_id))
            .set(organisations::secretariat_opt_out.eq(opt_out))
            .execute(conn)?;
        if changed == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            conn,
            Some(actor.id()),
            "secretariat.opt_out_changed",
            Subject::new("organisation", organisation_id),
            json!({ "opt_out": opt_out }),
        )?;
        replan_in_tx(conn, today).map(drop)
    })
}

fn future_term(conn: &mut DbConn, id: i64, today: NaiveDate) -> Result<Term, Error> {
    let t = term(conn, id)?;
    if t.starts_on <= today {
        return Err(Error::Invalid(
            "past and current terms are never rewritten; use interim cover for the current term"
                .into(),
        ));
    }
    Ok(t)
}

fn set_holders(conn: &mut DbConn, id: i64, holders: Holders, note: &str) -> Result<(), Error> {
    diesel::update(secretariat_terms::table.find(id))
        .set((
            secretariat_terms::civil_society_org.eq(holders.civil_society),
            secretariat_terms::governmental_org.eq(holders.governmental),
            secretariat_terms::pinned.eq(true),
            secretariat_terms::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

fn require_reason(reason: &str) -> Result<&str, Error> {
    let r = reason.trim();
    if r.is_empty() {
        Err(Error::Invalid("give the reason for this change".into()))
    } else {
        Ok(r)
    }
}

/// Swaps the holders of two future terms; both are pinned from then on.
pub fn swap(
    conn: &mut DbConn,
    actor: &Actor,
    a: i64,
    b: i64,
    reason: &str,
    today: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageSecretariat)?;
    let reason = require_reason(reason)?;
    if a == b {
        return Err(Error::Invalid("choose two different terms".into()));
    }
    db::write_tx(conn, |conn| {
        let (ta, tb) = (future_term(conn, a, today)?, future_term(conn, b, today)?);
        set_holders(conn, ta.id, tb.holders(), &format!("swapped: {reason}"))?;
        set_holders(conn, tb.id, ta.holders(), &format!("swapped: {reason}"))?;
        audit::record(
            conn,
            Some(actor.id()),
            "secretariat.terms_swapped",
            Subject::new("secretariat_term", ta.id),
            json!({ "term_a": ta.starts_on, "term_b": tb.starts_on, "reason": reason }),
        )?;
        replan_in_tx(conn, today).map(drop)
    })
}

fn eligible(conn: &mut DbConn, organisation_id: i64, side: Side) -> Result<(), Error> {
    let c = candidates(conn)?;
    match c.iter().find(|c| c.id == organisation_id) {
        Some(c) if c.side == side => Ok(()),
        Some(_) => Err(Error::Invalid(format!(
            "this organisation is not on the {} side",
            side.label().to_lowercase()
        ))),
        None => Err(Error::Invalid(
            "only full members that have not opted out can hold the secretariat".into(),
        )),
    }
}

/// Puts another organisation in one side's seat for a future term.
pub fn replace_holder(
    conn: &mut DbConn,
    actor: &Actor,
    term_id: i64,
    side: Side,
    organisation_id: i64,
    reason: &str,
    today: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageSecretariat)?;
    let reason = require_reason(reason)?;
    db::write_tx(conn, |conn| {
        let t = future_term(conn, term_id, today)?;
        eligible(conn, organisation_id, side)?;
        let mut holders = t.holders();
        let before = holders.get(side);
        holders.set(side, Some(organisation_id));
        set_holders(conn, t.id, holders, &format!("replaced: {reason}"))?;
        audit::record(
            conn,
            Some(actor.id()),
            "secretariat.holder_replaced",
            Subject::new("secretariat_term", t.id),
            json!({ "term": t.starts_on, "side": side.as_str(), "before": before, "after": organisation_id, "reason": reason }),
        )?;
        replan_in_tx(conn, today).map(drop)
    })
}

/// Interim cover for part of a (current or future) term.
#[allow(clippy::too_many_arguments)]
pub fn add_cover(
    conn: &mut DbConn,
    actor: &Actor,
    term_id: i64,
    side: Side,
    organisation_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    reason: &str,
    today: NaiveDate,
) -> Result<(), Error> {
    permissions::require(actor, Action::ManageSecretariat)?;
    let reason = require_reason(reason)?;
    db::write_tx(conn, |conn| {
        let t = term(conn, term_id)?;
        if t.ends_on <= today {
            return Err(Error::Invalid("this term is over".into()));
        }
        if starts_on < t.starts_on || ends_on > t.ends_on || ends_on <= starts_on {
            return Err(Error::Invalid(format!(
                "the cover must lie within the term ({} to {})",
                t.starts_on, t.ends_on
            )));
        }
        eligible(conn, organisation_id, side)?;
        let id: i64 = diesel::insert_into(secretariat_covers::table)
            .values((
                secretariat_covers::term_id.eq(term_id),
                secretariat_covers::side.eq(side.as_str()),
                secretariat_covers::organisation_id.eq(organisation_id),
                secretariat_covers::starts_on.eq(starts_on),
                secretariat_covers::ends_on.eq(ends_on),
                secretariat_covers::reason.eq(reason),
                secretariat_covers::created_at.eq(db::now()),
            ))
            .returning(secretariat_covers::id)
            .get_result(conn)?;
        // A covered term is no longer the rotation's to replan.
        diesel::update(secretariat_terms::table.find(term_id))
            .set(secretariat_terms::pinned.eq(true))
            .execute(conn)?;
        audit::record(
            conn,
            Some(actor.id()),
            "secretariat.cover_added",
            Subject::new("secretariat_cover", id),
            json!({ "term": t.starts_on, "side": side.as_str(), "organisation_id": organisation_id, "from": starts_on, "until": ends_on, "reason": reason }),
        )
    })
}

/// The term running on `day` and the organisations holding the secretariat then: each side's
/// holder, or its interim cover, provided it is still a full member.
pub fn holders_on(conn: &mut DbConn, day: NaiveDate) -> Result<Option<(Term, Vec<i64>)>, Error> {
    let running: Option<Term> = secretariat_terms::table
        .filter(secretariat_terms::starts_on.le(day))
        .filter(secretariat_terms::ends_on.gt(day))
        .select(Term::as_select())
        .first(conn)
        .optional()?;
    let Some(t) = running else { return Ok(None) };
    let term_covers: Vec<Cover> = secretariat_covers::table
        .filter(secretariat_covers::term_id.eq(t.id))
        .filter(secretariat_covers::starts_on.le(day))
        .filter(secretariat_covers::ends_on.gt(day))
        .select(Cover::as_select())
        .load(conn)?;
    let mut holders = t.holders();
    for c in &term_covers {
        if let Some(side) = Side::parse(&c.side) {
            holders.set(side, Some(c.organisation_id));
        }
    }
    let ids: Vec<i64> = holders.ids().collect();
    let still_full: Vec<i64> = organisations::table
        .filter(organisations::id.eq_any(&ids))
        .filter(organisations::status.eq("full"))
        .select(organisations::id)
        .load(conn)?;
    Ok(Some((
        t,
        ids.into_iter()
            .filter(|id| still_full.contains(id))
            .collect(),
    )))
}
