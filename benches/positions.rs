//! `cargo bench --bench positions`: 200 organisations take their position in one approval
//! round at the same moment (one thread and one pooled connection each, released together),
//! through two instances on one database (two states, two pools: every other organisation
//! goes through the second, as behind a reverse proxy); reports the time until all 200 are
//! recorded and each answer's time (p50, p99, slowest), and checks every position is counted
//! once. On SQLite and, when ROUNDTABLE_BENCH_POSTGRES_URL names a PostgreSQL server, on
//! PostgreSQL (in a throwaway database). Five rounds each; figures, not a test.

mod common;

use std::sync::Barrier;
use std::time::{Duration, Instant};

use roundtable::AppState;
use roundtable::actor::actor_for;
use roundtable::auth::permissions::Actor;
use roundtable::membership::organisations::{self, OrganisationInput};
use roundtable::membership::people::PersonInput;
use roundtable::membership::rules::Status;
use roundtable::statements::rounds::{self, PositionInput, RoundInput};
use roundtable::statements::rules::{DecisionRule, Stance};
use roundtable::statements::store::{self as statements, StatementInput};

const ORGANISATIONS: usize = 200;
const ROUNDS: usize = 5;
/// Connections of each instance's pool.
const POOL: u32 = 8;

fn run(backend: &str, state: &AppState, other: &AppState) {
    let mut conn = state.pool.get().expect("connection");
    let admin = common::bootstrap(&mut conn, "Bench");
    let sector = organisations::sectors(&mut conn)
        .expect("sectors")
        .into_iter()
        .find(|s| s.name == "NGO")
        .expect("NGO sector")
        .id;
    let today = chrono::Utc::now().date_naive();
    let members: Vec<(i64, Actor)> = (0..ORGANISATIONS)
        .map(|i| {
            let input = OrganisationInput {
                name: format!("Organisation {i:03}"),
                sector_id: sector,
                ..OrganisationInput::default()
            };
            let primary = PersonInput {
                name: format!("Representative {i:03}"),
                email: format!("rep{i}@bench.example"),
                ..PersonInput::default()
            };
            let (org, invited) = organisations::create(
                &mut conn,
                &admin,
                &input,
                Status::Full,
                today,
                "",
                Some(&primary),
            )
            .expect("organisation");
            let person = invited.expect("representative");
            (org.id, actor_for(&mut conn, person).expect("actor"))
        })
        .collect();
    let mut times = Vec::new();
    let mut each = Vec::new();
    for n in 0..ROUNDS {
        let s = statements::create(
            &mut conn,
            &admin,
            &StatementInput {
                title: format!("Bench statement {n}"),
                context_note: String::new(),
                group_id: None,
                body: "We, the undersigned, agree.".into(),
            },
        )
        .expect("statement");
        let round = rounds::open(
            &mut conn,
            &admin,
            s.id,
            RoundInput {
                rule: DecisionRule::Unanimity,
                deadline: today + chrono::Duration::days(7),
            },
            today,
        )
        .expect("round");
        let start = Barrier::new(ORGANISATIONS + 1);
        let (elapsed, answers) = std::thread::scope(|scope| {
            let handles: Vec<_> = members
                .iter()
                .enumerate()
                .map(|(i, (org, rep))| {
                    let (round, start) = (&round, &start);
                    let instance = if i % 2 == 0 { state } else { other };
                    scope.spawn(move || {
                        let input = PositionInput {
                            organisation_id: *org,
                            stance: Stance::Approve,
                            reason: String::new(),
                            content_hash: round.content_hash.clone(),
                        };
                        start.wait();
                        let asked = Instant::now();
                        let mut conn = instance.pool.get().expect("connection");
                        rounds::take_position(&mut conn, rep, round.id, &input, today)
                            .expect("position recorded");
                        asked.elapsed()
                    })
                })
                .collect();
            start.wait();
            let began = Instant::now();
            let answers: Vec<Duration> = handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect();
            (began.elapsed(), answers)
        });
        let recorded = rounds::positions(&mut conn, round.id)
            .expect("positions")
            .len();
        assert_eq!(recorded, ORGANISATIONS, "every position recorded once");
        times.push(elapsed);
        each.extend(answers);
    }
    each.sort();
    let at = |q: f64| each[((each.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "{backend}: each answer p50 {:.0} ms, p99 {:.0} ms, slowest {:.0} ms ({} answers)",
        at(0.5),
        at(0.99),
        at(1.0),
        each.len()
    );
    times.sort();
    println!(
        "{backend}: {ORGANISATIONS} concurrent positions recorded in median {:.0} ms (min {:.0}, max {:.0}; {ROUNDS} rounds, two instances with pools of {POOL}); {:.2} ms per position",
        times[ROUNDS / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[ROUNDS - 1].as_secs_f64() * 1000.0,
        times[ROUNDS / 2].as_secs_f64() * 1000.0 / ORGANISATIONS as f64,
    );
}

fn main() {
    // Memory as the service has it (one allocator arena per core, `roundtable::allocator`):
    // with glibc's default of eight per core, the first round's 200 threads spent their
    // time making arenas the service never has.
    roundtable::allocator::settle();
    let dir = tempfile::tempdir().expect("temporary folder");
    let settings = common::settings(dir.path(), common::sqlite_url(dir.path()), POOL);
    let state = AppState::open(settings.clone()).expect("open SQLite");
    let other = AppState::open(settings).expect("open SQLite again");
    run("SQLite", &state, &other);
    drop((state, other));
    common::on_throwaway_postgres(|url| {
        let settings = common::settings(dir.path(), url, POOL);
        let state = AppState::open(settings.clone()).expect("open PostgreSQL");
        let other = AppState::open(settings).expect("open PostgreSQL again");
        run("PostgreSQL", &state, &other);
    });
}
