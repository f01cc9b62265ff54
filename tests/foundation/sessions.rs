//! Sessions live on the server: signing out, a password reset, the account page and a
//! deactivation end them, and a copied cookie dies with them. Tokens end when revoked,
//! expired, or their person deactivated.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::auth::store;
use roundtable::db::schema::api_tokens;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::membership::{MEMBER_PASSWORD, admin_actor, member_org};
use crate::on_each_backend;

#[actix_web::test]
async fn a_copied_cookie_is_dead_after_sign_out() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let mut thief = app.client().await;
        thief.cookie = browser.cookie.clone();
        let stolen = thief.get("/account").await;
        assert_eq!(
            stolen.status,
            StatusCode::OK,
            "the copy works while the session does"
        );

        browser.get("/").await;
        let out = browser.post_form("/logout", &[]).await;
        assert_eq!(out.location(), Some("/login"));
        assert_eq!(thief.get("/account").await.location(), Some("/login"));
        // Nor can the copy act: the token form is gone with the session.
        let made = thief
            .post_form(
                "/account/tokens",
                &[("label", "after sign-out"), ("valid_days", "")],
            )
            .await;
        assert_ne!(made.status, StatusCode::OK);
        let tokens: i64 =
            app.with_conn(|c| api_tokens::table.count().get_result(c).expect("count"));
        assert_eq!(tokens, 0, "no token was made with the copied cookie");
    })
}

#[actix_web::test]
async fn a_password_reset_ends_every_other_session() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut old = app.client().await;
        old.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let (_, token) = app
            .with_conn(|c| store::issue_reset_link(c, ADMIN_EMAIL))
            .expect("a link");
        let mut fresh = app.client().await;
        let link = format!("/password/reset/{token}");
        fresh.get(&link).await;
        let done = fresh
            .post_form(
                &link,
                &[
                    ("password", "an entirely new password"),
                    ("password_confirm", "an entirely new password"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(fresh.get("/account").await.status, StatusCode::OK);
        assert_eq!(
            old.get("/account").await.location(),
            Some("/login"),
            "the session from before the reset is over"
        );
    })
}

#[actix_web::test]
async fn the_account_page_lists_sessions_and_ends_one() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut office = app.client().await;
        office.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let mut forgotten = app.client().await;
        forgotten.peer = "198.51.100.7:5000".parse().expect("address");
        forgotten.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

        let page = office.get("/account").await;
        let rows = page.texts("#sessions-table tbody tr");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows.iter().any(|r| r.contains("this browser")));
        let end = page
            .attr("#sessions-table form", "action")
            .expect("the other session can be ended");
        assert!(rows.iter().any(|r| r.contains("198.51.100.7")), "{rows:?}");
        let ended = office.post_form(&end, &[]).await;
        assert_eq!(ended.status, StatusCode::SEE_OTHER);
        assert_eq!(forgotten.get("/account").await.location(), Some("/login"));
        assert_eq!(office.get("/account").await.status, StatusCode::OK);

        // Someone else's session cannot be ended from here.
        let mut member = app.client().await;
        let admin = admin_actor(
            &app,
            app.with_conn(|c| store::find_by_email(c, ADMIN_EMAIL))
                .expect("read")
                .expect("admin"),
        );
        member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            roundtable::membership::rules::Status::Full,
            "rep@shelter.example",
        );
        member.sign_in("rep@shelter.example", MEMBER_PASSWORD).await;
        member.get("/account").await;
        let theirs = office
            .get("/account")
            .await
            .texts("#sessions-table tbody tr")
            .len();
        let other = member.post_form(&end, &[]).await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "not their session");
        assert_eq!(
            office
                .get("/account")
                .await
                .texts("#sessions-table tbody tr")
                .len(),
            theirs
        );
    })
}

#[actix_web::test]
async fn deactivation_ends_sessions_and_tokens_and_expired_tokens_stop() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (shelter, rep) = member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            roundtable::membership::rules::Status::Full,
            "rep@shelter.example",
        );
        let input = roundtable::membership::people::PersonInput {
            name: "Staff".into(),
            email: "staff@shelter.example".into(),
            ..Default::default()
        };
        let staff = app
            .with_conn(|c| {
                roundtable::membership::people::add_to_organisation(c, &admin, shelter.id, &input)
            })
            .expect("added");
        let token = app.invitation_token("staff@shelter.example");
        app.with_conn(|c| {
            roundtable::membership::people::accept_invitation(c, &token, MEMBER_PASSWORD)
        })
        .expect("accepted");
        let mut browser = app.client().await;
        browser
            .sign_in("staff@shelter.example", MEMBER_PASSWORD)
            .await;
        let api_token = app
            .with_conn(|c| roundtable::auth::tokens::create_api_token(c, &staff, "script"))
            .expect("token");
        let mut api = app.client().await;
        assert_eq!(
            api.api_get("/api/v1/me", &api_token).await.status,
            StatusCode::OK
        );

        app.with_conn(|c| roundtable::membership::people::deactivate(c, &admin, staff.id, "left"))
            .expect("deactivated");
        assert_eq!(browser.get("/account").await.location(), Some("/login"));
        assert_eq!(
            api.api_get("/api/v1/me", &api_token).await.status,
            StatusCode::UNAUTHORIZED
        );
        let revoked: i64 = app.with_conn(|c| {
            api_tokens::table
                .filter(api_tokens::person_id.eq(staff.id))
                .filter(api_tokens::revoked_at.is_not_null())
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(revoked, 1, "revoked, not only refused");

        // A token made for 30 days stops when its time is up.
        let mut owner = app.client().await;
        owner.sign_in("rep@shelter.example", MEMBER_PASSWORD).await;
        owner.get("/account").await;
        let made = owner
            .post_form(
                "/account/tokens",
                &[("label", "calendar sync"), ("valid_days", "30")],
            )
            .await;
        assert_eq!(made.status, StatusCode::OK);
        let shown = made.texts("code.token");
        assert_eq!(shown.len(), 1);
        assert!(
            made.texts("table tbody td")
                .iter()
                .any(|t| t.starts_with("until "))
        );
        assert_eq!(
            api.api_get("/api/v1/me", &shown[0]).await.status,
            StatusCode::OK
        );
        let listed = owner
            .get("/account")
            .await
            .texts("table tbody td")
            .join(" | ");
        assert!(
            listed.contains("from 192.0.2.10"),
            "where it was last used: {listed}"
        );
        app.with_conn(|c| {
            diesel::update(api_tokens::table.filter(api_tokens::person_id.eq(rep.id)))
                .set(
                    api_tokens::expires_at
                        .eq(chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1)),
                )
                .execute(c)
                .expect("time passes")
        });
        assert_eq!(
            api.api_get("/api/v1/me", &shown[0]).await.status,
            StatusCode::UNAUTHORIZED
        );
        let refused = owner
            .post_form(
                "/account/tokens",
                &[("label", "forever-ish"), ("valid_days", "99999")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
}

/// An address plus "forgot my password" is an account: the secretariat's change of a
/// member's address waits until the person confirms from the old one.
#[actix_web::test]
async fn a_new_address_needs_its_owners_confirmation() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (_, rep) = member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            roundtable::membership::rules::Status::Full,
            "rep@shelter.example",
        );
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = format!("/people/{}", rep.id);
        secretariat.get(&page).await;
        let asked = secretariat
            .post_form(
                &format!("{page}/email"),
                &[("email", "attacker@example.net")],
            )
            .await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER);
        let unchanged = app.with_conn(|c| store::find(c, rep.id)).expect("person");
        assert_eq!(
            unchanged.email, "rep@shelter.example",
            "nothing changes yet"
        );
        // The link goes to the present address only, and nothing to the new one.
        let link = app
            .mailed_link("rep@shelter.example", "/email/confirm/")
            .expect("a confirmation mailed to the old address");
        assert!(
            app.mailed_link("attacker@example.net", "/email/confirm/")
                .is_none()
        );
        // "Forgot my password" for the new address does nothing.
        let mut stranger = app.client().await;
        stranger.get("/password/forgot").await;
        stranger
            .post_form("/password/forgot", &[("email", "attacker@example.net")])
            .await;
        assert!(
            app.mailed_link("attacker@example.net", "/password/reset/")
                .is_none()
        );

        // The owner follows the link: a page, then one button.
        let mut owner = app.client().await;
        let shown = owner.get(&link).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(shown.body.contains("attacker@example.net"));
        let done = owner.post_form(&link, &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let changed = app.with_conn(|c| store::find(c, rep.id)).expect("person");
        assert_eq!(changed.email, "attacker@example.net");
        assert_ne!(
            owner.post_form(&link, &[]).await.status,
            StatusCode::SEE_OTHER,
            "once"
        );

        // A taken address is refused beside the field.
        secretariat.get(&page).await;
        let taken = secretariat
            .post_form(&format!("{page}/email"), &[("email", ADMIN_EMAIL)])
            .await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            taken.texts("form#email-form #field-email-errors li").len(),
            1
        );
    })
}
