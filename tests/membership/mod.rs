//! Membership: lifecycle, representatives, admission, import, memorandum, groups, permissions.

mod admission;
mod demo;
mod directory;
mod forms;
mod lifecycle;
mod permissions;

use chrono::NaiveDate;
use roundtable::actor::actor_for;
use roundtable::auth::model::Person;
use roundtable::auth::permissions::Actor;
use roundtable::membership::model::Organisation;
use roundtable::membership::organisations::{self, OrganisationInput};
use roundtable::membership::people::PersonInput;
use roundtable::membership::rules::Status;

use crate::common::TestApp;

pub const MEMBER_PASSWORD: &str = "member password 1";

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

pub fn admin_actor(app: &TestApp, admin: Person) -> Actor {
    app.with_conn(|c| actor_for(c, admin)).expect("actor")
}

pub fn sector_id(app: &TestApp, name: &str) -> i64 {
    app.with_conn(organisations::sectors)
        .expect("sectors")
        .into_iter()
        .find(|s| s.name == name)
        .expect("sector")
        .id
}

/// An organisation with a primary representative whose password is MEMBER_PASSWORD.
pub fn member_org(
    app: &TestApp,
    admin: &Actor,
    name: &str,
    sector: &str,
    status: Status,
    rep_email: &str,
) -> (Organisation, Person) {
    let input = OrganisationInput {
        name: name.into(),
        sector_id: sector_id(app, sector),
        ..OrganisationInput::default()
    };
    let primary = PersonInput {
        name: format!("Rep of {name}"),
        email: rep_email.into(),
        ..PersonInput::default()
    };
    let (org, invited) = app
        .with_conn(|c| {
            organisations::create(
                c,
                admin,
                &input,
                status,
                day("2025-01-15"),
                "founding member",
                Some(&primary),
            )
        })
        .expect("create organisation");
    let person = invited.expect("the primary representative is invited");
    let token = app.invitation_token(rep_email);
    app.with_conn(|c| {
        roundtable::membership::people::accept_invitation(c, &token, MEMBER_PASSWORD)
    })
    .expect("accept");
    (org, person)
}
