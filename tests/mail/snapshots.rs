//! Each mail's text and HTML, with dates, ids and boundaries normalised, compared with the
//! snapshots in tests/snapshots (set UPDATE_SNAPSHOTS=1 to rewrite them after a deliberate
//! change, and read the diff).

use roundtable::meetings::{agenda, minutes};

use super::{app_with_smtp, leaves, meeting_with_agenda};
use crate::common::smtp::SmtpServer;
use crate::on_each_backend;

fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.replace("\r\n", "\n").lines() {
        let mut l = line.to_owned();
        if let Some(i) = l.find("/meetings/") {
            let rest: String = l[i + 10..]
                .chars()
                .skip_while(char::is_ascii_digit)
                .collect();
            l = format!("{}/meetings/ID{rest}", &l[..i]);
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn check(name: &str, actual: &str) {
    let path = format!("{}/tests/snapshots/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {path}; run with UPDATE_SNAPSHOTS=1"));
    assert_eq!(actual, expected, "snapshot {name} differs");
}

#[actix_web::test]
async fn mail_bodies_match_their_snapshots() {
    on_each_backend!(|backend| async {
        let server = SmtpServer::start();
        let app = app_with_smtp(&backend, &server);
        let (admin, m) = meeting_with_agenda(&app, "Spring plenary");
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        app.with_conn(|c| {
            roundtable::meetings::store::set_status(
                c,
                &admin,
                m.id,
                roundtable::meetings::rules::Status::Held,
                "",
            )
        })
        .expect("held");
        app.with_conn(|c| minutes::save_draft(c, &admin, m.id, None))
            .expect("draft");
        let deadline = chrono::NaiveDate::from_ymd_opt(2099, 1, 31).expect("date");
        app.with_conn(|c| {
            minutes::open_comments(
                c,
                &admin,
                m.id,
                deadline,
                chrono::NaiveDate::from_ymd_opt(2027, 3, 10).expect("d"),
            )
        })
        .expect("open");
        roundtable::schedule::deliver_mail(&app.state, "snap")
            .await
            .expect("deliver");
        let messages = server.messages();
        // Deliveries run a few at a time, so mails are found by recipient and subject.
        let find = |to: &str, subject: &str| {
            messages
                .iter()
                .find(|r| r.to == [to] && r.data.contains(&format!("Subject: {subject}")))
                .unwrap_or_else(|| panic!("a mail {subject:?} to {to}"))
        };
        let agenda_mail = find("rep@alpha.example", "Agenda:");
        let agenda_assoc = find("rep@press.example", "Agenda:");
        let minutes_mail = find("rep@alpha.example", "Draft minutes");
        for (name, r) in [
            ("agenda-full-member", agenda_mail),
            ("agenda-associate", agenda_assoc),
            ("minutes-draft", minutes_mail),
        ] {
            let mail = mailparse::parse_mail(r.data.as_bytes()).expect("MIME");
            let parts = leaves(&mail);
            let text = parts
                .iter()
                .find(|(ct, _)| ct.starts_with("text/plain"))
                .expect("text")
                .1
                .clone();
            let html = parts
                .iter()
                .find(|(ct, _)| ct.starts_with("text/html"))
                .expect("html")
                .1
                .clone();
            check(&format!("{name}.txt"), &normalise(&text));
            check(&format!("{name}.html"), &normalise(&html));
        }
    })
}
