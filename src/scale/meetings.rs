//! The large coalition's ten years of meetings: the year plans' quarterly plenaries before
//! the demo's own years, and the working groups' monthly meetings since each started, all
//! held through the same steps as the demo's (agenda, attendance, minutes, approval).

use chrono::{Datelike, Duration, NaiveDate};

use super::{Progress, Size};
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::error::Error;
use crate::meetings::demo::{group_meeting, hold, weekday_from};
use crate::meetings::plan;
use crate::meetings::rules::Kind;
use crate::meetings::store;

/// The demo plans the plenaries of its own last three years.
const DEMO_YEARS: i32 = 3;

pub fn grow(
    conn: &mut DbConn,
    actor: &Actor,
    today: NaiveDate,
    size: Size,
    quiet: bool,
) -> Result<(), Error> {
    let first_year = today.year() - size.years + 1;
    let years: Vec<i32> = (first_year..=today.year() - DEMO_YEARS).collect();
    let mut progress = Progress::new("plenaries", years.len() * 4, quiet);
    for year in years {
        let before: Vec<i64> = store::all(conn)?.iter().map(|m| m.id).collect();
        plan::confirm(conn, actor, year, false)?;
        let planned: Vec<i64> = store::all(conn)?
            .iter()
            .filter(|m| !before.contains(&m.id) && m.kind == Kind::Plenary.as_str())
            .map(|m| m.id)
            .collect();
        for (n, id) in planned.into_iter().enumerate() {
            hold(conn, actor, id, n + year as usize, true)?;
            progress.step();
        }
    }
    progress.finish();
    let first_day = NaiveDate::from_ymd_opt(first_year, 1, 1).unwrap_or(today);
    let groups = crate::membership::groups::list(conn)?;
    let months: Vec<NaiveDate> = (0..size.years * 12)
        .filter_map(|m| first_day.checked_add_months(chrono::Months::new(m as u32)))
        .collect();
    let per_group_every = 12 / size.group_meetings_per_year.clamp(1, 12);
    let mut progress = Progress::new(
        "working-group meetings",
        groups.len() * months.len() / per_group_every,
        quiet,
    );
    for (g, group) in groups.iter().enumerate() {
        for (k, month) in months.iter().enumerate().step_by(per_group_every) {
            let date = weekday_from(*month + Duration::days(7 + 2 * g as i64 % 14));
            // Only the months the group existed, and only the past.
            if date < group.started_on || date >= today - Duration::days(7) {
                progress.step();
                continue;
            }
            let title = format!("{}: {}", group.name, date.format("%B %Y"));
            let input = group_meeting(group, title, date);
            let m = store::create(conn, actor, &input)?;
            hold(conn, actor, m.id, g + k, true)?;
            progress.step();
        }
    }
    progress.finish();
    Ok(())
}
