//! The demo's evaluations: last year's annual review, adopted (its indicators frozen), and
//! this year's, open as a draft with an external evaluator whose login the demo prints.

use chrono::{Datelike, NaiveDate};

use super::rules::Status;
use super::store::{self, EvaluationInput};
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::error::Error;

pub const EXTERNAL_EVALUATOR: &str = "r.keller@evaluation.example";

fn year_input(year: i32, title: &str) -> EvaluationInput {
    EvaluationInput {
        title: title.into(),
        kind: "annual".into(),
        period_from: NaiveDate::from_ymd_opt(year, 1, 1),
        period_until: NaiveDate::from_ymd_opt(year, 12, 31),
        questionnaire_opens: NaiveDate::from_ymd_opt(year + 1, 1, 10),
        questionnaire_closes: NaiveDate::from_ymd_opt(year + 1, 1, 31),
        report_due: NaiveDate::from_ymd_opt(year + 1, 2, 28),
        plenary_meeting_id: None,
    }
}

/// Builds the two cycles; returns the external evaluator's address.
pub fn seed(
    conn: &mut DbConn,
    secretariat: &Actor,
    today: NaiveDate,
) -> Result<&'static str, Error> {
    let last = today.year() - 1;
    let adopted = store::create(
        conn,
        secretariat,
        &year_input(last, &format!("Annual review {last}")),
    )?;
    store::appoint(
        conn,
        secretariat,
        adopted.id,
        "",
        crate::membership::demo::MEMBER_EMAIL,
    )?;
    let member = crate::auth::store::find_by_email(conn, crate::membership::demo::MEMBER_EMAIL)?
        .ok_or(Error::NotFound)?;
    let writer = crate::actor::actor_for(conn, member)?;
    store::write_report(
        conn,
        &writer,
        adopted.id,
        "The plenaries met as planned and the agendas went out on time. Attendance on the governmental side fell in the second half of the year, when two ministries reorganised.\n\nJoint statements took longer to adopt where internal authorisation was needed.",
        "1. Agree approval deadlines that leave two weeks for internal authorisation.\n2. Ask each governmental member to name an alternate.",
    )?;
    // The demo's plenaries are in the past; the report is taken through its stages at once.
    diesel_set_plenary(conn, adopted.id)?;
    store::move_to(conn, secretariat, adopted.id, Status::Shared)?;
    store::move_to(conn, secretariat, adopted.id, Status::Discussed)?;
    store::move_to(conn, secretariat, adopted.id, Status::Adopted)?;
    let this_year_day = |m: u32, d: u32| NaiveDate::from_ymd_opt(today.year(), m, d);
    super::followups::add(
        conn,
        secretariat,
        adopted.id,
        "Agree approval deadlines that leave two weeks for internal authorisation.",
        None,
        this_year_day(3, 31),
    )?;
    super::followups::add(
        conn,
        secretariat,
        adopted.id,
        "Ask each governmental member to name an alternate.",
        None,
        this_year_day(6, 30),
    )?;
    let first = super::followups::of(conn, adopted.id)?
        .first()
        .map(|f| f.id)
        .ok_or(Error::NotFound)?;
    super::followups::update(
        conn,
        secretariat,
        adopted.id,
        first,
        "done",
        "The rules of procedure now set at least 14 days for every round.",
    )?;
    let this_year = today.year();
    let open = store::create(
        conn,
        secretariat,
        &year_input(this_year, &format!("Annual review {this_year}")),
    )?;
    store::appoint(
        conn,
        secretariat,
        open.id,
        "Dr. Ruth Keller",
        EXTERNAL_EVALUATOR,
    )?;
    super::questionnaire::use_default(conn, secretariat, open.id, today)?;
    open_questionnaire(conn, open.id, today)?;
    answer_half(conn, open.id, today)?;
    Ok(EXTERNAL_EVALUATOR)
}

/// The open cycle's questionnaire opened ten days ago and closes in twenty; the next
/// planned plenary discusses its report.
fn open_questionnaire(conn: &mut DbConn, id: i64, today: NaiveDate) -> Result<(), Error> {
    use crate::db::schema::{evaluations, meetings};
    use diesel::prelude::*;
    let plenary: Option<i64> = meetings::table
        .filter(meetings::kind.eq("plenary"))
        .filter(meetings::status.eq_any(["planned", "agenda_published"]))
        .filter(meetings::starts_at.ge(today.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .order(meetings::starts_at)
        .select(meetings::id)
        .first(conn)
        .optional()?;
    diesel::update(evaluations::table.find(id))
        .set((
            evaluations::questionnaire_opens.eq(Some(today - chrono::Duration::days(10))),
            evaluations::questionnaire_closes.eq(Some(today + chrono::Duration::days(20))),
            evaluations::plenary_meeting_id.eq(plenary),
        ))
        .execute(conn)?;
    Ok(())
}

const OPEN_ANSWERS: &[&str] = &[
    "Hold one plenary a year outside the capital, near where the workers are.",
    "Start a shared list of cases referred between members, with consent.",
    "Keep the joint statements short; they were read.",
    "Give governmental members more time for internal authorisation.",
];

/// Every second member organisation answers, through the person who speaks for it.
fn answer_half(conn: &mut DbConn, id: i64, today: NaiveDate) -> Result<(), Error> {
    use crate::db::schema::{affiliations, organisations};
    use diesel::prelude::*;
    let speakers: Vec<(i64, i64)> = affiliations::table
        .inner_join(organisations::table)
        .filter(
            organisations::status
                .eq("full")
                .and(affiliations::representation.eq("primary"))
                .or(organisations::status.eq("associate")),
        )
        .order((organisations::id, affiliations::id))
        .select((organisations::id, affiliations::person_id))
        .load(conn)?;
    let mut organisations_seen: Vec<i64> = Vec::new();
    let items = super::questionnaire::items(conn, id)?;
    for (organisation, person) in speakers {
        if organisations_seen.contains(&organisation) {
            continue;
        }
        organisations_seen.push(organisation);
        if organisations_seen.len().is_multiple_of(2) {
            continue;
        }
        let person = crate::auth::store::find(conn, person)?;
        let actor = crate::actor::actor_for(conn, person)?;
        let given: Vec<super::answering::Given> = items
            .iter()
            .map(|item| {
                let k = usize::try_from(organisation + item.id).unwrap_or(0);
                let choices = item.choice_list();
                let value = match item.kind.as_str() {
                    "rating" => (2 + k % 4).to_string(),
                    "single" => choices[k % choices.len()].to_owned(),
                    "multiple" => choices[k % 2].to_owned(),
                    _ => OPEN_ANSWERS[k % OPEN_ANSWERS.len()].to_owned(),
                };
                super::answering::Given {
                    item_id: item.id,
                    values: vec![value],
                }
            })
            .collect();
        super::answering::answer(
            conn,
            &actor,
            id,
            super::answering::Respondent::Organisation,
            &given,
            today,
        )?;
    }
    Ok(())
}

/// The last plenary held discusses last year's report.
fn diesel_set_plenary(conn: &mut DbConn, id: i64) -> Result<(), Error> {
    use crate::db::schema::{evaluations, meetings};
    use diesel::prelude::*;
    let plenary: Option<i64> = meetings::table
        .filter(meetings::kind.eq("plenary"))
        .filter(meetings::status.eq_any(["held", "minutes_approved"]))
        .order(meetings::starts_at.desc())
        .select(meetings::id)
        .first(conn)
        .optional()?;
    diesel::update(evaluations::table.find(id))
        .set(evaluations::plenary_meeting_id.eq(plenary))
        .execute(conn)?;
    Ok(())
}
