//! Actions that cannot be undone ask before they act: closing a working group and
//! withdrawing a statement (approving minutes: tests/meetings/minutes.rs) are refused until
//! the person ticks the box that says what will happen, and nothing changes meanwhile.

use actix_web::http::StatusCode;
use roundtable::membership::groups::{self, GroupInput};

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::membership::admin_actor;
use crate::on_each_backend;

#[actix_web::test]
async fn closing_a_group_and_withdrawing_a_statement_need_a_confirmation() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let group = app
            .with_conn(|c| {
                groups::create(
                    c,
                    &admin,
                    &GroupInput {
                        name: "Data".into(),
                        mandate: "Counting what is hidden.".into(),
                        convenor_id: None,
                    },
                    chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
                )
            })
            .expect("group");
        let statement = crate::statements::draft(&app, &admin, "On recruitment fees");
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

        let group_page = format!("/groups/{}", group.id);
        let shown = browser.get(&group_page).await;
        assert!(
            shown
                .texts("#close-group-form label")
                .concat()
                .contains("I understand: a closed group cannot be reopened"),
            "the form says what will happen"
        );
        let fields = [("closed_on", "2026-11-01"), ("reason", "Mandate fulfilled")];
        let refused = browser
            .post_form(&format!("{group_page}/close"), &fields)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.texts("#close-group-form-confirm-errors")[0].contains("cannot be undone"));
        assert_eq!(
            refused
                .attr("#close-group-form input[name=reason]", "value")
                .as_deref(),
            Some("Mandate fulfilled")
        );
        let still = app.with_conn(|c| groups::get(c, group.id)).expect("group");
        assert_eq!(still.status, "active", "nothing changed");
        let mut confirmed = fields.to_vec();
        confirmed.push(("confirm", "on"));
        browser
            .post_form(&format!("{group_page}/close"), &confirmed)
            .await;
        let closed = app.with_conn(|c| groups::get(c, group.id)).expect("group");
        assert_eq!(closed.status, "closed");

        let statement_page = format!("/statements/{}", statement.id);
        browser.get(&statement_page).await;
        let refused = browser
            .post_form(
                &format!("{statement_page}/withdraw"),
                &[("reason", "Overtaken by events")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.texts("#withdraw-form-confirm-errors")[0].contains("cannot be undone"));
        let status = |app: &TestApp| {
            app.with_conn(|c| roundtable::statements::store::get(c, statement.id))
                .expect("statement")
                .status
        };
        assert_eq!(status(&app), "drafting", "nothing changed");
        browser
            .post_form(
                &format!("{statement_page}/withdraw"),
                &[("reason", "Overtaken by events"), ("confirm", "on")],
            )
            .await;
        assert_eq!(status(&app), "withdrawn");
    })
}
