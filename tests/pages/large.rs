//! The large coalition the page benchmark runs on (`roundtable demo --scale large`), built
//! here at a small size through the same code: it grows the demo through the services, and
//! every part is there in the numbers asked for.

use diesel::dsl::count_star;
use diesel::prelude::*;
use roundtable::db::schema::{
    approval_rounds, attendance, meetings, organisations, people, statement_positions, statements,
};
use roundtable::scale::{self, Size};

use crate::common::TestApp;
use crate::on_each_backend;

const SMALL: Size = Size {
    organisations: 30,
    people_per_organisation: 3,
    years: 4,
    working_groups: 8,
    group_meetings_per_year: 4,
    statements: 6,
};

#[actix_web::test]
async fn the_large_demo_grows_the_demo_to_the_size_asked() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app
            .with_conn(|c| scale::seed(c, SMALL, true))
            .expect("the large demo");
        assert!(logins.iter().any(|l| l.role.contains("secretariat")));
        let today = app.with_conn(roundtable::coalition::today).expect("today");
        let (members, staff): (i64, i64) = app
            .with_conn(|c| {
                Ok::<_, diesel::result::Error>((
                    organisations::table
                        .filter(organisations::status.eq_any(["full", "associate"]))
                        .count()
                        .get_result(c)?,
                    people::table
                        .filter(people::email.like("p%@m0%.example"))
                        .count()
                        .get_result(c)?,
                ))
            })
            .expect("counts");
        assert_eq!(members, 30);
        // The demo has fourteen members: sixteen were added, three people each.
        assert_eq!(staff, 16 * 3);
        // A plenary each quarter of the years before the demo's own three (this one and the
        // two before), all held with every member's attendance recorded.
        let first = chrono::Datelike::year(&today) - 2;
        let since = chrono::NaiveDate::from_ymd_opt(first, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        let old: Vec<i64> = app
            .with_conn(|c| {
                meetings::table
                    .filter(meetings::kind.eq("plenary"))
                    .filter(meetings::starts_at.lt(since))
                    .select(meetings::id)
                    .load(c)
            })
            .expect("plenaries");
        assert_eq!(old.len(), 4, "one year before the demo's own");
        let recorded: Vec<i64> = app
            .with_conn(|c| {
                attendance::table
                    .filter(attendance::meeting_id.eq_any(&old))
                    .group_by(attendance::meeting_id)
                    .select(count_star())
                    .load(c)
            })
            .expect("attendance");
        assert_eq!(recorded, [30, 30, 30, 30]);
        // Working groups meet over the years, each meeting held.
        let group_meetings: i64 = app
            .with_conn(|c| {
                meetings::table
                    .filter(meetings::kind.eq("working_group"))
                    .filter(meetings::status.eq("minutes_approved"))
                    .count()
                    .get_result(c)
            })
            .expect("meetings");
        assert!(group_meetings > 8 * 4, "{group_meetings}");
        // Six statements, every full member answering; all but the last three published, and
        // dated as they happened, over the years.
        let (published, oldest): (i64, Option<chrono::NaiveDateTime>) = app
            .with_conn(|c| {
                Ok::<_, diesel::result::Error>((
                    statements::table
                        .filter(statements::title.like("Joint statement %"))
                        .filter(statements::status.eq("published"))
                        .count()
                        .get_result(c)?,
                    statements::table
                        .filter(statements::title.like("Joint statement %"))
                        .select(diesel::dsl::min(statements::published_at))
                        .first(c)?,
                ))
            })
            .expect("statements");
        assert_eq!(published, 3);
        assert!(oldest.is_some_and(|t| t.date() < today - chrono::Duration::days(365 * 3)));
        let answered: Vec<i64> = app
            .with_conn(|c| {
                statement_positions::table
                    .inner_join(approval_rounds::table)
                    .inner_join(
                        statements::table.on(statements::id.eq(approval_rounds::statement_id)),
                    )
                    .filter(statements::title.like("Joint statement %"))
                    .filter(statements::status.eq("published"))
                    .group_by(approval_rounds::id)
                    .select(count_star())
                    .load(c)
            })
            .expect("positions");
        // Every full member with a representative (associates take no position).
        let voices: i64 = app
            .with_conn(|c| {
                use roundtable::db::schema::affiliations;
                affiliations::table
                    .inner_join(organisations::table)
                    .filter(organisations::status.eq("full"))
                    .filter(affiliations::representation.eq("primary"))
                    .count()
                    .get_result(c)
            })
            .expect("voices");
        assert!(voices >= 26, "{voices}");
        assert_eq!(answered, [voices; 3], "every full member answered");
        // The mail it all caused is marked sent: a first `serve` mails none of it.
        let waiting: i64 = app
            .with_conn(|c| {
                use roundtable::db::schema::outbox_deliveries as d;
                d::table.filter(d::status.ne("sent")).count().get_result(c)
            })
            .expect("outbox");
        assert_eq!(waiting, 0);
    })
}
