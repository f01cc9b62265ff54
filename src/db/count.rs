//! Queries counted per request: every connection a request uses reports its queries and
//! their time to the request's tally (`SERVER_TIMING=true` shows it in a header, and the
//! tests hold each page to a fixed count).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use diesel::connection::{Connection, Instrumentation, InstrumentationEvent};

use super::DbConn;

/// What one request asked of the database.
#[derive(Debug, Default)]
pub struct Tally {
    queries: AtomicU64,
    micros: AtomicU64,
}

impl Tally {
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Time spent in queries, in milliseconds.
    pub fn millis(&self) -> f64 {
        self.micros.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

tokio::task_local! {
    static TALLY: Arc<Tally>;
}

/// Runs a request with its tally: the database work it starts counts there.
pub async fn counting<F: Future>(tally: Arc<Tally>, request: F) -> F::Output {
    TALLY.scope(tally, request).await
}

/// The tally of the request being served, if any (the scheduler and the command line have
/// none).
pub fn current() -> Option<Arc<Tally>> {
    TALLY.try_with(Arc::clone).ok()
}

thread_local! {
    /// The tally of the counted request whose blocking work this thread runs (see
    /// `blocking`): a connection other than the request's own (the file's writer) counts
    /// there too.
    static BLOCKING: std::cell::RefCell<Option<Arc<Tally>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs a request's blocking `work` on this thread with its tally (if any) named, and
/// forgets it afterwards, even when `work` panics (the thread serves other requests next).
pub fn blocking<T>(tally: Option<Arc<Tally>>, work: impl FnOnce() -> T) -> T {
    struct Forget;
    impl Drop for Forget {
        fn drop(&mut self) {
            BLOCKING.set(None);
        }
    }
    BLOCKING.set(tally);
    let _forget = Forget;
    work()
}

/// Runs `work` on `conn` with its queries counted in `tally`, if there is one; the
/// connection counts for nobody afterwards (it goes back to its pool, or waits for the next
/// writer).
pub fn on<T>(
    conn: &mut DbConn,
    tally: Option<Arc<Tally>>,
    work: impl FnOnce(&mut DbConn) -> T,
) -> T {
    let Some(tally) = tally else {
        return work(conn);
    };
    conn.set_instrumentation(Counter::new(tally));
    let result = work(conn);
    conn.set_instrumentation(None::<Counter>);
    result
}

/// The tally of the counted request whose blocking work runs on this thread, if any.
pub fn of_this_thread() -> Option<Arc<Tally>> {
    BLOCKING.with_borrow(Clone::clone)
}

/// The instrumentation a connection carries while it serves a counted request.
pub struct Counter {
    tally: Arc<Tally>,
    started: Option<Instant>,
}

impl Counter {
    pub fn new(tally: Arc<Tally>) -> Counter {
        Counter {
            tally,
            started: None,
        }
    }
}

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { .. } => {
                self.tally.queries.fetch_add(1, Ordering::Relaxed);
                if let Some(started) = self.started.take() {
                    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                    self.tally.micros.fetch_add(micros, Ordering::Relaxed);
                }
            }
            _ => {}
        }
    }
}
