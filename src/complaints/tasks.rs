//! What complaints ask of a person, for "what needs me" on the dashboard: the secretariat
//! acknowledges and appoints panels, and sees overdue steps (existence only); a panel member
//! declares and takes the panel's steps; a party answers a proposal and says how satisfied
//! it is. References and dates only: the dashboard shows no content. Two queries, however
//! many complaints there are: `store::visible` (one), the panel's size for the secretariat and
//! the answers for a party.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::rules::{Seat, Stage};
use super::store::{self, Case};
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::db::schema::complaint_answers;
use crate::error::Error;
use crate::task::Task;

fn due_words(case: &Case, today: NaiveDate) -> String {
    let stage = case.stage();
    match case.complaint.due_on {
        Some(due) if due < today => {
            format!("Overdue since {due}: waits for {}.", stage.waits_for())
        }
        Some(due) => format!("Due by {due}: waits for {}.", stage.waits_for()),
        None => format!("Waits for {}.", stage.waits_for()),
    }
}

pub fn for_actor(conn: &mut DbConn, actor: &Actor, today: NaiveDate) -> Result<Vec<Task>, Error> {
    let cases = store::visible(conn, actor)?;
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    // Each read only by those it concerns: the panel's size by the secretariat, the answers
    // by the parties.
    let size = if cases.iter().any(|c| c.standing.secretariat) {
        usize::try_from(store::settings(conn)?.panel_size).unwrap_or(3)
    } else {
        0
    };
    let ids: Vec<i64> = cases
        .iter()
        .filter(|c| c.standing.party().is_some())
        .map(|c| c.complaint.id)
        .collect();
    let answered: Vec<(i64, String, Option<bool>, Option<i32>)> = if ids.is_empty() {
        Vec::new()
    } else {
        complaint_answers::table
            .filter(complaint_answers::complaint_id.eq_any(&ids))
            .select((
                complaint_answers::complaint_id,
                complaint_answers::party,
                complaint_answers::accepts,
                complaint_answers::satisfaction,
            ))
            .load(conn)?
    };
    let mut tasks = Vec::new();
    for case in &cases {
        let c = &case.complaint;
        let href = format!("/complaints/{}", c.id);
        let stage = case.stage();
        let task = |title: String, detail: String| Task {
            title,
            detail,
            href: href.clone(),
        };
        let of_party = |party: &str| answered.iter().find(|a| a.0 == c.id && a.1 == party);
        if case.standing.secretariat
            && case.sight >= crate::auth::visibility::ComplaintSight::Register
        {
            if stage == Stage::Received {
                tasks.push(task(
                    format!("Acknowledge complaint {}", c.reference),
                    due_words(case, today),
                ));
            }
            let seated = case.panel.iter().filter(|s| s.status != "declined").count();
            if stage.is_open() && seated < size {
                tasks.push(task(
                    format!("Appoint the panel of complaint {}", c.reference),
                    format!("{seated} of {size} seats filled."),
                ));
            }
            if stage != Stage::Received && c.due_on.is_some_and(|d| d < today) {
                tasks.push(task(
                    format!("Complaint {} is overdue", c.reference),
                    due_words(case, today),
                ));
            }
        }
        match case.standing.seat {
            Seat::Appointed => tasks.push(task(
                format!("Declare for the panel of complaint {}", c.reference),
                "Say whether you have a conflict of interest; the case opens to you once you declare none.".into(),
            )),
            Seat::Serving
                if matches!(stage, Stage::Acknowledged | Stage::Dialogue | Stage::Resolved | Stage::Referred) =>
            {
                tasks.push(task(format!("Complaint {}: the panel's step", c.reference), due_words(case, today)))
            }
            _ => {}
        }
        if let Some(party) = case.standing.party() {
            let mine = of_party(party.as_str());
            if stage == Stage::Proposed && mine.and_then(|a| a.2).is_none() {
                tasks.push(task(
                    format!(
                        "Answer the proposed resolution of complaint {}",
                        c.reference
                    ),
                    due_words(case, today),
                ));
            }
            if !stage.is_open() && c.erased_at.is_none() && mine.and_then(|a| a.3).is_none() {
                tasks.push(task(
                    format!("How was complaint {} handled?", c.reference),
                    "Say how satisfied you are with how the case was handled.".into(),
                ));
            }
        }
    }
    Ok(tasks)
}
