use roundtable::audit::{self, Verdict};
use roundtable::membership::{admission, demo, directory, groups, mou};

use super::admin_actor;
use crate::common::TestApp;
use crate::on_each_backend;

#[actix_web::test]
async fn the_demo_builds_a_realistic_coalition() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date");
        app.with_conn(|c| demo::seed(c, &admin, today, "demo member password"))
            .expect("seed");
        let all = app.with_conn(directory::all).expect("directory");
        let full = all
            .iter()
            .filter(|e| e.organisation.status == "full")
            .count();
        let associates = all
            .iter()
            .filter(|e| e.organisation.status == "associate")
            .count();
        assert_eq!((full, associates), (12, 2));
        assert!(
            all.iter().any(|e| e.side.as_str() == "governmental")
                && all.iter().any(|e| e.side.as_str() == "civil_society")
        );
        assert_eq!(app.with_conn(groups::list).expect("groups").len(), 3);
        let v = app
            .with_conn(mou::current)
            .expect("mou")
            .expect("a version");
        let status = app
            .with_conn(|c| mou::signature_status(c, v.id))
            .expect("status");
        assert_eq!(status.iter().filter(|(_, s)| s.is_some()).count(), 11);
        assert_eq!(app.with_conn(admission::queue).expect("queue").len(), 1);
        assert!(matches!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { .. }
        ));

        let mut member = app.client().await;
        member
            .sign_in(demo::MEMBER_EMAIL, "demo member password")
            .await;
        let directory = member.get("/organisations").await;
        assert_eq!(directory.texts("#directory tbody tr").len(), 14);
        assert!(
            directory.texts(".actions a.button").is_empty(),
            "a member cannot add organisations"
        );
    })
}

/// The demo's history was "sent" when it happened (issue 13, point 19): a first `serve` with
/// SMTP mails none of it to the made-up addresses.
#[actix_web::test]
async fn the_demo_leaves_nothing_queued_to_send() {
    on_each_backend!(|backend| async {
        use diesel::prelude::*;
        use roundtable::db::schema::outbox_deliveries;
        let app = TestApp::new(&backend);
        app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let by_status: Vec<(String, i64)> = app.with_conn(|c| {
            outbox_deliveries::table
                .group_by(outbox_deliveries::status)
                .select((outbox_deliveries::status, diesel::dsl::count_star()))
                .load(c)
                .expect("count")
        });
        assert!(
            by_status.iter().any(|(s, n)| s == "sent" && *n > 0),
            "{by_status:?}"
        );
        assert!(
            !by_status.iter().any(|(s, _)| s == "queued"),
            "{by_status:?}"
        );
    })
}
