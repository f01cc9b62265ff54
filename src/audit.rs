//! The audit record: an append-only table of every decision, each row carrying the hash of the
//! row before it, so an edited, inserted or removed row breaks the chain (`audit verify`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::schema::audit_events;
use crate::db::{self, DbConn};
use crate::error::Error;

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    occurred_at: NaiveDateTime,
    actor_id: Option<i64>,
    action: &'a str,
    subject_type: &'a str,
    subject_id: Option<i64>,
    details: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

/// What was done to what: `subject_type` names the kind of record, `subject_id` the row.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub kind: &'a str,
    pub id: Option<i64>,
}

impl<'a> Subject<'a> {
    pub fn new(kind: &'a str, id: i64) -> Self {
        Subject { kind, id: Some(id) }
    }
}

/// Appends one event. Call it inside the transaction that makes the change, so the change and
/// its record commit or vanish together.
pub fn record(
    conn: &mut DbConn,
    actor_id: Option<i64>,
    action: &str,
    subject: Subject<'_>,
    details: Value,
) -> Result<(), Error> {
    if let DbConn::Postgres(_) = conn {
        // Concurrent writers would read the same tail and fork the chain: take turns until
        // commit. (SQLite's IMMEDIATE write transactions already take turns; the unique
        // prev_hash constraint is the backstop on both.)
        diesel::sql_query("SELECT pg_advisory_xact_lock(7254)").execute(conn)?;
    }
    let prev_hash: String = audit_events::table
        .order(audit_events::id.desc())
        .select(audit_events::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let occurred_at = db::now();
    let details = details.to_string();
    let hash = chain_hash(
        &prev_hash,
        occurred_at,
        actor_id,
        action,
        subject.kind,
        subject.id,
        &details,
    );
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            occurred_at,
            actor_id,
            action,
            subject_type: subject.kind,
            subject_id: subject.id,
            details: &details,
            prev_hash: &prev_hash,
            hash: &hash,
        })
        .execute(conn)?;
    Ok(())
}

/// SHA-256 over an unambiguous (JSON array) encoding of the row and the previous hash.
pub fn chain_hash(
    prev_hash: &str,
    occurred_at: NaiveDateTime,
    actor_id: Option<i64>,
    action: &str,
    subject_type: &str,
    subject_id: Option<i64>,
    details: &str,
) -> String {
    let when = occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    let canonical = serde_json::json!([
        prev_hash,
        when,
        actor_id,
        action,
        subject_type,
        subject_id,
        details
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The outcome of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact { events: u64 },
    Broken { event_id: i64, reason: String },
}

/// Walks the whole chain in id order, in batches so memory stays flat, and names the first
/// row that does not fit.
pub fn verify(conn: &mut DbConn) -> Result<Verdict, Error> {
    const BATCH: i64 = 1000;
    let mut expected_prev = GENESIS.to_owned();
    let mut last_id = 0i64;
    let mut events = 0u64;
    loop {
        let batch: Vec<AuditEvent> = audit_events::table
            .filter(audit_events::id.gt(last_id))
            .order(audit_events::id.asc())
            .limit(BATCH)
            .select(AuditEvent::as_select())
            .load(conn)?;
        if batch.is_empty() {
            return Ok(Verdict::Intact { events });
        }
        for event in batch {
            if event.prev_hash != expected_prev {
                return Ok(Verdict::Broken {
                    event_id: event.id,
                    reason: "its link to the previous event does not match (an event before it was removed or changed)".into(),
                });
            }
            let recomputed = chain_hash(
                &event.prev_hash,
                event.occurred_at,
                event.actor_id,
                &event.action,
                &event.subject_type,
                event.subject_id,
                &event.details,
            );
            if recomputed != event.hash {
                return Ok(Verdict::Broken {
                    event_id: event.id,
                    reason: "its content does not match its hash (the row was edited)".into(),
                });
            }
            expected_prev = event.hash;
            last_id = event.id;
            events += 1;
        }
    }
}

/// The newest events, newest first, for the administrator's page.
pub fn recent(conn: &mut DbConn, limit: i64) -> Result<Vec<AuditEvent>, Error> {
    Ok(audit_events::table
        .order(audit_events::id.desc())
        .limit(limit)
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// Every event about one record, oldest first: the history a page shows.
pub fn of_subject(conn: &mut DbConn, kind: &str, id: i64) -> Result<Vec<AuditEvent>, Error> {
    Ok(audit_events::table
        .filter(audit_events::subject_type.eq(kind))
        .filter(audit_events::subject_id.eq(id))
        .order(audit_events::id)
        .select(AuditEvent::as_select())
        .load(conn)?)
}
