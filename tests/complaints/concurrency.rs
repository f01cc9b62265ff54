//! Two panel members deciding at the same moment record one decision: the other is refused
//! and told, on both backends (SQLite's write transactions take turns; on PostgreSQL the
//! stage is changed only where it is still the one the decision started from).

use std::sync::Barrier;

use diesel::prelude::*;
use roundtable::complaints::{steps, store};
use roundtable::db::schema::{audit_events, complaint_stages};
use roundtable::error::Error;

use super::{coalition, file_against, seated, today};
use crate::common::TestApp;
use crate::on_each_backend;

#[actix_web::test]
async fn two_panel_members_deciding_at_once_record_one_decision() {
    on_each_backend!(|backend| async {
        let app = TestApp::with_settings(&backend, |s| s.db_pool_size = 8);
        let co = coalition(&app);
        for round in 0..5 {
            let c = file_against(&app, &co.fx.full[round % 2], &co.fx.full[2 + round % 2]);
            let panel = seated(&app, &co, &c);
            let day = today(&app);
            let start = Barrier::new(2);
            let results: Vec<Result<_, Error>> = std::thread::scope(|scope| {
                let handles: Vec<_> = [(&panel[0], true), (&panel[1], false)]
                    .into_iter()
                    .map(|(member, admissible)| {
                        let (app, start, id) = (&app, &start, c.id);
                        scope.spawn(move || {
                            start.wait();
                            let mut conn = app.conn();
                            steps::assess(&mut conn, member, id, admissible, "At once.", day)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("thread"))
                    .collect()
            });
            let decided: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
            assert_eq!(decided.len(), 1, "exactly one decision: {results:?}");
            let refused = results
                .iter()
                .find_map(|r| r.as_ref().err())
                .expect("one refused");
            assert!(
                matches!(refused, Error::Conflict(_) | Error::Invalid(_)),
                "{refused:?}"
            );
            // The record holds that one decision, and the case is where it put it.
            let after = app.with_conn(|conn| store::get(conn, c.id)).expect("read");
            assert_eq!(after.stage, decided[0].stage);
            let assessments: i64 = app
                .with_conn(|conn| {
                    audit_events::table
                        .filter(audit_events::subject_type.eq("complaint"))
                        .filter(audit_events::subject_id.eq(c.id))
                        .filter(audit_events::action.like("complaint.assess%"))
                        .count()
                        .get_result(conn)
                })
                .expect("events");
            assert_eq!(assessments, 1);
            let stages: i64 = app
                .with_conn(|conn| {
                    complaint_stages::table
                        .filter(complaint_stages::complaint_id.eq(c.id))
                        .filter(complaint_stages::stage.eq_any(["dialogue", "closed"]))
                        .count()
                        .get_result(conn)
                })
                .expect("stages");
            assert_eq!(stages, 1);
        }
    })
}
