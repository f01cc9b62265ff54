//! The story a new user tries in the demo, through the pages: a draft, an amendment taken
//! into a new version, a round, approvals, the ministry held up until its authoriser confirms
//! the same text, publication, the public page and a receipt. And the API's checks.

use actix_web::http::StatusCode;
use roundtable::auth::tokens;
use roundtable::statements::{rounds, store};

use super::{fixture, status};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::membership::MEMBER_PASSWORD;
use crate::on_each_backend;

#[actix_web::test]
async fn a_statement_from_draft_to_public_page() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get("/statements").await;
        // A draft without text comes back with what was typed.
        let refused = secretariat
            .post_form(
                "/statements",
                &[("title", "Decent work"), ("group_id", ""), ("body", "  ")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.attr("#field-title", "value").as_deref(),
            Some("Decent work")
        );
        let created = secretariat
            .post_form(
                "/statements",
                &[
                    ("title", "Decent work"),
                    ("group_id", ""),
                    ("body", "We call for *decent work* for all.\r\n"),
                ],
            )
            .await;
        let page = created.location().expect("redirect").to_owned();
        let id: i64 = page
            .rsplit('/')
            .next()
            .expect("id")
            .parse()
            .expect("number");
        secretariat.get(&page).await;
        secretariat
            .post_form(&format!("{page}/consultation"), &[])
            .await;
        assert_eq!(status(&app, id), "consultation");

        // A representative proposes an amendment.
        let mut alpha = app.client().await;
        alpha.sign_in(&f.full[0].rep_email, MEMBER_PASSWORD).await;
        alpha.get(&page).await;
        alpha
            .post_form(
                &format!("{page}/comments"),
                &[
                    ("body", "Name forced labour explicitly."),
                    (
                        "proposed_text",
                        "We call for *decent work* for all and an end to forced labour.",
                    ),
                ],
            )
            .await;
        let comment = app
            .with_conn(|c| store::comments(c, id))
            .expect("comments")
            .pop()
            .expect("the amendment");
        // The drafters take it into version 2; the diff shows the added words.
        let prefilled = secretariat
            .get(&format!("{page}?amendment={}", comment.id))
            .await;
        assert!(prefilled.texts("#new-version textarea")[0].contains("an end to forced labour"));
        secretariat
            .post_form(
                &format!("{page}/versions"),
                &[
                    (
                        "body",
                        "We call for *decent work* for all and an end to forced labour.",
                    ),
                    ("note", "amendment of Alpha Shelter"),
                    ("amendment_id", &comment.id.to_string()),
                ],
            )
            .await;
        let diff = secretariat.get(&format!("{page}/diff?from=1&to=2")).await;
        assert_eq!(diff.status, StatusCode::OK);
        assert!(
            diff.texts(".diff ins")
                .concat()
                .contains("and an end to forced labour")
        );
        assert_eq!(
            app.with_conn(|c| store::get_comment(c, comment.id))
                .expect("c")
                .status,
            "taken"
        );

        // The round, and every representative approves through the page.
        secretariat.get(&page).await;
        let deadline = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
        secretariat
            .post_form(
                &format!("{page}/rounds"),
                &[
                    ("rule", "unanimity"),
                    ("percent", ""),
                    ("deadline", &deadline),
                ],
            )
            .await;
        let round = app
            .with_conn(|c| rounds::open_round(c, id))
            .expect("read")
            .expect("an open round");
        // The count against the rule, at a glance (issue 13, point 9).
        let opened = secretariat.get(&page).await;
        assert_eq!(
            opened.texts("#tally"),
            [
                "Approvals: 0 of the 4 needed · objections: 0 · abstentions: 0 · awaiting authorisation: 0 · not answered: 4 · full members: 4"
            ]
        );
        for o in &f.full {
            let mut rep = app.client().await;
            rep.sign_in(&o.rep_email, MEMBER_PASSWORD).await;
            let shown = rep.get(&page).await;
            let hash = shown
                .attr("#round input[name=content_hash]", "value")
                .expect("the form carries the hash");
            assert_eq!(hash, round.content_hash);
            let done = rep
                .post_form(
                    &format!("/rounds/{}/positions", round.id),
                    &[
                        ("organisation_id", &o.id.to_string()),
                        ("position", "approve"),
                        ("reason", ""),
                        ("content_hash", &hash),
                    ],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER);
        }
        let board = secretariat.get(&page).await.texts("#board tr");
        let ministry_line = board
            .iter()
            .find(|l| l.contains("Delta Ministry"))
            .expect("ministry on the board");
        assert!(
            ministry_line.contains("awaiting authorisation"),
            "{ministry_line}"
        );

        // Publishing is refused while the ministry's authorisation is missing.
        // The refusal comes back with the page (the button is not offered while the rule is
        // not met, so it is said at the top).
        let after = secretariat.post_form(&format!("{page}/publish"), &[]).await;
        assert_eq!(after.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            after
                .texts(".flash-error")
                .concat()
                .contains("awaiting authorisation"),
            "{:?}",
            after.texts(".flash")
        );
        assert_eq!(status(&app, id), "approval");

        // The ministry's authoriser sees it on the dashboard; the police's cannot act for it.
        let (police, ministry) = (&f.full[2], &f.full[3]);
        let (_, ministry_head_email) = ministry.authoriser.as_ref().expect("authoriser");
        let (_, police_head_email) = police.authoriser.as_ref().expect("authoriser");
        let mut ministry_head = app.client().await;
        ministry_head
            .sign_in(ministry_head_email, MEMBER_PASSWORD)
            .await;
        let dashboard = ministry_head.get("/").await;
        assert!(
            dashboard
                .body
                .contains("Authorise &quot;Decent work&quot; for Delta Ministry")
                || dashboard
                    .body
                    .contains("Authorise \"Decent work\" for Delta Ministry"),
            "what needs me"
        );
        let mut police_head = app.client().await;
        police_head
            .sign_in(police_head_email, MEMBER_PASSWORD)
            .await;
        police_head.get(&page).await;
        let foreign = police_head
            .post_form(
                &format!("/rounds/{}/authorisations", round.id),
                &[
                    ("organisation_id", &ministry.id.to_string()),
                    ("decision", "authorised"),
                    ("reference", "P-1"),
                    ("content_hash", &round.content_hash),
                ],
            )
            .await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        for (client, org) in [(&mut police_head, police), (&mut ministry_head, ministry)] {
            client.get(&page).await;
            let done = client
                .post_form(
                    &format!("/rounds/{}/authorisations", round.id),
                    &[
                        ("organisation_id", &org.id.to_string()),
                        ("decision", "authorised"),
                        ("reference", "MIN/2026/0815"),
                        ("content_hash", &round.content_hash),
                    ],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER);
        }
        secretariat.get(&page).await;
        secretariat.post_form(&format!("{page}/publish"), &[]).await;
        assert_eq!(status(&app, id), "published");

        // The public page: text, hash and the four signatories, for anyone.
        let mut visitor = app.client().await;
        let public = visitor.get(&format!("/public/statements/{id}")).await;
        assert_eq!(public.status, StatusCode::OK);
        assert_eq!(public.texts("#content-hash").concat(), round.content_hash);
        assert_eq!(
            public.texts("#signatories li"),
            [
                "Alpha Shelter",
                "Beta Union",
                "Delta Ministry",
                "Gamma Police"
            ]
        );
        // A coalition that does not publish statements has no public page.
        let admin = f.admin.clone();
        app.with_conn(|c| {
            roundtable::coalition::set_options(
                c,
                &admin,
                roundtable::coalition::Options {
                    publish_member_list: false,
                    public_applications: false,
                    fees_enabled: false,
                    publish_statements: false,
                },
            )
        })
        .expect("settings");
        let hidden = visitor.get(&format!("/public/statements/{id}")).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        // The ministry's receipt carries the same hash and its own authorisation.
        let receipt = ministry_head
            .get(&format!("/statements/{id}/receipts/{}", ministry.id))
            .await;
        assert_eq!(receipt.status, StatusCode::OK);
        assert!(receipt.body.contains(&round.content_hash));
        assert!(receipt.body.contains("MIN/2026/0815"));
        assert!(receipt.body.contains(&format!("/public/statements/{id}")));
        // It carries the head of the audit record at publication, which verifies.
        let witness = receipt
            .body
            .lines()
            .find_map(|l| l.strip_prefix("Audit record:"))
            .expect("a witness")
            .trim()
            .to_owned();
        let (seq, hash) = witness.split_once(':').expect("SEQ:HASH");
        assert!(matches!(
            app.with_conn(|c| roundtable::audit::verify_witnessed(
                c,
                seq.parse().expect("seq"),
                hash
            ))
            .expect("verify"),
            roundtable::audit::Verdict::Intact { .. }
        ));
        // Another member's receipt is not the ministry's to read.
        let other = ministry_head
            .get(&format!("/statements/{id}/receipts/{}", police.id))
            .await;
        assert_eq!(other.status, StatusCode::FORBIDDEN);

        // The API: the board as JSON, and a position on a closed round refused.
        let token = app
            .with_conn(|c| tokens::create_api_token(c, &f.full[0].rep.person, "tool"))
            .expect("token");
        let mut api = app.client().await;
        let json = api
            .api_get(&format!("/api/v1/statements/{id}"), &token)
            .await
            .json();
        assert_eq!(json["statement"]["status"], "published");
        assert_eq!(json["signatories"].as_array().map(Vec::len), Some(4));
        let late = api
            .api_post(
                &format!("/api/v1/rounds/{}/positions", round.id),
                &token,
                &serde_json::json!({
                    "organisation_id": f.full[0].id,
                    "position": "object",
                    "reason": "too late",
                    "content_hash": round.content_hash,
                }),
            )
            .await;
        assert_eq!(late.status, StatusCode::CONFLICT);
        // An associate's token may read but not take a position.
        let associate_token = app
            .with_conn(|c| tokens::create_api_token(c, &f.associate.rep.person, "tool"))
            .expect("token");
        assert_eq!(
            api.api_get("/api/v1/statements", &associate_token)
                .await
                .status,
            StatusCode::OK
        );
        let refused = api
            .api_post(
                &format!("/api/v1/rounds/{}/positions", round.id),
                &associate_token,
                &serde_json::json!({
                    "organisation_id": f.associate.id,
                    "position": "approve",
                    "content_hash": round.content_hash,
                }),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    });
}
