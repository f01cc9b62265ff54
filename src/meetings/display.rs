//! How a meeting's time and place read in pages, mail and dashboards.

use chrono::NaiveDateTime;

use super::model::{Meeting, Venue};
use super::{rules, store};

/// "Tue 9 Mar 2027, 10:00–13:00" in the meeting's own zone.
pub fn when(m: &Meeting) -> String {
    let zone = store::zone_of(m);
    let (start, end): (NaiveDateTime, NaiveDateTime) = (
        rules::local(m.starts_at, zone),
        rules::local(m.ends_at, zone),
    );
    if start.date() == end.date() {
        format!(
            "{}–{}",
            start.format("%a %-d %b %Y, %H:%M"),
            end.format("%H:%M")
        )
    } else {
        format!(
            "{} – {}",
            start.format("%a %-d %b %Y, %H:%M"),
            end.format("%a %-d %b %Y, %H:%M")
        )
    }
}

pub fn place(m: &Meeting, venues: &[Venue]) -> String {
    let venue = m.venue_id.and_then(|id| venues.iter().find(|v| v.id == id));
    match (venue, m.online_url.is_empty()) {
        (Some(v), true) => v.name.clone(),
        (Some(v), false) => format!("{} and online", v.name),
        (None, false) => "Online".into(),
        (None, true) => "to be decided".into(),
    }
}
