//! `cargo bench --bench mail`: queues one agenda mail to 2,000 recipients, delivers it to an
//! SMTP receiver on loopback (standing in for a relay elsewhere, see `receiver_cores`), and
//! reports messages per second and the latency of a page (p50, p99, asked for every 2 ms)
//! while the delivery runs, against the same page at rest.
//! A figure, not a test.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use actix_web::{HttpServer, web};
use chrono::NaiveTime;
use diesel::prelude::*;
use roundtable::AppState;
use roundtable::config::Settings;
use roundtable::db::schema::meeting_guests;
use roundtable::mail::sink::{Cores, Sink};
use roundtable::meetings::agenda::{self, ItemInput};
use roundtable::meetings::rules::Kind;
use roundtable::meetings::store::MeetingInput;

const RECIPIENTS: usize = 2000;

fn get(port: u16, path: &str) -> Duration {
    let start = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut body = Vec::new();
    stream.read_to_end(&mut body).expect("response");
    assert!(
        body.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&body[..body.len().min(200)])
    );
    start.elapsed()
}

/// A page asked for every 2 ms (not as fast as it answers: a probe that took a core would
/// measure itself, and slow the delivery it watches).
const PROBE_EVERY: Duration = Duration::from_millis(2);

/// Probes at rest: as many as the delivery takes (about six seconds), so a p99 is the 30th
/// slowest of either, not the 10th of one, which moved by half from run to run.
const AT_REST: usize = 3000;

/// The page asked: `/login` (rendered every time: a new visitor's form and CSRF token), or
/// what `MAIL_BENCH_PROBE` names (`/healthz` tells the machine's share of a slow answer from
/// the page's).
fn probe_path() -> String {
    std::env::var("MAIL_BENCH_PROBE").unwrap_or_else(|_| "/login".into())
}

/// The receiver stands in for a relay on another machine: by default it takes only the cores
/// the server leaves idle (its 16 threads on this machine's two cores otherwise compete with
/// the server for them, which a relay elsewhere does not). `MAIL_BENCH_RECEIVER=shared` runs
/// it as an ordinary program, as a relay on the same machine would.
fn receiver_cores() -> Cores {
    match std::env::var("MAIL_BENCH_RECEIVER").as_deref() {
        Ok("shared") => Cores::Shared,
        _ => Cores::Leftover,
    }
}

fn probe(port: u16, path: &str) -> Duration {
    let took = get(port, path);
    std::thread::sleep(PROBE_EVERY.saturating_sub(took));
    took
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn main() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let cores = receiver_cores();
    let sink = Sink::start("127.0.0.1:0", None, cores).expect("SMTP receiver");
    let settings = Settings {
        smtp_url: Some(sink.url()),
        ..common::settings(dir.path(), common::sqlite_url(dir.path()), 8)
    };
    let state = web::Data::new(AppState::open(settings).expect("open"));
    let mut conn = state.pool.get().expect("connection");
    let admin = common::bootstrap(&mut conn, "Bench Coalition");
    let input = MeetingInput {
        kind: Kind::Plenary,
        group_id: None,
        title: "Benchmark plenary".into(),
        date: chrono::NaiveDate::from_ymd_opt(2030, 3, 12).expect("date"),
        start: NaiveTime::from_hms_opt(10, 0, 0).expect("t"),
        end: NaiveTime::from_hms_opt(13, 0, 0).expect("t"),
        time_zone: None,
        venue_id: None,
        online_url: String::new(),
        public: false,
        media_open: false,
        media_reason: String::new(),
    };
    let meeting = roundtable::meetings::store::create(&mut conn, &admin, &input).expect("meeting");
    let guests: Vec<_> = (0..RECIPIENTS)
        .map(|i| {
            (
                meeting_guests::meeting_id.eq(meeting.id),
                meeting_guests::name.eq(format!("Guest {i}")),
                meeting_guests::email.eq(format!("guest{i}@bench.example")),
                meeting_guests::affiliation.eq(""),
            )
        })
        .collect();
    for chunk in guests.chunks(500) {
        let insert = diesel::insert_into(meeting_guests::table).values(chunk.to_vec());
        match &mut *conn {
            roundtable::db::DbConn::Sqlite(c) => insert.execute(c),
            roundtable::db::DbConn::Postgres(c) => insert.execute(c),
        }
        .expect("guests");
    }
    agenda::add_item(
        &mut conn,
        &admin,
        meeting.id,
        &ItemInput {
            title: "Round of members".into(),
            presenter: String::new(),
            duration_minutes: 30,
            description: String::new(),
            confidential: false,
        },
    )
    .expect("item");
    let queued_at = Instant::now();
    agenda::publish(&mut conn, &admin, meeting.id).expect("publish");
    let queue_time = queued_at.elapsed();
    drop(conn);

    // The web server runs on its own thread and runtime, as in production, so that blocking
    // clients here measure it and not this thread's scheduling.
    let (port_tx, port_rx) = std::sync::mpsc::channel();
    let app_state = state.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || roundtable::build_app(app_state.clone()))
                .workers(1)
                .bind("127.0.0.1:0")
                .expect("bind");
            port_tx.send(server.addrs()[0].port()).expect("port");
            server.run().await.expect("server");
        });
    });
    let port = port_rx.recv().expect("the server's port");
    let path = probe_path();

    actix_web::rt::System::new().block_on(async move {
        let at_rest = path.clone();
        let rest = std::thread::spawn(move || {
            for _ in 0..20 {
                probe(port, &at_rest);
            }
            (0..AT_REST)
                .map(|_| probe(port, &at_rest))
                .collect::<Vec<_>>()
        })
        .join()
        .expect("at rest");

        let started = Instant::now();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let during = path.clone();
        let loaded = std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                samples.push(probe(port, &during));
            }
            samples
        });
        let report = roundtable::schedule::deliver_mail(&state, "bench")
            .await
            .expect("deliver");
        let elapsed = started.elapsed();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let mut loaded = loaded.join().expect("under load");
        let mut rest = rest;

        assert_eq!(report.sent, RECIPIENTS, "every mail delivered");
        assert_eq!(
            sink.received.load(std::sync::atomic::Ordering::SeqCst),
            RECIPIENTS
        );
        println!(
            "mail benchmark: {RECIPIENTS} recipients, SQLite, SMTP on loopback, {} in flight, \
             the receiver on {}",
            state.mail_policy.in_flight,
            match cores {
                Cores::Shared => "shared cores",
                Cores::Leftover => "idle cores only",
            }
        );
        println!(
            "  queueing the agenda (one transaction): {:.0} ms",
            queue_time.as_secs_f64() * 1000.0
        );
        println!(
            "  delivery: {:.2} s, {:.0} messages/s",
            elapsed.as_secs_f64(),
            RECIPIENTS as f64 / elapsed.as_secs_f64()
        );
        let (rest_p99, loaded_p99) = (
            percentile(&mut rest, 0.99).as_secs_f64() * 1000.0,
            percentile(&mut loaded, 0.99).as_secs_f64() * 1000.0,
        );
        println!(
            "  GET {path} at rest:        p50 {:.2} ms, p99 {rest_p99:.2} ms ({} requests)",
            percentile(&mut rest, 0.50).as_secs_f64() * 1000.0,
            rest.len()
        );
        println!(
            "  GET {path} during delivery: p50 {:.2} ms, p99 {loaded_p99:.2} ms ({} requests)",
            percentile(&mut loaded, 0.50).as_secs_f64() * 1000.0,
            loaded.len()
        );
        println!(
            "  p99 during the delivery / at rest: {:.2}",
            loaded_p99 / rest_p99
        );
    });
}
