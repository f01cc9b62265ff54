//! The gate: adoption and publication, the signatories' record and receipts, and the rounds
//! that lapse at their deadline.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::{BoardRow, board, close, get_round, lock, open_round, outcome, rule_of};
use crate::audit::{self, Subject};
use crate::auth::permissions::Actor;
use crate::db::schema::{approval_rounds, statement_signatories, statements};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::statements::model::{Round, Signatory, Statement};
use crate::statements::notices;
use crate::statements::rules::{self, Decision, Outcome, RoundStatus, Status};
use crate::statements::store::{self, get, require_draft, set_status, status_of};

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
        audit::record(
            conn,
            Some(actor.id()),
            "statement.published",
            Subject::new("statement", statement_id),
            json!({ "round_id": round.id, "content_hash": round.content_hash, "signatories": signatories }),
        )?;
        // The publication's own event is the head now: every receipt carries it, so each
        // signatory holds a witness of the record at this moment.
        let (seq, hash) = audit::head(conn)?.ok_or(Error::NotFound)?;
        diesel::update(statements::table.find(statement_id))
            .set((
                statements::published_audit_seq.eq(seq),
                statements::published_audit_hash.eq(&hash),
            ))
            .execute(conn)?;
        notices::published(conn, &s, &round)?;
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

/// A drafter reminds, now, the members that have not taken a position in the open round
/// (the scheduler also does once, a few days before the deadline). Once a day at most, so
/// nobody's mailbox is flooded; returns how many mails were queued.
pub fn remind(
    conn: &mut DbConn,
    actor: &Actor,
    statement_id: i64,
    today: NaiveDate,
) -> Result<usize, Error> {
    db::write_tx(conn, |conn| {
        let s = get(conn, statement_id)?;
        require_draft(actor, &s)?;
        let round = match open_round(conn, statement_id)? {
            Some(round) if status_of(&s) == Status::Approval => round,
            _ => {
                return Err(Error::Invalid(
                    "there is no open round to remind anyone of".into(),
                ));
            }
        };
        if !crate::mail::reminders::first_time(
            conn,
            &format!("statement_round_asked:{today}"),
            round.id,
        )? {
            return Err(Error::Conflict(
                "the members without an answer were reminded today already; try again tomorrow"
                    .into(),
            ));
        }
        let queued = notices::remind_silent(conn, &s, &round)?;
        if queued == 0 {
            return Err(Error::Invalid(
                "every member has answered: there is nobody to remind".into(),
            ));
        }
        audit::record(
            conn,
            Some(actor.id()),
            "round.reminded",
            Subject::new("statement", statement_id),
            json!({ "round_id": round.id, "mails": queued }),
        )?;
        Ok(queued)
    })
}
