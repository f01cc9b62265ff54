//! Refused forms on a meeting's page come back as typed (422), the reason beside the field
//! and the page opening at the form; nothing is recorded.

use actix_web::http::StatusCode;
use roundtable::meetings::rules::Status;
use roundtable::meetings::{agenda, attendance, store};

use super::coalition;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fixtures};
use crate::on_each_backend;

#[actix_web::test]
async fn attendance_and_agenda_forms_keep_what_was_typed() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, orgs) = coalition(&app);
        let m = app
            .with_conn(|c| {
                store::create(
                    c,
                    &admin,
                    &fixtures::meeting("Spring plenary", fixtures::date(2026, 3, 10)),
                )
            })
            .expect("meeting");
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = format!("/meetings/{}", m.id);
        secretariat.get(&page).await;

        // An agenda item without a title: its description and duration stay.
        let refused = secretariat
            .post_form(
                &format!("{page}/agenda"),
                &[
                    ("title", " "),
                    ("presenter", "Secretariat"),
                    ("duration_minutes", "20"),
                    ("description", "Where the awareness campaign stands."),
                    ("confidential", "on"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused.texts("form#item-form textarea#field-description"),
            ["Where the awareness campaign stands."]
        );
        assert_eq!(
            refused
                .attr("form#item-form #field-duration_minutes", "value")
                .as_deref(),
            Some("20")
        );
        assert!(
            refused
                .attr("form#item-form input[name=confidential]", "checked")
                .is_some(),
            "the box stays ticked"
        );
        assert_eq!(
            refused.texts("form#item-form #field-title-errors li").len(),
            1
        );
        assert_eq!(
            refused.attr("form#item-form", "action").as_deref(),
            Some(format!("{page}/agenda#item-form").as_str())
        );
        assert!(
            app.with_conn(|c| agenda::items(c, m.id))
                .expect("items")
                .is_empty()
        );

        // Attendance "present" without who represented the organisation.
        secretariat
            .post_form(
                &format!("{page}/status"),
                &[("status", "held"), ("reason", "")],
            )
            .await;
        // One form for the whole meeting: a choice among each organisation's people.
        let page_before = secretariat.get(&page).await;
        let (org, other) = (orgs[0], orgs[1]);
        let people = page_before.texts(&format!("select[name='represented_by-{org}'] option"));
        assert_eq!(people, ["—", "Rep of Alpha Shelter"]);
        assert_eq!(
            page_before.texts("form#attendance-form button[type=submit]"),
            ["Save the attendance"]
        );
        let refused = secretariat
            .post_form(
                &format!("{page}/attendance"),
                &[
                    (&format!("status-{org}"), "present"),
                    (&format!("represented_by-{org}"), ""),
                    (&format!("status-{other}"), "present"),
                    (&format!("represented_by-{other}"), "Rep of Beta Union"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let form = "form#attendance-form";
        for (organisation, chosen) in [(org, "present"), (other, "present")] {
            assert_eq!(
                refused
                    .chosen(&format!("{form} select[name='status-{organisation}']"))
                    .as_deref(),
                Some(chosen),
                "every choice is kept"
            );
        }
        assert_eq!(
            refused
                .chosen(&format!("{form} select[name='represented_by-{other}']"))
                .as_deref(),
            Some("Rep of Beta Union")
        );
        assert!(
            refused
                .texts(&format!("{form} #represented_by-{org}-errors"))
                .concat()
                .contains("who represented"),
            "the message is beside the row: {:?}",
            refused.texts(".flash")
        );
        assert!(
            refused
                .attr(
                    &format!("{form} select[name='represented_by-{org}']"),
                    "autofocus"
                )
                .is_some()
        );
        assert!(
            app.with_conn(|c| attendance::of_meeting(c, m.id))
                .expect("attendance")
                .is_empty(),
            "nothing is recorded"
        );
    })
}

#[actix_web::test]
async fn rotation_forms_keep_what_was_typed() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let today = chrono::Utc::now().date_naive();
        app.with_conn(|c| roundtable::secretariat::store::start_rotation(c, &admin, today, today))
            .expect("rotation");
        let mut secretariat = app.client().await;
        secretariat
            .sign_in("rep@alpha.example", crate::membership::MEMBER_PASSWORD)
            .await;
        secretariat.get("/secretariat").await;
        let before = app
            .with_conn(roundtable::secretariat::store::settings)
            .expect("settings");

        // A term length in words: refused beside the field, the other values kept.
        let refused = secretariat
            .post_form(
                "/secretariat/settings",
                &[
                    ("term_months", "twelve"),
                    ("horizon_terms", "3"),
                    ("paired", "on"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused
                .attr("form#settings-form #field-term_months", "value")
                .as_deref(),
            Some("twelve")
        );
        assert_eq!(
            refused
                .texts("form#settings-form #field-term_months-errors li")
                .len(),
            1
        );
        assert_eq!(
            refused
                .attr("form#settings-form #field-horizon_terms", "value")
                .as_deref(),
            Some("3")
        );
        let after = app
            .with_conn(roundtable::secretariat::store::settings)
            .expect("settings");
        assert_eq!(
            (after.term_months, after.horizon_terms),
            (before.term_months, before.horizon_terms),
            "nothing is changed"
        );

        // A cover with a date that is no date keeps its reason.
        let terms = app
            .with_conn(roundtable::secretariat::store::terms)
            .expect("terms");
        let refused = secretariat
            .post_form(
                "/secretariat/cover",
                &[
                    ("term_id", &terms[0].id.to_string()),
                    ("side", "civil_society"),
                    (
                        "organisation_id",
                        &terms[0].civil_society_org.unwrap_or(0).to_string(),
                    ),
                    ("starts_on", "next monday"),
                    ("ends_on", &(today + chrono::Duration::days(30)).to_string()),
                    ("reason", "Alpha's office is closed for renovation"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            refused
                .attr("form#cover-form #field-reason", "value")
                .as_deref(),
            Some("Alpha's office is closed for renovation")
        );
        assert_eq!(
            refused
                .texts("form#cover-form #field-starts_on-errors li")
                .len(),
            1
        );
        assert!(
            app.with_conn(roundtable::secretariat::store::covers)
                .expect("covers")
                .is_empty()
        );
    })
}

#[actix_web::test]
async fn the_year_plan_rule_keeps_what_was_typed() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        coalition(&app);
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get("/meetings/plan").await;
        let before = app
            .with_conn(roundtable::meetings::store::settings)
            .expect("settings");
        let refused = secretariat
            .post_form(
                "/meetings/plan/rule",
                &[
                    ("plenary_months", "2,5,8,11"),
                    ("plenary_week", "1"),
                    ("plenary_weekday", "3"),
                    ("plenary_start", "14:00"),
                    ("plenary_end", "17:00"),
                    ("time_zone", ""),
                    ("quorum_percent", "a half"),
                    ("venue_rotation", "neutral_first"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let form = "form#rule-form";
        assert_eq!(
            refused
                .attr(&format!("{form} #field-plenary_months"), "value")
                .as_deref(),
            Some("2,5,8,11")
        );
        assert_eq!(
            refused
                .attr(
                    &format!("{form} #field-venue_rotation option[selected]"),
                    "value"
                )
                .as_deref(),
            Some("neutral_first")
        );
        assert_eq!(
            refused
                .texts(&format!("{form} #field-quorum_percent-errors li"))
                .len(),
            1
        );
        let after = app
            .with_conn(roundtable::meetings::store::settings)
            .expect("settings");
        assert_eq!(after.plenary_months, before.plenary_months, "nothing saved");
    })
}

#[actix_web::test]
async fn a_refused_item_button_says_why_beside_it_and_keeps_the_item() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let m = app
            .with_conn(|c| {
                store::create(
                    c,
                    &admin,
                    &fixtures::meeting("Autumn plenary", fixtures::date(2026, 10, 7)),
                )
            })
            .expect("meeting");
        let item = agenda::ItemInput {
            title: "Shelter capacity".into(),
            presenter: String::new(),
            duration_minutes: 15,
            description: String::new(),
            confidential: false,
        };
        app.with_conn(|c| agenda::add_item(c, &admin, m.id, &item))
            .expect("item");
        let item = app
            .with_conn(|c| agenda::items(c, m.id))
            .expect("items")
            .remove(0);
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = secretariat.get(&format!("/meetings/{}", m.id)).await;
        let anchor = format!("item-{}-remove", item.id);
        assert_eq!(
            page.attr(&format!("form#{anchor} button"), "aria-label")
                .as_deref(),
            Some("Remove: Shelter capacity"),
            "the button names the item it removes"
        );
        // Meanwhile the meeting is cancelled: the page the person still has offers a button
        // the service now refuses, and the answer, no longer showing it, says why on top.
        app.with_conn(|c| store::set_status(c, &admin, m.id, Status::Cancelled, "venue flooded"))
            .expect("cancelled");
        let refused = secretariat
            .post_form(&format!("/agenda-items/{}/remove", item.id), &[])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.attr(&format!("form#{anchor}"), "action").is_none());
        let said = refused.texts(".flash-error").concat();
        assert!(said.contains("no longer changes"), "{said}");
        let items = app.with_conn(|c| agenda::items(c, m.id)).expect("items");
        assert_eq!(items.len(), 1, "the item stays");
    })
}

/// Issue 13, point 2: after publishing, the agenda in preparation is not repeated (it opens
/// on request) and no second publication is offered; on a held meeting no agenda form is.
#[actix_web::test]
async fn the_agenda_forms_follow_what_can_still_change() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let m = app
            .with_conn(|c| {
                store::create(
                    c,
                    &admin,
                    &fixtures::meeting("Spring plenary", fixtures::date(2027, 3, 9)),
                )
            })
            .expect("meeting");
        let item = agenda::ItemInput {
            title: "Adoption of the agenda".into(),
            presenter: String::new(),
            duration_minutes: 5,
            description: String::new(),
            confidential: false,
        };
        app.with_conn(|c| agenda::add_item(c, &admin, m.id, &item))
            .expect("item");
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page = format!("/meetings/{}", m.id);
        let before = secretariat.get(&page).await;
        assert!(
            before.attr("form#publish-form", "action").is_some(),
            "{}",
            before.body
        );

        app.with_conn(|c| agenda::publish(c, &admin, m.id))
            .expect("publish");
        let published = secretariat.get(&page).await;
        assert!(published.attr("form#publish-form", "action").is_none());
        assert_eq!(published.texts("details#agenda-draft > summary").len(), 1);
        assert!(published.attr("form#item-form", "action").is_some());

        // An item is changed in place; its controls say which item they act on.
        let item_id = app.with_conn(|c| agenda::items(c, m.id)).expect("items")[0].id;
        assert_eq!(
            published
                .attr(&format!("#item-{item_id}-up button"), "aria-label")
                .as_deref(),
            Some("Move up: Adoption of the agenda")
        );
        let edit = format!("form#item-{item_id}-edit");
        assert_eq!(
            published
                .attr(&format!("{edit} input[name=title]"), "value")
                .as_deref(),
            Some("Adoption of the agenda")
        );
        let refused = secretariat
            .post_form(
                &format!("/agenda-items/{item_id}"),
                &[
                    ("title", "Adoption of the agenda and of the last minutes"),
                    ("duration_minutes", "ten"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .texts(&format!("{edit} .field-errors"))
                .concat()
                .contains("not a number of minutes")
        );
        assert_eq!(
            refused
                .attr(&format!("{edit} input[name=title]"), "value")
                .as_deref(),
            Some("Adoption of the agenda and of the last minutes"),
            "what was typed is kept"
        );
        assert!(
            refused
                .attr(&format!("details.item-editor[open] {edit}"), "action")
                .is_some(),
            "the refused change opens where it was typed"
        );
        assert!(
            refused.attr("details#agenda-draft[open]", "id").is_some(),
            "inside the agenda in preparation, opened too"
        );
        let changed = secretariat
            .post_form(
                &format!("/agenda-items/{item_id}"),
                &[
                    ("title", "Adoption of the agenda and of the last minutes"),
                    ("duration_minutes", "10"),
                ],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER);
        let items = app.with_conn(|c| agenda::items(c, m.id)).expect("items");
        assert_eq!(
            items[0].title,
            "Adoption of the agenda and of the last minutes"
        );
        assert_eq!(items[0].duration_minutes, 10);
        let after = secretariat.get(&page).await;
        assert!(
            after.attr("form#publish-form", "action").is_some(),
            "a changed agenda may be published again"
        );

        app.with_conn(|c| store::set_status(c, &admin, m.id, Status::Held, ""))
            .expect("held");
        let late = app.with_conn(|c| agenda::update_item(c, &admin, item_id, &item));
        assert!(
            matches!(late, Err(roundtable::error::Error::Invalid(_))),
            "a held meeting's agenda no longer changes: {late:?}"
        );
        let held = secretariat.get(&page).await;
        assert!(held.attr("form#item-form", "action").is_none());
        assert!(held.attr("form#publish-form", "action").is_none());
        assert!(
            held.texts("h3")
                .iter()
                .all(|h| h != "Agenda in preparation")
        );
    })
}
