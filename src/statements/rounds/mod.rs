//! Approval rounds: opening one on a version, the board of every full member's standing, and
//! closing a round; positions and authorisations live in `positions`, adoption, publication
//! and the deadline in `publication`.
//!
//! Every change to a round's positions, authorisations or status first takes the round's row
//! lock (`lock`): on PostgreSQL the row lock orders concurrent writers, on SQLite the
//! `BEGIN IMMEDIATE` transaction already does. So a publication and a position racing it are
//! applied one after the other: the position is either counted or refused, never half-applied.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::model::{Authorisation, Position, Round, Statement, Version};
use super::notices;
use super::rules::{self, Decision, DecisionRule, Outcome, RoundStatus, Stance, Standing, Status};
use super::store::{self, get, require_draft, set_status};
use crate::audit::{self, Subject};
use crate::auth::permissions::Actor;
use crate::db::schema::{
    approval_rounds, organisations, statement_authorisations, statement_positions, statements,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::membership::rules::Status as MemberStatus;

mod positions;
mod publication;

pub use positions::{AuthorisationInput, PositionInput, authorise, take_position};
pub use publication::{Receipt, adopt, lapse_overdue, publish, receipt, remind, signatories_of};

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
pub(super) fn lock(conn: &mut DbConn, round_id: i64) -> Result<Round, Error> {
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
        .filter(organisations::status.eq(MemberStatus::Full.as_str()))
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

/// Every open round with its statement (one query, for lists and dashboards).
pub fn open_rounds(conn: &mut DbConn) -> Result<Vec<(Statement, Round)>, Error> {
    Ok(approval_rounds::table
        .inner_join(statements::table.on(statements::id.eq(approval_rounds::statement_id)))
        .filter(approval_rounds::status.eq(RoundStatus::Open.as_str()))
        .order(statements::id)
        .select((Statement::as_select(), Round::as_select()))
        .load(conn)?)
}

/// Where each active full member stands in the round. Only positions and authorisations for
/// the round's own hash count (they cannot be recorded otherwise; this is the second lock).
/// One query: every full member with its position and authorisation in this round.
pub fn board(conn: &mut DbConn, round: &Round) -> Result<Vec<BoardRow>, Error> {
    type Row = ((i64, String, bool), Option<Position>, Option<Authorisation>);
    let hash = round.content_hash.clone();
    let rows: Vec<Row> = organisations::table
        .left_join(
            statement_positions::table.on(statement_positions::organisation_id
                .eq(organisations::id)
                .and(statement_positions::round_id.eq(round.id))
                .and(statement_positions::content_hash.eq(hash.clone()))),
        )
        .left_join(
            statement_authorisations::table.on(statement_authorisations::organisation_id
                .eq(organisations::id)
                .and(statement_authorisations::round_id.eq(round.id))
                .and(statement_authorisations::content_hash.eq(hash))),
        )
        .filter(organisations::status.eq(MemberStatus::Full.as_str()))
        .order(organisations::name)
        .select((
            (
                organisations::id,
                organisations::name,
                organisations::needs_authorisation,
            ),
            statement_positions::all_columns.nullable(),
            statement_authorisations::all_columns.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |((id, name, needs_authorisation), position, authorisation)| {
                let member = Member {
                    id,
                    name,
                    needs_authorisation,
                };
                board_row(member, position, authorisation)
            },
        )
        .collect())
}

fn board_row(
    member: Member,
    position: Option<Position>,
    authorisation: Option<Authorisation>,
) -> BoardRow {
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
}

/// A member's standing in a round, without what its position said: what the dashboard and
/// the statements list need of every open round.
#[derive(Debug, Clone)]
pub struct MemberStanding {
    pub member: Member,
    pub standing: Standing,
}

/// Every member's standing in several rounds, in three queries whatever their number. Only
/// the stance and the decision are read (not the reasons, references and times the statement
/// page shows), and each is matched to its member through a map: on 400 members and a few
/// open rounds the dashboards spent most of their time here.
pub fn standings(
    conn: &mut DbConn,
    rounds: &[&Round],
) -> Result<HashMap<i64, Vec<MemberStanding>>, Error> {
    let ids: Vec<i64> = rounds.iter().map(|r| r.id).collect();
    let members = full_members(conn)?;
    let positions: Vec<(i64, i64, String, String)> = statement_positions::table
        .filter(statement_positions::round_id.eq_any(&ids))
        .select((
            statement_positions::round_id,
            statement_positions::organisation_id,
            statement_positions::position,
            statement_positions::content_hash,
        ))
        .load(conn)?;
    let authorisations: Vec<(i64, i64, String, String)> = statement_authorisations::table
        .filter(statement_authorisations::round_id.eq_any(&ids))
        .select((
            statement_authorisations::round_id,
            statement_authorisations::organisation_id,
            statement_authorisations::decision,
            statement_authorisations::content_hash,
        ))
        .load(conn)?;
    // Only what was given on the round's text counts.
    let hash_of: HashMap<i64, &str> = rounds
        .iter()
        .map(|r| (r.id, r.content_hash.as_str()))
        .collect();
    let on_text = |round_id: i64, hash: &str| hash_of.get(&round_id).is_some_and(|h| *h == hash);
    let mut stances: HashMap<(i64, i64), Stance> = HashMap::new();
    for (round, organisation, position, hash) in positions {
        if let (true, Some(stance)) = (on_text(round, &hash), Stance::parse(&position)) {
            stances.entry((round, organisation)).or_insert(stance);
        }
    }
    let mut decisions: HashMap<(i64, i64), Decision> = HashMap::new();
    for (round, organisation, decision, hash) in authorisations {
        if let (true, Some(decision)) = (on_text(round, &hash), Decision::parse(&decision)) {
            decisions.entry((round, organisation)).or_insert(decision);
        }
    }
    Ok(rounds
        .iter()
        .map(|round| {
            let rows = members
                .iter()
                .map(|member| {
                    let key = (round.id, member.id);
                    MemberStanding {
                        member: member.clone(),
                        standing: Standing::of(
                            stances.get(&key).copied(),
                            member.needs_authorisation,
                            decisions.get(&key).copied(),
                        ),
                    }
                })
                .collect();
            (round.id, rows)
        })
        .collect())
}

/// The gate on standings alone (`outcome` for a full board).
pub fn outcome_of_standings(
    rule: DecisionRule,
    rows: &[MemberStanding],
    deadline: NaiveDate,
    today: NaiveDate,
) -> Outcome {
    let standings: Vec<(i64, Standing)> = rows.iter().map(|r| (r.member.id, r.standing)).collect();
    rules::evaluate(rule, &standings, today > deadline)
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

/// The round's count against its rule.
pub fn tally(rule: DecisionRule, rows: &[BoardRow]) -> rules::Tally {
    let standings: Vec<(i64, Standing)> = rows.iter().map(|r| (r.member.id, r.standing)).collect();
    rules::tally(rule, &standings)
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
