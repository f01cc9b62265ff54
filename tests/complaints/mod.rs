//! The complaints procedure through the services and the pages, on both backends: the whole
//! journey, need-to-know on every channel, the panel's composition, two decisions at once,
//! files, mail without content, time limits and reminders, retention.

mod concurrency;
mod files;
mod flow;
mod mail;
mod panel;
mod retention;
mod visibility;

use roundtable::auth::permissions::Actor;
use roundtable::complaints::model::Complaint;
use roundtable::complaints::store::{self, ComplaintInput};
use roundtable::complaints::{panel as panels, steps};
use roundtable::membership::rules::Status;

use crate::common::TestApp;
use crate::membership::{MEMBER_PASSWORD, member_org};
use crate::statements::{Fixture, Org, actor, fixture};

/// Words of a complaint that must never leave its readers.
pub const SECRET_TITLE: &str = "Quartz heron confidential title";
pub const SECRET_BODY: &str = "The marigold ledger was shown to the wrong people.";
pub const SECRET_MESSAGE: &str = "Our tangerine reply stays between the parties.";

/// The statements' coalition (Alpha Shelter and Beta Union, civil society; Gamma Police and
/// Delta Ministry, governmental; an associate), with two more full members so that a panel
/// of three can sit without either party: Zeta Aid (civil society) and Eta Office
/// (governmental).
pub struct Coalition {
    pub fx: Fixture,
    pub zeta: Org,
    pub eta: Org,
}

impl Coalition {
    pub fn admin(&self) -> &Actor {
        &self.fx.admin
    }
    /// Every full member, in a fixed order.
    pub fn full(&self) -> Vec<&Org> {
        let mut all: Vec<&Org> = self.fx.full.iter().collect();
        all.push(&self.zeta);
        all.push(&self.eta);
        all
    }
}

fn extra(app: &TestApp, admin: &Actor, name: &str, sector: &str, slug: &str) -> Org {
    let email = format!("rep@{slug}.example");
    let (o, rep) = member_org(app, admin, name, sector, Status::Full, &email);
    Org {
        id: o.id,
        rep: actor(app, rep),
        rep_email: email,
        authoriser: None,
    }
}

pub fn coalition(app: &TestApp) -> Coalition {
    let fx = fixture(app);
    let zeta = extra(app, &fx.admin, "Zeta Aid", "NGO", "zeta");
    let eta = extra(app, &fx.admin, "Eta Office", "Ministry", "eta");
    let admin = actor(app, fx.admin.person.clone());
    Coalition {
        fx: Fixture { admin, ..fx },
        zeta,
        eta,
    }
}

pub fn today(app: &TestApp) -> chrono::NaiveDate {
    app.with_conn(roundtable::coalition::today).expect("today")
}

/// `from` files a complaint about `against`.
pub fn file_against(app: &TestApp, from: &Org, against: &Org) -> Complaint {
    let input = ComplaintInput {
        organisation_id: Some(from.id),
        about: "organisation".into(),
        respondent_org: Some(against.id),
        title: SECRET_TITLE.into(),
        body: SECRET_BODY.into(),
        ..ComplaintInput::default()
    };
    let day = today(app);
    app.with_conn(|c| store::file(c, &from.rep, &input, day))
        .expect("filed")
}

/// Acknowledged, the proposed panel appointed, every member declared no conflict: the panel
/// as actors.
pub fn seated(app: &TestApp, co: &Coalition, c: &Complaint) -> Vec<Actor> {
    let day = today(app);
    app.with_conn(|conn| steps::acknowledge(conn, co.admin(), c.id, day))
        .expect("acknowledged");
    let proposed: Vec<i64> = app
        .with_conn(|conn| panels::proposal(conn, co.admin(), c.id, day))
        .expect("proposal")
        .iter()
        .map(|p| p.candidate.person_id)
        .collect();
    app.with_conn(|conn| panels::appoint(conn, co.admin(), c.id, &proposed, day))
        .expect("appointed");
    proposed
        .iter()
        .map(|id| {
            let person = app
                .with_conn(|conn| roundtable::auth::store::find(conn, *id))
                .expect("person");
            let member = actor(app, person);
            app.with_conn(|conn| panels::declare(conn, &member, c.id, true, day))
                .expect("declared");
            member
        })
        .collect()
}

/// Signs a panel member in: their password first (the panel's people were made by the
/// fixture with MEMBER_PASSWORD).
pub const PASSWORD: &str = MEMBER_PASSWORD;
