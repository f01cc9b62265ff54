//! `cargo bench --bench pages`: the pages people use, measured on a large coalition (400
//! organisations, ten years of records: `roundtable demo --scale large`, built once into
//! target/bench-data and reused; ROUNDTABLE_BENCH_FRESH=1 builds it again). The release
//! server is started on it and driven over real HTTP at 64 connections by a load generator
//! in this benchmark; for each page it prints requests per second, p50 and p99, its share
//! of `/healthz` measured in the same run, the queries one request costs (Server-Timing),
//! and at the end the server's peak resident memory. On SQLite, and on PostgreSQL too when
//! ROUNDTABLE_BENCH_POSTGRES_URL names a server (a throwaway database). Figures, not tests.

#[path = "../common/mod.rs"]
mod common;
mod load;
mod peer;
mod setup;

use std::time::Duration;

use load::{Connection, drive, get};

const CONNECTIONS: usize = 64;
const WARM_UP: Duration = Duration::from_millis(500);
const MEASURED: Duration = Duration::from_secs(3);

/// A page to measure: its name, who asks (a session cookie, or none), the path, extra
/// headers, and the status it answers with.
struct Page {
    name: String,
    cookie: Option<String>,
    path: String,
    headers: Vec<(String, String)>,
    expected: u16,
}

fn page(name: &str, cookie: Option<&str>, path: &str, expected: u16) -> Page {
    Page {
        name: name.into(),
        cookie: cookie.map(str::to_owned),
        path: path.into(),
        headers: Vec::new(),
        expected,
    }
}

/// What the load accepts, as a browser asks: `gzip, deflate, br`.
/// `ROUNDTABLE_BENCH_ACCEPT_ENCODING=identity` asks for plain answers, as the benchmark did
/// until session 12 (a kept page was then compressed again at every answer to a browser).
fn accept_encoding() -> String {
    std::env::var("ROUNDTABLE_BENCH_ACCEPT_ENCODING").unwrap_or_else(|_| "gzip, deflate, br".into())
}

fn request_of(p: &Page) -> Vec<u8> {
    let encoding = accept_encoding();
    let mut extra: Vec<(&str, &str)> = p
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    extra.push(("Accept-Encoding", &encoding));
    if let Some(cookie) = &p.cookie {
        extra.push(("Cookie", cookie));
    }
    get(&p.path, &extra)
}

/// The queries one request of `p` costs, from its Server-Timing header.
async fn queries(addr: &str, p: &Page) -> Option<u64> {
    let mut c = Connection::open(addr).await.ok()?;
    let answer = c.exchange(&request_of(p)).await.ok()?;
    let timing = answer.header("server-timing")?;
    let (_, after) = timing.split_once("desc=\"")?;
    after.split_whitespace().next()?.parse().ok()
}

/// Drives `request` on every server at once, the connections shared among them; the
/// figures of all together (requests per second added, the worst p99 and p50).
async fn drive_all(servers: &[&setup::Server], request: &[u8], expected: u16) -> load::Figures {
    let each = CONNECTIONS / servers.len();
    let runs = servers
        .iter()
        .map(|s| drive(&s.addr, request, expected, each, WARM_UP, MEASURED));
    let all = futures_util::future::join_all(runs).await;
    load::Figures {
        wrong: all.iter().map(|f| f.wrong).sum(),
        per_second: all.iter().map(|f| f.per_second).sum(),
        p50: all.iter().map(|f| f.p50).max().unwrap_or_default(),
        p99: all.iter().map(|f| f.p99).max().unwrap_or_default(),
    }
}

/// Measures every page on `servers` (one, or several instances on one database, driven at
/// the same time with the same sessions: a reverse proxy may send a request to any).
fn run(title: &str, servers: &[&setup::Server]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let first = servers[0];
    let pages = runtime.block_on(setup::pages(first));
    println!(
        "\n{title}: {} organisations, {CONNECTIONS} connections, {} s per page after {} ms of warm-up, Accept-Encoding: {}",
        first.organisations,
        MEASURED.as_secs(),
        WARM_UP.as_millis(),
        accept_encoding()
    );
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>8} {:>9} {:>6} {:>8}",
        "page", "req/s", "p50 ms", "p99 ms", "healthz", "queries", "wrong", "peak MB"
    );
    let healthz = page("/healthz", None, "/healthz", 200);
    let base = runtime.block_on(drive_all(servers, &request_of(&healthz), 200));
    // The first server's peak resident memory so far: which page raised it.
    let row = |p: &Page, f: &load::Figures, q: String| {
        println!(
            "{:<34} {:>9.0} {:>9.2} {:>9.2} {:>7.1}% {:>9} {:>6} {:>8}",
            p.name,
            f.per_second,
            f.p50.as_secs_f64() * 1000.0,
            f.p99.as_secs_f64() * 1000.0,
            f.per_second * 100.0 / base.per_second.max(1.0),
            q,
            f.wrong,
            first.memory().0
        );
    };
    row(&healthz, &base, "-".into());
    for p in &pages {
        // The first request renders; the second may be answered from memory.
        let rendered = runtime.block_on(queries(&first.addr, p));
        let again = runtime.block_on(queries(&first.addr, p));
        let q = match (rendered, again) {
            (Some(r), Some(a)) if r != a => format!("{r}, then {a}"),
            (Some(r), _) => r.to_string(),
            _ => "-".into(),
        };
        let f = runtime.block_on(drive_all(servers, &request_of(p), p.expected));
        row(p, &f, q);
    }
    // The yardstick again: it moves within a run (session 13: 6,000 req/s first, 17,000
    // at the end; asked with gzip, its 36 bytes of JSON are compressed for each answer),
    // and the shares above are only as good as it.
    let again = page("/healthz, again at the end", None, "/healthz", 200);
    let end = runtime.block_on(drive_all(servers, &request_of(&again), 200));
    row(&again, &end, "-".into());
    for s in servers {
        let (peak, now) = s.memory();
        println!(
            "server at {}: resident memory peak {peak} MB, at the end {now} MB",
            s.addr
        );
    }
}

fn main() {
    // `cargo bench` passes --bench; a filter after `--` is not used.
    let sqlite = setup::Server::start_sqlite(&[]);
    run("SQLite, pages kept until the data changes", &[&sqlite]);
    peer::icalendar_figures(&sqlite);
    drop(sqlite);
    if std::env::var_os("ROUNDTABLE_BENCH_KEPT_ONLY").is_some() {
        return; // a quicker look at the kept run alone
    }
    let sqlite = setup::Server::start_sqlite(&[("PAGE_CACHE_MB", "0")]);
    run(
        "SQLite, every request rendered (PAGE_CACHE_MB=0)",
        &[&sqlite],
    );
    drop(sqlite);
    common::on_throwaway_postgres(|url| {
        let server = setup::Server::start_postgres(&url);
        run("PostgreSQL", &[&server]);
        let second = server.another_instance();
        run(
            "PostgreSQL, two instances on one database driven at once",
            &[&server, &second],
        );
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(setup::instances_agree(&server, &second));
    });
}
