//! The retention period: once a closed case's period is over, its content and files go and
//! its people are pseudonymised; the reference, dates, stages, outcome category,
//! satisfaction and lesson learned stay, and the statistics still count the case. A dry run
//! lists what would go and changes nothing.

use chrono::Months;
use diesel::prelude::*;
use roundtable::complaints::{retention, stats, steps, store, thread};
use roundtable::db::schema::{
    complaint_access, complaint_files, complaint_messages, complaint_panel, complaint_stages,
    complaints,
};

use super::{coalition, file_against, seated, today};
use crate::common::TestApp;
use crate::on_each_backend;

fn count(app: &TestApp, id: i64) -> (i64, i64, i64, i64, i64) {
    app.with_conn(|c| {
        Ok::<_, diesel::result::Error>((
            complaint_messages::table
                .filter(complaint_messages::complaint_id.eq(id))
                .count()
                .get_result(c)?,
            complaint_files::table
                .filter(complaint_files::complaint_id.eq(id))
                .count()
                .get_result(c)?,
            complaint_access::table
                .filter(complaint_access::complaint_id.eq(id))
                .count()
                .get_result(c)?,
            complaint_panel::table
                .filter(complaint_panel::complaint_id.eq(id))
                .count()
                .get_result(c)?,
            complaint_stages::table
                .filter(complaint_stages::complaint_id.eq(id))
                .count()
                .get_result(c)?,
        ))
    })
    .expect("counts")
}

#[actix_web::test]
async fn retention_erases_the_content_and_keeps_the_statistics() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let day = today(&app);
        let (alpha, delta) = (&co.fx.full[0], &co.fx.full[3]);
        let mut closed = Vec::new();
        for _ in 0..3 {
            let c = file_against(&app, alpha, delta);
            let panel = seated(&app, &co, &c);
            app.with_conn(|conn| steps::assess(conn, &panel[0], c.id, true, "ok", day))
                .expect("assessed");
            let pdf = thread::Upload {
                name: "a.pdf".into(),
                bytes: b"%PDF-1.4\n".to_vec(),
            };
            app.with_conn(|conn| {
                thread::post(
                    conn,
                    &alpha.rep,
                    c.id,
                    "parties",
                    "A statement.",
                    vec![pdf],
                    day,
                )
            })
            .expect("posted");
            app.with_conn(|conn| {
                store::open(
                    conn,
                    &delta.rep,
                    c.id,
                    roundtable::auth::visibility::ComplaintSight::Content,
                    "page",
                )
            })
            .expect("opened");
            app.with_conn(|conn| {
                steps::propose(conn, &panel[0], c.id, "Proposal.", "Summary.", day)
            })
            .expect("proposed");
            app.with_conn(|conn| steps::answer(conn, &alpha.rep, c.id, true, day))
                .expect("answer");
            app.with_conn(|conn| steps::answer(conn, &delta.rep, c.id, true, day))
                .expect("answer");
            app.with_conn(|conn| {
                steps::close(
                    conn,
                    &panel[0],
                    c.id,
                    "resolved_by_dialogue",
                    "Keep the lesson.",
                    day,
                )
            })
            .expect("closed");
            app.with_conn(|conn| steps::satisfaction(conn, &alpha.rep, c.id, 5))
                .expect("satisfaction");
            closed.push(c.id);
        }
        let open_case = file_against(&app, alpha, delta);
        let now = roundtable::db::now();
        // Nothing is due yet.
        assert!(
            app.with_conn(|conn| retention::purge(conn, now, true))
                .expect("dry run")
                .is_empty()
        );
        // Closed six years ago (the default period is five).
        let long_ago = now.checked_sub_months(Months::new(72)).expect("date");
        app.with_conn(|conn| {
            diesel::update(complaints::table.filter(complaints::id.eq_any(&closed)))
                .set(complaints::closed_at.eq(Some(long_ago)))
                .execute(conn)
        })
        .expect("backdated");
        let before = count(&app, closed[0]);
        let would = app
            .with_conn(|conn| retention::purge(conn, now, true))
            .expect("dry run");
        assert_eq!(would.len(), 3);
        assert_eq!(count(&app, closed[0]), before, "a dry run changes nothing");
        assert_eq!(
            app.with_conn(|conn| store::get(conn, closed[0]))
                .expect("read")
                .body,
            super::SECRET_BODY
        );

        let erased = app
            .with_conn(|conn| retention::purge(conn, now, false))
            .expect("purge");
        assert_eq!(erased.len(), 3);
        for id in &closed {
            let c = app.with_conn(|conn| store::get(conn, *id)).expect("read");
            assert!(c.body.is_empty() && c.proposal.is_empty() && c.panel_summary.is_empty());
            assert!(!c.title.contains(super::SECRET_TITLE));
            assert_eq!(c.filed_by, None, "the filer is pseudonymised");
            assert!(c.erased_at.is_some());
            assert_eq!(
                (c.outcome.as_str(), c.lesson.as_str()),
                ("resolved_by_dialogue", "Keep the lesson.")
            );
            let (messages, files, access, panel, stages) = count(&app, *id);
            assert_eq!((messages, files, access, panel), (0, 0, 0, 0));
            assert!(stages >= 6, "the stages stay");
        }
        // The open case is untouched; running again erases nothing more.
        assert_eq!(
            app.with_conn(|conn| store::get(conn, open_case.id))
                .expect("read")
                .body,
            super::SECRET_BODY
        );
        assert!(
            app.with_conn(|conn| retention::purge(conn, now, false))
                .expect("again")
                .is_empty()
        );
        // The statistics still count the cases (three: shown).
        let year = chrono::Datelike::year(&day);
        let s = app
            .with_conn(|conn| {
                stats::statistics(
                    conn,
                    chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("d"),
                    chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("d"),
                )
            })
            .expect("stats");
        assert_eq!(s.by_outcome["resolved_by_dialogue"], Some(3));
        assert_eq!(s.by_stage["closed"], Some(3));
        assert_eq!(s.mean_satisfaction, Some(5.0));
        assert!(s.share_within_limits.is_some());
        // A party still finds the case, with no content left.
        let page = app
            .with_conn(|conn| {
                roundtable::complaints::web::case::build_view(conn, &alpha.rep, closed[0], day)
            })
            .expect("view");
        assert!(page.erased);
    })
}
