//! The administrator's data care: retention periods the scheduler applies, and a daily
//! backup kept N deep, with its outcome on the page.

use actix_web::http::StatusCode;
use chrono::TimeDelta;
use diesel::prelude::*;
use roundtable::care::{self, retention};
use roundtable::db::schema::{login_throttle, outbox_deliveries, outbox_messages, sessions};
use roundtable::mail::outbox::{self, NewMail, Recipient};
use roundtable_templates::mail::MailBody;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

/// A sent mail to the administrator, made `age` ago.
fn sent_mail(app: &TestApp, person_id: i64, subject: &str, age: TimeDelta) {
    app.with_conn(|c| {
        outbox::enqueue(
            c,
            &NewMail {
                kind: "test",
                essential: true,
                body: MailBody {
                    subject: subject.into(),
                    text: format!("{subject}: the text"),
                    html: format!("<p>{subject}</p>"),
                },
                invitation: None,
                list_id: "test".into(),
                auto_submitted: true,
                meeting_id: None,
                recipients: vec![Recipient {
                    name: "Ada Admin".into(),
                    email: ADMIN_EMAIL.into(),
                    person_id: Some(person_id),
                }],
            },
        )?;
        let id: i64 = outbox_messages::table
            .filter(outbox_messages::subject.eq(subject))
            .select(outbox_messages::id)
            .first(c)?;
        diesel::update(outbox_messages::table.find(id))
            .set(outbox_messages::created_at.eq(roundtable::db::now() - age))
            .execute(c)?;
        diesel::update(outbox_deliveries::table.filter(outbox_deliveries::message_id.eq(id)))
            .set(outbox_deliveries::status.eq("sent"))
            .execute(c)?;
        Ok::<_, roundtable::error::Error>(())
    })
    .expect("a mail");
}

fn text_of(app: &TestApp, subject: &str) -> String {
    app.with_conn(|c| {
        outbox_messages::table
            .filter(outbox_messages::subject.eq(subject))
            .select(outbox_messages::text_body)
            .first::<String>(c)
    })
    .expect("the mail")
}

#[actix_web::test]
async fn retention_removes_what_only_served_for_a_while_and_keeps_the_rest() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = app.bootstrap();
        let now = roundtable::db::now();
        sent_mail(&app, admin.id, "Old agenda", TimeDelta::days(400));
        sent_mail(&app, admin.id, "Recent agenda", TimeDelta::days(10));
        app.with_conn(|c| {
            for (hash, ended, seen) in [
                (
                    "ended-long-ago",
                    Some(now - TimeDelta::days(100)),
                    now - TimeDelta::days(100),
                ),
                ("idle-long-ago", None, now - TimeDelta::days(120)),
                (
                    "ended-yesterday",
                    Some(now - TimeDelta::days(1)),
                    now - TimeDelta::days(1),
                ),
            ] {
                diesel::insert_into(sessions::table)
                    .values((
                        sessions::person_id.eq(admin.id),
                        sessions::token_hash.eq(hash),
                        sessions::created_at.eq(seen),
                        sessions::last_seen_at.eq(seen),
                        sessions::ended_at.eq(ended),
                        sessions::ended_why.eq(""),
                        sessions::user_agent.eq("test"),
                        sessions::address.eq("127.0.0.1"),
                    ))
                    .execute(c)?;
            }
            for (key, age) in [("old", 40), ("fresh", 2)] {
                diesel::insert_into(login_throttle::table)
                    .values((
                        login_throttle::throttle_key.eq(key),
                        login_throttle::failures.eq(3),
                        login_throttle::last_failure_at.eq(now - TimeDelta::days(age)),
                    ))
                    .execute(c)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .expect("records");

        let removed = app
            .with_conn(|c| retention::apply(c, now))
            .expect("retention");
        assert_eq!(
            removed,
            retention::Removed {
                mail_bodies: 1,
                sessions: 2,
                throttle_records: 1
            }
        );
        assert_eq!(text_of(&app, "Old agenda"), retention::REMOVED);
        assert_eq!(text_of(&app, "Recent agenda"), "Recent agenda: the text");
        let deliveries: i64 = app
            .with_conn(|c| outbox_deliveries::table.count().get_result(c))
            .expect("count");
        assert_eq!(deliveries, 2, "who got which mail, and when, stays");
        let left: Vec<String> = app
            .with_conn(|c| sessions::table.select(sessions::token_hash).load(c))
            .expect("sessions");
        assert_eq!(left, ["ended-yesterday"]);
        // Nothing more is due: a second pass changes nothing.
        assert_eq!(
            app.with_conn(|c| retention::apply(c, now)).expect("again"),
            retention::Removed::default()
        );
    })
}

#[actix_web::test]
async fn the_administrator_sets_a_daily_backup_kept_n_deep() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = browser.get("/admin/care").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            page.texts("#last-backup"),
            ["No scheduled backup has run yet."]
        );

        let refused = browser
            .post_form(
                "/admin/care",
                &[
                    ("backup_daily", "on"),
                    ("backup_keep", "2"),
                    ("mail_body_days", "365"),
                    ("session_days", "7"),
                    ("throttle_days", "30"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.texts("#care-form .field-errors"),
            ["Choose from 30 to 3650."]
        );
        assert_eq!(
            refused.attr("#field-session_days", "value").as_deref(),
            Some("7"),
            "what was typed is kept"
        );
        let saved = browser
            .post_form(
                "/admin/care",
                &[
                    ("backup_daily", "on"),
                    ("backup_keep", "2"),
                    ("mail_body_days", "365"),
                    ("session_days", "90"),
                    ("throttle_days", "30"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);

        // Three days of the scheduler: three backups made, the newest two kept.
        let folder = care::backup_folder(app.db.dir.path());
        for day in 1..=3 {
            let today = chrono::NaiveDate::from_ymd_opt(2026, 12, day).expect("a day");
            assert!(
                app.with_conn(|c| care::scheduled_backup(c, &folder, today))
                    .expect("a backup"),
                "day {day}"
            );
            // Once a day: already made today.
            assert!(
                !app.with_conn(|c| care::scheduled_backup(c, &folder, today))
                    .expect("not again")
            );
        }
        let mut kept: Vec<String> = std::fs::read_dir(&folder)
            .expect("the folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        kept.sort();
        assert_eq!(
            kept,
            [
                "roundtable-2026-12-02.backup",
                "roundtable-2026-12-03.backup"
            ]
        );
        let report = care::backup::read(&folder.join("roundtable-2026-12-03.backup"))
            .expect("the kept backup reads back");
        assert!(report.audit_events > 0);
        let page = browser.get("/admin/care").await;
        assert!(
            page.texts("#last-backup")[0].contains("made ")
                && page.texts("#last-backup")[0].contains("1 older backups removed"),
            "{:?}",
            page.texts("#last-backup")
        );
    })
}
