//! A person's data: everything held about them in one file, for them and for the
//! administrator on their request; nothing of anyone else, and no secret.

use actix_web::http::StatusCode;
use roundtable::auth::store::find_by_email;

use crate::common::{TestApp, demo_login};
use crate::on_each_backend;

#[actix_web::test]
async fn a_person_downloads_everything_held_about_them_and_nothing_else() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let login = |role: &str| demo_login(&logins, role).clone();
        let member = login("as a member");
        let admin = login("administrator");
        // The member takes the Legal Aid Network's position in the open round.
        let (person, organisation, round) =
            super::member_approves_the_open_round(&app, &member.email);

        let mut browser = app.client().await;
        browser.sign_in(&member.email, &member.password).await;
        let account = browser.get("/account").await;
        assert_eq!(
            account.attr("#download-data", "href").as_deref(),
            Some("/account/data.json")
        );
        let download = browser.get("/account/data.json").await;
        assert_eq!(download.status, StatusCode::OK);
        assert_eq!(
            download.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        assert!(
            download
                .header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment"))
        );
        assert_eq!(download.header("cache-control"), Some("no-store"));
        let file = download.json();
        assert_eq!(file["person"]["email"], member.email.as_str());
        let data = &file["data"];
        let count = |part: &str| data[part].as_array().map_or(0, Vec::len);
        for part in [
            "profile",
            "organisation",
            "sessions",
            "positions",
            "statement_comments",
            "mail",
            "acted",
        ] {
            assert!(count(part) > 0, "{part} is in the file: {}", data[part]);
        }
        assert!(
            data["positions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["round_id"] == round.id && p["organisation_id"] == organisation),
            "the position just taken: {}",
            data["positions"]
        );
        assert!(
            file["summary"]
                .as_array()
                .is_some_and(|s| s.iter().any(|l| l.as_str().is_some_and(
                    |l| l.starts_with("positions you took in your organisation's name: ")
                ))),
            "{}",
            file["summary"]
        );
        // No secret, no live link, nobody else.
        let text = download.body.clone();
        for secret in ["password_hash", "token_hash", "$argon2"] {
            assert!(!text.contains(secret), "{secret} left the database");
        }
        assert!(!text.contains(roundtable::statements::demo::MINISTRY_REPRESENTATIVE));
        for mail in data["mail"].as_array().into_iter().flatten() {
            let body = mail["message_text_body"].as_str().unwrap_or_default();
            if let Some(at) = body.find("/invitation/") {
                assert!(body[at..].starts_with("/invitation/[removed]"), "{body}");
            }
        }

        // Someone else's data is theirs; the administrator answers a request.
        let other = app
            .with_conn(|c| find_by_email(c, roundtable::statements::demo::MINISTRY_REPRESENTATIVE))
            .expect("read")
            .expect("the agency's representative");
        let refused = browser
            .get(&format!("/people/{}/data.json", other.id))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let mut administrator = app.client().await;
        administrator.sign_in(&admin.email, &admin.password).await;
        let page = administrator.get(&format!("/people/{}", person.id)).await;
        let href = page
            .attr("#person-data a", "href")
            .expect("a download for the request");
        let theirs = administrator.get(&href).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert_eq!(theirs.json()["person"]["id"], person.id);
    })
}
