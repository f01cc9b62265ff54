//! Row structs of meetings, agendas, attendance, minutes and the calendar.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{
    action_items, agenda_items, agenda_versions, attendance, blocked_dates, calendar_imports,
    meeting_guests, meeting_settings, meetings, minute_addenda, minute_comments, minutes, venues,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = meeting_settings)]
pub struct MeetingSettings {
    pub id: i64,
    /// Comma-separated month numbers of the plenaries.
    pub plenary_months: String,
    /// ISO weekday, 1 = Monday.
    pub plenary_weekday: i32,
    /// Which of that weekday in the month: 1..=5, or -1 for the last.
    pub plenary_week: i32,
    pub plenary_start: String,
    pub plenary_end: String,
    pub time_zone: Option<String>,
    /// Quorum: more than this share (percent) of the full members present.
    pub quorum_percent: i32,
    pub venue_rotation: String,
}

impl Default for MeetingSettings {
    fn default() -> Self {
        MeetingSettings {
            id: 1,
            plenary_months: "3,6,9,12".into(),
            plenary_weekday: 2,
            plenary_week: 2,
            plenary_start: "10:00".into(),
            plenary_end: "13:00".into(),
            time_zone: None,
            quorum_percent: 50,
            venue_rotation: "member_premises".into(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = venues)]
pub struct Venue {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub notes: String,
    pub organisation_id: Option<i64>,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = meetings)]
pub struct Meeting {
    pub id: i64,
    pub kind: String,
    pub group_id: Option<i64>,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub time_zone: String,
    pub venue_id: Option<i64>,
    pub online_url: String,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub visibility: String,
    pub media_open: bool,
    pub media_reason: String,
    pub uid: String,
    pub sequence: i32,
    pub plan_year: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// How many times it was moved (time, venue, online address, or by the year plan).
    pub times_moved: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = meeting_guests)]
pub struct Guest {
    pub id: i64,
    pub meeting_id: i64,
    pub name: String,
    pub email: String,
    pub affiliation: String,
    pub attended: Option<bool>,
}

#[derive(
    Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize, serde::Deserialize,
)]
#[diesel(table_name = agenda_items)]
pub struct AgendaItem {
    pub id: i64,
    pub meeting_id: i64,
    pub position: i32,
    pub title: String,
    pub presenter: String,
    pub duration_minutes: i32,
    pub description: String,
    pub confidential: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = agenda_versions)]
pub struct AgendaVersion {
    pub id: i64,
    pub meeting_id: i64,
    pub version_no: i32,
    /// The items as published (JSON).
    pub items: String,
    pub published_by: Option<i64>,
    pub published_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = attendance)]
pub struct Attendance {
    pub id: i64,
    pub meeting_id: i64,
    pub organisation_id: i64,
    pub status: String,
    pub represented_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = minutes)]
pub struct Minutes {
    pub id: i64,
    pub meeting_id: i64,
    pub body: String,
    pub status: String,
    pub comment_deadline: Option<NaiveDate>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<i64>,
    pub approval_note: String,
    pub updated_at: NaiveDateTime,
    /// The part only those entitled to confidential matters read (full members and the
    /// secretariat): the sections of confidential agenda items, and whatever else the
    /// secretariat puts there.
    pub confidential_body: String,
    /// The head of the audit chain as the minutes were approved (a witness members keep).
    pub approval_audit_seq: Option<i64>,
    pub approval_audit_hash: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = minute_comments)]
pub struct MinuteComment {
    pub id: i64,
    pub minutes_id: i64,
    pub person_id: i64,
    pub body: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = minute_addenda)]
pub struct Addendum {
    pub id: i64,
    pub minutes_id: i64,
    pub body: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    /// Read only by those entitled to confidential matters.
    pub confidential: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = action_items)]
pub struct ActionItem {
    pub id: i64,
    pub meeting_id: i64,
    pub title: String,
    pub owner_organisation_id: Option<i64>,
    pub owner_person_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = calendar_imports)]
pub struct CalendarImport {
    pub id: i64,
    pub name: String,
    pub imported_by: Option<i64>,
    pub imported_at: NaiveDateTime,
    pub events: i32,
    pub days: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = blocked_dates)]
pub struct BlockedDate {
    pub id: i64,
    pub import_id: i64,
    pub day: NaiveDate,
    pub yearly: bool,
    pub label: String,
}
