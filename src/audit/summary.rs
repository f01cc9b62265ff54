//! What the audit page offers to filter by (the actions and the people in the record) and
//! how many events the whole record holds, kept in memory and brought up to date by reading
//! only the events added since the last look: the page no longer reads the whole record on
//! every visit (200,000 events took 90 ms a visit). The record is append-only and events are
//! appended one at a time in id order (an advisory lock on PostgreSQL, the one writer on
//! SQLite), so reading past the last id seen misses nothing, on one instance or several.

use std::collections::BTreeSet;
use std::sync::Mutex;

use diesel::prelude::*;

use super::NEED_TO_KNOW_SUBJECT;
use crate::db::DbConn;
use crate::db::schema::audit_events;
use crate::error::Error;

#[derive(Debug, Default)]
pub struct Summary {
    seen_up_to: i64,
    actions: BTreeSet<String>,
    actors: BTreeSet<i64>,
    events: i64,
}

/// The record as the page knows it: its actions in order, the people who acted, and how
/// many events it holds (need-to-know events left out of all three).
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    pub actions: Vec<String>,
    pub actors: Vec<i64>,
    pub events: i64,
}

/// Events read at a time when catching up: a first look at a long record (217,402 events in
/// the large demo) reads it in slices, so it never holds the whole record in memory.
const SLICE: i64 = 10_000;

/// Brings `summary` up to date (one query, of the events added since, unless more than a
/// slice was added) and says what it knows.
pub fn known(conn: &mut DbConn, summary: &Mutex<Summary>) -> Result<Known, Error> {
    known_in_slices(conn, summary, SLICE)
}

/// `known`, reading `slice` events at a time.
pub fn known_in_slices(
    conn: &mut DbConn,
    summary: &Mutex<Summary>,
    slice: i64,
) -> Result<Known, Error> {
    let mut s = summary
        .lock()
        .map_err(|_| Error::Internal("the audit summary's lock is poisoned".into()))?;
    loop {
        let added: Vec<(i64, String, Option<i64>, String)> = audit_events::table
            .filter(audit_events::id.gt(s.seen_up_to))
            .order(audit_events::id)
            .limit(slice)
            .select((
                audit_events::id,
                audit_events::action,
                audit_events::actor_id,
                audit_events::subject_type,
            ))
            .load(conn)?;
        let whole_slice = added.len() as i64 == slice;
        for (id, action, actor, subject_type) in added {
            s.seen_up_to = id;
            if subject_type == NEED_TO_KNOW_SUBJECT {
                continue;
            }
            s.events += 1;
            if !s.actions.contains(&action) {
                s.actions.insert(action);
            }
            if let Some(actor) = actor {
                s.actors.insert(actor);
            }
        }
        if !whole_slice {
            break;
        }
    }
    Ok(Known {
        actions: s.actions.iter().cloned().collect(),
        actors: s.actors.iter().copied().collect(),
        events: s.events,
    })
}
