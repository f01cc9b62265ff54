//! Inputs the tests build again and again, with the defaults a secretariat would choose.

use chrono::{NaiveDate, NaiveTime};
use roundtable::meetings::rules::Kind;
use roundtable::meetings::store::MeetingInput;

/// A members-only plenary on `date`, 10:00 to 13:00 in the coalition's zone, venue to be
/// decided. Change what a test needs with `MeetingInput { public: true, ..meeting(..) }`.
pub fn meeting(title: &str, date: NaiveDate) -> MeetingInput {
    MeetingInput {
        kind: Kind::Plenary,
        group_id: None,
        title: title.into(),
        date,
        start: at(10, 0),
        end: at(13, 0),
        time_zone: None,
        venue_id: None,
        online_url: String::new(),
        public: false,
        media_open: false,
        media_reason: String::new(),
    }
}

/// A time of day.
pub fn at(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).expect("a time of day")
}

/// A date.
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a date")
}
