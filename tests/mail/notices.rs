use actix_web::http::StatusCode;
use chrono::Duration;
use diesel::prelude::*;
use roundtable::db::schema::{mail_preferences, outbox_deliveries, outbox_messages};
use roundtable::meetings::minutes::{self, ActionInput};
use roundtable::meetings::store::{self, MeetingInput};
use roundtable::membership::organisations;
use roundtable::membership::rules::Status;

use super::{app_with_smtp, header};
use crate::common::smtp::SmtpServer;
use crate::common::{ADMIN_EMAIL, TestApp, fixtures};
use crate::meetings::coalition;
use crate::on_each_backend;

/// (kind, recipient) of everything queued, oldest first.
fn queued(app: &TestApp) -> Vec<(String, String)> {
    app.with_conn(|c| {
        outbox_deliveries::table
            .inner_join(outbox_messages::table)
            .order(outbox_deliveries::id)
            .select((outbox_messages::kind, outbox_deliveries::recipient_email))
            .load(c)
            .expect("outbox")
    })
}

#[actix_web::test]
async fn invitations_and_membership_decisions_are_mailed_to_whom_they_concern() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, ids) = coalition(&app);
        let invitations: Vec<String> = queued(&app)
            .into_iter()
            .filter(|(k, _)| k == "invitation")
            .map(|(_, e)| e)
            .collect();
        assert_eq!(
            invitations,
            [
                "rep@alpha.example",
                "rep@beta.example",
                "rep@gamma.example",
                "rep@delta.example"
            ]
        );
        let today = chrono::Utc::now().date_naive();
        app.with_conn(|c| {
            organisations::change_status(
                c,
                &admin,
                ids[1],
                Status::Suspended,
                today,
                "fees unpaid for two years",
            )
        })
        .expect("suspend");
        let decisions: Vec<(String, String)> = queued(&app)
            .into_iter()
            .filter(|(k, _)| k == "membership_decision")
            .collect();
        assert_eq!(
            decisions,
            [(
                "membership_decision".to_owned(),
                "rep@beta.example".to_owned()
            )]
        );
    })
}

#[actix_web::test]
async fn forgot_password_answers_the_same_and_mails_only_a_known_address() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.get("/password/forgot").await;
        let unknown = browser
            .post_form("/password/forgot", &[("email", "nobody@example.org")])
            .await;
        browser.get("/password/forgot").await;
        let known = browser
            .post_form("/password/forgot", &[("email", ADMIN_EMAIL)])
            .await;
        assert_eq!(unknown.status, known.status);
        assert_eq!(unknown.texts("#reset-sent"), known.texts("#reset-sent"));
        // Asking again at once sends nothing more (and answers the same).
        browser.get("/password/forgot").await;
        let again = browser
            .post_form("/password/forgot", &[("email", ADMIN_EMAIL)])
            .await;
        assert_eq!(again.texts("#reset-sent"), known.texts("#reset-sent"));
        roundtable::schedule::deliver_mail(&app.state, "w")
            .await
            .expect("deliver");
        let mails = server.messages();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to, [ADMIN_EMAIL]);
        let mail = mailparse::parse_mail(mails[0].data.as_bytes()).expect("MIME");
        assert!(header(&mail, "Subject").starts_with("Reset your password"));
        let text = super::leaves(&mail)
            .into_iter()
            .find(|(ct, _)| ct.starts_with("text/plain"))
            .expect("text")
            .1;
        let link = text
            .split_whitespace()
            .find(|w| w.contains("/password/reset/"))
            .expect("a link")
            .trim_start_matches("http://roundtable.test")
            .to_owned();
        browser.get(&link).await;
        let done = browser
            .post_form(
                &link,
                &[
                    ("password", "a brand new password"),
                    ("password_confirm", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(done.location(), Some("/account#tokens"));
        let mut again = app.client().await;
        again.sign_in(ADMIN_EMAIL, "a brand new password").await;
        assert_eq!(
            browser.get(&link).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the link works once"
        );
    })
}

#[actix_web::test]
async fn reminders_go_out_once_and_notices_respect_essential_only() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, ids) = coalition(&app);
        let today = chrono::Utc::now().date_naive();
        let input = MeetingInput {
            end: fixtures::at(12, 0),
            ..fixtures::meeting("Next plenary", today + Duration::days(5))
        };
        let m = app
            .with_conn(|c| store::create(c, &admin, &input))
            .expect("meeting");
        app.with_conn(|c| {
            store::set_status(
                c,
                &admin,
                m.id,
                roundtable::meetings::rules::Status::Held,
                "",
            )
        })
        .expect("held");
        let owner = app
            .with_conn(|c| roundtable::auth::store::find_by_email(c, "rep@gamma.example"))
            .expect("read")
            .expect("person");
        app.with_conn(|c| {
            minutes::add_action(
                c,
                &admin,
                m.id,
                &ActionInput {
                    title: "Send the figures".into(),
                    owner_organisation_id: None,
                    owner_person_id: Some(owner.id),
                    due_on: Some(today + Duration::days(2)),
                },
            )
        })
        .expect("action");
        // A second plenary without an agenda, next week.
        let mut soon = input.clone();
        soon.title = "Plenary without agenda".into();
        app.with_conn(|c| store::create(c, &admin, &soon))
            .expect("meeting");
        app.with_conn(|c| roundtable::schedule::tick(c, today))
            .expect("reminders");
        app.with_conn(|c| roundtable::schedule::tick(c, today))
            .expect("reminders again");
        let reminders: Vec<(String, String)> = queued(&app)
            .into_iter()
            .filter(|(k, _)| k.starts_with("reminder"))
            .collect();
        assert_eq!(
            reminders,
            [
                ("reminder_agenda".to_owned(), ADMIN_EMAIL.to_owned()),
                ("reminder_action".to_owned(), "rep@gamma.example".to_owned())
            ]
        );

        // The hand-over notice when a term begins: Alpha's representative chose essential mail only.
        let alpha = app
            .with_conn(|c| roundtable::auth::store::find_by_email(c, "rep@alpha.example"))
            .expect("read")
            .expect("person");
        app.with_conn(|c| {
            diesel::insert_into(mail_preferences::table)
                .values((
                    mail_preferences::person_id.eq(alpha.id),
                    mail_preferences::essential_only.eq(true),
                ))
                .execute(c)
        })
        .expect("preference");
        let first = today - Duration::days(3);
        app.with_conn(|c| roundtable::secretariat::store::start_rotation(c, &admin, first, today))
            .expect("rotation");
        app.with_conn(|c| roundtable::schedule::tick(c, today))
            .expect("reminders");
        let notices: Vec<String> = queued(&app)
            .into_iter()
            .filter(|(k, _)| k == "handover")
            .map(|(_, e)| e)
            .collect();
        assert!(!notices.is_empty());
        assert!(
            !notices.contains(&"rep@alpha.example".to_owned()),
            "{notices:?}"
        );
        assert!(
            notices.contains(&"rep@beta.example".to_owned()),
            "{notices:?}"
        );
        let _ = ids;
    })
}
