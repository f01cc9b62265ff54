//! A person's data (GDPR articles 15 and 20): everything Roundtable holds about them, as one
//! JSON file with a short summary in words, for the person from their account page and for
//! the administrator on their request. Secrets (password and token hashes) never leave.

pub mod erase;
pub mod web;

use serde_json::{Map, Value, json};

use crate::auth::permissions::{self, Action, Actor};
use crate::care::backup::tables::{self, Key, Table};
use crate::db::DbConn;
use crate::error::Error;

/// Columns that hold secrets, left out wherever they are.
const SECRETS: &[&str] = &["password_hash", "token_hash"];

/// What a part of the file holds: its name, its table, the column that names the person,
/// and what it is, in words.
struct Part {
    name: &'static str,
    table: &'static str,
    column: &'static str,
    by: By,
    says: &'static str,
}

/// How a part's column names the person.
#[derive(Clone, Copy)]
enum By {
    Id,
    Email,
    Name,
}

const PARTS: &[Part] = &[
    Part {
        name: "profile",
        table: "people",
        column: "id",
        by: By::Id,
        says: "your profile",
    },
    Part {
        name: "organisation",
        table: "affiliations",
        column: "person_id",
        by: By::Id,
        says: "your place in an organisation",
    },
    Part {
        name: "mail_preferences",
        table: "mail_preferences",
        column: "person_id",
        by: By::Id,
        says: "mail preferences",
    },
    Part {
        name: "sessions",
        table: "sessions",
        column: "person_id",
        by: By::Id,
        says: "sign-ins (when, from where, with which browser)",
    },
    Part {
        name: "api_tokens",
        table: "api_tokens",
        column: "person_id",
        by: By::Id,
        says: "personal API tokens (their labels and use, not the tokens)",
    },
    Part {
        name: "links",
        table: "link_tokens",
        column: "person_id",
        by: By::Id,
        says: "invitation and password links (when made and used, not the links)",
    },
    Part {
        name: "email_changes",
        table: "email_changes",
        column: "person_id",
        by: By::Id,
        says: "changes of email address",
    },
    Part {
        name: "calendar_feeds",
        table: "calendar_feeds",
        column: "person_id",
        by: By::Id,
        says: "calendar feeds (when made, not their addresses)",
    },
    Part {
        name: "group_nominations",
        table: "working_group_nominees",
        column: "person_id",
        by: By::Id,
        says: "nominations to working groups",
    },
    Part {
        name: "action_items",
        table: "action_items",
        column: "owner_person_id",
        by: By::Id,
        says: "action items you own",
    },
    Part {
        name: "positions",
        table: "statement_positions",
        column: "person_id",
        by: By::Id,
        says: "positions you took in your organisation's name",
    },
    Part {
        name: "authorisations",
        table: "statement_authorisations",
        column: "person_id",
        by: By::Id,
        says: "authorisations you gave or refused",
    },
    Part {
        name: "statement_comments",
        table: "statement_comments",
        column: "person_id",
        by: By::Id,
        says: "comments and amendments on statements",
    },
    Part {
        name: "minute_comments",
        table: "minute_comments",
        column: "person_id",
        by: By::Id,
        says: "comments on minutes",
    },
    Part {
        name: "statement_versions",
        table: "statement_versions",
        column: "created_by",
        by: By::Id,
        says: "statement versions you wrote",
    },
    Part {
        name: "attendance",
        table: "attendance",
        column: "represented_by",
        by: By::Name,
        says: "meetings where you are named as your organisation's representative",
    },
    Part {
        name: "mail",
        table: "outbox_deliveries",
        column: "recipient_email",
        by: By::Email,
        says: "mails sent to you",
    },
    Part {
        name: "acted",
        table: "audit_events",
        column: "actor_id",
        by: By::Id,
        says: "events of the audit record where you acted",
    },
];

/// Everything held about `person_id`, as the file the person downloads.
pub fn export(conn: &mut DbConn, actor: &Actor, person_id: i64) -> Result<Value, Error> {
    permissions::require(actor, Action::ExportPersonalData { person_id })?;
    let person = crate::auth::store::find(conn, person_id)?;
    let all = tables::all(conn)?;
    let table = |name: &str| -> Result<&Table, Error> {
        all.iter()
            .find(|t| t.name == name)
            .ok_or_else(|| Error::Internal(format!("no table {name}")))
    };
    let mut file = Map::new();
    let mut summary = Vec::new();
    for part in PARTS {
        let key = match part.by {
            By::Id => Key::Id(person_id),
            By::Email => Key::Text(&person.email),
            By::Name => Key::Text(&person.name),
        };
        let mut rows = tables::rows_where(conn, table(part.table)?, part.column, key)?;
        for row in &mut rows {
            for secret in SECRETS {
                row.remove(*secret);
            }
        }
        if part.name == "mail" {
            add_messages(conn, table("outbox_messages")?, &mut rows)?;
        }
        if part.table == "audit_events" {
            // What a person did in a complaint is need-to-know: it is theirs to download,
            // not the administrator's to learn (`audit::NEED_TO_KNOW_SUBJECT`).
            if actor.id() != person_id {
                rows.retain(|e| {
                    e.get("subject_type").and_then(Value::as_str)
                        != Some(crate::audit::NEED_TO_KNOW_SUBJECT)
                });
            }
            with_personal_values(conn, &mut rows)?;
        }
        summary.push(format!("{}: {}", part.says, rows.len()));
        file.insert(
            part.name.into(),
            Value::Array(rows.into_iter().map(Value::Object).collect()),
        );
    }
    // Events about the person (roles given, invitations, deactivation) as well as by them.
    let about: Vec<Value> = tables::rows_where(
        conn,
        table("audit_events")?,
        "subject_id",
        Key::Id(person_id),
    )?
    .into_iter()
    .filter(|e| e.get("subject_type").and_then(Value::as_str) == Some("person"))
    .map(Value::Object)
    .collect();
    summary.push(format!(
        "events of the audit record about you: {}",
        about.len()
    ));
    file.insert("about_you".into(), Value::Array(about));
    Ok(json!({
        "generated_at": crate::db::now().format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        "person": { "id": person.id, "name": person.name, "email": person.email },
        "summary": summary,
        "what_stays": "Positions, authorisations, comments and attendance are also your organisation's record; they stay with the coalition if you leave, under a pseudonym if you ask to be erased.",
        "data": Value::Object(file),
    }))
}

/// Audit events with the personal values their details refer to written out.
fn with_personal_values(conn: &mut DbConn, events: &mut [Map<String, Value>]) -> Result<(), Error> {
    let details: Vec<String> = events
        .iter()
        .filter_map(|e| e.get("details").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let values = crate::audit::personal_values(conn, details.iter().map(String::as_str))?;
    for event in events {
        if let Some(Value::String(details)) = event.get_mut("details") {
            *details = crate::audit::with_personal_values(details, &values);
        }
    }
    Ok(())
}

/// Each mail's subject and text beside its delivery (one query for all the messages).
fn add_messages(
    conn: &mut DbConn,
    messages: &Table,
    deliveries: &mut [Map<String, Value>],
) -> Result<(), Error> {
    let ids: Vec<i64> = deliveries
        .iter()
        .filter_map(|d| d.get("message_id").and_then(Value::as_i64))
        .collect();
    let by_id: std::collections::HashMap<i64, Map<String, Value>> =
        tables::rows_where(conn, messages, "id", Key::Ids(&ids))?
            .into_iter()
            .filter_map(|m| Some((m.get("id")?.as_i64()?, m)))
            .collect();
    for delivery in deliveries {
        let Some(message) = delivery
            .get("message_id")
            .and_then(Value::as_i64)
            .and_then(|id| by_id.get(&id))
        else {
            continue;
        };
        for field in ["kind", "subject", "text_body", "created_at"] {
            if let Some(value) = message.get(field) {
                let value = match value {
                    Value::String(text) => Value::String(without_link_tokens(text)),
                    other => other.clone(),
                };
                delivery.insert(format!("message_{field}"), value);
            }
        }
    }
    Ok(())
}

/// A mail's text without the tokens of the links it carried (an invitation, a password
/// reset): the file may be read by someone else than the person, and such a link may still
/// work.
fn without_link_tokens(text: &str) -> String {
    const MARKERS: &[&str] = &[
        "/invitation/",
        "/password/reset/",
        "/email/confirm/",
        "/setup/",
        "/calendar/feed/",
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, marker)) = MARKERS
        .iter()
        .filter_map(|m| rest.find(m).map(|at| (at, *m)))
        .min_by_key(|(at, _)| *at)
    {
        let after = at + marker.len();
        out.push_str(&rest[..after]);
        let token_len = rest[after..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len() - after);
        if token_len > 0 {
            out.push_str("[removed]");
        }
        rest = &rest[after + token_len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_tokens_are_removed_from_mail_texts() {
        assert_eq!(
            without_link_tokens(
                "Set your password: https://r.example/invitation/Ab-9_x.\nFeed: /calendar/feed/Zz9.ics"
            ),
            "Set your password: https://r.example/invitation/[removed].\nFeed: /calendar/feed/[removed].ics"
        );
        assert_eq!(without_link_tokens("no links here"), "no links here");
    }
}
