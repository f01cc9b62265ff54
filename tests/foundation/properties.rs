//! Property tests through the whole service: generated input sent to the forms and the CSV
//! import as a browser would. Whatever arrives, the answer is a page or a refusal (never a
//! 5xx), and a refusal changes nothing. Cases are generated from a fixed seed, so a failure
//! reproduces.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use roundtable::db::schema::{meetings, organisations};

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

/// Values a careless or hostile sender puts in a field.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("2027-02-30".to_owned()),
        Just("0001-01-01".to_owned()),
        Just("25:61".to_owned()),
        Just("02:30".to_owned()),
        Just("Europe/Nowhere".to_owned()),
        Just("javascript:alert(1)".to_owned()),
        Just("=HYPERLINK(\"http://evil.example\")".to_owned()),
        Just("Legal\u{200B} Aid".to_owned()),
        Just("a\u{202E}b".to_owned()),
        Just("'; DROP TABLE organisations; --".to_owned()),
        Just("x".repeat(5_000)),
        "[a-z0-9 ]{1,12}",
        "\\PC{0,30}",
    ]
}

fn cases<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>, n: usize) -> Vec<T> {
    let mut runner = TestRunner::new(Config {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    });
    (0..n)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("a generated case")
                .current()
        })
        .collect()
}

fn count(app: &TestApp) -> (i64, i64) {
    app.with_conn(|c| {
        (
            organisations::table.count().get_result(c).expect("count"),
            meetings::table.count().get_result(c).expect("count"),
        )
    })
}

#[actix_web::test]
async fn generated_form_input_never_gets_a_server_error() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let organisation_fields = [
            "name",
            "short_name",
            "sector_id",
            "status",
            "region",
            "address",
            "website",
            "email",
            "phone",
            "primary_name",
            "primary_email",
        ];
        let meeting_fields = [
            "kind",
            "title",
            "date",
            "start",
            "end",
            "time_zone",
            "venue_id",
            "online_url",
            "media_reason",
        ];
        let strategy = (
            proptest::collection::vec(value(), organisation_fields.len()),
            proptest::collection::vec(value(), meeting_fields.len()),
        );
        for (org_values, meeting_values) in cases(strategy, 24) {
            for (path, names, values) in [
                ("/organisations", &organisation_fields[..], &org_values),
                ("/meetings", &meeting_fields[..], &meeting_values),
            ] {
                let form: Vec<(&str, &str)> = names
                    .iter()
                    .copied()
                    .zip(values.iter().map(String::as_str))
                    .collect();
                let before = count(&app);
                browser.get(&format!("{path}/new")).await;
                let answer = browser.post_form(path, &form).await;
                assert!(
                    !answer.status.is_server_error(),
                    "{path} {form:?}: {} {}",
                    answer.status,
                    answer.body
                );
                if answer.status != StatusCode::SEE_OTHER {
                    assert_eq!(count(&app), before, "a refusal changed nothing: {form:?}");
                }
            }
        }
    })
}

/// Rows an import file might hold, good and bad.
fn csv_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Alpha,NGO,applicant".to_owned()),
        Just("Beta,NGO,full,Bo,bo@beta.example,primary".to_owned()),
        Just("Gamma,Astrology,full".to_owned()),
        Just("\"Quoted, Name\",NGO,associate,Cy,cy@q.example,primary".to_owned()),
        Just("\"unterminated,NGO,applicant".to_owned()),
        Just(",,,,,,,,,,,,,,,,,,,,".to_owned()),
        Just("=cmd|' /C calc'!A0,NGO,applicant".to_owned()),
        Just("Delta\u{200B},NGO,applicant".to_owned()),
        "[a-zA-Z ,\"]{0,30}",
        "\\PC{0,30}",
    ]
}

#[actix_web::test]
async fn generated_csv_files_import_whole_or_are_refused_by_line() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let header = prop_oneof![
            Just("organisation,sector,status,person_name,person_email,representation".to_owned()),
            Just("organisation,sector,status".to_owned()),
            Just("organisation,nonsense".to_owned()),
            "\\PC{0,20}",
        ];
        let file = (header, proptest::collection::vec(csv_line(), 0..8));
        for (header, lines) in cases(file, 32) {
            let text = format!("{header}\n{}\n", lines.join("\n"));
            let before = count(&app).0;
            browser.get("/import").await;
            let answer = browser
                .post_multipart("/import", &[("file", Some("members.csv"), &text)])
                .await;
            match answer.status {
                StatusCode::SEE_OTHER => assert!(count(&app).0 > before, "{text}"),
                StatusCode::UNPROCESSABLE_ENTITY => {
                    assert_eq!(count(&app).0, before, "all or nothing: {text}");
                    assert!(!answer.texts("#import-problems li").is_empty(), "{text}");
                }
                other => panic!("{other} for {text:?}: {}", answer.body),
            }
        }
    })
}
