//! Reads never take the write lock: while another process holds it, pages that only show
//! things answer at once, and a change answers 503 with Retry-After (nothing half-done).

use actix_web::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::common::{Backend, TestApp};
use crate::membership::MEMBER_PASSWORD;
use crate::on_each_backend;

/// Another process's connection, holding what a writer would need until it is dropped
/// (the connection is only ever held, never read: that is its whole job).
#[allow(dead_code)]
enum Holder {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

fn hold_the_write_lock(app: &TestApp) -> Holder {
    match &app.db.backend {
        Backend::Sqlite => {
            let path = app.db.url.trim_start_matches("sqlite://");
            let mut conn = SqliteConnection::establish(path).expect("a second connection");
            conn.batch_execute("BEGIN IMMEDIATE")
                .expect("the write lock");
            Holder::Sqlite(conn)
        }
        Backend::Postgres(_) => {
            let mut conn = PgConnection::establish(&app.db.url).expect("a second connection");
            // EXCLUSIVE blocks every writer of these tables and lets plain reads through.
            conn.batch_execute(
                "BEGIN; LOCK TABLE secretariat_terms, venues, audit_events, meetings, \
                 mail_reminders, outbox_messages, outbox_deliveries, approval_rounds \
                 IN EXCLUSIVE MODE",
            )
            .expect("the locks");
            Holder::Postgres(conn)
        }
    }
}

#[actix_web::test]
async fn pages_answer_while_another_process_holds_the_write_lock() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = crate::meetings::coalition(&app);
        let today = chrono::Utc::now().date_naive();
        app.with_conn(|c| roundtable::secretariat::store::start_rotation(c, &admin, today, today))
            .expect("rotation");
        let mut secretariat = app.client().await;
        secretariat
            .sign_in("rep@alpha.example", MEMBER_PASSWORD)
            .await;
        assert_eq!(secretariat.get("/secretariat").await.status, StatusCode::OK);
        assert_eq!(
            secretariat.get("/meetings/plan").await.status,
            StatusCode::OK
        );

        let holder = hold_the_write_lock(&app);
        for path in ["/secretariat", "/meetings/plan", "/meetings", "/"] {
            let page = secretariat.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path} waited for the writer");
        }
        // A change waits for the lock as long as the busy timeout, then says so.
        let refused = secretariat
            .post_form(
                "/venues",
                &[("name", "Town hall"), ("address", "Main square 1")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(refused.header("retry-after"), Some("2"));
        drop(holder);
        let venues = app
            .with_conn(roundtable::meetings::store::venues)
            .expect("venues");
        assert!(
            venues.iter().all(|v| v.name != "Town hall"),
            "nothing half-done"
        );
    })
}

/// The scheduler's round on a quiet day takes no write lock: while another process holds
/// it, the ticks and the mail worker's claim still answer at once (a write would wait for
/// the busy timeout and fail).
#[actix_web::test]
async fn an_idle_tick_writes_nothing() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = crate::meetings::coalition(&app);
        let today = chrono::Utc::now().date_naive();
        app.with_conn(|c| roundtable::secretariat::store::start_rotation(c, &admin, today, today))
            .expect("rotation");
        // The first round does what is due (the hand-over notice of the new term)...
        let first = app
            .with_conn(|c| roundtable::schedule::tick(c, today))
            .expect("first tick");
        assert!(first.mailed > 0, "{first:?}");
        roundtable::schedule::deliver_mail(&app.state, "w")
            .await
            .expect("delivered");
        // ...the next one finds nothing due and writes nothing.
        let holder = hold_the_write_lock(&app);
        let second = app
            .with_conn(|c| roundtable::schedule::tick(c, today))
            .expect("a quiet tick under someone else's lock");
        assert_eq!(second, roundtable::schedule::Ticked::default());
        let policy = app.state.mail_policy.clone();
        let claimed = app
            .with_conn(|c| roundtable::mail::worker::claim(c, "w", &policy))
            .expect("a quiet claim under someone else's lock");
        assert!(claimed.is_empty());
        drop(holder);
    })
}
