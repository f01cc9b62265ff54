//! Periodic work, above the capabilities: each one's tick (the rotation's plan as terms
//! begin and members come and go, the hand-over notice, meeting reminders, statement
//! deadlines), then mail delivery. Every tick reads first and writes only when something is
//! due, so an idle server takes no write lock.

use chrono::NaiveDate;

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

/// The scheduler inside `serve`: a round, then a pause, until the server stops.
pub fn spawn(state: actix_web::web::Data<AppState>) {
    let worker = crate::mail::worker::worker_name();
    actix_web::rt::spawn(async move {
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
            actix_web::rt::time::sleep(state.mail_policy.poll).await;
        }
    });
}
