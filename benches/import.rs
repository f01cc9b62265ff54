//! `cargo bench --bench import`: a CSV file of 50,000 rows (10,000 organisations with five
//! people each, every person invited by mail) imported in one all-or-nothing transaction, on
//! SQLite and, when ROUNDTABLE_BENCH_POSTGRES_URL names a PostgreSQL server, on PostgreSQL
//! (in a throwaway database). Reports the file's size, the time to check and import it, and
//! the time to refuse the same file with one bad row at its end. A figure, not a test.

mod common;

use std::time::Instant;

use roundtable::AppState;
use roundtable::membership::import;

const ORGANISATIONS: usize = 10_000;
const PEOPLE_EACH: usize = 5;

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
    let admin = common::bootstrap(&mut conn, "Bench");
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
    let settings = common::settings(dir.path(), common::sqlite_url(dir.path()), 4);
    let state = AppState::open(settings).expect("open SQLite");
    run("SQLite", &state);
    drop(state);
    common::on_throwaway_postgres(|url| {
        let state = AppState::open(common::settings(dir.path(), url, 4)).expect("open PostgreSQL");
        run("PostgreSQL", &state);
    });
}
