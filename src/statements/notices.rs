//! The mail joint statements cause, queued through the outbox in the transaction of their
//! cause: a round opened, an authorisation needed, a reminder before the deadline, a round
//! superseded, a statement adopted and published.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use roundtable_templates::mail::{self as bodies, QuotedText};

use super::model::{Round, Statement, Version};
use super::rounds::{self, Member};
use super::rules::{Standing, Status};
use super::store;
use crate::db::DbConn;
use crate::db::schema::{affiliations, approval_rounds, mail_reminders, organisations, people};
use crate::error::Error;
use crate::mail::compose::{coalition_name, notice};
use crate::mail::outbox::{BASE_URL, Recipient};
use crate::mail::reminders;
use crate::markdown;
use crate::secretariat::lists;

/// How many days before the deadline members without a position are reminded.
pub const REMINDER_DAYS: i64 = 3;
const REMINDER_KIND: &str = "statement_round";

fn url(s: &Statement) -> String {
    format!("{BASE_URL}/statements/{}", s.id)
}

/// The primary representatives and alternates of the given organisations (all active full
/// members when `only` is none): the people who take positions.
fn representatives(conn: &mut DbConn, only: Option<&[i64]>) -> Result<Vec<Recipient>, Error> {
    let mut query = people::table
        .inner_join(affiliations::table.inner_join(organisations::table))
        .filter(people::active.eq(true))
        .filter(organisations::status.eq("full"))
        .filter(affiliations::representation.is_not_null())
        .select((people::id, people::name, people::email))
        .order(people::name)
        .into_boxed();
    if let Some(ids) = only {
        query = query.filter(organisations::id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(i64, String, String)> = query.load(conn)?;
    Ok(Recipient::people(rows))
}

fn authorisers(conn: &mut DbConn, organisation_id: i64) -> Result<Vec<Recipient>, Error> {
    let rows: Vec<(i64, String, String)> = people::table
        .inner_join(affiliations::table)
        .filter(people::active.eq(true))
        .filter(affiliations::organisation_id.eq(organisation_id))
        .filter(affiliations::is_authoriser.eq(true))
        .select((people::id, people::name, people::email))
        .load(conn)?;
    Ok(Recipient::people(rows))
}

fn quoted<'a>(version: &'a Version, html: &'a str) -> QuotedText<'a> {
    QuotedText {
        source: &version.body,
        html,
        content_hash: &version.content_hash,
    }
}

pub fn round_opened(
    conn: &mut DbConn,
    s: &Statement,
    version: &Version,
    round: &Round,
) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let html = markdown::render(&version.body);
    let rule = rounds::rule_of(round).describe();
    let body = bodies::statement_notice(
        &coalition,
        format!("Your position by {}: {}", round.deadline, s.title),
        &[
            format!(
                "An approval round is open on the joint statement \"{}\" (version {}). Each full member takes one position (approve, abstain or object) by {} inclusive.",
                s.title, version.version_no, round.deadline
            ),
            format!("Decision rule: {rule}."),
            "If your organisation needs internal authorisation, your authorisers are asked for it once you approve; the approval counts only when they confirm this exact text.".into(),
        ],
        Some(&quoted(version, &html)),
        ("Take your position", &url(s)),
    );
    let recipients = representatives(conn, None)?;
    notice(conn, "statement_round_opened", body, recipients)
}

pub fn authorisation_needed(
    conn: &mut DbConn,
    s: &Statement,
    round: &Round,
    member: &Member,
) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let version = store::version_by_id(conn, round.version_id)?;
    let html = markdown::render(&version.body);
    let body = bodies::statement_notice(
        &coalition,
        format!("Authorisation needed: {}", s.title),
        &[
            format!(
                "{} has approved the joint statement \"{}\". The approval counts only once one of its authorisers confirms the organisation's authorisation for exactly this text, with your internal reference.",
                member.name, s.title
            ),
            format!(
                "Authorisations are given until {} inclusive; a refusal withdraws the approval.",
                round.deadline
            ),
        ],
        Some(&quoted(&version, &html)),
        ("Authorise or refuse", &url(s)),
    );
    let recipients = authorisers(conn, member.id)?;
    notice(conn, "statement_authorisation_needed", body, recipients)
}

pub fn round_superseded(
    conn: &mut DbConn,
    s: &Statement,
    round: &Round,
    new_version: &Version,
) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let body = bodies::statement_notice(
        &coalition,
        format!("The text changed; the round is closed: {}", s.title),
        &[
            format!(
                "The text of the joint statement \"{}\" has changed (now version {}). The approval round on the previous text is closed as superseded: every position and authorisation given in it is void.",
                s.title, new_version.version_no
            ),
            "A new round will be opened on the new text; nothing is published before it.".into(),
            format!("Text of the closed round: SHA-256 {}", round.content_hash),
        ],
        None,
        ("Read the new version", &url(s)),
    );
    let today = crate::coalition::today(conn)?;
    let recipients = lists::coalition(conn, today)?;
    notice(conn, "statement_round_superseded", body, recipients)
}

pub fn adopted(conn: &mut DbConn, s: &Statement, round: &Round) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let body = bodies::statement_notice(
        &coalition,
        format!("Adopted: {}", s.title),
        &[format!(
            "The joint statement \"{}\" is adopted (text SHA-256 {}). It will be published by the secretariat; until then a withdrawn approval or authorisation still stops it.",
            s.title, round.content_hash
        )],
        None,
        ("The statement", &url(s)),
    );
    let today = crate::coalition::today(conn)?;
    let recipients = lists::coalition(conn, today)?;
    notice(conn, "statement_adopted", body, recipients)
}

pub fn published(conn: &mut DbConn, s: &Statement, round: &Round) -> Result<usize, Error> {
    let coalition = coalition_name(conn)?;
    let version = store::version_by_id(conn, round.version_id)?;
    let html = markdown::render(&version.body);
    let names: Vec<String> = rounds::signatories_of(conn, s.id)?
        .into_iter()
        .map(|x| x.organisation_name)
        .collect();
    let body = bodies::statement_notice(
        &coalition,
        format!("Published: {}", s.title),
        &[
            format!("The joint statement \"{}\" is published.", s.title),
            format!("Signed by: {}.", names.join(", ")),
            "Each signatory's receipt (the text's hash, its approval and authorisation) is on the statement's page.".into(),
        ],
        Some(&quoted(&version, &html)),
        ("The statement and your receipt", &url(s)),
    );
    let today = crate::coalition::today(conn)?;
    let recipients = lists::coalition(conn, today)?;
    notice(conn, "statement_published", body, recipients)
}

/// Reminds the representatives of members with no position yet, once per round, when the
/// deadline is `REMINDER_DAYS` away or nearer. Returns how many mails were queued.
pub fn remind_due(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    let due: Vec<i64> = approval_rounds::table
        .filter(approval_rounds::status.eq("open"))
        .filter(approval_rounds::deadline.ge(today))
        .filter(approval_rounds::deadline.le(today + Duration::days(REMINDER_DAYS)))
        .select(approval_rounds::id)
        .load(conn)?;
    // Read first which were reminded already, so a tick with nothing new writes nothing.
    let reminded: Vec<i64> = mail_reminders::table
        .filter(mail_reminders::kind.eq(REMINDER_KIND))
        .filter(mail_reminders::subject_id.eq_any(&due))
        .select(mail_reminders::subject_id)
        .load(conn)?;
    let mut queued = 0;
    for round_id in due.into_iter().filter(|id| !reminded.contains(id)) {
        queued += crate::db::write_tx(conn, |conn| {
            if !reminders::first_time(conn, REMINDER_KIND, round_id)? {
                return Ok(0);
            }
            let round = rounds::get_round(conn, round_id)?;
            let s = store::get(conn, round.statement_id)?;
            if store::status_of(&s) != Status::Approval {
                return Ok(0);
            }
            remind_silent(conn, &s, &round)
        })?;
    }
    Ok(queued)
}

/// Reminds the representatives of the members that have not taken a position in `round`;
/// returns how many mails were queued (none when everyone has answered).
pub fn remind_silent(conn: &mut DbConn, s: &Statement, round: &Round) -> Result<usize, Error> {
    let silent: Vec<i64> = rounds::board(conn, round)?
        .into_iter()
        .filter(|r| r.standing == Standing::NoAnswer)
        .map(|r| r.member.id)
        .collect();
    if silent.is_empty() {
        return Ok(0);
    }
    let coalition = coalition_name(conn)?;
    let body = bodies::statement_notice(
        &coalition,
        format!("Reminder: your position by {}: {}", round.deadline, s.title),
        &[format!(
            "Your organisation has not taken a position on the joint statement \"{}\". The round closes at the end of {}.",
            s.title, round.deadline
        )],
        None,
        ("Take your position", &url(s)),
    );
    let recipients = representatives(conn, Some(&silent))?;
    notice(conn, "statement_reminder", body, recipients)
}

/// The deadline's work, run by the worker's tick: reminders, then lapses.
pub fn tick(conn: &mut DbConn, today: NaiveDate) -> Result<(usize, usize), Error> {
    let reminded = remind_due(conn, today)?;
    let lapsed = rounds::lapse_overdue(conn, today)?;
    Ok((reminded, lapsed))
}
