//! The demo's complaints, built through the same services the pages use: one resolved by
//! dialogue and closed with a lesson learned, one about a statement round waiting for its
//! assessment past the time limit, one referred to the next plenary. Each has a balanced
//! panel that declared no conflict.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;

use super::model::Complaint;
use super::rules::{Outcome, Stage};
use super::store::{self, ComplaintInput};
use super::{panel, steps, thread};
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::db::schema::{complaint_stages, complaints, meetings, statements};
use crate::error::Error;

/// A one-page PDF the demo attaches (the board's calendar).
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The panel member whose login the demo prints.
pub const PANEL_MEMBER_OF_FIRST: usize = 0;

fn actor(conn: &mut DbConn, email: &str) -> Result<Actor, Error> {
    let person = crate::auth::store::find_by_email(conn, email)?.ok_or(Error::NotFound)?;
    crate::actor::actor_for(conn, person)
}

fn person(conn: &mut DbConn, id: i64) -> Result<Actor, Error> {
    let person = crate::auth::store::find(conn, id)?;
    crate::actor::actor_for(conn, person)
}

fn organisation_of(actor: &Actor) -> Option<i64> {
    actor.roles.iter().find_map(|r| match r {
        crate::auth::permissions::Role::Member { organisation_id } => Some(*organisation_id),
        _ => None,
    })
}

/// Appoints the system's proposal and has everyone declare no conflict.
fn seat_panel(
    conn: &mut DbConn,
    secretariat: &Actor,
    c: &Complaint,
    today: NaiveDate,
) -> Result<Vec<i64>, Error> {
    // The demo keeps the secretariat's holders off its panels, so that signing in as the
    // secretariat shows the register without content (a holder may sit, in real life).
    let holders = crate::secretariat::store::holders_on(conn, today)?
        .map(|(_, holders)| holders)
        .unwrap_or_default();
    let candidates: Vec<super::rules::Candidate> = panel::choices(conn, secretariat, c.id, today)?
        .into_iter()
        .map(|p| p.candidate)
        .collect();
    let size = usize::try_from(store::settings(conn)?.panel_size).unwrap_or(3);
    let proposed: Vec<i64> = super::rules::propose_panel(&candidates, &holders, size)
        .iter()
        .map(|p| p.person_id)
        .collect();
    panel::appoint(conn, secretariat, c.id, &proposed, today)?;
    for person_id in &proposed {
        let member = person(conn, *person_id)?;
        panel::declare(conn, &member, c.id, true, today)?;
    }
    Ok(proposed)
}

/// Builds the three complaints; returns the e-mail address of a serving panel member.
pub fn seed(conn: &mut DbConn, secretariat: &Actor, today: NaiveDate) -> Result<String, Error> {
    // The parties are members that do not hold the secretariat today (which rotates), so
    // that the secretariat's view of the demo is the register alone.
    let holders = crate::secretariat::store::holders_on(conn, today)?
        .map(|(_, holders)| holders)
        .unwrap_or_default();
    let mut not_holding = |emails: &[&str]| -> Result<Actor, Error> {
        for email in emails {
            let a = actor(conn, email)?;
            if organisation_of(&a).is_some_and(|o| !holders.contains(&o)) {
                return Ok(a);
            }
        }
        Err(Error::NotFound)
    };
    let migrants = not_holding(&["maria@migrantrights.example", "a.okafor@uni.example"])?;
    let inspection = not_holding(&[
        "s.ionescu@labour-inspection.example",
        "h.berger@rivertown.example",
    ])?;
    let shelter = not_holding(&["a.rahman@safehouse.example", "j.mueller@gwu.example"])?;
    let police = not_holding(&["m.novak@police.example", "v.petrov@nata.example"])?;
    let legal_aid = actor(conn, crate::membership::demo::MEMBER_EMAIL)?;

    // 1. Resolved by dialogue, closed with a lesson learned.
    let first = store::file(
        conn,
        &migrants,
        &ComplaintInput {
            organisation_id: organisation_of(&migrants),
            about: "organisation".into(),
            respondent_org: organisation_of(&inspection),
            title: "Workers' names shared before their consent".into(),
            body: "During the joint inspection of the berry farms in June, the names of three workers who had asked for confidentiality were passed to the employer's lawyer before the workers had agreed.\n\nWe ask for an explanation and for a written rule on consent before names leave the coalition's casework.".into(),
            ..ComplaintInput::default()
        },
        today,
    )?;
    steps::acknowledge(conn, secretariat, first.id, today)?;
    let seated = seat_panel(conn, secretariat, &first, today)?;
    let chair = person(conn, seated[0])?;
    steps::assess(
        conn,
        &chair,
        first.id,
        true,
        "Within the memorandum's rules on shared casework; the facts are not disputed.",
        today,
    )?;
    thread::post(
        conn,
        &migrants,
        first.id,
        "parties",
        "The workers were frightened when the employer's lawyer called them by name. Two have since left the shelter.",
        Vec::new(),
        today,
    )?;
    thread::post(
        conn,
        &inspection,
        first.id,
        "parties",
        "The names were in an annex we had to send under the inspection procedure. We regret that nobody checked the workers' consent first; we have stopped sending annexes with names.",
        Vec::new(),
        today,
    )?;
    steps::propose(
        conn,
        &chair,
        first.id,
        "The inspectorate confirms in writing that names leave its casework only with the worker's consent; the coalition adopts a one-page consent rule for shared casework at the next plenary.",
        "The parties disagree on whether the inspection procedure allowed the names to be sent.",
        today,
    )?;
    steps::answer(conn, &migrants, first.id, true, today)?;
    steps::answer(conn, &inspection, first.id, true, today)?;
    steps::close(
        conn,
        &chair,
        first.id,
        Outcome::ResolvedByDialogue.as_str(),
        "Shared casework needs a written consent rule before anyone's name is passed on, inside or outside the coalition.",
        today,
    )?;
    steps::satisfaction(conn, &migrants, first.id, 4)?;
    steps::satisfaction(conn, &inspection, first.id, 4)?;

    // 2. About a statement round, acknowledged weeks ago: its assessment is overdue.
    let statement: Option<i64> = statements::table
        .order(statements::id)
        .select(statements::id)
        .first(conn)
        .optional()?;
    let second = store::file(
        conn,
        &legal_aid,
        &ComplaintInput {
            organisation_id: organisation_of(&legal_aid),
            about: "decision".into(),
            record_kind: "statement".into(),
            record_id: statement,
            title: "The round closed before our authorisation could arrive".into(),
            body: "The approval round's deadline fell in the week our board meets. We asked for three more days and were told the rule did not allow it; our position was then counted as an abstention.".into(),
            filer_unnamed: true,
            ..ComplaintInput::default()
        },
        today,
    )?;
    steps::acknowledge(conn, secretariat, second.id, today)?;
    thread::post(
        conn,
        &legal_aid,
        second.id,
        "parties",
        "Our board's calendar for the year, which the secretariat had at the time the deadline was set.",
        vec![thread::Upload {
            name: "board-calendar.pdf".into(),
            bytes: DEMO_PDF.to_vec(),
        }],
        today,
    )?;
    seat_panel(conn, secretariat, &second, today)?;
    backdate(conn, second.id, today, 30)?;

    // 3. The proposal was not accepted: referred to the next plenary with the panel's summary.
    let third = store::file(
        conn,
        &shelter,
        &ComplaintInput {
            organisation_id: organisation_of(&shelter),
            about: "organisation".into(),
            respondent_org: organisation_of(&police),
            title: "A survivor was interviewed without a support worker".into(),
            body: "A survivor staying with us was interviewed at the station without the support worker the referral protocol provides for.".into(),
            ..ComplaintInput::default()
        },
        today,
    )?;
    steps::acknowledge(conn, secretariat, third.id, today)?;
    let seated = seat_panel(conn, secretariat, &third, today)?;
    let chair = person(conn, seated[0])?;
    steps::assess(
        conn,
        &chair,
        third.id,
        true,
        "The referral protocol is a coalition document; the complaint concerns its application.",
        today,
    )?;
    thread::post(
        conn,
        &police,
        third.id,
        "parties",
        "The interview was urgent: a suspect was about to leave the country.",
        Vec::new(),
        today,
    )?;
    steps::propose(
        conn,
        &chair,
        third.id,
        "The police unit adds an urgency clause to the protocol, with a support worker reachable by phone.",
        "The parties disagree on whether urgency may set the referral protocol aside; the plenary is asked to decide on an urgency clause.",
        today,
    )?;
    steps::answer(conn, &shelter, third.id, false, today)?;
    steps::answer(conn, &police, third.id, true, today)?;
    let plenary: Option<i64> = meetings::table
        .filter(meetings::kind.eq("plenary"))
        .filter(meetings::status.eq_any(["planned", "agenda_published"]))
        .filter(meetings::starts_at.ge(today.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .order(meetings::starts_at)
        .select(meetings::id)
        .first(conn)
        .optional()?;
    if let Some(plenary) = plenary {
        thread::to_meeting(conn, &chair, third.id, plenary, false, today)?;
    }
    let login = crate::auth::store::find(conn, seated[PANEL_MEMBER_OF_FIRST])?.email;
    Ok(login)
}

/// Moves a demo case `days` back in time (filing, stages and their due dates), so that the
/// demo shows a step past its time limit.
fn backdate(conn: &mut DbConn, id: i64, today: NaiveDate, days: i64) -> Result<(), Error> {
    let shift = Duration::days(days);
    let c = store::get(conn, id)?;
    let entered = today - shift;
    let due = store::due_for(conn, store::stage_of(&c), entered)?;
    diesel::update(complaints::table.find(id))
        .set((
            complaints::filed_at.eq(c.filed_at - shift),
            complaints::stage_since.eq(c.stage_since - shift),
            complaints::due_on.eq(due),
        ))
        .execute(conn)?;
    let entries: Vec<(i64, chrono::NaiveDateTime, String)> = complaint_stages::table
        .filter(complaint_stages::complaint_id.eq(id))
        .select((
            complaint_stages::id,
            complaint_stages::entered_at,
            complaint_stages::stage,
        ))
        .load(conn)?;
    for (entry, at, stage) in entries {
        let due = match Stage::parse(&stage) {
            Some(stage) => store::due_for(conn, stage, at.date() - shift)?,
            None => None,
        };
        diesel::update(complaint_stages::table.find(entry))
            .set((
                complaint_stages::entered_at.eq(at - shift),
                complaint_stages::due_on.eq(due),
            ))
            .execute(conn)?;
    }
    Ok(())
}
