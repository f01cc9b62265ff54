//! Refused membership forms (working groups, memorandum, fees, an organisation's page) come
//! back as typed (422), the reason beside the field.

use actix_web::http::StatusCode;
use roundtable::membership::rules::Status;
use roundtable::membership::{groups, mou, organisations};

use super::{MEMBER_PASSWORD, admin_actor, day, member_org};
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

#[actix_web::test]
async fn a_memorandum_without_a_title_keeps_its_whole_text() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get("/memorandum").await;
        let text = "# Memorandum\n\n1. Members act against forced labour.\n2. Information shared in confidence stays with those who need it.\n";
        let refused = secretariat
            .post_form(
                "/memorandum",
                &[("title", ""), ("body", text), ("adopted_on", "2026-11-01")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let kept = refused.texts("form#adopt-form textarea#field-body");
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].trim_end(), text.trim_end());
        assert_eq!(
            refused
                .texts("form#adopt-form #field-title-errors li")
                .len(),
            1
        );
        assert!(
            app.with_conn(roundtable::membership::mou::current)
                .expect("read")
                .is_none()
        );
    })
}

#[actix_web::test]
async fn a_fee_tier_with_an_amount_in_words_keeps_its_name() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = crate::membership::admin_actor(&app, app.bootstrap());
        app.with_conn(|c| {
            roundtable::coalition::set_options(
                c,
                &admin,
                roundtable::coalition::Options {
                    publish_member_list: false,
                    public_applications: false,
                    fees_enabled: true,
                    publish_statements: true,
                },
            )
        })
        .expect("fees on");
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get("/fees?year=2027").await;
        let refused = secretariat
            .post_form(
                "/fees/tiers",
                &[
                    ("year", "2027"),
                    ("tier", "Large NGO"),
                    ("amount", "two hundred"),
                    ("currency", "EUR"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused
                .attr("form#tier-form #field-tier", "value")
                .as_deref(),
            Some("Large NGO")
        );
        assert_eq!(
            refused
                .texts("form#tier-form #field-amount-errors li")
                .len(),
            1
        );
        assert!(
            app.with_conn(|c| roundtable::membership::fees::schedule(c, 2027))
                .expect("schedule")
                .is_empty()
        );
    })
}

#[actix_web::test]
async fn the_organisation_page_keeps_a_refused_signature_and_status_decision() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (shelter, _) = member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            Status::Full,
            "rep@shelter.example",
        );
        app.with_conn(|c| mou::adopt(c, &admin, "MoU", "We cooperate.", day("2026-01-01")))
            .expect("adopt");
        let mut rep = app.client().await;
        rep.sign_in("rep@shelter.example", MEMBER_PASSWORD).await;
        let page_path = format!("/organisations/{}", shelter.id);
        let page = rep.get(&page_path).await;
        let action = page
            .attr("form#sign-form", "action")
            .expect("the representative may sign");
        let refused = rep
            .post_form(
                &action,
                &[
                    ("organisation_id", &shelter.id.to_string()),
                    ("from", "organisation"),
                    ("signed_by_name", "Mira Director"),
                    ("signed_on", "the fifth of January"),
                    ("reference", "BOARD/7"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused
                .attr("form#sign-form #field-signed_by_name", "value")
                .as_deref(),
            Some("Mira Director")
        );
        assert_eq!(
            refused
                .attr("form#sign-form #field-reference", "value")
                .as_deref(),
            Some("BOARD/7")
        );
        assert_eq!(
            refused
                .texts("form#sign-form #field-signed_on-errors li")
                .len(),
            1
        );
        let current = app.with_conn(mou::current).expect("read").expect("a text");
        let signed = app
            .with_conn(|c| mou::signature_status(c, current.id))
            .expect("signatures");
        assert!(signed.iter().all(|(_, s)| s.is_none()), "nothing is signed");

        // The secretariat's status decision with no status chosen keeps the reason.
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get(&page_path).await;
        let reason = "Plenary decision of 3 November: no contact for two years.";
        let refused = secretariat
            .post_form(
                &format!("{page_path}/status"),
                &[
                    ("status", ""),
                    ("effective_on", "2026-11-03"),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused
                .attr("form#status-form #field-reason", "value")
                .as_deref(),
            Some(reason)
        );
        assert_eq!(
            refused
                .texts("form#status-form #field-status-errors li")
                .len(),
            1
        );
        let history = app
            .with_conn(|c| organisations::history(c, shelter.id))
            .expect("history");
        assert_eq!(history.len(), 1, "only the admission is on record");
    })
}

/// Issue 13, point 6: a new organisation's form says everything that is missing at once
/// (the sector and the primary representative of a full member), not one per submit.
#[actix_web::test]
async fn a_new_organisation_is_told_everything_missing_at_once() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        browser.get("/organisations/new").await;
        let refused = browser
            .post_form(
                "/organisations",
                &[
                    ("name", "Harbour Watch"),
                    ("status", "full"),
                    ("sector_id", ""),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            !refused.texts("#field-sector_id-errors li").is_empty(),
            "{}",
            refused.body
        );
        assert!(
            refused.texts("#field-primary_name-errors li")[0].contains("primary representative"),
            "{}",
            refused.body
        );
        assert_eq!(
            refused.attr("input[name=name]", "value").as_deref(),
            Some("Harbour Watch")
        );
    })
}
