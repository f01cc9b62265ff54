//! Fresh databases for tests.

use diesel::{Connection, PgConnection, RunQueryDsl};
use tempfile::TempDir;

pub const POSTGRES_URL_VAR: &str = "ROUNDTABLE_TEST_POSTGRES_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "ROUNDTABLE_REQUIRE_POSTGRES";

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    /// The URL of a PostgreSQL server whose user may create databases.
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

/// SQLite always; PostgreSQL when its URL is given. CI sets ROUNDTABLE_REQUIRE_POSTGRES so
/// that a missing URL fails instead of quietly testing one backend.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => all.push(Backend::Postgres(url)),
        _ => assert!(
            std::env::var(REQUIRE_POSTGRES_VAR).is_err(),
            "{REQUIRE_POSTGRES_VAR} is set but {POSTGRES_URL_VAR} is not"
        ),
    }
    all
}

pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    pub dir: TempDir,
    postgres_database: Option<(String, String)>,
}

impl TestDb {
    pub fn create(backend: &Backend) -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        match backend {
            Backend::Sqlite => TestDb {
                url: format!(
                    "sqlite://{}",
                    dir.path().join("roundtable.sqlite3").display()
                ),
                backend: backend.clone(),
                dir,
                postgres_database: None,
            },
            Backend::Postgres(server) => {
                let name = format!(
                    "rt_test_{}_{}",
                    std::process::id(),
                    roundtable::auth::tokens::random_token(6)
                        .to_lowercase()
                        .replace(['-', '_'], "x")
                );
                let mut admin =
                    PgConnection::establish(server).expect("connect to the test PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .expect("create a test database");
                let mut url = url::Url::parse(server).expect("a PostgreSQL URL");
                url.set_path(&format!("/{name}"));
                TestDb {
                    url: url.to_string(),
                    backend: backend.clone(),
                    dir,
                    postgres_database: Some((server.clone(), name)),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres_database
            && let Ok(mut admin) = PgConnection::establish(server)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}
