//! The set-up checklist on the dashboard of whoever sets a coalition up: what a new coalition
//! still lacks before it runs (members on both sides, their representatives, the rotation,
//! next year's plenaries, the settings), each with where to do it. It disappears once all is
//! done, or a season after the rotation started.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{audit_events, meetings};
use crate::error::Error;
use crate::membership::rules::{Side, Status};

/// How long after the rotation starts the list still shows what is left (then the coalition
/// runs, and next year's plenaries are the secretariat's routine).
const SETTLING_IN_DAYS: i64 = 90;

/// One step of setting up, done or not.
pub struct Step {
    pub title: &'static str,
    pub detail: String,
    pub href: &'static str,
    pub done: bool,
}

/// The steps, in the order they are best taken; empty once every one is done.
pub fn steps(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<Step>, Error> {
    // A coalition whose rotation has run for a season is set up: no list, and no queries.
    let first_term = crate::secretariat::store::settings(conn)?.first_term_starts;
    if first_term.is_some_and(|starts| today - starts > chrono::TimeDelta::days(SETTLING_IN_DAYS)) {
        return Ok(Vec::new());
    }
    let members: Vec<_> = crate::membership::directory::all(conn)?
        .into_iter()
        .filter(|e| e.status == Status::Full)
        .collect();
    let on_side = |side: Side| members.iter().filter(|e| e.side == side).count();
    let (civil, governmental) = (on_side(Side::CivilSociety), on_side(Side::Governmental));
    let people = crate::membership::people::people_by_organisation(conn)?;
    let without_primary = members
        .iter()
        .filter(|e| {
            !people.get(&e.organisation.id).is_some_and(|staff| {
                staff
                    .iter()
                    .any(|(_, a)| a.representation.as_deref() == Some("primary"))
            })
        })
        .count();
    let rotation_started = first_term.is_some();
    let next_year = today.year() + 1;
    let (from, until) = (
        NaiveDate::from_ymd_opt(next_year, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)),
        NaiveDate::from_ymd_opt(next_year + 1, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)),
    );
    let plenaries: i64 = match (from, until) {
        (Some(from), Some(until)) => meetings::table
            .filter(meetings::kind.eq("plenary"))
            .filter(meetings::starts_at.ge(from))
            .filter(meetings::starts_at.lt(until))
            .count()
            .get_result(conn)?,
        _ => 0,
    };
    let settings_seen: bool = diesel::select(diesel::dsl::exists(
        audit_events::table.filter(audit_events::action.eq("coalition.options_changed")),
    ))
    .get_result(conn)?;
    let steps = vec![
        Step {
            title: "Add the member organisations",
            detail: format!(
                "Full members on each side: {civil} civil society, {governmental} governmental. The rotation pairs one of each."
            ),
            href: "/organisations/new",
            done: civil > 0 && governmental > 0,
        },
        Step {
            title: "Give every full member its primary representative",
            detail: if members.is_empty() {
                "Each full member speaks through one primary representative.".into()
            } else {
                format!(
                    "{without_primary} of {} full members have none yet.",
                    members.len()
                )
            },
            href: "/organisations",
            done: !members.is_empty() && without_primary == 0,
        },
        Step {
            title: "Start the secretariat rotation",
            detail: "Until it starts, administrators act for the secretariat.".into(),
            href: "/secretariat",
            done: rotation_started,
        },
        Step {
            title: "Plan next year's plenaries",
            detail: format!("Plenaries in {next_year}: {plenaries}."),
            href: "/meetings/plan",
            done: plenaries > 0,
        },
        Step {
            title: "Choose the settings",
            detail: "The public member list and statements, the application form, fees.".into(),
            href: "/settings",
            done: settings_seen,
        },
    ];
    Ok(if steps.iter().all(|s| s.done) {
        Vec::new()
    } else {
        steps
    })
}
