//! Mail about complaints: an update notice with the reference and a link, never content;
//! reminders before a due date to those who must act, and once a step is overdue a notice
//! to the secretariat, each once per due date. Delivered through a real SMTP conversation.

use diesel::prelude::*;
use roundtable::complaints::notices;
use roundtable::db::schema::{complaints, outbox_deliveries, outbox_messages};

use super::{SECRET_BODY, SECRET_TITLE, coalition, file_against, today};
use crate::common::TestApp;
use crate::common::smtp::SmtpServer;
use crate::mail::app_with_smtp;
use crate::on_each_backend;

fn mails(app: &TestApp, kind: &str) -> Vec<(String, String, String)> {
    app.with_conn(|c| {
        outbox_messages::table
            .inner_join(outbox_deliveries::table)
            .filter(outbox_messages::kind.eq(kind))
            .order(outbox_deliveries::id)
            .select((
                outbox_deliveries::recipient_email,
                outbox_messages::subject,
                outbox_messages::text_body,
            ))
            .load(c)
    })
    .expect("mail")
}

#[actix_web::test]
async fn reminders_and_overdue_notices_go_once_and_say_nothing_of_the_content() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let co = coalition(&app);
        let day = today(&app);
        let c = file_against(&app, &co.fx.full[0], &co.fx.full[3]);
        // Filing told the secretariat (the administrator, before the rotation).
        let updates = mails(&app, "complaint_update");
        assert!(
            updates
                .iter()
                .any(|(to, subject, _)| to == crate::common::ADMIN_EMAIL
                    && subject == &format!("There is an update on complaint {}", c.reference))
        );
        for (_, subject, text) in &updates {
            assert!(
                !subject.contains(SECRET_TITLE)
                    && !text.contains(SECRET_TITLE)
                    && !text.contains(SECRET_BODY)
            );
        }
        // Nothing due yet: the tick writes nothing.
        assert_eq!(
            app.with_conn(|conn| notices::tick(conn, day))
                .expect("tick"),
            0
        );
        // Due tomorrow: a reminder to who acts (the secretariat acknowledges), once.
        let set_due = |due: chrono::NaiveDate| {
            app.with_conn(|conn| {
                diesel::update(complaints::table.find(c.id))
                    .set(complaints::due_on.eq(Some(due)))
                    .execute(conn)
            })
            .expect("due");
        };
        set_due(day + chrono::Duration::days(1));
        assert!(
            app.with_conn(|conn| notices::tick(conn, day))
                .expect("tick")
                >= 1
        );
        assert_eq!(
            app.with_conn(|conn| notices::tick(conn, day))
                .expect("tick"),
            0,
            "once per due date"
        );
        let due = mails(&app, "complaint_due");
        assert_eq!(due.len(), 1, "{due:?}");
        assert!(due[0].1.contains("is due on"));
        // Overdue: the secretariat is told, once.
        set_due(day - chrono::Duration::days(1));
        assert!(
            app.with_conn(|conn| notices::tick(conn, day))
                .expect("tick")
                >= 1
        );
        assert_eq!(
            app.with_conn(|conn| notices::tick(conn, day))
                .expect("tick"),
            0
        );
        let due = mails(&app, "complaint_due");
        let overdue: Vec<_> = due
            .iter()
            .filter(|(_, s, _)| s.contains("overdue"))
            .collect();
        assert_eq!(overdue.len(), 1, "{due:?}");
        assert_eq!(overdue[0].0, crate::common::ADMIN_EMAIL);
        for (_, subject, text) in &due {
            assert!(subject.contains(&c.reference));
            assert!(!text.contains(SECRET_TITLE) && !text.contains(SECRET_BODY));
        }

        // A real SMTP conversation carries them as queued: the reference, never content.
        let report = roundtable::schedule::deliver_mail(&app.state, "test")
            .await
            .expect("deliver");
        assert_eq!(report.failed, 0);
        let received = server.messages();
        let about: Vec<_> = received
            .iter()
            .filter(|r| r.data.contains(&c.reference))
            .collect();
        assert!(
            about.len() >= 3,
            "update, reminder and overdue notice: {}",
            about.len()
        );
        for r in &about {
            assert!(
                !r.data.contains(SECRET_TITLE) && !r.data.contains("marigold"),
                "content in a mail"
            );
        }
    })
}
