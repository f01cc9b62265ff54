//! The menu (issue 13, point 5): it marks where the person is and reaches every area they
//! may use, the secretariat's rotation included.

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;

#[actix_web::test]
async fn the_menu_marks_the_current_area_and_reaches_the_rotation() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for (path, current) in [
            ("/", "Dashboard"),
            ("/meetings", "Meetings"),
            ("/meetings/plan", "Meetings"),
            ("/organisations/new", "Members"),
            ("/secretariat", "Secretariat"),
            ("/settings", "Settings"),
        ] {
            let page = browser.get(path).await;
            assert_eq!(
                page.texts("nav[aria-label=Main] a[aria-current=page]"),
                [current],
                "{path}"
            );
        }
        let page = browser.get("/account").await;
        assert!(
            page.texts("nav[aria-label=Main] a[aria-current=page]")
                .is_empty()
        );
        assert_eq!(
            page.attr(".signed-in a", "aria-current").as_deref(),
            Some("page")
        );
        assert!(
            page.texts("nav[aria-label=Main] a")
                .contains(&"Secretariat".to_owned())
        );
    })
}

/// Issue 13, point 11: time zones are chosen by typing a city, with suggestions, everywhere.
#[actix_web::test]
async fn time_zones_are_searched_by_city_everywhere() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for path in ["/meetings/new", "/meetings/plan"] {
            let page = browser.get(path).await;
            let list = page
                .attr("input[name=time_zone]", "list")
                .unwrap_or_else(|| panic!("{path}: the zone field suggests"));
            let choices = page.html();
            let options: Vec<String> = choices
                .select(
                    &scraper::Selector::parse(&format!("datalist#{list} option"))
                        .expect("selector"),
                )
                .filter_map(|o| o.value().attr("value").map(str::to_owned))
                .collect();
            assert!(options.contains(&"Europe/Brussels".to_owned()), "{path}");
            assert!(
                !options
                    .iter()
                    .any(|o| o.starts_with("Etc/") || o.starts_with("US/"))
            );
            assert!(
                options.len() > 300 && options.len() < 500,
                "{}",
                options.len()
            );
        }
        // A city alone is enough.
        browser.get("/meetings/new").await;
        let created = browser
            .post_form(
                "/meetings",
                &[
                    ("kind", "ad_hoc"),
                    ("title", "Night train talk"),
                    ("date", "2027-05-04"),
                    ("start", "10:00"),
                    ("end", "11:00"),
                    ("time_zone", "nairobi"),
                ],
            )
            .await;
        assert_eq!(
            created.status,
            actix_web::http::StatusCode::SEE_OTHER,
            "{}",
            created.body
        );
        let zone: String = app.with_conn(|c| {
            use diesel::prelude::*;
            roundtable::db::schema::meetings::table
                .select(roundtable::db::schema::meetings::time_zone)
                .first(c)
                .expect("the meeting")
        });
        assert_eq!(zone, "Africa/Nairobi");
    })
}

/// Issue 13, point 7: a new coalition's dashboard lists what setting it up still needs, and
/// the list is gone once a coalition runs.
#[actix_web::test]
async fn a_new_coalition_is_shown_how_to_set_it_up() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        let mut browser = app.client().await;
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let home = browser.get("/").await;
        let steps = home.texts("#checklist li a");
        assert_eq!(
            steps,
            [
                "Add the member organisations",
                "Give every full member its primary representative",
                "Start the secretariat rotation",
                "Plan next year's plenaries",
                "Choose the settings",
            ]
        );
        assert_eq!(home.texts("#checklist li.to-do").len(), 5);

        let running = TestApp::new(&backend);
        let logins = running.with_conn(roundtable::cli::seed_demo).expect("demo");
        let secretariat = logins
            .iter()
            .find(|l| l.role.contains("secretariat"))
            .expect("a secretariat login");
        let mut browser = running.client().await;
        browser
            .sign_in(&secretariat.email, &secretariat.password)
            .await;
        let home = browser.get("/").await;
        assert!(
            home.texts("#checklist li").is_empty(),
            "{:?}",
            home.texts("#checklist li")
        );
    })
}
