//! One writing connection per SQLite file in this process.
//!
//! SQLite lets one writer in at a time, and one that finds the lock taken sleeps and polls
//! (busy_timeout: 1, 2, 5, 10... ms): 200 positions at once spent more time asleep than
//! writing. So the writers of this process wait in one line per file and, once in, all write
//! through the same connection. A pooled connection that writes after another has must first
//! read again every page it touches (its page cache is dropped when the file changed): the
//! positions benchmark read 22,876 pages from the file with the line alone, 6,136 through
//! one connection (2,636 with one thread taking the positions in turn), and recorded 200
//! positions at once in 18 % less time (`cargo bench --bench positions`, README
//! "Performance"). Writers of another process meet the busy timeout; SQLite's own lock
//! keeps them correct either way.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, Weak};

use diesel::prelude::*;
use diesel::r2d2::{self, R2D2Connection};

use super::{DbConn, count};
use crate::error::Error;

/// The writer of one SQLite file: its line and its connection, opened at the first write.
pub(super) struct Writer {
    open: Box<dyn Fn() -> Result<DbConn, diesel::ConnectionError> + Send + Sync>,
    connection: parking_lot::Mutex<Option<Open>>,
}

/// The writer's connection and the file it is on, as SQLite names it.
pub(super) struct Open {
    conn: DbConn,
    file: String,
}

#[derive(QueryableByName)]
struct MainFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    file: String,
}

/// The file a connection's main database is, as SQLite resolved its path (one cached
/// statement: a step, no parse).
fn file_of(conn: &mut DbConn) -> Result<String, Error> {
    Ok(
        diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .get_result::<MainFile>(conn)?
            .file,
    )
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

thread_local! {
    /// The writer of the SQLite file this thread took a pooled connection of last, while it
    /// holds it: `write_tx` takes a `DbConn`, which cannot say which file it is on.
    static NAMED: RefCell<Option<Arc<Writer>>> = const { RefCell::new(None) };
}

/// The writer named on this thread, if its connection is an SQLite one taken from a pool.
pub(super) fn named() -> Option<Arc<Writer>> {
    NAMED.with_borrow(Clone::clone)
}

/// Names a pool's writer on the thread that takes one of its connections (r2d2 calls this
/// on that thread), until the connection is given back. A connection used on another thread
/// than the one that took it (none is, here) writes through itself instead.
#[derive(Debug)]
pub(super) struct NameWriter(pub(super) Option<Arc<Writer>>);

impl r2d2::HandleEvent for NameWriter {
    fn handle_checkout(&self, _: r2d2::event::CheckoutEvent) {
        NAMED.set(self.0.clone());
    }

    fn handle_checkin(&self, _: r2d2::event::CheckinEvent) {
        NAMED.with_borrow_mut(|named| {
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

/// The writer of the SQLite file at `path` (two pools on one file share it); `open` makes
/// its connection when a writer has none yet.
pub(super) fn writer_for(
    path: &str,
    open: impl Fn() -> Result<DbConn, diesel::ConnectionError> + Send + Sync + 'static,
) -> Arc<Writer> {
    static WRITERS: LazyLock<Mutex<HashMap<PathBuf, Weak<Writer>>>> = LazyLock::new(Mutex::default);
    // The same file under two spellings is one file (it exists: migrations ran).
    let file = std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
    let mut writers = WRITERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(writer) = writers.get(&file).and_then(Weak::upgrade) {
        return writer;
    }
    // Forget the writers of databases no pool uses any more (a test's, say).
    writers.retain(|_, writer| writer.strong_count() > 0);
    let writer = Arc::new(Writer {
        open: Box::new(open),
        connection: parking_lot::Mutex::new(None),
    });
    writers.insert(file, Arc::downgrade(&writer));
    writer
}

/// A writer's turn. A write that panics leaves its transaction open, holding SQLite's lock:
/// its connection is closed (which rolls the transaction back) and the next writer opens
/// another, as r2d2 drops a pooled connection given back by a panicking thread.
struct Turn<'a>(parking_lot::MutexGuard<'a, Option<Open>>);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            *self.0 = None;
        }
    }
}

impl Writer {
    /// Waits for this file's turn (as long as SQLite itself would wait for its lock), then
    /// runs `work` on the writer's connection, if `caller` is on the writer's file (a thread
    /// holding connections of two files names the last one's writer), else on `caller`. A
    /// connection left broken is opened again by the next writer.
    pub(super) fn write<T>(
        &self,
        caller: &mut DbConn,
        work: impl FnOnce(&mut DbConn) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut held = Turn(
            self.connection
                .try_lock_for(super::pool::SQLITE_BUSY_TIMEOUT)
                .ok_or_else(|| {
                    // The same "busy" answer (503) as SQLite's own timeout.
                    Error::Busy(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::Unknown,
                        Box::new("database is locked (another writer of this process)".to_owned()),
                    ))
                })?,
        );
        let open = match &mut *held.0 {
            Some(open) => open,
            empty => empty.insert(self.open_connection()?),
        };
        if file_of(caller)? != open.file {
            drop(held);
            return work(caller);
        }
        let conn = &mut open.conn;
        // The request's tally counts these queries as it counts those of its own connection.
        let result = count::on(conn, count::of_this_thread(), work);
        if conn.is_broken() {
            *held.0 = None;
        }
        result
    }

    fn open_connection(&self) -> Result<Open, Error> {
        let mut conn = (self.open)()
            .map_err(|e| Error::Internal(format!("cannot open the database for writing: {e}")))?;
        let file = file_of(&mut conn)?;
        Ok(Open { conn, file })
    }

    /// Holds this file's turn without writing (tests: a writer that stays in).
    #[cfg(test)]
    pub(super) fn hold(&self) -> parking_lot::MutexGuard<'_, Option<Open>> {
        self.connection.lock()
    }
}
