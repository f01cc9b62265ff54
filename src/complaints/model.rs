//! Row structs of the complaints procedure.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    complaint_access, complaint_answers, complaint_files, complaint_messages, complaint_panel,
    complaint_settings, complaint_stages, complaints,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = complaints)]
pub struct Complaint {
    pub id: i64,
    /// `C-2026-003`: the year filed and its number in that year.
    pub reference: String,
    pub year: i32,
    pub number: i32,
    pub complainant_org: Option<i64>,
    /// None once the retention period has pseudonymised the case.
    pub filed_by: Option<i64>,
    /// The filer asked that their name be kept from the respondent.
    pub filer_unnamed: bool,
    pub about: String,
    pub respondent_org: Option<i64>,
    /// The record a complaint about a decision links to: meeting, statement or application.
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub stage: String,
    pub stage_since: NaiveDateTime,
    /// When the step the stage waits for is due.
    pub due_on: Option<NaiveDate>,
    pub respondent_notified_at: Option<NaiveDateTime>,
    pub admissible: Option<bool>,
    /// The panel's reasons for (in)admissibility.
    pub assessment: String,
    pub proposal: String,
    /// What the plenary reads when the case is referred: the panel's summary only.
    pub panel_summary: String,
    pub outcome: String,
    /// Not confidential: what the coalition learns, kept for the evaluations.
    pub lesson: String,
    pub plenary_meeting_id: Option<i64>,
    pub hearing_meeting_id: Option<i64>,
    pub filed_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    /// The due date a reminder was last sent for (once per due date).
    pub reminded_due: Option<NaiveDate>,
    /// The due date the secretariat was last told is overdue (once per due date).
    pub overdue_notified_due: Option<NaiveDate>,
    /// When the retention period erased the content.
    pub erased_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = complaint_stages)]
pub struct StageEntry {
    pub id: i64,
    pub complaint_id: i64,
    pub stage: String,
    pub entered_at: NaiveDateTime,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = complaint_panel)]
pub struct PanelSeat {
    pub id: i64,
    pub complaint_id: i64,
    pub person_id: i64,
    pub organisation_id: i64,
    pub side: String,
    /// appointed, serving (declared no conflict) or declined.
    pub status: String,
    pub appointed_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = complaint_messages)]
pub struct Message {
    pub id: i64,
    pub complaint_id: i64,
    pub person_id: i64,
    /// complainant, respondent or panel: who spoke.
    pub party: String,
    /// parties (both parties and the panel) or panel (the panel and the author's side).
    pub audience: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// A file without its content (lists never load the bytes).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = complaint_files)]
pub struct FileInfo {
    pub id: i64,
    pub complaint_id: i64,
    pub message_id: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = complaint_access)]
pub struct Access {
    pub id: i64,
    pub complaint_id: i64,
    pub person_id: i64,
    pub opened_at: NaiveDateTime,
    pub channel: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = complaint_answers)]
pub struct Answer {
    pub id: i64,
    pub complaint_id: i64,
    pub party: String,
    pub person_id: Option<i64>,
    /// The answer to the current proposal (None: not yet).
    pub accepts: Option<bool>,
    pub satisfaction: Option<i32>,
    pub answered_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_settings)]
pub struct Settings {
    pub panel_size: i32,
    pub acknowledge_days: i32,
    pub assess_days: i32,
    pub dialogue_days: i32,
    pub answer_days: i32,
    pub close_days: i32,
    pub reminder_days: i32,
    pub retention_years: i32,
    pub standing_committee: bool,
}

impl Settings {
    pub fn limits(&self) -> super::rules::Limits {
        let days = |d: i32| u32::try_from(d).unwrap_or(0);
        super::rules::Limits {
            acknowledge: days(self.acknowledge_days),
            assess: days(self.assess_days),
            dialogue: days(self.dialogue_days),
            answer: days(self.answer_days),
            close: days(self.close_days),
        }
    }
}
