//! Several instances on one database, as behind a reverse proxy that sends each request to
//! either: a browser signed in through one is signed in through the other, each keeps
//! rendered pages, and what changes through one is shown at once by both. (Positions taken
//! through two instances at once: `statements::concurrency`; two mail workers never take the
//! same delivery: `mail::delivery`.)

use roundtable::cli::seed_demo;

use crate::common::{TestApp, client_of, demo_login};
use crate::on_each_backend;
use crate::pages::cache::read_twice;

#[actix_web::test]
async fn a_browser_served_by_two_instances_sees_every_change_at_once() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let other = app.another_instance();
        let member = demo_login(&logins, "a member");
        let mut first = client_of(app.state.clone()).await;
        first.sign_in(&member.email, &member.password).await;
        let mut second = client_of(other.clone()).await;
        (second.cookie, second.csrf) = (first.cookie.clone(), first.csrf.clone());

        // Each instance answers the browser and keeps the page: read again, one query.
        for client in [&mut first, &mut second] {
            let (kept, _) = read_twice(&app, client, "/meetings").await;
            assert_eq!(kept, 1, "kept");
        }

        // A change made through the first instance's connections.
        crate::pages::cache::plan_meeting(&app, &logins, "Recruitment fees inquiry");
        for client in [&mut second, &mut first] {
            let page = client.get("/meetings").await;
            assert!(
                page.body.contains("Recruitment fees inquiry"),
                "seen at once"
            );
        }

        // Signing out through the second ends the session on the first too.
        let out = second.post_form("/logout", &[]).await;
        assert!(out.status.is_redirection(), "{}", out.status);
        let page = first.get("/meetings").await;
        assert!(page.location().is_some_and(|l| l.starts_with("/login")));
    })
}
