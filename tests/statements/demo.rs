//! The demo's statements, tried as a new user would: the agency's approval holds the open
//! round up until its authoriser confirms the same text; then it can be published.

use roundtable::actor::actor_for;
use roundtable::audit::{self, Verdict};
use roundtable::auth::store::find_by_email;
use roundtable::statements::rules::{Decision, Outcome, Stance, Standing};
use roundtable::statements::{demo, rounds, store};

use super::{decide, take, today};
use crate::common::TestApp;
use crate::membership::admin_actor;
use crate::on_each_backend;

#[actix_web::test]
async fn the_demo_holds_a_statement_for_the_agency_s_authorisation() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let admin = admin_actor(&app, app.bootstrap());
        app.with_conn(|c| {
            roundtable::membership::demo::seed(c, &admin, today(), "demo member password")
        })
        .expect("membership demo");
        app.with_conn(|c| demo::seed(c, &admin, today()))
            .expect("statements demo");
        let all = app.with_conn(store::list).expect("statements");
        let mut statuses: Vec<&str> = all.iter().map(|s| s.status.as_str()).collect();
        statuses.sort();
        assert_eq!(statuses, ["approval", "consultation", "published"]);
        let superseded = all
            .iter()
            .find(|s| s.status == "consultation")
            .expect("the revised one");
        let old_rounds = app
            .with_conn(|c| rounds::rounds_of(c, superseded.id))
            .expect("rounds");
        assert_eq!(old_rounds.len(), 1);
        assert_eq!(old_rounds[0].status, "superseded");

        let open = all.iter().find(|s| s.status == "approval").expect("open");
        let round = app
            .with_conn(|c| rounds::open_round(c, open.id))
            .expect("read")
            .expect("round");
        let person = |email: &str| {
            let p = app
                .with_conn(|c| find_by_email(c, email))
                .expect("read")
                .expect("person");
            app.with_conn(|c| actor_for(c, p)).expect("actor")
        };
        let agency_rep = person(demo::MINISTRY_REPRESENTATIVE);
        let agency_head = person(demo::MINISTRY_AUTHORISER);
        let legal_aid = person(roundtable::membership::demo::MEMBER_EMAIL);
        let org_of = |a: &roundtable::auth::permissions::Actor| {
            app.with_conn(|c| roundtable::membership::people::affiliation_of(c, a.id()))
                .expect("read")
                .expect("affiliated")
                .1
                .id
        };
        let (agency, legal) = (org_of(&agency_rep), org_of(&legal_aid));
        let board = app.with_conn(|c| rounds::board(c, &round)).expect("board");
        let standing = |id: i64| {
            board
                .iter()
                .find(|r| r.member.id == id)
                .expect("on the board")
                .standing
        };
        assert_eq!(standing(agency), Standing::AwaitingAuthorisation);
        assert_eq!(standing(legal), Standing::NoAnswer);

        // The member login approves; the agency still holds it up.
        take(&app, &legal_aid, &round, legal, Stance::Approve).expect("approve");
        let board = app.with_conn(|c| rounds::board(c, &round)).expect("board");
        assert!(matches!(
            rounds::outcome(rounds::rule_of(&round), &board, round.deadline, today()),
            Outcome::Pending(_)
        ));
        assert!(
            app.with_conn(|c| rounds::publish(c, &admin, open.id, today()))
                .is_err()
        );
        decide(&app, &agency_head, &round, agency, Decision::Authorised).expect("authorise");
        let signed = app
            .with_conn(|c| rounds::publish(c, &admin, open.id, today()))
            .expect("publish");
        assert!(signed.iter().any(|x| x.organisation_id == agency));
        assert!(signed.iter().any(|x| x.organisation_id == legal));
        assert!(matches!(
            app.with_conn(audit::verify).expect("verify"),
            Verdict::Intact { .. }
        ));
    });
}
