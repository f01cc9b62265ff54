//! The test-app builder: a fresh, migrated database per app (an SQLite file in a temporary
//! folder, or a new PostgreSQL database dropped afterwards), the real App, and a client that
//! keeps the session cookie and the CSRF token like a browser would.

#![allow(dead_code)]

pub mod client;
mod database;
pub mod fixtures;
pub mod smtp;

use actix_web::web;
use roundtable::AppState;
use roundtable::auth::model::Person;
use roundtable::auth::store::{self, PersonDraft};
use roundtable::config::{Settings, ThrottlePolicy};
use roundtable::db::{DbConn, PooledConn};

pub use client::Client;
pub use database::{Backend, TestDb, backends};

pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const ADMIN_PASSWORD: &str = "a long admin password";
/// The SECRET_KEY of every test app (the command line, run by tests, is given the same).
pub const TEST_SECRET: &str = "a test secret key that is long enough to use";

/// One running app over one fresh database.
pub struct TestApp {
    // Declared before `db` so the pool closes before the database is dropped.
    pub state: web::Data<AppState>,
    pub db: TestDb,
}

impl TestApp {
    pub fn new(backend: &Backend) -> TestApp {
        TestApp::with_settings(backend, |_| {})
    }

    pub fn with_settings(backend: &Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        TestApp::with_state(backend, adjust, |_| {})
    }

    /// With the settings and then the opened state (mail transport and policy) adjusted.
    pub fn with_state(
        backend: &Backend,
        adjust: impl FnOnce(&mut Settings),
        adjust_state: impl FnOnce(&mut AppState),
    ) -> TestApp {
        let db = TestDb::create(backend);
        let mut settings = Settings {
            data_dir: db.dir.path().to_path_buf(),
            database_url: db.url.clone(),
            bind: "127.0.0.1:0".into(),
            base_url: "http://roundtable.test".into(),
            smtp_url: None,
            mail_from: "roundtable@roundtable.test".into(),
            smtp_connections: 4,
            cookie_key: roundtable::config::derive_cookie_key(TEST_SECRET),
            audit_key: roundtable::config::derive_audit_key(TEST_SECRET),
            session_idle: std::time::Duration::from_secs(3600),
            session_max: std::time::Duration::from_secs(12 * 3600),
            throttle: ThrottlePolicy::default(),
            trusted_proxies: Vec::new(),
            setup_link_valid: std::time::Duration::from_secs(3600),
            db_pool_size: 4,
            page_cache_bytes: 4 << 20,
            server_timing: true,
        };
        adjust(&mut settings);
        let mut state = AppState::open(settings).expect("the app opens its database");
        adjust_state(&mut state);
        TestApp {
            state: web::Data::new(state),
            db,
        }
    }

    pub fn conn(&self) -> PooledConn {
        self.state.pool.get().expect("a pooled connection")
    }

    pub async fn client(&self) -> Client<impl client::AppService> {
        client_of(self.state.clone()).await
    }

    /// Another instance on the same database, with the same settings (as a second `serve`
    /// behind a reverse proxy): its own pool, its own kept pages.
    pub fn another_instance(&self) -> web::Data<AppState> {
        let state = AppState::open(self.state.settings.clone()).expect("a second instance opens");
        web::Data::new(state)
    }

    /// The coalition and its first administrator, as the set-up link would create them.
    pub fn bootstrap(&self) -> Person {
        let admin = PersonDraft {
            name: "Ada Admin",
            email: ADMIN_EMAIL,
            password: Some(ADMIN_PASSWORD),
            is_admin: true,
        };
        store::bootstrap(
            &mut self.conn(),
            None,
            "Test Coalition",
            "Europe/Brussels",
            &admin,
        )
        .expect("bootstrap")
    }

    /// A person without special roles.
    pub fn add_member(&self, name: &str, email: &str, password: &str) -> Person {
        let draft = PersonDraft {
            name,
            email,
            password: Some(password),
            is_admin: false,
        };
        store::add_person_from_console(&mut self.conn(), &draft).expect("add person")
    }

    pub fn with_conn<T>(&self, work: impl FnOnce(&mut DbConn) -> T) -> T {
        work(&mut self.conn())
    }

    /// The path of the latest link mailed to `email` that contains `marker` ("/invitation/",
    /// "/password/reset/"), read from the outbox: links reach people only by mail.
    pub fn mailed_link(&self, email: &str, marker: &str) -> Option<String> {
        use diesel::prelude::*;
        use roundtable::db::schema::{outbox_deliveries, outbox_messages};
        let bodies: Vec<String> = self.with_conn(|c| {
            outbox_deliveries::table
                .inner_join(outbox_messages::table)
                .filter(outbox_deliveries::recipient_email.eq(email.to_lowercase()))
                .order(outbox_deliveries::id.desc())
                .select(outbox_messages::text_body)
                .load(c)
                .expect("outbox")
        });
        bodies.iter().find_map(|body| {
            body.split_whitespace()
                .find(|w| w.contains(marker))
                .map(|w| match w.find(marker) {
                    Some(at) => w[at..].trim_end_matches(['.', ',', ')']).to_owned(),
                    None => w.to_owned(),
                })
        })
    }

    /// The token of the latest invitation mailed to `email`.
    pub fn invitation_token(&self, email: &str) -> String {
        self.mailed_link(email, "/invitation/")
            .expect("an invitation was mailed")
            .trim_start_matches("/invitation/")
            .to_owned()
    }
}

/// The demo's login whose role line contains `role` ("as a member", "administrator").
/// A browser talking to the instance `state`.
pub async fn client_of(state: web::Data<AppState>) -> Client<impl client::AppService> {
    Client::new(actix_web::test::init_service(roundtable::build_app(state)).await)
}

pub fn demo_login<'a>(
    logins: &'a [roundtable::cli::DemoLogin],
    role: &str,
) -> &'a roundtable::cli::DemoLogin {
    logins
        .iter()
        .find(|l| l.role.contains(role))
        .unwrap_or_else(|| panic!("no {role} login"))
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A process this test started, killed when dropped however the test ends: an assertion
/// that fails before the test stops it must not leave a server running.
pub struct Process(pub std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for Process {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Process {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

/// Waits until something accepts connections on `port` (a server started as a process).
pub fn wait_until_serving(port: u16) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Runs a scenario on every backend under test, saying which one is running so a failure
/// names it.
#[macro_export]
macro_rules! on_each_backend {
    (|$backend:ident| $body:expr) => {
        for $backend in $crate::common::backends() {
            eprintln!("--- on {}", $backend.name());
            $body.await;
        }
    };
}
