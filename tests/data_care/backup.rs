//! `roundtable backup` copies a running database consistently and `restore` brings it back
//! into an empty one of either backend, every row and the audit chain intact.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use roundtable::audit::{self, Subject, Verdict};
use roundtable::care::backup;
use roundtable::error::Error;

use crate::common::{Backend, TestApp, backends};

fn demo_app(backend: &Backend) -> TestApp {
    let app = TestApp::with_settings(backend, |s| s.db_pool_size = 60);
    app.with_conn(roundtable::cli::seed_demo).expect("demo");
    app
}

fn restored(backend: &Backend, file: &std::path::Path) -> TestApp {
    let app = TestApp::new(backend);
    app.with_conn(|c| backup::restore_from(c, file))
        .expect("restores into an empty database");
    app
}

#[test]
fn a_backup_taken_under_fifty_writers_restores_to_the_same_database() {
    for backend in backends() {
        eprintln!("--- on {}", backend.name());
        let app = demo_app(&backend);
        // More events than a chunk of the file holds (1,000), so tables are read and
        // written in several.
        let earlier: Vec<audit::Pending<'_>> = (0..2_100)
            .map(|n| audit::Pending {
                actor_id: None,
                action: "test.earlier",
                subject: Subject::new("test", n),
                details: serde_json::json!({ "n": n }),
            })
            .collect();
        app.with_conn(|c| roundtable::db::write_tx(c, |c| audit::record_all(c, earlier)))
            .expect("earlier events");
        let file = app.db.dir.path().join("under-load.backup");
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicU64::new(0));
        let writers: Vec<_> = (0..50)
            .map(|n| {
                let pool = app.state.pool.clone();
                let (stop, written) = (stop.clone(), written.clone());
                std::thread::spawn(move || {
                    let mut conn = pool.get().expect("a connection");
                    let mut i = 0;
                    while !stop.load(Ordering::Relaxed) {
                        roundtable::db::write_tx(&mut conn, |c| {
                            audit::record(
                                c,
                                None,
                                "test.write",
                                Subject::new("writer", n),
                                serde_json::json!({ "n": i }),
                            )
                        })
                        .expect("a write");
                        written.fetch_add(1, Ordering::Relaxed);
                        i += 1;
                    }
                })
            })
            .collect();
        // Let the writers get going, then back up in the middle of them.
        while written.load(Ordering::Relaxed) < 100 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let report = app
            .with_conn(|c| backup::backup_to(c, &file))
            .expect("a backup under load");
        let during = written.load(Ordering::Relaxed);
        std::thread::sleep(std::time::Duration::from_millis(50));
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().expect("a writer");
        }
        assert!(
            written.load(Ordering::Relaxed) > during,
            "the writers kept writing while the backup ran"
        );
        assert!(report.audit_events > 0);

        // The file is one moment: restored, the database holds exactly its rows.
        let copy = restored(&backend, &file);
        let held = backup::contents(&file).expect("read the file");
        assert!(
            held["audit_events"].len() > 2_100 + 500,
            "every chunk is in the file: {}",
            held["audit_events"].len()
        );
        assert_eq!(
            copy.with_conn(backup::snapshot).expect("the restored rows"),
            held
        );
        assert!(matches!(
            copy.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { .. }
        ));
        // ... and that moment is one the live database went through: all of it is still there.
        let live = app.with_conn(backup::snapshot).expect("the live rows");
        for (table, rows) in &held {
            let now: std::collections::HashSet<String> = live[table]
                .iter()
                .map(|r| serde_json::to_string(r).unwrap_or_default())
                .collect();
            assert!(
                rows.iter()
                    .all(|r| now.contains(&serde_json::to_string(r).unwrap_or_default())),
                "{table}: the backup holds a row the database never had"
            );
        }
    }
}

#[test]
fn sqlite_to_postgresql_and_back_keeps_every_row_and_the_chain() {
    let all = backends();
    let (Some(sqlite), Some(postgres)) = (
        all.iter().find(|b| b.name() == "SQLite"),
        all.iter().find(|b| b.name() == "PostgreSQL"),
    ) else {
        eprintln!("SKIPPED: the round trip needs ROUNDTABLE_TEST_POSTGRES_URL");
        return;
    };
    let original = demo_app(sqlite);
    let folder = tempfile::tempdir().expect("a folder");
    let first = folder.path().join("from-sqlite.backup");
    original
        .with_conn(|c| backup::backup_to(c, &first))
        .expect("backup from SQLite");

    let on_postgres = restored(postgres, &first);
    let second = folder.path().join("from-postgres.backup");
    on_postgres
        .with_conn(|c| backup::backup_to(c, &second))
        .expect("backup from PostgreSQL");
    let back = restored(sqlite, &second);

    let rows = backup::contents(&first).expect("first");
    assert_eq!(backup::contents(&second).expect("second"), rows);
    assert_eq!(back.with_conn(backup::snapshot).expect("back"), rows);
    assert_eq!(
        original.with_conn(backup::snapshot).expect("original"),
        rows
    );
    for app in [&on_postgres, &back] {
        assert!(matches!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { events } if events > 100
        ));
    }
    // The restored PostgreSQL goes on: new rows take new ids.
    on_postgres
        .with_conn(|c| {
            roundtable::db::write_tx(c, |c| {
                audit::record(
                    c,
                    None,
                    "test.after",
                    Subject::new("test", 1),
                    serde_json::json!({}),
                )
            })
        })
        .expect("a new event after the restore");
}

#[test]
fn a_restore_refuses_a_database_in_use_and_a_file_cut_short() {
    for backend in backends() {
        eprintln!("--- on {}", backend.name());
        let app = demo_app(&backend);
        let file = app.db.dir.path().join("demo.backup");
        app.with_conn(|c| backup::backup_to(c, &file))
            .expect("backup");
        let before = app.with_conn(backup::snapshot).expect("rows");
        let refused = app.with_conn(|c| backup::restore_from(c, &file));
        assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
        assert_eq!(app.with_conn(backup::snapshot).expect("rows"), before);

        // A file that lost its last lines (a full disk, a copy interrupted) is refused before
        // anything is written.
        let text = std::fs::read_to_string(&file).expect("read");
        let cut = app.db.dir.path().join("cut.backup");
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&cut, lines[..lines.len() - 2].join("\n")).expect("write");
        let empty = TestApp::new(&backend);
        let refused = empty.with_conn(|c| backup::restore_from(c, &cut));
        assert!(
            matches!(&refused, Err(Error::Invalid(m)) if m.contains("cut short")),
            "{refused:?}"
        );
        assert_eq!(
            empty
                .with_conn(roundtable::auth::store::count)
                .expect("count"),
            0,
            "nothing was written"
        );
    }
}
