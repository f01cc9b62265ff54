//! The outbox page for the secretariat, and a person's mail preferences.

use maud::{Markup, html};

use crate::components::{ButtonForm, action_form, badge, button_form, checkbox, refused_elsewhere};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

/// The anchor of the button that sends delivery `id` again.
pub fn retry_form(id: i64) -> String {
    format!("retry-{id}")
}

pub struct DeliveryRow {
    pub id: i64,
    pub subject: String,
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub when: String,
    pub error: String,
    /// Failed for good: it may be sent again.
    pub may_retry: bool,
}

pub struct OutboxView {
    pub transport: String,
    pub counts: Vec<(String, i64)>,
    pub filter: String,
    pub rows: Vec<DeliveryRow>,
    pub can_test: bool,
    /// A retry the service refused (sent meanwhile, say).
    pub refusal: Option<Refusal>,
}

pub fn outbox(chrome: &Chrome, v: &OutboxView) -> Markup {
    let csrf = chrome.csrf_token.as_str();
    layout(
        Some(chrome),
        "Mail",
        html! {
            h1 { "Mail" }
            (refused_elsewhere(v.refusal.as_ref(), |form| v.rows.iter().any(|r| r.may_retry && retry_form(r.id) == form)))
            p { "Mail leaves " (v.transport) "." }
            div.actions {
                a href="/mail" { "all" }
                @for (status, n) in &v.counts { a href=(format!("/mail?status={status}")) { (status) " (" (n) ")" } }
            }
            @if v.can_test {
                (action_form(csrf, "/mail/test", "Send me a test mail", html! {}))
            }
            table #deliveries {
                thead { tr { th { "Subject" } th { "To" } th { "State" } th { "Attempts" } th { "Queued" } th { "Last error" } } }
                tbody { @for r in &v.rows { tr {
                    td { (r.subject) } td { (r.recipient) }
                    td { (badge(&r.status, match r.status.as_str() { "sent" => "full", "failed" => "declined", _ => "due" }))
                        @if r.may_retry {
                            (button_form(csrf, &ButtonForm {
                                anchor: &retry_form(r.id),
                                action: &format!("/mail/{}/retry", r.id),
                                label: "retry",
                                accessible_name: &format!("Retry the mail to {}", r.recipient),
                                hidden: &[],
                            }, v.refusal.as_ref()))
                        }
                    }
                    td { (r.attempts) } td { (r.when) } td.error { (r.error) }
                } } }
            }
            @if v.rows.is_empty() { p.empty { "Nothing " (v.filter) "." } }
        },
    )
}

pub fn preferences(chrome: &Chrome, essential_only: bool) -> Markup {
    let mut form = FormState::default();
    if essential_only {
        form.values.insert("essential_only".into(), "on".into());
    }
    layout(
        Some(chrome),
        "Mail preferences",
        html! {
            h1 { "Mail preferences" }
            section.narrow {
                p { "Agendas, minutes, decisions that concern your organisation and anything that asks you to act always reach you." }
                (action_form(&chrome.csrf_token, "/account/mail", "Save", html! {
                    (checkbox(&form, "essential_only", "Send me only essential mail"))
                }))
            }
        },
    )
}
