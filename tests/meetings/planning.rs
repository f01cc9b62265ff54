use actix_web::http::StatusCode;
use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use roundtable::db::schema::{blocked_dates, calendar_imports};
use roundtable::meetings::plan;
use roundtable::meetings::rules::Kind;
use roundtable::meetings::store::{self, MeetingInput};

use super::{coalition, testdata};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fixtures};
use crate::on_each_backend;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn blocked_count(app: &TestApp) -> i64 {
    app.with_conn(|c| blocked_dates::table.count().get_result(c).expect("count"))
}

#[actix_web::test]
async fn the_year_plan_moves_around_imported_holidays() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        browser.get("/meetings/plan?year=2026").await;

        // The holiday site's file: LF endings, long unfolded lines, all-day events.
        let holidays = testdata("austrian-public-holidays.ics");
        let imported = browser
            .post_multipart(
                "/meetings/calendars",
                &[
                    ("name", None, "Austrian public holidays"),
                    ("file", Some("holidays.ics"), &holidays),
                ],
            )
            .await;
        // Post/redirect/get: the plan opens at its dates, reloading sends nothing again.
        assert_eq!(
            imported.status,
            StatusCode::SEE_OTHER,
            "{}",
            imported.texts("#import-report").join("")
        );
        assert_eq!(imported.location(), Some("/meetings/plan#dates"));
        let plan = browser.get("/meetings/plan").await;
        assert!(
            plan.texts(".flash-success").concat().contains("792 events"),
            "{:?}",
            plan.texts(".flash")
        );
        // Christmas and the Immaculate Conception are blocked in 2026.
        let (blocked, labels) = app
            .with_conn(|c| roundtable::meetings::dates::blocked_for_year(c, 2026))
            .expect("blocked");
        assert!(blocked.contains(day(2026, 12, 25)) && blocked.contains(day(2026, 12, 8)));
        assert!(
            labels[&day(2026, 12, 8)].contains("Empfängnis"),
            "UTF-8 text intact: {}",
            labels[&day(2026, 12, 8)]
        );

        // Second Tuesday of December 2026 is 8 December, a holiday: the plenary moves to the 9th.
        let preview = browser.get("/meetings/plan?year=2026").await;
        let rows = preview.texts("#proposals tbody tr td:first-child");
        assert_eq!(
            rows,
            [
                "Tue 10 Mar 2026",
                "Tue 9 Jun 2026",
                "Tue 8 Sep 2026",
                "Wed 9 Dec 2026"
            ]
        );
        let notes = preview.texts("#proposals td.moved");
        assert!(
            notes[3].contains("2026-12-08 is blocked") && notes[3].contains("Empfängnis"),
            "{notes:?}"
        );

        let confirm = browser
            .post_form("/meetings/plan/confirm", &[("year", "2026")])
            .await;
        assert_eq!(confirm.status, StatusCode::SEE_OTHER);
        let plenaries = app.with_conn(store::all).expect("meetings");
        assert_eq!(plenaries.len(), 4);
        // 10:00 in Brussels: 09:00 UTC in winter (March 10, December 9), 08:00 UTC in summer.
        assert_eq!(
            plenaries[0].starts_at,
            day(2026, 3, 10).and_hms_opt(9, 0, 0).expect("t")
        );
        assert_eq!(
            plenaries[1].starts_at,
            day(2026, 6, 9).and_hms_opt(8, 0, 0).expect("t")
        );
        assert_eq!(
            plenaries[3].starts_at,
            day(2026, 12, 9).and_hms_opt(9, 0, 0).expect("t")
        );

        // Confirming again adds nothing and touches nothing.
        app.with_conn(|c| plan::confirm(c, &admin, 2026, false))
            .expect("again");
        let again = app.with_conn(store::all).expect("meetings");
        assert_eq!(again.len(), 4);
        assert!(
            again
                .iter()
                .zip(&plenaries)
                .all(|(a, b)| a.starts_at == b.starts_at && a.sequence == b.sequence)
        );

        // A plenary moved to another venue shows where it is, not the rotation's proposal.
        let hall = app
            .with_conn(|c| store::add_venue(c, &admin, "Town Hall", "Main Square 1", ""))
            .expect("venue");
        let mut elsewhere = super::planning_input(&plenaries[1]);
        elsewhere.venue_id = Some(hall.id);
        app.with_conn(|c| store::update(c, &admin, plenaries[1].id, &elsewhere))
            .expect("moved to the hall");
        // Counted as a move (evaluations count them); saving it unchanged is not one.
        app.with_conn(|c| store::update(c, &admin, plenaries[1].id, &elsewhere))
            .expect("saved again");
        let moves: Vec<i32> = app
            .with_conn(store::all)
            .expect("meetings")
            .iter()
            .map(|m| m.times_moved)
            .collect();
        assert_eq!(moves, [0, 1, 0, 0]);
        let plan_page = browser.get("/meetings/plan?year=2026").await;
        let venues = plan_page.texts("#proposals tbody td:nth-child(3)");
        assert!(venues[1].contains("Town Hall"), "{venues:?}");
        assert!(!venues[0].contains("Town Hall"), "{venues:?}");

        // The Google export (time zones, recurrences, exceptions, overrides) imports too.
        let google = testdata("google-export-finos-community.ics");
        browser.get("/meetings/plan?year=2026").await;
        let imported = browser
            .post_multipart(
                "/meetings/calendars",
                &[
                    ("name", None, "FINOS community"),
                    ("file", Some("basic.ics"), &google),
                ],
            )
            .await;
        assert_eq!(imported.status, StatusCode::SEE_OTHER);
        let plan = browser.get("/meetings/plan").await;
        assert!(
            plan.texts(".flash-success")
                .concat()
                .contains("1747 events"),
            "{:?}",
            plan.texts(".flash")
        );
        let imports: i64 = app.with_conn(|c| {
            calendar_imports::table
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(imports, 2);
    })
}

#[actix_web::test]
async fn a_malformed_calendar_names_the_line_and_imports_nothing() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        coalition(&app);
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        browser.get("/meetings/plan").await;
        let mut broken = testdata("austrian-public-holidays.ics");
        // Damage line 40 of a good file.
        let mut lines: Vec<&str> = broken.split('\n').collect();
        lines[39] = "THIS IS NOT A CALENDAR LINE";
        broken = lines.join("\n");
        let response = browser
            .post_multipart(
                "/meetings/calendars",
                &[
                    ("name", None, "Broken"),
                    ("file", Some("broken.ics"), &broken),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            response.texts("#import-report")[0].contains("line 40"),
            "{:?}",
            response.texts("#import-report")
        );
        assert_eq!(blocked_count(&app), 0);
        let imports: i64 = app.with_conn(|c| {
            calendar_imports::table
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(imports, 0);
    })
}

#[actix_web::test]
async fn a_meeting_at_ten_in_brussels_has_the_right_instant_in_march_and_november() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let ten = NaiveTime::from_hms_opt(10, 0, 0).expect("time");
        let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("time");
        for (date, utc_hour) in [
            (day(2027, 3, 9), 9),
            (day(2027, 3, 30), 8),
            (day(2027, 11, 9), 9),
        ] {
            let input = MeetingInput {
                kind: Kind::AdHoc,
                start: ten,
                end: noon,
                time_zone: Some("Europe/Brussels".into()),
                ..fixtures::meeting("Check", date)
            };
            let m = app
                .with_conn(|c| store::create(c, &admin, &input))
                .expect("create");
            assert_eq!(
                m.starts_at,
                date.and_hms_opt(utc_hour, 0, 0).expect("t"),
                "{date}"
            );
        }
    })
}

/// A yearly series blocks its day from the year it starts (issue 13, point 18): an event
/// every 1 December from 2026 leaves 1 December 2025 free.
#[actix_web::test]
async fn a_yearly_date_blocks_from_the_year_its_series_starts() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:founding@example.org\r\nSUMMARY:Founding day\r\nDTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        app.with_conn(|c| {
            roundtable::meetings::dates::import(c, &admin, "Founding day", text, day(2025, 6, 1))
        })
        .expect("import");
        let blocked_in = |year: i32| {
            app.with_conn(|c| roundtable::meetings::dates::blocked_for_year(c, year))
                .expect("blocked")
                .1
                .contains_key(&day(year, 12, 1))
        };
        assert!(!blocked_in(2025), "before the series starts");
        assert!(blocked_in(2026));
        assert!(blocked_in(2030));
    })
}
