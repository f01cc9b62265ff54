//! Refused forms of the working groups come back as typed (422), the reason beside the field.

use actix_web::http::StatusCode;
use roundtable::membership::groups;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

#[actix_web::test]
async fn a_group_without_a_name_keeps_its_mandate() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get("/groups").await;
        let mandate = "Labour exploitation in agriculture: seasonal work, recruitment fees.";
        let refused = secretariat
            .post_form(
                "/groups",
                &[
                    ("name", "  "),
                    ("mandate", mandate),
                    ("convenor_id", ""),
                    ("started_on", "2026-11-01"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.texts("form#create-group-form textarea#field-mandate"),
            [mandate]
        );
        assert_eq!(
            refused
                .attr("form#create-group-form #field-started_on", "value")
                .as_deref(),
            Some("2026-11-01")
        );
        assert_eq!(
            refused
                .texts("form#create-group-form #field-name-errors li")
                .len(),
            1
        );
        assert!(app.with_conn(groups::list).expect("groups").is_empty());
    })
}
