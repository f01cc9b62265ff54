use actix_web::http::StatusCode;
use roundtable::error::Error;
use roundtable::meetings::agenda::{self, ItemInput};
use roundtable::meetings::minutes;
use roundtable::meetings::rules::Status;
use roundtable::meetings::store::{self};

use super::coalition;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fixtures};
use crate::on_each_backend;

#[actix_web::test]
async fn approved_minutes_never_change_and_corrections_are_addenda() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, orgs) = coalition(&app);
        let input = fixtures::meeting("Spring plenary", fixtures::date(2026, 3, 10));
        let m = app
            .with_conn(|c| store::create(c, &admin, &input))
            .expect("meeting");
        let item = ItemInput {
            title: "Round of members".into(),
            presenter: String::new(),
            duration_minutes: 30,
            description: String::new(),
            confidential: false,
        };
        app.with_conn(|c| agenda::add_item(c, &admin, m.id, &item))
            .expect("item");
        // Minutes before the meeting is held are refused.
        assert!(matches!(
            app.with_conn(|c| minutes::save_draft(c, &admin, m.id, None)),
            Err(Error::Invalid(_))
        ));
        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");

        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = format!("/meetings/{}", m.id);
        browser.get(&page).await;
        browser
            .post_form(
                &format!("{page}/status"),
                &[("status", "held"), ("reason", "")],
            )
            .await;
        // Attendance and the live quorum: 3 of 4 full members present.
        let mut fields = Vec::new();
        for (n, org) in orgs.iter().enumerate() {
            let status = if n == 3 { "apologies" } else { "present" };
            fields.push((format!("status-{org}"), status.to_owned()));
            let who = if n == 3 { "" } else { "Rep" };
            fields.push((format!("represented_by-{org}"), who.to_owned()));
        }
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        browser
            .post_form(&format!("{page}/attendance"), &fields)
            .await;
        let shown = browser.get(&page).await;
        assert_eq!(
            shown.texts("#quorum"),
            ["quorum 3 of 4 full members present; a quorum needs 3."]
        );

        browser.post_form(&format!("{page}/minutes"), &[]).await;
        let draft = browser.get(&page).await;
        assert!(
            draft
                .texts("#minutes-text h2")
                .iter()
                .any(|t| t == "1. Round of members"),
            "the draft follows the agenda"
        );
        browser
            .post_form(
                &format!("{page}/minutes"),
                &[("body", "## 1. Round of members\n\n**Decisions.** None.")],
            )
            .await;
        // Approving is irreversible: without the box ticked it is refused beside the box.
        let unconfirmed = browser
            .post_form(
                &format!("{page}/minutes/approve"),
                &[("note", "plenary of 9 June")],
            )
            .await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            unconfirmed.texts("#approve-form-confirm-errors")[0].contains("cannot be undone"),
            "{:?}",
            unconfirmed.texts(".field-errors")
        );
        assert_eq!(
            unconfirmed
                .attr("#approve-form input[name=note]", "value")
                .as_deref(),
            Some("plenary of 9 June"),
            "what was typed is kept"
        );
        assert!(
            unconfirmed.texts("#minutes-status")[0].contains("draft"),
            "{:?}",
            unconfirmed.texts("#minutes-status")
        );
        let early = browser
            .post_form(
                &format!("{page}/minutes/approve"),
                &[("note", ""), ("confirm", "on")],
            )
            .await;
        // Refused beside the approval form, the page opening there.
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.texts("#approve-form .flash-error")[0].contains("say which one"));
        browser
            .post_form(
                &format!("{page}/minutes/approve"),
                &[("note", "plenary of 9 June"), ("confirm", "on")],
            )
            .await;
        let approved = browser.get(&page).await;
        assert!(
            approved.texts("#minutes-status")[0].contains("approved"),
            "{:?}",
            approved.texts("#minutes-status")
        );
        assert_eq!(
            app.with_conn(|c| store::get(c, m.id)).expect("m").status,
            Status::MinutesApproved.as_str()
        );
        // The approved minutes carry the head of the audit record: a witness that verifies.
        let witness = approved.texts("#minutes-witness code");
        assert_eq!(witness.len(), 1, "{:?}", approved.texts("#minutes-status"));
        let (seq, hash) = witness[0].split_once(':').expect("SEQ:HASH");
        let seq: i64 = seq.parse().expect("a sequence number");
        assert_eq!(
            app.with_conn(|c| roundtable::audit::verify_witnessed(c, seq, hash))
                .expect("verify"),
            app.with_conn(roundtable::audit::verify).expect("verify"),
        );
        assert!(matches!(
            app.with_conn(roundtable::audit::verify).expect("verify"),
            roundtable::audit::Verdict::Intact { .. }
        ));
        assert!(
            app.with_conn(|c| roundtable::audit::verify_witnessed(c, seq, "0000"))
                .is_ok_and(|v| matches!(v, roundtable::audit::Verdict::Broken { .. })),
            "another hash is not the witness"
        );

        // Editing approved minutes is refused, through the page and the service.
        let rewrite = browser
            .post_form(&format!("{page}/minutes"), &[("body", "rewritten history")])
            .await;
        assert_eq!(rewrite.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(rewrite.texts(".flash-error")[0].contains("never change"));
        assert!(matches!(
            app.with_conn(|c| {
                let text = minutes::MinutesText {
                    open: "x".into(),
                    confidential: None,
                };
                minutes::save_draft(c, &admin, m.id, Some(&text))
            }),
            Err(Error::Invalid(_))
        ));
        let stored = app
            .with_conn(|c| minutes::of_meeting(c, m.id))
            .expect("read")
            .expect("minutes");
        assert_eq!(
            stored.body,
            "## 1. Round of members\n\n**Decisions.** None."
        );
        // A correction is an addendum.
        browser
            .post_form(
                &format!("{page}/minutes/addenda"),
                &[("body", "The union's name was misspelt.")],
            )
            .await;
        let with_addendum = browser.get(&page).await;
        assert!(
            with_addendum
                .texts(".addendum p")
                .iter()
                .any(|t| t == "The union's name was misspelt.")
        );
    })
}
