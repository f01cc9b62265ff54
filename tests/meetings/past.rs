//! The list of past meetings: every meeting that has taken place or was cancelled, newest
//! first, with its state, a page at a time; and the month calendar marks the same states.

use roundtable::meetings::rules::Status;
use roundtable::meetings::store;

use super::coalition;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fixtures};
use crate::on_each_backend;

#[actix_web::test]
async fn past_meetings_are_listed_newest_first_with_their_state_and_paged() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        // 52 meetings a week apart in 2025, one in the future.
        let mut made = Vec::new();
        for week in 0..52_u64 {
            let date = fixtures::date(2025, 1, 6) + chrono::Days::new(week * 7);
            let input = fixtures::meeting(&format!("Meeting {week:02}"), date);
            made.push(
                app.with_conn(|c| store::create(c, &admin, &input))
                    .expect("meeting"),
            );
        }
        let ahead = fixtures::meeting("Still ahead", fixtures::date(2030, 1, 8));
        app.with_conn(|c| store::create(c, &admin, &ahead))
            .expect("future meeting");
        app.with_conn(|c| store::set_status(c, &admin, made[51].id, Status::Held, ""))
            .expect("held");
        app.with_conn(|c| {
            store::set_status(c, &admin, made[50].id, Status::Cancelled, "Venue closed")
        })
        .expect("cancelled");

        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let calendar = browser.get("/meetings").await;
        assert!(
            calendar.attr("a[href='/meetings/past']", "href").is_some(),
            "the calendar links to the past meetings"
        );

        let first = browser.get("/meetings/past").await;
        assert_eq!(first.status, 200);
        let titles = first.texts("#past-table tbody tr td:nth-child(2)");
        assert_eq!(titles.len(), 50, "50 a page");
        assert_eq!(titles[0], "Meeting 51", "newest first");
        assert_eq!(titles[1], "Meeting 50");
        assert!(!titles.iter().any(|t| t == "Still ahead"));
        let states = first.texts("#past-table tbody tr td:nth-child(5)");
        assert_eq!(states[0], "Held");
        assert_eq!(states[1], "Cancelled");
        assert!(first.texts("h2#past")[0].starts_with("52 meetings"));
        assert_eq!(
            first.attr("a[rel='next']", "href").as_deref(),
            Some("/meetings/past?page=2")
        );

        let second = browser.get("/meetings/past?page=2").await;
        let titles = second.texts("#past-table tbody tr td:nth-child(2)");
        assert_eq!(titles, ["Meeting 01", "Meeting 00"]);
        assert!(second.attr("a[rel='next']", "href").is_none());
        // A page number out of range is an empty page, not an error.
        let beyond = browser.get("/meetings/past?page=9").await;
        assert_eq!(beyond.status, 200);

        // The month calendar says which meetings were held and which cancelled.
        let december = browser.get("/meetings?month=2025-12").await;
        let held = december.texts("a.event-held");
        let cancelled = december.texts("a.event-cancelled");
        assert_eq!(held, ["Meeting 51 · held"]);
        assert_eq!(cancelled, ["Meeting 50 · cancelled"]);
    })
}
