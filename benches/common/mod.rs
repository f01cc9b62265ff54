//! What the benches share: settings for a throwaway data folder, and a throwaway PostgreSQL
//! database when ROUNDTABLE_BENCH_POSTGRES_URL names a server.

#![allow(dead_code)] // each bench uses what it needs

use std::time::Duration;

use diesel::prelude::*;
use roundtable::config::{Settings, ThrottlePolicy};

pub fn settings(dir: &std::path::Path, database_url: String, pool: u32) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
        database_url,
        bind: "127.0.0.1:0".into(),
        base_url: "http://127.0.0.1".into(),
        smtp_url: None,
        mail_from: "coalition@bench.example".into(),
        smtp_connections: 16,
        cookie_key: [3u8; 64],
        audit_key: roundtable::config::derive_audit_key(
            "a bench secret key that is long enough to use",
        ),
        session_idle: Duration::from_secs(3600),
        session_max: Duration::from_secs(3600),
        throttle: ThrottlePolicy::default(),
        trusted_proxies: Vec::new(),
        setup_link_valid: Duration::from_secs(60),
        db_pool_size: pool,
        page_cache_bytes: 0,
        server_timing: false,
    }
}

/// Names the coalition and creates its administrator, on an empty database; the actor.
pub fn bootstrap(
    conn: &mut roundtable::db::DbConn,
    coalition: &str,
) -> roundtable::auth::permissions::Actor {
    let admin = roundtable::auth::store::PersonDraft {
        name: "Bench Admin",
        email: "admin@bench.example",
        password: Some("bench password"),
        is_admin: true,
    };
    let admin =
        roundtable::auth::store::bootstrap(conn, None, coalition, "Europe/Brussels", &admin)
            .expect("bootstrap");
    roundtable::actor::actor_for(conn, admin).expect("actor")
}

/// The SQLite URL of a fresh database in `dir`.
pub fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("bench.sqlite3").display())
}

/// Runs `bench` with the URL of a fresh PostgreSQL database, dropped afterwards; says it
/// skipped when no server is named.
pub fn on_throwaway_postgres(bench: impl FnOnce(String)) {
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
    bench(url.to_string());
    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .expect("drop the bench database");
}
