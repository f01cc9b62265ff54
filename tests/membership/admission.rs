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
