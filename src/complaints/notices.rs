//! The mail complaints cause. Never a word of content: "There is an update on complaint
//! C-2026-003" and a link, to the parties and the panel; to the secretariat, that a
//! complaint exists or that a step is overdue. Reminders before a due date and overdue
//! notices go once per due date.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use roundtable_templates::mail as bodies;

use super::model::Complaint;
use super::rules::{About, Stage};
use super::store;
use crate::db::DbConn;
use crate::db::schema::{affiliations, complaint_panel, complaints, organisations, people};
use crate::error::Error;
use crate::mail::compose::{coalition_name, notice};
use crate::mail::outbox::{BASE_URL, Recipient};
use crate::secretariat::lists;

const UPDATE: &str = "complaint_update";
const DUE: &str = "complaint_due";

fn url(c: &Complaint) -> String {
    format!("{BASE_URL}/complaints/{}", c.id)
}

/// The representatives and alternates of an organisation that takes positions.
fn speakers_for(conn: &mut DbConn, organisation_id: i64) -> Result<Vec<Recipient>, Error> {
    let rows: Vec<(i64, String, String)> = people::table
        .inner_join(affiliations::table.inner_join(organisations::table))
        .filter(people::active.eq(true))
        .filter(organisations::id.eq(organisation_id))
        .filter(organisations::status.eq("full"))
        .filter(affiliations::representation.is_not_null())
        .select((people::id, people::name, people::email))
        .load(conn)?;
    Ok(Recipient::people(rows))
}

fn person(conn: &mut DbConn, id: i64) -> Result<Vec<Recipient>, Error> {
    let rows: Vec<(i64, String, String)> = people::table
        .filter(people::id.eq(id))
        .filter(people::active.eq(true))
        .select((people::id, people::name, people::email))
        .load(conn)?;
    Ok(Recipient::people(rows))
}

/// The panel members still asked or serving.
fn panel(conn: &mut DbConn, complaint_id: i64) -> Result<Vec<Recipient>, Error> {
    let rows: Vec<(i64, String, String)> = people::table
        .inner_join(complaint_panel::table)
        .filter(complaint_panel::complaint_id.eq(complaint_id))
        .filter(complaint_panel::status.ne("declined"))
        .filter(people::active.eq(true))
        .select((people::id, people::name, people::email))
        .load(conn)?;
    Ok(Recipient::people(rows))
}

/// Everyone who reads the complaint's content: the complainant's side, the respondent's
/// (once notified) and the panel.
pub fn readers(
    conn: &mut DbConn,
    c: &Complaint,
    today: NaiveDate,
) -> Result<Vec<Recipient>, Error> {
    let mut all = match c.filed_by {
        Some(filer) => person(conn, filer)?,
        None => Vec::new(),
    };
    match c.complainant_org {
        Some(o) => all.extend(speakers_for(conn, o)?),
        None => all.extend(lists::staff(conn, today)?),
    }
    if c.respondent_notified_at.is_some() {
        match (store::about_of(c), c.respondent_org) {
            (About::Organisation, Some(o)) => all.extend(speakers_for(conn, o)?),
            (About::Secretariat, _) => all.extend(lists::staff(conn, today)?),
            _ => {}
        }
    }
    all.extend(panel(conn, c.id)?);
    Ok(dedup(all))
}

fn dedup(mut all: Vec<Recipient>) -> Vec<Recipient> {
    let mut seen = std::collections::HashSet::new();
    all.retain(|r| seen.insert(r.email.to_lowercase()));
    all
}

/// Tells the parties and the panel (not `actor_id`, who made the change) that there is an
/// update.
pub fn update(
    conn: &mut DbConn,
    c: &Complaint,
    actor_id: i64,
    today: NaiveDate,
) -> Result<usize, Error> {
    let to: Vec<Recipient> = readers(conn, c, today)?
        .into_iter()
        .filter(|r| r.person_id != Some(actor_id))
        .collect();
    send_update(conn, c, to)
}

/// Tells specific people (a newly appointed panel member) that there is an update.
pub fn update_to(conn: &mut DbConn, c: &Complaint, person_id: i64) -> Result<usize, Error> {
    let to = person(conn, person_id)?;
    send_update(conn, c, to)
}

fn send_update(conn: &mut DbConn, c: &Complaint, to: Vec<Recipient>) -> Result<usize, Error> {
    if to.is_empty() {
        return Ok(0);
    }
    let body = bodies::complaint_update(&coalition_name(conn)?, &c.reference, &url(c));
    notice(conn, UPDATE, body, to)
}

/// Tells the secretariat that a complaint exists (or changed stage): the register's link.
pub fn to_secretariat(conn: &mut DbConn, c: &Complaint, today: NaiveDate) -> Result<usize, Error> {
    let staff = lists::staff(conn, today)?;
    send_update(conn, c, staff)
}

/// Who must act for the step `stage` waits for.
fn who_acts(
    conn: &mut DbConn,
    c: &Complaint,
    stage: Stage,
    today: NaiveDate,
) -> Result<Vec<Recipient>, Error> {
    Ok(match stage {
        Stage::Received => lists::staff(conn, today)?,
        Stage::Proposed => {
            let mut parties = readers(conn, c, today)?;
            let on_panel = panel(conn, c.id)?;
            parties.retain(|r| !on_panel.contains(r));
            parties
        }
        _ => panel(conn, c.id)?,
    })
}

/// Reminders `reminder_days` before a due date to those who must act, and, once a step is
/// overdue, a notice to the secretariat (existence only) and the panel. Reads first;
/// writes only when something is due.
pub fn tick(conn: &mut DbConn, today: NaiveDate) -> Result<usize, Error> {
    let settings = store::settings(conn)?;
    let soon = today + Duration::days(i64::from(settings.reminder_days.max(0)));
    let open: Vec<Complaint> = complaints::table
        .filter(complaints::due_on.le(soon))
        .filter(complaints::stage.ne_all([Stage::Closed.as_str(), Stage::Withdrawn.as_str()]))
        .select(Complaint::as_select())
        .load(conn)?;
    let mut sent = 0;
    let coalition = if open.is_empty() {
        String::new()
    } else {
        coalition_name(conn)?
    };
    for c in open {
        let Some(due) = c.due_on else { continue };
        let stage = store::stage_of(&c);
        let register = format!("{BASE_URL}/complaints");
        if due < today && c.overdue_notified_due != Some(due) {
            sent += crate::db::write_tx(conn, |conn| {
                let mut to = lists::staff(conn, today)?;
                to.extend(panel(conn, c.id)?);
                let body = bodies::complaint_due(
                    &coalition,
                    &c.reference,
                    stage.waits_for(),
                    &due.to_string(),
                    true,
                    &register,
                );
                let n = notice(conn, DUE, body, dedup(to))?;
                diesel::update(complaints::table.find(c.id))
                    .set(complaints::overdue_notified_due.eq(Some(due)))
                    .execute(conn)?;
                Ok(n)
            })?;
        } else if due >= today && c.reminded_due != Some(due) {
            sent += crate::db::write_tx(conn, |conn| {
                let to = who_acts(conn, &c, stage, today)?;
                let body = bodies::complaint_due(
                    &coalition,
                    &c.reference,
                    stage.waits_for(),
                    &due.to_string(),
                    false,
                    &register,
                );
                let n = notice(conn, DUE, body, to)?;
                diesel::update(complaints::table.find(c.id))
                    .set(complaints::reminded_due.eq(Some(due)))
                    .execute(conn)?;
                Ok(n)
            })?;
        }
    }
    Ok(sent)
}
