//! Complaints in numbers, for the evaluations: counts by stage, outcome and side, the time
//! to each stage and the share of steps taken within their limits, for the complaints filed
//! in a period. Never a reference, a name or a word of content; every count of one or two
//! cases is suppressed (`rules::cell`), so a small coalition's cases cannot be pointed at.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::model::{Complaint, StageEntry};
use super::rules::{Stage, cell};
use super::store;
use crate::db::DbConn;
use crate::db::schema::{complaint_stages, complaints, organisations, sectors};
use crate::error::Error;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Statistics {
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// Complaints filed in the period (suppressed under three).
    pub filed: Option<i64>,
    /// By the stage they are in now.
    pub by_stage: BTreeMap<String, Option<i64>>,
    /// By outcome category, for the closed ones.
    pub by_outcome: BTreeMap<String, Option<i64>>,
    /// By the complainant's side (governmental, civil_society, secretariat).
    pub by_side: BTreeMap<String, Option<i64>>,
    /// Mean days from filing to entering each stage (none when fewer than three reached it).
    pub days_to_stage: BTreeMap<String, Option<f64>>,
    /// Steps with a time limit that were taken, and the share of them taken in time.
    pub steps_timed: Option<i64>,
    pub share_within_limits: Option<f64>,
    /// Mean satisfaction (1-5) of the parties that answered (none under three answers).
    pub mean_satisfaction: Option<f64>,
    /// The lessons learned of the closed cases (not confidential by definition).
    pub lessons: Vec<String>,
}

/// The statistics of the complaints filed from `from` until `until` (inclusive).
pub fn statistics(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Statistics, Error> {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = until
        .succ_opt()
        .unwrap_or(until)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let rows: Vec<(Complaint, Option<String>)> = complaints::table
        .left_join(
            organisations::table.on(complaints::complainant_org.eq(organisations::id.nullable())),
        )
        .left_join(sectors::table.on(organisations::sector_id.eq(sectors::id)))
        .filter(complaints::filed_at.ge(start))
        .filter(complaints::filed_at.lt(end))
        .select((Complaint::as_select(), sectors::side.nullable()))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(c, _)| c.id).collect();
    let entries: Vec<StageEntry> = complaint_stages::table
        .filter(complaint_stages::complaint_id.eq_any(&ids))
        .order(complaint_stages::id)
        .select(StageEntry::as_select())
        .load(conn)?;
    let satisfaction: Vec<i32> = crate::db::schema::complaint_answers::table
        .filter(crate::db::schema::complaint_answers::complaint_id.eq_any(&ids))
        .filter(crate::db::schema::complaint_answers::satisfaction.is_not_null())
        .select(crate::db::schema::complaint_answers::satisfaction.assume_not_null())
        .load(conn)?;
    Ok(compute(from, until, &rows, &entries, &satisfaction))
}

fn counted<'a>(keys: impl Iterator<Item = &'a str>, all: &[&str]) -> BTreeMap<String, Option<i64>> {
    let mut counts: BTreeMap<String, i64> = all.iter().map(|k| ((*k).to_owned(), 0)).collect();
    for k in keys {
        *counts.entry(k.to_owned()).or_default() += 1;
    }
    counts.into_iter().map(|(k, n)| (k, cell(n))).collect()
}

fn mean(values: &[f64]) -> Option<f64> {
    let n = i64::try_from(values.len()).ok()?;
    if cell(n).is_none() || n == 0 {
        return None;
    }
    Some((values.iter().sum::<f64>() / values.len() as f64 * 10.0).round() / 10.0)
}

fn days_between(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
    (b - a).num_seconds() as f64 / 86_400.0
}

/// The pure part: from the rows read, the cells shown.
pub fn compute(
    from: NaiveDate,
    until: NaiveDate,
    rows: &[(Complaint, Option<String>)],
    entries: &[StageEntry],
    satisfaction: &[i32],
) -> Statistics {
    let stages: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    let outcomes: Vec<&str> = super::rules::Outcome::ALL
        .iter()
        .map(|o| o.as_str())
        .collect();
    let by_stage = counted(rows.iter().map(|(c, _)| c.stage.as_str()), &stages);
    let by_outcome = counted(
        rows.iter()
            .filter(|(c, _)| !store::stage_of(c).is_open())
            .map(|(c, _)| c.outcome.as_str()),
        &outcomes,
    );
    let by_side = counted(
        rows.iter()
            .map(|(_, side)| side.as_deref().unwrap_or("secretariat")),
        &["governmental", "civil_society", "secretariat"],
    );
    let mut days_to_stage = BTreeMap::new();
    for stage in Stage::ALL.iter().skip(1) {
        let days: Vec<f64> = rows
            .iter()
            .filter_map(|(c, _)| {
                entries
                    .iter()
                    .find(|e| e.complaint_id == c.id && e.stage == stage.as_str())
                    .map(|e| days_between(c.filed_at, e.entered_at))
            })
            .collect();
        days_to_stage.insert(stage.as_str().to_owned(), mean(&days));
    }
    // A step is timed when a stage with a due date was left: in time if left by that day.
    let mut timed = 0i64;
    let mut in_time = 0i64;
    for (i, entry) in entries.iter().enumerate() {
        let Some(due) = entry.due_on else { continue };
        let left = entries[i + 1..]
            .iter()
            .find(|e| e.complaint_id == entry.complaint_id)
            .map(|e| e.entered_at.date());
        if let Some(left) = left {
            timed += 1;
            in_time += i64::from(left <= due);
        }
    }
    let share_within_limits = cell(timed)
        .filter(|n| *n > 0)
        .map(|n| (in_time as f64 / n as f64 * 1000.0).round() / 1000.0);
    let scores: Vec<f64> = satisfaction.iter().map(|s| f64::from(*s)).collect();
    Statistics {
        from,
        until,
        filed: cell(i64::try_from(rows.len()).unwrap_or(i64::MAX)),
        by_stage,
        by_outcome,
        by_side,
        days_to_stage,
        steps_timed: cell(timed),
        share_within_limits,
        mean_satisfaction: mean(&scores),
        lessons: rows
            .iter()
            .map(|(c, _)| c.lesson.clone())
            .filter(|l| !l.trim().is_empty())
            .collect(),
    }
}
