//! Joint statements through the services and the pages: the publication gate, internal
//! authorisation, voiding on a change of text, concurrency, the demo story.

mod concurrency;
mod demo;
mod forms;
mod gate;
mod mail;
mod pages;
mod visibility;

use roundtable::actor::actor_for;
use roundtable::auth::model::Person;
use roundtable::auth::permissions::Actor;
use roundtable::membership::people::{self, PersonInput};
use roundtable::membership::rules::Status;
use roundtable::statements::model::{Round, Statement};
use roundtable::statements::rounds::{self, AuthorisationInput, PositionInput, RoundInput};
use roundtable::statements::rules::{Decision, DecisionRule, Stance};
use roundtable::statements::store::{self, StatementInput};

use crate::common::TestApp;
use crate::membership::{MEMBER_PASSWORD, admin_actor, member_org};

pub const TEXT: &str =
    "# Decent work for all\n\nWe, the undersigned, call for an end to forced labour.\n";

/// A member organisation with its representative (and authoriser, where it needs one).
pub struct Org {
    pub id: i64,
    pub rep: Actor,
    pub rep_email: String,
    pub authoriser: Option<(Actor, String)>,
}

pub struct Fixture {
    pub admin: Actor,
    /// Alpha Shelter and Beta Union (civil society), Gamma Police and Delta Ministry
    /// (governmental: they need authorisation).
    pub full: Vec<Org>,
    /// An associate member.
    pub associate: Org,
}

pub fn actor(app: &TestApp, person: Person) -> Actor {
    app.with_conn(|c| actor_for(c, person)).expect("actor")
}

fn org(app: &TestApp, admin: &Actor, name: &str, sector: &str, status: Status, slug: &str) -> Org {
    let email = format!("rep@{slug}.example");
    let (o, rep) = member_org(app, admin, name, sector, status, &email);
    let authoriser = o.needs_authorisation.then(|| {
        let email = format!("head@{slug}.example");
        let input = PersonInput {
            name: format!("Head of {name}"),
            email: email.clone(),
            is_authoriser: true,
            ..PersonInput::default()
        };
        let person = app
            .with_conn(|c| people::add_to_organisation(c, admin, o.id, &input))
            .expect("authoriser");
        let token = app.invitation_token(&email);
        app.with_conn(|c| people::accept_invitation(c, &token, MEMBER_PASSWORD))
            .expect("accept");
        (actor(app, person), email)
    });
    Org {
        id: o.id,
        rep: actor(app, rep),
        rep_email: email,
        authoriser,
    }
}

pub fn fixture(app: &TestApp) -> Fixture {
    let admin = admin_actor(app, app.bootstrap());
    let full = vec![
        org(app, &admin, "Alpha Shelter", "NGO", Status::Full, "alpha"),
        org(
            app,
            &admin,
            "Beta Union",
            "Trade union",
            Status::Full,
            "beta",
        ),
        org(app, &admin, "Gamma Police", "Police", Status::Full, "gamma"),
        org(
            app,
            &admin,
            "Delta Ministry",
            "Ministry",
            Status::Full,
            "delta",
        ),
    ];
    let associate = org(
        app,
        &admin,
        "Epsilon Church",
        "NGO",
        Status::Associate,
        "epsilon",
    );
    // Roles are read when the actor is made; refresh them now that everything exists.
    let admin = actor(app, admin.person.clone());
    Fixture {
        admin,
        full,
        associate,
    }
}

pub fn draft(app: &TestApp, admin: &Actor, title: &str) -> Statement {
    app.with_conn(|c| {
        store::create(
            c,
            admin,
            &StatementInput {
                title: title.into(),
                context_note: String::new(),
                group_id: None,
                body: TEXT.into(),
            },
        )
    })
    .expect("statement")
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

pub fn open(app: &TestApp, admin: &Actor, statement_id: i64, rule: DecisionRule) -> Round {
    let input = RoundInput {
        rule,
        deadline: today() + chrono::Duration::days(14),
    };
    app.with_conn(|c| rounds::open(c, admin, statement_id, input, today()))
        .expect("round")
}

pub fn take(
    app: &TestApp,
    who: &Actor,
    round: &Round,
    organisation_id: i64,
    stance: Stance,
) -> Result<(), roundtable::error::Error> {
    let input = PositionInput {
        organisation_id,
        stance,
        reason: if stance == Stance::Object {
            "not our line".into()
        } else {
            String::new()
        },
        content_hash: round.content_hash.clone(),
    };
    app.with_conn(|c| rounds::take_position(c, who, round.id, &input, today()))
        .map(|_| ())
}

pub fn decide(
    app: &TestApp,
    who: &Actor,
    round: &Round,
    organisation_id: i64,
    decision: Decision,
) -> Result<(), roundtable::error::Error> {
    let input = AuthorisationInput {
        organisation_id,
        decision,
        reference: "File 2026/417".into(),
        content_hash: round.content_hash.clone(),
    };
    app.with_conn(|c| rounds::authorise(c, who, round.id, &input, today()))
        .map(|_| ())
}

pub fn status(app: &TestApp, statement_id: i64) -> String {
    app.with_conn(|c| store::get(c, statement_id))
        .expect("statement")
        .status
}

/// How many outbox messages of a kind exist, and to whom the last went.
pub fn mailed(app: &TestApp, kind: &str) -> (usize, Vec<String>) {
    use diesel::prelude::*;
    use roundtable::db::schema::{outbox_deliveries, outbox_messages};
    app.with_conn(|c| {
        let ids: Vec<i64> = outbox_messages::table
            .filter(outbox_messages::kind.eq(kind))
            .order(outbox_messages::id)
            .select(outbox_messages::id)
            .load(c)
            .expect("messages");
        let to = match ids.last() {
            Some(last) => {
                let mut to: Vec<String> = outbox_deliveries::table
                    .filter(outbox_deliveries::message_id.eq(last))
                    .select(outbox_deliveries::recipient_email)
                    .load(c)
                    .expect("deliveries");
                to.sort();
                to
            }
            None => Vec::new(),
        };
        (ids.len(), to)
    })
}
