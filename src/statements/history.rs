//! A statement's history, read from the audit record: who did what, when, in words. Every
//! position ever taken stays here, also after it was changed or voided by a new version.

use std::collections::HashMap;

use serde_json::Value;

use crate::audit;
use crate::db::DbConn;
use crate::error::Error;

/// One line of the history: when, who, what.
pub struct Entry {
    pub at: chrono::NaiveDateTime,
    pub who: String,
    pub what: String,
}

fn text(details: &Value, key: &str) -> String {
    match &details[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Turns one audit event into words; organisations and people are named by the caller's maps.
fn describe(action: &str, d: &Value, organisation: &dyn Fn(&Value) -> String) -> Option<String> {
    let reason = |key: &str| {
        let r = text(d, key);
        if r.is_empty() {
            String::new()
        } else {
            format!(": “{r}”")
        }
    };
    Some(match action {
        "statement.created" => "started the draft".into(),
        "statement.details_changed" => format!("changed the title to “{}”", text(d, "title")),
        "statement.revised" => format!("wrote version {}", text(d, "version")),
        "statement.consultation_opened" => "opened it for comments".into(),
        "statement.commented" => "commented".into(),
        "statement.amendment_proposed" => "proposed an amendment".into(),
        "statement.amendment_declined" => "declined an amendment".into(),
        "statement.round_opened" => format!(
            "opened an approval round on version {} ({}), until {}",
            text(d, "version"),
            text(d, "rule"),
            text(d, "deadline")
        ),
        "statement.position_taken" => {
            let previous = text(d, "previous");
            let change = if previous.is_empty() {
                String::new()
            } else {
                format!(" (before: {previous})")
            };
            format!(
                "{}: {}{change}{}",
                organisation(&d["organisation_id"]),
                text(d, "position"),
                reason("reason")
            )
        }
        "statement.authorisation_decided" => format!(
            "{}: authorisation {}{}",
            organisation(&d["organisation_id"]),
            text(d, "decision"),
            if text(d, "reference").is_empty() {
                String::new()
            } else {
                format!(" (ref. {})", text(d, "reference"))
            }
        ),
        "statement.round_superseded" => format!(
            "the text changed: the round was closed as superseded and its {} position(s) are void",
            text(d, "positions_void")
        ),
        "statement.adopted" => "recorded the adoption".into(),
        "statement.adoption_undone" => {
            "the adoption was undone: a withdrawal means the rule is no longer met".into()
        }
        "statement.published" => "published the statement".into(),
        "statement.withdrawn" => format!("withdrew the statement{}", reason("reason")),
        "statement.lapsed" => format!("the round lapsed at its deadline{}", reason("why")),
        _ => return None,
    })
}

/// The statement's recorded events, with their details read: one query.
pub struct Events(Vec<(audit::AuditEvent, Value)>);

pub fn events(conn: &mut DbConn, statement_id: i64) -> Result<Events, Error> {
    Ok(Events(
        audit::of_subject(conn, "statement", statement_id)?
            .into_iter()
            .map(|e| {
                let details = serde_json::from_str(&e.details).unwrap_or(Value::Null);
                (e, details)
            })
            .collect(),
    ))
}

impl Events {
    /// Leaves out what only those who read a round's board may know: each member's position,
    /// reason and internal authorisation.
    pub fn keep_outcome_only(&mut self) {
        self.0.retain(|(e, _)| {
            !matches!(
                e.action.as_str(),
                "statement.position_taken" | "statement.authorisation_decided"
            )
        });
    }

    /// The people who acted, to name them.
    pub fn people(&self) -> impl Iterator<Item = i64> + '_ {
        self.0.iter().filter_map(|(e, _)| e.actor_id)
    }

    /// The organisations the events concern, to name them.
    pub fn organisations(&self) -> impl Iterator<Item = i64> + '_ {
        self.0
            .iter()
            .filter_map(|(_, d)| d["organisation_id"].as_i64())
    }
}

pub fn of_statement(conn: &mut DbConn, statement_id: i64) -> Result<Vec<Entry>, Error> {
    let events = events(conn, statement_id)?;
    let actors: Vec<i64> = events.people().collect();
    let people = crate::auth::store::names(conn, &actors)?;
    let concerned: Vec<i64> = events.organisations().collect();
    let organisations = crate::membership::organisations::names(conn, &concerned)?;
    Ok(entries(&events, &people, &organisations))
}

/// The history in words, with names read beforehand (the page reads them with others').
pub fn entries(
    events: &Events,
    people: &HashMap<i64, String>,
    organisations: &HashMap<i64, String>,
) -> Vec<Entry> {
    let name_of = |v: &Value| {
        v.as_i64()
            .and_then(|id| organisations.get(&id).cloned())
            .unwrap_or_else(|| "an organisation".into())
    };
    events
        .0
        .iter()
        .filter_map(|(e, details)| {
            let what = describe(&e.action, details, &name_of)?;
            let who = match e.actor_id {
                Some(id) => people.get(&id).cloned().unwrap_or_default(),
                None => "Roundtable".into(),
            };
            Some(Entry {
                at: e.occurred_at,
                who,
                what,
            })
        })
        .collect()
}
