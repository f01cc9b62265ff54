use actix_web::http::StatusCode;
use roundtable::coalition::{self, Options};
use roundtable::membership::mou;
use roundtable::membership::organisations;
use roundtable::membership::rules::Status;

use super::{MEMBER_PASSWORD, admin_actor, day, member_org};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

const GOOD_CSV: &str = "organisation,sector,status,person_name,person_email,representation,authoriser\n\
Ministry of Labour,Ministry,full,Anna Minister,anna@labour.example,primary,no\n\
Ministry of Labour,Ministry,full,Bert Head,bert@labour.example,,yes\n\
Roma Rights Group,Migrant or self-organised group,associate,Cem Activist,cem@roma.example,primary,\n";

#[actix_web::test]
async fn a_csv_with_one_bad_row_imports_nothing_and_names_the_row() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        browser.get("/import").await;
        let bad = format!(
            "{GOOD_CSV}Nowhere Org,Astrology,full,Dee,dee@nowhere.example,primary,\nShelter Two,NGO,full,Eve,not-an-email,primary,\n"
        );
        let response = browser
            .post_multipart("/import", &[("file", Some("members.csv"), &bad)])
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        let problems = response.texts("#import-problems li");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("Line 5:")
                && problems[0].contains("\"Astrology\" is not a sector"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("Line 6:") && problems[1].contains("not an email"),
            "{problems:?}"
        );
        assert_eq!(
            response.attr("input[type=file]", "name").as_deref(),
            Some("file"),
            "the form is there to choose the corrected file"
        );
        assert!(
            app.with_conn(|c| organisations::find_by_name(c, "Ministry of Labour"))
                .expect("read")
                .is_none(),
            "nothing imported"
        );

        // A full member without a primary representative is a bad row too.
        let no_primary = "organisation,sector,status,person_name,person_email,representation\nCity,Local authority,full,Fay,fay@city.example,alternate\n";
        let response = browser
            .post_multipart("/import", &[("file", Some("members.csv"), no_primary)])
            .await;
        assert!(
            response.texts("#import-problems li")[0]
                .contains("no row names its primary representative")
        );

        let ok = browser
            .post_multipart("/import", &[("file", Some("members.csv"), GOOD_CSV)])
            .await;
        // Post/redirect/get: the directory says what was imported.
        assert_eq!(
            ok.status,
            StatusCode::SEE_OTHER,
            "{}",
            ok.texts("#import-problems li").join("|")
        );
        assert_eq!(ok.location(), Some("/organisations"));
        let directory = browser.get("/organisations").await;
        let said = directory.texts(".flash-success").concat();
        assert!(said.contains("and 3 people"), "{said}");
        assert!(
            !directory.body.contains("/invitation/"),
            "links go by mail only"
        );
        let ministry = app
            .with_conn(|c| organisations::find_by_name(c, "Ministry of Labour"))
            .expect("read")
            .expect("imported");
        assert_eq!(ministry.status, "full");
        assert!(ministry.needs_authorisation, "governmental by its sector");
        assert!(
            app.with_conn(|c| organisations::primary_representative(c, ministry.id))
                .expect("read")
                .is_some()
        );

        // What adding them one by one records: their history, an audit trail that verifies,
        // and an invitation mailed to each person.
        assert_eq!(
            app.with_conn(|c| organisations::history(c, ministry.id))
                .expect("history")
                .len(),
            1
        );
        assert!(matches!(
            app.with_conn(roundtable::audit::verify).expect("verify"),
            roundtable::audit::Verdict::Intact { .. }
        ));
        let invitations: i64 = app.with_conn(|c| {
            use diesel::prelude::*;
            roundtable::db::schema::outbox_messages::table
                .filter(roundtable::db::schema::outbox_messages::kind.eq("invitation"))
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(invitations, 3);
        let token = app.invitation_token("anna@labour.example");
        app.with_conn(|c| {
            roundtable::membership::people::accept_invitation(c, &token, MEMBER_PASSWORD)
        })
        .expect("the mailed invitation works");

        // Importing the same file again: every organisation already exists, nothing changes.
        let again = browser
            .post_multipart("/import", &[("file", Some("members.csv"), GOOD_CSV)])
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The export holds what was imported, one row per person.
        let export = browser.get("/organisations/export.csv").await;
        assert_eq!(
            export.header("content-type"),
            Some("text/csv; charset=utf-8")
        );
        let mut reader = csv::Reader::from_reader(export.body.as_bytes());
        let rows: Vec<csv::StringRecord> =
            reader.records().map(|r| r.expect("a CSV row")).collect();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().any(|r| &r[0] == "Ministry of Labour"
            && &r[13] == "anna@labour.example"
            && &r[14] == "primary"));
    })
}

#[actix_web::test]
async fn the_public_sees_the_member_list_only_when_published_and_only_names_and_sectors() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            Status::Full,
            "rep@shelter.example",
        );
        member_org(
            &app,
            &admin,
            "Hopeful Applicant",
            "NGO",
            Status::Applicant,
            "rep@hopeful.example",
        );
        let mut public = app.client().await;
        assert_eq!(
            public.get("/organisations").await.location(),
            Some("/login")
        );

        let options = Options {
            publish_member_list: true,
            public_applications: false,
            fees_enabled: false,
            publish_statements: false,
        };
        app.with_conn(|c| coalition::set_options(c, &admin, options))
            .expect("publish");
        let list = public.get("/organisations").await;
        assert_eq!(list.status, StatusCode::OK);
        let rows = list.texts("#public-members tbody tr");
        assert_eq!(rows.len(), 1, "applicants are not members: {rows:?}");
        assert_eq!(list.texts("#public-members tbody td"), ["Shelter", "NGO"]);
        assert!(
            !list.body.contains("rep@shelter.example"),
            "no contact details in public"
        );

        // A member sees contact details.
        let mut member = app.client().await;
        member.sign_in("rep@shelter.example", MEMBER_PASSWORD).await;
        let directory = member.get("/organisations").await;
        assert_eq!(directory.texts("#directory tbody tr").len(), 1);
        let org = directory
            .attr("#directory tbody a", "href")
            .expect("a link");
        let page = member.get(&org).await;
        assert!(
            page.texts("#people-table td")
                .iter()
                .any(|t| t == "rep@shelter.example")
        );
    })
}

#[actix_web::test]
async fn the_directory_filters_and_counts() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        member_org(
            &app,
            &admin,
            "Police",
            "Police",
            Status::Full,
            "p@police.example",
        );
        member_org(
            &app,
            &admin,
            "Union",
            "Trade union",
            Status::Full,
            "u@union.example",
        );
        member_org(
            &app,
            &admin,
            "Press",
            "Media",
            Status::Associate,
            "m@press.example",
        );
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let all = browser.get("/organisations").await;
        assert_eq!(all.texts("#directory tbody tr").len(), 3);
        let gov = browser.get("/organisations?side=governmental").await;
        assert_eq!(
            gov.texts("#directory tbody tr td:first-child a"),
            ["Police"]
        );
        let associates = browser.get("/organisations?status=associate").await;
        assert_eq!(
            associates.texts("#directory tbody tr td:first-child a"),
            ["Press"]
        );
        assert!(
            all.texts(".counts li")
                .iter()
                .any(|t| t == "Civil society: 2"),
            "{:?}",
            all.texts(".counts li")
        );
    })
}

#[actix_web::test]
async fn a_new_memorandum_version_must_be_signed_again_and_history_survives_withdrawal() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (shelter, _) = member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            Status::Full,
            "rep@shelter.example",
        );
        let (union, _) = member_org(
            &app,
            &admin,
            "Union",
            "Trade union",
            Status::Full,
            "rep@union.example",
        );
        let v1 = app
            .with_conn(|c| mou::adopt(c, &admin, "MoU", "We **cooperate**.", day("2025-01-01")))
            .expect("adopt");
        app.with_conn(|c| {
            mou::sign(
                c,
                &admin,
                v1.id,
                shelter.id,
                "Director",
                day("2025-01-10"),
                "A/1",
            )
        })
        .expect("sign");
        // The union's representative signs for the union, but not for the shelter.
        let rep = app
            .with_conn(|c| {
                let p =
                    roundtable::auth::store::find_by_email(c, "rep@union.example")?.expect("rep");
                roundtable::actor::actor_for(c, p)
            })
            .expect("actor");
        let foreign = app
            .with_conn(|c| mou::sign(c, &rep, v1.id, shelter.id, "Someone", day("2025-01-11"), ""));
        assert!(matches!(foreign, Err(ref e) if e.is_forbidden()));
        app.with_conn(|c| {
            mou::sign(
                c,
                &rep,
                v1.id,
                union.id,
                "Union chair",
                day("2025-01-11"),
                "",
            )
        })
        .expect("own signature");
        let twice = app
            .with_conn(|c| mou::sign(c, &admin, v1.id, union.id, "Again", day("2025-01-12"), ""));
        assert!(matches!(twice, Err(roundtable::error::Error::Conflict(_))));

        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = browser.get("/memorandum").await;
        assert_eq!(
            page.texts("#signature-count"),
            ["2 of 2 members have signed."]
        );
        assert_eq!(
            page.texts("#memorandum-text strong"),
            ["cooperate"],
            "Markdown is rendered"
        );

        browser
            .post_form(
                "/memorandum",
                &[
                    ("title", "MoU"),
                    ("body", "We cooperate <script>x</script>."),
                    ("adopted_on", "2026-01-01"),
                ],
            )
            .await;
        let page = browser.get("/memorandum").await;
        assert_eq!(
            page.texts("#signature-count"),
            ["0 of 2 members have signed."]
        );
        assert!(
            !page.body.contains("<script>x"),
            "raw HTML is not passed through"
        );
        let sign = page
            .attr("form#sign-form", "action")
            .expect("a signing form");
        browser
            .post_form(
                &sign,
                &[
                    ("organisation_id", &shelter.id.to_string()),
                    ("signed_by_name", "Director"),
                    ("signed_on", "2026-01-05"),
                ],
            )
            .await;
        assert_eq!(
            browser.get("/memorandum").await.texts("#signature-count"),
            ["1 of 2 members have signed."]
        );

        // The shelter withdraws: its signatures and history stay on record.
        app.with_conn(|c| {
            organisations::change_status(
                c,
                &admin,
                shelter.id,
                Status::Withdrawn,
                day("2026-02-01"),
                "merged",
            )
        })
        .expect("withdraw");
        let org_page = browser.get(&format!("/organisations/{}", shelter.id)).await;
        assert_eq!(org_page.texts("#history-table tbody tr").len(), 2);
        assert_eq!(
            org_page.texts("#people-table tbody tr").len(),
            1,
            "its people stay listed"
        );
        let signatures: i64 = app.with_conn(|c| {
            use diesel::prelude::*;
            use roundtable::db::schema::mou_signatures;
            mou_signatures::table
                .filter(mou_signatures::organisation_id.eq(shelter.id))
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(signatures, 2);
    })
}

/// An organisation's fees are between it and the secretariat: another member's people do not
/// see them on its page.
#[actix_web::test]
async fn fees_show_to_their_organisation_and_the_secretariat_only() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        app.with_conn(|c| {
            roundtable::coalition::set_options(
                c,
                &admin,
                roundtable::coalition::Options {
                    publish_member_list: false,
                    public_applications: false,
                    fees_enabled: true,
                    publish_statements: false,
                },
            )
        })
        .expect("fees on");
        let (shelter, _) = member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            Status::Full,
            "rep@shelter.example",
        );
        member_org(
            &app,
            &admin,
            "Union",
            "Trade union",
            Status::Full,
            "rep@union.example",
        );
        let page = format!("/organisations/{}", shelter.id);
        let mut own = app.client().await;
        own.sign_in("rep@shelter.example", MEMBER_PASSWORD).await;
        assert_eq!(own.get(&page).await.texts("h2#fees").len(), 1);
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(secretariat.get(&page).await.texts("h2#fees").len(), 1);
        let mut other = app.client().await;
        other.sign_in("rep@union.example", MEMBER_PASSWORD).await;
        let seen = other.get(&page).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(
            seen.texts("h2#fees").is_empty(),
            "not another member's business"
        );
    })
}
