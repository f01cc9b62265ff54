//! Clean data (issue 12): names in one Unicode form without invisible characters, look-alike
//! duplicates found, links only to http(s), a length limit on every text field (shown in the
//! form, enforced before any handler) and a rate for comments.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::db::schema::{organisations as organisations_table, statement_comments};
use roundtable::error::Error;
use roundtable::meetings::store;
use roundtable::membership::organisations::{self, OrganisationInput};
use roundtable::membership::rules::Status;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fixtures};
use crate::membership::{admin_actor, sector_id};
use crate::on_each_backend;

fn add(
    app: &TestApp,
    admin: &roundtable::auth::permissions::Actor,
    name: &str,
    website: &str,
) -> Result<String, Error> {
    app.with_conn(|c| {
        organisations::create(
            c,
            admin,
            &OrganisationInput {
                name: name.into(),
                website: website.into(),
                sector_id: sector_id(app, "NGO"),
                ..OrganisationInput::default()
            },
            Status::Applicant,
            fixtures::date(2026, 1, 1),
            "applied",
            None,
        )
    })
    .map(|(o, _)| o.name)
}

fn organisation_count(app: &TestApp) -> i64 {
    app.with_conn(|c| {
        organisations_table::table
            .count()
            .get_result(c)
            .expect("count")
    })
}

#[actix_web::test]
async fn names_are_stored_in_one_form_and_look_alikes_are_the_same_name() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        // Decomposed é and doubled spaces are stored composed and single.
        let stored = add(&app, &admin, "Cafe\u{301}  Collective", "").expect("added");
        assert_eq!(stored, "Café Collective");
        assert!(matches!(
            add(&app, &admin, "Café Collective", ""),
            Err(Error::Conflict(_))
        ));
        add(&app, &admin, "Legal Aid Network", "").expect("added");
        let before = organisation_count(&app);
        // Cyrillic а and е, and an upper-case copy: the same name.
        for look_alike in ["Lеgal Аid Network", "LEGAL AID NETWORK"] {
            let refused = add(&app, &admin, look_alike, "").expect_err(look_alike);
            assert!(
                matches!(&refused, Error::Conflict(m) if m.contains("Legal Aid Network")),
                "{refused:?}"
            );
        }
        // Invisible and control characters are refused beside the name.
        for hidden in [
            "Legal\u{200B} Aid Network",
            "\u{200B}",
            "Aid\u{202E}krowteN",
            "Nul\u{0} Org",
        ] {
            let refused = add(&app, &admin, hidden, "").expect_err(hidden);
            assert!(
                matches!(&refused, Error::InvalidFields(f) if f["name"][0].contains("invisible or control character")),
                "{hidden:?}: {refused:?}"
            );
        }
        // A link must be one a person can follow, not a script.
        for bad in ["javascript:alert(1)", "data:text/html,x", "www.example.org"] {
            let refused = add(&app, &admin, "Linked Org", bad).expect_err(bad);
            assert!(
                matches!(&refused, Error::InvalidFields(f) if f.contains_key("website")),
                "{bad}: {refused:?}"
            );
        }
        assert_eq!(organisation_count(&app), before, "nothing was added");

        let meeting = fixtures::meeting("Plenary", fixtures::date(2027, 3, 9));
        let refused = app
            .with_conn(|c| {
                store::create(
                    c,
                    &admin,
                    &store::MeetingInput {
                        online_url: "javascript:alert(1)".into(),
                        ..meeting
                    },
                )
            })
            .expect_err("a script is no meeting link");
        assert!(
            matches!(&refused, Error::InvalidFields(f) if f.contains_key("online_url")),
            "{refused:?}"
        );
    })
}

#[actix_web::test]
async fn every_text_field_has_a_limit_shown_in_the_form_and_enforced() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let form = browser.get("/organisations/new").await;
        assert_eq!(
            form.attr("input[name=name]", "maxlength").as_deref(),
            Some("200")
        );
        assert_eq!(
            form.attr("input[name=website]", "maxlength").as_deref(),
            Some("1000")
        );
        assert!(
            form.html()
                .select(
                    &scraper::Selector::parse("input[type=text]:not([maxlength])")
                        .expect("selector")
                )
                .next()
                .is_none(),
            "every text input has a limit"
        );

        // 200 KB in a name: refused before any handler, and nothing is added.
        let before = organisation_count(&app);
        let huge = "x".repeat(200 * 1024);
        let ngo = sector_id(&app, "NGO").to_string();
        let refused = browser
            .post_form(
                "/organisations",
                &[
                    ("name", &huge),
                    ("sector_id", &ngo),
                    ("status", "applicant"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.texts("#error-reason")[0].contains("holds far more than its 200 characters"),
            "{:?}",
            refused.texts("#error-reason")
        );
        assert!(refused.header("content-security-policy").is_some());
        assert_eq!(organisation_count(&app), before);

        // The services hold the same limits for the API and every other caller.
        let m = app
            .with_conn(|c| {
                store::create(
                    c,
                    &admin,
                    &fixtures::meeting("Plenary", fixtures::date(2027, 3, 9)),
                )
            })
            .expect("meeting");
        let long_name = "G".repeat(201);
        let guest = app
            .with_conn(|c| store::add_guest(c, &admin, m.id, &long_name, "guest@example.org", ""));
        assert!(matches!(guest, Err(Error::InvalidFields(_))), "{guest:?}");
    })
}

#[actix_web::test]
async fn a_person_writes_at_most_twenty_comments_an_hour() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let fixture = crate::statements::fixture(&app);
        let statement = crate::statements::draft(&app, &fixture.admin, "On wages");
        app.with_conn(|c| {
            roundtable::statements::store::open_consultation(c, &fixture.admin, statement.id)
        })
        .expect("consultation");
        let rep = &fixture.full[0].rep;
        for n in 0..20 {
            app.with_conn(|c| {
                roundtable::statements::store::comment(
                    c,
                    rep,
                    statement.id,
                    &format!("Point {n}"),
                    None,
                )
            })
            .expect("a comment within the rate");
        }
        let refused = app.with_conn(|c| {
            roundtable::statements::store::comment(c, rep, statement.id, "One more", None)
        });
        assert!(
            matches!(&refused, Err(Error::Throttled(m)) if m.contains("20 comments in the last hour")),
            "{refused:?}"
        );
        // Another member is not held back by it.
        app.with_conn(|c| {
            roundtable::statements::store::comment(
                c,
                &fixture.full[1].rep,
                statement.id,
                "Our view",
                None,
            )
        })
        .expect("another member comments");
        let long = "y".repeat(4_001);
        let too_long = app.with_conn(|c| {
            roundtable::statements::store::comment(
                c,
                &fixture.full[1].rep,
                statement.id,
                &long,
                None,
            )
        });
        assert!(
            matches!(too_long, Err(Error::InvalidFields(_))),
            "{too_long:?}"
        );
        let stored: i64 = app.with_conn(|c| {
            statement_comments::table
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(stored, 21);
    })
}

#[actix_web::test]
async fn uploads_and_forms_over_their_limit_get_a_readable_page() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

        // A form body over 256 KB: a 413 page in the site's frame, with the security headers.
        browser.get("/organisations/new").await;
        let big = "x".repeat(300 * 1024);
        let refused = browser
            .post_form("/organisations", &[("region", &big)])
            .await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            refused.texts("#error-reason")[0].contains("256 KB"),
            "{}",
            refused.body
        );
        assert!(refused.header("content-security-policy").is_some());
        assert_eq!(refused.texts("h1"), ["Too large"]);

        // Upload forms keep their token out of the address (logs, history, Referer).
        let import_page = browser.get("/import").await;
        assert_eq!(
            import_page
                .attr("form[enctype='multipart/form-data']", "action")
                .as_deref(),
            Some("/import")
        );
        let plan = browser.get("/meetings/plan").await;
        assert_eq!(
            plan.attr("form[enctype='multipart/form-data']", "action")
                .as_deref(),
            Some("/meetings/calendars")
        );
        // The mail page tells people how mail leaves, not where the server keeps its files.
        let mail = browser.get("/mail").await;
        let data_dir = app.state.settings.data_dir.display().to_string();
        assert!(!mail.body.contains(&data_dir), "{data_dir} shown on /mail");

        // A CSV file over 10 MB: the import page says so, and nothing is imported.
        browser.get("/import").await;
        let header = "organisation,sector,status\n";
        let row = "Some Organisation With A Long Name,NGO,applicant\n";
        let huge = format!("{header}{}", row.repeat(11 * 1024 * 1024 / row.len()));
        let refused = browser
            .post_multipart("/import", &[("file", Some("members.csv"), &huge)])
            .await;
        assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            refused.texts("#import-problems li")[0].contains("at most 10 MB"),
            "{:?}",
            refused.texts("#import-problems li")
        );
        assert_eq!(organisation_count(&app), 0);

        // An upload carries its CSRF token in its body; without it, it is refused.
        let forged = browser
            .send(
                actix_web::test::TestRequest::post()
                    .uri("/import")
                    .insert_header((
                        "content-type",
                        "multipart/form-data; boundary=b",
                    ))
                    .set_payload(
                        "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\norganisation,sector,status\nX,NGO,applicant\r\n--b--\r\n",
                    ),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(organisation_count(&app), 0);
    })
}
