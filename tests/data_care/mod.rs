//! Data care: backups that restore, on and across both backends.

mod backup;
mod care;
mod erasure;
mod personal;
mod process;

use roundtable::actor::actor_for;
use roundtable::auth::model::Person;
use roundtable::auth::store::find_by_email;
use roundtable::statements::model::Round;
use roundtable::statements::rules::Stance;
use roundtable::statements::{rounds, store};

use crate::common::TestApp;

/// On the demo: the member (`email`) approves the open round in their organisation's name.
/// Returns the person, their organisation and the round.
fn member_approves_the_open_round(app: &TestApp, email: &str) -> (Person, i64, Round) {
    let person = app
        .with_conn(|c| find_by_email(c, email))
        .expect("read")
        .expect("the member");
    let organisation = app
        .with_conn(|c| roundtable::membership::people::affiliation_of(c, person.id))
        .expect("read")
        .expect("affiliated")
        .1
        .id;
    let open = app
        .with_conn(store::list)
        .expect("statements")
        .into_iter()
        .find(|s| s.status == "approval")
        .expect("an open round");
    let round = app
        .with_conn(|c| rounds::open_round(c, open.id))
        .expect("read")
        .expect("round");
    let actor = app
        .with_conn(|c| actor_for(c, person.clone()))
        .expect("actor");
    crate::statements::take(app, &actor, &round, organisation, Stance::Approve)
        .expect("the member approves");
    (person, organisation, round)
}
