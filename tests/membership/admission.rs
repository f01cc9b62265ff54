use actix_web::http::StatusCode;
use roundtable::coalition::{self, Options};
use roundtable::membership::admission;
use roundtable::membership::organisations;
use roundtable::membership::rules::Status;

use super::{admin_actor, member_org, sector_id};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

#[actix_web::test]
async fn an_application_is_decided_and_the_contact_becomes_the_representative() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (sponsor, _) = member_org(
            &app,
            &admin,
            "Union",
            "Trade union",
            Status::Full,
            "rep@union.example",
        );
        let criterion = app
            .with_conn(|c| admission::add_criterion(c, &admin, "We work against trafficking."))
            .expect("criterion");
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get("/admission/new").await;
        let ngo = sector_id(&app, "NGO").to_string();
        let attest = format!("attest_{}", criterion.id);
        let comment = format!("comment_{}", criterion.id);
        let sponsor_field = format!("sponsor_{}", sponsor.id);
        let fields = [
            ("name", "Domestic Workers' Collective"),
            ("sector_id", ngo.as_str()),
            ("contact_name", "Rosa Lima"),
            ("contact_email", "rosa@dwc.example"),
            ("motivation", "We organise domestic workers."),
            (attest.as_str(), "on"),
            (comment.as_str(), "since 2019"),
            (sponsor_field.as_str(), "on"),
        ];
        let submitted = secretariat.post_form("/admission", &fields).await;
        assert_eq!(
            submitted.status,
            StatusCode::SEE_OTHER,
            "{}",
            submitted.body
        );
        let dossier_url = submitted.location().expect("to the dossier").to_owned();
        let queue = secretariat.get("/admission").await;
        assert_eq!(
            queue.texts("#queue-table tbody tr td:first-child"),
            ["Domestic Workers' Collective"]
        );

        let dossier = secretariat.get(&dossier_url).await;
        assert_eq!(
            dossier.texts("#answers tbody td"),
            ["We work against trafficking.", "yes", "since 2019"]
        );
        let decided = secretariat
            .post_form(
                &format!("{dossier_url}/decision"),
                &[
                    ("decision", "full"),
                    ("effective_on", "2026-03-10"),
                    ("reason", "plenary of 10 March"),
                ],
            )
            .await;
        assert_eq!(decided.status, StatusCode::SEE_OTHER);
        let after = secretariat.get(&dossier_url).await;
        assert!(
            after.texts("#decision")[0].starts_with("Full member by Ada Admin"),
            "{:?}",
            after.texts("#decision")
        );
        let flash = after.texts(".flash-success").join(" ");
        assert!(flash.contains("rosa@dwc.example"), "{flash}");
        assert!(
            !after.body.contains("/invitation/"),
            "the link reaches Rosa by mail only"
        );
        let link = app
            .mailed_link("rosa@dwc.example", "/invitation/")
            .expect("an invitation mailed to Rosa");

        let org = app
            .with_conn(|c| organisations::find_by_name(c, "Domestic Workers' Collective"))
            .expect("read")
            .expect("exists");
        assert_eq!(org.status, "full");
        let rosa = app
            .with_conn(|c| roundtable::auth::store::find_by_email(c, "rosa@dwc.example"))
            .expect("read")
            .expect("exists");
        assert_eq!(
            app.with_conn(|c| organisations::primary_representative(c, org.id))
                .expect("read"),
            Some(rosa.id)
        );

        // Deciding twice is refused.
        let twice = secretariat
            .post_form(
                &format!("{dossier_url}/decision"),
                &[
                    ("decision", "declined"),
                    ("effective_on", "2026-03-11"),
                    ("reason", "oops"),
                ],
            )
            .await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            twice.texts(".flash-error")[0].contains("already been decided"),
            "{:?}",
            twice.texts(".flash-error")
        );

        // Rosa follows her invitation, sets a password and is signed in as the representative.
        let path = link;
        let mut rosa_browser = app.client().await;
        let form = rosa_browser.get(&path).await;
        assert_eq!(form.texts("h1"), ["Welcome, Rosa Lima"]);
        let short = rosa_browser
            .post_form(
                &path,
                &[("password", "short"), ("password_confirm", "short")],
            )
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        let set = rosa_browser
            .post_form(
                &path,
                &[
                    ("password", "rosa's good password"),
                    ("password_confirm", "rosa's good password"),
                ],
            )
            .await;
        assert_eq!(set.location(), Some("/"));
        assert_eq!(
            rosa_browser.get("/organisations").await.status,
            StatusCode::OK,
            "a member sees the directory"
        );
        assert_eq!(
            rosa_browser.get(&path).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the link worked once"
        );
    })
}

#[actix_web::test]
async fn the_public_form_works_only_when_the_coalition_opens_it() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let mut visitor = app.client().await;
        assert_eq!(visitor.get("/apply").await.status, StatusCode::NOT_FOUND);
        app.with_conn(|c| {
            coalition::set_options(
                c,
                &admin,
                Options {
                    publish_member_list: false,
                    public_applications: true,
                    fees_enabled: false,
                    publish_statements: false,
                },
            )
        })
        .expect("open");
        let form = visitor.get("/apply").await;
        assert_eq!(form.status, StatusCode::OK);
        let media = sector_id(&app, "Media").to_string();
        let incomplete = visitor
            .post_form(
                "/apply",
                &[
                    ("name", "Press Club"),
                    ("sector_id", &media),
                    ("contact_name", ""),
                ],
            )
            .await;
        assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            incomplete.attr("input[name=name]", "value").as_deref(),
            Some("Press Club"),
            "input kept"
        );
        let done = visitor
            .post_form(
                "/apply",
                &[
                    ("name", "Press Club"),
                    ("sector_id", &media),
                    ("contact_name", "Pat"),
                    ("contact_email", "pat@press.example"),
                    ("motivation", "We report."),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK);
        assert_eq!(done.texts("h1"), ["Thank you"]);
        let queue = app.with_conn(admission::queue).expect("queue");
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].0.submitted_via, "public");
        assert_eq!(queue[0].1.status, "applicant");
    })
}

/// Opens the public form on a fresh coalition with one full member ("Union", rep@union.example).
fn open_public_form(app: &TestApp) -> roundtable::auth::permissions::Actor {
    let admin = admin_actor(app, app.bootstrap());
    member_org(
        app,
        &admin,
        "Union",
        "Trade union",
        Status::Full,
        "rep@union.example",
    );
    app.with_conn(|c| {
        coalition::set_options(
            c,
            &admin,
            Options {
                publish_member_list: false,
                public_applications: true,
                fees_enabled: false,
                publish_statements: false,
            },
        )
    })
    .expect("open");
    admin
}

fn organisation_count(app: &TestApp) -> usize {
    app.with_conn(roundtable::membership::directory::all)
        .expect("directory")
        .len()
}

#[actix_web::test]
async fn the_public_form_tells_nobody_who_exists_and_holds_duplicates_for_the_secretariat() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        open_public_form(&app);
        let media = sector_id(&app, "Media").to_string();
        let before = organisation_count(&app);
        let mut visitor = app.client().await;
        let mut answers = Vec::new();
        for (name, email) in [
            ("Press Club", "pat@press.example"),   // new: recorded
            ("Union", "someone@new.example"),      // a member's name
            ("Fresh Voices", "REP@union.example"), // a representative's email
        ] {
            visitor.get("/apply").await;
            let answer = visitor
                .post_form(
                    "/apply",
                    &[
                        ("name", name),
                        ("sector_id", &media),
                        ("contact_name", "Pat"),
                        ("contact_email", email),
                        ("motivation", "We report."),
                    ],
                )
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.body);
            answers.push(answer.texts("main p"));
        }
        // The same words for all three, apart from the name the applicant typed.
        for (answer, name) in answers.iter().zip(["Press Club", "Union", "Fresh Voices"]) {
            assert_eq!(
                answer.join(" ").replace(name, "NAME"),
                answers[0].join(" ").replace("Press Club", "NAME")
            );
            assert!(!answer.join(" ").contains("exists"), "{answer:?}");
        }
        assert_eq!(
            organisation_count(&app),
            before + 1,
            "only the new one is created"
        );

        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let queue = secretariat.get("/admission").await;
        let held = queue.texts("#held-table tbody tr");
        assert_eq!(held.len(), 2, "{held:?}");
        assert!(
            held[0].contains("the organisation Union (full member)"),
            "{}",
            held[0]
        );
        assert!(held[1].contains("the contact email of"), "{}", held[1]);

        let first = app
            .with_conn(admission::held)
            .expect("held")
            .first()
            .map(|h| h.id)
            .expect("one held");
        let dismissed = secretariat
            .post_form(&format!("/admission/held/{first}/dismiss"), &[])
            .await;
        assert_eq!(dismissed.status, StatusCode::SEE_OTHER);
        let queue = secretariat.get("/admission").await;
        assert_eq!(queue.texts("#held-table tbody tr").len(), 1);
        let again = secretariat
            .post_form(&format!("/admission/held/{first}/dismiss"), &[])
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "dismissed once only");
    })
}

#[actix_web::test]
async fn the_public_form_drops_robots_and_limits_each_address_per_day() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        open_public_form(&app);
        let media = sector_id(&app, "Media").to_string();
        let before = organisation_count(&app);
        let mut robot = app.client().await;
        let form = robot.get("/apply").await;
        assert_eq!(
            form.attr("input[name=homepage]", "tabindex").as_deref(),
            Some("-1"),
            "the hidden field is out of the tab order"
        );
        let dropped = robot
            .post_form(
                "/apply",
                &[
                    ("name", "Spam Inc"),
                    ("sector_id", &media),
                    ("contact_name", "Bot"),
                    ("contact_email", "bot@spam.example"),
                    ("homepage", "http://spam.example"),
                ],
            )
            .await;
        assert_eq!(dropped.status, StatusCode::OK);
        assert_eq!(dropped.texts("h1"), ["Thank you"]);
        assert_eq!(organisation_count(&app), before, "nothing kept");
        assert!(app.with_conn(admission::held).expect("held").is_empty());

        let mut visitor = app.client().await;
        for n in 0..5 {
            let answer = apply(&mut visitor, &format!("Group {n}"), &media).await;
            assert_eq!(answer.status, StatusCode::OK, "application {n}");
        }
        let sixth = apply(&mut visitor, "Group 5", &media).await;
        assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(sixth.body.contains("try again tomorrow"), "{}", sixth.body);
        assert_eq!(
            sixth.attr("input[name=name]", "value").as_deref(),
            Some("Group 5"),
            "what was typed is kept"
        );
        assert_eq!(organisation_count(&app), before + 5);

        // Another address is not affected.
        let mut elsewhere = app.client().await;
        elsewhere.peer = "198.51.100.20:4000".parse().expect("address");
        let answer = apply(&mut elsewhere, "Group 5", &media).await;
        assert_eq!(answer.status, StatusCode::OK);
    })
}

/// Sends the public form for a new group with a contact of its own.
async fn apply<S: crate::common::client::AppService>(
    visitor: &mut crate::common::Client<S>,
    name: &str,
    sector: &str,
) -> crate::common::client::Response {
    let email = format!("contact@{}.example", name.replace(' ', "-").to_lowercase());
    visitor.get("/apply").await;
    visitor
        .post_form(
            "/apply",
            &[
                ("name", name),
                ("sector_id", sector),
                ("contact_name", "Sam"),
                ("contact_email", &email),
            ],
        )
        .await
}
