use actix_web::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;
use roundtable::actor::roles_on;
use roundtable::auth::Role;
use roundtable::db::schema::audit_events;
use roundtable::error::Error;
use roundtable::membership::organisations;
use roundtable::membership::rules::{Side, Status};
use roundtable::secretariat::store;

use super::coalition;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

fn is_secretariat(app: &TestApp, email: &str, on: NaiveDate) -> bool {
    app.with_conn(|c| {
        let p = roundtable::auth::store::find_by_email(c, email)?.expect("person");
        roles_on(c, &p, on)
    })
    .expect("roles")
    .contains(&Role::Secretariat)
}

#[actix_web::test]
async fn power_follows_the_rotation_at_term_boundaries() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, ids) = coalition(&app);
        let today = chrono::Utc::now().date_naive();
        let year = chrono::Datelike::year(&today);
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
        let last_day = NaiveDate::from_ymd_opt(year, 12, 31).expect("date");
        let next_first = NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("date");
        assert!(
            is_secretariat(&app, crate::common::ADMIN_EMAIL, today),
            "before the rotation, the administrator acts"
        );
        app.with_conn(|c| store::start_rotation(c, &admin, first, today))
            .expect("start");
        let terms = app.with_conn(store::terms).expect("terms");
        assert!(
            terms.len() >= 5,
            "the current term and four ahead: {}",
            terms.len()
        );
        // Same admission date: by name. Alpha and Delta first, then Beta and Gamma.
        assert_eq!(
            (terms[0].civil_society_org, terms[0].governmental_org),
            (Some(ids[0]), Some(ids[3]))
        );
        assert_eq!(
            (terms[1].civil_society_org, terms[1].governmental_org),
            (Some(ids[1]), Some(ids[2]))
        );

        // The day before the boundary Alpha holds it; the day after, Beta does.
        assert!(is_secretariat(&app, "rep@alpha.example", last_day));
        assert!(!is_secretariat(&app, "rep@alpha.example", next_first));
        assert!(!is_secretariat(&app, "rep@beta.example", last_day));
        assert!(is_secretariat(&app, "rep@beta.example", next_first));
        assert!(
            !is_secretariat(&app, crate::common::ADMIN_EMAIL, today),
            "once terms run, the administrator no longer acts"
        );

        // A member leaving changes only future terms.
        let current_before = terms[0].clone();
        app.with_conn(|c| {
            organisations::change_status(
                c,
                &admin_as_secretariat(&app, "rep@alpha.example"),
                ids[1],
                Status::Withdrawn,
                today,
                "merged",
            )
        })
        .expect("withdraw Beta");
        // The rotation's tick plans again (the page that withdraws runs it at once).
        app.with_conn(|c| store::tick(c, today)).expect("tick");
        let after = app.with_conn(store::terms).expect("terms");
        assert_eq!(
            (after[0].id, after[0].civil_society_org),
            (current_before.id, current_before.civil_society_org),
            "the current term stays"
        );
        assert!(
            after
                .iter()
                .filter(|t| t.starts_on > today)
                .all(|t| t.civil_society_org == Some(ids[0])),
            "only Alpha is left on its side"
        );
    })
}

/// The actor of a person who holds the secretariat today.
fn admin_as_secretariat(app: &TestApp, email: &str) -> roundtable::auth::Actor {
    app.with_conn(|c| {
        let p = roundtable::auth::store::find_by_email(c, email)?.expect("person");
        roundtable::actor::actor_for(c, p)
    })
    .expect("actor")
}

#[actix_web::test]
async fn overrides_are_kept_and_audited_and_the_past_is_never_rewritten() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, ids) = coalition(&app);
        let today = chrono::Utc::now().date_naive();
        let first = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).expect("date");
        app.with_conn(|c| store::start_rotation(c, &admin, first, today))
            .expect("start");
        let secretariat = admin_as_secretariat(&app, "rep@alpha.example");
        let terms = app.with_conn(store::terms).expect("terms");
        let (next, after) = (terms[1].clone(), terms[2].clone());

        app.with_conn(|c| {
            store::swap(
                c,
                &secretariat,
                next.id,
                after.id,
                "Beta hosts the conference next year",
                today,
            )
        })
        .expect("swap");
        let swapped = app.with_conn(store::terms).expect("terms");
        assert_eq!(swapped[1].holders(), after.holders());
        assert_eq!(swapped[2].holders(), next.holders());
        assert!(swapped[1].pinned && swapped[2].pinned);
        // Replanning keeps pinned terms.
        app.with_conn(|c| store::tick(c, today)).expect("replan");
        assert_eq!(
            app.with_conn(store::terms).expect("terms")[1].holders(),
            after.holders()
        );

        app.with_conn(|c| {
            store::replace_holder(
                c,
                &secretariat,
                swapped[3].id,
                Side::Governmental,
                ids[3],
                "Gamma asked to skip",
                today,
            )
        })
        .expect("replace");
        assert_eq!(
            app.with_conn(store::terms).expect("terms")[3].governmental_org,
            Some(ids[3])
        );
        let refused =
            app.with_conn(|c| store::swap(c, &secretariat, terms[0].id, terms[1].id, "no", today));
        assert!(
            matches!(refused, Err(Error::Invalid(_))),
            "the current term is never rewritten: {refused:?}"
        );
        let no_reason =
            app.with_conn(|c| store::swap(c, &secretariat, terms[1].id, terms[2].id, " ", today));
        assert!(matches!(no_reason, Err(Error::Invalid(_))));
        let wrong_side = app.with_conn(|c| {
            store::replace_holder(
                c,
                &secretariat,
                swapped[3].id,
                Side::CivilSociety,
                ids[3],
                "x",
                today,
            )
        });
        assert!(matches!(wrong_side, Err(Error::Invalid(_))));

        // Interim cover: Beta stands in for Alpha for a month of the current term.
        let cover_from = today;
        let cover_until = (today + chrono::Duration::days(30)).min(terms[0].ends_on);
        app.with_conn(|c| {
            store::add_cover(
                c,
                &secretariat,
                terms[0].id,
                Side::CivilSociety,
                ids[1],
                cover_from,
                cover_until,
                "Alpha's director on leave",
                today,
            )
        })
        .expect("cover");
        assert!(is_secretariat(&app, "rep@beta.example", today));
        assert!(!is_secretariat(&app, "rep@alpha.example", today));

        let actions: Vec<String> = app.with_conn(|c| {
            audit_events::table
                .select(audit_events::action)
                .load(c)
                .expect("audit")
        });
        for expected in [
            "secretariat.rotation_started",
            "secretariat.terms_swapped",
            "secretariat.holder_replaced",
            "secretariat.cover_added",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{expected} in {actions:?}"
            );
        }
        // A member cannot override.
        let member = admin_as_secretariat(&app, "rep@gamma.example");
        let denied =
            app.with_conn(|c| store::swap(c, &member, terms[2].id, terms[3].id, "x", today));
        assert!(
            matches!(denied, Err(ref e) if e.is_forbidden()),
            "{denied:?}"
        );
    })
}

/// Before the rotation starts, the page shows who would hold the first terms and what the
/// start changes for the administrator.
#[actix_web::test]
async fn starting_the_rotation_is_previewed() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        coalition(&app);
        let mut admin = app.client().await;
        admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = admin.get("/secretariat").await;
        assert_eq!(page.status, StatusCode::OK);
        let rows = page.texts("#preview tbody tr");
        assert!(!rows.is_empty(), "the first terms are shown");
        assert!(
            rows.iter()
                .any(|r| r.contains("Alpha Shelter") || r.contains("Beta Union")),
            "{rows:?}"
        );
        assert!(
            page.texts("#what-changes")
                .join(" ")
                .contains("no longer act for the secretariat")
        );
        assert!(page.attr("form#start-form", "action").is_some());
    })
}

/// Once the rotation runs, the administrator can no longer put in a cover (which made an
/// agency's representative the secretariat at once): rotation changes are the
/// secretariat's alone. The administrator still reads the page that names the holders.
#[actix_web::test]
async fn the_administrator_no_longer_changes_a_running_rotation() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let admin = logins
            .iter()
            .find(|l| l.role.contains("administrator"))
            .expect("the administrator");
        let mut browser = app.client().await;
        browser.sign_in(&admin.email, &admin.password).await;
        let page = browser.get("/secretariat").await;
        assert_eq!(page.status, StatusCode::OK, "the holders are named to them");
        assert!(!page.texts("#current").is_empty());
        assert!(
            page.attr("form#cover-form", "action").is_none(),
            "no cover form"
        );
        let today = app.with_conn(roundtable::coalition::today).expect("today");
        let term = app
            .with_conn(store::terms)
            .expect("terms")
            .into_iter()
            .find(|t| t.starts_on <= today && t.ends_on > today)
            .expect("a running term");
        let agency = app
            .with_conn(|c| organisations::find_by_name(c, "National Anti-Trafficking Agency"))
            .expect("read")
            .expect("the agency");
        let refused = browser
            .post_form(
                "/secretariat/cover",
                &[
                    ("term_id", &term.id.to_string()),
                    ("side", "governmental"),
                    ("organisation_id", &agency.id.to_string()),
                    ("starts_on", &today.to_string()),
                    ("ends_on", &(today + chrono::Duration::days(30)).to_string()),
                    ("reason", "the administrator decides"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(app.with_conn(store::covers).expect("covers").is_empty());
    })
}

/// Issue 13, point 8: opting out is explained, and the swap form starts with two different
/// terms.
#[actix_web::test]
async fn the_rotation_page_explains_opting_out_and_swaps_two_terms() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let secretariat = logins
            .iter()
            .find(|l| l.role.contains("secretariat"))
            .expect("a secretariat login");
        let mut browser = app.client().await;
        browser
            .sign_in(&secretariat.email, &secretariat.password)
            .await;
        let page = browser.get("/secretariat").await;
        assert!(
            page.texts("#opt-out-explained")[0].contains("left out of the terms planned"),
            "{}",
            page.body
        );
        let chosen = |name: &str| {
            page.attr(
                &format!("#swap-form select[name={name}] option[selected]"),
                "value",
            )
        };
        let (a, b) = (chosen("term_a"), chosen("term_b"));
        assert!(b.is_some(), "the second term is chosen");
        assert_ne!(a, b);
    })
}
