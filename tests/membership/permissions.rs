//! Every write of membership, tried by an outsider, a member, a convenor and the secretariat.

use actix_web::http::StatusCode;
use roundtable::auth::tokens;
use roundtable::membership::groups::{self, GroupInput};
use roundtable::membership::rules::Status;

use super::{MEMBER_PASSWORD, admin_actor, day, member_org};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

/// A form post: its path, its fields, and whether the convenor of the group may make it.
type Write = (String, Vec<(&'static str, String)>, bool);

#[actix_web::test]
async fn each_write_is_allowed_only_to_whom_it_belongs() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (org, _) = member_org(
            &app,
            &admin,
            "Union",
            "Trade union",
            Status::Full,
            "member@union.example",
        );
        let (other, convenor) = member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            Status::Full,
            "convenor@shelter.example",
        );
        let group = app
            .with_conn(|c| {
                groups::create(
                    c,
                    &admin,
                    &GroupInput {
                        name: "Outreach".into(),
                        mandate: "m".into(),
                        convenor_id: Some(convenor.id),
                    },
                    day("2025-02-01"),
                )
            })
            .expect("group");
        let other_group = app
            .with_conn(|c| {
                groups::create(
                    c,
                    &admin,
                    &GroupInput {
                        name: "Campaigns".into(),
                        mandate: "m".into(),
                        convenor_id: None,
                    },
                    day("2025-02-01"),
                )
            })
            .expect("group");
        app.add_member("Olga Outsider", "outsider@example.org", MEMBER_PASSWORD);

        let o = org.id;
        let g = group.id;
        let h = other_group.id;
        // (path, fields, who may: secretariat always; "convenor" marks the convenor's own group)
        let writes: Vec<Write> = vec![
            (
                format!("/organisations/{o}/status"),
                vec![
                    ("status", "suspended".into()),
                    ("effective_on", "2026-01-01".into()),
                    ("reason", "r".into()),
                ],
                false,
            ),
            (
                format!("/organisations/{o}/people"),
                vec![
                    ("name", "New".into()),
                    ("email", "new@union.example".into()),
                ],
                false,
            ),
            (
                format!("/organisations/{o}"),
                vec![
                    ("name", "Union renamed".into()),
                    (
                        "sector_id",
                        super::sector_id(&app, "Trade union").to_string(),
                    ),
                ],
                false,
            ),
            (
                "/admission/criteria".into(),
                vec![("text", "A criterion".into())],
                false,
            ),
            (
                "/memorandum".into(),
                vec![
                    ("title", "T".into()),
                    ("body", "B".into()),
                    ("adopted_on", "2026-01-01".into()),
                ],
                false,
            ),
            (
                "/groups".into(),
                vec![
                    ("name", "New group".into()),
                    ("started_on", "2026-01-01".into()),
                ],
                false,
            ),
            (
                "/settings".into(),
                vec![("publish_member_list", "on".into())],
                false,
            ),
            (
                format!("/groups/{g}/members"),
                vec![
                    ("organisation_id", other.id.to_string()),
                    ("joined_on", "2026-01-01".into()),
                ],
                true,
            ),
            (
                format!("/groups/{h}/members"),
                vec![
                    ("organisation_id", other.id.to_string()),
                    ("joined_on", "2026-01-01".into()),
                ],
                false,
            ),
        ];
        let mut outsider = app.client().await;
        outsider
            .sign_in("outsider@example.org", MEMBER_PASSWORD)
            .await;
        let mut member = app.client().await;
        member
            .sign_in("member@union.example", MEMBER_PASSWORD)
            .await;
        let mut convener = app.client().await;
        convener
            .sign_in("convenor@shelter.example", MEMBER_PASSWORD)
            .await;
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let mut anonymous = app.client().await;
        anonymous.get("/login").await;

        for (path, fields, convenor_may) in &writes {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            for (who, client) in [("outsider", &mut outsider), ("member", &mut member)] {
                client.get("/").await;
                let r = client.post_form(path, &fields).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} on {path}");
            }
            convener.get("/").await;
            let r = convener.post_form(path, &fields).await;
            if *convenor_may {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "convenor on {path}");
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "convenor on {path}");
            }
            let r = anonymous.post_form(path, &fields).await;
            assert_eq!(r.location(), Some("/login"), "anonymous on {path}");
        }
        // The refusals changed nothing; the convenor's one write did.
        let union = app
            .with_conn(|c| roundtable::membership::organisations::get(c, o))
            .expect("org");
        assert_eq!(
            (union.status.as_str(), union.name.as_str()),
            ("full", "Union")
        );
        assert_eq!(
            app.with_conn(|c| groups::members_of(c, g))
                .expect("members")
                .len(),
            1
        );
        assert!(
            app.with_conn(|c| groups::members_of(c, h))
                .expect("members")
                .is_empty()
        );

        // The secretariat may do each of them: done, or refused by a rule (the convenor
        // added the organisation first), never forbidden.
        for (path, fields, convenor_did) in &writes {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            secretariat.get("/").await;
            let r = secretariat.post_form(path, &fields).await;
            let expected = if *convenor_did {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::SEE_OTHER
            };
            assert_eq!(r.status, expected, "secretariat on {path}: {}", r.body);
        }
    })
}

#[actix_web::test]
async fn the_api_reads_for_members_and_writes_for_the_secretariat() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin_person = app.bootstrap();
        let admin = admin_actor(&app, admin_person.clone());
        let (org, rep) = member_org(
            &app,
            &admin,
            "Union",
            "Trade union",
            Status::Full,
            "member@union.example",
        );
        let member_token = app
            .with_conn(|c| tokens::create_api_token(c, &rep, "script"))
            .expect("token");
        let admin_token = app
            .with_conn(|c| tokens::create_api_token(c, &admin_person, "script"))
            .expect("token");
        let mut client = app.client().await;
        let list = client.api_get("/api/v1/organisations", &member_token).await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(list.json()["organisations"][0]["name"], "Union");
        assert_eq!(list.json()["organisations"][0]["side"], "civil_society");
        let one = client
            .api_get(&format!("/api/v1/organisations/{}", org.id), &member_token)
            .await;
        assert_eq!(one.json()["people"][0]["representation"], "primary");

        let body = serde_json::json!({
            "name": "Ministry of Interior", "short_name": "MoI", "sector_id": super::sector_id(&app, "Ministry"),
            "region": "", "address": "", "website": "", "email": "", "phone": "", "offers_venue": false,
            "status": "full", "effective_on": "2026-01-01", "reason": "founding",
            "primary_name": "Min Rep", "primary_email": "rep@moi.example"
        });
        let post = |token: &str| {
            actix_web::test::TestRequest::post()
                .uri("/api/v1/organisations")
                .insert_header(("Authorization", format!("Bearer {token}")))
                .set_json(&body)
        };
        let refused = client.send(post(&member_token)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(refused.json()["error"]["code"], "forbidden");
        let created = client.send(post(&admin_token)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        assert_eq!(
            created.json()["invited"],
            "rep@moi.example",
            "the invitation is mailed; no link comes back"
        );
        assert!(!created.body.contains("/invitation/"));
        let invalid = client.send(post(&admin_token)).await;
        assert_eq!(invalid.status, StatusCode::CONFLICT, "the same name twice");
        let groups = client
            .api_get("/api/v1/working-groups", &member_token)
            .await;
        assert_eq!(
            groups.json()["working_groups"].as_array().map(Vec::len),
            Some(0)
        );
    })
}
