//! The large coalition's statements: one every twelve days or so over ten years, each
//! through consultation and a round that every full member answers (objections to those
//! signed by who approves, governmental approvals authorised by their authorisers), then
//! published; the last few still in their round. The services date what they do now, so each statement's
//! records are then dated as it happened, for the evaluations' ten-year indicators.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{Progress, Size};
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::db::schema::{
    approval_rounds, statement_authorisations, statement_positions, statement_versions, statements,
};
use crate::error::Error;
use crate::statements::demo::{Voice, authorise, stance_of, voices};
use crate::statements::rounds::{self, PositionInput, RoundInput};
use crate::statements::rules::{DecisionRule, Stance};
use crate::statements::store::{self, StatementInput};

/// Statements whose round is still open when the demo is built.
const STILL_OPEN: usize = 3;

const BODY: &str = "We, the members of the coalition, call on the authorities and employers \
to act against forced labour: identify every person exploited, protect them whatever their \
residence status, and hold to account those who profit from their work.\n";

pub fn grow(
    conn: &mut DbConn,
    actor: &Actor,
    today: NaiveDate,
    size: Size,
    quiet: bool,
) -> Result<(), Error> {
    let voices = voices(conn)?;
    let first_day = today - Duration::days(365 * i64::from(size.years));
    let spacing = (365 * i64::from(size.years)) / size.statements.max(1) as i64;
    let mut progress = Progress::new("statements", size.statements, quiet);
    for n in 0..size.statements {
        let open = n + STILL_OPEN >= size.statements;
        let opened = if open {
            today - Duration::days(2)
        } else {
            first_day + Duration::days(spacing * n as i64)
        };
        let s = store::create(
            conn,
            actor,
            &StatementInput {
                title: format!("Joint statement {} of {}", n + 1, opened.format("%B %Y")),
                context_note: String::new(),
                group_id: None,
                body: BODY.into(),
            },
        )?;
        store::open_consultation(conn, actor, s.id)?;
        let round = rounds::open(
            conn,
            actor,
            s.id,
            RoundInput {
                rule: rule_of(n),
                deadline: opened + Duration::days(14),
            },
            opened,
        )?;
        for (k, v) in voices.iter().enumerate() {
            // In an open round one member in ten has not answered yet.
            if open && k % 10 == 0 {
                continue;
            }
            take(conn, v, &round, (n, k), opened)?;
        }
        if !open {
            rounds::publish(conn, actor, s.id, opened + Duration::days(15))?;
        }
        dated_as_it_happened(conn, s.id, opened)?;
        progress.step();
    }
    progress.finish();
    Ok(())
}

/// One statement in five goes out in the name of those who approve (and there some object);
/// the others by consensus.
fn rule_of(n: usize) -> DecisionRule {
    if n.is_multiple_of(5) {
        DecisionRule::Signatories
    } else {
        DecisionRule::Consensus { percent: 75 }
    }
}

/// A member's position (in a statement signed by those who approve, one in twenty-three
/// objects, with its reason), then its authoriser's authorisation when its side needs one.
fn take(
    conn: &mut DbConn,
    v: &Voice,
    round: &crate::statements::model::Round,
    (n, k): (usize, usize),
    opened: NaiveDate,
) -> Result<(), Error> {
    let Some(rep) = &v.representative else {
        return Ok(());
    };
    let stance = if rule_of(n) == DecisionRule::Signatories && (n + k) % 23 == 0 {
        Stance::Object
    } else {
        stance_of(v)
    };
    let input = PositionInput {
        organisation_id: v.organisation_id,
        stance,
        reason: if stance == Stance::Object {
            "The text should name the sectors most at risk.".into()
        } else {
            String::new()
        },
        content_hash: round.content_hash.clone(),
    };
    rounds::take_position(conn, rep, round.id, &input, opened + Duration::days(1))?;
    if stance == Stance::Approve && v.needs_authorisation {
        authorise(
            conn,
            v,
            round,
            opened + Duration::days(4),
            &format!("GOV/{n}/{k}"),
        )?;
    }
    Ok(())
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 0, 0).unwrap_or_default()
}

/// Dates the statement's records as they would have happened from `opened`: drafted a
/// month before, positions the next day, authorisations four days after, adopted and
/// published when the round's rule was met.
fn dated_as_it_happened(conn: &mut DbConn, id: i64, opened: NaiveDate) -> Result<(), Error> {
    let published = statements::table
        .find(id)
        .select(statements::published_at)
        .first::<Option<NaiveDateTime>>(conn)?
        .map(|_| at(opened + Duration::days(15), 9));
    diesel::update(statements::table.find(id))
        .set((
            statements::created_at.eq(at(opened - Duration::days(30), 9)),
            statements::updated_at.eq(at(opened, 9)),
            statements::published_at.eq(published),
        ))
        .execute(conn)?;
    diesel::update(statement_versions::table.filter(statement_versions::statement_id.eq(id)))
        .set(statement_versions::created_at.eq(at(opened - Duration::days(30), 9)))
        .execute(conn)?;
    let rounds: Vec<i64> = approval_rounds::table
        .filter(approval_rounds::statement_id.eq(id))
        .select(approval_rounds::id)
        .load(conn)?;
    let adopted = published.map(|_| at(opened + Duration::days(5), 9));
    diesel::update(approval_rounds::table.filter(approval_rounds::statement_id.eq(id)))
        .set((
            approval_rounds::opened_at.eq(at(opened, 9)),
            approval_rounds::adopted_at.eq(adopted),
            approval_rounds::closed_at.eq(published),
        ))
        .execute(conn)?;
    diesel::update(
        statement_positions::table.filter(statement_positions::round_id.eq_any(&rounds)),
    )
    .set(statement_positions::recorded_at.eq(at(opened + Duration::days(1), 10)))
    .execute(conn)?;
    diesel::update(
        statement_authorisations::table.filter(statement_authorisations::round_id.eq_any(&rounds)),
    )
    .set(statement_authorisations::decided_at.eq(at(opened + Duration::days(4), 10)))
    .execute(conn)?;
    Ok(())
}
