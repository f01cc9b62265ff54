//! A peer where it is fair: the personal feed the benchmark measures, written by Python's
//! `icalendar` (PyPI) beside this service writing the same events. Both time serialisation
//! alone, from events already in memory: here `meetings::ical::calendar` over the feed's
//! meetings as the feed builds them; there `Calendar.to_ical()` of the served feed, parsed
//! once. `icalendar` is installed into target/bench-data/python when missing.

use std::process::Command;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use roundtable::db::schema::meetings;
use roundtable::meetings::model::Meeting;

use super::load::{Connection, get};
use super::setup::{Server, root};

const PYTHON_SIDE: &str = r#"
import sys, time
from icalendar import Calendar
data = open(sys.argv[1], 'rb').read()
started = time.perf_counter()
calendar = Calendar.from_ical(data)
parsed = time.perf_counter() - started
n, started = 0, time.perf_counter()
while time.perf_counter() - started < 2.0:
    calendar.to_ical()
    n += 1
print(n / (time.perf_counter() - started), parsed * 1000)
"#;

/// A Python that imports `icalendar`, with the PYTHONPATH it needs; None when it cannot be
/// had (no network to PyPI).
fn python_with_icalendar() -> Option<String> {
    let imports = |path: &str| {
        Command::new("python3")
            .args(["-c", "import icalendar"])
            .env("PYTHONPATH", path)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let target = root().join("target/bench-data/python");
    let target = target.display().to_string();
    if imports(&target) {
        return Some(target);
    }
    let installed = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--target",
            &target,
            "icalendar",
        ])
        .status()
        .is_ok_and(|s| s.success());
    (installed && imports(&target)).then_some(target)
}

fn version_of_icalendar(path: &str) -> String {
    Command::new("python3")
        .args(["-c", "import icalendar; print(icalendar.__version__)"])
        .env("PYTHONPATH", path)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

pub fn icalendar_figures(server: &Server) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let body = runtime.block_on(async {
        let mut c = Connection::open(&server.addr).await.expect("connect");
        let answer = c
            .exchange(&get(&server.feed_path(), &[]))
            .await
            .expect("feed");
        answer.text()
    });
    let uids: Vec<String> = body
        .lines()
        .filter_map(|l| l.strip_prefix("UID:"))
        .map(str::to_owned)
        .collect();

    // This service: the same events, written again and again for two seconds.
    let folder = tempfile::tempdir().expect("a folder");
    let state = roundtable::AppState::open(super::common::settings(
        folder.path(),
        server.database_url(),
        1,
    ))
    .expect("open the database");
    let mut conn = state.pool.get().expect("connection");
    let list: Vec<Meeting> = meetings::table
        .filter(meetings::uid.eq_any(&uids))
        .order(meetings::starts_at)
        .select(Meeting::as_select())
        .load(&mut conn)
        .expect("the feed's meetings");
    let events: Vec<_> = list
        .iter()
        .map(|m| {
            roundtable::meetings::feeds::event(&mut conn, m, "http://127.0.0.1").expect("event")
        })
        .collect();
    let (mut n, started) = (0u64, Instant::now());
    while started.elapsed() < Duration::from_secs(2) {
        std::hint::black_box(roundtable::meetings::ical::calendar("Feed", None, &events));
        n += 1;
    }
    let ours = n as f64 / started.elapsed().as_secs_f64();
    println!(
        "\nThe personal feed's {} events written from memory, one thread: this service {ours:.0} times/s",
        events.len()
    );

    let Some(path) = python_with_icalendar() else {
        println!("Python's icalendar: not measured (it could not be installed from PyPI)");
        return;
    };
    let file = root().join("target/bench-data/feed.ics");
    std::fs::write(&file, &body).expect("keep the feed");
    let out = Command::new("python3")
        .args(["-c", PYTHON_SIDE, &file.display().to_string()])
        .env("PYTHONPATH", &path)
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut figures = text
        .split_whitespace()
        .filter_map(|f| f.parse::<f64>().ok());
    match (figures.next(), figures.next()) {
        (Some(theirs), Some(parse_ms)) => println!(
            "Python's icalendar {}: {theirs:.0} times/s ({:.0}x slower; parsing the feed once took it {parse_ms:.0} ms)",
            version_of_icalendar(&path),
            ours / theirs.max(f64::MIN_POSITIVE)
        ),
        _ => println!(
            "Python's icalendar: no figure ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
    }
}
