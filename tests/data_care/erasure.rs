//! Erasure that keeps the record: after the administrator erases a representative, no table,
//! page, API answer, feed, export or mail holds their name or address; their organisation's
//! approval still counts, under a pseudonym; the audit chain verifies.

use actix_web::http::StatusCode;
use roundtable::audit::{self, Verdict};
use roundtable::auth::store::find_by_email;
use roundtable::care::backup;
use roundtable::statements::rounds;
use roundtable::statements::rules::Standing;

use crate::common::{TestApp, demo_login};
use crate::on_each_backend;

#[actix_web::test]
async fn an_erased_representative_is_a_pseudonym_and_their_organisations_approval_stands() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let login = |role: &str| demo_login(&logins, role).clone();
        let (member, admin, holder) = (
            login("as a member"),
            login("administrator"),
            login("as the secretariat"),
        );
        let (person, organisation, round) =
            super::member_approves_the_open_round(&app, &member.email);
        let (name, email) = (person.name.clone(), person.email.clone());
        // The member signs in once (a session to remove).
        let mut theirs = app.client().await;
        theirs.sign_in(&member.email, &member.password).await;

        let mut administrator = app.client().await;
        administrator.sign_in(&admin.email, &admin.password).await;
        let page = format!("/people/{}", person.id);
        let shown = administrator.get(&page).await;
        assert!(
            shown
                .texts("#erase-heading + p")
                .concat()
                .contains("Former representative"),
            "the page says what happens"
        );
        let unconfirmed = administrator.post_form(&format!("{page}/erase"), &[]).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        let erased = administrator
            .post_form(&format!("{page}/erase"), &[("confirm", "on")])
            .await;
        assert_eq!(erased.status, StatusCode::SEE_OTHER);
        let pseudonym = format!("Former representative #{}", person.id);
        let said = administrator.get(&page).await;
        assert_eq!(
            said.texts(".flash-success"),
            [format!("Erased: the person is now {pseudonym}.")],
            "every event of this record refers to their name, none holds it"
        );

        // Nothing anywhere in the database holds the name or the address any more.
        let everything = app.with_conn(backup::snapshot).expect("all rows");
        for (table, rows) in &everything {
            for row in rows {
                let text = serde_json::to_string(row).unwrap_or_default();
                assert!(
                    !text.contains(&email) && !text.contains(&name),
                    "{table} still holds them: {text}"
                );
            }
        }
        assert!(everything["people"].iter().any(|r| {
            serde_json::to_string(r)
                .unwrap_or_default()
                .contains(&pseudonym)
        }));
        // Nor the pages, the API, the exports or the feeds.
        let mut secretariat = app.client().await;
        secretariat.sign_in(&holder.email, &holder.password).await;
        for path in [
            "/organisations".to_owned(),
            format!("/organisations/{organisation}"),
            page.clone(),
            format!("/statements/{}", round.statement_id),
            "/meetings/past".to_owned(),
            "/organisations/export.csv".to_owned(),
            "/calendar/public.ics".to_owned(),
        ] {
            let answer = secretariat.get(&path).await;
            assert!(
                !answer.body.contains(&name) && !answer.body.contains(&email),
                "{path} shows them"
            );
        }
        for path in [
            "/admin/audit",
            "/admin/audit/export.csv",
            &format!("{page}/data.json"),
        ] {
            let answer = administrator.get(path).await;
            assert_eq!(answer.status, StatusCode::OK, "{path}");
            assert!(
                !answer.body.contains(&name) && !answer.body.contains(&email),
                "{path} shows them"
            );
        }
        // The API answers with the pseudonym.
        let holder_person = app
            .with_conn(|c| find_by_email(c, &holder.email))
            .expect("read")
            .expect("the holder");
        let token = app
            .with_conn(|c| roundtable::auth::tokens::create_api_token(c, &holder_person, "check"))
            .expect("a token");
        let mut api = app.client().await;
        let answer = api
            .api_get(&format!("/api/v1/people/{}", person.id), &token)
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.body.contains(&pseudonym) && !answer.body.contains(&name));
        // Their session ended with them; they cannot sign in again.
        assert_ne!(theirs.get("/account").await.status, StatusCode::OK);

        // The organisation's approval stands, under the pseudonym; the chain verifies.
        let board = app
            .with_conn(|c| rounds::board(c, &round))
            .expect("the board");
        let row = board
            .iter()
            .find(|r| r.member.id == organisation)
            .expect("the organisation");
        assert_eq!(row.standing, Standing::Approved);
        assert!(matches!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { .. }
        ));
    })
}
