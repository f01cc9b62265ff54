//! One writing connection per SQLite file in this process, and the writes that meet in its
//! line committed together.
//!
//! SQLite lets one writer in at a time, and one that finds the lock taken sleeps and polls
//! (busy_timeout: 1, 2, 5, 10... ms): 200 positions at once spent more time asleep than
//! writing. So the writers of this process wait in one line per file and, once in, all write
//! through the same connection. A pooled connection that writes after another has must first
//! read again every page it touches (its page cache is dropped when the file changed): the
//! positions benchmark read 22,876 pages from the file with the line alone, 6,136 through
//! one connection (2,636 with one thread taking the positions in turn).
//!
//! A commit writes every page its transaction changed to the write-ahead log, one system
//! call per page and header, and every thousand pages copies them back with an `fsync`:
//! more than a quarter of a position's time alone. So a writer that finds others waiting
//! behind it leaves its transaction open for them: each next write runs in a savepoint of it
//! (one that fails rolls back to its savepoint only), the last of the line (or the one that
//! fills it) commits them all, and no writer returns before the commit that holds its write.
//! A writer alone commits at once, as before. Writers of another process meet the busy
//! timeout; SQLite's own lock keeps them correct either way.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use diesel::connection::TransactionManager;
use diesel::prelude::*;
use diesel::r2d2::{self, R2D2Connection};

use super::{DbConn, count};
use crate::error::Error;

/// At most this many writes share one commit, and a transaction takes in no more writes once
/// it has been open this long: the first writer of a line waits for the commit, so its
/// answer must not wait for the whole line.
const MOST_WRITES_PER_COMMIT: usize = 32;
#[cfg(not(test))]
const LONGEST_OPEN: Duration = Duration::from_millis(10);
/// The unit tests check who shares a commit on a busy machine, where a turn can take longer.
#[cfg(test)]
const LONGEST_OPEN: Duration = Duration::from_secs(10);
/// How long a writer waits for the commit of its transaction before it looks whether the
/// writer expected to commit it gave up its place in line (then it commits it itself).
const COMMIT_NUDGE: Duration = Duration::from_millis(50);

/// The writer of one SQLite file: its line and its connection, opened at the first write.
pub(super) struct Writer {
    open: Box<dyn Fn() -> Result<DbConn, diesel::ConnectionError> + Send + Sync>,
    /// The file, as SQLite names it, known from the first connection the writer opened.
    file: OnceLock<String>,
    line: parking_lot::Mutex<Line>,
    /// Writers waiting for their turn: an open transaction is left open for them.
    waiting: AtomicUsize,
    ended: parking_lot::Mutex<Ended>,
    on_end: parking_lot::Condvar,
}

/// What the writer in turn holds: the connection and the transaction open on it, if any.
#[derive(Default)]
pub(super) struct Line {
    conn: Option<DbConn>,
    open: Option<Shared>,
    /// The number of the last transaction begun.
    last: u64,
}

/// A transaction open on the writer's connection, shared by the writes that went in since
/// it began.
struct Shared {
    number: u64,
    writes: usize,
    began: Instant,
}

/// How the shared transactions ended: every one up to `through` has, and those in `failed`
/// did not commit (with why).
#[derive(Default)]
struct Ended {
    through: u64,
    failed: BTreeMap<u64, String>,
}

/// Failures remembered for writers still waiting to hear of them (they hear within
/// `COMMIT_NUDGE` of the end).
const FAILURES_KEPT: u64 = 4096;

/// The connection's own transaction manager (savepoints inside a transaction).
type Transactions = <DbConn as Connection>::TransactionManager;

/// Runs `statements` on `conn` counted in the tally of the request this thread serves.
fn counted<R>(conn: &mut DbConn, statements: impl FnOnce(&mut DbConn) -> R) -> R {
    count::on(conn, count::of_this_thread(), statements)
}

/// The "busy" answer (503, nothing changed, try again) with what happened.
fn busy(what: &str) -> Error {
    Error::Busy(diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::Unknown,
        Box::new(what.to_owned()),
    ))
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
        file: OnceLock::new(),
        line: parking_lot::Mutex::default(),
        waiting: AtomicUsize::new(0),
        ended: parking_lot::Mutex::default(),
        on_end: parking_lot::Condvar::new(),
    });
    writers.insert(file, Arc::downgrade(&writer));
    writer
}

/// A writer's turn. A write that panics leaves its transaction open, holding SQLite's lock
/// and the writes of others: the connection is closed (which rolls the transaction back),
/// the others hear that theirs failed, and the next writer opens another connection, as
/// r2d2 drops a pooled connection given back by a panicking thread.
struct Turn<'a> {
    writer: &'a Writer,
    line: parking_lot::MutexGuard<'a, Line>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.abandon("another write in the same transaction failed");
        }
    }
}

impl Turn<'_> {
    /// The writer's connection, opened if it has none (or lost it).
    fn connection(&mut self) -> Result<&mut DbConn, Error> {
        if self.line.conn.is_none() {
            let mut conn = (self.writer.open)().map_err(|e| {
                Error::Internal(format!("cannot open the database for writing: {e}"))
            })?;
            let file = file_of(&mut conn)?;
            let _ = self.writer.file.set(file);
            self.line.conn = Some(conn);
        }
        Ok(self.line.conn.as_mut().expect("opened above"))
    }

    /// Runs `work` in the shared transaction (begun if none is open): in a savepoint when
    /// other writes are in it, so a failure takes back this write only. Returns the
    /// transaction's number, to wait for its commit. The request's tally counts these
    /// statements as it counts those of its own connection.
    fn run<T>(
        &mut self,
        work: impl FnOnce(&mut DbConn) -> Result<T, Error>,
    ) -> Result<(u64, Result<T, Error>), Error> {
        let first = self.line.open.is_none();
        if first {
            counted(self.connection()?, super::begin)?;
            self.line.last += 1;
            self.line.open = Some(Shared {
                number: self.line.last,
                writes: 0,
                began: Instant::now(),
            });
        }
        let shared = self.line.open.as_mut().expect("begun above");
        shared.writes += 1;
        let number = shared.number;
        let conn = self
            .line
            .conn
            .as_mut()
            .expect("opened with the transaction");
        if first {
            let result = counted(conn, work);
            if result.is_err() {
                // Nobody else is in it yet: the whole transaction goes.
                let rolled_back = counted(conn, Transactions::rollback_transaction);
                self.end(number);
                rolled_back?;
            }
            return Ok((number, result));
        }
        let result = counted(conn, |conn| {
            Transactions::begin_transaction(conn)?;
            let result = work(conn);
            match &result {
                Ok(_) => Transactions::commit_transaction(conn)?,
                Err(_) => Transactions::rollback_transaction(conn)?,
            }
            Ok::<_, diesel::result::Error>(result)
        });
        match result {
            Ok(result) => Ok((number, result)),
            Err(e) => {
                self.abandon("the database could not keep a savepoint");
                Err(e.into())
            }
        }
    }

    /// Ends the turn: commits the open transaction unless writers wait to join it and it
    /// has room. Returns how the commit went when this turn made it.
    fn finish(mut self) -> Option<Result<(), Error>> {
        let shared = self.line.open.as_ref()?;
        let join = self.writer.waiting.load(Ordering::Acquire) > 0
            && shared.writes < MOST_WRITES_PER_COMMIT
            && shared.began.elapsed() < LONGEST_OPEN;
        if join {
            return None;
        }
        Some(self.commit())
    }

    /// Commits the open transaction, and tells every writer in it how that went.
    fn commit(&mut self) -> Result<(), Error> {
        let Some(shared) = self.line.open.take() else {
            return Ok(());
        };
        let conn = self
            .line
            .conn
            .as_mut()
            .expect("a transaction is open on it");
        let committed = counted(conn, Transactions::commit_transaction);
        if committed.is_err() || conn.is_broken() {
            self.line.conn = None;
        }
        let failure = committed
            .as_ref()
            .err()
            .map(|e| format!("the database could not save the change: {e}"));
        self.writer.settle(shared.number, failure);
        Ok(committed?)
    }

    /// Ends transaction `number`, rolled back with no write of others in it.
    fn end(&mut self, number: u64) {
        self.line.open = None;
        if self.line.conn.as_mut().is_some_and(|c| c.is_broken()) {
            self.line.conn = None;
        }
        self.writer.settle(number, None);
    }

    /// Gives up the open transaction and its connection: closing it rolls back every write
    /// in it, and their writers hear why.
    fn abandon(&mut self, why: &str) {
        self.line.conn = None;
        if let Some(shared) = self.line.open.take() {
            self.writer.settle(shared.number, Some(why.to_owned()));
        }
    }
}

impl Writer {
    /// Runs `work` in a transaction on the writer's connection, in turn with this file's
    /// other writers (waiting as long as SQLite itself would wait for its lock), and returns
    /// once it is committed; on `caller` instead when `caller` is on another file (a thread
    /// holding connections of two files names the last one's writer). A connection left
    /// broken is opened again by the next writer.
    pub(super) fn write<T>(
        &self,
        caller: &mut DbConn,
        work: impl FnOnce(&mut DbConn) -> Result<T, Error>,
    ) -> Result<T, Error> {
        // The caller's file, asked once: compared before waiting when the writer's file is
        // known, after its first connection is opened when not.
        let callers = file_of(caller)?;
        if self.file.get().is_some_and(|file| *file != callers) {
            return super::transaction(caller, work);
        }
        let mut turn = self.turn()?;
        turn.connection()?;
        if self.file.get() != Some(&callers) {
            // Only a writer's first writes get here. A transaction left open for this one
            // is committed now, or left for the next; its writers hear how it went.
            let _ = turn.finish();
            return super::transaction(caller, work);
        }
        let (number, result) = turn.run(work)?;
        let committed = turn.finish();
        // A write taken back waits for no commit (how the others' went is theirs to hear).
        let value = result?;
        match committed {
            Some(committed) => committed?,
            None => self.committed(number)?,
        }
        Ok(value)
    }

    /// Waits for this file's turn, as long as SQLite would wait for its lock.
    fn turn(&self) -> Result<Turn<'_>, Error> {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        let line = self.line.try_lock_for(super::pool::SQLITE_BUSY_TIMEOUT);
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        // The same "busy" answer (503) as SQLite's own timeout.
        let line =
            line.ok_or_else(|| busy("database is locked (another writer of this process)"))?;
        Ok(Turn { writer: self, line })
    }

    /// Records how transaction `number` ended and wakes the writers waiting to hear.
    fn settle(&self, number: u64, failure: Option<String>) {
        let mut ended = self.ended.lock();
        ended.through = ended.through.max(number);
        if let Some(why) = failure {
            ended.failed.insert(number, why);
        }
        let forget_before = ended.through.saturating_sub(FAILURES_KEPT);
        ended.failed = ended.failed.split_off(&forget_before);
        drop(ended);
        self.on_end.notify_all();
    }

    /// Waits until transaction `number` has ended; an error when it did not commit.
    fn committed(&self, number: u64) -> Result<(), Error> {
        let mut ended = self.ended.lock();
        while ended.through < number {
            if self.on_end.wait_for(&mut ended, COMMIT_NUDGE).timed_out() {
                drop(ended);
                // The writer counted as waiting gave up (busy) before its turn: nobody
                // else will commit this transaction.
                if let Some(line) = self.line.try_lock() {
                    let mut turn = Turn { writer: self, line };
                    if turn.line.open.as_ref().is_some_and(|s| s.number == number) {
                        turn.commit()?;
                    }
                }
                ended = self.ended.lock();
            }
        }
        match ended.failed.get(&number) {
            // Nothing of this write was kept, and it was not at fault: trying again will do.
            Some(why) => Err(busy(why)),
            None => Ok(()),
        }
    }

    /// Holds this file's turn without writing (tests: a writer that stays in).
    #[cfg(test)]
    pub(super) fn hold(&self) -> parking_lot::MutexGuard<'_, Line> {
        self.line.lock()
    }

    /// How many writers wait for their turn (tests).
    #[cfg(test)]
    pub(super) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    /// Counts a writer as waiting that never takes its turn, as one that gives up (tests).
    #[cfg(test)]
    pub(super) fn pretend_one_waits(&self) {
        self.waiting.fetch_add(1, Ordering::AcqRel);
    }

    /// How many transactions the writer has begun (tests).
    #[cfg(test)]
    pub(super) fn transactions_begun(&self) -> u64 {
        self.line.lock().last
    }
}
