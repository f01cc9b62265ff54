use actix_web::http::StatusCode;
use roundtable::auth::tokens;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

#[actix_web::test]
async fn an_api_token_works_until_it_is_revoked() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = app.bootstrap();
        let token = app
            .with_conn(|c| tokens::create_api_token(c, &admin, "calendar sync"))
            .expect("token");
        let mut client = app.client().await;

        let me = client.api_get("/api/v1/me", &token).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.body);
        assert_eq!(me.json()["email"], ADMIN_EMAIL);
        assert_eq!(me.json()["roles"][0], "administrator");

        let none = client.get("/api/v1/me").await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED);
        assert_eq!(none.json()["error"]["code"], "unauthenticated");
        let forged = client.api_get("/api/v1/me", "rt_forged").await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED);

        // Only the hash is stored.
        let stored: Vec<String> = app.with_conn(|c| {
            use diesel::prelude::*;
            roundtable::db::schema::api_tokens::table
                .select(roundtable::db::schema::api_tokens::token_hash)
                .load(c)
                .expect("read")
        });
        assert_eq!(stored, [tokens::hash_token(&token)]);

        // Revoked from the account page, it stops working.
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let account = browser.get("/account").await;
        let action = account
            .attr("form[action$='/revoke']", "action")
            .expect("a revoke button");
        let revoked = browser.post_form(&action, &[]).await;
        assert_eq!(revoked.status, StatusCode::SEE_OTHER);
        assert_eq!(
            client.api_get("/api/v1/me", &token).await.status,
            StatusCode::UNAUTHORIZED
        );
        let account = browser.get("/account").await;
        assert!(account.texts("td").iter().any(|t| t.starts_with("revoked")));
    })
}

#[actix_web::test]
async fn a_token_created_on_the_account_page_is_shown_once_and_works() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        browser.get("/account").await;
        let empty = browser
            .post_form("/account/tokens", &[("label", "  ")])
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        let created = browser
            .post_form("/account/tokens", &[("label", "office server")])
            .await;
        let token = created
            .texts("code.token")
            .pop()
            .expect("the new token is shown");
        let mut client = app.client().await;
        assert_eq!(
            client.api_get("/api/v1/me", &token).await.status,
            StatusCode::OK
        );
        let later = browser.get("/account").await;
        assert!(later.texts("code.token").is_empty(), "never shown again");
    })
}
