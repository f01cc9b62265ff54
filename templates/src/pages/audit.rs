//! The audit record's page: every event, newest first, a page at a time, filtered by who,
//! what and when, with the records it names by their names.

use maud::{Markup, html};

use super::Options;
use crate::components::{field, select};
use crate::layout;
use crate::view::{Chrome, FormState};

pub struct AuditRow {
    pub id: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    /// The record the event is about, by name ("meeting: Plenary Q1 2027").
    pub subject: String,
    /// Its page, when it has one.
    pub subject_href: Option<String>,
    /// The details in words, or why they are withheld.
    pub details: String,
    pub hash: String,
}

pub struct AuditView {
    pub rows: Vec<AuditRow>,
    /// Whether the chain holds, when the reader asked to walk it.
    pub verdict: Option<String>,
    pub verify_href: String,
    /// The head to keep as a witness (on the first page of the whole record only).
    pub head: Option<String>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub newer: Option<String>,
    pub older: Option<String>,
    pub export_href: String,
    pub who: Options,
    pub what: Options,
    /// The filter as asked (and why a part of it could not be read).
    pub filter: FormState,
}

pub fn audit_log(chrome: &Chrome, v: &AuditView) -> Markup {
    layout(
        Some(chrome),
        "Audit record",
        html! {
            h1 { "Audit record" }
            @match &v.verdict {
                Some(verdict) => p.verdict { (verdict) },
                None => p.verdict {
                    "Each event is chained to the one before it. "
                    a #audit-verify href=(v.verify_href) { "Check the whole chain now" }
                    " (it reads every event)."
                },
            }
            @if let Some(head) = &v.head {
                p #audit-head {
                    "Head of the record: " code { (head) } ". Keep a copy: "
                    code { "roundtable audit verify --witness " (head) }
                    " later shows whether the record still holds this event unchanged (an edit, or the newest events removed, shows there)."
                }
            }
            section aria-labelledby="audit-filter-heading" {
                h2 #audit-filter-heading { "Which events" }
                form.filters #audit-filter method="get" action="/admin/audit" {
                    (select(&v.filter, "who", "Who", &v.who, None))
                    (select(&v.filter, "what", "What", &v.what, None))
                    (field(&v.filter, "from", "From", "date", None))
                    (field(&v.filter, "until", "Until (inclusive)", "date", None))
                    button type="submit" { "Show" }
                }
            }
            section aria-labelledby="audit-events" {
                h2 #audit-events { (v.total) " events, newest first" }
                p { a #audit-export href=(v.export_href) { "Download these " (v.total) " events (CSV)" } }
                @if v.rows.is_empty() { p.empty { "No event matches." } }
                @else {
                    table #audit-table {
                        thead { tr { th { "#" } th { "When (UTC)" } th { "Who" } th { "What" } th { "On" } th { "Details" } } }
                        tbody {
                            @for r in &v.rows {
                                tr {
                                    td data-label="Event" { (r.id) }
                                    td data-label="When (UTC)" { (r.when) }
                                    td data-label="Who" { (r.actor) }
                                    td data-label="What" { code { (r.action) } }
                                    td data-label="On" {
                                        @match &r.subject_href {
                                            Some(href) => a href=(href) { (r.subject) },
                                            None => (r.subject),
                                        }
                                    }
                                    td.details data-label="Details" { (r.details) }
                                }
                            }
                        }
                    }
                }
                @if v.pages > 1 {
                    nav.pager aria-label="Pages of the audit record" {
                        @if let Some(href) = &v.newer { a rel="prev" href=(href) { "← newer" } }
                        span { "Page " (v.page) " of " (v.pages) }
                        @if let Some(href) = &v.older { a rel="next" href=(href) { "older →" } }
                    }
                }
            }
        },
    )
}
