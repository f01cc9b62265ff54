//! `cargo bench --bench import`: a CSV file of 50,000 rows (10,000 organisations with five
//! people each, every person invited by mail) imported in one all-or-nothing transaction, on
//! SQLite and, when ROUNDTABLE_BENCH_POSTGRES_URL names a PostgreSQL server, on PostgreSQL
//! (in a throwaway database). Reports the file's size, the time to check and import it, and
//! the time to refuse the same file with one bad row at its end. A figure, not a test.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use roundtable::AppState;
use roundtable::actor::actor_for;
use roundtable::auth::store::{self, PersonDraft};
use roundtable::config::{Settings, ThrottlePolicy};
use roundtable::membership::import;

const ORGANISATIONS: usize = 10_000;
const PEOPLE_EACH: usize = 5;

fn settings(dir: &std::path::Path, database_url: String) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
        database_url,
        bind: "127.0.0.1:0".into(),
        base_url: "http://127.0.0.1".into(),
        smtp_url: None,
        mail_from: "coalition@bench.example".into(),
        cookie_key: [3u8; 64],
        audit_key: roundtable::config::derive_audit_key(
            "a bench secret key that is long enough to use",
        ),
        session_idle: Duration::from_secs(3600),
        session_max: Duration::from_secs(3600),
        throttle: ThrottlePolicy::default(),
        trusted_proxies: Vec::new(),
        setup_link_valid: Duration::from_secs(60),
        db_pool_size: 4,
        server_timing: false,
    }
}

fn file() -> String {
    let mut csv =
        String::from("organisation,sector,status,person_name,person_email,representation\n");
    let statuses = ["full", "associate", "applicant"];
    for o in 0..ORGANISATIONS {
        let status = statuses[o % statuses.len()];
        for p in 0..PEOPLE_EACH {
            let representation = if p == 0 { "primary" } else { "" };
            csv.push_str(&format!(
                "Organisation number {o:05},NGO,{status},Person {o}-{p},person{o}.{p}@bench.example,{representation}\n"
            ));
        }
    }
    csv
}

fn run(backend: &str, state: &AppState) {
    let mut conn = state.pool.get().expect("connection");
    let admin = PersonDraft {
        name: "Bench Admin",
        email: "admin@bench.example",
        password: Some("bench password"),
        is_admin: true,
    };
    let admin =
        store::bootstrap(&mut conn, None, "Bench", "Europe/Brussels", &admin).expect("bootstrap");
    let admin = actor_for(&mut conn, admin).expect("actor");
    let today = chrono::Utc::now().date_naive();
    let csv = file();

    let bad = format!("{csv}Last One,Astrology,full,X,x@bench.example,primary\n");
    let started = Instant::now();
    let refused = import::import(&mut conn, &admin, &bad, today).expect("import runs");
    let refusing = started.elapsed();
    let problems = refused.expect_err("the bad row refuses the file");

    let started = Instant::now();
    let done = import::import(&mut conn, &admin, &csv, today)
        .expect("import runs")
        .expect("a good file imports");
    let importing = started.elapsed();
    println!(
        "{backend}: {} rows ({:.1} MB): imported {} organisations and {} people in {:.1} s; \
         the same file with one bad row refused in {:.1} s ({} problem, line {})",
        ORGANISATIONS * PEOPLE_EACH,
        csv.len() as f64 / 1e6,
        done.organisations,
        done.invitations.len(),
        importing.as_secs_f64(),
        refusing.as_secs_f64(),
        problems.len(),
        problems[0].line,
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
    let state = AppState::open(settings(dir.path(), sqlite)).expect("open SQLite");
    run("SQLite", &state);
    drop(state);

    let Ok(server) = std::env::var("ROUNDTABLE_BENCH_POSTGRES_URL") else {
        println!("PostgreSQL: skipped (set ROUNDTABLE_BENCH_POSTGRES_URL to a server URL)");
        return;
    };
    let name = format!("rt_bench_{}", std::process::id());
    let mut admin = PgConnection::establish(&server).expect("connect to PostgreSQL");
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .expect("create the bench database");
    let mut url = url::Url::parse(&server).expect("a PostgreSQL URL");
    url.set_path(&format!("/{name}"));
    let state = AppState::open(settings(dir.path(), url.to_string())).expect("open PostgreSQL");
    run("PostgreSQL", &state);
    drop(state);
    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .expect("drop the bench database");
}
