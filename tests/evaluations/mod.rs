//! Evaluations on both backends: indicators that match the records, the previous period
//! beside them, adoption that freezes them, an external evaluator who reads the
//! evaluation and nothing else, and the report from draft to adoption through the pages.

mod fixed;
pub(crate) mod questionnaire;

use actix_web::http::StatusCode;
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use roundtable::cli::seed_demo;
use roundtable::db::schema::{
    agenda_items, attendance, complaints, evaluation_reads, evaluations, meetings, minutes,
    statements,
};
use roundtable::evaluations::rules::Status;
use roundtable::evaluations::{figures, indicators, store};

use crate::common::{TestApp, demo_login};
use crate::on_each_backend;

fn value(list: &[indicators::Indicator], key: &str) -> Option<f64> {
    list.iter()
        .find(|i| i.key == key)
        .unwrap_or_else(|| panic!("no indicator {key}"))
        .value
}

fn year(y: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(y, 1, 1).expect("date"),
        NaiveDate::from_ymd_opt(y, 12, 31).expect("date"),
    )
}

/// The indicators count what the records hold, counted here another way.
#[actix_web::test]
async fn the_indicators_count_what_the_records_hold() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.with_conn(seed_demo).expect("demo");
        let today = app.with_conn(roundtable::coalition::today).expect("today");
        for y in [today.year() - 1, today.year()] {
            let (from, until) = year(y);
            let list = app
                .with_conn(|c| indicators::compute(c, from, until))
                .expect("indicators");
            let start = from.and_hms_opt(0, 0, 0).expect("t");
            let end = until
                .succ_opt()
                .expect("d")
                .and_hms_opt(0, 0, 0)
                .expect("t");
            let (plenaries, held, published): (i64, i64, i64) = app
                .with_conn(|c| {
                    let in_year = || {
                        meetings::table
                            .filter(meetings::kind.eq("plenary"))
                            .filter(meetings::starts_at.ge(start))
                            .filter(meetings::starts_at.lt(end))
                    };
                    Ok::<_, diesel::result::Error>((
                        in_year().count().get_result(c)?,
                        in_year()
                            .filter(meetings::status.eq_any(["held", "minutes_approved"]))
                            .count()
                            .get_result(c)?,
                        statements::table
                            .filter(statements::published_at.ge(start))
                            .filter(statements::published_at.lt(end))
                            .count()
                            .get_result(c)?,
                    ))
                })
                .expect("counts");
            assert_eq!(
                value(&list, "meetings.plenaries"),
                Some(plenaries as f64),
                "{y}"
            );
            assert_eq!(value(&list, "meetings.held"), Some(held as f64), "{y}");
            assert_eq!(
                value(&list, "statements.published"),
                Some(published as f64),
                "{y}"
            );
            for percent in [
                "attendance.rate",
                "meetings.agenda_on_time",
                "members.memorandum_signed",
                "meetings.quorum",
            ] {
                if let Some(v) = value(&list, percent) {
                    assert!((0.0..=100.0).contains(&v), "{percent} = {v}");
                }
            }
            // Every indicator says what it counts.
            assert!(
                list.iter()
                    .all(|i| !i.definition.is_empty() && !i.label.is_empty())
            );
        }
        // The demo's held plenaries have their attendance recorded: a quorum share, and
        // an attendance rate per sector that the sides' rates enclose.
        let (from, until) = year(today.year() - 1);
        let list = app
            .with_conn(|c| indicators::compute(c, from, until))
            .expect("indicators");
        assert!(value(&list, "meetings.quorum").is_some());
        let sectors: Vec<f64> = list
            .iter()
            .filter(|i| i.key.starts_with("attendance.sector."))
            .filter_map(|i| i.value)
            .collect();
        assert!(sectors.len() >= 3, "{sectors:?}");
        let lowest = sectors.iter().copied().fold(f64::MAX, f64::min);
        let highest = sectors.iter().copied().fold(f64::MIN, f64::max);
        let overall = value(&list, "attendance.rate").expect("a rate");
        assert!(
            lowest <= overall && overall <= highest,
            "{lowest} <= {overall} <= {highest}"
        );
        // The demo holds plenaries last year and a published statement.
        let (from, until) = year(today.year() - 1);
        let last = app
            .with_conn(|c| indicators::compute(c, from, until))
            .expect("indicators");
        assert!(value(&last, "meetings.plenaries").is_some_and(|v| v >= 1.0));
    })
}

/// Adoption freezes the indicators: a record changed afterwards changes the live figures,
/// not the adopted report's.
#[actix_web::test]
async fn an_adopted_report_keeps_its_indicators_as_they_were() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let adopted = app
            .with_conn(|c| {
                evaluations::table
                    .filter(evaluations::status.eq("adopted"))
                    .select(evaluations::id)
                    .first::<i64>(c)
            })
            .expect("the demo's adopted review");
        let e = app.with_conn(|c| store::get(c, adopted)).expect("read");
        let frozen = app
            .with_conn(|c| figures::indicators_of(c, &e))
            .expect("frozen");
        let frozen_figures = app
            .with_conn(|c| figures::figures_of(c, &e))
            .expect("frozen");
        // A plenary of that year is cancelled afterwards (as if the record were corrected).
        let start = e.period_from.and_hms_opt(0, 0, 0).expect("t");
        let end = e.period_until.and_hms_opt(23, 59, 59).expect("t");
        let changed = app
            .with_conn(|c| {
                diesel::update(
                    meetings::table
                        .filter(meetings::kind.eq("plenary"))
                        .filter(meetings::starts_at.between(start, end)),
                )
                .set(meetings::status.eq("cancelled"))
                .execute(c)
            })
            .expect("changed");
        assert!(changed > 0);
        // And every attendance of that year is corrected to "absent".
        let corrected = app
            .with_conn(|c| {
                let held: Vec<i64> = meetings::table
                    .filter(meetings::starts_at.between(start, end))
                    .select(meetings::id)
                    .load(c)?;
                diesel::update(attendance::table.filter(attendance::meeting_id.eq_any(held)))
                    .set(attendance::status.eq("absent"))
                    .execute(c)
            })
            .expect("corrected");
        assert!(corrected > 0);
        let live = app
            .with_conn(|c| figures::compare(c, e.period_from, e.period_until))
            .expect("live");
        let key = |pairs: &[(indicators::Indicator, Option<indicators::Indicator>)], k: &str| {
            pairs
                .iter()
                .find(|(i, _)| i.key == k)
                .and_then(|(i, _)| i.value)
        };
        assert_eq!(key(&live, "meetings.cancelled"), Some(changed as f64));
        let again = app
            .with_conn(|c| figures::indicators_of(c, &e))
            .expect("frozen");
        assert_eq!(again, frozen, "the adopted report does not change");
        // Nor do its charts or each organisation's part, which the records now contradict.
        let again_figures = app
            .with_conn(|c| figures::figures_of(c, &e))
            .expect("frozen");
        assert_eq!(again_figures, frozen_figures);
        assert!(frozen_figures.organisations.iter().any(|o| o.present > 0));
        let live_parts = app
            .with_conn(|c| indicators::per_organisation(c, e.period_from, e.period_until))
            .expect("live");
        assert!(live_parts.iter().all(|o| o.present == 0));
        assert!(
            frozen_figures
                .series
                .governmental
                .iter()
                .flatten()
                .any(|v| *v > 0.0)
        );
        assert_ne!(
            key(&again, "meetings.cancelled"),
            key(&live, "meetings.cancelled")
        );
        // The API gives the adopted figures too.
        let member = demo_login(&logins, "as a member");
        let person = app
            .with_conn(|c| roundtable::auth::store::find_by_email(c, &member.email))
            .expect("read")
            .expect("person");
        let token = app
            .with_conn(|c| roundtable::auth::tokens::create_api_token(c, &person, "t"))
            .expect("token");
        let mut client = app.client().await;
        let answer = client
            .api_get(&format!("/api/v1/evaluations/{adopted}"), &token)
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.json()["frozen"], serde_json::Value::Bool(true));
        let live_api = client.api_get("/api/v1/indicators", &token).await;
        assert_eq!(live_api.status, StatusCode::OK);
        assert!(
            live_api.json()["indicators"]
                .as_array()
                .is_some_and(|a| a.len() > 20)
        );
    })
}

/// The external evaluator of the demo's open review: invited, reads the evaluation (each
/// read recorded) and writes the report, and reads nothing else of the coalition; the
/// members read the report once shared; the evaluator shares it and, after the plenary, adopts it with three follow-up actions.
#[actix_web::test]
async fn an_external_evaluator_reads_the_evaluation_and_nothing_else() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let evaluator = demo_login(&logins, "external evaluator").clone();
        let open = crate::evaluations::questionnaire::open_cycle(&app);
        let mut client = app.client().await;
        client.sign_in(&evaluator.email, &evaluator.password).await;
        let home = client.get("/").await;
        assert!(home.body.contains("href=\"/evaluations\""));
        assert!(
            !home.body.contains("href=\"/organisations\""),
            "no directory in the menu"
        );
        // The public member list (the demo publishes it) is everyone's; the rest is not theirs.
        for path in [
            "/organisations/export.csv",
            "/groups",
            "/meetings",
            "/statements",
            "/complaints",
            "/admin/audit",
        ] {
            let page = client.get(path).await;
            assert!(
                matches!(page.status.as_u16(), 403 | 404),
                "{path}: {}",
                page.status
            );
        }
        let page = client.get(&format!("/evaluations/{open}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Indicators") && page.body.contains("Attendance rate"));
        assert!(
            page.body.contains("part in the period"),
            "each member's attendance and positions"
        );
        let reads: i64 = app
            .with_conn(|c| {
                evaluation_reads::table
                    .filter(evaluation_reads::evaluation_id.eq(open))
                    .count()
                    .get_result(c)
            })
            .expect("reads");
        assert_eq!(reads, 1, "the read is recorded");
        // The records behind the indicators, area by area, each read recorded; nothing
        // confidential on them: no agenda item (confidential ones hold the complaints'
        // hearings), no minutes, no complaint, no one organisation's fee.
        let secrets: Vec<String> = app
            .with_conn(|c| {
                let mut texts: Vec<String> = agenda_items::table
                    .filter(agenda_items::confidential.eq(true))
                    .select(agenda_items::title)
                    .load(c)?;
                texts.extend(
                    complaints::table
                        .select(complaints::title)
                        .load::<String>(c)?,
                );
                texts.extend(
                    complaints::table
                        .select(complaints::body)
                        .load::<String>(c)?,
                );
                texts.extend(
                    minutes::table
                        .filter(minutes::confidential_body.ne(""))
                        .select(minutes::confidential_body)
                        .load::<String>(c)?,
                );
                Ok::<_, diesel::result::Error>(texts)
            })
            .expect("secrets");
        assert!(
            secrets.len() >= 4,
            "the demo holds confidential records: {secrets:?}"
        );
        let plenary_titles: Vec<String> = app
            .with_conn(|c| {
                let e = store::get(c, open)?;
                let start = e.period_from.and_hms_opt(0, 0, 0).unwrap_or_default();
                let end = e.period_until.and_hms_opt(23, 59, 59).unwrap_or_default();
                Ok::<_, roundtable::error::Error>(
                    meetings::table
                        .filter(meetings::starts_at.between(start, end))
                        .select(meetings::title)
                        .load(c)?,
                )
            })
            .expect("meetings");
        assert!(!plenary_titles.is_empty());
        let link = format!("/evaluations/{open}/records/meetings");
        assert!(
            page.body.contains(&link),
            "the indicators link to their records"
        );
        for area in [
            "meetings",
            "statements",
            "membership",
            "groups",
            "secretariat",
        ] {
            let records = client
                .get(&format!("/evaluations/{open}/records/{area}"))
                .await;
            assert_eq!(records.status, StatusCode::OK, "{area}");
            for secret in &secrets {
                assert!(
                    !records
                        .body
                        .contains(&maud::html! { (secret) }.into_string()),
                    "{area} shows {secret:?}"
                );
            }
            if area == "meetings" {
                for title in &plenary_titles {
                    assert!(
                        records
                            .body
                            .contains(&maud::html! { (title) }.into_string()),
                        "{title}"
                    );
                }
            }
        }
        assert_eq!(
            client
                .get(&format!("/evaluations/{open}/records/fees"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "no such area"
        );
        let reads: i64 = app
            .with_conn(|c| {
                evaluation_reads::table
                    .filter(evaluation_reads::evaluation_id.eq(open))
                    .filter(evaluation_reads::what.like("the records: %"))
                    .count()
                    .get_result(c)
            })
            .expect("reads");
        assert_eq!(reads, 5, "each area's read is recorded");
        // Last year's review is not theirs: nothing.
        let other = app
            .with_conn(|c| {
                evaluations::table
                    .filter(evaluations::id.ne(open))
                    .select(evaluations::id)
                    .first::<i64>(c)
            })
            .expect("other");
        assert_eq!(
            client.get(&format!("/evaluations/{other}")).await.status,
            StatusCode::NOT_FOUND
        );
        // The report, written; a member does not read the draft.
        let saved = client
            .post_form(
                &format!("/evaluations/{open}/report"),
                &[
                    ("findings", "Meetings *worked* well."),
                    ("recommendations", "Keep going."),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let member = demo_login(&logins, "as a member");
        let mut reader = app.client().await;
        reader.sign_in(&member.email, &member.password).await;
        assert_eq!(
            reader.get(&format!("/evaluations/{open}")).await.status,
            StatusCode::NOT_FOUND
        );
        // The evaluator shares it: members read it, rendered, and the plenary's agenda
        // points to it.
        client.get(&format!("/evaluations/{open}")).await;
        let shared = client
            .post_form(
                &format!("/evaluations/{open}/status"),
                &[("status", "shared")],
            )
            .await;
        assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", shared.body);
        let read = reader.get(&format!("/evaluations/{open}")).await;
        assert_eq!(read.status, StatusCode::OK);
        assert!(read.body.contains("<em>worked</em>"));
        assert!(
            read.body.contains("Attendance rate") && read.body.contains("Previous period"),
            "the indicators beside last year's"
        );
        assert!(
            !read.body.contains("What the evaluators read"),
            "members read the report, not the work"
        );
        let on_agenda: i64 = app
            .with_conn(|c| {
                use roundtable::db::schema::agenda_items;
                agenda_items::table
                    .filter(agenda_items::title.like("Evaluation: %"))
                    .count()
                    .get_result(c)
            })
            .expect("agenda");
        assert_eq!(on_agenda, 1);
        // Only the secretariat and the evaluators move the report; only evaluators write it.
        assert_eq!(
            reader
                .post_form(
                    &format!("/evaluations/{open}/status"),
                    &[("status", "draft")]
                )
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            reader
                .post_form(
                    &format!("/evaluations/{open}/report"),
                    &[("findings", "x"), ("recommendations", "y")]
                )
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // After the plenary, adopted, with three follow-up actions.
        for stage in ["discussed", "adopted"] {
            let moved = client
                .post_form(&format!("/evaluations/{open}/status"), &[("status", stage)])
                .await;
            assert_eq!(
                moved.status,
                StatusCode::SEE_OTHER,
                "{stage}: {}",
                moved.body
            );
        }
        for action in [
            "Meet outside the capital.",
            "Share referrals with consent.",
            "Shorter statements.",
        ] {
            let added = client
                .post_form(
                    &format!("/evaluations/{open}/followups"),
                    &[
                        ("action", action),
                        ("owner_organisation_id", ""),
                        ("due_on", "2027-06-30"),
                    ],
                )
                .await;
            assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        }
        let adopted = client.get(&format!("/evaluations/{open}")).await;
        assert!(
            adopted.body.contains("Frozen as they were")
                && adopted.body.contains("Shorter statements.")
        );
        // Printed, the page keeps the report and drops the forms (the print stylesheet).
        let css = client.get("/static/style.css").await;
        assert!(css.body.contains("@media print"));
        // The indicators as CSV.
        let csv = client
            .get(&format!("/evaluations/{open}/indicators.csv"))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body
                .starts_with("area,key,indicator,value,previous,unit,definition\r\n")
        );
        assert!(csv.body.lines().count() > 20);
        let status: String = app
            .with_conn(|c| {
                evaluations::table
                    .find(open)
                    .select(evaluations::status)
                    .first(c)
            })
            .expect("status");
        assert_eq!(Status::parse(&status), Some(Status::Adopted));
    })
}

/// Opening a cycle: refused forms keep what was typed; an external evaluator is created
/// without an organisation and invited by mail.
#[actix_web::test]
async fn the_secretariat_opens_a_cycle_and_appoints_an_external_evaluator() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let secretariat = demo_login(&logins, "as the secretariat");
        let mut sec = app.client().await;
        sec.sign_in(&secretariat.email, &secretariat.password).await;
        let page = sec.get("/evaluations").await;
        assert!(page.body.contains("Open an evaluation"));
        let refused = sec
            .post_form(
                "/evaluations",
                &[
                    ("title", "Mid-term 2027"),
                    ("kind", "mid_term"),
                    ("period_from", "2027-06-30"),
                    ("period_until", "2027-01-01"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.attr("#field-title", "value").as_deref(),
            Some("Mid-term 2027")
        );
        assert!(refused.body.contains("The period ends before it starts"));
        let opened = sec
            .post_form(
                "/evaluations",
                &[
                    ("title", "Mid-term 2027"),
                    ("kind", "mid_term"),
                    ("period_from", "2027-01-01"),
                    ("period_until", "2027-06-30"),
                ],
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        let path = opened.location().expect("the cycle").to_owned();
        sec.get(&path).await;
        let appointed = sec
            .post_form(
                &format!("{path}/evaluators"),
                &[
                    ("email", "new.evaluator@example.net"),
                    ("name", "Nia Evaluator"),
                ],
            )
            .await;
        assert_eq!(
            appointed.status,
            StatusCode::SEE_OTHER,
            "{}",
            appointed.body
        );
        let person = app
            .with_conn(|c| roundtable::auth::store::find_by_email(c, "new.evaluator@example.net"))
            .expect("read")
            .expect("created");
        let affiliation = app
            .with_conn(|c| roundtable::membership::people::affiliation_of(c, person.id))
            .expect("read");
        assert!(
            affiliation.is_none(),
            "an external evaluator belongs to no organisation"
        );
        assert!(
            app.mailed_link("new.evaluator@example.net", "/invitation/")
                .is_some(),
            "invited by mail"
        );
        // Twice is refused beside the field.
        let twice = sec
            .post_form(
                &format!("{path}/evaluators"),
                &[("email", "new.evaluator@example.net"), ("name", "")],
            )
            .await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(twice.body.contains("already evaluates"));
    })
}

/// Recommendations become follow-up actions once adopted; the next cycle shows what became
/// of each; an action done needs its outcome.
#[actix_web::test]
async fn the_next_review_shows_what_became_of_the_last_one_s_recommendations() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let (adopted, open): (i64, i64) = app
            .with_conn(|c| {
                Ok::<_, diesel::result::Error>((
                    evaluations::table
                        .filter(evaluations::status.eq("adopted"))
                        .select(evaluations::id)
                        .first(c)?,
                    evaluations::table
                        .filter(evaluations::status.eq("draft"))
                        .select(evaluations::id)
                        .first(c)?,
                ))
            })
            .expect("the demo's cycles");
        let secretariat = demo_login(&logins, "as the secretariat");
        let mut sec = app.client().await;
        sec.sign_in(&secretariat.email, &secretariat.password).await;
        let page = sec.get(&format!("/evaluations/{open}")).await;
        assert!(
            page.body
                .contains("What became of the recommendations of Annual review")
        );
        assert!(
            page.body.contains("name an alternate")
                && page.body.contains("14 days for every round")
        );
        // A draft has no follow-up yet.
        let early = sec
            .post_form(
                &format!("/evaluations/{open}/followups"),
                &[
                    ("action", "Too early"),
                    ("owner_organisation_id", ""),
                    ("due_on", "2027-01-31"),
                ],
            )
            .await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("once the report is adopted"));
        // Done needs an outcome; the typed status stays.
        sec.get(&format!("/evaluations/{adopted}")).await;
        let open_action: i64 = app
            .with_conn(|c| {
                use roundtable::db::schema::evaluation_followups as f;
                f::table
                    .filter(f::evaluation_id.eq(adopted))
                    .filter(f::status.eq("open"))
                    .select(f::id)
                    .first(c)
            })
            .expect("an open action");
        let refused = sec
            .post_form(
                &format!("/evaluations/{adopted}/followups/update"),
                &[
                    ("followup_id", &open_action.to_string()),
                    ("status", "done"),
                    ("outcome", ""),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Say what became of it"));
        let done = sec
            .post_form(
                &format!("/evaluations/{adopted}/followups/update"),
                &[
                    ("followup_id", &open_action.to_string()),
                    ("status", "done"),
                    ("outcome", "Every member named one."),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert!(
            sec.get(&format!("/evaluations/{open}"))
                .await
                .body
                .contains("Every member named one.")
        );
        let added = sec
            .post_form(
                &format!("/evaluations/{adopted}/followups"),
                &[
                    ("action", "Meet outside the capital once a year."),
                    ("owner_organisation_id", ""),
                    ("due_on", "2027-06-30"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        // A member who did not evaluate that review changes no follow-up (the demo's member
        // did evaluate it: the agency's representative did not).
        let member = demo_login(&logins, "Agency's representative");
        let mut m = app.client().await;
        m.sign_in(&member.email, &member.password).await;
        m.get("/").await;
        assert_eq!(
            m.post_form(
                &format!("/evaluations/{adopted}/followups"),
                &[("action", "x"), ("due_on", "2027-01-01")]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
    })
}
