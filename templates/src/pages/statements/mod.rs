//! Joint statements: the list, a statement's page with its round board, the word diff, the
//! public pages and the receipt.

pub mod public;
pub mod statement;

use maud::{Markup, html};

use crate::components::{anchored_form, badge, field, select, textarea};
use crate::layout;
use crate::view::{Chrome, FormState};

pub use super::Options;

pub struct StatementRow {
    pub id: i64,
    pub title: String,
    pub origin: String,
    pub status_key: String,
    pub status: String,
    pub updated: String,
    /// "Your position is needed by …" and the like.
    pub note: String,
}

/// The list; `origins` holds the bodies the person may start a statement for (empty: none).
pub fn list(chrome: &Chrome, rows: &[StatementRow], origins: &Options, form: &FormState) -> Markup {
    layout(
        Some(chrome),
        "Joint statements",
        html! {
            h1 { "Joint statements" }
            p.lead { "Every signing member approves the exact text (and, where it needs one, gives its internal authorisation) before anything is published." }
            @if rows.is_empty() { p.empty { "No statements yet." } }
            @else {
                table #statements-table {
                    thead { tr { th { "Statement" } th { "From" } th { "State" } th { "Last change" } th { "" } } }
                    tbody { @for r in rows { tr {
                        td { a href=(format!("/statements/{}", r.id)) { (r.title) } }
                        td data-label="From" { (r.origin) }
                        td data-label="State" { (badge(&r.status, &r.status_key)) }
                        td data-label="Last change" { (r.updated) }
                        td { (r.note) }
                    } } }
                }
            }
            @if !origins.is_empty() {
                section #new-statement {
                    h2 { "Start a statement" }
                    (anchored_form(&chrome.csrf_token, "new-statement-form", "/statements", "Start drafting", form, html! {
                        (field(form, "title", "Title", "text", None))
                        (select(form, "group_id", "From", origins, Some("The plenary, or one of the working groups you convene.")))
                        (textarea(form, "context_note", "Context note (for members, not published)", 3, None))
                        (textarea(form, "body", "Text (Markdown)", 14, Some("Headings with #, lists with -, emphasis with *stars*. The text is what members approve, to the letter.")))
                    }))
                }
            }
        },
    )
}
