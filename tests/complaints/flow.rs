//! The whole journey through the pages, as its users take it: a member files a complaint
//! about another member's conduct in a statement round; the secretariat acknowledges it and
//! appoints the proposed, balanced panel, which declares no conflict; the panel finds it
//! admissible; the parties exchange statements; the panel proposes a resolution both
//! accept; the case closes with a lesson learned and each party's satisfaction.

use std::collections::HashSet;

use actix_web::http::StatusCode;
use roundtable::complaints::{panel, stats, store};
use roundtable::membership::rules::Side;

use super::{PASSWORD, SECRET_BODY, SECRET_MESSAGE, SECRET_TITLE, coalition, today};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};
use crate::on_each_backend;
use crate::statements::draft;

fn complaint_id(location: Option<&str>) -> i64 {
    location
        .and_then(|l| l.strip_prefix("/complaints/"))
        .and_then(|l| l.split('#').next())
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| panic!("a complaint's address: {location:?}"))
}

#[actix_web::test]
async fn a_complaint_goes_from_filing_to_a_closed_case_with_a_lesson_learned() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let statement = draft(&app, co.admin(), "A statement in question");
        let (alpha, delta) = (&co.fx.full[0], &co.fx.full[3]);

        // Filing, from the list page.
        let mut complainant = app.client().await;
        complainant.sign_in(&alpha.rep_email, PASSWORD).await;
        let page = complainant.get("/complaints").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("File a complaint"));
        let filed = complainant
            .post_form(
                "/complaints",
                &[
                    ("organisation_id", &alpha.id.to_string()),
                    ("about", "organisation"),
                    ("respondent_org", &delta.id.to_string()),
                    ("record_kind", "statement"),
                    ("record_id", &statement.id.to_string()),
                    ("title", SECRET_TITLE),
                    ("body", SECRET_BODY),
                ],
            )
            .await;
        assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
        let id = complaint_id(filed.location());
        let c = app.with_conn(|conn| store::get(conn, id)).expect("read");
        let year = chrono::Datelike::year(&today(&app));
        assert_eq!(c.reference, format!("C-{year}-001"));
        assert_eq!(c.stage, "received");
        assert!(
            c.due_on.is_some_and(|d| d > today(&app)),
            "acknowledgement due later"
        );
        let page = complainant.get(&format!("/complaints/{id}")).await;
        assert!(page.body.contains(SECRET_TITLE) && page.body.contains(SECRET_BODY));
        assert!(
            page.body.contains(&format!("/statements/{}", statement.id)),
            "the record is linked"
        );

        // The respondent knows nothing yet.
        let mut respondent = app.client().await;
        respondent.sign_in(&delta.rep_email, PASSWORD).await;
        assert_eq!(
            respondent.get(&format!("/complaints/{id}")).await.status,
            StatusCode::NOT_FOUND
        );

        // The secretariat (the administrator before the rotation) acknowledges and appoints.
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let register = secretariat.get(&format!("/complaints/{id}")).await;
        assert_eq!(register.status, StatusCode::OK);
        assert!(
            !register.body.contains(SECRET_TITLE) && !register.body.contains(SECRET_BODY),
            "the register holds no content"
        );
        let ack = secretariat
            .post_form(&format!("/complaints/{id}/acknowledge"), &[])
            .await;
        assert_eq!(ack.status, StatusCode::SEE_OTHER, "{}", ack.body);
        let day = today(&app);
        let proposal = app
            .with_conn(|conn| panel::proposal(conn, co.admin(), id, day))
            .expect("proposal");
        assert_eq!(proposal.len(), 3);
        let sides: HashSet<Side> = proposal.iter().map(|p| p.candidate.side).collect();
        assert_eq!(sides.len(), 2, "both sides sit");
        let organisations: HashSet<i64> = proposal
            .iter()
            .map(|p| p.candidate.organisation_id)
            .collect();
        assert_eq!(organisations.len(), 3, "one per organisation");
        assert!(
            !organisations.contains(&alpha.id) && !organisations.contains(&delta.id),
            "no party sits"
        );
        let fields: Vec<(String, String)> = proposal
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("person_{i}"), p.candidate.person_id.to_string()))
            .collect();
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let appointed = secretariat
            .post_form(&format!("/complaints/{id}/panel"), &fields)
            .await;
        assert_eq!(
            appointed.status,
            StatusCode::SEE_OTHER,
            "{}",
            appointed.body
        );

        // Each member sees only who the parties are until they declare.
        let mut members = Vec::new();
        for p in &proposal {
            let email = app
                .with_conn(|conn| roundtable::auth::store::find(conn, p.candidate.person_id))
                .expect("person")
                .email;
            let mut member = app.client().await;
            member.sign_in(&email, PASSWORD).await;
            let before = member.get(&format!("/complaints/{id}")).await;
            assert_eq!(before.status, StatusCode::OK);
            assert!(
                before.body.contains("Alpha Shelter") && before.body.contains("Delta Ministry"),
                "the parties, to declare"
            );
            assert!(
                !before.body.contains(SECRET_BODY),
                "no content before the declaration"
            );
            let declared = member
                .post_form(
                    &format!("/complaints/{id}/declare"),
                    &[("no_conflict", "yes")],
                )
                .await;
            assert_eq!(declared.status, StatusCode::SEE_OTHER, "{}", declared.body);
            assert!(
                member
                    .get(&format!("/complaints/{id}"))
                    .await
                    .body
                    .contains(SECRET_BODY)
            );
            members.push(member);
        }

        // Admissible: the respondent is told and reads it now.
        let assessed = members[0]
            .post_form(
                &format!("/complaints/{id}/assess"),
                &[("admissible", "yes"), ("reasons", "Within the memorandum.")],
            )
            .await;
        assert_eq!(assessed.status, StatusCode::SEE_OTHER, "{}", assessed.body);
        let now_seen = respondent.get(&format!("/complaints/{id}")).await;
        assert_eq!(now_seen.status, StatusCode::OK);
        assert!(now_seen.body.contains(SECRET_BODY));

        // The dialogue: one statement each (the complainant's with a file).
        let page = complainant.get(&format!("/complaints/{id}")).await;
        assert!(page.body.contains("Your statement"));
        let sent = complainant
            .post_multipart(
                &format!("/complaints/{id}/messages"),
                &[
                    ("audience", None, "parties"),
                    ("body", None, SECRET_MESSAGE),
                    ("file", Some("minutes.pdf"), "%PDF-1.4 test\n%%EOF\n"),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        respondent.get(&format!("/complaints/{id}")).await;
        let replied = respondent
            .post_multipart(
                &format!("/complaints/{id}/messages"),
                &[
                    ("audience", None, "parties"),
                    ("body", None, "We regret it."),
                ],
            )
            .await;
        assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
        let thread = respondent.get(&format!("/complaints/{id}")).await.body;
        assert!(
            thread.contains(SECRET_MESSAGE)
                && thread.contains("We regret it.")
                && thread.contains("minutes.pdf")
        );

        // The proposal, accepted by both: resolved.
        let proposed = members[1]
            .post_form(
                &format!("/complaints/{id}/propose"),
                &[
                    ("proposal", "A written apology and a rule."),
                    ("summary", "They disagree on the facts."),
                ],
            )
            .await;
        assert_eq!(proposed.status, StatusCode::SEE_OTHER, "{}", proposed.body);
        for party in [&mut complainant, &mut respondent] {
            party.get(&format!("/complaints/{id}")).await;
            let answered = party
                .post_form(&format!("/complaints/{id}/answer"), &[("accepts", "yes")])
                .await;
            assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        }
        let c = app.with_conn(|conn| store::get(conn, id)).expect("read");
        assert_eq!(c.stage, "resolved");

        // Closing asks for the confirmation, then records the outcome and the lesson.
        members[2].get(&format!("/complaints/{id}")).await;
        let unconfirmed = members[2]
            .post_form(
                &format!("/complaints/{id}/close"),
                &[
                    ("outcome", "resolved_by_dialogue"),
                    ("lesson", "Write the rule down."),
                ],
            )
            .await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            unconfirmed.body.contains("Write the rule down."),
            "the lesson typed is kept"
        );
        let closed = members[2]
            .post_form(
                &format!("/complaints/{id}/close"),
                &[
                    ("outcome", "resolved_by_dialogue"),
                    ("lesson", "Write the rule down."),
                    ("confirm", "on"),
                ],
            )
            .await;
        assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
        for party in [&mut complainant, &mut respondent] {
            party.get(&format!("/complaints/{id}")).await;
            let said = party
                .post_form(
                    &format!("/complaints/{id}/satisfaction"),
                    &[("satisfaction", "4")],
                )
                .await;
            assert_eq!(said.status, StatusCode::SEE_OTHER, "{}", said.body);
        }
        let c = app.with_conn(|conn| store::get(conn, id)).expect("read");
        assert_eq!(
            (c.stage.as_str(), c.outcome.as_str()),
            ("closed", "resolved_by_dialogue")
        );
        assert_eq!(c.lesson, "Write the rule down.");

        // Every opening of the content was recorded, and the parties see the record.
        let page = complainant.get(&format!("/complaints/{id}")).await.body;
        assert!(page.contains("Who opened this case"));
        let openings = app
            .with_conn(|conn| store::access_record(conn, id))
            .expect("record");
        let openers: HashSet<i64> = openings.iter().map(|a| a.person_id).collect();
        assert!(openers.contains(&alpha.rep.id()) && openers.contains(&delta.rep.id()));
        assert!(
            !openers.contains(&co.admin().id()),
            "the register is not an opening of the content"
        );

        // The statistics count it, but a single case is never shown as a count.
        let year_start = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
        let year_end = chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("date");
        let s = app
            .with_conn(|conn| stats::statistics(conn, year_start, year_end))
            .expect("stats");
        assert_eq!(s.filed, None, "one case: suppressed");
        assert_eq!(s.by_outcome["resolved_by_dialogue"], None);
        assert_eq!(s.by_outcome["not_upheld"], Some(0));
        assert_eq!(s.lessons, vec!["Write the rule down.".to_owned()]);
    })
}

/// A refused filing keeps everything typed and says why beside the field.
#[actix_web::test]
async fn a_refused_filing_keeps_what_was_typed() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let alpha = &co.fx.full[0];
        let mut client = app.client().await;
        client.sign_in(&alpha.rep_email, PASSWORD).await;
        client.get("/complaints").await;
        let refused = client
            .post_form(
                "/complaints",
                &[
                    ("organisation_id", &alpha.id.to_string()),
                    ("about", "organisation"),
                    ("respondent_org", ""),
                    ("title", SECRET_TITLE),
                    ("body", ""),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.attr("#field-title", "value").as_deref(),
            Some(SECRET_TITLE),
            "the title is kept"
        );
        assert!(
            refused.body.contains("Choose the organisation it is about"),
            "{}",
            refused.body
        );
        assert!(refused.body.contains("Write what the complaint is about"));
        let none: i64 = app
            .with_conn(|conn| {
                use diesel::prelude::*;
                roundtable::db::schema::complaints::table
                    .count()
                    .get_result(conn)
            })
            .expect("count");
        assert_eq!(none, 0, "nothing was filed");
        // Filing for an organisation that is not one's own is refused outright.
        let other = co.fx.full[1].id.to_string();
        let foreign = client
            .post_form(
                "/complaints",
                &[
                    ("organisation_id", &other),
                    ("about", "issue"),
                    ("title", "t"),
                    ("body", "b"),
                ],
            )
            .await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    })
}

/// A proposal one party does not accept goes to a plenary as a confidential agenda item that
/// carries the panel's summary and nothing else; a hearing is a confidential item of a
/// planned meeting; the case closes as decided by the plenary; the complainant may reopen
/// it within 30 days and may withdraw it.
#[actix_web::test]
async fn a_refused_proposal_reaches_the_plenary_with_the_panel_s_summary_only() {
    use roundtable::complaints::{steps, thread};
    use roundtable::meetings::agenda;
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = coalition(&app);
        let day = today(&app);
        let (alpha, delta) = (&co.fx.full[0], &co.fx.full[3]);
        let c = super::file_against(&app, alpha, delta);
        let panel = super::seated(&app, &co, &c);
        let plenary = app
            .with_conn(|conn| {
                roundtable::meetings::store::create(
                    conn,
                    co.admin(),
                    &crate::common::fixtures::meeting(
                        "Winter plenary",
                        day + chrono::Duration::days(20),
                    ),
                )
            })
            .expect("plenary");
        app.with_conn(|conn| steps::assess(conn, &panel[0], c.id, true, "ok", day))
            .expect("assessed");
        // A hearing, at the plenary's date: a confidential item.
        app.with_conn(|conn| thread::to_meeting(conn, &panel[0], c.id, plenary.id, true, day))
            .expect("hearing");
        // Only the panel schedules a hearing.
        let by_party =
            app.with_conn(|conn| thread::to_meeting(conn, &alpha.rep, c.id, plenary.id, true, day));
        assert!(
            matches!(by_party, Err(roundtable::error::Error::NotFor(_))),
            "{by_party:?}"
        );
        app.with_conn(|conn| {
            steps::propose(
                conn,
                &panel[1],
                c.id,
                "The tamarind proposal.",
                "The parties differ on the facts.",
                day,
            )
        })
        .expect("proposed");
        app.with_conn(|conn| steps::answer(conn, &alpha.rep, c.id, true, day))
            .expect("answer");
        let after = app
            .with_conn(|conn| steps::answer(conn, &delta.rep, c.id, false, day))
            .expect("answer");
        assert_eq!(after.stage, "referred");
        // Referring before the stage allows it is refused; now it goes to the plenary.
        app.with_conn(|conn| thread::to_meeting(conn, &panel[0], c.id, plenary.id, false, day))
            .expect("referred");
        let items = app
            .with_conn(|conn| agenda::items(conn, plenary.id))
            .expect("items");
        assert_eq!(items.len(), 2);
        assert!(
            items.iter().all(|i| i.confidential),
            "complaint items are confidential"
        );
        let referral = items
            .iter()
            .find(|i| i.title.contains("referred"))
            .expect("the referral");
        assert!(
            referral
                .description
                .contains("The parties differ on the facts.")
        );
        for item in &items {
            for secret in [super::SECRET_TITLE, super::SECRET_BODY, "tamarind"] {
                assert!(
                    !item.title.contains(secret) && !item.description.contains(secret),
                    "{secret} on the agenda"
                );
            }
        }
        // Closed as the plenary decided; reopened by the complainant; withdrawn.
        let refused = app.with_conn(|conn| {
            steps::close(
                conn,
                &panel[0],
                c.id,
                "resolved_by_dialogue",
                "A lesson.",
                day,
            )
        });
        assert!(
            refused.is_err(),
            "a referred case is not resolved by dialogue"
        );
        app.with_conn(|conn| {
            steps::close(
                conn,
                &panel[0],
                c.id,
                "decided_by_plenary",
                "A lesson.",
                day,
            )
        })
        .expect("closed");
        let reopened = app
            .with_conn(|conn| steps::reopen(conn, &alpha.rep, c.id, day))
            .expect("reopened");
        assert_eq!(
            (reopened.stage.as_str(), reopened.outcome.as_str()),
            ("dialogue", "")
        );
        assert!(
            app.with_conn(|conn| steps::withdraw(conn, &delta.rep, c.id, day))
                .is_err(),
            "only the complainant withdraws"
        );
        let withdrawn = app
            .with_conn(|conn| steps::withdraw(conn, &alpha.rep, c.id, day))
            .expect("withdrawn");
        assert_eq!(
            (withdrawn.stage.as_str(), withdrawn.outcome.as_str()),
            ("withdrawn", "withdrawn")
        );
        // Every stage it passed through is on record, in order.
        let stages: Vec<String> = app
            .with_conn(|conn| {
                use diesel::prelude::*;
                use roundtable::db::schema::complaint_stages as s;
                s::table
                    .filter(s::complaint_id.eq(c.id))
                    .order(s::id)
                    .select(s::stage)
                    .load(conn)
            })
            .expect("stages");
        assert_eq!(
            stages,
            [
                "received",
                "acknowledged",
                "dialogue",
                "proposed",
                "referred",
                "closed",
                "dialogue",
                "withdrawn"
            ]
        );
    })
}
