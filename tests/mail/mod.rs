//! The mailing list over a real SMTP conversation: recipients, headers, MIME structure, the
//! iTIP calendars, failures and restarts, header injection, snapshots.

mod delivery;
mod notices;
mod snapshots;

use std::time::Duration;

use mailparse::{MailHeaderMap, ParsedMail};
use roundtable::auth::permissions::Actor;
use roundtable::meetings::agenda::{self, ItemInput};
use roundtable::meetings::model::Meeting;
use roundtable::meetings::store::{self};
use roundtable::membership::rules::Status;

use crate::common::smtp::SmtpServer;
use crate::common::{Backend, TestApp, fixtures};
use crate::meetings::coalition;
use crate::membership::member_org;

/// An app that mails through the test SMTP server, retrying at once.
pub fn app_with_smtp(backend: &Backend, server: &SmtpServer) -> TestApp {
    let url = server.url();
    TestApp::with_state(
        backend,
        |s| {
            s.smtp_url = Some(url);
            s.mail_from = "coalition@roundtable.test".into();
        },
        |state| {
            state.mail_policy.first_retry = Duration::ZERO;
            state.mail_policy.max_attempts = 5;
        },
    )
}

pub const SECRET_ITEM: &str = "Case review: the Novak family";

/// Four full members, one associate, a meeting with a public and a confidential item.
pub fn meeting_with_agenda(app: &TestApp, title: &str) -> (Actor, Meeting) {
    let (admin, _) = coalition(app);
    member_org(
        app,
        &admin,
        "Press Club",
        "Media",
        Status::Associate,
        "rep@press.example",
    );
    let input = fixtures::meeting(title, fixtures::date(2027, 3, 9));
    let m = app
        .with_conn(|c| store::create(c, &admin, &input))
        .expect("meeting");
    for (title, confidential) in [("Adoption of the agenda", false), (SECRET_ITEM, true)] {
        let item = ItemInput {
            title: title.into(),
            presenter: String::new(),
            duration_minutes: 15,
            description: String::new(),
            confidential,
        };
        app.with_conn(|c| agenda::add_item(c, &admin, m.id, &item))
            .expect("item");
    }
    // The set-up's own mail (invitations to set passwords) is not what these tests look at.
    app.with_conn(|c| {
        use diesel::prelude::*;
        use roundtable::db::schema::{outbox_deliveries, outbox_messages};
        diesel::delete(outbox_deliveries::table).execute(c)?;
        diesel::delete(outbox_messages::table).execute(c)
    })
    .expect("clear the outbox");
    (admin, m)
}

pub fn header(mail: &ParsedMail<'_>, name: &str) -> String {
    mail.headers.get_first_value(name).unwrap_or_default()
}

/// Every leaf part: (content type with parameters, body text).
pub fn leaves(mail: &ParsedMail<'_>) -> Vec<(String, String)> {
    if mail.subparts.is_empty() {
        let ct = header(mail, "Content-Type");
        return vec![(ct, mail.get_body().unwrap_or_default())];
    }
    mail.subparts.iter().flat_map(leaves).collect()
}
