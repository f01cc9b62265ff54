//! Each page costs a fixed number of queries, whatever the data's size: counted on the demo,
//! then on the demo grown by 50 organisations, 100 meetings and 50 open statements. The
//! count comes from the Server-Timing header the app adds with SERVER_TIMING=true.

use actix_web::http::StatusCode;
use chrono::Duration;
use roundtable::actor::actor_for;
use roundtable::auth::permissions::Actor;
use roundtable::cli::{DemoLogin, seed_demo};
use roundtable::meetings::rules::Kind;
use roundtable::meetings::store::MeetingInput;
use roundtable::membership::organisations::{self, OrganisationInput};
use roundtable::membership::people::PersonInput;
use roundtable::membership::rules::Status;
use roundtable::statements::rounds::{self, RoundInput};
use roundtable::statements::rules::DecisionRule;
use roundtable::statements::store::{self as statements, StatementInput};

use crate::common::client::AppService;
use crate::common::{Client, TestApp, demo_login, fixtures};
use crate::membership::sector_id;
use crate::on_each_backend;

/// No page may cost more. The secretariat's dashboard is the dearest: it gathers what every
/// capability asks of it (14 since complaints joined: their register and panel size; 15
/// since evaluations ask members to answer their questionnaires, in one query; 16 since
/// every page first reads the data's version, to answer from memory when nothing changed:
/// `pages::cache`).
const MOST_QUERIES: u64 = 16;

/// The number of queries a response's Server-Timing header reports.
pub(crate) fn queries(header: Option<&str>) -> u64 {
    let header = header.expect("a Server-Timing header");
    header
        .split("desc=\"")
        .nth(1)
        .and_then(|desc| desc.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {header}"))
}

async fn count(client: &mut Client<impl AppService>, path: &str) -> u64 {
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    queries(page.header("server-timing"))
}

/// The secretariat of the day, acting through the services.
pub(crate) fn secretariat(app: &TestApp, logins: &[DemoLogin]) -> Actor {
    let email = &demo_login(logins, "secretariat").email;
    app.with_conn(|c| {
        let person = roundtable::auth::store::find_by_email(c, email)?.expect("person");
        actor_for(c, person)
    })
    .expect("actor")
}

/// 50 more full members, 100 more meetings, 50 more statements in an open round, and 10
/// more working groups with a convenor and members.
fn grow(app: &TestApp, actor: &Actor) {
    let sector = sector_id(app, "NGO");
    let today = app.with_conn(roundtable::coalition::today).expect("today");
    app.with_conn(|c| -> Result<(), roundtable::error::Error> {
        for n in 0..50 {
            let input = OrganisationInput {
                name: format!("Grown Organisation {n:02}"),
                sector_id: sector,
                ..OrganisationInput::default()
            };
            let primary = PersonInput {
                name: format!("Representative {n:02}"),
                email: format!("rep{n}@grown.example"),
                ..PersonInput::default()
            };
            let (o, invited) =
                organisations::create(c, actor, &input, Status::Full, today, "", Some(&primary))?;
            // Twenty more complaints, each with a statement in its thread.
            if n < 20
                && let Some(rep) = invited.clone()
            {
                let rep = actor_for(c, rep)?;
                let complaint = roundtable::complaints::store::file(
                    c,
                    &rep,
                    &roundtable::complaints::store::ComplaintInput {
                        organisation_id: Some(o.id),
                        about: "issue".into(),
                        title: format!("Grown complaint {n}"),
                        body: "Grown.".into(),
                        ..Default::default()
                    },
                    today,
                )?;
                roundtable::complaints::thread::post(
                    c,
                    &rep,
                    complaint.id,
                    "parties",
                    "Grown statement.",
                    Vec::new(),
                    today,
                )?;
            }
            if n < 10 {
                let convenor = invited.map(|p| p.id);
                let group = roundtable::membership::groups::create(
                    c,
                    actor,
                    &roundtable::membership::groups::GroupInput {
                        name: format!("Grown group {n}"),
                        mandate: "Grown".into(),
                        convenor_id: convenor,
                    },
                    today,
                )?;
                roundtable::membership::groups::add_member(c, actor, group.id, o.id, today)?;
            }
        }
        for n in 0..100 {
            let input = MeetingInput {
                kind: Kind::AdHoc,
                end: fixtures::at(12, 0),
                public: n % 2 == 0,
                ..fixtures::meeting(
                    &format!("Grown meeting {n:03}"),
                    today + Duration::days(n - 50),
                )
            };
            roundtable::meetings::store::create(c, actor, &input)?;
        }
        for n in 0..50 {
            let s = statements::create(
                c,
                actor,
                &StatementInput {
                    title: format!("Grown statement {n:02}"),
                    context_note: String::new(),
                    group_id: None,
                    body: format!("We call for decent work, number {n}.\n"),
                },
            )?;
            let round = RoundInput {
                rule: DecisionRule::Unanimity,
                deadline: today + Duration::days(20),
            };
            rounds::open(c, actor, s.id, round, today)?;
        }
        Ok(())
    })
    .expect("grown");
}

/// The pages each kind of user opens, with the ids of the demo's own records.
pub(super) fn tour(app: &TestApp) -> Vec<(&'static str, String)> {
    let statement = app
        .with_conn(statements::list)
        .expect("statements")
        .into_iter()
        .find(|s| s.status == "approval")
        .expect("the demo's open round")
        .id;
    let meeting = app
        .with_conn(|c| {
            use diesel::prelude::*;
            use roundtable::db::schema::minutes;
            minutes::table.select(minutes::meeting_id).first::<i64>(c)
        })
        .expect("a meeting with minutes");
    // The demo's complaint about a statement round: the member's, with a panel and a file.
    let complaint = app
        .with_conn(|c| {
            use diesel::prelude::*;
            use roundtable::db::schema::complaints;
            complaints::table
                .filter(complaints::record_kind.eq("statement"))
                .select(complaints::id)
                .first::<i64>(c)
        })
        .expect("a complaint");
    let organisation = app
        .with_conn(|c| {
            let member = roundtable::auth::store::find_by_email(
                c,
                roundtable::membership::demo::MEMBER_EMAIL,
            )?
            .expect("the member");
            roundtable::membership::people::affiliation_of(c, member.id)
        })
        .expect("read")
        .expect("affiliated")
        .1
        .id;
    vec![
        ("dashboard", "/".into()),
        ("directory", "/organisations".into()),
        ("organisation", format!("/organisations/{organisation}")),
        ("calendar", "/meetings".into()),
        ("past meetings", "/meetings/past".into()),
        ("meeting", format!("/meetings/{meeting}")),
        ("statements", "/statements".into()),
        ("statement", format!("/statements/{statement}")),
        ("groups", "/groups".into()),
        ("export", "/organisations/export.csv".into()),
        ("audit", "/admin/audit".into()),
        ("complaints", "/complaints".into()),
        ("complaint", format!("/complaints/{complaint}")),
    ]
}

/// Who sees which pages of the tour.
pub(super) const ROLES: &[(&str, &[&str])] = &[
    (
        "secretariat",
        &[
            "dashboard",
            "directory",
            "organisation",
            "calendar",
            "past meetings",
            "meeting",
            "statements",
            "statement",
            "groups",
            "export",
            "audit",
            "complaints",
            "complaint",
        ],
    ),
    (
        "a member",
        &[
            "dashboard",
            "directory",
            "organisation",
            "calendar",
            "past meetings",
            "meeting",
            "statements",
            "statement",
            "groups",
            "export",
            "complaints",
            "complaint",
        ],
    ),
    ("authoriser", &["dashboard", "statement"]),
    ("complaints panel", &["dashboard", "complaints"]),
];

#[actix_web::test]
async fn every_page_costs_the_same_few_queries_whatever_the_size() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let pages = tour(&app);
        let mut clients = Vec::new();
        for (role, _) in ROLES {
            let who = demo_login(&logins, role);
            let mut client = app.client().await;
            client.sign_in(&who.email, &who.password).await;
            clients.push(client);
        }
        let mut before = Vec::new();
        for ((role, names), client) in ROLES.iter().zip(clients.iter_mut()) {
            for (name, path) in pages.iter().filter(|(n, _)| names.contains(n)) {
                before.push((*role, *name, count(client, path).await));
            }
        }
        grow(&app, &secretariat(&app, &logins));
        let mut after = Vec::new();
        for ((role, names), client) in ROLES.iter().zip(clients.iter_mut()) {
            for (name, path) in pages.iter().filter(|(n, _)| names.contains(n)) {
                after.push((*role, *name, count(client, path).await));
            }
        }
        for ((role, page, small), (_, _, large)) in before.iter().zip(&after) {
            // `cargo test pages -- --nocapture` prints the figures.
            eprintln!("{page:>12} as {role:<11}: {small:>2} queries; grown: {large:>2}");
            assert_eq!(
                small, large,
                "{page} as {role}: {small} queries, {large} with more data"
            );
            assert!(*large <= MOST_QUERIES, "{page} as {role}: {large} queries");
        }
    })
}

/// Finding out who is asking costs two queries: the coalition with the person and their
/// organisation, then the rotation and groups that decide their roles.
#[actix_web::test]
async fn knowing_who_asks_costs_two_queries() {
    fn now() -> chrono::NaiveDateTime {
        chrono::Utc::now().naive_utc()
    }
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let sec = demo_login(&logins, "secretariat");
        let person = app
            .with_conn(|c| roundtable::auth::store::find_by_email(c, &sec.email))
            .expect("read")
            .expect("person");
        let cookie = app
            .with_conn(|c| {
                roundtable::auth::sessions::start(c, person.id, "test", "127.0.0.1", now())
            })
            .expect("a session");
        let hash = roundtable::secret::hash_token(&cookie);
        let tally = std::sync::Arc::new(roundtable::db::count::Tally::default());
        let mut conn = app.conn();
        diesel::Connection::set_instrumentation(
            &mut *conn,
            roundtable::db::count::Counter::new(tally.clone()),
        );
        let request = roundtable::actor::resolve_request(&mut conn, Some(&hash), &app.state.clock)
            .expect("resolved");
        assert!(
            request.session.is_some(),
            "the session comes with the person"
        );
        let actor = request.actor.expect("signed in");
        assert!(actor.has(&roundtable::auth::permissions::Role::Secretariat));
        assert_eq!(tally.queries(), 2);
    })
}
