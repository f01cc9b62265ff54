use std::io::BufReader;

use mailparse::MailHeaderMap;
use std::sync::atomic::Ordering;

use diesel::prelude::*;
use roundtable::db::schema::outbox_deliveries;
use roundtable::mail::worker;
use roundtable::meetings::agenda;
use roundtable::meetings::rules::Status;
use roundtable::meetings::store;

use super::{SECRET_ITEM, app_with_smtp, header, leaves, meeting_with_agenda};
use crate::common::TestApp;
use crate::common::smtp::SmtpServer;
use crate::on_each_backend;

fn calendar_of(data: &str) -> (String, ical::parser::ical::component::IcalCalendar) {
    let mail = mailparse::parse_mail(data.as_bytes()).expect("a MIME message");
    let (ct, ics) = leaves(&mail)
        .into_iter()
        .find(|(ct, _)| ct.starts_with("text/calendar"))
        .expect("a text/calendar part");
    let calendar = ical::IcalParser::new(BufReader::new(ics.as_bytes()))
        .next()
        .expect("a calendar")
        .expect("parses");
    (ct, calendar)
}

fn prop(calendar: &ical::parser::ical::component::IcalCalendar, name: &str) -> String {
    calendar.events[0]
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
        .unwrap_or_default()
}

/// The ATTENDEE addresses of the first event.
fn attendees(calendar: &ical::parser::ical::component::IcalCalendar) -> Vec<String> {
    calendar.events[0]
        .properties
        .iter()
        .filter(|p| p.name == "ATTENDEE")
        .filter_map(|p| p.value.clone())
        .collect()
}

fn statuses(app: &TestApp) -> Vec<String> {
    app.with_conn(|c| {
        outbox_deliveries::table
            .order(outbox_deliveries::id)
            .select(outbox_deliveries::status)
            .load(c)
            .expect("statuses")
    })
}

#[actix_web::test]
async fn the_agenda_reaches_every_invitee_with_its_invitation() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let (admin, m) = meeting_with_agenda(&app, "Spring plenary");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        // Written with the publication, sent by the worker.
        assert_eq!(statuses(&app).len(), 5);
        let report = roundtable::schedule::deliver_mail(&app.state, "test")
            .await
            .expect("deliver");
        assert_eq!((report.sent, report.failed), (5, 0));
        assert!(statuses(&app).iter().all(|s| s == "sent"));

        let received = server.messages();
        let mut recipients: Vec<String> = received.iter().flat_map(|r| r.to.clone()).collect();
        recipients.sort();
        assert_eq!(
            recipients,
            [
                "rep@alpha.example",
                "rep@beta.example",
                "rep@delta.example",
                "rep@gamma.example",
                "rep@press.example"
            ]
        );
        let m = app.with_conn(|c| store::get(c, m.id)).expect("meeting");
        for r in &received {
            let mail = mailparse::parse_mail(r.data.as_bytes()).expect("MIME");
            assert_eq!(
                header(&mail, "Subject"),
                "Agenda: Spring plenary (Tue 9 Mar 2027, 10:00–13:00)"
            );
            assert!(header(&mail, "From").contains("coalition@roundtable.test"));
            assert!(
                header(&mail, "Reply-To").contains("admin@example.org"),
                "the secretariat: {}",
                header(&mail, "Reply-To")
            );
            assert!(header(&mail, "List-Id").contains("test-coalition.roundtable"));
            assert_eq!(header(&mail, "Auto-Submitted"), "auto-generated");
            assert!(header(&mail, "Message-ID").ends_with("@roundtable.test>"));
            assert!(!header(&mail, "Date").is_empty());
            assert!(mail.ctype.mimetype == "multipart/mixed");
            assert_eq!(mail.subparts[0].ctype.mimetype, "multipart/alternative");
            let kinds: Vec<String> = mail.subparts[0]
                .subparts
                .iter()
                .map(|p| p.ctype.mimetype.clone())
                .collect();
            assert_eq!(kinds, ["text/plain", "text/html", "text/calendar"]);
            assert_eq!(mail.subparts[1].ctype.mimetype, "application/ics");
            let (ct, calendar) = calendar_of(&r.data);
            assert!(ct.contains("method=REQUEST"), "{ct}");
            assert_eq!(
                calendar
                    .properties
                    .iter()
                    .find(|p| p.name == "METHOD")
                    .and_then(|p| p.value.clone())
                    .as_deref(),
                Some("REQUEST")
            );
            assert_eq!(prop(&calendar, "UID"), m.uid);
            assert_eq!(prop(&calendar, "SEQUENCE"), m.sequence.to_string());
            // Each copy names the organizer and its one recipient: nobody sees the others'
            // addresses.
            assert_eq!(attendees(&calendar), [format!("mailto:{}", r.to[0])]);
            assert!(prop(&calendar, "ORGANIZER").starts_with("mailto:"));
            // The confidential item: to full members only.
            let text = leaves(&mail)
                .into_iter()
                .find(|(ct, _)| ct.starts_with("text/plain"))
                .expect("text")
                .1;
            let to_associate = r.to == ["rep@press.example"];
            assert_eq!(text.contains(SECRET_ITEM), !to_associate, "to {:?}", r.to);
            assert!(
                !calendar_of(&r.data).1.events[0].properties.iter().any(|p| p
                    .value
                    .as_deref()
                    .unwrap_or("")
                    .contains("Novak"))
            );
        }

        // Moved: REQUEST again, same UID, higher SEQUENCE. Cancelled: CANCEL.
        let before = m.sequence;
        let mut moved = super::super::meetings::planning_input(&m);
        moved.start = chrono::NaiveTime::from_hms_opt(11, 0, 0).expect("t");
        app.with_conn(|c| store::update(c, &admin, m.id, &moved))
            .expect("move");
        app.with_conn(|c| store::set_status(c, &admin, m.id, Status::Cancelled, "venue flooded"))
            .expect("cancel");
        roundtable::schedule::deliver_mail(&app.state, "test")
            .await
            .expect("deliver");
        let all = server.messages();
        assert_eq!(all.len(), 15);
        let subject = |r: &crate::common::smtp::Received| {
            header(
                &mailparse::parse_mail(r.data.as_bytes()).expect("MIME"),
                "Subject",
            )
        };
        let changed_mail = all
            .iter()
            .find(|r| subject(r).starts_with("Changed:"))
            .expect("a change notice");
        let cancel_mail = all
            .iter()
            .find(|r| subject(r).starts_with("Cancelled:"))
            .expect("a cancellation");
        assert_eq!(
            all.iter()
                .filter(|r| subject(r).starts_with("Changed:"))
                .count(),
            5
        );
        let (ct, changed) = calendar_of(&changed_mail.data);
        assert!(ct.contains("method=REQUEST"));
        assert_eq!(prop(&changed, "UID"), m.uid);
        assert!(prop(&changed, "SEQUENCE").parse::<i32>().expect("n") > before);
        for mail in [changed_mail, cancel_mail] {
            let (_, calendar) = calendar_of(&mail.data);
            assert_eq!(attendees(&calendar), [format!("mailto:{}", mail.to[0])]);
        }
        let (ct, cancelled) = calendar_of(&cancel_mail.data);
        assert!(ct.contains("method=CANCEL"), "{ct}");
        assert_eq!(prop(&cancelled, "STATUS"), "CANCELLED");
        assert!(
            prop(&cancelled, "SEQUENCE").parse::<i32>().expect("n")
                > prop(&changed, "SEQUENCE").parse::<i32>().expect("n")
        );
    })
}

#[actix_web::test]
async fn nothing_is_lost_when_the_server_refuses_or_the_worker_dies() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let (admin, m) = meeting_with_agenda(&app, "Autumn plenary");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");

        // The server is down: every delivery is kept for a retry.
        server.refuse.store(true, Ordering::SeqCst);
        let report = worker::deliver_batch(
            &app.state.courier(),
            &roundtable::schedule::envelope(&app.state)
                .await
                .expect("envelope"),
            "w1",
        )
        .await
        .expect("attempt");
        assert_eq!((report.sent, report.retried), (0, 5));
        assert!(statuses(&app).iter().all(|s| s == "queued"));
        assert!(server.messages().is_empty());
        // It comes back: everything arrives.
        server.refuse.store(false, Ordering::SeqCst);
        let report = roundtable::schedule::deliver_mail(&app.state, "w1")
            .await
            .expect("deliver");
        assert_eq!(report.sent, 5);
        assert_eq!(server.messages().len(), 5);

        // A worker claims a batch, sends one mail and dies before recording anything.
        let item = any_other_business(5);
        app.with_conn(|c| agenda::add_item(c, &admin, m.id, &item))
            .expect("item");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish again");
        let dying = roundtable::mail::worker::Policy {
            lease: std::time::Duration::ZERO,
            ..app.state.mail_policy.clone()
        };
        let claimed = app
            .with_conn(|c| worker::claim(c, "dying", &dying))
            .expect("claim");
        assert_eq!(claimed.len(), 5);
        let envelope = roundtable::schedule::envelope(&app.state)
            .await
            .expect("envelope");
        let (delivery, message) = &claimed[0];
        let mail = roundtable::mail::message::build(&envelope, message, delivery).expect("mail");
        app.state
            .mail
            .send(mail, "cut-off")
            .await
            .expect("sent once");
        // Its lease runs out; another worker takes everything up again.
        let report = roundtable::schedule::deliver_mail(&app.state, "w2")
            .await
            .expect("deliver");
        assert_eq!(report.sent, 5);
        let second_round: Vec<_> = server.messages().into_iter().skip(5).collect();
        assert_eq!(
            second_round.len(),
            6,
            "one duplicate, where the send was cut off"
        );
        let ids: Vec<String> = second_round
            .iter()
            .map(|r| {
                header(
                    &mailparse::parse_mail(r.data.as_bytes()).expect("MIME"),
                    "Message-ID",
                )
            })
            .collect();
        let duplicate = &ids[0];
        assert_eq!(
            ids.iter().filter(|i| *i == duplicate).count(),
            2,
            "the duplicate carries the same Message-ID"
        );
        let mut to: Vec<String> = second_round.iter().flat_map(|r| r.to.clone()).collect();
        to.sort();
        to.dedup();
        assert_eq!(to.len(), 5, "every recipient got it");
    })
}

#[actix_web::test]
async fn header_injection_in_a_title_is_harmless() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let injected = "Plenary\r\nBcc: intruder@evil.example\r\nX-Injected: yes";
        let (admin, m) = meeting_with_agenda(&app, "Plenary");
        // The form refuses line breaks in a title...
        let refused = app.with_conn(|c| {
            roundtable::meetings::store::create(
                c,
                &admin,
                &crate::common::fixtures::meeting(
                    injected,
                    crate::common::fixtures::date(2027, 3, 9),
                ),
            )
        });
        assert!(refused.is_err(), "{refused:?}");
        // ...and should one reach the database another way, the mail still carries none.
        app.with_conn(|c| {
            use diesel::prelude::*;
            diesel::update(roundtable::db::schema::meetings::table.find(m.id))
                .set(roundtable::db::schema::meetings::title.eq(injected))
                .execute(c)
                .expect("a title written behind the form's back")
        });
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        roundtable::schedule::deliver_mail(&app.state, "w")
            .await
            .expect("deliver");
        for r in server.messages() {
            assert!(!r.to.iter().any(|t| t.contains("evil")), "{:?}", r.to);
            let mail = mailparse::parse_mail(r.data.as_bytes()).expect("MIME");
            assert!(mail.headers.get_first_value("X-Injected").is_none());
            assert!(mail.headers.get_first_value("Bcc").is_none());
            assert!(
                header(&mail, "Subject")
                    .starts_with("Agenda: Plenary Bcc: intruder@evil.example X-Injected: yes")
            );
        }
    })
}

#[actix_web::test]
async fn without_smtp_mail_is_written_as_files_a_mail_program_opens() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, m) = meeting_with_agenda(&app, "Winter plenary");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        let report = roundtable::schedule::deliver_mail(&app.state, "files")
            .await
            .expect("deliver");
        assert_eq!(report.sent, 5);
        let dir = app.db.dir.path().join("outbox");
        let files: Vec<_> = std::fs::read_dir(&dir)
            .expect("outbox folder")
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .collect();
        assert_eq!(files.len(), 5);
        let data = std::fs::read_to_string(files[0].path()).expect("an .eml file");
        let (ct, calendar) = calendar_of(&data);
        assert!(ct.contains("method=REQUEST"));
        assert_eq!(calendar.events.len(), 1);
    })
}

#[actix_web::test]
async fn two_workers_never_claim_the_same_delivery() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let (admin, m) = meeting_with_agenda(&app, "Busy plenary");
        for i in 0..40 {
            app.with_conn(|c| {
                roundtable::meetings::store::add_guest(
                    c,
                    &admin,
                    m.id,
                    &format!("Guest {i}"),
                    &format!("guest{i}@example.org"),
                    "",
                )
            })
            .expect("guest");
        }
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        let total = statuses(&app).len();
        assert_eq!(total, 45);
        let policy = worker::Policy {
            batch: 7,
            ..app.state.mail_policy.clone()
        };
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let pool = app.state.pool.clone();
                let policy = policy.clone();
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let mut conn = pool.get().expect("connection");
                        let batch =
                            worker::claim(&mut conn, &format!("w{w}"), &policy).expect("claim");
                        if batch.is_empty() {
                            return mine;
                        }
                        mine.extend(batch.into_iter().map(|(d, _)| d.id));
                    }
                })
            })
            .collect();
        let mut claimed: Vec<i64> = workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect();
        let count = claimed.len();
        claimed.sort_unstable();
        claimed.dedup();
        assert_eq!(claimed.len(), count, "a delivery was claimed twice");
        assert_eq!(count, total, "every delivery was claimed");
    })
}

/// `roundtable mail send` from the command line, with SMTP configured: the transport is built
/// inside the runtime that sends (building lettre's pool outside one would abort).
#[actix_web::test]
async fn the_command_line_delivers_the_outbox_over_smtp() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let (admin, m) = meeting_with_agenda(&app, "Command-line plenary");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_roundtable"))
            .args(["mail", "send"])
            .env("DATABASE_URL", &app.db.url)
            .env("ROUNDTABLE_DATA_DIR", app.db.dir.path())
            .env("SMTP_URL", server.url())
            .env("MAIL_FROM", "coalition@roundtable.test")
            .env("SECRET_KEY", "a test secret key that is long enough to use")
            .output()
            .expect("run roundtable");
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{text}");
        assert!(text.contains("Mail sent: 5"), "{text}");
        assert_eq!(server.messages().len(), 5);
        assert!(statuses(&app).iter().all(|s| s == "sent"));
    })
}

/// Issue 13, points 2 and 15: a re-published agenda is a new invitation (a higher SEQUENCE,
/// DTSTAMP when the message was made); publishing an unchanged agenda sends nothing again.
#[actix_web::test]
async fn a_changed_agenda_is_a_newer_invitation_and_an_unchanged_one_is_not_sent() {
    on_each_backend!(|backend| async {
        use roundtable::db::schema::{meetings, outbox_messages};
        let app = TestApp::new(&backend);
        let (admin, m) = meeting_with_agenda(&app, "Spring plenary");
        // The meeting was last changed long ago: its invitation's DTSTAMP must not say so.
        let long_ago = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("instant");
        app.with_conn(|c| {
            diesel::update(meetings::table.find(m.id))
                .set(meetings::updated_at.eq(long_ago))
                .execute(c)
                .expect("age the meeting")
        });
        let invitations = |app: &TestApp| -> Vec<(i64, String)> {
            app.with_conn(|c| {
                outbox_messages::table
                    .filter(outbox_messages::calendar_method.eq("REQUEST"))
                    .order(outbox_messages::id)
                    .select((outbox_messages::id, outbox_messages::calendar))
                    .load::<(i64, Option<String>)>(c)
                    .expect("invitations")
                    .into_iter()
                    .map(|(id, ics)| (id, ics.unwrap_or_default()))
                    .collect()
            })
        };
        let field = |ics: &str, name: &str| -> String {
            let calendar = ical::IcalParser::new(BufReader::new(ics.as_bytes()))
                .next()
                .expect("a calendar")
                .expect("parses");
            prop(&calendar, name)
        };
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        let first = invitations(&app);
        assert!(!first.is_empty());
        let (sequence, stamp) = {
            let ics = &first.last().expect("one").1;
            (field(ics, "SEQUENCE"), field(ics, "DTSTAMP"))
        };
        assert!(
            stamp.as_str() > "20250101T000000Z",
            "DTSTAMP is the message's: {stamp}"
        );

        let again = app.with_conn(|c| agenda::publish(c, &admin, m.id));
        assert!(
            matches!(&again, Err(roundtable::error::Error::Invalid(m)) if m.contains("has not changed")),
            "{again:?}"
        );
        assert_eq!(invitations(&app).len(), first.len(), "nothing sent again");

        let item = any_other_business(10);
        app.with_conn(|c| agenda::add_item(c, &admin, m.id, &item))
            .expect("item");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish the changed agenda");
        let second = invitations(&app);
        assert!(second.len() > first.len());
        let ics = &second.last().expect("new").1;
        let newer: i64 = field(ics, "SEQUENCE").parse().expect("a number");
        assert_eq!(newer, sequence.parse::<i64>().expect("a number") + 1);
        assert!(field(ics, "DTSTAMP") >= stamp);
    })
}

/// Issue 13, point 17: what a crashed process of this machine had claimed is taken over at
/// once by the next round, not after its lease; a live worker's claim, or one from another
/// machine, is left alone.
#[actix_web::test]
async fn a_gone_workers_claim_is_taken_over_at_once() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let (admin, m) = meeting_with_agenda(&app, "Plenary");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "localhost".into());
        // A pid above the kernel's maximum is no running process.
        let dead = format!("{host}:4194399:x");
        let policy = app.state.mail_policy.clone();
        let claimed = app
            .with_conn(|c| worker::claim(c, &dead, &policy))
            .expect("claim");
        assert!(!claimed.is_empty());
        assert!(worker::is_gone(&dead));
        assert!(
            !worker::is_gone(&worker::worker_name()),
            "this process runs"
        );
        assert!(
            !worker::is_gone("elsewhere.example:4194399:x"),
            "another machine's"
        );
        assert!(!worker::is_gone("w1"), "a name that says nothing");

        let (_, report) = roundtable::schedule::run_once(&app.state, &worker::worker_name())
            .await
            .expect("a round");
        assert_eq!(report.sent, claimed.len(), "taken over within its lease");
        assert!(
            statuses(&app).iter().all(|s| s == "sent"),
            "{:?}",
            statuses(&app)
        );
    })
}

/// An agenda item to change a published agenda with.
fn any_other_business(duration_minutes: i32) -> roundtable::meetings::agenda::ItemInput {
    roundtable::meetings::agenda::ItemInput {
        title: "Any other business".into(),
        presenter: String::new(),
        duration_minutes,
        description: String::new(),
        confidential: false,
    }
}
