//! Pages rendered once per change (`web::cache`): read again before anything changed, a page
//! costs one query (the data's version) and gives the same bytes; a change, another
//! person, an ended session or a waiting message is never answered from memory.

use std::io::Read;

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::cli::seed_demo;
use roundtable::db::schema::{complaint_access, evaluation_reads, statements};

use super::query_counts::{ROLES, queries, tour};
use crate::common::client::AppService;
use crate::common::{Client, TestApp, demo_login, fixtures};
use crate::on_each_backend;

/// The clock's minute: a kept page is answered only within the minute it was rendered in.
fn minute(app: &TestApp) -> i64 {
    app.state.clock.now().timestamp().div_euclid(60)
}

/// Reads `path` twice; the second answer's query count and whether it gave the same bytes.
/// Read again when the minute turned between the two (the page is then rendered anew).
pub(crate) async fn read_twice(
    app: &TestApp,
    client: &mut Client<impl AppService>,
    path: &str,
) -> (u64, bool) {
    loop {
        let started = minute(app);
        let first = client.get(path).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let again = client.get(path).await;
        assert_eq!(again.status, StatusCode::OK, "{path}");
        if minute(app) == started {
            return (
                queries(again.header("server-timing")),
                first.body == again.body,
            );
        }
    }
}

/// How many times a complaint's content was opened (each opening is recorded).
fn opened(app: &TestApp) -> i64 {
    app.with_conn(|c| complaint_access::table.count().get_result(c))
        .expect("the record of openings")
}

/// The demo's member signed in, having read `path` twice: the page is kept.
async fn member_reading(
    app: &TestApp,
    logins: &[roundtable::cli::DemoLogin],
    path: &str,
) -> Client<impl AppService> {
    let member = demo_login(logins, "a member");
    let mut client = app.client().await;
    client.sign_in(&member.email, &member.password).await;
    let (count, _) = read_twice(app, &mut client, path).await;
    assert_eq!(count, 1, "kept");
    client
}

#[actix_web::test]
async fn every_page_read_again_costs_one_query_and_gives_the_same_page() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let pages = tour(&app);
        for (role, names) in ROLES {
            let who = demo_login(&logins, role);
            let mut client = app.client().await;
            client.sign_in(&who.email, &who.password).await;
            for (name, path) in pages.iter().filter(|(n, _)| names.contains(n)) {
                let opened_before = opened(&app);
                let (count, same) = read_twice(&app, &mut client, path).await;
                if opened(&app) > opened_before {
                    // Opening a complaint's content is recorded each time: never kept.
                    assert!(count > 1, "{name} as {role}: rendered and recorded");
                    continue;
                }
                assert_eq!(count, 1, "{name} as {role}, read again");
                assert!(same, "{name} as {role}: the same page");
            }
        }
        assert!(app.state.page_cache.bytes() > 0);
    })
}

/// The secretariat plans a meeting in three days, through the services (a change made
/// without any page: as another instance or the command line would).
pub(crate) fn plan_meeting(app: &TestApp, logins: &[roundtable::cli::DemoLogin], title: &str) {
    let secretariat = super::query_counts::secretariat(app, logins);
    let today = app.with_conn(roundtable::coalition::today).expect("today");
    app.with_conn(|c| {
        roundtable::meetings::store::create(
            c,
            &secretariat,
            &fixtures::meeting(title, today + chrono::Days::new(3)),
        )
    })
    .expect("a meeting planned");
}

/// A browser that accepts gzip is answered the kept page gzipped, compressed once when it
/// was kept: the same page a client without gzip gets, and read again one query.
#[actix_web::test]
async fn a_kept_page_is_gzipped_once_for_browsers_that_accept_it() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let mut client = member_reading(&app, &logins, "/organisations").await;
        loop {
            let started = minute(&app);
            let plain = client.get("/organisations").await;
            let gzipped = client
                .get_with("/organisations", ("accept-encoding", "gzip, deflate, br"))
                .await;
            let again = client
                .get_with("/organisations", ("accept-encoding", "gzip"))
                .await;
            if minute(&app) != started {
                continue;
            }
            assert_eq!(plain.header("content-encoding"), None);
            assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
            assert!(
                gzipped
                    .header("vary")
                    .is_some_and(|v| v.contains("accept-encoding"))
            );
            assert_eq!(queries(again.header("server-timing")), 1);
            assert_eq!(again.bytes, gzipped.bytes, "compressed once, then kept");
            let mut page = String::new();
            flate2::read::GzDecoder::new(&gzipped.bytes[..])
                .read_to_string(&mut page)
                .expect("a gzip body");
            assert_eq!(page, plain.body);
            // Compressed by the cache when it kept the page (the compression middleware, which
            // compressed at every answer, uses a faster level and gives other bytes).
            let html = [(
                actix_web::http::header::CONTENT_TYPE,
                actix_web::http::header::HeaderValue::from_static("text/html; charset=utf-8"),
            )];
            assert_eq!(
                roundtable::web::gzip::compressed(&html, &plain.bytes),
                Some(gzipped.bytes.clone())
            );
            assert!(
                gzipped.bytes.len() < plain.bytes.len() / 2,
                "{} of {}",
                gzipped.bytes.len(),
                plain.bytes.len()
            );
            break;
        }
    })
}

#[actix_web::test]
async fn a_change_is_seen_at_once() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let mut client = member_reading(&app, &logins, "/meetings").await;
        plan_meeting(&app, &logins, "Seasonal workers' housing");
        let page = client.get("/meetings").await;
        assert!(
            page.body.contains("Seasonal workers&#39; housing")
                || page.body.contains("Seasonal workers' housing"),
            "the new meeting is on the calendar at once"
        );
        assert!(queries(page.header("server-timing")) > 1, "rendered anew");
    })
}

#[actix_web::test]
async fn one_persons_page_is_never_anothers() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let (member, authoriser) = (
            demo_login(&logins, "a member"),
            demo_login(&logins, "authoriser"),
        );
        let name_of = |email: &str| {
            app.with_conn(|c| roundtable::auth::store::find_by_email(c, email))
                .expect("read")
                .expect("a person")
                .name
        };
        let (member_name, authoriser_name) = (name_of(&member.email), name_of(&authoriser.email));
        let mut first = app.client().await;
        first.sign_in(&member.email, &member.password).await;
        let (count, _) = read_twice(&app, &mut first, "/").await;
        assert_eq!(count, 1, "the member's dashboard is kept");
        let mut second = app.client().await;
        second
            .sign_in(&authoriser.email, &authoriser.password)
            .await;
        let page = second.get("/").await;
        assert!(page.body.contains(&authoriser_name), "their own dashboard");
        assert!(!page.body.contains(&member_name), "not the member's");
        // Nobody signed in at the same address is asked to sign in.
        let mut nobody = app.client().await;
        let page = nobody.get("/").await;
        assert!(!page.body.contains(&member_name) && page.status != StatusCode::OK);
    })
}

#[actix_web::test]
async fn an_ended_session_is_not_answered_from_memory() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let mut client = member_reading(&app, &logins, "/statements").await;
        app.with_conn(|c| {
            let person =
                roundtable::auth::store::find_by_email(c, &demo_login(&logins, "a member").email)?
                    .expect("the member");
            roundtable::auth::sessions::end_all(c, person.id, None, "ended elsewhere")
        })
        .expect("the sessions end");
        let page = client.get("/statements").await;
        assert!(page.status.is_redirection(), "{}", page.status);
        assert!(page.location().is_some_and(|l| l.starts_with("/login")));
    })
}

/// A waiting message is shown once even on a page that was kept; the feed's link it gives
/// then answers a calendar client's "has it changed?" with a 304 for one query.
#[actix_web::test]
async fn a_message_is_shown_once_and_a_calendar_clients_304_costs_one_query() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let mut client = member_reading(&app, &logins, "/meetings").await;
        let renewed = client.post_form("/calendar/feed", &[]).await;
        assert_eq!(renewed.location(), Some("/meetings"));
        let page = client.get("/meetings").await;
        let shown = page.body.contains("Your calendar feed:");
        assert!(shown, "the message with the feed's link");
        let token = page
            .body
            .split("/calendar/feed/")
            .nth(1)
            .and_then(|rest| rest.split(".ics").next())
            .expect("the link")
            .to_owned();
        let (count, _) = read_twice(&app, &mut client, "/meetings").await;
        assert_eq!(count, 1, "kept again once the message was shown");
        let page = client.get("/meetings").await;
        assert!(!page.body.contains("Your calendar feed:"), "shown once");

        let feed = format!("/calendar/feed/{token}.ics");
        let mut calendar = app.client().await;
        let first = calendar.get(&feed).await;
        assert_eq!(first.status, StatusCode::OK);
        let etag = first.header("etag").expect("an ETag").to_owned();
        let again = calendar
            .get_with(&feed, ("If-None-Match", etag.as_str()))
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert!(queries(again.header("server-timing")) <= 1, "one query");
        let other = calendar
            .get_with(&feed, ("If-None-Match", "\"another\""))
            .await;
        assert_eq!(other.status, StatusCode::OK);
        assert_eq!(other.body, first.body);
    })
}

/// An evaluator's read is recorded (a change), so their pages are rendered every time.
#[actix_web::test]
async fn every_read_of_an_evaluator_is_recorded() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let evaluator = demo_login(&logins, "external evaluator");
        let open = crate::evaluations::questionnaire::open_cycle(&app);
        let reads = || -> i64 {
            app.with_conn(|c| {
                evaluation_reads::table
                    .filter(evaluation_reads::evaluation_id.eq(open))
                    .count()
                    .get_result(c)
            })
            .expect("reads")
        };
        let mut client = app.client().await;
        client.sign_in(&evaluator.email, &evaluator.password).await;
        let before = reads();
        for _ in 0..3 {
            let page = client.get(&format!("/evaluations/{open}")).await;
            assert_eq!(page.status, StatusCode::OK);
        }
        assert_eq!(reads(), before + 3);
    })
}

/// A published statement is the same page for every visitor nobody signed in: no cookie is
/// set (it has no form), so it is kept once for all of them.
#[actix_web::test]
async fn a_public_statement_is_kept_once_for_every_visitor() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.with_conn(seed_demo).expect("demo");
        let id: i64 = app
            .with_conn(|c| {
                statements::table
                    .filter(statements::status.eq("published"))
                    .select(statements::id)
                    .first(c)
            })
            .expect("a published statement");
        let path = format!("/public/statements/{id}");
        loop {
            let started = minute(&app);
            let first = app.client().await.get(&path).await;
            assert_eq!(first.status, StatusCode::OK);
            assert!(
                first.header("set-cookie").is_none(),
                "no cookie for a visitor"
            );
            let another = app.client().await.get(&path).await;
            if minute(&app) == started {
                assert_eq!(queries(another.header("server-timing")), 1);
                assert_eq!(another.body, first.body);
                assert!(another.header("set-cookie").is_none());
                break;
            }
        }
    })
}

/// A feed too large to keep (here the budget is tiny) still answers a calendar client whose
/// copy is current with a 304: the conditions taken out of the request are applied to it.
#[actix_web::test]
async fn a_feed_that_is_not_kept_still_answers_304() {
    on_each_backend!(|backend| async {
        let app = TestApp::with_settings(&backend, |s| s.page_cache_bytes = 1024);
        app.with_conn(seed_demo).expect("demo");
        let mut calendar = app.client().await;
        let first = calendar.get("/calendar/public.ics").await;
        assert_eq!(first.status, StatusCode::OK);
        assert!(first.body.len() > 1024 / 8, "larger than the cache keeps");
        let etag = first.header("etag").expect("an ETag").to_owned();
        let again = calendar
            .get_with("/calendar/public.ics", ("If-None-Match", etag.as_str()))
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
        assert!(
            queries(again.header("server-timing")) > 1,
            "rendered: not kept"
        );
        assert_eq!(app.state.page_cache.bytes(), 0);
    })
}
