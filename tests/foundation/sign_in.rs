use std::time::Duration;

use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use roundtable::auth::store::{self, PersonDraft};
use roundtable::db::schema::login_throttle;
use roundtable::error::Error;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

#[actix_web::test]
async fn sign_in_succeeds_with_the_right_password_only() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.get("/login").await;
        let wrong = browser
            .post_form(
                "/login",
                &[("email", ADMIN_EMAIL), ("password", "not the password")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            wrong.texts("[role=alert]"),
            ["The email or password is not right."]
        );
        assert_eq!(
            wrong.attr("input[name=email]", "value").as_deref(),
            Some(ADMIN_EMAIL)
        );
        assert_eq!(
            browser.get("/").await.location(),
            Some("/login"),
            "still signed out"
        );

        // Email case does not matter.
        browser.sign_in("ADMIN@Example.ORG", ADMIN_PASSWORD).await;
        let home = browser.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert_eq!(home.texts("h1"), ["Welcome, Ada Admin"]);

        let out = browser.post_form("/logout", &[]).await;
        assert_eq!(out.location(), Some("/login"));
        assert_eq!(browser.get("/").await.location(), Some("/login"));
    })
}

/// A hash made with the settings of an earlier version (Argon2's default, 19 MiB) still signs
/// in, and that sign-in stores a hash with today's settings; a wrong password changes nothing.
#[actix_web::test]
async fn a_hash_with_older_settings_is_renewed_at_sign_in() {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    use roundtable::db::schema::people;
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let older = argon2::Argon2::default()
            .hash_password(ADMIN_PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
            .expect("hash")
            .to_string();
        let stored = || {
            app.with_conn(|c| {
                people::table
                    .filter(people::email.eq(ADMIN_EMAIL))
                    .select(people::password_hash)
                    .first::<Option<String>>(c)
                    .map_err(Error::from)
            })
            .expect("read")
            .expect("a hash")
        };
        app.with_conn(|c| {
            diesel::update(people::table.filter(people::email.eq(ADMIN_EMAIL)))
                .set(people::password_hash.eq(&older))
                .execute(c)
                .map_err(Error::from)
        })
        .expect("stored");

        let mut browser = app.client().await;
        let wrong = attempt(&mut browser, ADMIN_EMAIL, "not the password").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(stored(), older, "a wrong password renews nothing");

        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(browser.get("/").await.status, StatusCode::OK);
        let renewed = stored();
        assert_ne!(renewed, older);
        assert!(!roundtable::auth::password::outdated(&renewed), "{renewed}");
        assert!(roundtable::auth::password::verify(
            ADMIN_PASSWORD,
            Some(&renewed)
        ));

        let mut again = app.client().await;
        again.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(again.get("/").await.status, StatusCode::OK);
        assert_eq!(stored(), renewed, "a current hash is left as it is");
    })
}

#[actix_web::test]
async fn an_unknown_email_gets_the_same_answer_as_a_wrong_password() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.get("/login").await;
        let unknown = browser
            .post_form(
                "/login",
                &[
                    ("email", "nobody@example.org"),
                    ("password", "whatever it is"),
                ],
            )
            .await;
        browser.get("/login").await;
        let wrong = browser
            .post_form(
                "/login",
                &[("email", ADMIN_EMAIL), ("password", "whatever it is")],
            )
            .await;
        assert_eq!(unknown.status, wrong.status);
        assert_eq!(unknown.texts("[role=alert]"), wrong.texts("[role=alert]"));
    })
}

/// Moves the throttle's clock: every failure happened `seconds` earlier.
fn pass_time(app: &TestApp, seconds: i64) {
    app.with_conn(|conn| {
        let rows: Vec<(String, chrono::NaiveDateTime)> = login_throttle::table
            .select((
                login_throttle::throttle_key,
                login_throttle::last_failure_at,
            ))
            .load(conn)
            .expect("read throttle");
        for (key, last) in rows {
            diesel::update(login_throttle::table.find(key))
                .set(login_throttle::last_failure_at.eq(last - TimeDelta::seconds(seconds)))
                .execute(conn)
                .expect("move time");
        }
    });
}

async fn attempt<S: crate::common::client::AppService>(
    browser: &mut crate::common::client::Client<S>,
    email: &str,
    password: &str,
) -> crate::common::client::Response {
    browser.get("/login").await;
    browser
        .post_form("/login", &[("email", email), ("password", password)])
        .await
}

#[actix_web::test]
async fn failures_slow_an_account_down_but_never_lock_it() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        // Ten wrong passwords, each from another address, as a distributed guesser would.
        for n in 0..10u8 {
            let mut guesser = app.client().await;
            guesser.peer = format!("203.0.113.{n}:5000").parse().expect("address");
            pass_time(&app, 60);
            let wrong = attempt(&mut guesser, ADMIN_EMAIL, "wrong password").await;
            assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "guess {n}");
        }
        // Right after, even the right password waits (or the wait would tell a guesser).
        let mut owner = app.client().await;
        owner.peer = "198.51.100.7:50000".parse().expect("address");
        let slowed = attempt(&mut owner, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
        let message = &slowed.texts("[role=alert]")[0];
        assert!(message.contains("wait 40 seconds"), "{message}");
        assert!(!message.contains("locked"), "{message}");

        // Within a minute, from a place she never used, her password gets her in.
        pass_time(&app, 40);
        owner.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let account_rows = app.with_conn(|c| {
            login_throttle::table
                .find("account:admin@example.org")
                .count()
                .get_result::<i64>(c)
                .expect("count")
        });
        assert_eq!(
            account_rows, 0,
            "a successful sign-in clears the account's failures"
        );
    })
}

#[actix_web::test]
async fn a_guesser_slows_only_newcomers_at_a_shared_address() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        app.add_member("Bo Member", "bo@example.org", "bo's long password 1");
        // The admin has signed in from the office before.
        let mut admin = app.client().await;
        admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

        // Someone in the same office guesses at made-up accounts.
        let mut guesser = app.client().await;
        for n in 0..25 {
            pass_time(&app, 1);
            attempt(
                &mut guesser,
                &format!("made-up-{n}@example.org"),
                "guess guess",
            )
            .await;
        }
        let refused = attempt(&mut guesser, "another@example.org", "guess guess").await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);

        // The admin, known at this address, is not held back by them.
        let mut again = app.client().await;
        again.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // A colleague signing in here for the first time waits, but under a minute.
        let mut newcomer = app.client().await;
        let slowed = attempt(&mut newcomer, "bo@example.org", "bo's long password 1").await;
        assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
        pass_time(&app, 60);
        newcomer
            .sign_in("bo@example.org", "bo's long password 1")
            .await;
    })
}

#[actix_web::test]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    on_each_backend!(|backend| async {
        let app = TestApp::with_settings(&backend, |s| {
            s.trusted_proxies = roundtable::addresses::parse_ranges("10.0.0.0/8").expect("valid");
        });
        app.bootstrap();
        let address_budget = |app: &TestApp| {
            app.with_conn(|c| {
                login_throttle::table
                    .select(login_throttle::throttle_key)
                    .filter(login_throttle::throttle_key.like("address:%"))
                    .load::<String>(c)
                    .expect("keys")
            })
        };
        // Behind the proxy, the address the proxy appended is the client's.
        let mut proxied = app.client().await;
        proxied.peer = "10.0.0.1:443".parse().expect("address");
        proxied.forwarded_for = Some("6.6.6.6, 203.0.113.9".into());
        attempt(&mut proxied, "nobody@example.org", "a wrong password").await;
        assert_eq!(address_budget(&app), ["address:203.0.113.9"]);

        // A client talking directly cannot choose its address with the header.
        let mut direct = app.client().await;
        direct.peer = "198.51.100.3:5555".parse().expect("address");
        direct.forwarded_for = Some("203.0.113.77".into());
        attempt(&mut direct, "nobody@example.org", "a wrong password").await;
        let mut keys = address_budget(&app);
        keys.sort();
        assert_eq!(keys, ["address:198.51.100.3", "address:203.0.113.9"]);
    })
}

#[actix_web::test]
async fn signing_in_renews_the_session() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.get("/login").await;
        let (cookie_before, csrf_before) = (browser.cookie.clone(), browser.csrf.clone());
        assert!(cookie_before.is_some() && csrf_before.is_some());
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        browser.get("/").await;
        assert_ne!(browser.cookie, cookie_before, "a new cookie after sign-in");
        assert_ne!(browser.csrf, csrf_before, "a new CSRF token after sign-in");

        // The cookie from before sign-in grants nothing.
        let mut stale = app.client().await;
        stale.cookie = cookie_before;
        assert_eq!(stale.get("/").await.location(), Some("/login"));
    })
}

#[actix_web::test]
async fn an_idle_session_ends() {
    on_each_backend!(|backend| async {
        let app = TestApp::with_settings(&backend, |s| s.session_idle = Duration::from_secs(60));
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.state.clock.advance(TimeDelta::seconds(59));
        assert_eq!(
            browser.get("/").await.status,
            StatusCode::OK,
            "not idle yet"
        );
        app.state.clock.advance(TimeDelta::seconds(61));
        let after = browser.get("/").await;
        assert_eq!(after.location(), Some("/login"));
        let login = browser.get("/login").await;
        assert!(
            login
                .texts(".flash-info")
                .iter()
                .any(|t| t.contains("session has ended")),
            "{}",
            login.body
        );
    })
}

#[actix_web::test]
async fn a_session_ends_at_its_absolute_limit_however_active() {
    on_each_backend!(|backend| async {
        let app = TestApp::with_settings(&backend, |s| s.session_max = Duration::from_secs(3600));
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for _ in 0..4 {
            app.state.clock.advance(TimeDelta::minutes(14));
            assert_eq!(
                browser.get("/").await.status,
                StatusCode::OK,
                "active within the limit"
            );
        }
        app.state.clock.advance(TimeDelta::minutes(5));
        assert_eq!(browser.get("/").await.location(), Some("/login"));
    })
}

#[actix_web::test]
async fn emails_are_unique_whatever_their_case() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let twin = PersonDraft {
            name: "Twin",
            email: "Admin@EXAMPLE.org",
            password: None,
            is_admin: false,
        };
        let result = app.with_conn(|c| store::add_person_from_console(c, &twin));
        assert!(matches!(result, Err(Error::Conflict(_))), "{result:?}");
        // The database refuses it too, even past the service's check.
        let raw = app.with_conn(|c| {
            diesel::sql_query(
                "INSERT INTO people (name, email, active, is_admin, created_at) VALUES ('Twin', 'admin@example.org', TRUE, FALSE, '2026-01-01 00:00:00')",
            )
            .execute(c)
        });
        assert!(raw.is_err());
    })
}

/// An invitation link sets a first password and nothing else: the secretariat cannot make
/// one for a person who has a password, never sees one, and an old one stops working once
/// the person chose a password. Re-sending mails the person, not the one who asked.
#[actix_web::test]
async fn nobody_can_take_over_an_account_with_an_invitation() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = app.bootstrap();
        let admin = app
            .with_conn(|c| roundtable::actor::actor_for(c, admin))
            .expect("actor");
        let (shelter, rep) = crate::membership::member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            roundtable::membership::rules::Status::Full,
            "rep@shelter.example",
        );
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let person_page = format!("/people/{}", rep.id);
        secretariat.get(&person_page).await;
        let mailed_before = app.mailed_link("rep@shelter.example", "/invitation/");

        // The representative has a password: a new invitation is refused, nothing is mailed.
        let refused = secretariat
            .post_form(&format!("{person_page}/invite"), &[])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .texts("#invite-form .flash-error, .flash-error")
                .iter()
                .any(|t| t.contains("already set a password")),
            "{:?}",
            refused.texts(".flash-error")
        );
        assert!(!refused.body.contains("/invitation/"));
        assert_eq!(
            app.mailed_link("rep@shelter.example", "/invitation/"),
            mailed_before,
            "no new invitation"
        );

        // The invitation mailed at the start no longer sets a password.
        let old = mailed_before.expect("the first invitation");
        let mut stranger = app.client().await;
        let opened = stranger.get(&old).await;
        assert!(
            opened.attr("#field-password", "name").is_none(),
            "the used link offers no password form"
        );
        stranger.get("/login").await;
        let taken = stranger
            .post_form(
                &old,
                &[
                    ("password", "a stranger's password"),
                    ("password_confirm", "a stranger's password"),
                ],
            )
            .await;
        assert_ne!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
        let mut again = app.client().await;
        again.get("/login").await;
        let signed = again
            .post_form(
                "/login",
                &[
                    ("email", "rep@shelter.example"),
                    ("password", "a stranger's password"),
                ],
            )
            .await;
        assert_ne!(
            signed.location(),
            Some("/"),
            "the stranger's password does not work"
        );

        // Someone invited but not yet signed up gets the invitation again, by mail only.
        let input = roundtable::membership::people::PersonInput {
            name: "New Colleague".into(),
            email: "new@shelter.example".into(),
            ..Default::default()
        };
        let new = app
            .with_conn(|c| {
                roundtable::membership::people::add_to_organisation(c, &admin, shelter.id, &input)
            })
            .expect("added");
        let first = app.invitation_token("new@shelter.example");
        secretariat.get(&format!("/people/{}", new.id)).await;
        let resent = secretariat
            .post_form(&format!("/people/{}/invite", new.id), &[])
            .await;
        assert_eq!(resent.status, StatusCode::SEE_OTHER);
        let page = secretariat.get(&format!("/people/{}", new.id)).await;
        assert!(
            !page.body.contains("/invitation/"),
            "never shown to the inviter"
        );
        let second = app.invitation_token("new@shelter.example");
        assert_ne!(second, first, "a new link is mailed");
        // The colleague uses the second link; the first, never used, then changes nothing.
        app.with_conn(|c| {
            roundtable::membership::people::accept_invitation(
                c,
                &second,
                "the colleague's password",
            )
        })
        .expect("accepted");
        let late = app.with_conn(|c| {
            roundtable::membership::people::accept_invitation(c, &first, "someone else's password")
        });
        assert!(late.is_err(), "{late:?}");
        let colleague = app
            .with_conn(|c| store::find_by_email(c, "new@shelter.example"))
            .expect("read")
            .expect("exists");
        assert!(
            roundtable::auth::password::verify(
                "the colleague's password",
                colleague.password_hash.as_deref()
            ),
            "the colleague's own password stands"
        );
    })
}

/// `roundtable user reset` gives the console a reset link for a locked-out administrator;
/// nothing is mailed, and a deactivated or unknown address gets none.
#[actix_web::test]
async fn the_console_can_let_an_administrator_back_in() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let unknown = app.with_conn(|c| store::issue_reset_link(c, "nobody@example.org"));
        assert!(matches!(unknown, Err(Error::Invalid(_))), "{unknown:?}");
        let (person, token) = app
            .with_conn(|c| store::issue_reset_link(c, ADMIN_EMAIL))
            .expect("a link");
        assert_eq!(person.email, ADMIN_EMAIL);
        assert!(
            app.mailed_link(ADMIN_EMAIL, "/password/reset/").is_none(),
            "shown on the console only"
        );
        app.with_conn(|c| store::reset_password(c, &token, "a brand new admin password"))
            .expect("reset");
        let mut browser = app.client().await;
        browser.get("/login").await;
        let signed = browser
            .post_form(
                "/login",
                &[
                    ("email", ADMIN_EMAIL),
                    ("password", "a brand new admin password"),
                ],
            )
            .await;
        assert_eq!(signed.location(), Some("/"));
    })
}

/// A new reset link voids the older ones; an easy password is refused beside the field.
#[actix_web::test]
async fn only_the_newest_reset_link_works_and_easy_passwords_are_refused() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let (_, older) = app
            .with_conn(|c| store::issue_reset_link(c, ADMIN_EMAIL))
            .expect("a link");
        let (_, newer) = app
            .with_conn(|c| store::issue_reset_link(c, ADMIN_EMAIL))
            .expect("another link");
        let stale = app.with_conn(|c| store::reset_password(c, &older, "a fresh long password"));
        assert!(stale.is_err(), "the older link is void");

        let mut browser = app.client().await;
        let link = format!("/password/reset/{newer}");
        browser.get(&link).await;
        for easy in ["            ", "aaaaaaaaaaaa", "password1234", "too short"] {
            let refused = browser
                .post_form(&link, &[("password", easy), ("password_confirm", easy)])
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{easy:?}");
            assert_eq!(
                refused.texts("#field-password-errors li").len(),
                1,
                "{easy:?}"
            );
        }
        let done = browser
            .post_form(
                &link,
                &[
                    ("password", "three unrelated words"),
                    ("password_confirm", "three unrelated words"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
    })
}
