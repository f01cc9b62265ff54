//! Many positions at once (through two instances on one database), and publication racing
//! a withdrawal or a late position: every position is recorded and counted exactly, and a
//! racing one is either counted or refused.

use std::sync::Barrier;

use roundtable::auth::permissions::Actor;
use roundtable::error::Error;
use roundtable::membership::rules::Status;
use roundtable::statements::rounds::{self, PositionInput};
use roundtable::statements::rules::{Decision, DecisionRule, Outcome, Stance, Standing};

use super::{actor, decide, draft, fixture, open, status, take, today};
use crate::common::TestApp;
use crate::membership::admin_actor;
use crate::on_each_backend;

const ORGANISATIONS: usize = 200;

/// `n` full members (civil society: no authorisation), each with a representative.
fn many_members(app: &TestApp, admin: &Actor, n: usize) -> Vec<(i64, Actor)> {
    use roundtable::membership::organisations::{self, OrganisationInput};
    use roundtable::membership::people::PersonInput;
    let sector = crate::membership::sector_id(app, "NGO");
    (0..n)
        .map(|i| {
            let input = OrganisationInput {
                name: format!("Organisation {i:03}"),
                sector_id: sector,
                ..OrganisationInput::default()
            };
            let primary = PersonInput {
                name: format!("Representative {i:03}"),
                email: format!("rep{i}@many.example"),
                ..PersonInput::default()
            };
            let (org, invited) = app
                .with_conn(|c| {
                    organisations::create(
                        c,
                        admin,
                        &input,
                        Status::Full,
                        today(),
                        "",
                        Some(&primary),
                    )
                })
                .expect("organisation");
            let person = invited.expect("representative");
            (org.id, actor(app, person))
        })
        .collect()
}

#[actix_web::test]
async fn two_hundred_positions_at_once_through_two_instances_are_all_recorded_and_counted() {
    on_each_backend!(|backend| async {
        let app = TestApp::with_settings(&backend, |s| s.db_pool_size = 8);
        // Every other organisation's position goes through a second instance.
        let other = app.another_instance();
        let admin = admin_actor(&app, app.bootstrap());
        let members = many_members(&app, &admin, ORGANISATIONS);
        let s = draft(&app, &admin, "Two hundred voices");
        let round = open(&app, &admin, s.id, DecisionRule::Consensus { percent: 75 });
        let start = Barrier::new(ORGANISATIONS);
        let results: Vec<Result<(), Error>> = std::thread::scope(|scope| {
            let handles: Vec<_> = members
                .iter()
                .enumerate()
                .map(|(i, (org, rep))| {
                    let (app, other, round, start) = (&app, &other, &round, &start);
                    scope.spawn(move || {
                        let stance = if i % 8 == 0 {
                            Stance::Abstain
                        } else {
                            Stance::Approve
                        };
                        let input = PositionInput {
                            organisation_id: *org,
                            stance,
                            reason: String::new(),
                            content_hash: round.content_hash.clone(),
                        };
                        start.wait();
                        let mut conn = if i % 2 == 0 {
                            app.conn()
                        } else {
                            other
                                .pool
                                .get()
                                .expect("a connection of the other instance")
                        };
                        rounds::take_position(&mut conn, rep, round.id, &input, today()).map(|_| ())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        let failures: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
        assert!(failures.is_empty(), "{failures:?}");
        let positions = app
            .with_conn(|c| rounds::positions(c, round.id))
            .expect("positions");
        assert_eq!(positions.len(), ORGANISATIONS);
        let board = app.with_conn(|c| rounds::board(c, &round)).expect("board");
        let count = |s: Standing| board.iter().filter(|r| r.standing == s).count();
        assert_eq!(count(Standing::Approved), 175);
        assert_eq!(count(Standing::Abstained), 25);
        assert_eq!(count(Standing::NoAnswer), 0);
        match rounds::outcome(rounds::rule_of(&round), &board, round.deadline, today()) {
            Outcome::Met { signatories } => assert_eq!(signatories.len(), 175),
            other => panic!("{other:?}"),
        }
        // The database refuses a second row for the same round and organisation.
        use diesel::prelude::*;
        use roundtable::db::schema::statement_positions as p;
        let duplicate = app.with_conn(|c| {
            diesel::insert_into(p::table)
                .values((
                    p::round_id.eq(round.id),
                    p::organisation_id.eq(members[1].0),
                    p::position.eq("object"),
                    p::reason.eq("twice"),
                    p::content_hash.eq(&round.content_hash),
                    p::person_id.eq(members[1].1.id()),
                    p::recorded_at.eq(roundtable::db::now()),
                ))
                .execute(c)
        });
        assert!(duplicate.is_err(), "a second position row was accepted");
    });
}

/// Runs `a` and `b` at the same moment on two connections.
fn race<A, B>(app: &TestApp, a: A, b: B) -> (Result<(), Error>, Result<(), Error>)
where
    A: FnOnce(&mut roundtable::db::DbConn) -> Result<(), Error> + Send,
    B: FnOnce(&mut roundtable::db::DbConn) -> Result<(), Error> + Send,
{
    let start = Barrier::new(2);
    std::thread::scope(|scope| {
        let first = scope.spawn(|| {
            let mut conn = app.conn();
            start.wait();
            a(&mut conn)
        });
        let second = scope.spawn(|| {
            let mut conn = app.conn();
            start.wait();
            b(&mut conn)
        });
        (
            first.join().expect("thread"),
            second.join().expect("thread"),
        )
    })
}

#[actix_web::test]
async fn publication_racing_a_withdrawal_or_a_late_position() {
    on_each_backend!(|backend| async {
        let app = TestApp::new(&backend);
        let f = fixture(&app);
        let (alpha, beta) = (&f.full[0], &f.full[1]);
        let mut published_first = 0;
        for attempt in 0..6 {
            // Withdrawal: under unanimity, Alpha objects while the secretariat publishes.
            let s = draft(&app, &f.admin, &format!("Race {attempt}"));
            let round = open(&app, &f.admin, s.id, DecisionRule::Unanimity);
            for o in &f.full {
                take(&app, &o.rep, &round, o.id, Stance::Approve).expect("approve");
                if let Some((head, _)) = &o.authoriser {
                    decide(&app, head, &round, o.id, Decision::Authorised).expect("authorise");
                }
            }
            let objection = PositionInput {
                organisation_id: alpha.id,
                stance: Stance::Object,
                reason: "changed our mind".into(),
                content_hash: round.content_hash.clone(),
            };
            let (published, withdrawn) = race(
                &app,
                |c| rounds::publish(c, &f.admin, s.id, today()).map(|_| ()),
                |c| rounds::take_position(c, &alpha.rep, round.id, &objection, today()).map(|_| ()),
            );
            let signatories = app
                .with_conn(|c| rounds::signatories_of(c, s.id))
                .expect("signatories");
            match (&published, &withdrawn) {
                (Ok(()), Err(Error::Conflict(_))) => {
                    published_first += 1;
                    assert_eq!(status(&app, s.id), "published");
                    assert_eq!(signatories.len(), 4);
                    let alpha_now = app
                        .with_conn(|c| rounds::positions(c, round.id))
                        .expect("positions")
                        .into_iter()
                        .find(|p| p.organisation_id == alpha.id)
                        .expect("alpha");
                    assert_eq!(
                        alpha_now.position, "approve",
                        "the late objection left no trace"
                    );
                }
                (Err(Error::Conflict(_)), Ok(())) => {
                    assert_eq!(status(&app, s.id), "approval");
                    assert!(signatories.is_empty());
                }
                other => panic!("attempt {attempt}: both or neither applied: {other:?}"),
            }

            // Late position: under consensus, Beta (abstaining) approves while publishing.
            let s = draft(&app, &f.admin, &format!("Late {attempt}"));
            let round = open(
                &app,
                &f.admin,
                s.id,
                DecisionRule::Consensus { percent: 50 },
            );
            for o in &f.full {
                let stance = if o.id == beta.id {
                    Stance::Abstain
                } else {
                    Stance::Approve
                };
                take(&app, &o.rep, &round, o.id, stance).expect("position");
                if let Some((head, _)) = &o.authoriser {
                    decide(&app, head, &round, o.id, Decision::Authorised).expect("authorise");
                }
            }
            let approval = PositionInput {
                organisation_id: beta.id,
                stance: Stance::Approve,
                reason: String::new(),
                content_hash: round.content_hash.clone(),
            };
            let (published, late) = race(
                &app,
                |c| rounds::publish(c, &f.admin, s.id, today()).map(|_| ()),
                |c| rounds::take_position(c, &beta.rep, round.id, &approval, today()).map(|_| ()),
            );
            published.expect("publishes either way");
            let names: Vec<i64> = app
                .with_conn(|c| rounds::signatories_of(c, s.id))
                .expect("signatories")
                .iter()
                .map(|x| x.organisation_id)
                .collect();
            match late {
                Ok(()) => assert!(names.contains(&beta.id), "counted"),
                Err(Error::Conflict(_)) => assert!(!names.contains(&beta.id), "refused"),
                Err(e) => panic!("{e:?}"),
            }
            assert_eq!(names.len(), if names.contains(&beta.id) { 4 } else { 3 });
        }
        eprintln!("publication won {published_first} of 6 races");
    });
}
