//! The audit record's page: newest first, a page at a time, filtered by who, what and when,
//! with names instead of numbers; and the same selection as a CSV file. Details follow the
//! one visibility rule (`visibility::sees_audit_details`) on the page and in the file alike.

use std::collections::{BTreeSet, HashMap};

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, NaiveTime};
use diesel::prelude::*;
use maud::Markup;
use roundtable_templates::pages::audit as pages;
use serde_json::Value;

use super::context::Page;
use crate::AppState;
use crate::audit::{self, AuditEvent, Filter, Verdict};
use crate::auth::permissions::{self, Action, Actor};
use crate::db::DbConn;
use crate::error::Error;

/// Events per page.
const PER_PAGE: i64 = 100;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/audit", web::get().to(show))
        .route("/admin/audit/export.csv", web::get().to(export));
}

/// The filter as the address carries it (a GET form: it can be bookmarked and shared).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
struct Query {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    who: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    what: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<i64>,
    /// Walk the whole chain now (it reads every event, so only when asked).
    #[serde(default, skip_serializing)]
    verify: Option<String>,
}

impl Query {
    /// The filter, or the fields that could not be read (each with its message).
    fn filter(&self, actions: &[String]) -> Result<Filter, roundtable_templates::FieldErrors> {
        let mut problems = roundtable_templates::FieldErrors::new();
        let actor = match self.who.as_str() {
            "" => None,
            "system" => Some(None),
            id => match id.parse() {
                Ok(id) => Some(Some(id)),
                Err(_) => {
                    problems.insert("who".into(), vec!["Choose someone from the list.".into()]);
                    None
                }
            },
        };
        let action = match self.what.as_str() {
            "" => None,
            what if actions
                .iter()
                .any(|a| a == what || (what.ends_with('.') && a.starts_with(what))) =>
            {
                Some(what.to_owned())
            }
            _ => {
                problems.insert(
                    "what".into(),
                    vec!["Choose an action from the list.".into()],
                );
                None
            }
        };
        let mut day = |field: &str, value: &str| -> Option<NaiveDate> {
            if value.is_empty() {
                return None;
            }
            let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
            if parsed.is_none() {
                problems.insert(field.into(), vec!["Give a date as YYYY-MM-DD.".into()]);
            }
            parsed
        };
        let from = day("from", &self.from).map(|d| d.and_time(NaiveTime::MIN));
        // "Until" names the last day shown.
        let until = day("until", &self.until)
            .and_then(|d| d.succ_opt())
            .map(|d| d.and_time(NaiveTime::MIN));
        if problems.is_empty() {
            Ok(Filter {
                actor,
                action,
                from,
                until,
            })
        } else {
            Err(problems)
        }
    }

    /// This page again, walking the whole chain.
    fn verify_href(&self) -> String {
        let page = self.href("/admin/audit", self.page);
        let joiner = if page.contains('?') { '&' } else { '?' };
        format!("{page}{joiner}verify=yes")
    }

    /// The address of this selection's page `page` (or of its CSV file).
    fn href(&self, path: &str, page: Option<i64>) -> String {
        let mut query = self.clone();
        query.page = page;
        match serde_urlencoded::to_string(&query) {
            Ok(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path.to_owned(),
        }
    }
}

/// What the records an event names are called: one query per kind for a whole page.
#[derive(Default)]
struct Names {
    by_kind: HashMap<Kind, HashMap<i64, String>>,
    /// Personal values the details refer to (`audit::personal`), as they are now.
    personal: HashMap<i64, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Person,
    Organisation,
    Meeting,
    Statement,
    Group,
}

impl Kind {
    fn of_subject(subject_type: &str) -> Option<Kind> {
        match subject_type {
            "person" => Some(Kind::Person),
            "organisation" => Some(Kind::Organisation),
            "meeting" => Some(Kind::Meeting),
            "statement" => Some(Kind::Statement),
            "working_group" => Some(Kind::Group),
            _ => None,
        }
    }

    /// The kind of record a detail names by its key (`organisation_id`, `signatories`).
    fn of_detail(key: &str) -> Option<Kind> {
        if key.contains("organisation") || matches!(key, "signatories" | "holders") {
            Some(Kind::Organisation)
        } else if key.contains("person") || key == "convenor_id" {
            Some(Kind::Person)
        } else {
            match key {
                "meeting_id" => Some(Kind::Meeting),
                "statement_id" => Some(Kind::Statement),
                "group_id" => Some(Kind::Group),
                _ => None,
            }
        }
    }

    fn page(self, id: i64) -> String {
        match self {
            Kind::Person => format!("/people/{id}"),
            Kind::Organisation => format!("/organisations/{id}"),
            Kind::Meeting => format!("/meetings/{id}"),
            Kind::Statement => format!("/statements/{id}"),
            Kind::Group => format!("/groups/{id}"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organisation => "organisation",
            Kind::Meeting => "meeting",
            Kind::Statement => "statement",
            Kind::Group => "working group",
        }
    }
}

fn ids_in(value: &Value) -> Vec<i64> {
    match value {
        Value::Number(n) => n.as_i64().into_iter().collect(),
        Value::Array(items) => items.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    }
}

impl Names {
    fn load(
        conn: &mut DbConn,
        events: &[AuditEvent],
        extra_people: &[i64],
    ) -> Result<Names, Error> {
        use crate::db::schema::{meetings, statements, working_groups};
        let mut wanted: HashMap<Kind, BTreeSet<i64>> = HashMap::new();
        wanted
            .entry(Kind::Person)
            .or_default()
            .extend(extra_people.iter().copied());
        for e in events {
            if let Some(id) = e.actor_id {
                wanted.entry(Kind::Person).or_default().insert(id);
            }
            if let (Some(kind), Some(id)) = (Kind::of_subject(&e.subject_type), e.subject_id) {
                wanted.entry(kind).or_default().insert(id);
            }
            if let Ok(Value::Object(details)) = serde_json::from_str::<Value>(&e.details) {
                for (key, value) in &details {
                    if let Some(kind) = Kind::of_detail(key) {
                        wanted.entry(kind).or_default().extend(ids_in(value));
                    }
                }
            }
        }
        let mut names = Names {
            personal: audit::personal_values(conn, events.iter().map(|e| e.details.as_str()))?,
            ..Names::default()
        };
        // Every kind, even one the page does not name: the page costs the same few queries
        // whatever it shows.
        for kind in [
            Kind::Person,
            Kind::Organisation,
            Kind::Meeting,
            Kind::Statement,
            Kind::Group,
        ] {
            let ids: Vec<i64> = wanted
                .remove(&kind)
                .unwrap_or_default()
                .into_iter()
                .collect();
            // People and organisations have their own look-ups; the others are read here.
            let found: HashMap<i64, String> = match kind {
                Kind::Person => crate::auth::store::names(conn, &ids)?,
                Kind::Organisation => crate::membership::organisations::names(conn, &ids)?,
                Kind::Meeting => meetings::table
                    .filter(meetings::id.eq_any(&ids))
                    .select((meetings::id, meetings::title))
                    .load::<(i64, String)>(conn)?
                    .into_iter()
                    .collect(),
                Kind::Statement => statements::table
                    .filter(statements::id.eq_any(&ids))
                    .select((statements::id, statements::title))
                    .load::<(i64, String)>(conn)?
                    .into_iter()
                    .collect(),
                Kind::Group => working_groups::table
                    .filter(working_groups::id.eq_any(&ids))
                    .select((working_groups::id, working_groups::name))
                    .load::<(i64, String)>(conn)?
                    .into_iter()
                    .collect(),
            };
            names.by_kind.insert(kind, found);
        }
        Ok(names)
    }

    fn name(&self, kind: Kind, id: i64) -> String {
        self.by_kind
            .get(&kind)
            .and_then(|m| m.get(&id))
            .cloned()
            .unwrap_or_else(|| format!("{} #{id}", kind.label()))
    }

    fn actor(&self, id: Option<i64>) -> String {
        id.map_or_else(|| "the system".into(), |id| self.name(Kind::Person, id))
    }

    /// The details in words: `signatories: Legal Aid Network, Migrant Rights Centre`.
    fn details(&self, raw: &str) -> String {
        let Ok(Value::Object(details)) = serde_json::from_str::<Value>(raw) else {
            return raw.to_owned();
        };
        details
            .iter()
            .map(|(key, value)| {
                let label = key.trim_end_matches("_id").replace('_', " ");
                let shown = match (Kind::of_detail(key), value) {
                    (_, reference) if audit::personal_reference(reference).is_some() => {
                        audit::personal_reference(reference)
                            .and_then(|id| self.personal.get(&id))
                            .cloned()
                            .unwrap_or_default()
                    }
                    (Some(kind), Value::Number(_) | Value::Array(_)) => ids_in(value)
                        .into_iter()
                        .map(|id| self.name(kind, id))
                        .collect::<Vec<_>>()
                        .join(", "),
                    (_, Value::String(text)) => text.clone(),
                    (_, Value::Null) => "none".into(),
                    (_, other) => other.to_string(),
                };
                format!("{label}: {shown}")
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn row(&self, reader: &Actor, e: &AuditEvent) -> pages::AuditRow {
        let parsed = serde_json::from_str(&e.details).unwrap_or_default();
        let kind = Kind::of_subject(&e.subject_type);
        pages::AuditRow {
            id: e.id,
            when: e.occurred_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            actor: self.actor(e.actor_id),
            action: e.action.clone(),
            subject: match (kind, e.subject_id) {
                (Some(kind), Some(id)) => format!("{}: {}", kind.label(), self.name(kind, id)),
                (None, Some(id)) => format!("{} #{id}", e.subject_type.replace('_', " ")),
                (_, None) => e.subject_type.replace('_', " "),
            },
            subject_href: kind.zip(e.subject_id).map(|(k, id)| k.page(id)),
            details: if crate::auth::visibility::sees_audit_details(reader, &e.action, &parsed) {
                self.details(&e.details)
            } else {
                "(withheld: confidential)".into()
            },
            hash: e.hash.clone(),
        }
    }
}

/// The choices of the "what" filter: each area (`meeting.`), then its actions.
fn action_options(actions: &[String]) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "any action".to_owned())];
    let mut area_seen = String::new();
    for action in actions {
        let area = action.split('.').next().unwrap_or_default();
        if area != area_seen {
            options.push((
                format!("{area}."),
                format!("{} (all)", area.replace('_', " ")),
            ));
            area_seen = area.to_owned();
        }
        options.push((action.clone(), format!("  {action}")));
    }
    options
}

async fn show(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<Query>,
) -> Result<Markup, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewAudit)?;
    let query = query.into_inner();
    let number = query.page.unwrap_or(1).max(1);
    let verify = query.verify.is_some();
    let asked = query.clone();
    let shared = state.clone();
    let (actions, actors, events, total, names, verdict, problems, whole_record) = state
        .db(move |conn| {
            let known = audit::summary::known(conn, &shared.audit_summary)?;
            let (actions, actors) = (known.actions, known.actors);
            let (filter, problems) = match asked.filter(&actions) {
                Ok(filter) => (filter, None),
                Err(problems) => (Filter::default(), Some(problems)),
            };
            let whole_record = filter == Filter::default();
            let offset = (number - 1).saturating_mul(PER_PAGE);
            let events = audit::page(conn, &filter, PER_PAGE, offset)?;
            let total = if whole_record {
                known.events
            } else {
                audit::count(conn, &filter)?
            };
            let whole_record = whole_record && problems.is_none();
            let names = Names::load(conn, &events, &actors)?;
            let verdict = if verify {
                Some(audit::verify(conn)?)
            } else {
                None
            };
            Ok((
                actions,
                actors,
                events,
                total,
                names,
                verdict,
                problems,
                whole_record,
            ))
        })
        .await?;
    let verdict = verdict.map(|verdict| match verdict {
        Verdict::Intact { events } => format!("The chain of {events} events is intact."),
        Verdict::Broken { event_id, reason } => {
            format!("The chain is broken at event #{event_id}: {reason}.")
        }
    });
    // The head is a witness of the whole record: on its first page, unfiltered.
    let head = if number == 1 && whole_record {
        events.first().map(|e| format!("{}:{}", e.id, e.hash))
    } else {
        None
    };
    let mut people: Vec<(String, String)> = actors
        .iter()
        .map(|id| (id.to_string(), names.name(Kind::Person, *id)))
        .collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    let who = [
        (String::new(), "anyone".to_owned()),
        ("system".to_owned(), "the system".to_owned()),
    ]
    .into_iter()
    .chain(people)
    .collect();
    let pages_in_all = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let view = pages::AuditView {
        rows: events.iter().map(|e| names.row(&actor, e)).collect(),
        verdict,
        head,
        total,
        page: number,
        pages: pages_in_all,
        newer: (number > 1).then(|| query.href("/admin/audit", Some(number - 1))),
        older: (number < pages_in_all).then(|| query.href("/admin/audit", Some(number + 1))),
        export_href: query.href("/admin/audit/export.csv", None),
        verify_href: query.verify_href(),
        who,
        what: action_options(&actions),
        filter: roundtable_templates::FormState {
            values: crate::web::forms::values_of(&query),
            errors: problems.unwrap_or_default(),
        },
    };
    Ok(pages::audit_log(&page.chrome(), &view))
}

/// The selection as CSV, every matching event (not only one page), newest first.
async fn export(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<Query>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewAudit)?;
    let query = query.into_inner();
    let reader = actor.clone();
    let shared = state.clone();
    let csv = state
        .db(move |conn| {
            let actions = audit::summary::known(conn, &shared.audit_summary)?.actions;
            let filter = query.filter(&actions).map_err(|problems| {
                Error::Invalid(
                    problems
                        .into_values()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })?;
            let events = audit::page(conn, &filter, i64::MAX, 0)?;
            let names = Names::load(conn, &events, &[])?;
            to_csv(&names, &reader, &events)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"audit-{}.csv\"", page.today()),
        ))
        .body(csv))
}

fn to_csv(names: &Names, reader: &Actor, events: &[AuditEvent]) -> Result<String, Error> {
    use crate::membership::import::inert;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
    writer
        .write_record([
            "event", "when_utc", "who", "action", "on", "details", "hash",
        ])
        .map_err(failed)?;
    for e in events {
        let row = names.row(reader, e);
        writer
            .write_record([
                row.id.to_string().as_str(),
                &row.when,
                &inert(&row.actor),
                &row.action,
                &inert(&row.subject),
                &inert(&row.details),
                &row.hash,
            ])
            .map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(format!("CSV is not UTF-8: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_name_what_their_keys_point_at() {
        let mut names = Names::default();
        names.by_kind.insert(
            Kind::Organisation,
            HashMap::from([(8, "Legal Aid Network".into()), (10, "Safe House".into())]),
        );
        names
            .by_kind
            .insert(Kind::Person, HashMap::from([(3, "Ana Lima".into())]));
        let said = names.details(
            r#"{"signatories":[8,10,7],"person_id":3,"reason":"late","deadline":null,"percent":75}"#,
        );
        assert_eq!(
            said,
            "deadline: none; percent: 75; person: Ana Lima; reason: late; \
             signatories: Legal Aid Network, Safe House, organisation #7"
        );
    }

    #[test]
    fn a_filter_is_read_from_the_address_or_refused_beside_its_field() {
        let actions = vec![
            "meeting.attendance".to_owned(),
            "meeting.created".to_owned(),
        ];
        let query = Query {
            who: "system".into(),
            what: "meeting.".into(),
            from: "2026-01-01".into(),
            until: "2026-01-31".into(),
            ..Query::default()
        };
        let filter = query.filter(&actions).expect("a filter");
        assert_eq!(filter.actor, Some(None));
        assert_eq!(filter.action.as_deref(), Some("meeting."));
        assert_eq!(
            filter.until.map(|u| u.to_string()).as_deref(),
            Some("2026-02-01 00:00:00"),
            "until names the last day shown"
        );
        let bad = Query {
            who: "someone".into(),
            what: "meeting.deleted".into(),
            from: "yesterday".into(),
            ..Query::default()
        };
        let problems = bad.filter(&actions).expect_err("refused");
        assert_eq!(
            problems.keys().cloned().collect::<Vec<_>>(),
            ["from", "what", "who"]
        );
    }
}
