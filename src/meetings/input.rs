//! What is sent to plan a meeting or record attendance, from the pages or the JSON API: the
//! same fields, the same rules, parsed once (see `crate::fields`).

use serde::{Deserialize, Serialize};
use validator::Validate;

use super::rules::{self, Kind};
use super::store::MeetingInput;
use crate::error::Error;
use crate::fields::{Problems, text, ticked};

/// A meeting as the form or a client describes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct MeetingFields {
    #[serde(default, deserialize_with = "text")]
    pub kind: String,
    #[serde(default, deserialize_with = "text")]
    pub group_id: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 200, message = "keep the title under 200 characters"))]
    pub title: String,
    #[serde(default, deserialize_with = "text")]
    pub date: String,
    #[serde(default, deserialize_with = "text")]
    pub start: String,
    #[serde(default, deserialize_with = "text")]
    pub end: String,
    #[serde(default, deserialize_with = "text")]
    pub time_zone: String,
    #[serde(default, deserialize_with = "text")]
    pub venue_id: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = crate::clean::max::LINE, message = "keep the address under 1,000 characters"))]
    pub online_url: String,
    /// A checkbox: "on" from the form, true from JSON.
    #[serde(default, deserialize_with = "text")]
    pub public: String,
    #[serde(default, deserialize_with = "text")]
    pub media_open: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = crate::clean::max::NOTE, message = "keep the reason under 5,000 characters"))]
    pub media_reason: String,
}

impl MeetingFields {
    pub fn parse(&self) -> Result<MeetingInput, Error> {
        let mut p = Problems::of(self);
        let kind = p.need(
            "kind",
            Kind::parse(self.kind.trim()),
            "choose the kind of meeting",
        );
        let group_id = p.optional_id(
            "group_id",
            &self.group_id,
            "choose a working group from the list",
        );
        let venue_id = p.optional_id("venue_id", &self.venue_id, "choose a venue from the list");
        let date = p.date("date", &self.date, "date");
        let start = p.take("start", rules::parse_time(&self.start));
        let end = p.take("end", rules::parse_time(&self.end));
        let input = match (kind, date, start, end) {
            (Some(kind), Some(date), Some(start), Some(end)) => Some(MeetingInput {
                kind,
                group_id,
                title: self.title.clone(),
                date,
                start,
                end,
                time_zone: Some(self.time_zone.trim().to_owned()).filter(|z| !z.is_empty()),
                venue_id,
                online_url: self.online_url.clone(),
                public: ticked(&self.public),
                media_open: ticked(&self.media_open),
                media_reason: self.media_reason.clone(),
            }),
            _ => None,
        };
        p.finish(input)
    }
}

/// How one organisation attended a meeting.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate)]
pub struct AttendanceFields {
    #[serde(default, deserialize_with = "text")]
    pub organisation_id: String,
    /// present, apologies or absent.
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "text")]
    #[validate(length(max = 200, message = "keep the name under 200 characters"))]
    pub represented_by: String,
}

/// Attendance, understood.
#[derive(Debug, Clone)]
pub struct AttendanceInput {
    pub organisation_id: i64,
    pub status: String,
    pub represented_by: String,
}

impl AttendanceFields {
    pub fn parse(&self) -> Result<AttendanceInput, Error> {
        let mut p = Problems::of(self);
        let message = "choose the organisation";
        let organisation = p.optional_id("organisation_id", &self.organisation_id, message);
        if self.organisation_id.trim().is_empty() {
            p.add("organisation_id", message);
        }
        let input = organisation.map(|organisation_id| AttendanceInput {
            organisation_id,
            status: self.status.trim().to_owned(),
            represented_by: self.represented_by.clone(),
        });
        p.finish(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_reports_each_unreadable_field() {
        let sent = MeetingFields {
            kind: "party".into(),
            title: "Plenary".into(),
            date: "next Tuesday".into(),
            start: "10:00".into(),
            end: "noon".into(),
            venue_id: "the hall".into(),
            ..MeetingFields::default()
        };
        match sent.parse() {
            Err(Error::InvalidFields(f)) => assert_eq!(
                f.keys().collect::<Vec<_>>(),
                ["date", "end", "kind", "venue_id"]
            ),
            other => panic!("expected field errors, got {other:?}"),
        }
    }
}
