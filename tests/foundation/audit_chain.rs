use std::process::Command;

use diesel::prelude::*;
use roundtable::audit::{self, Subject, Verdict};
use roundtable::db::schema::audit_events;

use crate::common::{TEST_SECRET, TestApp};
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
fn verify_from_command_line(app: &TestApp, more: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(["audit", "verify"])
        .args(more)
        .env("DATABASE_URL", &app.db.url)
        .env("ROUNDTABLE_DATA_DIR", app.db.dir.path())
        .env("SECRET_KEY", TEST_SECRET)
        .output()
        .expect("run roundtable");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// What a custodian with full rights on the database can do: take the triggers away.
fn drop_the_triggers(app: &TestApp) {
    let statements: &[&str] = match app.db.url.starts_with("postgres") {
        true => &[
            "DROP TRIGGER audit_events_append_only ON audit_events",
            "DROP TRIGGER audit_events_no_truncate ON audit_events",
        ],
        false => &[
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        ],
    };
    app.with_conn(|c| {
        for s in statements {
            diesel::sql_query(*s).execute(c).expect("drop trigger");
        }
    });
}

#[actix_web::test]
async fn the_database_refuses_to_change_or_remove_an_event() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        record_some(&app, 2);
        let first: i64 = app.with_conn(|c| {
            audit_events::table
                .select(audit_events::id)
                .order(audit_events::id)
                .first(c)
                .expect("row")
        });
        let edit = app.with_conn(|c| {
            diesel::update(audit_events::table.find(first))
                .set(audit_events::details.eq("{}"))
                .execute(c)
        });
        assert!(
            edit.is_err_and(|e| e.to_string().contains("append-only")),
            "UPDATE is refused"
        );
        let delete = app.with_conn(|c| diesel::delete(audit_events::table).execute(c));
        assert!(
            delete.is_err_and(|e| e.to_string().contains("append-only")),
            "DELETE is refused"
        );
        if app.db.url.starts_with("postgres") {
            let truncate = app.with_conn(|c| diesel::sql_query("TRUNCATE audit_events").execute(c));
            assert!(truncate.is_err(), "TRUNCATE is refused");
        }
        assert_eq!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { events: 4 }
        );
    })
}

/// Past the triggers, a row rewritten and the chain recomputed without the key (here with
/// plain SHA-256, as before the key) does not verify.
#[actix_web::test]
async fn a_chain_recomputed_without_the_key_is_caught() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        record_some(&app, 3);
        drop_the_triggers(&app);
        let events: Vec<audit::AuditEvent> = app.with_conn(|c| {
            audit_events::table
                .order(audit_events::id)
                .select(audit::AuditEvent::as_select())
                .load(c)
                .expect("rows")
        });
        let wrong_key =
            roundtable::config::derive_audit_key("somebody else's secret, just as long");
        let mut prev = audit::GENESIS.to_owned();
        for e in &events {
            let details = if e.id == events[1].id {
                r#"{"n":99}"#
            } else {
                e.details.as_str()
            };
            let hash = audit::chain_hash(
                &wrong_key,
                &audit::Row {
                    prev_hash: &prev,
                    occurred_at: e.occurred_at,
                    actor_id: e.actor_id,
                    action: &e.action,
                    subject_type: &e.subject_type,
                    subject_id: e.subject_id,
                    details,
                },
            );
            app.with_conn(|c| {
                diesel::update(audit_events::table.find(e.id))
                    .set((
                        audit_events::details.eq(details),
                        audit_events::prev_hash.eq(&prev),
                        audit_events::hash.eq(&hash),
                    ))
                    .execute(c)
                    .expect("rewrite")
            });
            prev = hash;
        }
        let verdict = app.with_conn(audit::verify).expect("verify");
        assert!(
            matches!(verdict, Verdict::Broken { event_id, .. } if event_id == events[0].id),
            "{verdict:?}"
        );
    })
}

/// The newest rows removed leave a shorter chain that holds together: only a head someone
/// kept shows it, on the page and on the command line.
#[actix_web::test]
async fn a_witnessed_head_catches_a_record_cut_short() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        record_some(&app, 5);
        let (seq, hash) = app.with_conn(audit::head).expect("head").expect("a head");
        let witness = format!("{seq}:{hash}");
        assert_eq!(
            app.with_conn(|c| audit::verify_witnessed(c, seq, &hash))
                .expect("verify"),
            Verdict::Intact { events: 5 }
        );
        let (ok, text) = verify_from_command_line(&app, &["--witness", &witness]);
        assert!(ok, "{text}");

        drop_the_triggers(&app);
        app.with_conn(|c| {
            diesel::delete(audit_events::table.filter(audit_events::id.ge(seq - 1)))
                .execute(c)
                .expect("cut")
        });
        assert_eq!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { events: 3 },
            "what is left holds together"
        );
        let verdict = app
            .with_conn(|c| audit::verify_witnessed(c, seq, &hash))
            .expect("verify");
        assert!(matches!(verdict, Verdict::Broken { event_id, .. } if event_id == seq));
        let (ok, text) = verify_from_command_line(&app, &["--witness", &witness]);
        assert!(!ok && text.contains("cut short"), "{text}");
    })
}

/// A chain written before the hashes were keyed is re-hashed once when the service opens,
/// and then verifies with the key.
#[actix_web::test]
async fn an_unkeyed_chain_is_keyed_when_the_service_opens() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        record_some(&app, 3);
        drop_the_triggers(&app);
        let events: Vec<audit::AuditEvent> = app.with_conn(|c| {
            audit_events::table
                .order(audit_events::id)
                .select(audit::AuditEvent::as_select())
                .load(c)
                .expect("rows")
        });
        let mut prev = audit::GENESIS.to_owned();
        for e in &events {
            let canonical = serde_json::json!([
                prev,
                e.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
                e.actor_id,
                e.action,
                e.subject_type,
                e.subject_id,
                e.details
            ])
            .to_string();
            let hash = {
                use sha2::Digest;
                hex::encode(sha2::Sha256::digest(canonical.as_bytes()))
            };
            app.with_conn(|c| {
                diesel::update(audit_events::table.find(e.id))
                    .set((
                        audit_events::prev_hash.eq(&prev),
                        audit_events::hash.eq(&hash),
                    ))
                    .execute(c)
                    .expect("write the old way")
            });
            prev = hash;
        }
        assert!(matches!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Broken { .. }
        ));
        let reopened = roundtable::AppState::open(app.state.settings.clone()).expect("reopen");
        let mut conn = reopened.pool.get().expect("connection");
        assert_eq!(
            audit::verify(&mut conn).expect("verify"),
            Verdict::Intact { events: 3 }
        );
        let edit = diesel::update(audit_events::table)
            .set(audit_events::details.eq("{}"))
            .execute(&mut *conn);
        assert!(edit.is_err(), "and the table is append-only again");
    })
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
        let (ok, text) = verify_from_command_line(&app, &[]);
        assert!(ok && text.contains("intact: 5 events"), "{text}");
        drop_the_triggers(&app);

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
        let (ok, text) = verify_from_command_line(&app, &[]);
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
        drop_the_triggers(&app);
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

#[derive(QueryableByName)]
struct SchemaVersion {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    schema_version: i64,
}

/// Opening again leaves triggers in place alone (on SQLite, making them again changed the
/// schema, and every open connection of every instance read it again and prepared each of
/// its statements anew) and puts back triggers someone took away.
#[actix_web::test]
async fn opening_again_keeps_the_triggers_in_place_and_puts_back_those_taken_away() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        app.bootstrap();
        if !app.db.url.starts_with("postgres") {
            let schema = |app: &TestApp| {
                app.with_conn(|c| {
                    diesel::sql_query("SELECT schema_version FROM pragma_schema_version")
                        .get_result::<SchemaVersion>(c)
                        .expect("the schema's version")
                        .schema_version
                })
            };
            let before = schema(&app);
            roundtable::AppState::open(app.state.settings.clone()).expect("reopen");
            assert_eq!(schema(&app), before, "the schema is as it was");
        }
        drop_the_triggers(&app);
        let reopened = roundtable::AppState::open(app.state.settings.clone()).expect("reopen");
        let edit = diesel::update(audit_events::table)
            .set(audit_events::details.eq("{}"))
            .execute(&mut *reopened.pool.get().expect("connection"));
        assert!(
            edit.is_err_and(|e| e.to_string().contains("append-only")),
            "the table is append-only again"
        );
    })
}
