use std::process::Command;

use diesel::prelude::*;
use roundtable::audit::{self, Subject, Verdict};
use roundtable::db::schema::audit_events;

use crate::common::TestApp;
use crate::on_each_backend;

fn record_some(app: &TestApp, n: usize) {
    for i in 0..n {
        app.with_conn(|c| {
            roundtable::db::write_tx(c, |c| {
                audit::record(
                    c,
                    None,
                    "test.event",
                    Subject::new("thing", i as i64),
                    serde_json::json!({ "n": i }),
                )
            })
        })
        .expect("record");
    }
}

/// `roundtable audit verify` against the app's database: its exit status and output.
fn verify_from_command_line(app: &TestApp) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &app.db.url)
        .env("ROUNDTABLE_DATA_DIR", app.db.dir.path())
        .env("SECRET_KEY", "a test secret key that is long enough to use")
        .output()
        .expect("run roundtable");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[actix_web::test]
async fn the_chain_verifies_and_an_edited_row_is_caught() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap(); // coalition.created, person.created
        record_some(&app, 3);
        assert_eq!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { events: 5 }
        );
        let (ok, text) = verify_from_command_line(&app);
        assert!(ok && text.contains("intact: 5 events"), "{text}");

        let third: i64 = app.with_conn(|c| {
            audit_events::table
                .select(audit_events::id)
                .order(audit_events::id)
                .offset(2)
                .first(c)
                .expect("row")
        });
        app.with_conn(|c| {
            diesel::update(audit_events::table.find(third))
                .set(audit_events::details.eq(r#"{"n":99}"#))
                .execute(c)
                .expect("tamper")
        });
        let verdict = app.with_conn(audit::verify).expect("verify");
        assert!(
            matches!(verdict, Verdict::Broken { event_id, .. } if event_id == third),
            "{verdict:?}"
        );
        let (ok, text) = verify_from_command_line(&app);
        assert!(!ok, "a broken chain is a failure");
        assert!(
            text.contains(&format!("broken at event #{third}")),
            "{text}"
        );
    })
}

#[actix_web::test]
async fn a_removed_row_is_caught_at_the_next() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        record_some(&app, 4);
        let ids: Vec<i64> = app.with_conn(|c| {
            audit_events::table
                .select(audit_events::id)
                .order(audit_events::id)
                .load(c)
                .expect("ids")
        });
        app.with_conn(|c| {
            diesel::delete(audit_events::table.find(ids[1]))
                .execute(c)
                .expect("delete")
        });
        let verdict = app.with_conn(audit::verify).expect("verify");
        assert!(
            matches!(verdict, Verdict::Broken { event_id, .. } if event_id == ids[2]),
            "{verdict:?}"
        );
    })
}

#[actix_web::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let pool = app.state.pool.clone();
                std::thread::spawn(move || {
                    for i in 0..10 {
                        let mut conn = pool.get().expect("connection");
                        roundtable::db::write_tx(&mut conn, |c| {
                            audit::record(
                                c,
                                None,
                                "test.parallel",
                                Subject::new("writer", w),
                                serde_json::json!({ "i": i }),
                            )
                        })
                        .expect("record");
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("writer finished");
        }
        assert_eq!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { events: 80 }
        );
    })
}
