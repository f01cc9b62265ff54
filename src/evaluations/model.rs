//! Row structs of evaluations.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{evaluation_evaluators, evaluations};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = evaluations)]
pub struct Evaluation {
    pub id: i64,
    pub title: String,
    /// annual or mid_term.
    pub kind: String,
    pub period_from: NaiveDate,
    pub period_until: NaiveDate,
    pub questionnaire_opens: Option<NaiveDate>,
    pub questionnaire_closes: Option<NaiveDate>,
    pub report_due: Option<NaiveDate>,
    /// The plenary that discusses the report.
    pub plenary_meeting_id: Option<i64>,
    pub status: String,
    /// Markdown, written by the evaluators.
    pub findings: String,
    pub recommendations: String,
    /// The figures as they were at adoption (JSON, `figures::Figures`): an adopted report
    /// does not change.
    pub frozen_indicators: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub adopted_at: Option<NaiveDateTime>,
    /// Every person of a member answers the questionnaire too, for themselves.
    pub people_answer: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = evaluation_evaluators)]
pub struct Evaluator {
    pub id: i64,
    pub evaluation_id: i64,
    pub person_id: i64,
    pub external: bool,
    pub appointed_at: NaiveDateTime,
}
