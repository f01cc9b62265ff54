//! The publication gate and what may act on it: authorisation for the exact hash, refusals,
//! associates, a change of text voiding the round, the deadline.

use roundtable::error::Error;
use roundtable::statements::rounds;
use roundtable::statements::rules::{Decision, DecisionRule, Stance};
use roundtable::statements::store;

use super::{decide, draft, fixture, mailed, open, status, take, today};
use crate::common::TestApp;
use crate::on_each_backend;

#[actix_web::test]
async fn an_approval_without_authorisation_cannot_be_published() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On forced labour");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        assert_eq!(status(&app, s.id), "approval");
        let (opened, to) = mailed(&app, "statement_round_opened");
        assert_eq!(opened, 1);
        // Representatives of full members only (the associate's is not asked).
        assert_eq!(
            to,
            [
                "rep@alpha.example",
                "rep@beta.example",
                "rep@delta.example",
                "rep@gamma.example"
            ]
        );
        // The mail carries the text, its hash and the deadline.
        let body: String = app.with_conn(|c| {
            use diesel::prelude::*;
            use roundtable::db::schema::outbox_messages as m;
            m::table
                .filter(m::kind.eq("statement_round_opened"))
                .select(m::text_body)
                .first(c)
                .expect("the mail")
        });
        assert!(body.contains("call for an end to forced labour"), "{body}");
        assert!(body.contains(&round.content_hash));
        assert!(body.contains(&round.deadline.to_string()));
        for o in &f.full {
            take(&app, &o.rep, &round, o.id, Stance::Approve).expect("approve");
        }
        // Police and ministry approved; their authorisers were asked.
        let (asked, to) = mailed(&app, "statement_authorisation_needed");
        assert_eq!(asked, 2);
        assert!(to[0].starts_with("head@"), "{to:?}");
        let refused = app.with_conn(|c| rounds::publish(c, &f.admin, s.id, today()));
        match refused {
            Err(Error::Conflict(why)) => assert!(why.contains("awaiting authorisation"), "{why}"),
            other => panic!("published without authorisation: {other:?}"),
        }
        assert!(matches!(
            app.with_conn(|c| rounds::adopt(c, &f.admin, s.id, today())),
            Err(Error::Conflict(_))
        ));
        assert_eq!(status(&app, s.id), "approval");
        // One of two authorisations is still not enough.
        let (police, ministry) = (&f.full[2], &f.full[3]);
        let (police_head, _) = police.authoriser.as_ref().expect("authoriser");
        decide(&app, police_head, &round, police.id, Decision::Authorised).expect("authorise");
        assert!(
            app.with_conn(|c| rounds::publish(c, &f.admin, s.id, today()))
                .is_err()
        );
        let (ministry_head, _) = ministry.authoriser.as_ref().expect("authoriser");
        decide(
            &app,
            ministry_head,
            &round,
            ministry.id,
            Decision::Authorised,
        )
        .expect("authorise");
        let signed = app
            .with_conn(|c| rounds::publish(c, &f.admin, s.id, today()))
            .expect("publish");
        assert_eq!(signed.len(), 4);
        let ministry_row = signed
            .iter()
            .find(|x| x.organisation_id == ministry.id)
            .expect("ministry signs");
        assert_eq!(ministry_row.authorisation_reference, "File 2026/417");
        assert!(ministry_row.authorised_at.is_some());
        assert_eq!(status(&app, s.id), "published");
        assert_eq!(mailed(&app, "statement_published").0, 1);
        // Nothing moves after publication.
        assert!(matches!(
            take(&app, &f.full[0].rep, &round, f.full[0].id, Stance::Object),
            Err(Error::Conflict(_))
        ));
        assert!(matches!(
            app.with_conn(|c| store::revise(c, &f.admin, s.id, "Another text", "", None)),
            Err(Error::Invalid(_))
        ));
    });
}

#[actix_web::test]
async fn only_the_organisation_s_own_people_act_for_it() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On recruitment fees");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        let (police, ministry) = (&f.full[2], &f.full[3]);
        take(&app, &ministry.rep, &round, ministry.id, Stance::Approve).expect("approve");
        // The police's authoriser cannot authorise for the ministry, in either direction.
        let (police_head, _) = police.authoriser.as_ref().expect("authoriser");
        for decision in [Decision::Authorised, Decision::Refused] {
            assert!(matches!(
                decide(&app, police_head, &round, ministry.id, decision),
                Err(ref e) if e.is_forbidden()
            ));
        }
        // A representative is no authoriser, and cannot speak for another member.
        assert!(matches!(
            decide(
                &app,
                &ministry.rep,
                &round,
                ministry.id,
                Decision::Authorised
            ),
            Err(ref e) if e.is_forbidden()
        ));
        assert!(matches!(
            take(&app, &ministry.rep, &round, police.id, Stance::Approve),
            Err(ref e) if e.is_forbidden()
        ));
        // The secretariat cannot take a member's position either.
        assert!(matches!(
            take(&app, &f.admin, &round, police.id, Stance::Approve),
            Err(ref e) if e.is_forbidden()
        ));
        // An associate takes no position, and is not on the board.
        assert!(matches!(
            take(
                &app,
                &f.associate.rep,
                &round,
                f.associate.id,
                Stance::Approve
            ),
            Err(ref e) if e.is_forbidden()
        ));
        let board = app.with_conn(|c| rounds::board(c, &round)).expect("board");
        assert_eq!(board.len(), 4);
        assert!(board.iter().all(|r| r.member.id != f.associate.id));
        // Nothing of the refused attempts was recorded.
        let positions = app
            .with_conn(|c| rounds::positions(c, round.id))
            .expect("positions");
        assert_eq!(positions.len(), 1);
        assert!(
            app.with_conn(|c| rounds::authorisations(c, round.id))
                .expect("authorisations")
                .is_empty()
        );
    });
}

#[actix_web::test]
async fn a_change_of_text_voids_every_position_and_authorisation() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On labour inspection");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        for o in &f.full {
            take(&app, &o.rep, &round, o.id, Stance::Approve).expect("approve");
        }
        let ministry = &f.full[3];
        let (head, _) = ministry.authoriser.as_ref().expect("authoriser");
        decide(&app, head, &round, ministry.id, Decision::Authorised).expect("authorise");

        // Only line endings and trailing blanks differ: the same text, refused as no change.
        let same = format!(
            "{}  \r\n",
            super::TEXT.trim_end_matches('\n').replace('\n', "\r\n")
        );
        assert!(matches!(
            app.with_conn(|c| store::revise(c, &f.admin, s.id, &same, "", None)),
            Err(Error::Invalid(_))
        ));
        assert_eq!(status(&app, s.id), "approval");

        let changed = super::TEXT.replace("an end to", "the end of");
        let v2 = app
            .with_conn(|c| store::revise(c, &f.admin, s.id, &changed, "wording", None))
            .expect("new version");
        assert_ne!(v2.content_hash, round.content_hash);
        let old = app
            .with_conn(|c| rounds::get_round(c, round.id))
            .expect("round");
        assert_eq!(old.status, "superseded");
        assert_eq!(status(&app, s.id), "consultation");
        let (told, to) = mailed(&app, "statement_round_superseded");
        assert_eq!(told, 1);
        assert!(
            to.contains(&"rep@epsilon.example".to_owned()),
            "every member: {to:?}"
        );
        // Nothing a member did is lost: the void positions stay in the statement's history.
        let history: Vec<String> = app
            .with_conn(|c| roundtable::statements::history::of_statement(c, s.id))
            .expect("history")
            .into_iter()
            .map(|e| format!("{}: {}", e.who, e.what))
            .collect();
        assert!(
            history.contains(&"Rep of Alpha Shelter: Alpha Shelter: approve".to_owned()),
            "{history:?}"
        );
        assert!(history.contains(&"Head of Delta Ministry: Delta Ministry: authorisation authorised (ref. File 2026/417)".to_owned()), "{history:?}");
        assert!(
            history
                .iter()
                .any(|l| l.contains("superseded") && l.contains("4 position(s) are void")),
            "{history:?}"
        );
        // A position for the old text is refused: the round is closed.
        assert!(matches!(
            take(&app, &f.full[0].rep, &old, f.full[0].id, Stance::Object),
            Err(Error::Conflict(_))
        ));
        // Nothing can be published from the superseded round.
        assert!(
            app.with_conn(|c| rounds::publish(c, &f.admin, s.id, today()))
                .is_err()
        );
        // The new round starts empty; a position sent with the old hash is refused.
        let fresh = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        assert_eq!(fresh.content_hash, v2.content_hash);
        let board = app.with_conn(|c| rounds::board(c, &fresh)).expect("board");
        assert!(
            board
                .iter()
                .all(|r| r.position.is_none() && r.authorisation.is_none())
        );
        let mut stale = fresh.clone();
        stale.content_hash = round.content_hash.clone();
        assert!(matches!(
            take(&app, &f.full[0].rep, &stale, f.full[0].id, Stance::Approve),
            Err(Error::Conflict(_))
        ));
        assert!(
            app.with_conn(|c| rounds::positions(c, fresh.id))
                .expect("positions")
                .is_empty()
        );
    });
}

#[actix_web::test]
async fn a_refusal_or_withdrawal_after_adoption_stops_publication() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On shelters");
        let round = open(
            &app,
            &f.admin,
            s.id,
            DecisionRule::Consensus { percent: 75 },
        );
        for o in &f.full {
            take(&app, &o.rep, &round, o.id, Stance::Approve).expect("approve");
        }
        for o in &f.full[2..] {
            let (head, _) = o.authoriser.as_ref().expect("authoriser");
            decide(&app, head, &round, o.id, Decision::Authorised).expect("authorise");
        }
        app.with_conn(|c| rounds::adopt(c, &f.admin, s.id, today()))
            .expect("adopt");
        assert_eq!(status(&app, s.id), "adopted");
        // The ministry's authoriser pulls out before publication: the approval counts as
        // withdrawn, 3 of 4 still meet 75 %, and the ministry will not be named.
        let ministry = &f.full[3];
        let (head, _) = ministry.authoriser.as_ref().expect("authoriser");
        decide(&app, head, &round, ministry.id, Decision::Refused).expect("refuse");
        assert_eq!(status(&app, s.id), "adopted");
        // A union objection breaks consensus: the adoption is undone at once.
        take(&app, &f.full[1].rep, &round, f.full[1].id, Stance::Object).expect("object");
        assert_eq!(status(&app, s.id), "approval");
        assert!(matches!(
            app.with_conn(|c| rounds::publish(c, &f.admin, s.id, today())),
            Err(Error::Conflict(_))
        ));
        // The union comes round; published without the ministry.
        take(&app, &f.full[1].rep, &round, f.full[1].id, Stance::Approve).expect("approve");
        let signed = app
            .with_conn(|c| rounds::publish(c, &f.admin, s.id, today()))
            .expect("publish");
        let names: Vec<&str> = signed
            .iter()
            .map(|x| x.organisation_name.as_str())
            .collect();
        assert_eq!(names, ["Alpha Shelter", "Beta Union", "Gamma Police"]);
    });
}

#[actix_web::test]
async fn the_deadline_reminds_then_lapses_a_round_that_is_not_met() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On visas");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        take(&app, &f.full[0].rep, &round, f.full[0].id, Stance::Approve).expect("approve");
        // Three days before the deadline the silent members are reminded, once.
        let near = round.deadline - chrono::Duration::days(3);
        let far = round.deadline - chrono::Duration::days(5);
        use roundtable::statements::notices;
        assert_eq!(
            app.with_conn(|c| notices::tick(c, far)).expect("tick"),
            (0, 0)
        );
        assert_eq!(
            app.with_conn(|c| notices::tick(c, near)).expect("tick"),
            (3, 0)
        );
        assert_eq!(
            app.with_conn(|c| notices::tick(c, near)).expect("tick"),
            (0, 0)
        );
        let (_, to) = mailed(&app, "statement_reminder");
        assert_eq!(
            to,
            ["rep@beta.example", "rep@delta.example", "rep@gamma.example"]
        );
        // After the deadline nothing new is accepted, a withdrawal still is.
        let late = round.deadline + chrono::Duration::days(1);
        let input = roundtable::statements::rounds::PositionInput {
            organisation_id: f.full[1].id,
            stance: Stance::Approve,
            reason: String::new(),
            content_hash: round.content_hash.clone(),
        };
        assert!(matches!(
            app.with_conn(|c| rounds::take_position(c, &f.full[1].rep, round.id, &input, late)),
            Err(Error::Invalid(_))
        ));
        // The day after the deadline the round lapses, and the statement with it.
        assert_eq!(
            app.with_conn(|c| notices::tick(c, late)).expect("tick"),
            (0, 1)
        );
        assert_eq!(status(&app, s.id), "lapsed");
        let closed = app
            .with_conn(|c| rounds::get_round(c, round.id))
            .expect("round");
        assert_eq!(closed.status, "lapsed");
        let reason = app
            .with_conn(|c| store::get(c, s.id))
            .expect("s")
            .closing_reason;
        assert!(reason.contains("unanimity"), "{reason}");
    });
}

/// Issue 13, point 9: the drafters remind the members without an answer from the page, once a
/// day; a representative cannot.
#[actix_web::test]
async fn the_drafters_remind_those_who_have_not_answered() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let s = draft(&app, &f.admin, "On seasonal work");
        let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
        take(&app, &f.full[0].rep, &round, f.full[0].id, Stance::Approve).expect("approve");
        let page = format!("/statements/{}", s.id);

        let mut secretariat = app.client().await;
        secretariat
            .sign_in(crate::common::ADMIN_EMAIL, crate::common::ADMIN_PASSWORD)
            .await;
        let shown = secretariat.get(&page).await;
        assert!(
            shown
                .texts("#remind-form button")
                .concat()
                .contains("Remind the 3 members without an answer"),
            "{:?}",
            shown.texts("#remind-form button")
        );
        let reminded = secretariat.post_form(&format!("{page}/remind"), &[]).await;
        assert_eq!(reminded.status, actix_web::http::StatusCode::SEE_OTHER);
        let (n, to) = mailed(&app, "statement_reminder");
        assert_eq!(n, 1);
        assert_eq!(
            to,
            ["rep@beta.example", "rep@delta.example", "rep@gamma.example"]
        );
        secretariat.get(&page).await;
        let again = secretariat.post_form(&format!("{page}/remind"), &[]).await;
        assert_eq!(
            again.status,
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        );
        assert!(
            again.body.contains("reminded today already"),
            "{}",
            again.body
        );
        assert_eq!(mailed(&app, "statement_reminder").0, 1, "once a day");

        let mut rep = app.client().await;
        rep.sign_in(&f.full[1].rep_email, crate::statements::MEMBER_PASSWORD)
            .await;
        assert!(rep.get(&page).await.texts("#remind-form").is_empty());
        let refused = rep.post_form(&format!("{page}/remind"), &[]).await;
        assert_eq!(refused.status, actix_web::http::StatusCode::FORBIDDEN);
    })
}
