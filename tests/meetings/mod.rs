//! The rotating secretariat and meetings: rotation and power, the year plan around real
//! calendars, feeds checked by two parsers, minutes.

mod confidential;
mod feeds;
mod forms;
mod minutes;
mod past;
mod planning;
mod rotation;

use roundtable::auth::permissions::Actor;
use roundtable::membership::rules::Status;

use crate::common::TestApp;
use crate::membership::{admin_actor, member_org};

/// A coalition with two members per side; returns the admin acting for the secretariat and
/// the organisations (civil society first).
pub fn coalition(app: &TestApp) -> (Actor, Vec<i64>) {
    let admin = admin_actor(app, app.bootstrap());
    let mut ids = Vec::new();
    for (name, sector, email) in [
        ("Alpha Shelter", "NGO", "rep@alpha.example"),
        ("Beta Union", "Trade union", "rep@beta.example"),
        ("Gamma Police", "Police", "rep@gamma.example"),
        ("Delta Ministry", "Ministry", "rep@delta.example"),
    ] {
        ids.push(
            member_org(app, &admin, name, sector, Status::Full, email)
                .0
                .id,
        );
    }
    (admin, ids)
}

pub fn testdata(name: &str) -> String {
    let path = format!("{}/tests/data/ics/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The input that reproduces a meeting as it is (to change one field of it).
pub fn planning_input(
    m: &roundtable::meetings::model::Meeting,
) -> roundtable::meetings::store::MeetingInput {
    let zone = roundtable::meetings::store::zone_of(m);
    let (start, end) = (
        roundtable::meetings::rules::local(m.starts_at, zone),
        roundtable::meetings::rules::local(m.ends_at, zone),
    );
    roundtable::meetings::store::MeetingInput {
        kind: roundtable::meetings::store::kind_of(m),
        group_id: m.group_id,
        title: m.title.clone(),
        date: start.date(),
        start: start.time(),
        end: end.time(),
        time_zone: Some(m.time_zone.clone()),
        venue_id: m.venue_id,
        online_url: m.online_url.clone(),
        public: m.visibility == "public",
        media_open: m.media_open,
        media_reason: m.media_reason.clone(),
    }
}
