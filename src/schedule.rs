//! Periodic work, above the capabilities: each one's tick (the rotation's plan as terms
//! begin and members come and go, the hand-over notice, meeting reminders, statement
//! deadlines), then mail delivery. Every tick reads first and writes only when something is
//! due, so an idle server takes no write lock.

use std::sync::Arc;

use chrono::NaiveDate;
use futures_util::future::Either;
use tokio::sync::Notify;

use crate::db::DbConn;
use crate::error::Error;
use crate::mail::message::Envelope;
use crate::mail::worker::{self, Report};
use crate::state::AppState;
use crate::{mail, meetings, secretariat, statements};

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ticked {
    /// Terms of the rotation written again.
    pub planned: usize,
    /// Mails queued by reminders and notices.
    pub mailed: usize,
    /// Approval rounds that lapsed at their deadline.
    pub lapsed: usize,
}

/// Every capability's work due on `today`. One part failing does not keep the others from
/// running; the first error is returned after all have run.
pub fn tick(conn: &mut DbConn, today: NaiveDate) -> Result<Ticked, Error> {
    let mut ticked = Ticked::default();
    let mut first_error = None;
    let mut keep = |what: &str, result: Result<(), Error>| {
        if let Err(e) = result {
            tracing::warn!("{what}: {e}");
            first_error.get_or_insert(e);
        }
    };
    keep(
        "secretariat plan",
        secretariat::store::tick(conn, today).map(|n| ticked.planned += n),
    );
    keep("member premises", meetings::store::tick(conn).map(drop));
    keep(
        "hand-over notice",
        secretariat::notices::tick(conn, today).map(|n| ticked.mailed += n),
    );
    keep(
        "meeting reminders",
        meetings::reminders::tick(conn, today).map(|n| ticked.mailed += n),
    );
    keep(
        "retention",
        crate::care::retention::apply(conn, crate::db::now()).map(drop),
    );
    keep(
        "complaint time limits",
        crate::complaints::notices::tick(conn, today).map(|n| ticked.mailed += n),
    );
    keep(
        "evaluation questionnaires",
        crate::evaluations::notices::tick(conn, today).map(|n| ticked.mailed += n),
    );
    keep(
        "complaint retention",
        crate::complaints::retention::purge(conn, crate::db::now(), false).map(drop),
    );
    keep(
        "statement deadlines",
        statements::notices::tick(conn, today).map(|(reminded, lapsed)| {
            ticked.mailed += reminded;
            ticked.lapsed += lapsed;
        }),
    );
    match first_error {
        Some(e) => Err(e),
        None => Ok(ticked),
    }
}

/// After a change of membership (admission, a change of status, an import): who rotates and
/// whose premises host meetings may have changed; both follow now rather than at the next
/// tick.
pub fn membership_changed(conn: &mut DbConn) -> Result<(), Error> {
    let today = crate::coalition::today(conn)?;
    secretariat::store::tick(conn, today)?;
    meetings::store::tick(conn).map(drop)
}

/// The addresses mail goes out with now: the coalition's name as sender, the secretariat of
/// the day as Reply-To.
pub async fn envelope(state: &AppState) -> Result<Envelope, Error> {
    let (from, base_url) = (
        state.settings.mail_from.clone(),
        state.settings.base_url.clone(),
    );
    let clock = state.clock.clone();
    state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            Ok(Envelope {
                from,
                from_name: mail::compose::coalition_name(conn)?,
                reply_to: secretariat::lists::address(conn, today)?.map(|(_, email)| email),
                base_url,
            })
        })
        .await
}

/// Delivers what the outbox holds now.
pub async fn deliver_mail(state: &AppState, worker: &str) -> Result<Report, Error> {
    let envelope = envelope(state).await?;
    worker::deliver_all_due(&state.courier(), &envelope, worker).await
}

/// One round: the ticks, then delivery (what `roundtable mail send` runs once).
pub async fn run_once(state: &AppState, worker: &str) -> Result<(Ticked, Report), Error> {
    let clock = state.clock.clone();
    let ticked = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            tick(conn, today)
        })
        .await;
    // The daily backup, when asked for: its outcome is kept for the administrator's page,
    // and a failure does not hold up the mail.
    let folder = crate::care::backup_folder(&state.settings.data_dir);
    let clock_for_backup = state.clock.clone();
    if let Err(e) = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock_for_backup)?;
            crate::care::scheduled_backup(conn, &folder, today)
        })
        .await
    {
        tracing::warn!("scheduled backup: {e}");
    }
    // What a crashed process of this machine had claimed goes out now, not when its lease
    // runs out.
    let released = state.db(crate::mail::worker::release_orphans).await?;
    if released > 0 {
        tracing::info!(released, "took over the mail of a worker that is gone");
    }
    let delivered = deliver_mail(state, worker).await;
    Ok((ticked?, delivered?))
}

/// How much lower the scheduler's thread runs than the pages (a nice value, 0 to 19).
const BACKGROUND_NICE: i32 = 10;

/// The scheduler inside `serve`: a round, then a pause, until it is stopped. It runs on a
/// thread of its own at a lower priority, so that mail fan-outs, reminders and backups give
/// way to the people reading pages: on two cores, 2,000 mails delivered beside the pages
/// nearly doubled a page's p99 (README, "Performance").
pub struct Scheduler {
    stop: Arc<Notify>,
    thread: std::thread::JoinHandle<()>,
}

impl Scheduler {
    pub fn spawn(state: actix_web::web::Data<AppState>) -> Result<Scheduler, Error> {
        let worker = crate::mail::worker::worker_name();
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("scheduler".into())
            .spawn(move || {
                // On Linux the nice value belongs to a thread, and the threads it starts
                // inherit it: so does the blocking pool of its runtime, where its database
                // work runs.
                if let Err(e) = rustix::process::setpriority_process(None, BACKGROUND_NICE) {
                    tracing::warn!("the scheduler runs at the pages' priority: {e}");
                }
                actix_web::rt::System::new().block_on(rounds(state, worker, stopped));
            })
            .map_err(|e| Error::Internal(format!("cannot start the scheduler: {e}")))?;
        Ok(Scheduler { stop, thread })
    }

    /// Lets the round under way finish (no delivery is cut off halfway), then ends.
    pub fn stop(self) {
        self.stop.notify_one();
        if self.thread.join().is_err() {
            tracing::error!("the scheduler's thread panicked");
        }
    }
}

async fn rounds(state: actix_web::web::Data<AppState>, worker: String, stop: Arc<Notify>) {
    loop {
        match run_once(&state, &worker).await {
            Ok((ticked, delivered)) => {
                if ticked != Ticked::default() {
                    tracing::info!(
                        planned = ticked.planned,
                        mailed = ticked.mailed,
                        lapsed = ticked.lapsed,
                        "scheduled work"
                    );
                }
                if delivered != Report::default() {
                    tracing::info!(
                        sent = delivered.sent,
                        retried = delivered.retried,
                        failed = delivered.failed,
                        "mail delivered"
                    );
                }
            }
            Err(e) => tracing::warn!("scheduled work: {e}"),
        }
        let pause = std::pin::pin!(actix_web::rt::time::sleep(state.mail_policy.poll));
        let stopped = std::pin::pin!(stop.notified());
        if let Either::Right(_) = futures_util::future::select(pause, stopped).await {
            return;
        }
    }
}
