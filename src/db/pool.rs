//! The r2d2 pool: our own manager builds the connection variant the URL names and sets the
//! SQLite pragmas on every new connection.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::{DbConn, DbUrl, run_migrations};
use crate::error::Error;

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// One per SQLite file in this process: the writers of every pool on that file (two
/// instances in one process, say) queue together; those of other files do not wait for them.
pub(super) type WriterQueue = parking_lot::Mutex<()>;

thread_local! {
    /// The writer queue of the SQLite connection this thread took from a pool last, while
    /// it holds it: `write_tx` takes a `DbConn`, which cannot say which file it is on.
    pub(super) static WRITERS: std::cell::RefCell<Option<Arc<WriterQueue>>> =
        const { std::cell::RefCell::new(None) };
}

/// Names a pool's writer queue on the thread that takes one of its connections (r2d2 calls
/// this on that thread), until the connection is given back. A connection used on another
/// thread than the one that took it (none is, here) or a second pool's connection taken
/// meanwhile finds no queue or another file's: its writes meet the busy timeout or wait
/// longer; SQLite's own lock keeps them correct either way.
#[derive(Debug)]
struct NameWriterQueue(Option<Arc<WriterQueue>>);

impl r2d2::HandleEvent for NameWriterQueue {
    fn handle_checkout(&self, _: r2d2::event::CheckoutEvent) {
        WRITERS.set(self.0.clone());
    }

    fn handle_checkin(&self, _: r2d2::event::CheckinEvent) {
        WRITERS.with_borrow_mut(|named| {
            let ours = named
                .as_ref()
                .zip(self.0.as_ref())
                .is_some_and(|(named, ours)| Arc::ptr_eq(named, ours));
            if ours {
                *named = None;
            }
        });
    }
}

fn writer_queue(path: &str) -> Arc<WriterQueue> {
    static QUEUES: LazyLock<Mutex<HashMap<PathBuf, Weak<WriterQueue>>>> =
        LazyLock::new(Mutex::default);
    // The same file under two spellings is one file (it exists: migrations ran).
    let file = std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
    let mut queues = QUEUES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(queue) = queues.get(&file).and_then(Weak::upgrade) {
        return queue;
    }
    // Forget the queues of databases no pool uses any more (a test's, say).
    queues.retain(|_, queue| queue.strong_count() > 0);
    let queue = Arc::new(WriterQueue::new(()));
    queues.insert(file, Arc::downgrade(&queue));
    queue
}

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
    drop(first);
    let writers = match &manager.url {
        DbUrl::Sqlite { path, .. } => Some(writer_queue(path)),
        DbUrl::Postgres(_) => None,
    };
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        .event_handler(Box::new(NameWriterQueue(writers)))
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
}
