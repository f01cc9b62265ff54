//! The rotating secretariat and meetings: rotation and power, the year plan around real
//! calendars, feeds checked by two parsers, minutes.

mod feeds;
mod minutes;
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
    let path = format!(
        "{}/../shared/testdata/ics/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
