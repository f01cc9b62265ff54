//! Need-to-know on every channel, on the demo (the rotation running): a representative of an
//! uninvolved member, the administrator and the secretariat (not on a panel) cannot read a
//! word of any complaint anywhere: pages, API, audit page and its export, their own data,
//! mail. The parties and the panel read it, and each opening is recorded.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::cli::seed_demo;
use roundtable::db::schema::{
    affiliations, complaint_messages, complaint_panel, complaints, outbox_messages, people,
};

use crate::common::{TestApp, demo_login};
use crate::on_each_backend;

const PASSWORD: &str = "a need-to-know test password";

/// The words no outsider may read: every complaint's title and body and every message, as
/// distinctive passages (the first 40 characters of each).
fn secrets(app: &TestApp) -> Vec<String> {
    app.with_conn(|c| {
        let mut texts: Vec<String> = complaints::table.select(complaints::title).load(c)?;
        texts.extend(
            complaints::table
                .select(complaints::body)
                .load::<String>(c)?,
        );
        texts.extend(
            complaint_messages::table
                .select(complaint_messages::body)
                .load::<String>(c)?,
        );
        Ok::<_, diesel::result::Error>(texts)
    })
    .expect("read")
    .into_iter()
    .map(|t| t.chars().take(40).collect::<String>())
    .map(|t| t.replace('\'', "&#39;"))
    .collect()
}

fn with_password(app: &TestApp, email: &str) {
    app.with_conn(|c| {
        let (_, token) = roundtable::auth::store::issue_reset_link(c, email)?;
        roundtable::auth::store::reset_password(c, &token, PASSWORD)
    })
    .expect("password");
}

/// A representative of a full member that stands nowhere in any complaint and does not
/// hold the secretariat.
fn uninvolved(app: &TestApp) -> String {
    app.with_conn(|c| {
        let involved: Vec<i64> = complaint_panel::table
            .select(complaint_panel::person_id)
            .load(c)?;
        let parties: Vec<(Option<i64>, Option<i64>)> = complaints::table
            .select((complaints::complainant_org, complaints::respondent_org))
            .load(c)?;
        let today = roundtable::coalition::today(c).expect("today");
        let holders = roundtable::secretariat::store::holders_on(c, today)
            .expect("holders")
            .map(|(_, h)| h)
            .unwrap_or_default();
        let party_orgs: Vec<i64> = parties
            .into_iter()
            .flat_map(|(a, b)| [a, b])
            .flatten()
            .chain(holders)
            .collect();
        people::table
            .inner_join(affiliations::table)
            .filter(affiliations::representation.eq("primary"))
            .filter(diesel::dsl::not(people::id.eq_any(involved)))
            .filter(diesel::dsl::not(
                affiliations::organisation_id.eq_any(party_orgs),
            ))
            .order(people::id)
            .select(people::email)
            .first::<String>(c)
    })
    .expect("an uninvolved representative")
}

#[actix_web::test]
async fn outsiders_cannot_read_a_word_of_any_complaint_anywhere() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let logins = app.with_conn(seed_demo).expect("demo");
        let secrets = secrets(&app);
        assert!(secrets.len() >= 6, "the demo's complaints and messages");
        let ids: Vec<i64> = app
            .with_conn(|c| {
                complaints::table
                    .order(complaints::id)
                    .select(complaints::id)
                    .load(c)
            })
            .expect("ids");
        assert_eq!(ids.len(), 3);
        // A secretariat holder on no panel.
        let holder = logins
            .iter()
            .filter(|l| l.role.contains("secretariat"))
            .find(|l| {
                let on_panel: i64 = app
                    .with_conn(|c| {
                        complaint_panel::table
                            .inner_join(people::table)
                            .filter(people::email.eq(&l.email))
                            .count()
                            .get_result(c)
                    })
                    .expect("count");
                on_panel == 0
            })
            .expect("a holder on no panel")
            .email
            .clone();
        let outsider = uninvolved(&app);
        with_password(&app, &outsider);
        let admin = demo_login(&logins, "administrator");
        let readers = [
            (outsider.as_str(), PASSWORD.to_owned()),
            (admin.email.as_str(), admin.password.clone()),
            (
                holder.as_str(),
                logins
                    .iter()
                    .find(|l| l.email == holder)
                    .expect("login")
                    .password
                    .clone(),
            ),
        ];
        for (email, password) in readers {
            let mut client = app.client().await;
            client.sign_in(email, &password).await;
            let person = app
                .with_conn(|c| roundtable::auth::store::find_by_email(c, email))
                .expect("read")
                .expect("person");
            let token = app
                .with_conn(|c| {
                    roundtable::auth::tokens::create_api_token(c, &person, "need to know")
                })
                .expect("token");
            let mut paths = vec![
                "/".to_owned(),
                "/calendar/public.ics".to_owned(),
                "/meetings".to_owned(),
                "/complaints".to_owned(),
                "/account/data.json".to_owned(),
                "/admin/audit".to_owned(),
                "/admin/audit/export.csv".to_owned(),
                "/mail".to_owned(),
            ];
            for id in &ids {
                paths.push(format!("/complaints/{id}"));
                paths.push(format!("/complaints/{id}/files/1"));
            }
            for path in &paths {
                let page = client.get(path).await;
                for secret in &secrets {
                    assert!(
                        !page.body.contains(secret.as_str()),
                        "{email} read {secret:?} on {path}"
                    );
                }
            }
            for path in std::iter::once("/api/v1/complaints".to_owned())
                .chain(ids.iter().map(|id| format!("/api/v1/complaints/{id}")))
            {
                let answer = client.api_get(&path, &token).await;
                for secret in &secrets {
                    assert!(
                        !answer.body.contains(secret.as_str()),
                        "{email} read {secret:?} from {path}"
                    );
                }
            }
            // The audit page lists none of the complaints' events.
            let audit = client.get("/admin/audit?area=complaint.").await;
            assert!(
                !audit.body.contains("complaint.filed"),
                "{email}: complaint events on the audit page"
            );
            // The administrator and the outsider do not learn the complaints exist.
            if email != holder {
                for id in &ids {
                    assert_eq!(
                        client.get(&format!("/complaints/{id}")).await.status,
                        StatusCode::NOT_FOUND,
                        "{email}"
                    );
                }
            }
        }
        // A person's data, downloaded by the administrator on their request, does not say
        // what they did in a complaint; downloaded by the person, it does.
        let filers: Vec<Option<i64>> = app
            .with_conn(|c| complaints::table.select(complaints::filed_by).load(c))
            .expect("filers");
        let mut administrator = app.client().await;
        administrator.sign_in(&admin.email, &admin.password).await;
        for filer in filers.into_iter().flatten() {
            let data = administrator
                .get(&format!("/people/{filer}/data.json"))
                .await;
            assert_eq!(data.status, StatusCode::OK);
            assert!(
                !data.body.contains("complaint."),
                "the administrator learns of a complaint"
            );
        }
        let member = demo_login(&logins, "as a member");
        let mut own = app.client().await;
        own.sign_in(&member.email, &member.password).await;
        assert!(
            own.get("/account/data.json")
                .await
                .body
                .contains("complaint.filed")
        );

        // No opening of the content was recorded for them.
        let openers: Vec<String> = app
            .with_conn(|c| {
                roundtable::db::schema::complaint_access::table
                    .inner_join(people::table)
                    .select(people::email)
                    .load(c)
            })
            .expect("openers");
        assert!(!openers.contains(&outsider) && !openers.contains(&holder));

        // Mail about complaints never carries their content.
        let mails: Vec<(String, String, String)> = app
            .with_conn(|c| {
                outbox_messages::table
                    .filter(outbox_messages::kind.like("complaint%"))
                    .select((
                        outbox_messages::subject,
                        outbox_messages::text_body,
                        outbox_messages::html_body,
                    ))
                    .load(c)
            })
            .expect("mail");
        assert!(!mails.is_empty(), "the demo's complaints were mailed about");
        for (subject, text, html) in &mails {
            assert!(
                subject.starts_with("There is an update on complaint C-")
                    || subject.starts_with("Complaint C-"),
                "{subject}"
            );
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()) && !html.contains(secret.as_str()),
                    "a mail carries {secret:?}"
                );
            }
        }
    })
}

/// The parties and the serving panel read the case; the parties' openings are recorded, and
/// a message meant for the panel alone is not read by the other party.
#[actix_web::test]
async fn the_parties_and_the_panel_read_the_case_and_each_opening_is_recorded() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let co = super::coalition(&app);
        let (alpha, delta) = (&co.fx.full[0], &co.fx.full[3]);
        let c = super::file_against(&app, alpha, delta);
        let panel = super::seated(&app, &co, &c);
        let day = super::today(&app);
        app.with_conn(|conn| {
            roundtable::complaints::steps::assess(conn, &panel[0], c.id, true, "ok", day)
        })
        .expect("assessed");
        app.with_conn(|conn| {
            roundtable::complaints::thread::post(
                conn,
                &alpha.rep,
                c.id,
                "panel",
                "Only for the panel: the saffron detail.",
                Vec::new(),
                day,
            )
        })
        .expect("posted");
        let mut respondent = app.client().await;
        respondent.sign_in(&delta.rep_email, super::PASSWORD).await;
        let page = respondent.get(&format!("/complaints/{}", c.id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(super::SECRET_BODY));
        assert!(
            !page.body.contains("saffron"),
            "a message to the panel alone stays with it"
        );
        let mut complainant = app.client().await;
        complainant.sign_in(&alpha.rep_email, super::PASSWORD).await;
        assert!(
            complainant
                .get(&format!("/complaints/{}", c.id))
                .await
                .body
                .contains("saffron"),
            "its own side reads it"
        );
        let record = app
            .with_conn(|conn| roundtable::complaints::store::access_record(conn, c.id))
            .expect("record");
        assert_eq!(
            record
                .iter()
                .filter(|a| a.person_id == delta.rep.id())
                .count(),
            1
        );
        assert_eq!(
            record
                .iter()
                .filter(|a| a.person_id == alpha.rep.id())
                .count(),
            1
        );
        // Unnamed filers are kept from the respondent only.
        let input = roundtable::complaints::store::ComplaintInput {
            organisation_id: Some(alpha.id),
            about: "organisation".into(),
            respondent_org: Some(delta.id),
            title: "Second".into(),
            body: "Second complaint.".into(),
            filer_unnamed: true,
            ..Default::default()
        };
        let second = app
            .with_conn(|conn| roundtable::complaints::store::file(conn, &alpha.rep, &input, day))
            .expect("filed");
        let panel = super::seated(&app, &co, &second);
        app.with_conn(|conn| {
            roundtable::complaints::steps::assess(conn, &panel[0], second.id, true, "ok", day)
        })
        .expect("assessed");
        let page = respondent.get(&format!("/complaints/{}", second.id)).await;
        assert!(
            page.body.contains("a person of Alpha Shelter"),
            "{}",
            page.body
        );
        assert!(
            !page.body.contains(&alpha.rep.person.name),
            "the filer's name is kept from the respondent"
        );
        let own = complainant.get(&format!("/complaints/{}", second.id)).await;
        assert!(own.body.contains(&alpha.rep.person.name));
    })
}
