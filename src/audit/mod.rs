//! The audit record: an append-only table of every decision, each row carrying the hash of the
//! row before it, so an edited, inserted or removed row breaks the chain (`audit verify`).
//!
//! What it holds against its custodian: the database refuses UPDATE and DELETE on the table
//! (triggers, installed by `protect` when the service opens); each hash is keyed with a key
//! derived from SECRET_KEY, so someone who gets past the triggers cannot rewrite a row and
//! recompute the chain without that key; and the head of the chain (its sequence number and
//! hash) is published where members keep copies (the audit page, approved minutes, statement
//! receipts), so `audit verify --witness SEQ:HASH` catches even a rewrite by someone holding
//! the key, or the removal of the newest rows, below a head someone kept.

pub mod summary;

use std::sync::OnceLock;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::db::schema::audit_events;
use crate::db::{self, DbConn};
use crate::error::Error;

/// The key the chain is hashed with: one per process, from SECRET_KEY (`use_key`).
static KEY: OnceLock<[u8; 32]> = OnceLock::new();

/// Sets the process's audit key. A process serves one database with one SECRET_KEY: a second,
/// different key is a configuration error, not something to switch silently.
pub fn use_key(key: [u8; 32]) -> Result<(), Error> {
    let set = KEY.get_or_init(|| key);
    if *set != key {
        return Err(Error::Config(
            "one process uses one SECRET_KEY for the audit record".into(),
        ));
    }
    Ok(())
}

fn key() -> Result<&'static [u8; 32], Error> {
    KEY.get()
        .ok_or_else(|| Error::Internal("the audit key is not set (AppState::open sets it)".into()))
}

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
// An absent actor or subject is NULL, spelled out: SQLite's multi-row INSERT has no DEFAULT.
#[diesel(treat_none_as_default_value = false)]
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

/// One event for `record_all`.
pub struct Pending<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub subject: Subject<'a>,
    pub details: Value,
}

/// Rows per INSERT when many events are written at once (well under either backend's limit
/// on bound parameters).
const INSERT_CHUNK: usize = 500;

/// Records many events in order, as `record` would one by one, with the chain computed here
/// and the rows written a few hundred per statement: a bulk import records an event per
/// organisation and person without a round trip for each.
pub fn record_all(conn: &mut DbConn, events: Vec<Pending<'_>>) -> Result<(), Error> {
    if events.is_empty() {
        return Ok(());
    }
    if let DbConn::Postgres(_) = conn {
        // Concurrent writers would read the same tail and fork the chain: take turns until
        // commit. (SQLite's IMMEDIATE write transactions already take turns; the unique
        // prev_hash constraint is the backstop on both.)
        diesel::sql_query("SELECT pg_advisory_xact_lock(7254)").execute(conn)?;
    }
    let mut prev_hash: String = audit_events::table
        .order(audit_events::id.desc())
        .select(audit_events::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let occurred_at = db::now();
    let key = key()?;
    let mut rows = Vec::with_capacity(events.len());
    for event in &events {
        let details = event.details.to_string();
        let hash = chain_hash(
            key,
            &Row {
                prev_hash: &prev_hash,
                occurred_at,
                actor_id: event.actor_id,
                action: event.action,
                subject_type: event.subject.kind,
                subject_id: event.subject.id,
                details: &details,
            },
        );
        rows.push((prev_hash, hash.clone(), details));
        prev_hash = hash;
    }
    let new: Vec<NewAuditEvent<'_>> = events
        .iter()
        .zip(&rows)
        .map(|(event, (prev, hash, details))| NewAuditEvent {
            occurred_at,
            actor_id: event.actor_id,
            action: event.action,
            subject_type: event.subject.kind,
            subject_id: event.subject.id,
            details,
            prev_hash: prev,
            hash,
        })
        .collect();
    if let [one] = new.as_slice() {
        // One row is one statement diesel keeps prepared (it prepares a many-row INSERT
        // anew each time): every change records one event.
        diesel::insert_into(audit_events::table)
            .values(one)
            .execute(conn)?;
        return Ok(());
    }
    for chunk in new.chunks(INSERT_CHUNK) {
        // A multi-row INSERT is spelled per backend (the shared connection type has no
        // batch insert), on the caller's connection, inside its transaction.
        let insert = diesel::insert_into(audit_events::table).values(chunk);
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Postgres(c) => insert.execute(c)?,
        };
    }
    Ok(())
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
    record_all(
        conn,
        vec![Pending {
            actor_id,
            action,
            subject,
            details,
        }],
    )
}

/// What a row's hash covers.
pub struct Row<'a> {
    pub prev_hash: &'a str,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<i64>,
    pub details: &'a str,
}

impl<'a> Row<'a> {
    fn of(event: &'a AuditEvent) -> Row<'a> {
        Row {
            prev_hash: &event.prev_hash,
            occurred_at: event.occurred_at,
            actor_id: event.actor_id,
            action: &event.action,
            subject_type: &event.subject_type,
            subject_id: event.subject_id,
            details: &event.details,
        }
    }

    /// An unambiguous (JSON array) encoding of the row and the previous hash.
    fn canonical(&self) -> String {
        let when = self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
        serde_json::json!([
            self.prev_hash,
            when,
            self.actor_id,
            self.action,
            self.subject_type,
            self.subject_id,
            self.details
        ])
        .to_string()
    }
}

/// HMAC-SHA-256 of the row under the audit key.
pub fn chain_hash(key: &[u8; 32], row: &Row<'_>) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(row.canonical().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The hash rows had before it was keyed (kept to upgrade such a chain once, in `protect`).
fn unkeyed_hash(row: &Row<'_>) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(row.canonical().as_bytes()))
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
    let key = *key()?;
    walk(conn, |row| chain_hash(&key, row))
}

/// `verify`, and also that the event `seq` someone kept still has the hash they kept: a
/// chain cut short, or rewritten (even with the key) at or below that event, fails here.
pub fn verify_witnessed(conn: &mut DbConn, seq: i64, hash: &str) -> Result<Verdict, Error> {
    let kept: Option<String> = audit_events::table
        .find(seq)
        .select(audit_events::hash)
        .first(conn)
        .optional()?;
    match kept {
        None => Ok(Verdict::Broken {
            event_id: seq,
            reason: "the witnessed event is gone (the record was cut short)".into(),
        }),
        Some(h) if h != hash.trim() => Ok(Verdict::Broken {
            event_id: seq,
            reason: "the witnessed event has another hash now (the record was rewritten)".into(),
        }),
        Some(_) => verify(conn),
    }
}

/// The newest event: what members keep as a witness of the record at a moment.
pub fn head(conn: &mut DbConn) -> Result<Option<(i64, String)>, Error> {
    Ok(audit_events::table
        .order(audit_events::id.desc())
        .select((audit_events::id, audit_events::hash))
        .first(conn)
        .optional()?)
}

fn walk(conn: &mut DbConn, hash: impl Fn(&Row<'_>) -> String) -> Result<Verdict, Error> {
    const BATCH: i64 = 1000;
    let mut chain = Chain::new(hash);
    let mut last_id = 0i64;
    loop {
        let batch: Vec<AuditEvent> = audit_events::table
            .filter(audit_events::id.gt(last_id))
            .order(audit_events::id.asc())
            .limit(BATCH)
            .select(AuditEvent::as_select())
            .load(conn)?;
        let Some(last) = batch.last() else {
            return Ok(chain.verdict());
        };
        last_id = last.id;
        for event in &batch {
            if let Err(broken) = chain.follow(event) {
                return Ok(broken);
            }
        }
    }
}

/// Verifies events read from elsewhere (a backup file), oldest first, with this process's key.
pub fn verify_events<'e>(
    events: impl IntoIterator<Item = &'e AuditEvent>,
) -> Result<Verdict, Error> {
    let key = *key()?;
    let mut chain = Chain::new(|row: &Row<'_>| chain_hash(&key, row));
    for event in events {
        if let Err(broken) = chain.follow(event) {
            return Ok(broken);
        }
    }
    Ok(chain.verdict())
}

/// A walk along the chain: each event must link to the one before and match its own hash.
struct Chain<H> {
    hash: H,
    expected_prev: String,
    events: u64,
}

impl<H: Fn(&Row<'_>) -> String> Chain<H> {
    fn new(hash: H) -> Self {
        Chain {
            hash,
            expected_prev: GENESIS.to_owned(),
            events: 0,
        }
    }

    fn follow(&mut self, event: &AuditEvent) -> Result<(), Verdict> {
        if event.prev_hash != self.expected_prev {
            return Err(Verdict::Broken {
                event_id: event.id,
                reason: "its link to the previous event does not match (an event before it was removed or changed)".into(),
            });
        }
        if (self.hash)(&Row::of(event)) != event.hash {
            return Err(Verdict::Broken {
                event_id: event.id,
                reason: "its content does not match its hash (the row was edited)".into(),
            });
        }
        self.expected_prev.clone_from(&event.hash);
        self.events += 1;
        Ok(())
    }

    fn verdict(&self) -> Verdict {
        Verdict::Intact {
            events: self.events,
        }
    }
}

/// A short public fingerprint of the audit key: a backup names the key its chain needs, and a
/// restore refuses to run under another one (the chain would no longer verify).
pub fn key_fingerprint() -> Result<String, Error> {
    let key = key()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|e| Error::Internal(format!("audit key: {e}")))?;
    mac.update(b"roundtable key fingerprint");
    Ok(hex::encode(&mac.finalize().into_bytes()[..8]))
}

/// Keeps personal values an event mentions apart from the chain: each is stored in
/// `audit_personal` and the details hold `{"personal": id}` in its place, so an erasure can
/// replace the value without touching what was hashed. `person_id` names whose data it is
/// (None for a name typed as free text, such as who represented an organisation).
pub fn personal_all(
    conn: &mut DbConn,
    values: &[(Option<i64>, &str)],
) -> Result<Vec<Value>, Error> {
    use crate::db::schema::audit_personal;
    let mut references = Vec::with_capacity(values.len());
    for chunk in values.chunks(INSERT_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(person, value)| {
                (
                    audit_personal::person_id.eq(*person),
                    audit_personal::value.eq(*value),
                )
            })
            .collect();
        // Several rows per statement are written per backend (diesel's multi-row insert
        // needs the concrete backend).
        let insert = diesel::insert_into(audit_personal::table)
            .values(rows)
            .returning(audit_personal::id);
        let ids: Vec<i64> = match conn {
            DbConn::Sqlite(c) => insert.get_results(c)?,
            DbConn::Postgres(c) => insert.get_results(c)?,
        };
        references.extend(
            ids.into_iter()
                .map(|id| serde_json::json!({ "personal": id })),
        );
    }
    Ok(references)
}

/// One personal value, as `personal_all`.
pub fn personal(conn: &mut DbConn, person_id: Option<i64>, value: &str) -> Result<Value, Error> {
    personal_all(conn, &[(person_id, value)])?
        .pop()
        .ok_or_else(|| Error::Internal("no reference for a personal value".into()))
}

/// The id a details value refers to, when it is a personal reference.
pub fn personal_reference(value: &Value) -> Option<i64> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get("personal").and_then(Value::as_i64),
        _ => None,
    }
}

/// The personal values the given details refer to, by reference: one query for all.
pub fn personal_values<'d>(
    conn: &mut DbConn,
    details: impl IntoIterator<Item = &'d str>,
) -> Result<std::collections::HashMap<i64, String>, Error> {
    use crate::db::schema::audit_personal;
    let ids: Vec<i64> = details
        .into_iter()
        .filter_map(|d| match serde_json::from_str::<Value>(d) {
            Ok(Value::Object(details)) => Some(details),
            _ => None,
        })
        .flat_map(|details| {
            details
                .values()
                .filter_map(personal_reference)
                .collect::<Vec<_>>()
        })
        .collect();
    Ok(audit_personal::table
        .filter(audit_personal::id.eq_any(ids))
        .select((audit_personal::id, audit_personal::value))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// Details with each personal reference replaced by its value (as it is now: after an
/// erasure, the pseudonym).
pub fn with_personal_values(
    details: &str,
    values: &std::collections::HashMap<i64, String>,
) -> String {
    match serde_json::from_str::<Value>(details) {
        Ok(Value::Object(mut map)) => {
            for value in map.values_mut() {
                if let Some(id) = personal_reference(value) {
                    *value = Value::String(values.get(&id).cloned().unwrap_or_default());
                }
            }
            Value::Object(map).to_string()
        }
        _ => details.to_owned(),
    }
}

/// Which events a reader of the record asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Who acted: `Some(None)` is the system (the scheduler, the set-up), `Some(Some(id))` a
    /// person; `None` anyone.
    pub actor: Option<Option<i64>>,
    /// One action (`meeting.attendance`), or every action of an area (`meeting.`).
    pub action: Option<String>,
    /// From this instant (inclusive) until that one (exclusive), in UTC.
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// The kind of subject whose events the audit page never lists: a complaint's events (who
/// filed, who answered) are need-to-know, shown on the complaint's own page to those who
/// read it. The chain still covers them, and verifying walks them.
pub const NEED_TO_KNOW_SUBJECT: &str = "complaint";

fn filtered(filter: &Filter) -> audit_events::BoxedQuery<'_, crate::db::MultiBackend> {
    let mut query = audit_events::table
        .filter(audit_events::subject_type.ne(NEED_TO_KNOW_SUBJECT))
        .into_boxed();
    match filter.actor {
        Some(Some(id)) => query = query.filter(audit_events::actor_id.eq(id)),
        Some(None) => query = query.filter(audit_events::actor_id.is_null()),
        None => {}
    }
    match filter.action.as_deref() {
        Some(area) if area.ends_with('.') => {
            // Areas come from the record's own action names (letters, digits, `_`, `.`),
            // so they hold no LIKE wildcard.
            query = query.filter(audit_events::action.like(format!("{area}%")));
        }
        Some(action) => query = query.filter(audit_events::action.eq(action.to_owned())),
        None => {}
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_events::occurred_at.lt(until));
    }
    query
}

/// One page of the events `filter` selects, newest first.
pub fn page(
    conn: &mut DbConn,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEvent>, Error> {
    Ok(filtered(filter)
        .order(audit_events::id.desc())
        .limit(limit)
        .offset(offset)
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// How many events `filter` selects (the whole record's count is `summary::known`'s).
pub fn count(conn: &mut DbConn, filter: &Filter) -> Result<i64, Error> {
    Ok(filtered(filter).count().get_result(conn)?)
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

/// Makes the table append-only (triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE)
/// and, once, re-hashes a chain written before its hashes were keyed. Runs when the service
/// opens; idempotent, and safe when several instances open one PostgreSQL database at once.
pub fn protect(conn: &mut DbConn) -> Result<(), Error> {
    let key = *key()?;
    db::write_tx(conn, |conn| {
        if let DbConn::Postgres(_) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock(7254)").execute(conn)?;
        }
        let needs_keying = match head(conn)? {
            Some((id, hash)) => {
                let event: AuditEvent = audit_events::table
                    .find(id)
                    .select(AuditEvent::as_select())
                    .first(conn)?;
                // Written before the key: the newest hash is not keyed and the whole chain
                // holds as it was. (A broken chain is left as it is, for `verify` to report.)
                chain_hash(&key, &Row::of(&event)) != hash
                    && matches!(walk(conn, unkeyed_hash)?, Verdict::Intact { .. })
            }
            None => false,
        };
        if !needs_keying && triggers_in_place(conn)? {
            return Ok(());
        }
        for statement in drop_triggers(conn) {
            diesel::sql_query(statement).execute(conn)?;
        }
        if needs_keying {
            rekey(conn, &key)?;
        }
        for statement in create_triggers(conn) {
            diesel::sql_query(statement).execute(conn)?;
        }
        Ok(())
    })
}

/// Re-hashes an intact unkeyed chain with the key, row by row from the first.
fn rekey(conn: &mut DbConn, key: &[u8; 32]) -> Result<(), Error> {
    let events: Vec<AuditEvent> = audit_events::table
        .order(audit_events::id.asc())
        .select(AuditEvent::as_select())
        .load(conn)?;
    let mut prev = GENESIS.to_owned();
    for mut event in events {
        event.prev_hash = prev;
        let hash = chain_hash(key, &Row::of(&event));
        diesel::update(audit_events::table.find(event.id))
            .set((
                audit_events::prev_hash.eq(&event.prev_hash),
                audit_events::hash.eq(&hash),
            ))
            .execute(conn)?;
        prev = hash;
    }
    Ok(())
}

const REFUSAL: &str = "the audit record is append-only";

#[derive(QueryableByName)]
struct TriggerText {
    #[diesel(sql_type = diesel::sql_types::Text)]
    sql: String,
}

/// Whether SQLite holds the append-only triggers exactly as `create_triggers` writes them
/// (it keeps each trigger's text). Making them again would change the schema, and every
/// open connection of every instance on the file would then read the schema again and
/// prepare each of its statements anew. PostgreSQL's are made again at every start.
fn triggers_in_place(conn: &mut DbConn) -> Result<bool, Error> {
    let DbConn::Sqlite(_) = conn else {
        return Ok(false);
    };
    let mut held: Vec<String> = diesel::sql_query(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' \
         AND name IN ('audit_events_no_update', 'audit_events_no_delete')",
    )
    .load::<TriggerText>(conn)?
    .into_iter()
    .map(|t| t.sql)
    .collect();
    let mut wanted = create_triggers(conn);
    held.sort();
    wanted.sort();
    Ok(held == wanted)
}

fn drop_triggers(conn: &DbConn) -> Vec<String> {
    match conn {
        DbConn::Sqlite(_) => vec![
            "DROP TRIGGER IF EXISTS audit_events_no_update".into(),
            "DROP TRIGGER IF EXISTS audit_events_no_delete".into(),
        ],
        DbConn::Postgres(_) => vec![
            "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events".into(),
            "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events".into(),
        ],
    }
}

fn create_triggers(conn: &DbConn) -> Vec<String> {
    match conn {
        DbConn::Sqlite(_) => vec![
            format!(
                "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            ),
            format!(
                "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            ),
        ],
        DbConn::Postgres(_) => vec![
            format!(
                "CREATE OR REPLACE FUNCTION roundtable_audit_append_only() RETURNS trigger \
                 LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
            ),
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events \
             FOR EACH ROW EXECUTE FUNCTION roundtable_audit_append_only()"
                .into(),
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events \
             FOR EACH STATEMENT EXECUTE FUNCTION roundtable_audit_append_only()"
                .into(),
        ],
    }
}
