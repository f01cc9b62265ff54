//! The large coalition and the release server on it: built once (SQLite, into
//! target/bench-data) or into a throwaway PostgreSQL database; the pages to measure, with
//! the sessions of those who read them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use roundtable::AppState;
use roundtable::db::schema::{
    approval_rounds, complaints, meetings, organisations, people, statements,
};

use super::load::{Answer, Connection, get, post_form};
use super::{Page, page};

const BINARY: &str = env!("CARGO_BIN_EXE_roundtable");

/// What the pages are about, found in the data before the server starts.
#[derive(Clone)]
struct Targets {
    organisation: i64,
    plenary: i64,
    open_statement: i64,
    published_statement: i64,
    complaint: Option<i64>,
    evaluation: i64,
    feed_token: String,
}

pub struct Server {
    child: Child,
    pub addr: String,
    base_url: String,
    pub organisations: i64,
    logins: Vec<(String, String, String)>,
    targets: Targets,
    /// What it was started with (another instance on the same database starts alike).
    env: Vec<(&'static str, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `roundtable demo --scale large` with `env`; its logins, as (role, email, password).
fn build(env: &[(&str, String)]) -> String {
    eprintln!("Building the large coalition (it takes minutes)... ");
    let mut command = Command::new(BINARY);
    command
        .args(["demo", "--scale", "large"])
        .env_remove("DATABASE_URL")
        .stderr(Stdio::inherit());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("run the demo");
    assert!(out.status.success(), "the large demo failed");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn parse_logins(text: &str) -> Vec<(String, String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(email) = line.trim().strip_prefix("email:") {
            let role = lines[i - 1].trim().trim_end_matches(':').to_owned();
            let password = lines
                .get(i + 1)
                .and_then(|l| l.trim().strip_prefix("password:"))
                .unwrap_or_default();
            out.push((role, email.trim().to_owned(), password.trim().to_owned()));
        }
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The pages' subjects; a ten-year evaluation and a feed address are made for the bench.
fn targets(state: &AppState) -> Targets {
    let mut conn = state.pool.get().expect("connection");
    let conn = &mut conn;
    let organisation = organisations::table
        .filter(organisations::short_name.eq("M200"))
        .select(organisations::id)
        .first(conn)
        .expect("a large-demo organisation");
    let plenary = meetings::table
        .filter(meetings::kind.eq("plenary"))
        .filter(meetings::status.eq("minutes_approved"))
        .order(meetings::starts_at.desc())
        .select(meetings::id)
        .first(conn)
        .expect("a held plenary");
    let open_statement = approval_rounds::table
        .filter(approval_rounds::status.eq("open"))
        .order(approval_rounds::id.desc())
        .select(approval_rounds::statement_id)
        .first(conn)
        .expect("an open round");
    let published_statement = statements::table
        .filter(statements::status.eq("published"))
        .order(statements::id.desc())
        .select(statements::id)
        .first(conn)
        .expect("a published statement");
    let complaint = complaints::table
        .select(complaints::id)
        .first(conn)
        .optional()
        .expect("complaints");
    let today = roundtable::coalition::today(conn).expect("today");
    let secretariat = {
        let (_, holders) = roundtable::secretariat::store::holders_on(conn, today)
            .expect("holders")
            .expect("a secretariat");
        let person =
            roundtable::membership::organisations::primary_representative(conn, holders[0])
                .expect("read")
                .expect("a representative");
        let person = roundtable::auth::store::find(conn, person).expect("person");
        roundtable::actor::actor_for(conn, person).expect("actor")
    };
    let title = "Ten years of the coalition";
    let evaluation = match roundtable::evaluations::store::visible(conn, &secretariat)
        .expect("evaluations")
        .into_iter()
        .find(|e| e.title == title)
    {
        Some(e) => e.id,
        None => {
            roundtable::evaluations::store::create(
                conn,
                &secretariat,
                &roundtable::evaluations::store::EvaluationInput {
                    title: title.into(),
                    kind: "mid_term".into(),
                    period_from: today.checked_sub_months(chrono::Months::new(120)),
                    period_until: Some(today),
                    questionnaire_opens: None,
                    questionnaire_closes: None,
                    report_due: None,
                    plenary_meeting_id: None,
                },
            )
            .expect("a ten-year evaluation")
            .id
        }
    };
    // Every indicator over the ten years, computed straight from the records (the page
    // computes them twice: the period and the one before).
    let from = today
        .checked_sub_months(chrono::Months::new(120))
        .unwrap_or(today);
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            roundtable::evaluations::indicators::compute(conn, from, today).expect("indicators");
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "every indicator for ten years ({from} to {today}): {:.0} ms (median of 5; fastest {:.0} ms)",
        times[2], times[0]
    );
    // The personal feed of someone in a working group: their plenaries and the group's.
    let person: i64 = people::table
        .filter(people::email.eq("p1@m000.example"))
        .select(people::id)
        .first(conn)
        .expect("a large-demo person");
    let feed_token = roundtable::meetings::feeds::renew_feed_token(conn, person).expect("feed");
    Targets {
        organisation,
        plenary,
        open_statement,
        published_statement,
        complaint,
        evaluation,
        feed_token,
    }
}

impl Server {
    fn start(env: Vec<(&'static str, String)>, logins: &str, state: &AppState) -> Server {
        let targets = targets(state);
        let organisations: i64 = {
            let mut conn = state.pool.get().expect("connection");
            organisations::table
                .filter(organisations::status.eq_any(["full", "associate"]))
                .count()
                .get_result(&mut conn)
                .expect("count")
        };
        Server::spawn(env, parse_logins(logins), targets, organisations, None)
    }

    fn spawn(
        env: Vec<(&'static str, String)>,
        logins: Vec<(String, String, String)>,
        targets: Targets,
        organisations: i64,
        base_url: Option<String>,
    ) -> Server {
        let addr = format!("127.0.0.1:{}", free_port());
        // Instances behind one proxy share the address people use (links, feeds' ETags).
        let base_url = base_url.unwrap_or_else(|| format!("http://{addr}"));
        let mut command = Command::new(BINARY);
        command
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env("BIND", &addr)
            .env("BASE_URL", &base_url)
            .env("SERVER_TIMING", "true")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in &env {
            command.env(k, v);
        }
        let child = command.spawn().expect("start the server");
        let waited = Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                waited.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Server {
            child,
            addr,
            base_url,
            organisations,
            logins,
            targets,
            env,
        }
    }

    /// The database it serves (the data folder's SQLite file unless DATABASE_URL is set).
    pub fn database_url(&self) -> String {
        let of = |name: &str| {
            self.env
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        };
        of("DATABASE_URL").unwrap_or_else(|| {
            let dir = of("ROUNDTABLE_DATA_DIR").unwrap_or_default();
            format!("sqlite://{dir}/roundtable.sqlite3")
        })
    }

    /// The personal feed measured (its address).
    pub fn feed_path(&self) -> String {
        format!("/calendar/feed/{}.ics", self.targets.feed_token)
    }

    /// A second `serve` on the same database and data folder (so the same secret key: a
    /// browser's cookie is good on both, as behind a reverse proxy).
    pub fn another_instance(&self) -> Server {
        Server::spawn(
            self.env.clone(),
            self.logins.clone(),
            self.targets.clone(),
            self.organisations,
            Some(self.base_url.clone()),
        )
    }

    /// On the large coalition in target/bench-data, with `extra` settings.
    pub fn start_sqlite(extra: &[(&'static str, &str)]) -> Server {
        let dir = root().join("target/bench-data/large-sqlite");
        let logins_file = dir.join("logins.txt");
        if std::env::var_os("ROUNDTABLE_BENCH_FRESH").is_some() || !logins_file.exists() {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("bench data folder");
            let logins = build(&[("ROUNDTABLE_DATA_DIR", dir.display().to_string())]);
            std::fs::write(&logins_file, logins).expect("keep the logins");
        }
        let logins = std::fs::read_to_string(&logins_file).expect("logins");
        let url = format!("sqlite://{}", dir.join("roundtable.sqlite3").display());
        let state = AppState::open(super::common::settings(&dir, url, 2)).expect("open");
        let mut env = vec![("ROUNDTABLE_DATA_DIR", dir.display().to_string())];
        env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        Server::start(env, &logins, &state)
    }

    pub fn start_postgres(url: &str) -> Server {
        let dir = tempfile::tempdir().expect("temp");
        let path: &Path = dir.path();
        let env = vec![
            ("ROUNDTABLE_DATA_DIR", path.display().to_string()),
            ("DATABASE_URL", url.to_owned()),
        ];
        let logins = build(&env);
        let state = AppState::open(super::common::settings(path, url.to_owned(), 2)).expect("open");
        let server = Server::start(env, &logins, &state);
        std::mem::forget(dir); // the server keeps using the folder until it stops
        server
    }

    /// The server's peak and current resident memory, in MB (Linux).
    pub fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|kb| kb.parse::<u64>().ok())
                .map(|kb| kb / 1024)
                .unwrap_or(0)
        };
        (field("VmHWM:"), field("VmRSS:"))
    }

    fn login(&self, role: &str) -> Option<&(String, String, String)> {
        self.logins.iter().find(|(r, _, _)| r.contains(role))
    }
}

/// Signs in over HTTP; the session cookie.
async fn sign_in(addr: &str, email: &str, password: &str) -> String {
    let mut c = Connection::open(addr).await.expect("connect");
    let page = c.exchange(&get("/login", &[])).await.expect("login page");
    let cookie: Vec<&str> = page.set_cookies().collect();
    let cookie = cookie.join("; ");
    let token = form_token(&page.text());
    let form = serde_urlencoded::to_string([
        ("email", email),
        ("password", password),
        ("csrf_token", token.as_str()),
    ])
    .expect("form");
    let answer = c
        .exchange(&post_form("/login", &[("Cookie", &cookie)], &form))
        .await
        .expect("sign in");
    assert_eq!(answer.status, 303, "sign-in of {email}: {}", answer.text());
    let cookie = answer.set_cookies().collect::<Vec<_>>().join("; ");
    // The first page takes the welcome waiting in the session: the cookie after it is the
    // one a browser goes on with.
    let home = c
        .exchange(&get("/", &[("Cookie", &cookie)]))
        .await
        .expect("the first page");
    let after: Vec<&str> = home.set_cookies().collect();
    if after.is_empty() {
        cookie
    } else {
        after.join("; ")
    }
}

/// Two instances on one database agree: a feed kept by the second stops answering as soon
/// as the first gives its owner a new address, and signing out through the second ends the
/// session on the first. Panics otherwise (the benchmark's figures would mean nothing).
pub async fn instances_agree(first: &Server, second: &Server) {
    let (_, email, password) = first.login("as a member").expect("a demo login");
    let cookie = sign_in(&first.addr, email, password).await;
    let mut a = Connection::open(&first.addr).await.expect("connect");
    let mut b = Connection::open(&second.addr).await.expect("connect");
    let feed = renew_feed(&mut a, &cookie).await;
    for _ in 0..2 {
        let answer = b.exchange(&get(&feed, &[])).await.expect("the feed");
        assert_eq!(
            answer.status, 200,
            "the second instance answers the new feed"
        );
    }
    let newer = renew_feed(&mut a, &cookie).await;
    let old = b.exchange(&get(&feed, &[])).await.expect("the old feed");
    assert_eq!(
        old.status, 404,
        "the second instance saw the change at once"
    );
    let answer = b.exchange(&get(&newer, &[])).await.expect("the newer feed");
    assert_eq!(answer.status, 200);
    println!("two instances agree: a change through one is seen at once by the other");
    let out = press(&mut b, &cookie, "/meetings", "/logout").await;
    assert_eq!(out.status, 303);
    let after = a
        .exchange(&get("/meetings", &[("Cookie", &cookie)]))
        .await
        .expect("the calendar");
    assert_eq!(after.status, 303, "signed out through the other instance");
    println!("two instances agree: signing out through one ends the session on the other");
}

/// Asks for a new feed address through `c`, as its owner on the calendar page does; the
/// address, from the message shown once.
async fn renew_feed(c: &mut Connection, cookie: &str) -> String {
    let answer = press(c, cookie, "/meetings", "/calendar/feed").await;
    assert_eq!(answer.status, 303);
    let with_message = answer.set_cookies().collect::<Vec<_>>().join("; ");
    let page = c
        .exchange(&get("/meetings", &[("Cookie", &with_message)]))
        .await
        .expect("the calendar with its message");
    let text = page.text();
    let link = text
        .split("/calendar/feed/")
        .nth(1)
        .and_then(|rest| rest.split(".ics").next())
        .expect("the new feed's link");
    format!("/calendar/feed/{link}.ics")
}

/// Presses a one-button form of `page` (posting to `action` with the page's CSRF token).
async fn press(c: &mut Connection, cookie: &str, page: &str, action: &str) -> Answer {
    let shown = c
        .exchange(&get(page, &[("Cookie", cookie)]))
        .await
        .expect("the page");
    let token = form_token(&shown.text());
    let form = serde_urlencoded::to_string([("csrf_token", token.as_str())]).expect("form");
    c.exchange(&post_form(action, &[("Cookie", cookie)], &form))
        .await
        .expect("the form's answer")
}

/// The CSRF token a page's forms carry.
fn form_token(text: &str) -> String {
    text.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("a form token")
        .to_owned()
}

/// Every page the issue names, with who reads it.
pub async fn pages(server: &Server) -> Vec<Page> {
    let addr = server.addr.as_str();
    let mut sessions = Vec::new();
    for role in [
        "as the secretariat",
        "as a member",
        "authoriser",
        "administrator",
    ] {
        let (_, email, password) = server.login(role).expect("a demo login");
        sessions.push(sign_in(addr, email, password).await);
    }
    let [secretariat, member, authoriser, admin] = [0, 1, 2, 3].map(|i| sessions[i].as_str());
    let t = &server.targets;
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let feed = format!("/calendar/feed/{}.ics", t.feed_token);
    let mut c = Connection::open(addr).await.expect("connect");
    let first = c.exchange(&get(&feed, &[])).await.expect("feed");
    let etag = first.header("etag").unwrap_or_default().to_owned();
    let events = first.text().matches("BEGIN:VEVENT").count();
    let mut list = vec![
        page("dashboard (secretariat)", Some(secretariat), "/", 200),
        page("dashboard (member)", Some(member), "/", 200),
        page("dashboard (authoriser)", Some(authoriser), "/", 200),
        page("directory", Some(member), "/organisations", 200),
        page(
            "organisation page",
            Some(member),
            &format!("/organisations/{}", t.organisation),
            200,
        ),
        page(
            "calendar month",
            Some(member),
            &format!("/meetings?month={month}"),
            200,
        ),
        page("past meetings", Some(member), "/meetings/past", 200),
        page(
            "meeting page (400 members)",
            Some(secretariat),
            &format!("/meetings/{}", t.plenary),
            200,
        ),
        page("statements list", Some(member), "/statements", 200),
        page(
            "statement page (400 board)",
            Some(member),
            &format!("/statements/{}", t.open_statement),
            200,
        ),
        page(
            "public statement",
            None,
            &format!("/public/statements/{}", t.published_statement),
            200,
        ),
        page(
            &format!("personal feed ({events} events)"),
            None,
            &feed,
            200,
        ),
    ];
    let mut not_modified = page(&format!("personal feed, 304 ({events})"), None, &feed, 304);
    not_modified.headers.push(("If-None-Match".into(), etag));
    list.push(not_modified);
    list.push(page("public feed", None, "/calendar/public.ics", 200));
    list.push(page("audit page", Some(admin), "/admin/audit", 200));
    if let Some(id) = t.complaint {
        list.push(page(
            "complaint page (register)",
            Some(secretariat),
            &format!("/complaints/{id}"),
            200,
        ));
    }
    list.push(page(
        "evaluation, ten years",
        Some(secretariat),
        &format!("/evaluations/{}", t.evaluation),
        200,
    ));
    list
}
