use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::db::schema::api_tokens;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

fn token_count(app: &TestApp) -> i64 {
    app.with_conn(|c| api_tokens::table.count().get_result(c).expect("count"))
}

#[actix_web::test]
async fn a_post_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        browser.get("/account").await;

        let missing = browser
            .post_form_raw("/account/tokens", &[("label", "sync")])
            .await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        assert_eq!(missing.texts("h1"), ["Not allowed"]);
        let wrong = browser
            .post_form_raw(
                "/account/tokens",
                &[("label", "sync"), ("csrf_token", "forged")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        assert_eq!(token_count(&app), 0);

        // A token from another session does not pass either.
        let mut other = app.client().await;
        other.get("/login").await;
        let foreign = other.csrf.clone().expect("token");
        let crossed = browser
            .post_form_raw(
                "/account/tokens",
                &[("label", "sync"), ("csrf_token", &foreign)],
            )
            .await;
        assert_eq!(crossed.status, StatusCode::FORBIDDEN);
        assert_eq!(token_count(&app), 0);

        // Sign-out is a state change too.
        assert_eq!(
            browser.post_form_raw("/logout", &[]).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            browser.get("/").await.status,
            StatusCode::OK,
            "still signed in"
        );

        let ok = browser
            .post_form("/account/tokens", &[("label", "sync")])
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(token_count(&app), 1);
    })
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        for path in [
            "/",
            "/login",
            "/no/such/page",
            "/api/v1/me",
            "/healthz",
            "/static/style.css",
        ] {
            let response = browser.get(path).await;
            let csp = response
                .header("content-security-policy")
                .unwrap_or_else(|| panic!("CSP on {path}"));
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(
                csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
                "{path}: {csp}"
            );
            assert_eq!(
                response.header("x-content-type-options"),
                Some("nosniff"),
                "{path}"
            );
            assert_eq!(
                response.header("referrer-policy"),
                Some("same-origin"),
                "{path}"
            );
        }
    })
}

#[actix_web::test]
async fn the_session_cookie_is_http_only_and_same_site_and_secure_on_https() {
    on_each_backend!(|backend| async {
        let plain = TestApp::new(&backend);
        let mut browser = plain.client().await;
        let response = browser.get("/login").await;
        let cookie = response
            .header("set-cookie")
            .expect("a session cookie")
            .to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(!cookie.contains("Secure"), "{cookie}");

        let https = TestApp::with_settings(&backend, |s| {
            s.base_url = "https://coalition.example".into()
        });
        let mut browser = https.client().await;
        let cookie = browser
            .get("/login")
            .await
            .header("set-cookie")
            .expect("cookie")
            .to_owned();
        assert!(cookie.contains("Secure"), "{cookie}");
    })
}

#[actix_web::test]
async fn errors_are_pages_for_people_and_json_for_the_api() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        let page = browser.get("/no/such/page").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert_eq!(page.texts("h1"), ["Page not found"]);
        assert_eq!(
            page.texts("a.skip-link"),
            ["Skip to content"],
            "in the layout"
        );

        let api = browser.get("/api/v1/no/such/thing").await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert_eq!(api.json()["error"]["code"], "not_found");

        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.add_member("Max Member", "max@example.org", "member password");
        let mut max = app.client().await;
        max.sign_in("max@example.org", "member password").await;
        let forbidden = max.get("/admin/audit").await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        assert_eq!(forbidden.texts("h1"), ["Not allowed"]);
        browser.get("/account").await;
        browser
            .post_form("/account/tokens", &[("label", "audit check")])
            .await;
        let audit = browser.get("/admin/audit").await;
        assert_eq!(audit.status, StatusCode::OK, "the administrator may");
        assert!(
            audit.texts("tbody td").iter().any(|t| t == "Ada Admin"),
            "actors by name"
        );
    })
}

#[actix_web::test]
async fn health_and_stylesheet() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let mut browser = app.client().await;
        let health = browser.get("/healthz").await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(health.json()["database"], "ok");
        let page = browser.get("/login").await;
        let href = page
            .attr("link[rel=stylesheet]", "href")
            .expect("a stylesheet");
        let css = browser.get(&href).await;
        assert_eq!(css.status, StatusCode::OK);
        assert!(
            css.header("cache-control")
                .is_some_and(|c| c.contains("max-age=31536000"))
        );
        assert!(css.body.contains(".skip-link"));
    })
}

/// Refused, a signed-in person keeps the menu and reads who may do what they asked; the
/// API answers in JSON as before.
#[actix_web::test]
async fn a_refusal_keeps_the_menu_and_names_who_may() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = crate::membership::admin_actor(&app, app.bootstrap());
        crate::membership::member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            roundtable::membership::rules::Status::Full,
            "rep@shelter.example",
        );
        let mut member = app.client().await;
        member
            .sign_in("rep@shelter.example", crate::membership::MEMBER_PASSWORD)
            .await;
        let refused = member.get("/admission").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(
            !refused.texts("nav[aria-label=Main] a").is_empty(),
            "the menu stays"
        );
        assert_eq!(
            refused.texts("#error-reason"),
            ["This is for the secretariat."]
        );
        let missing = member.get("/no/such/page").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(!missing.texts("nav[aria-label=Main] a").is_empty());
    })
}
