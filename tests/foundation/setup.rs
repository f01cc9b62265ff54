use std::time::Duration;

use actix_web::http::StatusCode;
use roundtable::auth::store;

use crate::common::TestApp;
use crate::on_each_backend;

fn setup_fields<'a>(email: &'a str, password: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("coalition_name", "Platform against Forced Labour"),
        ("time_zone", "Europe/Vienna"),
        ("name", "Grete Secretary"),
        ("email", email),
        ("password", password),
        ("password_confirm", password),
    ]
}

#[actix_web::test]
async fn the_setup_link_creates_the_coalition_once() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let token = app
            .with_conn(|c| store::issue_setup_link(c, Duration::from_secs(3600)))
            .expect("issue")
            .expect("a link while nobody exists");
        let mut browser = app.client().await;

        let home = browser.get("/").await;
        assert_eq!(home.texts("h1"), ["Roundtable is not set up yet"]);

        let form = browser.get(&format!("/setup/{token}")).await;
        assert_eq!(form.status, StatusCode::OK);
        let done = browser
            .post_form(
                &format!("/setup/{token}"),
                &setup_fields("Grete@Example.org", "ten chars or more"),
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

        let dashboard = browser.get("/").await;
        assert_eq!(dashboard.texts("h1"), ["Welcome, Grete Secretary"]);
        assert_eq!(
            dashboard.texts("a.brand"),
            ["Platform against Forced Labour"]
        );
        assert!(
            dashboard
                .texts(".flash-success")
                .iter()
                .any(|t| t.contains("set up"))
        );

        let coalition = app
            .with_conn(roundtable::coalition::get)
            .expect("read")
            .expect("created");
        assert_eq!(coalition.time_zone, "Europe/Vienna");
        let admin = app
            .with_conn(|c| store::find_by_email(c, "grete@example.org"))
            .expect("read")
            .expect("created");
        assert!(admin.is_admin, "the first person is an administrator");

        // The same link a second time: refused, and nobody else is created.
        let mut other = app.client().await;
        other.get("/login").await;
        let again = other
            .post_form(
                &format!("/setup/{token}"),
                &setup_fields("eve@example.org", "ten chars or more"),
            )
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("already been used"), "{}", again.body);
        assert_eq!(app.with_conn(store::count).expect("count"), 1);

        // Once somebody exists, no new set-up link is issued.
        assert_eq!(
            app.with_conn(|c| store::issue_setup_link(c, Duration::from_secs(60)))
                .expect("issue"),
            None
        );
    })
}

#[actix_web::test]
async fn an_expired_setup_link_is_refused() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let token = app
            .with_conn(|c| store::issue_setup_link(c, Duration::ZERO))
            .expect("issue")
            .expect("a link");
        let mut browser = app.client().await;
        let page = browser.get(&format!("/setup/{token}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("expired"), "{}", page.body);
        browser.get("/login").await;
        let post = browser
            .post_form(
                &format!("/setup/{token}"),
                &setup_fields("a@example.org", "ten chars or more"),
            )
            .await;
        assert_eq!(post.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.with_conn(store::count).expect("count"), 0);
        assert!(
            app.with_conn(roundtable::coalition::get)
                .expect("read")
                .is_none()
        );
    })
}

#[actix_web::test]
async fn an_invalid_form_comes_back_with_messages_and_input_kept() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let token = app
            .with_conn(|c| store::issue_setup_link(c, Duration::from_secs(3600)))
            .expect("issue")
            .expect("a link");
        let mut browser = app.client().await;
        browser.get(&format!("/setup/{token}")).await;
        let response = browser
            .post_form(
                &format!("/setup/{token}"),
                &[
                    ("coalition_name", "Platform against Forced Labour"),
                    ("time_zone", "Mars/Olympus_Mons"),
                    ("name", "Grete"),
                    ("email", "not-an-email"),
                    ("password", "short"),
                    ("password_confirm", "different"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.html();
        let invalid = scraper::Selector::parse(".field-invalid input, .field-invalid select")
            .expect("selector");
        let mut names: Vec<&str> = html
            .select(&invalid)
            .filter_map(|e| e.value().attr("name"))
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["email", "password", "password_confirm", "time_zone"]
        );
        assert_eq!(response.attr("#field-email-errors li", "class"), None);
        assert_eq!(
            response.texts("#field-email-errors li"),
            ["enter a valid email address"]
        );
        assert_eq!(
            response
                .attr("input[name=coalition_name]", "value")
                .as_deref(),
            Some("Platform against Forced Labour")
        );
        assert_eq!(
            response.attr("input[name=email]", "value").as_deref(),
            Some("not-an-email")
        );
        assert_eq!(
            response.attr("input[name=password]", "value").as_deref(),
            Some(""),
            "passwords are never echoed"
        );
        // Nothing was created and the link still works.
        assert_eq!(app.with_conn(store::count).expect("count"), 0);
        assert_eq!(
            browser.get(&format!("/setup/{token}")).await.status,
            StatusCode::OK
        );
    })
}
