use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::actor::actor_for;
use roundtable::auth::Role;
use roundtable::db::schema::{affiliations, membership_events};
use roundtable::error::Error;
use roundtable::membership::organisations;
use roundtable::membership::people::{self, PersonInput};
use roundtable::membership::rules::{Representation, Status};

use super::{MEMBER_PASSWORD, admin_actor, day, member_org};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

#[actix_web::test]
async fn the_lifecycle_through_the_pages_keeps_its_history() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (org, _) = member_org(
            &app,
            &admin,
            "Workers' Centre",
            "NGO",
            Status::Applicant,
            "rep@centre.example",
        );
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = format!("/organisations/{}", org.id);
        secretariat.get(&page).await;

        // Every step of a long membership, each with a date and a reason.
        for (to, date) in [
            ("full", "2025-02-01"),
            ("suspended", "2025-06-01"),
            ("associate", "2025-09-01"),
            ("withdrawn", "2026-01-01"),
            ("full", "2026-03-01"),
        ] {
            let r = secretariat
                .post_form(
                    &format!("{page}/status"),
                    &[
                        ("status", to),
                        ("effective_on", date),
                        ("reason", "plenary decision"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            let after = secretariat.get(&page).await;
            assert!(
                after
                    .texts(".flash-success")
                    .iter()
                    .any(|t| t.contains("recorded")),
                "{to}: {}",
                after.texts(".flash-error").join("|")
            );
        }
        // A refused transition: a clear message, nothing changed.
        let refused = secretariat
            .post_form(
                &format!("{page}/status"),
                &[
                    ("status", "applicant"),
                    ("effective_on", "2026-04-01"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let said =
            refused.texts("form#status-form .flash-error, form#status-form .field-errors li");
        assert!(
            said.iter().any(|t| t.contains("cannot become applicant")),
            "{said:?}"
        );
        // A decision without a reason is refused too.
        let refused = secretariat
            .post_form(
                &format!("{page}/status"),
                &[
                    ("status", "suspended"),
                    ("effective_on", "2026-04-01"),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let said =
            refused.texts("form#status-form .flash-error, form#status-form .field-errors li");
        assert!(said.iter().any(|t| t.contains("reason")), "{said:?}");
        let shown = secretariat.get(&page).await;

        let org = app
            .with_conn(|c| organisations::get(c, org.id))
            .expect("org");
        assert_eq!(org.status, "full");
        assert_eq!(
            org.admitted_on,
            Some(day("2026-03-01")),
            "re-admission dates the membership anew"
        );
        let history = shown.texts("#history-table tbody tr td:nth-child(2)");
        assert_eq!(
            history,
            [
                "recorded as applicant",
                "Applicant → Full member",
                "Full member → Suspended",
                "Suspended → Associate",
                "Associate → Withdrawn",
                "Withdrawn → Full member"
            ]
        );
        let events: i64 = app.with_conn(|c| {
            membership_events::table
                .filter(membership_events::organisation_id.eq(org.id))
                .count()
                .get_result(c)
                .expect("count")
        });
        assert_eq!(events, 6);
    })
}

#[actix_web::test]
async fn a_full_member_has_exactly_one_primary_representative() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (org, primary) = member_org(
            &app,
            &admin,
            "Shelter",
            "NGO",
            Status::Full,
            "primary@shelter.example",
        );
        let alt = PersonInput {
            name: "Alt".into(),
            email: "alt@shelter.example".into(),
            representation: Some("alternate".into()),
            ..PersonInput::default()
        };
        let alternate = app
            .with_conn(|c| people::add_to_organisation(c, &admin, org.id, &alt))
            .expect("add");

        // A second primary is refused by the service...
        let second = PersonInput {
            name: "Second".into(),
            email: "second@shelter.example".into(),
            representation: Some("primary".into()),
            ..PersonInput::default()
        };
        assert!(matches!(
            app.with_conn(|c| people::add_to_organisation(c, &admin, org.id, &second)),
            Err(Error::Conflict(_))
        ));
        let promote = app.with_conn(|c| {
            people::set_roles(
                c,
                &admin,
                alternate.id,
                Some(Representation::Primary),
                false,
            )
        });
        assert!(matches!(promote, Err(Error::Conflict(_))), "{promote:?}");
        // ...and by the database, past the service.
        let raw = app.with_conn(|c| {
            diesel::update(affiliations::table.filter(affiliations::person_id.eq(alternate.id)))
                .set(affiliations::representation.eq("primary"))
                .execute(c)
        });
        assert!(raw.is_err(), "the unique index refuses a second primary");

        // Removing the only primary of a full member is refused; replacing is one action.
        let remove = app.with_conn(|c| people::set_roles(c, &admin, primary.id, None, false));
        assert!(matches!(remove, Err(Error::Invalid(_))), "{remove:?}");
        let deactivate =
            app.with_conn(|c| people::deactivate(c, &admin, primary.id, "left the organisation"));
        assert!(
            matches!(deactivate, Err(Error::Invalid(_))),
            "{deactivate:?}"
        );
        app.with_conn(|c| {
            people::replace_primary(c, &admin, org.id, alternate.id, "new head of office")
        })
        .expect("replace");
        assert_eq!(
            app.with_conn(|c| organisations::primary_representative(c, org.id))
                .expect("read"),
            Some(alternate.id)
        );
        let before = app
            .with_conn(|c| people::affiliation_of(c, primary.id))
            .expect("read")
            .expect("still affiliated");
        assert_eq!(
            before.0.representation.as_deref(),
            Some("alternate"),
            "the former primary stays on as an alternate"
        );
        // Now the former primary can be deactivated; their record stays.
        app.with_conn(|c| people::deactivate(c, &admin, primary.id, "left the organisation"))
            .expect("deactivate");
        let staff = app
            .with_conn(|c| people::people_of(c, org.id))
            .expect("people");
        assert!(staff.iter().any(|(p, _)| p.id == primary.id && !p.active));

        // A full member cannot be created without its primary representative.
        let input = organisations::OrganisationInput {
            name: "No Rep".into(),
            sector_id: super::sector_id(&app, "NGO"),
            ..Default::default()
        };
        let made = app.with_conn(|c| {
            organisations::create(
                c,
                &admin,
                &input,
                Status::Full,
                day("2025-01-01"),
                "x",
                None,
            )
        });
        assert!(matches!(made, Err(Error::Invalid(_))));
    })
}

#[actix_web::test]
async fn only_the_people_of_full_members_hold_representative_rights() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let (org, rep) = member_org(
            &app,
            &admin,
            "Union",
            "Trade union",
            Status::Full,
            "rep@union.example",
        );
        let auth = PersonInput {
            name: "Auth".into(),
            email: "auth@union.example".into(),
            is_authoriser: true,
            ..PersonInput::default()
        };
        let authoriser = app
            .with_conn(|c| people::add_to_organisation(c, &admin, org.id, &auth))
            .expect("add");
        let roles = |app: &TestApp, id: i64| {
            app.with_conn(|c| {
                let p = roundtable::auth::store::find(c, id)?;
                actor_for(c, p)
            })
            .expect("actor")
            .roles
        };
        assert!(roles(&app, rep.id).contains(&Role::Representative {
            organisation_id: org.id
        }));
        assert!(roles(&app, authoriser.id).contains(&Role::Authoriser {
            organisation_id: org.id
        }));

        for (to, member) in [
            (Status::Associate, true),
            (Status::Suspended, false),
            (Status::Withdrawn, false),
        ] {
            app.with_conn(|c| {
                organisations::change_status(c, &admin, org.id, to, day("2025-05-01"), "test")
            })
            .expect("change");
            let r = roles(&app, rep.id);
            assert!(
                !r.iter().any(|x| matches!(
                    x,
                    Role::Representative { .. } | Role::Alternate { .. } | Role::Authoriser { .. }
                )),
                "{to}: {r:?}"
            );
            assert!(
                !roles(&app, authoriser.id)
                    .iter()
                    .any(|x| matches!(x, Role::Authoriser { .. })),
                "{to}"
            );
            assert_eq!(
                r.contains(&Role::Member {
                    organisation_id: org.id
                }),
                member,
                "{to}"
            );
        }
        // A withdrawn member's representative no longer sees the directory.
        let mut browser = app.client().await;
        browser.sign_in("rep@union.example", MEMBER_PASSWORD).await;
        assert_eq!(
            browser.get("/organisations").await.status,
            StatusCode::FORBIDDEN
        );
    })
}
