//! Refused forms on the statement page come back as typed, with the reason beside the field
//! and the page opening at the form; nothing is recorded.

use actix_web::http::StatusCode;
use roundtable::auth::tokens;
use roundtable::statements::rounds;
use roundtable::statements::rules::DecisionRule;
use roundtable::statements::store::{self, MAX_TEXT};

use super::{draft, fixture, open};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::membership::MEMBER_PASSWORD;
use crate::on_each_backend;

#[actix_web::test]
async fn an_objection_without_a_reason_keeps_the_choice_and_records_nothing() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On forced labour");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        let alpha = &f.full[0];
        let mut rep = app.client().await;
        rep.sign_in(&alpha.rep_email, MEMBER_PASSWORD).await;
        let page = rep.get(&format!("/statements/{}", s.id)).await;
        // Nothing is chosen for the person: the first option is no position at all.
        let anchor = format!("position-{}", alpha.id);
        assert_eq!(
            page.attr(&format!("#{anchor} option[selected]"), "value")
                .as_deref(),
            Some("")
        );
        assert_eq!(
            page.attr(&format!("form#{anchor}"), "action").as_deref(),
            Some(format!("/rounds/{}/positions#{anchor}", round.id).as_str())
        );

        let refused = rep
            .post_form(
                &format!("/rounds/{}/positions", round.id),
                &[
                    ("organisation_id", &alpha.id.to_string()),
                    ("position", "object"),
                    ("reason", "  "),
                    ("content_hash", &round.content_hash),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let form = format!("form#{anchor}");
        assert_eq!(
            refused
                .attr(&format!("{form} option[selected]"), "value")
                .as_deref(),
            Some("object"),
            "the choice is kept"
        );
        let beside = refused.texts(&format!("{form} #field-reason-errors li"));
        assert_eq!(beside.len(), 1, "{:?}", refused.texts(".flash"));
        assert!(beside[0].contains("objection needs a reason"), "{beside:?}");
        assert!(
            refused
                .attr(&format!("{form} #field-reason"), "autofocus")
                .is_some(),
            "the page opens at the reason"
        );
        let board = app.with_conn(|c| rounds::board(c, &round)).expect("board");
        assert!(
            board.iter().all(|row| row.position.is_none()),
            "nothing is recorded"
        );

        // Sent again with no position chosen: refused too, never an approval.
        let unchosen = rep
            .post_form(
                &format!("/rounds/{}/positions", round.id),
                &[
                    ("organisation_id", &alpha.id.to_string()),
                    ("position", ""),
                    ("reason", "We cannot sign paragraph 2."),
                    ("content_hash", &round.content_hash),
                ],
            )
            .await;
        assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            unchosen.texts(&format!("{form} textarea#field-reason")),
            ["We cannot sign paragraph 2."]
        );
        assert_eq!(
            unchosen
                .texts(&format!("{form} #field-position-errors li"))
                .len(),
            1
        );
        let board = app.with_conn(|c| rounds::board(c, &round)).expect("board");
        assert!(board.iter().all(|row| row.position.is_none()));
    });
}

#[actix_web::test]
async fn a_version_over_the_limit_keeps_the_whole_text() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On forced labour");
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = format!("/statements/{}", s.id);
        secretariat.get(&page).await;
        let long = format!(
            "# Too long\n\n{}",
            "forced labour ".repeat(MAX_TEXT / 14 + 10)
        );
        let refused = secretariat
            .post_form(
                &format!("{page}/versions"),
                &[("body", &long), ("note", "everything at once")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let kept = refused.texts("#new-version-form textarea#field-body");
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].trim_end(), long.trim_end(), "the draft is not lost");
        assert_eq!(
            refused
                .attr("#new-version-form #field-note", "value")
                .as_deref(),
            Some("everything at once")
        );
        assert!(
            refused
                .texts("#new-version-form #field-body-errors li")
                .concat()
                .contains("at most"),
        );
        let versions = app
            .with_conn(|c| store::versions(c, s.id))
            .expect("versions");
        assert_eq!(versions.len(), 1, "no version was written");
    });
}

#[actix_web::test]
async fn the_page_and_the_api_refuse_a_position_with_the_same_words() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On recruitment fees");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        let alpha = &f.full[0];
        let path = format!("/rounds/{}/positions", round.id);
        let organisation = alpha.id.to_string();
        let sent = [
            ("organisation_id", organisation.as_str()),
            ("position", "maybe"),
            ("reason", ""),
            ("content_hash", round.content_hash.as_str()),
        ];

        let mut rep = app.client().await;
        rep.sign_in(&alpha.rep_email, MEMBER_PASSWORD).await;
        rep.get(&format!("/statements/{}", s.id)).await;
        let page = rep.post_form(&path, &sent).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let anchor = format!("form#position-{}", alpha.id);
        let on_page = page.texts(&format!("{anchor} #field-position-errors li"));

        let token = app
            .with_conn(|c| tokens::create_api_token(c, &alpha.rep.person, "tool"))
            .expect("token");
        let body: serde_json::Map<String, serde_json::Value> = sent
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect();
        let mut api = app.client().await;
        let json = api
            .api_post(
                &format!("/api/v1{path}"),
                &token,
                &serde_json::Value::Object(body),
            )
            .await;
        assert_eq!(json.status, StatusCode::UNPROCESSABLE_ENTITY);
        let in_json: Vec<String> = json.json()["error"]["fields"]["position"]
            .as_array()
            .expect("a message for the position")
            .iter()
            .map(|m| m.as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(on_page.len(), 1, "{:?}", page.texts(".flash-error"));
        assert_eq!(
            on_page[0].trim_end_matches('.').to_lowercase(),
            in_json[0].to_lowercase(),
            "one rule, one message, on both channels"
        );

        // A client may send the organisation as a number, as before.
        let numeric = api
            .api_post(
                &format!("/api/v1{path}"),
                &token,
                &serde_json::json!({
                    "organisation_id": alpha.id,
                    "position": "approve",
                    "content_hash": round.content_hash,
                }),
            )
            .await;
        assert_eq!(numeric.status, StatusCode::OK, "{}", numeric.body);
        let board = app.with_conn(|c| rounds::board(c, &round)).expect("board");
        assert_eq!(
            board.iter().filter(|row| row.position.is_some()).count(),
            1,
            "only the valid position is recorded"
        );
    })
}
