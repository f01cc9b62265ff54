//! The confidential part of minutes is data: what the secretariat writes there (whatever its
//! headings look like) and confidential addenda reach full members and the secretariat only;
//! nothing is inferred from a heading's wording. Minutes an earlier release marked by heading
//! are split once, on upgrade.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use roundtable::db::schema::{audit_events, minutes as minutes_table};
use roundtable::meetings::agenda::{self, ItemInput};
use roundtable::meetings::minutes;
use roundtable::meetings::rules::Status;
use roundtable::meetings::store::{self};
use roundtable::membership::rules::Status as Membership;

use super::coalition;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, fixtures};
use crate::membership::{MEMBER_PASSWORD, member_org};
use crate::on_each_backend;

const SECRET: &str = "Three referrals of the Novak family discussed.";

/// Headings in every form a writer might use; none of them decides anything any more.
const CONFIDENTIAL_PART: &str = "### Case review\n\nThree referrals of the Novak family discussed.\n\n\
Setext heading\n---\n\n**Bold line**\n\n\tTabbed line\n";

fn held_plenary(app: &TestApp, admin: &roundtable::auth::permissions::Actor) -> i64 {
    let input = fixtures::meeting("Spring plenary", fixtures::date(2026, 3, 10));
    let m = app
        .with_conn(|c| store::create(c, admin, &input))
        .expect("meeting");
    for (title, confidential) in [("Round of members", false), ("Case review", true)] {
        let item = ItemInput {
            title: title.into(),
            presenter: String::new(),
            duration_minutes: 30,
            description: String::new(),
            confidential,
        };
        app.with_conn(|c| agenda::add_item(c, admin, m.id, &item))
            .expect("item");
    }
    app.with_conn(|c| agenda::publish(c, admin, m.id))
        .expect("publish");
    app.with_conn(|c| store::set_status(c, admin, m.id, Status::Held, ""))
        .expect("held");
    m.id
}

#[actix_web::test]
async fn the_confidential_part_reaches_full_members_and_the_secretariat_only() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        member_org(
            &app,
            &admin,
            "Epsilon Church",
            "NGO",
            Membership::Associate,
            "rep@epsilon.example",
        );
        let id = held_plenary(&app, &admin);
        let page = format!("/meetings/{id}");
        let mut secretariat = app.client().await;
        secretariat.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        secretariat.get(&page).await;

        // Started from the agenda: the confidential item's section starts in the
        // confidential part.
        secretariat.post_form(&format!("{page}/minutes"), &[]).await;
        let started = app
            .with_conn(|c| minutes::of_meeting(c, id))
            .expect("read")
            .expect("minutes");
        assert!(started.body.contains("Round of members"));
        assert!(!started.body.contains("Case review"));
        assert!(started.confidential_body.contains("Case review"));

        let saved = secretariat
            .post_form(
                &format!("{page}/minutes"),
                &[
                    ("body", "## 1. Round of members\n\nNothing secret here.\n"),
                    ("confidential_body", CONFIDENTIAL_PART),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);

        let mut associate = app.client().await;
        associate
            .sign_in("rep@epsilon.example", MEMBER_PASSWORD)
            .await;
        let theirs = associate.get(&page).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(theirs.body.contains("Nothing secret here."));
        for hidden in [SECRET, "Setext heading", "Bold line", "Tabbed line"] {
            assert!(
                !theirs.body.contains(hidden),
                "an associate read {hidden:?}"
            );
        }
        let mut full = app.client().await;
        full.sign_in("rep@alpha.example", MEMBER_PASSWORD).await;
        let full_page = full.get(&page).await;
        assert!(
            full_page
                .texts("#minutes-confidential")
                .concat()
                .contains(SECRET)
        );

        // Approved, then corrected: a confidential addendum is read by full members only and
        // its text stays out of the audit record.
        secretariat
            .post_form(
                &format!("{page}/minutes/approve"),
                &[("note", "plenary of 9 June"), ("confirm", "on")],
            )
            .await;
        for (body, confidential) in [
            ("The union's name was misspelt.", None),
            ("The Novak family moved to a shelter.", Some("on")),
        ] {
            let mut form = vec![("body", body)];
            form.extend(confidential.map(|on| ("confidential", on)));
            let added = secretariat
                .post_form(&format!("{page}/minutes/addenda"), &form)
                .await;
            assert_eq!(added.status, StatusCode::SEE_OTHER);
        }
        let theirs = associate.get(&page).await.texts(".addendum").concat();
        assert!(theirs.contains("misspelt"));
        assert!(!theirs.contains("shelter"), "{theirs}");
        let full_addenda = full.get(&page).await.texts(".addendum").concat();
        assert!(full_addenda.contains("shelter"));
        let recorded: Vec<String> = app.with_conn(|c| {
            audit_events::table
                .filter(audit_events::action.eq("minutes.addendum"))
                .select(audit_events::details)
                .load(c)
                .expect("audit")
        });
        assert_eq!(recorded.len(), 2);
        assert!(
            recorded.iter().all(|d| !d.contains("shelter")),
            "{recorded:?}"
        );
    })
}

#[actix_web::test]
async fn minutes_marked_by_heading_are_split_once_on_upgrade() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let (admin, _) = coalition(&app);
        let id = held_plenary(&app, &admin);
        app.with_conn(|c| minutes::save_draft(c, &admin, id, None))
            .expect("minutes");
        // As the first release stored them: one text, the secret under a marked heading.
        let legacy = "## 1. Round of members\n\nOpen.\n\n## 2. Case review (Confidential)\n\nThree referrals of the Novak family discussed.\n\n## 3. Any other business\n\nNone.\n";
        app.with_conn(|c| {
            diesel::update(minutes_table::table.filter(minutes_table::meeting_id.eq(id)))
                .set((
                    minutes_table::body.eq(legacy),
                    minutes_table::confidential_body.eq(""),
                ))
                .execute(c)
        })
        .expect("legacy text");
        let split = app
            .with_conn(minutes::separate_marked_sections)
            .expect("upgrade");
        assert_eq!(split, 1);
        let after = app
            .with_conn(|c| minutes::of_meeting(c, id))
            .expect("read")
            .expect("minutes");
        assert_eq!(
            after.body,
            "## 1. Round of members\n\nOpen.\n\n## 3. Any other business\n\nNone.\n"
        );
        assert_eq!(
            after.confidential_body,
            "## 2. Case review (Confidential)\n\nThree referrals of the Novak family discussed.\n\n"
        );
        assert_eq!(
            app.with_conn(minutes::separate_marked_sections)
                .expect("again"),
            0,
            "once"
        );
    })
}
