//! A person's own account: where they are signed in, and their personal API tokens.

use maud::{Markup, html};

use crate::components::{csrf_field, field, select};
use crate::layout;
use crate::view::{Chrome, FormState};

pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: Option<String>,
    /// "until D" or "no end"; "expired D" once past.
    pub expiry: String,
}

pub struct SessionRow {
    pub id: i64,
    pub started: String,
    pub last_seen: String,
    /// Address and browser.
    pub from: String,
    /// The session of the browser showing the page.
    pub this_browser: bool,
    /// "ended D: why", or None while open.
    pub ended: Option<String>,
}

pub struct AccountView {
    pub name: String,
    pub email: String,
    pub sessions: Vec<SessionRow>,
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
            section aria-labelledby="your-data" {
                h2 #your-data { "Your data" }
                p { "Everything Roundtable holds about you — your profile, sign-ins, positions and authorisations you gave in your organisation's name, comments, attendance where you are named, the mail sent to you and what you did in the audit record — as one file, with a summary at its top." }
                p { a #download-data href="/account/data.json" { "Download your data (JSON)" } }
            }
            section aria-labelledby="sessions" {
                h2 #sessions { "Where you are signed in" }
                p { "Each browser you signed in with. End any you do not recognise; a password change ends them all but this one." }
                table #sessions-table {
                    thead { tr { th { "Since" } th { "Last seen" } th { "From" } th { "State" } } }
                    tbody {
                        @for s in &view.sessions {
                            tr {
                                td { (s.started) } td { (s.last_seen) } td { (s.from) }
                                td {
                                    @match (&s.ended, s.this_browser) {
                                        (Some(ended), _) => (ended),
                                        (None, true) => "this browser",
                                        (None, false) => {
                                            form.inline method="post" action=(format!("/account/sessions/{}/end", s.id)) {
                                                (csrf_field(&chrome.csrf_token))
                                                button.danger type="submit" aria-label=(format!("End the session from {}", s.from)) { "End" }
                                            }
                                        },
                                    }
                                }
                            }
                        }
                    }
                }
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
                        thead { tr { th { "Label" } th { "Created" } th { "Last used" } th { "Valid" } th { "State" } } }
                        tbody {
                            @for t in &view.tokens {
                                tr {
                                    td { (t.label) }
                                    td { (t.created) }
                                    td { (t.last_used.as_deref().unwrap_or("never")) }
                                    td { (t.expiry) }
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
                    (select(form, "valid_days", "Valid for", &[
                        ("90".into(), "90 days".into()),
                        ("30".into(), "30 days".into()),
                        ("365".into(), "a year".into()),
                        ("".into(), "until I revoke it".into()),
                    ], None))
                    button type="submit" { "Create token" }
                }
            }
        },
    )
}
