//! A person's own account: personal API tokens.

use maud::{Markup, html};

use crate::components::{csrf_field, field};
use crate::layout;
use crate::view::{Chrome, FormState};

pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: Option<String>,
}

pub struct AccountView {
    pub name: String,
    pub email: String,
    pub tokens: Vec<TokenRow>,
    /// A token just created: shown once, never again.
    pub new_token: Option<String>,
}

pub fn account(chrome: &Chrome, view: &AccountView, form: &FormState) -> Markup {
    layout(
        Some(chrome),
        "Your account",
        html! {
            h1 { "Your account" }
            dl.facts {
                dt { "Name" } dd { (view.name) }
                dt { "Email" } dd { (view.email) }
            }
            section aria-labelledby="tokens" {
                h2 #tokens { "Personal API tokens" }
                p { "A token lets your own tools read and write through the JSON API as you, with " code { "Authorization: Bearer TOKEN" } "." }
                @if let Some(token) = &view.new_token {
                    div.flash.flash-success role="status" {
                        p { "Your new token. Copy it now: it will not be shown again." }
                        p { code.token { (token) } }
                    }
                }
                @if view.tokens.is_empty() {
                    p.empty { "You have no tokens." }
                } @else {
                    table {
                        thead { tr { th { "Label" } th { "Created" } th { "Last used" } th { "State" } } }
                        tbody {
                            @for t in &view.tokens {
                                tr {
                                    td { (t.label) }
                                    td { (t.created) }
                                    td { (t.last_used.as_deref().unwrap_or("never")) }
                                    td {
                                        @if let Some(when) = &t.revoked {
                                            "revoked " (when)
                                        } @else {
                                            form.inline method="post" action=(format!("/account/tokens/{}/revoke", t.id)) {
                                                (csrf_field(&chrome.csrf_token))
                                                button.danger type="submit" { "Revoke" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                h3 { "Create a token" }
                form method="post" action="/account/tokens" novalidate {
                    (csrf_field(&chrome.csrf_token))
                    (field(form, "label", "What it is for", "text", Some("For example: the calendar sync on our office server.")))
                    button type="submit" { "Create token" }
                }
            }
        },
    )
}
