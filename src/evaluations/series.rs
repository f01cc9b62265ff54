//! The period in steps (quarters, or years for a period over two years), for the charts of
//! the report: attendance by side over time, and statement throughput (rounds opened and
//! statements adopted). Two queries, whatever the period's length.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{approval_rounds, attendance, meetings, organisations, sectors};
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// "2026 Q1" or "2026".
    pub steps: Vec<String>,
    pub governmental: Vec<Option<f64>>,
    pub civil_society: Vec<Option<f64>>,
    pub rounds_opened: Vec<i64>,
    pub adopted: Vec<i64>,
}

/// The step an instant falls in, as an index from the period's first step.
fn step_of(day: NaiveDate, from: NaiveDate, yearly: bool) -> usize {
    let months =
        (day.year() - from.year()) * 12 + day.month0() as i32 - (from.month0() as i32 / 3 * 3);
    let index = if yearly {
        day.year() - from.year()
    } else {
        months.div_euclid(3)
    };
    usize::try_from(index).unwrap_or(0)
}

pub fn compute(conn: &mut DbConn, from: NaiveDate, until: NaiveDate) -> Result<Series, Error> {
    let yearly = (until - from).num_days() > 731;
    let count = step_of(until, from, yearly) + 1;
    let steps = (0..count)
        .map(|i| {
            if yearly {
                (from.year() + i as i32).to_string()
            } else {
                let quarter = from.month0() / 3 + i as u32;
                format!(
                    "{} Q{}",
                    from.year() + (quarter / 4) as i32,
                    quarter % 4 + 1
                )
            }
        })
        .collect();
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = until
        .succ_opt()
        .unwrap_or(until)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let rows: Vec<(NaiveDateTime, String, String)> = attendance::table
        .inner_join(meetings::table)
        .inner_join(organisations::table.inner_join(sectors::table))
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .select((meetings::starts_at, sectors::side, attendance::status))
        .load(conn)?;
    let rate = |side: &str| -> Vec<Option<f64>> {
        let mut present = vec![0usize; count];
        let mut all = vec![0usize; count];
        for (at, s, status) in &rows {
            if s == side {
                let i = step_of(at.date(), from, yearly).min(count - 1);
                all[i] += 1;
                present[i] += usize::from(status == "present");
            }
        }
        present
            .iter()
            .zip(&all)
            .map(|(p, a)| (*a > 0).then(|| (*p as f64 * 1000.0 / *a as f64).round() / 10.0))
            .collect()
    };
    let rounds: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = approval_rounds::table
        .filter(
            approval_rounds::opened_at
                .ge(start)
                .and(approval_rounds::opened_at.lt(end))
                .or(approval_rounds::adopted_at
                    .ge(start)
                    .and(approval_rounds::adopted_at.lt(end))),
        )
        .select((approval_rounds::opened_at, approval_rounds::adopted_at))
        .load(conn)?;
    let mut rounds_opened = vec![0i64; count];
    let mut adopted = vec![0i64; count];
    for (opened, adopted_at) in &rounds {
        if *opened >= start && *opened < end {
            rounds_opened[step_of(opened.date(), from, yearly).min(count - 1)] += 1;
        }
        if let Some(a) = adopted_at.filter(|a| *a >= start && *a < end) {
            adopted[step_of(a.date(), from, yearly).min(count - 1)] += 1;
        }
    }
    Ok(Series {
        steps,
        governmental: rate("governmental"),
        civil_society: rate("civil_society"),
        rounds_opened,
        adopted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn days_fall_in_quarters_or_years_from_the_period_s_start() {
        let from = day(2026, 1, 1);
        assert_eq!(step_of(day(2026, 1, 1), from, false), 0);
        assert_eq!(step_of(day(2026, 3, 31), from, false), 0);
        assert_eq!(step_of(day(2026, 4, 1), from, false), 1);
        assert_eq!(step_of(day(2026, 12, 31), from, false), 3);
        assert_eq!(step_of(day(2027, 1, 1), from, false), 4);
        assert_eq!(step_of(day(2020, 6, 1), day(2016, 1, 1), true), 4);
        // A period starting mid-quarter counts from that quarter.
        assert_eq!(step_of(day(2026, 8, 15), day(2026, 5, 10), false), 1);
    }
}
