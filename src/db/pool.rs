//! The r2d2 pool: our own manager builds the connection variant the URL names and sets the
//! SQLite pragmas on every new connection.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::writer::{NameWriter, writer_for};
use super::{DbConn, DbUrl, run_migrations};
use crate::error::Error;

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// How long a writer waits for SQLite's write lock, or a statement for a PostgreSQL lock,
/// before giving up with "busy" (503 and Retry-After, nothing changed).
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;
pub(super) const SQLITE_BUSY_TIMEOUT: Duration =
    Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS as u64);
const POSTGRES_LOCK_TIMEOUT: &str = "10s";
/// Each SQLite connection's own page cache (see `Manager::establish`).
const SQLITE_PAGE_CACHE_KIB: u32 = 256;

#[derive(Debug)]
pub struct Manager {
    url: DbUrl,
}

impl Manager {
    fn establish(&self) -> Result<DbConn, diesel::ConnectionError> {
        match &self.url {
            DbUrl::Postgres(url) => PgConnection::establish(url).map(DbConn::Postgres),
            DbUrl::Sqlite { path, create } => {
                // diesel opens with SQLITE_OPEN_CREATE, so the existing-file rule is checked here.
                if !create && !std::path::Path::new(path).is_file() {
                    return Err(diesel::ConnectionError::BadConnection(format!(
                        "no SQLite file at {path}"
                    )));
                }
                let mut conn = SqliteConnection::establish(path)?;
                // Each connection's own page cache is 256 KiB instead of SQLite's 2 MB: the
                // operating system caches the file once for all of them, and eight pooled
                // copies cost 17 MB of peak memory on the large coalition with no measurable
                // gain in rendering speed (README, "Performance").
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = -{SQLITE_PAGE_CACHE_KIB};"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        let mut conn = self.establish().map_err(r2d2::Error::ConnectionError)?;
        // Pooled connections only: the migrating connection waits for its advisory lock as
        // long as another instance migrates.
        if let DbConn::Postgres(pg) = &mut conn {
            pg.batch_execute(&format!("SET lock_timeout = '{POSTGRES_LOCK_TIMEOUT}'"))
                .map_err(r2d2::Error::QueryError)?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// Opens the database the URL names, runs its migrations, then hands out the pool.
pub fn connect_pool(database_url: &str, max_size: u32) -> Result<DbPool, Error> {
    connect_pool_with(database_url, max_size, |_| Ok(()))
}

/// `connect_pool`, with `prepare` run on the migrated database before the pool opens its
/// connections: a change it makes to SQLite's schema would have each of them read the
/// schema again, and prepare each of its statements anew, at its next use.
pub fn connect_pool_with(
    database_url: &str,
    max_size: u32,
    prepare: impl FnOnce(&mut DbConn) -> Result<(), Error>,
) -> Result<DbPool, Error> {
    let url = DbUrl::parse(database_url)?;
    if let DbUrl::Sqlite { path, create: true } = &url
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Config(format!(
                "cannot create the folder {} for the database: {e}",
                dir.display()
            ))
        })?;
    }
    let manager = Manager { url };
    let mut first = manager
        .establish()
        .map_err(|e| Error::Config(format!("cannot open the database: {e}")))?;
    run_migrations(&mut first)?;
    prepare(&mut first)?;
    drop(first);
    // The file exists now: the writer opens it as it is.
    let writer = match &manager.url {
        DbUrl::Sqlite { path, .. } => {
            let opener = Manager {
                url: DbUrl::Sqlite {
                    path: path.clone(),
                    create: false,
                },
            };
            Some(writer_for(path, move || opener.establish()))
        }
        DbUrl::Postgres(_) => None,
    };
    // A PostgreSQL connection can be lost (the server restarted): each is tried before it is
    // handed out. An SQLite file cannot go away under an open connection, and the try is a
    // statement parsed at every checkout.
    let test_on_check_out = matches!(manager.url, DbUrl::Postgres(_));
    r2d2::Pool::builder()
        .max_size(max_size)
        .test_on_check_out(test_on_check_out)
        .connection_timeout(Duration::from_secs(10))
        .event_handler(Box::new(NameWriter(writer)))
        .build(manager)
        .map_err(|e| Error::Config(format!("cannot open the database pool: {e}")))
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = BigInt)]
        value: i64,
    }

    /// Every pooled SQLite connection, not only the first, gets the settings.
    #[test]
    fn every_sqlite_connection_has_its_settings() {
        let dir = tempfile::tempdir().expect("a folder");
        let url = format!("sqlite://{}", dir.path().join("settings.sqlite3").display());
        let pool = super::connect_pool(&url, 2).expect("a pool");
        // (pragma, the name of the one column it answers with)
        let setting = |conn: &mut super::PooledConn, pragma: &str, column: &str| match &mut **conn {
            super::DbConn::Sqlite(c) => {
                diesel::sql_query(format!("SELECT {column} AS value FROM pragma_{pragma}"))
                    .get_result::<Setting>(c)
                    .expect("a setting")
                    .value
            }
            super::DbConn::Postgres(_) => unreachable!("a SQLite URL"),
        };
        let mut first = pool.get().expect("a connection");
        let mut second = pool.get().expect("another connection");
        for conn in [&mut first, &mut second] {
            assert_eq!(setting(conn, "cache_size", "cache_size"), -256);
            assert_eq!(setting(conn, "foreign_keys", "foreign_keys"), 1);
            assert_eq!(setting(conn, "busy_timeout", "timeout"), 10_000);
        }
    }

    /// SQLite is built to keep one plan per statement (`.cargo/config.toml`): otherwise a
    /// statement with a bound `LIMIT ?` (every `.first()`) is prepared again after each use.
    #[test]
    fn sqlite_keeps_one_plan_per_statement() {
        use diesel::connection::Connection;
        let mut conn = diesel::SqliteConnection::establish(":memory:").expect("SQLite");
        let options: Vec<String> =
            diesel::sql_query("SELECT compile_options AS value FROM pragma_compile_options")
                .load::<CompileOption>(&mut conn)
                .expect("compile options")
                .into_iter()
                .map(|o| o.value)
                .collect();
        assert!(
            options.iter().any(|o| o == "ENABLE_QPSG"),
            "SQLite built without ENABLE_QPSG (LIBSQLITE3_FLAGS in .cargo/config.toml): {options:?}"
        );
    }

    #[derive(QueryableByName)]
    struct CompileOption {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
}
