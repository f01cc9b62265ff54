//! The database: one connection enum over SQLite and PostgreSQL, its pool, the embedded
//! migrations and the transaction helpers every service uses.

pub mod count;
mod pool;
pub mod schema;
pub mod version;
mod writer;

use chrono::{DurationRound, NaiveDateTime, TimeDelta, Utc};
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::Error;

pub use pool::{DbPool, PooledConn, connect_pool, connect_pool_with};

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
        count::blocking(tally.clone(), || count::on(&mut conn, tally, work))
    })
    .await?
}

/// Runs `work` in a write transaction. On SQLite it goes through the file's one writer
/// (`writer`: writers of this process take turns on one connection, and those that meet in
/// its line share one commit) and starts as `BEGIN IMMEDIATE`, so a writer of another
/// process queues on the busy timeout instead of failing when a read lock is upgraded.
pub fn write_tx<T, F>(conn: &mut DbConn, work: F) -> Result<T, Error>
where
    F: FnOnce(&mut DbConn) -> Result<T, Error>,
{
    match conn {
        DbConn::Sqlite(_) => match writer::named() {
            Some(writer) => writer.write(conn, work),
            None => transaction(conn, work),
        },
        DbConn::Postgres(_) => transaction(conn, work),
    }
}

/// Begins a write transaction (on SQLite as `BEGIN IMMEDIATE`).
fn begin(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c),
    }
}

/// Runs `work` in a write transaction of its own on `conn`.
fn transaction<T, F>(conn: &mut DbConn, work: F) -> Result<T, Error>
where
    F: FnOnce(&mut DbConn) -> Result<T, Error>,
{
    begin(conn)?;
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
    use std::sync::atomic::Ordering;

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

    /// The writer a connection of `pool` names on this thread while it is held.
    fn writer_of(pool: &DbPool) -> Option<Arc<writer::Writer>> {
        let _held = pool.get().expect("a connection");
        writer::named()
    }

    fn version_of(pool: &DbPool) -> i64 {
        version::current(&mut pool.get().expect("a connection")).expect("the version")
    }

    fn raise_version(conn: &mut DbConn, by: i64) -> Result<(), Error> {
        diesel::sql_query(format!("UPDATE data_version SET version = version + {by}"))
            .execute(conn)?;
        Ok(())
    }

    fn same(a: &DbPool, b: &DbPool) -> bool {
        match (writer_of(a), writer_of(b)) {
            (Some(a), Some(b)) => Arc::ptr_eq(&a, &b),
            _ => false,
        }
    }

    /// Writers of one file take turns on one connection, whichever pool they come from;
    /// those of another file do not wait for them (tests on separate files used to).
    #[test]
    fn one_writer_per_sqlite_file() {
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

    /// What a write through the file's writer commits, every pooled connection reads; a
    /// failed write leaves nothing, and the writer goes on serving the next.
    #[test]
    fn writes_go_through_the_files_writer_and_every_connection_reads_them() {
        let dir = tempfile::tempdir().expect("a folder");
        let (a, a_again) = (
            sqlite_pool(dir.path(), "a.sqlite3"),
            sqlite_pool(dir.path(), "a.sqlite3"),
        );
        let before = version_of(&a);
        let mut conn = a.get().expect("a connection");
        let failed: Result<(), Error> = write_tx(&mut conn, |conn| {
            raise_version(conn, 100)?;
            Err(Error::Invalid("changed my mind".into()))
        });
        assert!(failed.is_err());
        write_tx(&mut conn, |conn| raise_version(conn, 1)).expect("a write");
        drop(conn);
        assert_eq!(version_of(&a), before + 1);
        assert_eq!(version_of(&a_again), before + 1);
    }

    /// A write that panics midway leaves nothing, and the next write goes through.
    #[test]
    fn a_write_that_panics_leaves_nothing_and_the_next_goes_through() {
        let dir = tempfile::tempdir().expect("a folder");
        let a = sqlite_pool(dir.path(), "a.sqlite3");
        let before = version_of(&a);
        let mut conn = a.get().expect("a connection");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_tx(&mut conn, |conn| -> Result<(), Error> {
                raise_version(conn, 100)?;
                panic!("a bug midway through a write")
            })
        }));
        assert!(panicked.is_err());
        write_tx(&mut conn, |conn| raise_version(conn, 1)).expect("the next write");
        drop(conn);
        assert_eq!(version_of(&a), before + 1);
    }

    /// One write of `line_of_writes`: the bit it adds to the data's version, its place in
    /// the order the writes ran, and its answer (`None`: it panicked).
    #[derive(Debug)]
    struct Written {
        bit: i64,
        place: usize,
        answer: Option<Result<(), Error>>,
    }

    /// `writers` writes, all waiting in the writer's line behind a held turn when it is
    /// let go (so, the transaction being left open while others wait, they share it until
    /// one fails it); each adds its bit to the data's version, then does `work`.
    fn line_of_writes(
        pool: &DbPool,
        writers: usize,
        work: impl Fn(usize, &mut DbConn) -> Result<(), Error> + Sync,
    ) -> Vec<Written> {
        let writer = writer_of(pool).expect("SQLite has a writer");
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let places: Vec<_> = (0..writers)
            .map(|_| std::sync::atomic::AtomicUsize::new(usize::MAX))
            .collect();
        let held = writer.hold();
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..writers)
                .map(|i| {
                    let (work, ran, place) = (&work, &ran, &places[i]);
                    scope.spawn(move || {
                        let mut conn = pool.get().expect("a connection");
                        write_tx(&mut conn, |conn| {
                            place.store(ran.fetch_add(1, Ordering::SeqCst), Ordering::SeqCst);
                            raise_version(conn, 1 << i)?;
                            work(i, conn)
                        })
                    })
                })
                .collect();
            while writer.waiting() < writers {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            drop(held);
            handles
                .into_iter()
                .enumerate()
                .map(|(i, handle)| Written {
                    bit: 1 << i,
                    answer: handle.join().ok(),
                    place: places[i].load(Ordering::SeqCst),
                })
                .collect()
        })
    }

    /// The bits of the writes whose answer `told` matches.
    fn bits(written: &[Written], told: impl Fn(&Option<Result<(), Error>>) -> bool) -> i64 {
        written
            .iter()
            .filter(|w| told(&w.answer))
            .map(|w| w.bit)
            .sum()
    }

    fn landed(answer: &Option<Result<(), Error>>) -> bool {
        matches!(answer, Some(Ok(())))
    }

    /// Writes that meet in the writer's line share one commit; one that fails there takes
    /// back only itself, and what each was told is what the database holds.
    #[test]
    fn writes_that_meet_in_the_line_share_a_commit_and_a_failure_takes_back_only_itself() {
        let dir = tempfile::tempdir().expect("a folder");
        let url = format!("sqlite://{}", dir.path().join("a.sqlite3").display());
        let a = connect_pool(&url, 9).expect("a pool");
        let writer = writer_of(&a).expect("SQLite has a writer");
        let (before, begun) = (version_of(&a), writer.transactions_begun());
        let written = line_of_writes(&a, 8, |i, _| match i {
            3 => Err(Error::Invalid("this one changes its mind".into())),
            _ => Ok(()),
        });
        assert_eq!(bits(&written, landed), 0xff & !(1 << 3), "{written:?}");
        assert_eq!(version_of(&a) - before, bits(&written, landed));
        // One commit for the line; two when the failing write came first (it rolled back
        // the transaction it had begun alone).
        let commits = if written[3].place == 0 { 2 } else { 1 };
        assert_eq!(writer.transactions_begun() - begun, commits, "{written:?}");
    }

    /// A write that panics in a shared transaction takes down the writes before it in that
    /// transaction: their writers are told "busy" (nothing of theirs was kept; none is told
    /// it landed when it did not), and the writes after it go through on a connection
    /// opened again.
    #[test]
    fn a_write_that_panics_in_a_shared_commit_fails_those_before_it_and_no_answer_lies() {
        let dir = tempfile::tempdir().expect("a folder");
        let url = format!("sqlite://{}", dir.path().join("a.sqlite3").display());
        let a = connect_pool(&url, 9).expect("a pool");
        let before = version_of(&a);
        let written = line_of_writes(&a, 8, |i, _| match i {
            5 => panic!("a bug midway through a shared write"),
            _ => Ok(()),
        });
        let panicked = written[5].place;
        assert!(written[5].answer.is_none(), "{written:?}");
        for w in written.iter().filter(|w| w.place != panicked) {
            if w.place < panicked {
                assert!(
                    matches!(w.answer, Some(Err(Error::Busy(_)))),
                    "ran before it, in its transaction: told busy {written:?}"
                );
            } else {
                assert!(landed(&w.answer), "ran after it: landed {written:?}");
            }
        }
        assert_eq!(version_of(&a) - before, bits(&written, landed));
    }

    /// A writer that left its transaction open for one that then gave up its place in line
    /// commits it itself.
    #[test]
    fn a_transaction_left_open_for_a_writer_that_gave_up_is_committed_all_the_same() {
        let dir = tempfile::tempdir().expect("a folder");
        let a = sqlite_pool(dir.path(), "a.sqlite3");
        let writer = writer_of(&a).expect("SQLite has a writer");
        let before = version_of(&a);
        writer.pretend_one_waits();
        let mut conn = a.get().expect("a connection");
        write_tx(&mut conn, |conn| raise_version(conn, 1)).expect("a write");
        drop(conn);
        assert_eq!(version_of(&a), before + 1);
    }

    /// A thread holding connections of two files names the last one's writer: a write on
    /// the first connection still lands in the first file.
    #[test]
    fn a_write_lands_in_its_own_connections_file() {
        let dir = tempfile::tempdir().expect("a folder");
        let (a, b) = (
            sqlite_pool(dir.path(), "a.sqlite3"),
            sqlite_pool(dir.path(), "b.sqlite3"),
        );
        let (a_before, b_before) = (version_of(&a), version_of(&b));
        let b_writer = writer_of(&b).expect("b's writer");
        let mut on_a = a.get().expect("a connection");
        let _on_b = b.get().expect("a connection");
        assert!(writer::named().is_some_and(|w| Arc::ptr_eq(&w, &b_writer)));
        write_tx(&mut on_a, |conn| raise_version(conn, 1)).expect("a write");
        drop(on_a);
        assert_eq!(version_of(&a), a_before + 1);
        assert_eq!(version_of(&b), b_before);
    }

    // Holding file b's writer across the write to file a is the point: the write runs on a
    // blocking thread and must not wait for it.
    #[allow(clippy::await_holding_lock)]
    #[actix_web::test]
    async fn a_write_through_run_waits_for_its_own_files_writer_only() {
        let dir = tempfile::tempdir().expect("a folder");
        let (a, b) = (
            sqlite_pool(dir.path(), "a.sqlite3"),
            sqlite_pool(dir.path(), "b.sqlite3"),
        );
        let b_writer = writer_of(&b).expect("SQLite has a writer");
        // While a writer of file b is in, a write to file a goes through (with one line
        // for the process, it waited ten seconds and answered "busy").
        let held = b_writer.hold();
        let written = run(&a, |conn| {
            write_tx(conn, |conn| {
                Ok(diesel::sql_query("CREATE TABLE t (x INTEGER)").execute(conn)?)
            })
        })
        .await;
        drop(held);
        assert!(written.is_ok(), "{written:?}");
        // The work `run` does names its pool's writer.
        let named = run(&b, |_| Ok(writer::named())).await;
        assert!(
            named
                .expect("run")
                .is_some_and(|w| Arc::ptr_eq(&w, &b_writer))
        );
        // A connection given back no longer names it.
        assert!(writer::named().is_none());
    }
}
