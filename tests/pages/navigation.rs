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
