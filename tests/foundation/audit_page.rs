//! The audit record's page on the demo (hundreds of events): a page at a time, filtered by
//! who, what and when, records named instead of numbered, and the same selection as CSV.

use actix_web::http::StatusCode;

use crate::common::{TestApp, demo_login};
use crate::on_each_backend;

#[actix_web::test]
async fn the_audit_page_pages_filters_names_and_exports() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let admin = demo_login(&logins, "administrator");
        let mut browser = app.client().await;
        browser.sign_in(&admin.email, &admin.password).await;

        let first = browser.get("/admin/audit").await;
        assert_eq!(first.status, StatusCode::OK);
        let total: usize = first.texts("h2#audit-events")[0]
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("the number of events");
        assert!(total > 200, "the demo's record: {total}");
        assert_eq!(first.texts("#audit-table tbody tr").len(), 100);
        let ids: Vec<i64> = first
            .texts("#audit-table tbody td:first-child")
            .iter()
            .map(|t| t.parse().expect("an event number"))
            .collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
        let older = first.attr("a[rel=next]", "href").expect("older events");
        let second = browser.get(&older).await;
        let next_ids: Vec<i64> = second
            .texts("#audit-table tbody td:first-child")
            .iter()
            .map(|t| t.parse().expect("an event number"))
            .collect();
        assert_eq!(
            next_ids[0],
            ids[99] - 1,
            "the next page goes on where this one ends"
        );
        assert!(first.texts("#audit-head").len() == 1 && second.texts("#audit-head").is_empty());
        // The chain is walked when asked (it reads every event), not on every visit.
        let verify = first
            .attr("#audit-verify", "href")
            .expect("a link to check the chain");
        assert_eq!(verify, "/admin/audit?verify=yes");
        let checked = browser.get(&verify).await;
        assert!(
            checked.texts(".verdict")[0].contains("is intact"),
            "{:?}",
            checked.texts(".verdict")
        );

        // What: one action; the records it names by name, not number.
        let published = browser.get("/admin/audit?what=statement.published").await;
        let actions = published.texts("#audit-table td code");
        assert!(!actions.is_empty() && actions.iter().all(|a| a == "statement.published"));
        let details = published.texts("#audit-table td.details").concat();
        assert!(
            details.contains("signatories: ") && details.contains("Legal Aid Network"),
            "{details}"
        );
        assert!(
            !details.contains("organisation #"),
            "every signatory is named: {details}"
        );
        assert!(
            published
                .texts("#audit-table tbody td:nth-child(5) a")
                .iter()
                .all(|s| s.starts_with("statement: ")),
            "the statement by its title, linked"
        );
        // An area: every meeting action.
        let meetings = browser.get("/admin/audit?what=meeting.").await;
        assert!(
            meetings
                .texts("#audit-table td code")
                .iter()
                .all(|a| a.starts_with("meeting."))
        );
        // Who: the system; when: a range with nothing in it.
        let system = browser.get("/admin/audit?who=system").await;
        assert!(
            system
                .texts("#audit-table tbody td:nth-child(3)")
                .iter()
                .all(|w| w == "the system")
        );
        let none = browser
            .get("/admin/audit?from=2001-01-01&until=2001-12-31")
            .await;
        assert_eq!(none.texts(".empty"), ["No event matches."]);
        // A filter that cannot be read is said beside its field, and the whole record shown.
        let unreadable = browser.get("/admin/audit?from=last+week").await;
        assert_eq!(unreadable.status, StatusCode::OK);
        assert_eq!(
            unreadable.texts("#audit-filter .field-errors"),
            ["Give a date as YYYY-MM-DD."]
        );
        assert_eq!(
            unreadable.attr("#field-from", "value").as_deref(),
            Some("last week"),
            "what was typed is kept"
        );

        // The same selection as CSV: every matching event, not one page.
        let link = meetings
            .attr("#audit-export", "href")
            .expect("an export link");
        assert_eq!(link, "/admin/audit/export.csv?what=meeting.");
        let csv = browser.get(&link).await;
        assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        let headers = reader.headers().expect("a header row").clone();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [
                "event", "when_utc", "who", "action", "on", "details", "hash"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
        let shown: usize = meetings.texts("h2#audit-events")[0]
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a number");
        assert_eq!(rows.len(), shown);
        assert!(rows.len() > 100, "more than one page: {}", rows.len());
        assert!(rows.iter().all(|r| r[3].starts_with("meeting.")));
        // The page reads only what was added since its last visit: a new kind of event
        // counts and can be filtered by; a need-to-know event neither.
        app.with_conn(|c| {
            roundtable::audit::record(
                c,
                None,
                "bench.new_kind",
                roundtable::audit::Subject::new("meeting", 1),
                serde_json::json!({}),
            )?;
            roundtable::audit::record(
                c,
                None,
                "complaint.noted",
                roundtable::audit::Subject::new("complaint", 1),
                serde_json::json!({}),
            )
        })
        .expect("two more events");
        let again = browser.get("/admin/audit").await;
        let counted: usize = again.texts("h2#audit-events")[0]
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("the number of events");
        assert_eq!(counted, total + 1);
        let kinds = again.texts("#field-what option");
        assert!(
            kinds.iter().any(|k| k.contains("bench.new_kind")),
            "{kinds:?}"
        );
        assert!(
            !kinds.iter().any(|k| k.contains("complaint.noted")),
            "{kinds:?}"
        );
    })
}

/// The page's summary of the record (its actions, people and count) is the same whether
/// the record is read whole or a few events at a time, as a long record is on a first look.
#[actix_web::test]
async fn the_summary_of_the_record_is_the_same_read_in_slices() {
    on_each_backend!(|backend| async {
        use roundtable::audit::summary::{self, Summary};
        let app = TestApp::new(&backend);
        app.with_conn(roundtable::cli::seed_demo).expect("demo");
        let whole = app
            .with_conn(|c| summary::known_in_slices(c, &Summary::default().into(), i64::MAX))
            .expect("read whole");
        let sliced = app
            .with_conn(|c| summary::known_in_slices(c, &Summary::default().into(), 7))
            .expect("read in slices");
        assert!(whole.events > 7 && whole.actions.len() > 3, "{whole:?}");
        assert_eq!(sliced, whole);
    })
}
