//! Approval rounds: opening one on a version, positions, internal authorisations, the gate
//! that adoption and publication pass through, and the deadline.
//!
//! Every change to a round's positions, authorisations or status first takes the round's row
//! lock (`lock`): on PostgreSQL the row lock orders concurrent writers, on SQLite the
//! `BEGIN IMMEDIATE` transaction already does. So a publication and a position racing it are
//! applied one after the other: the position is either counted or refused, never half-applied.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{Authorisation, Position, Round, Signatory, Statement, Version};
use super::notices;
use super::rules::{self, Decision, DecisionRule, Outcome, RoundStatus, Stance, Standing, Status};
use super::store::{self, get, require_draft, set_status, status_of};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::schema::{
    approval_rounds, organisations, statement_authorisations, statement_positions,
    statement_signatories, statements,
};
use crate::db::{self, DbConn};
use crate::error::Error;

pub fn get_round(conn: &mut DbConn, id: i64) -> Result<Round, Error> {
    Ok(approval_rounds::table
        .find(id)
        .select(Round::as_select())
        .first(conn)?)
}

/// The statement's open round, if any (at most one: a partial unique index).
pub fn open_round(conn: &mut DbConn, statement_id: i64) -> Result<Option<Round>, Error> {
    Ok(approval_rounds::table
        .filter(approval_rounds::statement_id.eq(statement_id))
        .filter(approval_rounds::status.eq(RoundStatus::Open.as_str()))
        .select(Round::as_select())
        .first(conn)
        .optional()?)
}

/// Every round of the statement, newest first.
pub fn rounds_of(conn: &mut DbConn, statement_id: i64) -> Result<Vec<Round>, Error> {
    Ok(approval_rounds::table
        .filter(approval_rounds::statement_id.eq(statement_id))
        .order(approval_rounds::id.desc())
        .select(Round::as_select())
        .load(conn)?)
}

pub fn rule_of(round: &Round) -> DecisionRule {
    DecisionRule::parse(&round.decision_rule, round.consensus_percent)
        .unwrap_or(DecisionRule::Unanimity)
}

pub fn status_of_round(round: &Round) -> RoundStatus {
    RoundStatus::parse(&round.status).unwrap_or(RoundStatus::Closed)
}

/// Takes the round's row lock for the rest of the transaction and reads it fresh; refuses
/// when the round is no longer open.
fn lock(conn: &mut DbConn, round_id: i64) -> Result<Round, Error> {
    let updated = diesel::update(
        approval_rounds::table
            .filter(approval_rounds::id.eq(round_id))
            .filter(approval_rounds::status.eq(RoundStatus::Open.as_str())),
    )
    .set(approval_rounds::changes.eq(approval_rounds::changes + 1))
    .execute(conn)?;
    if updated == 0 {
        get_round(conn, round_id)?;
        return Err(Error::Conflict(
            "this approval round is closed; reload the statement to see where it stands".into(),
        ));
    }
    get_round(conn, round_id)
}

/// An active full member, as a round sees it.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub needs_authorisation: bool,
}

/// The organisations that take positions: the active full members, now.
pub fn full_members(conn: &mut DbConn) -> Result<Vec<Member>, Error> {
    let rows: Vec<(i64, String, bool)> = organisations::table
        .filter(organisations::status.eq("full"))
        .order(organisations::name)
        .select((
            organisations::id,
            organisations::name,
            organisations::needs_authorisation,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, needs_authorisation)| Member {
            id,
            name,
            needs_authorisation,
        })
        .collect())
}

/// One line of the round board.
#[derive(Debug, Clone)]
pub struct BoardRow {
    pub member: Member,
    pub position: Option<Position>,
    pub authorisation: Option<Authorisation>,
    pub standing: Standing,
}

pub fn positions(conn: &mut DbConn, round_id: i64) -> Result<Vec<Position>, Error> {
    Ok(statement_positions::table
        .filter(statement_positions::round_id.eq(round_id))
        .select(Position::as_select())
        .load(conn)?)
}

pub fn authorisations(conn: &mut DbConn, round_id: i64) -> Result<Vec<Authorisation>, Error> {
    Ok(statement_authorisations::table
        .filter(statement_authorisations::round_id.eq(round_id))
        .select(Authorisation::as_select())
        .load(conn)?)
}

/// Where each active full member stands in the round. Only positions and authorisations for
/// the round's own hash count (they cannot be recorded otherwise; this is the second lock).
pub fn board(conn: &mut DbConn, round: &Round) -> Result<Vec<BoardRow>, Error> {
    let mut positions = positions(conn, round.id)?;
    let mut authorisations = authorisations(conn, round.id)?;
    positions.retain(|p| p.content_hash == round.content_hash);
    authorisations.retain(|a| a.content_hash == round.content_hash);
    Ok(full_members(conn)?
        .into_iter()
        .map(|member| {
            let position = positions
                .iter()
                .find(|p| p.organisation_id == member.id)
                .cloned();
            let authorisation = authorisations
                .iter()
                .find(|a| a.organisation_id == member.id)
                .cloned();
            let standing = Standing::of(
                position.as_ref().and_then(|p| Stance::parse(&p.position)),
                member.needs_authorisation,
                authorisation
                    .as_ref()
                    .and_then(|a| Decision::parse(&a.decision)),
            );
            BoardRow {
                member,
                position,
                authorisation,
                standing,
            }
        })
        .collect())
}

/// The gate: what the round's positions add up to on `today`.
pub fn outcome(
    rule: DecisionRule,
    rows: &[BoardRow],
    deadline: NaiveDate,
    today: NaiveDate,
) -> Outcome {
    let standings: Vec<(i64, Standing)> = rows.iter().map(|r| (r.member.id, r.standing)).collect();
    rules::evaluate(rule, &standings, today > deadline)
}

/// What the secretariat chooses when opening a round.
#[derive(Debug, Clone, Copy)]
pub struct RoundInput {
    pub rule: DecisionRule,
    pub deadline: NaiveDate,
}

/// Opens a round on the current version: representatives and alternates get the text and the
/// deadline.
pub fn open(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    input: RoundInput,
    today: NaiveDate,
) -> Result<Round, Error> {
    if input.deadline <= today {
        return Err(Error::Invalid(
            "the deadline must be after today, so members have time to answer".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        if open_round(conn, statement_id)?.is_some() {
            return Err(Error::Conflict(
                "a round is already open on this statement".into(),
            ));
        }
        set_status(conn, &s, Status::Approval)?;
        let version = store::latest_version(conn, statement_id)?;
        let id: i64 = diesel::insert_into(approval_rounds::table)
            .values((
                approval_rounds::statement_id.eq(statement_id),
                approval_rounds::version_id.eq(version.id),
                approval_rounds::content_hash.eq(&version.content_hash),
                approval_rounds::decision_rule.eq(input.rule.as_str()),
                approval_rounds::consensus_percent.eq(input.rule.percent()),
                approval_rounds::deadline.eq(input.deadline),
                approval_rounds::status.eq(RoundStatus::Open.as_str()),
                approval_rounds::opened_by.eq(actor.id()),
                approval_rounds::opened_at.eq(db::now()),
            ))
            .returning(approval_rounds::id)
            .get_result(conn)?;
        let round = get_round(conn, id)?;
        notices::round_opened(conn, &s, &version, &round)?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.round_opened",
            Subject::new("statement", statement_id),
            json!({
                "round_id": id,
                "version": version.version_no,
                "content_hash": version.content_hash,
                "rule": input.rule.as_str(),
                "percent": input.rule.percent(),
                "deadline": input.deadline,
            }),
        )?;
        Ok(round)
    })
}

/// Closes a round without adoption.
pub(super) fn close(conn: &mut DbConn, round: &Round, status: RoundStatus) -> Result<(), Error> {
    diesel::update(approval_rounds::table.find(round.id))
        .set((
            approval_rounds::status.eq(status.as_str()),
            approval_rounds::closed_at.eq(Some(db::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The text changed during the round: the round closes as superseded, everything given in it
/// is void, the statement returns to consultation, and every member is told.
pub(super) fn supersede(
    conn: &mut DbConn,
    actor: &Actor,
    s: &Statement,
    round: &Round,
    new_version: &Version,
) -> Result<(), Error> {
    let round = lock(conn, round.id)?;
    let given = positions(conn, round.id)?.len();
    close(conn, &round, RoundStatus::Superseded)?;
    set_status(conn, s, Status::Consultation)?;
    notices::round_superseded(conn, s, &round, new_version)?;
    audit::record(
        conn,
        Some(actor.id()),
        "statement.round_superseded",
        Subject::new("statement", s.id),
        json!({
            "round_id": round.id,
            "old_hash": round.content_hash,
            "new_hash": new_version.content_hash,
            "positions_void": given,
        }),
    )
}

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

fn member_of_round(conn: &mut DbConn, organisation_id: i64) -> Result<Member, Error> {
    let status: String = organisations::table
        .find(organisation_id)
        .select(organisations::status)
        .first(conn)?;
    full_members(conn)?
        .into_iter()
        .find(|m| m.id == organisation_id)
        .ok_or_else(|| {
            Error::Invalid(format!(
                "only active full members take positions (this organisation is {status})"
            ))
        })
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
        return Err(Error::Invalid("an objection needs a reason".into()));
    }
    db::write_tx(conn, |conn| {
        let round = lock(conn, round_id)?;
        check_hash(&round, &input.content_hash)?;
        let member = member_of_round(conn, input.organisation_id)?;
        let existing: Option<Position> = statement_positions::table
            .filter(statement_positions::round_id.eq(round_id))
            .filter(statement_positions::organisation_id.eq(member.id))
            .select(Position::as_select())
            .first(conn)
            .optional()?;
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
        Ok(statement_positions::table
            .filter(statement_positions::round_id.eq(round_id))
            .filter(statement_positions::organisation_id.eq(member.id))
            .select(Position::as_select())
            .first(conn)?)
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
        return Err(Error::Invalid(
            "give your organisation's internal reference for this authorisation (for example a file number)".into(),
        ));
    }
    db::write_tx(conn, |conn| {
        let round = lock(conn, round_id)?;
        check_hash(&round, &input.content_hash)?;
        let member = member_of_round(conn, input.organisation_id)?;
        if !member.needs_authorisation {
            return Err(Error::Invalid(format!(
                "{} needs no internal authorisation",
                member.name
            )));
        }
        let approved = statement_positions::table
            .filter(statement_positions::round_id.eq(round_id))
            .filter(statement_positions::organisation_id.eq(member.id))
            .filter(statement_positions::position.eq(Stance::Approve.as_str()))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !approved {
            return Err(Error::Invalid(format!(
                "{} has not approved this text; there is nothing to authorise",
                member.name
            )));
        }
        rules::check_authorisation(input.decision, round.deadline, today)
            .map_err(Error::Invalid)?;
        let existing: Option<Authorisation> = statement_authorisations::table
            .filter(statement_authorisations::round_id.eq(round_id))
            .filter(statement_authorisations::organisation_id.eq(member.id))
            .select(Authorisation::as_select())
            .first(conn)
            .optional()?;
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
        Ok(statement_authorisations::table
            .filter(statement_authorisations::round_id.eq(round_id))
            .filter(statement_authorisations::organisation_id.eq(member.id))
            .select(Authorisation::as_select())
            .first(conn)?)
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

/// The open round of a statement, locked, and what its positions add up to now.
fn gate(
    conn: &mut DbConn,
    statement_id: i64,
    today: NaiveDate,
) -> Result<(Round, Vec<BoardRow>, Outcome), Error> {
    let round = open_round(conn, statement_id)?
        .ok_or_else(|| Error::Invalid("no approval round is open on this statement".into()))?;
    let round = lock(conn, round.id)?;
    let rows = board(conn, &round)?;
    let result = outcome(rule_of(&round), &rows, round.deadline, today);
    Ok((round, rows, result))
}

/// Records the adoption: the rule is met and every signatory needing authorisation has it.
/// Publication may follow later (a release date); it checks everything again.
pub fn adopt(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    today: NaiveDate,
) -> Result<(), Error> {
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        rules::check_transition(status_of(&s), Status::Adopted).map_err(Error::Invalid)?;
        let (round, _, result) = gate(conn, statement_id, today)?;
        let Outcome::Met { signatories } = result else {
            return Err(not_met(&result, "adopted"));
        };
        set_status(conn, &s, Status::Adopted)?;
        diesel::update(approval_rounds::table.find(round.id))
            .set(approval_rounds::adopted_at.eq(Some(db::now())))
            .execute(conn)?;
        notices::adopted(conn, &s, &round)?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.adopted",
            Subject::new("statement", statement_id),
            json!({ "round_id": round.id, "content_hash": round.content_hash, "signatories": signatories }),
        )
    })
}

fn not_met(result: &Outcome, step: &str) -> Error {
    match result {
        Outcome::Pending(why) | Outcome::Failed(why) => {
            Error::Conflict(format!("the statement cannot be {step} yet: {why}"))
        }
        Outcome::Met { .. } => Error::Internal("not_met called on a met outcome".into()),
    }
}

/// Publishes the statement. The gate is checked again here, in the transaction that
/// publishes, under the round's lock: a position or authorisation withdrawn a moment before
/// is seen, and one arriving a moment after finds the round closed.
pub fn publish(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    today: NaiveDate,
) -> Result<Vec<Signatory>, Error> {
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        rules::check_transition(status_of(&s), Status::Published).map_err(Error::Invalid)?;
        let (round, rows, result) = gate(conn, statement_id, today)?;
        let Outcome::Met { signatories } = result else {
            return Err(not_met(&result, "published"));
        };
        let now = db::now();
        for row in rows.iter().filter(|r| signatories.contains(&r.member.id)) {
            let position = row
                .position
                .as_ref()
                .ok_or_else(|| Error::Internal("a signatory without a position".into()))?;
            let authorised = row
                .authorisation
                .as_ref()
                .filter(|a| a.decision == Decision::Authorised.as_str());
            diesel::insert_into(statement_signatories::table)
                .values((
                    statement_signatories::statement_id.eq(statement_id),
                    statement_signatories::organisation_id.eq(row.member.id),
                    statement_signatories::organisation_name.eq(&row.member.name),
                    statement_signatories::approved_at.eq(position.recorded_at),
                    statement_signatories::approved_by.eq(position.person_id),
                    statement_signatories::authorised_at.eq(authorised.map(|a| a.decided_at)),
                    statement_signatories::authorised_by.eq(authorised.map(|a| a.person_id)),
                    statement_signatories::authorisation_reference
                        .eq(authorised.map(|a| a.reference.as_str()).unwrap_or("")),
                ))
                .execute(conn)?;
        }
        diesel::update(approval_rounds::table.find(round.id))
            .set((
                approval_rounds::status.eq(RoundStatus::Adopted.as_str()),
                approval_rounds::adopted_at.eq(Some(round.adopted_at.unwrap_or(now))),
                approval_rounds::closed_at.eq(Some(now)),
            ))
            .execute(conn)?;
        set_status(conn, &s, Status::Published)?;
        diesel::update(statements::table.find(statement_id))
            .set((
                statements::published_at.eq(Some(now)),
                statements::published_version_id.eq(Some(round.version_id)),
            ))
            .execute(conn)?;
        notices::published(conn, &s, &round)?;
        audit::record(
            conn,
            Some(actor.id()),
            "statement.published",
            Subject::new("statement", statement_id),
            json!({ "round_id": round.id, "content_hash": round.content_hash, "signatories": signatories }),
        )?;
        signatories_of(conn, statement_id)
    })
}

pub fn signatories_of(conn: &mut DbConn, statement_id: i64) -> Result<Vec<Signatory>, Error> {
    Ok(statement_signatories::table
        .filter(statement_signatories::statement_id.eq(statement_id))
        .order(statement_signatories::organisation_name)
        .select(Signatory::as_select())
        .load(conn)?)
}

/// Rounds whose deadline has passed without their rule being met lapse, and so do their
/// statements. Rounds whose rule is met wait for the secretariat to adopt. Returns how many
/// lapsed.
pub fn lapse_overdue(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    let overdue: Vec<i64> = approval_rounds::table
        .filter(approval_rounds::status.eq(RoundStatus::Open.as_str()))
        .filter(approval_rounds::deadline.lt(today))
        .select(approval_rounds::id)
        .load(conn)?;
    let mut lapsed = 0;
    for round_id in overdue {
        // A read first: a round met at its deadline (waiting for adoption) is left alone
        // without taking a write lock on every tick.
        let round = get_round(conn, round_id)?;
        let rows = board(conn, &round)?;
        if !matches!(
            outcome(rule_of(&round), &rows, round.deadline, today),
            Outcome::Failed(_)
        ) {
            continue;
        }
        let done = db::write_tx(conn, |conn| {
            let round = match lock(conn, round_id) {
                Ok(r) => r,
                // Closed meanwhile by someone else.
                Err(Error::Conflict(_)) => return Ok(false),
                Err(e) => return Err(e),
            };
            let rows = board(conn, &round)?;
            let Outcome::Failed(why) = outcome(rule_of(&round), &rows, round.deadline, today)
            else {
                return Ok(false);
            };
            let s = get(conn, round.statement_id)?;
            close(conn, &round, RoundStatus::Lapsed)?;
            set_status(conn, &s, Status::Lapsed)?;
            diesel::update(statements::table.find(s.id))
                .set(statements::closing_reason.eq(&why))
                .execute(conn)?;
            audit::record(
                conn,
                None,
                "statement.lapsed",
                Subject::new("statement", s.id),
                json!({ "round_id": round.id, "why": why }),
            )?;
            Ok(true)
        })?;
        if done {
            lapsed += 1;
        }
    }
    Ok(lapsed)
}

/// What a signatory keeps: the statement, the hash, and its own approval and authorisation,
/// all of which anyone can compare with the public page.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub statement: Statement,
    pub signatory: Signatory,
    pub content_hash: String,
    pub approved_by: String,
    pub authorised_by: Option<String>,
}

pub fn receipt(
    conn: &mut DbConn,
    statement_id: i64,
    organisation_id: i64,
) -> Result<Receipt, Error> {
    let statement = get(conn, statement_id)?;
    let version_id = statement.published_version_id.ok_or(Error::NotFound)?;
    let version = store::version_by_id(conn, version_id)?;
    let signatory = statement_signatories::table
        .filter(statement_signatories::statement_id.eq(statement_id))
        .filter(statement_signatories::organisation_id.eq(organisation_id))
        .select(Signatory::as_select())
        .first(conn)?;
    let approved_by = crate::auth::store::find(conn, signatory.approved_by)?.name;
    let authorised_by = match signatory.authorised_by {
        Some(p) => Some(crate::auth::store::find(conn, p)?.name),
        None => None,
    };
    Ok(Receipt {
        statement,
        signatory,
        content_hash: version.content_hash,
        approved_by,
        authorised_by,
    })
}
