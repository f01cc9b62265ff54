//! The administrator's view of the audit record.

use maud::{Markup, html};

use crate::layout;
use crate::view::Chrome;

pub struct AuditRow {
    pub id: i64,
    pub when: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: String,
    pub hash: String,
}

pub fn audit_log(chrome: &Chrome, rows: &[AuditRow], verdict: &str, head: Option<&str>) -> Markup {
    layout(
        Some(chrome),
        "Audit record",
        html! {
            h1 { "Audit record" }
            p.verdict { (verdict) }
            @if let Some(head) = head {
                p #audit-head {
                    "Head of the record: " code { (head) } ". Keep a copy: "
                    code { "roundtable audit verify --witness " (head) }
                    " later shows whether the record still holds this event unchanged (an edit, or the newest events removed, shows there)."
                }
            }
            table {
                thead { tr { th { "#" } th { "When (UTC)" } th { "Who" } th { "What" } th { "On" } th { "Details" } } }
                tbody {
                    @for r in rows {
                        tr {
                            td { (r.id) }
                            td { (r.when) }
                            td { (r.actor) }
                            td { code { (r.action) } }
                            td { (r.subject) }
                            td { code.details { (r.details) } }
                        }
                    }
                }
            }
        },
    )
}
