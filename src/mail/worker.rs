//! The delivery worker. It claims due deliveries under a lease (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so several instances never take the same row; on SQLite the
//! IMMEDIATE write transaction does the same), sends them, and records the outcome: sent,
//! retried later with exponential back-off, or failed after the last attempt. A worker that
//! dies mid-send leaves its rows leased; they are taken up again when the lease runs out.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::lane;
use super::message::{self, Envelope};
use super::model::{Delivery, OutboxMessage};
use super::transport::Transport;
use crate::db::schema::{outbox_deliveries, outbox_messages};
use crate::db::{self, DbConn, DbPool};
use crate::error::Error;

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct Policy {
    pub lease: Duration,
    pub batch: i64,
    pub max_attempts: i32,
    pub first_retry: Duration,
    pub poll: Duration,
    /// Mails sent at once (over lettre's pool, one connection each). Each message costs
    /// about 45 ms of waiting on loopback, little of it work: lettre writes the body and
    /// the final dot apart without TCP_NODELAY, and the receiver delays its ACK of the body
    /// (Nagle's algorithm meeting delayed ACKs). Throughput is in flight / that wait.
    pub in_flight: usize,
}

impl Policy {
    /// Whether a failed delivery is tried again: the failure was temporary and it has
    /// attempts left. The one rule for what is recorded and what is reported.
    pub fn retries(&self, delivery: &Delivery, temporary: bool) -> bool {
        temporary && delivery.attempts < self.max_attempts
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            lease: Duration::from_secs(300),
            batch: 200,
            max_attempts: 8,
            first_retry: Duration::from_secs(60),
            poll: Duration::from_secs(5),
            in_flight: 16,
        }
    }
}

/// The wait before attempt `attempts + 1`: doubling from `first`, at most a day.
pub fn backoff(first: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(
        u32::try_from(attempts.saturating_sub(1).max(0))
            .unwrap_or(0)
            .min(16),
    );
    first
        .saturating_mul(factor)
        .min(Duration::from_secs(24 * 3600))
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// A worker's name: this machine, this process and a random part, so that a later process
/// on the same machine can tell that the worker's process is gone (`release_orphans`).
pub fn worker_name() -> String {
    format!(
        "{}:{}:{}",
        this_host(),
        std::process::id(),
        crate::secret::random_token(4)
    )
}

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// Whether the worker that wrote `leased_by` is a process of this machine that no longer
/// runs. A worker elsewhere, or one whose name says nothing, is left to its lease.
pub fn is_gone(leased_by: &str) -> bool {
    let mut parts = leased_by.splitn(3, ':');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    host == this_host()
        && pid != std::process::id()
        && std::path::Path::new("/proc/self").exists()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Puts back in the queue what workers of this machine that died (a crash, a kill) had
/// claimed, instead of waiting for their leases to run out. A new process calls it when it
/// starts. Returns how many deliveries were released.
pub fn release_orphans(conn: &mut DbConn) -> Result<usize, Error> {
    let now = db::now();
    let holders: Vec<Option<String>> = outbox_deliveries::table
        .filter(outbox_deliveries::status.eq("sending"))
        .filter(outbox_deliveries::lease_until.ge(now))
        .select(outbox_deliveries::leased_by)
        .distinct()
        .load(conn)?;
    let gone: Vec<String> = holders
        .into_iter()
        .flatten()
        .filter(|w| is_gone(w))
        .collect();
    if gone.is_empty() {
        return Ok(0);
    }
    db::write_tx(conn, |conn| {
        Ok(diesel::update(
            outbox_deliveries::table
                .filter(outbox_deliveries::status.eq("sending"))
                .filter(outbox_deliveries::leased_by.eq_any(&gone)),
        )
        .set((
            outbox_deliveries::status.eq("queued"),
            outbox_deliveries::lease_until.eq(None::<chrono::NaiveDateTime>),
            outbox_deliveries::next_attempt_at.eq(now),
        ))
        .execute(conn)?)
    })
}

/// Takes up to `policy.batch` due deliveries for this worker.
pub fn claim(
    conn: &mut DbConn,
    worker: &str,
    policy: &Policy,
) -> Result<Vec<(Delivery, OutboxMessage)>, Error> {
    let now = db::now();
    // Read first: an idle worker takes no write lock.
    let due: Option<i64> = outbox_deliveries::table
        .filter(
            outbox_deliveries::status
                .eq("queued")
                .and(outbox_deliveries::next_attempt_at.le(now))
                .or(outbox_deliveries::status
                    .eq("sending")
                    .and(outbox_deliveries::lease_until.lt(now))),
        )
        .select(outbox_deliveries::id)
        .first(conn)
        .optional()?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let lease_until = now + delta(policy.lease);
    let lock = match conn {
        DbConn::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        DbConn::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE outbox_deliveries SET status = 'sending', lease_until = $1, leased_by = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox_deliveries \
           WHERE (status = 'queued' AND next_attempt_at <= $3) OR (status = 'sending' AND lease_until < $4) \
           ORDER BY id LIMIT $5{lock}) \
         RETURNING id"
    );
    let ids: Vec<i64> = db::write_tx(conn, |conn| {
        let rows: Vec<Claimed> = diesel::sql_query(sql)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(policy.batch)
            .load(conn)?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    })?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(outbox_deliveries::table
        .inner_join(outbox_messages::table)
        .filter(outbox_deliveries::id.eq_any(&ids))
        .order(outbox_deliveries::id)
        .select((Delivery::as_select(), OutboxMessage::as_select()))
        .load(conn)?)
}

/// What happened to one delivery.
pub enum Outcome {
    Sent,
    Failed { temporary: bool, error: String },
}

/// Records the outcomes of sends that have returned, in one transaction; only the worker
/// holding a delivery's lease may record it.
pub fn finish_all(
    conn: &mut DbConn,
    outcomes: Vec<(Delivery, Outcome)>,
    worker: &str,
    policy: &Policy,
) -> Result<(), Error> {
    let now = db::now();
    db::write_tx(conn, |conn| {
        for (delivery, outcome) in outcomes {
            let mine = outbox_deliveries::table
                .find(delivery.id)
                .filter(outbox_deliveries::leased_by.eq(worker))
                .filter(outbox_deliveries::status.eq("sending"));
            match outcome {
                Outcome::Sent => {
                    diesel::update(mine)
                        .set((
                            outbox_deliveries::status.eq("sent"),
                            outbox_deliveries::sent_at.eq(Some(now)),
                            outbox_deliveries::lease_until.eq(None::<chrono::NaiveDateTime>),
                            outbox_deliveries::last_error.eq(None::<String>),
                        ))
                        .execute(conn)?;
                }
                Outcome::Failed { temporary, error } => {
                    let give_up = !policy.retries(&delivery, temporary);
                    let next = now + delta(backoff(policy.first_retry, delivery.attempts));
                    diesel::update(mine)
                        .set((
                            outbox_deliveries::status.eq(if give_up { "failed" } else { "queued" }),
                            outbox_deliveries::next_attempt_at.eq(next),
                            outbox_deliveries::lease_until.eq(None::<chrono::NaiveDateTime>),
                            outbox_deliveries::last_error.eq(Some(error)),
                        ))
                        .execute(conn)?;
                }
            }
        }
        Ok(())
    })
}

/// What delivery needs: the database, the way out and the pace.
pub struct Courier<'a> {
    pub pool: &'a DbPool,
    pub transport: &'a Transport,
    pub policy: &'a Policy,
}

/// Counts of one pass.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Claims one batch and delivers it, `policy.in_flight` mails at a time. The sending runs on
/// the mail lane (composition and SMTP at the lowest CPU priority, see `lane`); the outcomes
/// come back here in chunks and are recorded in one transaction each, at normal priority,
/// while the lane goes on with the next ones. Fewer, larger writes leave the pages less to
/// wait behind; a crash repeats only the sends under way and the outcomes not yet written
/// (at most three chunks).
pub async fn deliver_batch(
    courier: &Courier<'_>,
    envelope: &Envelope,
    worker: &str,
) -> Result<Report, Error> {
    let policy = courier.policy.clone();
    let (w, p) = (worker.to_owned(), policy.clone());
    let batch = db::run(courier.pool, move |conn| claim(conn, &w, &p)).await?;
    if batch.is_empty() {
        return Ok(Report::default());
    }
    // One chunk waits to be recorded while the lane fills the next.
    let (returned, mut to_record) = tokio::sync::mpsc::channel(1);
    let sending = lane::run(send_all(
        batch,
        Arc::new(envelope.clone()),
        courier.transport.clone(),
        policy.in_flight.max(1),
        returned,
    ));
    let recording = async {
        let mut report = Report::default();
        while let Some(outcomes) = to_record.recv().await {
            for (delivery, outcome) in &outcomes {
                match outcome {
                    Outcome::Sent => report.sent += 1,
                    Outcome::Failed { temporary, .. } if policy.retries(delivery, *temporary) => {
                        report.retried += 1
                    }
                    Outcome::Failed { .. } => report.failed += 1,
                }
            }
            let (w, p) = (worker.to_owned(), policy.clone());
            db::run(courier.pool, move |conn| finish_all(conn, outcomes, &w, &p)).await?;
        }
        Ok::<_, Error>(report)
    };
    // A failed write ends the recording, which drops the receiver and so stops the lane.
    let (sent, recorded) = futures_util::future::join(sending, recording).await;
    if let Err(stopped) = sent {
        // What was not recorded stays leased to this worker and is sent again when the
        // lease runs out.
        tracing::error!("mail delivery: {stopped}");
    }
    recorded
}

/// How many rounds of `in_flight` sends are recorded in one transaction. Each write runs at
/// normal priority beside the pages; with one round a write, a page's p99 during a fan-out of
/// 2,000 was a median 1.40 times its p99 at rest (five runs of `cargo bench --bench mail`),
/// with four 1.32 (eight runs).
const ROUNDS_RECORDED_TOGETHER: usize = 4;

/// On the lane: every mail of the batch, `in_flight` at a time, each in a task of its own (a
/// panic while composing one fails that one), the outcomes handed back in chunks.
async fn send_all(
    batch: Vec<(Delivery, OutboxMessage)>,
    envelope: Arc<Envelope>,
    transport: Transport,
    in_flight: usize,
    returned: tokio::sync::mpsc::Sender<Vec<(Delivery, Outcome)>>,
) {
    use futures_util::StreamExt;
    let mut outcomes = std::pin::pin!(
        futures_util::stream::iter(batch)
            .map(|(delivery, message)| {
                let (envelope, transport, for_task) =
                    (envelope.clone(), transport.clone(), delivery.clone());
                let task = tokio::spawn(async move {
                    compose_and_send(&envelope, &transport, &message, &for_task).await
                });
                async move {
                    let outcome = task.await.unwrap_or_else(|e| Outcome::Failed {
                        temporary: false,
                        error: format!("composing the mail failed: {e}"),
                    });
                    (delivery, outcome)
                }
            })
            .buffer_unordered(in_flight)
            .chunks(in_flight * ROUNDS_RECORDED_TOGETHER)
    );
    while let Some(chunk) = outcomes.next().await {
        if returned.send(chunk).await.is_err() {
            return; // the recording stopped
        }
    }
}

/// The message is built on the lane too: building it (the calendar invitation, the MIME
/// parts) is most of a send's own work.
async fn compose_and_send(
    envelope: &Envelope,
    transport: &Transport,
    message: &OutboxMessage,
    delivery: &Delivery,
) -> Outcome {
    match message::build(envelope, message, delivery) {
        Ok(mail) => {
            let stem = format!(
                "{}-{}",
                delivery.created_at.format("%Y%m%dT%H%M%S"),
                delivery.message_id_header
            );
            match transport.send(mail, &stem).await {
                Ok(()) => Outcome::Sent,
                Err(e) => Outcome::Failed {
                    temporary: e.temporary,
                    error: e.message,
                },
            }
        }
        Err(e) => Outcome::Failed {
            temporary: false,
            error: e.to_string(),
        },
    }
}

/// Delivers until nothing is due now.
pub async fn deliver_all_due(
    courier: &Courier<'_>,
    envelope: &Envelope,
    worker: &str,
) -> Result<Report, Error> {
    let mut total = Report::default();
    loop {
        let r = deliver_batch(courier, envelope, worker).await?;
        total.sent += r.sent;
        total.retried += r.retried;
        total.failed += r.failed;
        if r == Report::default() {
            return Ok(total);
        }
    }
}

/// For pages: the deliveries, newest first, optionally of one status.
pub fn list(
    conn: &mut DbConn,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<(Delivery, OutboxMessage)>, Error> {
    let mut q = outbox_deliveries::table
        .inner_join(outbox_messages::table)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox_deliveries::status.eq(s.to_owned()));
    }
    Ok(q.order(outbox_deliveries::id.desc())
        .limit(limit)
        .select((Delivery::as_select(), OutboxMessage::as_select()))
        .load(conn)?)
}

/// Sends a failed delivery again, now.
pub fn retry(
    conn: &mut DbConn,
    actor: &crate::auth::permissions::Actor,
    id: i64,
) -> Result<(), Error> {
    crate::auth::permissions::require(actor, crate::auth::permissions::Action::ManageMail)?;
    db::write_tx(conn, |conn| {
        let updated = diesel::update(
            outbox_deliveries::table
                .find(id)
                .filter(outbox_deliveries::status.eq("failed")),
        )
        .set((
            outbox_deliveries::status.eq("queued"),
            outbox_deliveries::next_attempt_at.eq(db::now()),
            outbox_deliveries::attempts.eq(0),
        ))
        .execute(conn)?;
        if updated == 0 {
            return Err(Error::Invalid(
                "only a failed delivery can be retried".into(),
            ));
        }
        crate::audit::record(
            conn,
            Some(actor.id()),
            "mail.retried",
            crate::audit::Subject::new("delivery", id),
            serde_json::json!({}),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_and_is_capped() {
        let first = Duration::from_secs(60);
        assert_eq!(backoff(first, 1), Duration::from_secs(60));
        assert_eq!(backoff(first, 2), Duration::from_secs(120));
        assert_eq!(backoff(first, 4), Duration::from_secs(480));
        assert_eq!(backoff(first, 40), Duration::from_secs(24 * 3600));
    }
}
