//! Who reads what of a statement, on the pages and the API: a draft only its drafters and
//! the secretariat; the text every member from the consultation on; a round's board
//! (positions, reasons, internal references) full members and the secretariat, never an
//! associate.

use actix_web::http::StatusCode;
use roundtable::auth::tokens;
use roundtable::statements::rules::{Decision, DecisionRule, Stance};
use roundtable::statements::store;

use super::{decide, draft, fixture, open, take};
use crate::common::{TestApp, demo_login};
use crate::membership::MEMBER_PASSWORD;
use crate::on_each_backend;

#[actix_web::test]
async fn an_associate_reads_the_text_and_the_outcome_never_a_draft_or_the_board() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On labour inspection");
        let page = format!("/statements/{}", s.id);
        let mut associate = app.client().await;
        associate
            .sign_in(&f.associate.rep_email, MEMBER_PASSWORD)
            .await;
        let token = app
            .with_conn(|c| tokens::create_api_token(c, &f.associate.rep.person, "tool"))
            .expect("token");
        let mut api = app.client().await;

        // In drafting: not found, and not listed, on either channel.
        assert_eq!(associate.get(&page).await.status, StatusCode::NOT_FOUND);
        assert!(
            !associate
                .get("/statements")
                .await
                .body
                .contains("On labour inspection")
        );
        let api_path = format!("/api/v1/statements/{}", s.id);
        assert_eq!(
            api.api_get(&api_path, &token).await.status,
            StatusCode::NOT_FOUND
        );
        let listed = api.api_get("/api/v1/statements", &token).await.json();
        assert_eq!(listed["statements"].as_array().map(Vec::len), Some(0));
        // A full member does not read it either; the secretariat does.
        let mut full = app.client().await;
        full.sign_in(&f.full[0].rep_email, MEMBER_PASSWORD).await;
        assert_eq!(full.get(&page).await.status, StatusCode::NOT_FOUND);

        // In consultation, every member reads the text.
        app.with_conn(|c| store::open_consultation(c, &f.admin, s.id))
            .expect("consultation");
        let text = associate.get(&page).await;
        assert_eq!(text.status, StatusCode::OK);
        assert!(text.body.contains("Decent work for all"));

        // In a round: the text, but no board, no reasons, no internal references.
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        take(&app, &f.full[0].rep, &round, f.full[0].id, Stance::Object).expect("object");
        let ministry = &f.full[3];
        take(&app, &ministry.rep, &round, ministry.id, Stance::Approve).expect("approve");
        let (head, _) = ministry.authoriser.as_ref().expect("an authoriser");
        decide(&app, head, &round, ministry.id, Decision::Authorised).expect("authorised");
        let seen = associate.get(&page).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains("Decent work for all"), "the text");
        for secret in ["not our line", "File 2026/417"] {
            assert!(
                !seen.body.contains(secret),
                "{secret} leaks to an associate"
            );
        }
        assert!(seen.texts("#round").is_empty(), "no board");
        let board = full.get(&page).await;
        assert!(
            board.body.contains("not our line"),
            "a full member reads the board"
        );
        assert!(board.body.contains("File 2026/417"));

        let json = api.api_get(&api_path, &token).await;
        assert_eq!(json.status, StatusCode::OK);
        assert_eq!(json.json()["rounds"].as_array().map(Vec::len), Some(0));
        for secret in ["not our line", "File 2026/417"] {
            assert!(
                !json.body.contains(secret),
                "{secret} leaks through the API"
            );
        }
        assert_eq!(
            api.api_get(&format!("/api/v1/rounds/{}", round.id), &token)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let full_token = app
            .with_conn(|c| tokens::create_api_token(c, &f.full[0].rep.person, "tool"))
            .expect("token");
        let board = api
            .api_get(&format!("/api/v1/rounds/{}", round.id), &full_token)
            .await;
        assert_eq!(board.status, StatusCode::OK);
        assert!(board.body.contains("not our line"));
    })
}

/// The audit page shows every event to the administrator, but not what only the board and
/// the secretariat may read: an internal authorisation reference is withheld there.
#[actix_web::test]
async fn the_audit_page_withholds_confidential_details_from_the_administrator() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let login = |role: &str| demo_login(&logins, role).clone();
        let admin = login("administrator");
        let holder = login("secretariat");
        let mut administrator = app.client().await;
        administrator.sign_in(&admin.email, &admin.password).await;
        let seen = administrator.get("/admin/audit").await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(
            seen.texts("#audit-table td code")
                .iter()
                .any(|a| a == "statement.authorisation_decided"),
            "the event shows"
        );
        assert!(!seen.body.contains("GOV/20"), "the reference does not");
        assert!(seen.body.contains("withheld: confidential"));
        // The export follows the same rule.
        let exported = administrator
            .get("/admin/audit/export.csv?what=statement.")
            .await;
        assert!(exported.body.contains("statement.authorisation_decided"));
        assert!(!exported.body.contains("GOV/20"), "nor in the export");
        let mut secretariat = app.client().await;
        secretariat.sign_in(&holder.email, &holder.password).await;
        let full = secretariat.get("/admin/audit").await;
        assert!(
            full.body.contains("GOV/20"),
            "the secretariat reads the whole record"
        );
        let exported = secretariat
            .get("/admin/audit/export.csv?what=statement.")
            .await;
        assert!(exported.body.contains("GOV/20"));
    })
}
