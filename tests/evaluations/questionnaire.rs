//! The questionnaire on the demo's open review: answered once per organisation, through its
//! representatives, all or nothing; kept apart from who answered; results that rest on three
//! answers or more, with the sides side by side and a chart with its table; the anonymous
//! answers as CSV; the invitation and the reminder mailed once.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::cli::seed_demo;
use roundtable::db::schema::{
    affiliations, audit_events, evaluation_answers, evaluation_items, evaluation_participation,
    evaluation_person_participation, evaluation_responses, evaluations, organisations,
    outbox_deliveries, outbox_messages, people,
};
use roundtable::evaluations::{answering, notices, questionnaire, store};

use crate::common::{TestApp, demo_login};
use crate::on_each_backend;

const PASSWORD: &str = "a questionnaire password";

pub(crate) fn open_cycle(app: &TestApp) -> i64 {
    app.with_conn(|c| {
        evaluations::table
            .filter(evaluations::status.eq("draft"))
            .select(evaluations::id)
            .first::<i64>(c)
    })
    .expect("the demo's open review")
}

fn counts(app: &TestApp, id: i64) -> (i64, i64, i64) {
    app.with_conn(|c| {
        Ok::<_, diesel::result::Error>((
            evaluation_participation::table
                .filter(evaluation_participation::evaluation_id.eq(id))
                .count()
                .get_result(c)?,
            evaluation_responses::table
                .filter(evaluation_responses::evaluation_id.eq(id))
                .count()
                .get_result(c)?,
            evaluation_answers::table.count().get_result(c)?,
        ))
    })
    .expect("counts")
}

#[actix_web::test]
async fn each_organisation_answers_once_and_its_answers_are_kept_apart() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let id = open_cycle(&app);
        // A full member that has not answered, through its primary representative.
        let (organisation, email): (i64, String) = app
            .with_conn(|c| {
                let answered: Vec<i64> = evaluation_participation::table
                    .select(evaluation_participation::organisation_id)
                    .load(c)?;
                affiliations::table
                    .inner_join(organisations::table)
                    .inner_join(roundtable::db::schema::people::table)
                    .filter(organisations::status.eq("full"))
                    .filter(affiliations::representation.eq("primary"))
                    .filter(diesel::dsl::not(organisations::id.eq_any(answered)))
                    .order(organisations::id)
                    .select((organisations::id, roundtable::db::schema::people::email))
                    .first(c)
            })
            .expect("a member yet to answer");
        app.with_conn(|c| {
            let (_, token) = roundtable::auth::store::issue_reset_link(c, &email)?;
            roundtable::auth::store::reset_password(c, &token, PASSWORD)
        })
        .expect("password");
        let items = app
            .with_conn(|c| questionnaire::items(c, id))
            .expect("items");
        let rating = items.iter().find(|i| i.kind == "rating").expect("a rating");
        let open = items
            .iter()
            .find(|i| i.kind == "open")
            .expect("an open question");
        let mut client = app.client().await;
        client.sign_in(&email, PASSWORD).await;
        let form = client
            .get(&format!("/evaluations/{id}/questionnaire"))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains(&rating.text) && form.body.contains("not what it answered"));
        let before = counts(&app, id);
        let (rating_field, open_field) =
            (format!("item-{}", rating.id), format!("item-{}", open.id));
        let refused = client
            .post_form(
                &format!("/evaluations/{id}/questionnaire"),
                &[
                    (rating_field.as_str(), "7"),
                    (open_field.as_str(), "Our thoughtful answer."),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("Choose from 1 to 5"),
            "{}",
            refused.body
        );
        assert!(
            refused.body.contains("Our thoughtful answer."),
            "what was typed is kept"
        );
        assert_eq!(counts(&app, id), before, "nothing is stored");
        let sent = client
            .post_form(
                &format!("/evaluations/{id}/questionnaire"),
                &[
                    (rating_field.as_str(), "2"),
                    (open_field.as_str(), "Our thoughtful answer."),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let after = counts(&app, id);
        assert_eq!(
            (after.0, after.1, after.2),
            (before.0 + 1, before.1 + 1, before.2 + 2)
        );
        let answered = app
            .with_conn(|c| answering::participation(c, id))
            .expect("participation");
        assert!(
            answered.contains(&organisation),
            "the participation names the organisation"
        );
        let again = client
            .post_form(
                &format!("/evaluations/{id}/questionnaire"),
                &[(rating_field.as_str(), "5")],
            )
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("has answered"), "{}", again.body);
        assert_eq!(counts(&app, id), after);
        // Nothing ties the answers to the organisation: the participation names it, the
        // response holds only a random key, the side and the sector; the record says that
        // it answered, not what.
        let keys: Vec<String> = app
            .with_conn(|c| {
                evaluation_responses::table
                    .filter(evaluation_responses::evaluation_id.eq(id))
                    .select(evaluation_responses::id)
                    .load(c)
            })
            .expect("keys");
        assert!(keys.iter().all(|k| k.len() >= 16), "{keys:?}");
        let details: Vec<String> = app
            .with_conn(|c| {
                audit_events::table
                    .filter(audit_events::action.eq("evaluation.answered"))
                    .select(audit_events::details)
                    .load(c)
            })
            .expect("events");
        assert!(
            details
                .iter()
                .all(|d| !d.contains("thoughtful") && !d.contains("rating"))
        );
        // The results: the sides side by side, a chart with its table, open answers unnamed.
        let evaluator = demo_login(&logins, "external evaluator");
        let mut reader = app.client().await;
        reader.sign_in(&evaluator.email, &evaluator.password).await;
        let page = reader.get(&format!("/evaluations/{id}")).await;
        assert!(
            page.body.contains("The questionnaire&#39;s results")
                || page.body.contains("The questionnaire's results")
        );
        assert!(page.body.contains("<svg") && page.body.contains("Theme scores by side"));
        assert!(
            page.body.contains("Our thoughtful answer."),
            "open answers are listed"
        );
        assert!(!page.body.contains(&email), "without names");
        // The API gives the same results to the coalition's other tools, without names.
        let token = app
            .with_conn(|c| {
                let p =
                    roundtable::auth::store::find_by_email(c, &evaluator.email)?.expect("person");
                roundtable::auth::tokens::create_api_token(c, &p, "t")
            })
            .expect("token");
        let api = reader
            .api_get(&format!("/api/v1/evaluations/{id}"), &token)
            .await;
        assert_eq!(api.status, StatusCode::OK);
        let results = &api.json()["results"];
        assert_eq!(
            results["organisations"]["responses"],
            serde_json::json!(after.1)
        );
        assert!(
            results["people"].is_null(),
            "no person answered for themselves"
        );
        assert!(!api.body.contains(&email));
        let csv = reader.get(&format!("/evaluations/{id}/answers.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.body
                .starts_with("response,respondent,side,theme,item,rating,answer\r\n")
        );
        assert_eq!(
            csv.body.lines().count() as i64,
            after.2 + 1,
            "one line per answer"
        );
        // A member reads no results of a draft, and no anonymous answers ever.
        let member = demo_login(&logins, "as a member");
        let mut m = app.client().await;
        m.sign_in(&member.email, &member.password).await;
        assert_eq!(
            m.get(&format!("/evaluations/{id}/answers.csv"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    })
}

/// A mid-term cycle opened by the secretariat (`email`) today, its questionnaire open from
/// tomorrow for ten days; with the secretariat as an actor and today.
fn new_cycle(
    app: &TestApp,
    email: &str,
    title: &str,
) -> (
    roundtable::evaluations::model::Evaluation,
    roundtable::auth::permissions::Actor,
    chrono::NaiveDate,
) {
    let today = app.with_conn(roundtable::coalition::today).expect("today");
    let actor = app
        .with_conn(|c| {
            let p = roundtable::auth::store::find_by_email(c, email)?.expect("person");
            roundtable::actor::actor_for(c, p)
        })
        .expect("actor");
    let cycle = app
        .with_conn(|c| {
            store::create(
                c,
                &actor,
                &store::EvaluationInput {
                    title: title.into(),
                    kind: "mid_term".into(),
                    period_from: Some(today - chrono::Duration::days(180)),
                    period_until: Some(today),
                    questionnaire_opens: Some(today + chrono::Duration::days(1)),
                    questionnaire_closes: Some(today + chrono::Duration::days(10)),
                    report_due: None,
                    plenary_meeting_id: None,
                },
            )
        })
        .expect("cycle");
    (cycle, actor, today)
}

#[actix_web::test]
async fn the_questionnaire_is_built_until_it_opens_and_members_are_invited_once() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let secretariat = demo_login(&logins, "as the secretariat");
        let (cycle, actor, today) = new_cycle(&app, &secretariat.email, "Mid-term");
        let mut sec = app.client().await;
        sec.sign_in(&secretariat.email, &secretariat.password).await;
        sec.get(&format!("/evaluations/{}", cycle.id)).await;
        let default = sec
            .post_form(&format!("/evaluations/{}/items/default", cycle.id), &[])
            .await;
        assert_eq!(default.status, StatusCode::SEE_OTHER, "{}", default.body);
        let items = app
            .with_conn(|c| questionnaire::items(c, cycle.id))
            .expect("items");
        assert_eq!(items.len(), questionnaire::DEFAULT.len());
        let refused = sec
            .post_form(
                &format!("/evaluations/{}/items", cycle.id),
                &[
                    ("theme", "Extra"),
                    ("kind", "single"),
                    ("text", "Pick one"),
                    ("choices", "Only one"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("at least two choices") && refused.body.contains("Pick one"));
        let removed = sec
            .post_form(
                &format!("/evaluations/{}/items/{}/remove", cycle.id, items[0].id),
                &[],
            )
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER);
        let left: i64 = app
            .with_conn(|c| {
                evaluation_items::table
                    .filter(evaluation_items::evaluation_id.eq(cycle.id))
                    .count()
                    .get_result(c)
            })
            .expect("count");
        assert_eq!(left as usize, questionnaire::DEFAULT.len() - 1);
        // Not open yet: nobody answers, nobody is invited.
        let before: i64 = app
            .with_conn(|c| {
                outbox_messages::table
                    .filter(outbox_messages::kind.like("evaluation_%"))
                    .count()
                    .get_result(c)
            })
            .expect("mail");
        let open_demo_cycle_invitations = app.with_conn(|c| notices::tick(c, today)).expect("tick");
        assert!(
            open_demo_cycle_invitations > 0,
            "the demo's open cycle invites those yet to answer"
        );
        assert_eq!(
            app.with_conn(|c| notices::tick(c, today)).expect("tick"),
            0,
            "once"
        );
        // Only to those whose organisation has not answered.
        let demo_cycle: i64 = app
            .with_conn(|c| {
                evaluations::table
                    .filter(evaluations::status.eq("draft"))
                    .filter(evaluations::id.ne(cycle.id))
                    .select(evaluations::id)
                    .first(c)
            })
            .expect("the demo's cycle");
        let answered = app
            .with_conn(|c| answering::participation(c, demo_cycle))
            .expect("participation");
        assert!(!answered.is_empty());
        let invited_orgs: Vec<i64> = app
            .with_conn(|c| {
                use roundtable::db::schema::outbox_deliveries as d;
                d::table
                    .inner_join(outbox_messages::table)
                    .inner_join(
                        affiliations::table.on(affiliations::person_id.nullable().eq(d::person_id)),
                    )
                    .filter(outbox_messages::kind.eq("evaluation_invitation"))
                    .select(affiliations::organisation_id)
                    .load(c)
            })
            .expect("recipients");
        assert!(!invited_orgs.is_empty(), "someone is invited");
        assert!(
            invited_orgs.iter().all(|o| !answered.contains(o)),
            "an organisation that answered is not invited"
        );
        // The day it opens: invited; items no longer change; the reminder near the close.
        let tomorrow = today + chrono::Duration::days(1);
        assert!(app.with_conn(|c| notices::tick(c, tomorrow)).expect("tick") > 0);
        let late = app.with_conn(|c| {
            questionnaire::add_item(
                c,
                &actor,
                cycle.id,
                &questionnaire::ItemInput {
                    theme: "Late".into(),
                    kind: "open".into(),
                    text: "Late?".into(),
                    choices: String::new(),
                },
                tomorrow,
            )
        });
        assert!(late.is_err(), "the questionnaire is open");
        let near_close = today + chrono::Duration::days(8);
        assert!(
            app.with_conn(|c| notices::tick(c, near_close))
                .expect("tick")
                > 0,
            "the reminder"
        );
        assert_eq!(
            app.with_conn(|c| notices::tick(c, near_close))
                .expect("tick"),
            0
        );
        let after: i64 = app
            .with_conn(|c| {
                outbox_messages::table
                    .filter(outbox_messages::kind.like("evaluation_%"))
                    .count()
                    .get_result(c)
            })
            .expect("mail");
        assert_eq!(
            after - before,
            3,
            "the invitations of both cycles, and this one's reminder (the demo's closes later)"
        );
    })
}

/// The recipients' people of the mail of `kind`.
fn recipients(app: &TestApp, kind: &str) -> Vec<i64> {
    app.with_conn(|c| {
        outbox_deliveries::table
            .inner_join(outbox_messages::table)
            .filter(outbox_messages::kind.eq(kind))
            .select(outbox_deliveries::person_id)
            .load::<Option<i64>>(c)
    })
    .expect("recipients")
    .into_iter()
    .flatten()
    .collect()
}

/// When the evaluators ask it, every person of a member answers too, for themselves: once,
/// apart from their organisation's answer, invited and reminded apart, and their answers
/// shown apart from the organisations'.
#[actix_web::test]
async fn every_person_answers_too_when_the_evaluators_ask_it() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let secretariat = demo_login(&logins, "as the secretariat");
        let (cycle, actor, today) = new_cycle(&app, &secretariat.email, "Everyone's view");
        let id = cycle.id;
        let mut sec = app.client().await;
        sec.sign_in(&secretariat.email, &secretariat.password).await;
        sec.get(&format!("/evaluations/{id}")).await;
        sec.post_form(&format!("/evaluations/{id}/items/default"), &[])
            .await;
        let set = sec
            .post_form(
                &format!("/evaluations/{id}/questionnaire/people"),
                &[("people_answer", "on")],
            )
            .await;
        assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
        let page = sec.get(&format!("/evaluations/{id}")).await;
        assert!(page.body.contains("Every person of a member answers too"));
        // The day it opens: both invitations go, the personal one to every person of a
        // member; who answers is no longer changed.
        let tomorrow = today + chrono::Duration::days(1);
        app.with_conn(|c| notices::tick(c, tomorrow)).expect("tick");
        assert!(
            app.with_conn(|c| questionnaire::set_people_answer(c, &actor, id, false, tomorrow))
                .is_err(),
            "settled once it opens"
        );
        let people_of_members: Vec<i64> = app
            .with_conn(|c| {
                people::table
                    .inner_join(affiliations::table.inner_join(organisations::table))
                    .filter(people::active.eq(true))
                    .filter(organisations::status.eq_any(["full", "associate"]))
                    .select(people::id)
                    .distinct()
                    .load(c)
            })
            .expect("people");
        let mut invited = recipients(&app, "evaluation_personal_invitation");
        invited.sort_unstable();
        let mut expected = people_of_members.clone();
        expected.sort_unstable();
        assert_eq!(invited, expected, "every person of a member, once");
        // Opened (as if a day had passed): a person who represents nobody answers for
        // themselves.
        app.with_conn(|c| {
            diesel::update(evaluations::table.find(id))
                .set(evaluations::questionnaire_opens.eq(Some(today)))
                .execute(c)
        })
        .expect("opened");
        let (person, email): (i64, String) = app
            .with_conn(|c| {
                people::table
                    .inner_join(affiliations::table.inner_join(organisations::table))
                    .filter(people::active.eq(true))
                    .filter(organisations::status.eq("full"))
                    .filter(affiliations::representation.is_null())
                    .order(people::id)
                    .select((people::id, people::email))
                    .first(c)
            })
            .expect("a person who represents nobody");
        app.with_conn(|c| {
            let (_, token) = roundtable::auth::store::issue_reset_link(c, &email)?;
            roundtable::auth::store::reset_password(c, &token, PASSWORD)
        })
        .expect("password");
        let mut client = app.client().await;
        client.sign_in(&email, PASSWORD).await;
        // Their dashboard asks for their own view (the draft's page is not theirs).
        let home = client.get("/").await;
        assert!(
            home.body
                .contains("Answer the questionnaire of Everyone&#39;s view yourself")
                || home
                    .body
                    .contains("Answer the questionnaire of Everyone's view yourself"),
            "{}",
            home.body
        );
        assert!(
            !home.body.contains("view for your organisation"),
            "they do not answer for the organisation"
        );
        let form = client
            .get(&format!("/evaluations/{id}/questionnaire/personal"))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("You answer for yourself"));
        assert_eq!(
            client
                .get(&format!("/evaluations/{id}/questionnaire"))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "not the organisation's form"
        );
        let items = app
            .with_conn(|c| questionnaire::items(c, id))
            .expect("items");
        let rating = items.iter().find(|i| i.kind == "rating").expect("a rating");
        let open = items.iter().find(|i| i.kind == "open").expect("open");
        let (rating_field, open_field) =
            (format!("item-{}", rating.id), format!("item-{}", open.id));
        let refused = client
            .post_form(
                &format!("/evaluations/{id}/questionnaire/personal"),
                &[
                    (rating_field.as_str(), "0"),
                    (open_field.as_str(), "My own quiet view."),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("My own quiet view."), "kept as typed");
        let sent = client
            .post_form(
                &format!("/evaluations/{id}/questionnaire/personal"),
                &[
                    (rating_field.as_str(), "4"),
                    (open_field.as_str(), "My own quiet view."),
                ],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let again = client
            .post_form(
                &format!("/evaluations/{id}/questionnaire/personal"),
                &[(rating_field.as_str(), "5")],
            )
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("You have answered"), "{}", again.body);
        assert!(
            !client.get("/").await.body.contains("Everyone"),
            "asked no more"
        );
        // The person's participation is recorded; the organisation's is not, and the answer
        // sits under a random key, marked as a person's, with nothing that names them.
        let (people_answered, organisations_answered, kinds): (Vec<i64>, i64, Vec<String>) = app
            .with_conn(|c| {
                Ok::<_, diesel::result::Error>((
                    evaluation_person_participation::table
                        .filter(evaluation_person_participation::evaluation_id.eq(id))
                        .select(evaluation_person_participation::person_id)
                        .load(c)?,
                    evaluation_participation::table
                        .filter(evaluation_participation::evaluation_id.eq(id))
                        .count()
                        .get_result(c)?,
                    evaluation_responses::table
                        .filter(evaluation_responses::evaluation_id.eq(id))
                        .select(evaluation_responses::respondent)
                        .load(c)?,
                ))
            })
            .expect("stored");
        assert_eq!(people_answered, [person]);
        assert_eq!(organisations_answered, 0);
        assert_eq!(kinds, ["person"]);
        // Shown apart from the organisations' results, to those who work on the cycle; the
        // CSV marks it as a person's.
        let page = sec.get(&format!("/evaluations/{id}")).await;
        assert!(
            page.body.contains("The people&#39;s own answers")
                || page.body.contains("The people's own answers")
        );
        assert!(page.body.contains("1 people answered for themselves"));
        assert!(
            !page.body.contains("organisations answered."),
            "no organisation has"
        );
        let csv = sec.get(&format!("/evaluations/{id}/answers.csv")).await;
        assert!(
            csv.body.lines().skip(1).all(|l| l.contains(",person,")),
            "{}",
            csv.body
        );
        assert!(!csv.body.contains(&email));
        // Near the close, the personal reminder goes to those who have not answered alone.
        let near_close = today + chrono::Duration::days(8);
        app.with_conn(|c| notices::tick(c, near_close))
            .expect("tick");
        let reminded = recipients(&app, "evaluation_personal_reminder");
        assert!(!reminded.is_empty());
        assert!(!reminded.contains(&person), "who answered is not reminded");
        assert_eq!(reminded.len(), people_of_members.len() - 1);
        // A cycle that asks the organisations alone has no personal form.
        let demo_cycle: i64 = app
            .with_conn(|c| {
                evaluations::table
                    .filter(evaluations::status.eq("draft"))
                    .filter(evaluations::id.ne(id))
                    .select(evaluations::id)
                    .first(c)
            })
            .expect("the demo's cycle");
        assert_eq!(
            client
                .get(&format!("/evaluations/{demo_cycle}/questionnaire/personal"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    })
}
