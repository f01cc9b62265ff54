//! The authorization matrix: every route the app registers, read from the source, must have a
//! row in `matrix.txt`; every GET row is requested as each kind of person, with real ids, and
//! every POST row as each kind of person it refuses; each answer must be the one the row
//! expects. A new route without a row fails here, and so does a change of who may do what.
//!
//! `ROUNDTABLE_MATRIX_PRINT=1` prints the answers as rows (to review a change, never to copy
//! blindly: each cell is a decision).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::auth::model::Person;
use roundtable::auth::permissions::Actor;
use roundtable::auth::store;
use roundtable::cli::seed_demo;
use roundtable::membership::organisations::{self, OrganisationInput};
use roundtable::membership::people::{self, PersonInput};
use roundtable::membership::rules::Status;

use crate::common::TestApp;
use crate::membership::sector_id;
use crate::on_each_backend;

const MATRIX: &str = include_str!("matrix.txt");
const PASSWORD: &str = "a matrix test password";

/// The kinds of person, in the order of the table's columns.
const ROLES: [&str; 13] = [
    "anonymous",
    "applicant",
    "associate",
    "representative",
    "alternate",
    "authoriser",
    "other_rep",
    "convenor",
    "secretariat",
    "administrator",
    "deactivated",
    "withdrawn",
    "evaluator",
];

/// Every `route("PATH", web::METHOD()` in `src/`, as (METHOD, full path); the API's routes
/// (in `api.rs` files) live under `/api/v1`.
fn registered_routes() -> BTreeSet<(String, String)> {
    fn walk(dir: &Path, found: &mut BTreeSet<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                let prefix = if path.file_name().is_some_and(|n| n == "api.rs") {
                    "/api/v1"
                } else {
                    ""
                };
                for (method, route) in routes_in(&text) {
                    found.insert((method, format!("{prefix}{route}")));
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found
}

fn routes_in(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("route(") {
        rest = &rest[at + "route(".len()..];
        let after = rest.trim_start();
        let Some(after) = after.strip_prefix('"') else {
            continue;
        };
        let Some(end) = after.find('"') else { break };
        let path = &after[..end];
        let tail = after[end + 1..].trim_start();
        let Some(tail) = tail.strip_prefix(',') else {
            continue;
        };
        let Some(tail) = tail.trim_start().strip_prefix("web::") else {
            continue;
        };
        let method: String = tail.chars().take_while(|c| c.is_alphabetic()).collect();
        found.push((method.to_uppercase(), path.to_owned()));
    }
    found
}

/// A row of the table: the method, the path as registered, the ids to put in it, and what
/// each kind of person gets.
struct Row {
    method: String,
    path: String,
    ids: Vec<String>,
    expected: Vec<String>,
}

fn rows() -> Vec<Row> {
    MATRIX
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (route, answers) = line.split_once('|').expect("ROUTE | ANSWERS");
            let mut words = route.split_whitespace();
            let method = words.next().expect("method").to_owned();
            let path = words.next().expect("path").to_owned();
            let ids = words
                .next()
                .filter(|w| *w != "-")
                .map(|w| w.split(',').map(str::to_owned).collect())
                .unwrap_or_default();
            let expected: Vec<String> = answers.split_whitespace().map(str::to_owned).collect();
            Row {
                method,
                path,
                ids,
                expected,
            }
        })
        .collect()
}

/// The path with its `{...}` segments replaced, in order, by the named fixture ids.
fn concrete(path: &str, ids: &[String], fixture: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = path;
    let mut names = ids.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closing brace") + open;
        out.push_str(&rest[..open]);
        let name = names
            .next()
            .unwrap_or_else(|| panic!("{path}: name an id for each segment"));
        out.push_str(
            fixture
                .get(name)
                .unwrap_or_else(|| panic!("{path}: no fixture id {name:?}")),
        );
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// What an answer means, in the table's words.
fn classify(status: StatusCode, location: Option<&str>) -> String {
    match status.as_u16() {
        200 => "ok".into(),
        401 => "in".into(),
        403 => "no".into(),
        404 => "nf".into(),
        302 | 303 if location.is_some_and(|l| l.starts_with("/login")) => "in".into(),
        302 | 303 => "go".into(),
        other => other.to_string(),
    }
}

fn person(app: &TestApp, email: &str) -> Person {
    app.with_conn(|c| store::find_by_email(c, email))
        .expect("read")
        .unwrap_or_else(|| panic!("no {email}"))
}

fn with_password(app: &TestApp, person: &Person) {
    app.with_conn(|c| {
        let (_, token) = store::issue_reset_link(c, &person.email)?;
        store::reset_password(c, &token, PASSWORD)
    })
    .expect("password");
}

/// An organisation of `status` with a primary representative who can sign in.
fn organisation_with(
    app: &TestApp,
    secretariat: &Actor,
    name: &str,
    status: Status,
) -> (i64, Person) {
    let slug: String = name.to_lowercase().split_whitespace().collect();
    let input = OrganisationInput {
        name: name.into(),
        sector_id: sector_id(app, "NGO"),
        ..OrganisationInput::default()
    };
    let primary = PersonInput {
        name: format!("Rep of {name}"),
        email: format!("rep@{slug}.example"),
        ..PersonInput::default()
    };
    let today = app.with_conn(roundtable::coalition::today).expect("today");
    let (o, rep) = app
        .with_conn(|c| {
            organisations::create(
                c,
                secretariat,
                &input,
                status,
                today,
                "matrix",
                Some(&primary),
            )
        })
        .expect("organisation");
    let rep = rep.expect("representative");
    with_password(app, &rep);
    (o.id, rep)
}

/// An extra person of organisation `organisation_id`, who can sign in.
fn colleague(
    app: &TestApp,
    secretariat: &Actor,
    organisation_id: i64,
    name: &str,
    representation: Option<&str>,
) -> Person {
    let input = PersonInput {
        name: name.into(),
        email: format!("{}@matrix.example", name.to_lowercase().replace(' ', ".")),
        representation: representation.map(str::to_owned),
        ..PersonInput::default()
    };
    let p = app
        .with_conn(|c| people::add_to_organisation(c, secretariat, organisation_id, &input))
        .expect("person");
    with_password(app, &p);
    p
}

/// One form that every POST route can read: the fields of all the forms, with plausible
/// values (each form takes its own and ignores the rest). Sent only as people the table
/// refuses, so nothing is changed; a route that let one of them through would change data
/// and answer otherwise than the table says.
fn any_form(fixture: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let id = |k: &str| fixture[k].clone();
    // A deadline a month ahead of the real date: a fixed one passed on 2026-12-01, and the
    // routes that check a deadline before who asks then answered 422 instead of "no".
    let ahead = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    [
        ("name", "Matrix".to_owned()),
        ("email", "matrix@example.org".into()),
        ("title", "Matrix".into()),
        ("body", "Matrix text.".into()),
        ("text", "Matrix criterion".into()),
        ("label", "matrix".into()),
        ("reason", "matrix".into()),
        ("note", "matrix".into()),
        ("mandate", "matrix".into()),
        ("context_note", "matrix".into()),
        ("description", "matrix".into()),
        ("presenter", "matrix".into()),
        ("kind", "ad_hoc".into()),
        ("date", "2027-02-02".into()),
        ("start", "10:00".into()),
        ("end", "12:00".into()),
        ("effective_on", "2026-11-01".into()),
        ("started_on", "2026-11-01".into()),
        ("closed_on", "2026-11-01".into()),
        ("joined_on", "2026-11-01".into()),
        ("adopted_on", "2026-11-01".into()),
        ("signed_on", "2026-11-01".into()),
        ("paid_on", "2026-11-01".into()),
        ("due", ahead.clone()),
        ("deadline", ahead.clone()),
        ("first_term_starts", "2027-01-01".into()),
        ("signed_by_name", "Matrix".into()),
        ("organisation_id", id("org")),
        ("person_id", id("person")),
        ("convenor_id", String::new()),
        ("sector_id", "1".into()),
        ("status", "suspended".into()),
        ("decision", "authorised".into()),
        ("position", "approve".into()),
        ("reference", "M/1".into()),
        ("content_hash", "matrix".into()),
        ("rule", "unanimity".into()),
        ("year", "2027".into()),
        ("tier", "matrix".into()),
        ("amount", "1".into()),
        ("currency", "EUR".into()),
        ("duration_minutes", "10".into()),
        ("represented_by", "Matrix".into()),
        ("attended", "yes".into()),
        ("confirm", "on".into()),
        ("opt_out", "yes".into()),
        ("side", "civil_society".into()),
        ("term_months", "12".into()),
        ("horizon_terms", "4".into()),
        ("password", "a matrix password".into()),
        ("password_confirm", "a matrix password".into()),
        ("coalition_name", "Matrix".into()),
        ("time_zone", "Europe/Brussels".into()),
        ("valid_days", String::new()),
        ("owner", "Matrix".into()),
        ("affiliation", "Matrix".into()),
        ("csv", "organisation,sector,status\n".into()),
        ("about", "issue".into()),
        ("audience", "parties".into()),
        ("accepts", "yes".into()),
        ("no_conflict", "yes".into()),
        ("admissible", "yes".into()),
        ("reasons", "matrix".into()),
        ("proposal", "matrix".into()),
        ("summary", "matrix".into()),
        ("outcome", "resolved_by_dialogue".into()),
        ("lesson", "matrix".into()),
        ("meeting_id", id("meeting")),
        ("satisfaction", "4".into()),
        ("person_0", id("person")),
        ("panel_size", "3".into()),
        ("acknowledge_days", "5".into()),
        ("assess_days", "15".into()),
        ("dialogue_days", "40".into()),
        ("answer_days", "10".into()),
        ("close_days", "10".into()),
        ("reminder_days", "2".into()),
        ("retention_years", "5".into()),
        ("findings", "matrix".into()),
        ("theme", "matrix".into()),
        ("recommendations", "matrix".into()),
        ("period_from", "2027-01-01".into()),
        ("period_until", "2027-06-30".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn first_id_or(app: &TestApp, sql: &str, none: &str) -> String {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let found: Vec<Id> = app
        .with_conn(|c| diesel::sql_query(sql).load(c))
        .expect(sql);
    found
        .first()
        .map(|r| r.id.to_string())
        .unwrap_or_else(|| none.to_owned())
}

/// Compares a row's answers with the table (and prints them as a row when asked).
fn compare(row: &Row, path: &str, got: &[String], print: bool, wrong: &mut Vec<String>) {
    if print {
        let ids = if row.ids.is_empty() {
            "-".to_owned()
        } else {
            row.ids.join(",")
        };
        println!(
            "{:<6} {:<48} {:<18} | {}",
            row.method,
            row.path,
            ids,
            got.join(" ")
        );
    }
    for ((role, expected), actual) in ROLES.iter().zip(&row.expected).zip(got) {
        if expected != actual {
            wrong.push(format!(
                "{} {} ({path}) as {role}: expected {expected}, got {actual}",
                row.method, row.path
            ));
        }
    }
}

fn first_id(app: &TestApp, sql: &str) -> String {
    let found = first_id_or(app, sql, "");
    assert!(!found.is_empty(), "nothing for {sql}");
    found
}

#[actix_web::test]
async fn every_route_answers_each_kind_of_person_as_the_table_says() {
    on_each_backend!(|backend| async {
        // Every registered route has a row, and every row a registered route.
        let registered = registered_routes();
        let table: BTreeSet<(String, String)> = rows()
            .iter()
            .map(|r| (r.method.clone(), r.path.clone()))
            .collect();
        let missing: Vec<_> = registered.difference(&table).collect();
        let stale: Vec<_> = table.difference(&registered).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "routes without a row in matrix.txt: {missing:?}; rows without a route: {stale:?}"
        );

        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let holder = logins
            .iter()
            .find(|l| l.role.contains("secretariat"))
            .expect("a holder");
        let secretariat = app
            .with_conn(|c| roundtable::actor::actor_for(c, person(&app, &holder.email)))
            .expect("actor");
        let representative = person(&app, roundtable::membership::demo::MEMBER_EMAIL);
        let (own_org, _) = app
            .with_conn(|c| people::affiliation_of(c, representative.id))
            .expect("read")
            .map(|(_, o)| (o.id, ()))
            .expect("affiliated");
        let (_, applicant) =
            organisation_with(&app, &secretariat, "Matrix Applicant", Status::Applicant);
        let (_, associate) =
            organisation_with(&app, &secretariat, "Matrix Associate", Status::Associate);
        let (withdrawn_org, withdrawn) =
            organisation_with(&app, &secretariat, "Matrix Leaving", Status::Full);
        let alternate = colleague(
            &app,
            &secretariat,
            own_org,
            "Alex Alternate",
            Some("alternate"),
        );
        let convenor = colleague(&app, &secretariat, own_org, "Cora Convenor", None);
        let leaver = colleague(&app, &secretariat, own_org, "Dan Deactivated", None);
        let today = app.with_conn(roundtable::coalition::today).expect("today");
        let group = app
            .with_conn(|c| {
                roundtable::membership::groups::create(
                    c,
                    &secretariat,
                    &roundtable::membership::groups::GroupInput {
                        name: "Matrix group".into(),
                        mandate: "m".into(),
                        convenor_id: Some(convenor.id),
                    },
                    today,
                )
            })
            .expect("group");
        with_password(&app, &representative);
        let authoriser = person(&app, roundtable::statements::demo::MINISTRY_AUTHORISER);
        let other_rep = person(&app, roundtable::statements::demo::MINISTRY_REPRESENTATIVE);
        for p in [&authoriser, &other_rep] {
            with_password(&app, p);
        }
        // The demo's external evaluator: a person of no organisation, evaluating the open
        // review (the "evaluation" of the rows below) and nothing else.
        let evaluator = person(&app, roundtable::evaluations::demo::EXTERNAL_EVALUATOR);
        with_password(&app, &evaluator);
        let admin = person(&app, "admin@demo.example");
        with_password(&app, &admin);
        let holder_person = person(&app, &holder.email);
        with_password(&app, &holder_person);

        // Tokens for the API, made while everyone is in good standing.
        let people_by_role: Vec<(&str, Option<&Person>)> = vec![
            ("anonymous", None),
            ("applicant", Some(&applicant)),
            ("associate", Some(&associate)),
            ("representative", Some(&representative)),
            ("alternate", Some(&alternate)),
            ("authoriser", Some(&authoriser)),
            ("other_rep", Some(&other_rep)),
            ("convenor", Some(&convenor)),
            ("secretariat", Some(&holder_person)),
            ("administrator", Some(&admin)),
            ("deactivated", Some(&leaver)),
            ("withdrawn", Some(&withdrawn)),
            ("evaluator", Some(&evaluator)),
        ];
        let mut clients = Vec::new();
        for (role, who) in &people_by_role {
            let mut client = app.client().await;
            let token = match who {
                Some(p) => {
                    client.sign_in(&p.email, PASSWORD).await;
                    // The form token of the signed-in session (sign-in renews it).
                    client.get("/account").await;
                    Some(
                        app.with_conn(|c| {
                            roundtable::auth::tokens::create_api_token(c, p, "matrix")
                        })
                        .expect("token"),
                    )
                }
                None => None,
            };
            clients.push((*role, client, token));
        }
        // Then the two who lose their standing.
        app.with_conn(|c| people::deactivate(c, &secretariat, leaver.id, "left"))
            .expect("deactivated");
        app.with_conn(|c| {
            organisations::change_status(
                c,
                &secretariat,
                withdrawn_org,
                Status::Withdrawn,
                today,
                "left",
            )
        })
        .expect("withdrawn");

        let fixture: BTreeMap<String, String> = [
            ("org", own_org.to_string()),
            ("person", representative.id.to_string()),
            ("group", group.id.to_string()),
            ("meeting", first_id(&app, "SELECT id FROM meetings WHERE group_id IS NULL AND visibility <> 'public' ORDER BY id")),
            ("statement", first_id(&app, "SELECT statement_id AS id FROM approval_rounds WHERE status = 'open' ORDER BY id")),
            ("round", first_id(&app, "SELECT id FROM approval_rounds WHERE status = 'open' ORDER BY id")),
            ("published", first_id(&app, "SELECT id FROM statements WHERE status = 'published' ORDER BY id")),
            ("signatory", first_id(&app, "SELECT s.organisation_id AS id FROM statement_signatories s JOIN statements t ON t.id = s.statement_id WHERE t.status = 'published' ORDER BY s.organisation_id")),
            ("application", first_id(&app, "SELECT id FROM applications ORDER BY id")),
            ("version", "1".into()),
            ("mou", first_id_or(&app, "SELECT id FROM mou_versions ORDER BY id DESC", "999999")),
            ("item", first_id_or(&app, "SELECT id FROM agenda_items ORDER BY id", "999999")),
            ("action", first_id_or(&app, "SELECT id FROM action_items ORDER BY id", "999999")),
            ("guest", first_id_or(&app, "SELECT id FROM meeting_guests ORDER BY id", "999999")),
            ("comment", first_id_or(&app, "SELECT id FROM statement_comments ORDER BY id", "999999")),
            ("held", first_id_or(&app, "SELECT id FROM held_applications ORDER BY id", "999999")),
            ("criterion", first_id_or(&app, "SELECT id FROM admission_criteria ORDER BY id", "999999")),
            ("fee", first_id_or(&app, "SELECT id FROM fee_ledger ORDER BY id", "999999")),
            ("delivery", first_id_or(&app, "SELECT id FROM outbox_deliveries ORDER BY id", "999999")),
            ("calendar", first_id_or(&app, "SELECT id FROM calendar_imports ORDER BY id", "999999")),
            ("api_token", "999999".into()),
            ("session", "999999".into()),
            ("up", "up".into()),
            ("token", "not-a-real-token".into()),
            ("month", "2026-11".into()),
            ("evaluation", first_id(&app, "SELECT id FROM evaluations WHERE status = 'draft' ORDER BY id")),
            ("evaluation_item", first_id(&app, "SELECT i.id FROM evaluation_items i JOIN evaluations e ON e.id = i.evaluation_id WHERE e.status = 'draft' ORDER BY i.id")),
            ("records_area", "meetings".into()),
            // The demo's complaint filed by the representative (about a statement round),
            // and the file its filer attached.
            ("complaint", first_id(&app, "SELECT id FROM complaints WHERE record_kind = 'statement' ORDER BY id")),
            ("complaint_file", first_id(&app, "SELECT f.id FROM complaint_files f JOIN complaints c ON c.id = f.complaint_id WHERE c.record_kind = 'statement' ORDER BY f.id")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();

        let print = std::env::var_os("ROUNDTABLE_MATRIX_PRINT").is_some();
        let mut wrong = Vec::new();
        let form = any_form(&fixture);
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let json: serde_json::Map<String, serde_json::Value> = form
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
            .collect();
        // POST: sent only as those the table refuses ("ok" marks who may, not sent: it would
        // change the data the other rows read).
        for row in rows().iter().filter(|r| r.method == "POST") {
            let path = concrete(&row.path, &row.ids, &fixture);
            let api = path.starts_with("/api/");
            let mut got = Vec::new();
            for ((_, client, token), expected) in clients.iter_mut().zip(&row.expected) {
                if expected == "ok" && !print {
                    got.push("ok".to_owned());
                    continue;
                }
                if client.csrf.is_none() {
                    client.get("/login").await;
                }
                let answer = match (api, token.as_deref()) {
                    (true, Some(t)) => {
                        client
                            .api_post(&path, t, &serde_json::Value::Object(json.clone()))
                            .await
                    }
                    (true, None) => {
                        client
                            .send(
                                actix_web::test::TestRequest::post()
                                    .uri(&path)
                                    .set_json(serde_json::Value::Object(json.clone())),
                            )
                            .await
                    }
                    (false, _) => client.post_form(&path, &fields).await,
                };
                got.push(classify(answer.status, answer.location()));
            }
            compare(row, &path, &got, print, &mut wrong);
        }
        for row in rows().iter().filter(|r| r.method == "GET") {
            let path = concrete(&row.path, &row.ids, &fixture);
            let api = path.starts_with("/api/");
            let mut got = Vec::new();
            for (_, client, token) in clients.iter_mut() {
                let answer = match (api, token.as_deref()) {
                    (true, Some(t)) => client.api_get(&path, t).await,
                    _ => client.get(&path).await,
                };
                got.push(classify(answer.status, answer.location()));
            }
            compare(row, &path, &got, print, &mut wrong);
            assert_eq!(
                row.expected.len(),
                ROLES.len(),
                "{}: one answer per kind of person",
                row.path
            );
        }
        assert!(
            wrong.is_empty(),
            "{} answers differ from matrix.txt:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    })
}
