//! The database: one connection enum over SQLite and PostgreSQL, its pool, the embedded
//! migrations and the transaction helpers every service uses.

pub mod count;
mod pool;
pub mod schema;
pub mod version;

use chrono::{DurationRound, NaiveDateTime, TimeDelta, Utc};
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::Error;

pub use pool::{DbPool, PooledConn, connect_pool};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection, of whichever backend DATABASE_URL names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which backend a DATABASE_URL names, decided from its form alone, never by trying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbUrl {
    Postgres(String),
    /// A file path; `create` says whether a missing file may be created.
    Sqlite {
        path: String,
        create: bool,
    },
}

impl DbUrl {
    /// `postgres://` and `postgresql://` name PostgreSQL; `sqlite://PATH` names an SQLite file
    /// that is created when missing; a bare path is accepted only when the file exists, so a
    /// typo never starts an empty coalition next to the real one.
    pub fn parse(url: &str) -> Result<DbUrl, Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbUrl::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path.starts_with(":memory:") {
                return Err(Error::Config(
                    "DATABASE_URL: sqlite:// needs a file path (an in-memory database would lose everything)".into(),
                ));
            }
            return Ok(DbUrl::Sqlite {
                path: path.to_owned(),
                create: true,
            });
        }
        if url.contains("://") {
            return Err(Error::Config(format!(
                "DATABASE_URL: unknown scheme in {url:?}; use postgres://..., sqlite://PATH or the path of an existing SQLite file"
            )));
        }
        if std::path::Path::new(url).is_file() {
            Ok(DbUrl::Sqlite {
                path: url.to_owned(),
                create: false,
            })
        } else {
            Err(Error::Config(format!(
                "DATABASE_URL: no SQLite file at {url:?}; write sqlite://{url} to create one"
            )))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DbUrl::Postgres(_) => "PostgreSQL",
            DbUrl::Sqlite { .. } => "SQLite",
        }
    }
}

/// Runs the pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConn) -> Result<(), Error> {
    let result = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(drop),
        DbConn::Postgres(c) => {
            // Several instances may start at once: only one migrates, the others wait.
            diesel::sql_query("SELECT pg_advisory_lock(7253)").execute(c)?;
            let result = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop);
            diesel::sql_query("SELECT pg_advisory_unlock(7253)").execute(c)?;
            result
        }
    };
    result.map_err(|e| Error::Internal(format!("database migration failed: {e}")))
}

/// Runs blocking database work on actix's thread pool with a pooled connection.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn) -> Result<T, Error> + Send + 'static,
{
    let pool = pool.clone();
    let tally = count::current();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        let Some(tally) = tally else {
            return work(&mut conn);
        };
        conn.set_instrumentation(count::Counter::new(tally));
        let result = work(&mut conn);
        // The connection goes back to the pool counting for nobody.
        conn.set_instrumentation(None::<count::Counter>);
        result
    })
    .await?
}

/// Runs `work` in a write transaction. On SQLite it starts as `BEGIN IMMEDIATE`, so two
/// writers queue on the busy timeout instead of failing when a read lock is upgraded.
pub fn write_tx<T, F>(conn: &mut DbConn, work: F) -> Result<T, Error>
where
    F: FnOnce(&mut DbConn) -> Result<T, Error>,
{
    // SQLite lets one writer in at a time, and one that finds the lock taken sleeps and
    // polls (busy_timeout: 1, 2, 5, 10... ms): 200 positions at once spent more time asleep
    // than writing. Writers of this process queue here instead, one queue per file (see
    // `pool::WRITERS`), and go in as soon as the one before is done; another process's
    // writers meet the busy timeout.
    let queue = match conn {
        DbConn::Sqlite(_) => pool::WRITERS.with_borrow(Clone::clone),
        DbConn::Postgres(_) => None,
    };
    let _one_writer = queue
        .as_ref()
        .map(|queue| {
            queue
                .try_lock_for(pool::SQLITE_BUSY_TIMEOUT)
                .ok_or_else(|| {
                    // As long as SQLite itself waits: the same "busy" answer (503).
                    Error::Busy(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::Unknown,
                        Box::new("database is locked (another writer of this process)".to_owned()),
                    ))
                })
        })
        .transpose()?;
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match work(conn) {
        Ok(value) => match <DbConn as Connection>::TransactionManager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT leaves the transaction open on some backends.
                let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
                Err(e.into())
            }
        },
        Err(e) => {
            <DbConn as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// The current instant in UTC, cut to microseconds: both backends keep exactly that, so a
/// value written and read back compares equal (the audit chain's hashes depend on it).
pub fn now() -> NaiveDateTime {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
        .naive_utc()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn url_forms_choose_the_backend() {
        assert!(matches!(
            DbUrl::parse("postgres://u@h/db"),
            Ok(DbUrl::Postgres(_))
        ));
        assert!(matches!(
            DbUrl::parse("postgresql://u@h/db"),
            Ok(DbUrl::Postgres(_))
        ));
        assert_eq!(
            DbUrl::parse("sqlite://data/x.db").ok(),
            Some(DbUrl::Sqlite {
                path: "data/x.db".into(),
                create: true
            })
        );
        assert!(DbUrl::parse("sqlite://:memory:").is_err());
        assert!(DbUrl::parse("mysql://h/db").is_err());
        assert!(DbUrl::parse("/no/such/file.sqlite3").is_err());
    }

    #[test]
    fn now_keeps_microseconds_only() {
        let t = now();
        assert_eq!(t.and_utc().timestamp_subsec_nanos() % 1000, 0);
    }

    fn sqlite_pool(dir: &std::path::Path, file: &str) -> DbPool {
        let url = format!("sqlite://{}", dir.join(file).display());
        connect_pool(&url, 2).expect("a pool")
    }

    /// The writer queue a connection of `pool` names on this thread while it is held.
    fn queue_of(pool: &DbPool) -> Option<Arc<pool::WriterQueue>> {
        let _held = pool.get().expect("a connection");
        pool::WRITERS.with_borrow(Clone::clone)
    }

    fn same(a: &DbPool, b: &DbPool) -> bool {
        match (queue_of(a), queue_of(b)) {
            (Some(a), Some(b)) => Arc::ptr_eq(&a, &b),
            _ => false,
        }
    }

    /// Writers of one file queue together, whichever pool they come from; those of another
    /// file do not wait for them (tests on separate files used to).
    #[test]
    fn one_writer_queue_per_sqlite_file() {
        let dir = tempfile::tempdir().expect("a folder");
        let (a, a_again, b) = (
            sqlite_pool(dir.path(), "a.sqlite3"),
            sqlite_pool(dir.path(), "a.sqlite3"),
            sqlite_pool(dir.path(), "b.sqlite3"),
        );
        assert!(same(&a, &a_again));
        assert!(!same(&a, &b));
        // The same file by another path is the same file.
        let url = format!("sqlite://{}/./a.sqlite3", dir.path().display());
        assert!(same(&a, &connect_pool(&url, 1).expect("a pool")));
    }

    // Holding file b's queue across the write to file a is the point: the write runs on a
    // blocking thread and must not wait for it.
    #[allow(clippy::await_holding_lock)]
    #[actix_web::test]
    async fn a_write_through_run_waits_in_its_own_files_queue_only() {
        let dir = tempfile::tempdir().expect("a folder");
        let (a, b) = (
            sqlite_pool(dir.path(), "a.sqlite3"),
            sqlite_pool(dir.path(), "b.sqlite3"),
        );
        let b_queue = queue_of(&b).expect("SQLite has a queue");
        // While a writer of file b is in, a write to file a goes through (with one queue
        // for the process, it waited ten seconds and answered "busy").
        let held = b_queue.lock();
        let written = run(&a, |conn| {
            write_tx(conn, |conn| {
                Ok(diesel::sql_query("CREATE TABLE t (x INTEGER)").execute(conn)?)
            })
        })
        .await;
        drop(held);
        assert!(written.is_ok(), "{written:?}");
        // The work `run` does names its pool's queue.
        let named = run(&b, |_| Ok(pool::WRITERS.with_borrow(Clone::clone))).await;
        assert!(
            named
                .expect("run")
                .is_some_and(|q| Arc::ptr_eq(&q, &b_queue))
        );
        // A connection given back no longer names it.
        assert!(pool::WRITERS.with_borrow(Option::is_none));
    }
}
