//! Positions and internal authorisations: each taken under the round's lock, for the round's
//! exact hash, by the organisation's own people only.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::{Member, board, lock, outcome, rule_of};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{
    approval_rounds, organisations, statement_authorisations, statement_positions,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::membership::rules::Status as MemberStatus;
use crate::statements::model::{Authorisation, Position, Round, Statement};
use crate::statements::notices;
use crate::statements::rules::{self, Decision, Outcome, Stance, Status};
use crate::statements::store::{get, set_status, status_of};

/// A position as a representative submits it. `content_hash` is the hash of the text they
/// were shown: if the text changed meanwhile, the position is refused, not moved.
#[derive(Debug, Clone)]
pub struct PositionInput {
    pub organisation_id: i64,
    pub stance: Stance,
    pub reason: String,
    pub content_hash: String,
}

fn check_hash(round: &Round, given: &str) -> Result<(), Error> {
    if given.trim() != round.content_hash {
        return Err(Error::Conflict(
            "the text of this round is not the one you answered (it has changed since you read it); read the current version and answer again".into(),
        ));
    }
    Ok(())
}

/// The organisation as a member of the round, if its status lets it take positions: one row
/// read, not every full member (this runs in every position's write transaction).
fn member_of_round(conn: &mut DbConn, organisation_id: i64) -> Result<Member, Error> {
    let (name, needs_authorisation, status): (String, bool, String) = organisations::table
        .find(organisation_id)
        .select((
            organisations::name,
            organisations::needs_authorisation,
            organisations::status,
        ))
        .first(conn)?;
    if !MemberStatus::parse(&status).is_some_and(MemberStatus::takes_positions) {
        return Err(Error::Invalid(format!(
            "only active full members take positions (this organisation is {status})"
        )));
    }
    Ok(Member {
        id: organisation_id,
        name,
        needs_authorisation,
    })
}

/// The start of every change to a position or authorisation: the round locked and still
/// open, the text the person answered is the round's, the organisation one of its members.
fn enter(
    conn: &mut DbConn,
    round_id: i64,
    organisation_id: i64,
    content_hash: &str,
) -> Result<(Round, Member), Error> {
    let round = lock(conn, round_id)?;
    check_hash(&round, content_hash)?;
    let member = member_of_round(conn, organisation_id)?;
    Ok((round, member))
}

fn position_of(
    conn: &mut DbConn,
    round_id: i64,
    organisation_id: i64,
) -> Result<Option<Position>, Error> {
    Ok(statement_positions::table
        .filter(statement_positions::round_id.eq(round_id))
        .filter(statement_positions::organisation_id.eq(organisation_id))
        .select(Position::as_select())
        .first(conn)
        .optional()?)
}

fn authorisation_of(
    conn: &mut DbConn,
    round_id: i64,
    organisation_id: i64,
) -> Result<Option<Authorisation>, Error> {
    Ok(statement_authorisations::table
        .filter(statement_authorisations::round_id.eq(round_id))
        .filter(statement_authorisations::organisation_id.eq(organisation_id))
        .select(Authorisation::as_select())
        .first(conn)
        .optional()?)
}

/// Records (or changes) an organisation's position in the round.
pub fn take_position(
    conn: &mut DbConn,
    actor: &Actor,
    round_id: i64,
    input: &PositionInput,
    today: NaiveDate,
) -> Result<Position, Error> {
    permissions::require(
        actor,
        Action::TakePosition {
            organisation_id: input.organisation_id,
        },
    )?;
    let reason = input.reason.trim();
    if input.stance == Stance::Object && reason.is_empty() {
        return Err(Error::field(
            "reason",
            "an objection needs a reason: say what your organisation cannot accept",
        ));
    }
    db::write_tx(conn, |conn| {
        let (round, member) = enter(conn, round_id, input.organisation_id, &input.content_hash)?;
        let existing = position_of(conn, round_id, member.id)?;
        let previous = existing.as_ref().and_then(|p| Stance::parse(&p.position));
        rules::check_position(previous, input.stance, round.deadline, today)
            .map_err(Error::Invalid)?;
        let now = db::now();
        match &existing {
            Some(p) => {
                diesel::update(statement_positions::table.find(p.id))
                    .set((
                        statement_positions::position.eq(input.stance.as_str()),
                        statement_positions::reason.eq(reason),
                        statement_positions::content_hash.eq(&round.content_hash),
                        statement_positions::person_id.eq(actor.id()),
                        statement_positions::recorded_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(statement_positions::table)
                    .values((
                        statement_positions::round_id.eq(round_id),
                        statement_positions::organisation_id.eq(member.id),
                        statement_positions::position.eq(input.stance.as_str()),
                        statement_positions::reason.eq(reason),
                        statement_positions::content_hash.eq(&round.content_hash),
                        statement_positions::person_id.eq(actor.id()),
                        statement_positions::recorded_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        audit::record(
            conn,
            Some(actor.id()),
            "statement.position_taken",
            Subject::new("statement", round.statement_id),
            json!({
                "round_id": round_id,
                "organisation_id": member.id,
                "position": input.stance.as_str(),
                "previous": previous.map(Stance::as_str),
                "reason": reason,
                "content_hash": round.content_hash,
            }),
        )?;
        let s = get(conn, round.statement_id)?;
        if input.stance == Stance::Approve
            && previous != Some(Stance::Approve)
            && member.needs_authorisation
        {
            notices::authorisation_needed(conn, &s, &round, &member)?;
        }
        settle(conn, &s, &round, today)?;
        position_of(conn, round_id, member.id)?.ok_or(Error::NotFound)
    })
}

/// An authoriser's decision on the organisation's approval, for the round's exact text.
#[derive(Debug, Clone)]
pub struct AuthorisationInput {
    pub organisation_id: i64,
    pub decision: Decision,
    /// The organisation's internal reference (a file number); required to authorise.
    pub reference: String,
    pub content_hash: String,
}

pub fn authorise(
    conn: &mut DbConn,
    actor: &Actor,
    round_id: i64,
    input: &AuthorisationInput,
    today: NaiveDate,
) -> Result<Authorisation, Error> {
    permissions::require(
        actor,
        Action::AuthoriseStatement {
            organisation_id: input.organisation_id,
        },
    )?;
    let reference = input.reference.trim();
    if input.decision == Decision::Authorised && reference.is_empty() {
        return Err(Error::field(
            "reference",
            "give your organisation's internal reference for this authorisation (for example a file number)",
        ));
    }
    db::write_tx(conn, |conn| {
        let (round, member) = enter(conn, round_id, input.organisation_id, &input.content_hash)?;
        if !member.needs_authorisation {
            return Err(Error::Invalid(format!(
                "{} needs no internal authorisation",
                member.name
            )));
        }
        let approved = position_of(conn, round_id, member.id)?
            .is_some_and(|p| p.position == Stance::Approve.as_str());
        if !approved {
            return Err(Error::Invalid(format!(
                "{} has not approved this text; there is nothing to authorise",
                member.name
            )));
        }
        rules::check_authorisation(input.decision, round.deadline, today)
            .map_err(Error::Invalid)?;
        let existing = authorisation_of(conn, round_id, member.id)?;
        let now = db::now();
        match &existing {
            Some(a) => {
                diesel::update(statement_authorisations::table.find(a.id))
                    .set((
                        statement_authorisations::decision.eq(input.decision.as_str()),
                        statement_authorisations::reference.eq(reference),
                        statement_authorisations::content_hash.eq(&round.content_hash),
                        statement_authorisations::person_id.eq(actor.id()),
                        statement_authorisations::decided_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(statement_authorisations::table)
                    .values((
                        statement_authorisations::round_id.eq(round_id),
                        statement_authorisations::organisation_id.eq(member.id),
                        statement_authorisations::decision.eq(input.decision.as_str()),
                        statement_authorisations::reference.eq(reference),
                        statement_authorisations::content_hash.eq(&round.content_hash),
                        statement_authorisations::person_id.eq(actor.id()),
                        statement_authorisations::decided_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        audit::record(
            conn,
            Some(actor.id()),
            "statement.authorisation_decided",
            Subject::new("statement", round.statement_id),
            json!({
                "round_id": round_id,
                "organisation_id": member.id,
                "decision": input.decision.as_str(),
                "previous": existing.as_ref().map(|a| a.decision.clone()),
                "reference": reference,
                "content_hash": round.content_hash,
            }),
        )?;
        let s = get(conn, round.statement_id)?;
        settle(conn, &s, &round, today)?;
        authorisation_of(conn, round_id, member.id)?.ok_or(Error::NotFound)
    })
}

/// After a change: an adopted statement whose rule no longer holds goes back to its round.
fn settle(conn: &mut DbConn, s: &Statement, round: &Round, today: NaiveDate) -> Result<(), Error> {
    if status_of(s) != Status::Adopted {
        return Ok(());
    }
    let rows = board(conn, round)?;
    if let Outcome::Met { .. } = outcome(rule_of(round), &rows, round.deadline, today) {
        return Ok(());
    }
    set_status(conn, s, Status::Approval)?;
    diesel::update(approval_rounds::table.find(round.id))
        .set(approval_rounds::adopted_at.eq(None::<chrono::NaiveDateTime>))
        .execute(conn)?;
    audit::record(
        conn,
        None,
        "statement.adoption_undone",
        Subject::new("statement", s.id),
        json!({ "round_id": round.id }),
    )
}
