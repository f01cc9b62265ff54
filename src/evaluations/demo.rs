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
    Ok(EXTERNAL_EVALUATOR)
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
