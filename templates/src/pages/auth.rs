//! Sign-in and the first-run set-up.

use maud::{Markup, html};

use crate::components::{csrf_field, field, form_problems};
use crate::layout;
use crate::view::{Chrome, FormState};

pub fn login(chrome: &Chrome, form: &FormState, problem: Option<&str>) -> Markup {
    layout(
        Some(chrome),
        "Sign in",
        html! {
            section.narrow {
                h1 { "Sign in" }
                @if let Some(problem) = problem {
                    div.flash.flash-error role="alert" { (problem) }
                }
                form method="post" action="/login" novalidate {
                    (csrf_field(&chrome.csrf_token))
                    (field(form, "email", "Email", "email", None))
                    (field(form, "password", "Password", "password", None))
                    button type="submit" { "Sign in" }
                }
                p { a href="/password/forgot" { "Forgot your password?" } }
            }
        },
    )
}

/// Shown when nobody has set the coalition up yet.
pub fn setup_pending(chrome: &Chrome) -> Markup {
    layout(
        Some(chrome),
        "Welcome",
        html! {
            section.narrow {
                h1 { "Roundtable is not set up yet" }
                p { "When the service started, it printed a one-time set-up link in its console. Open that link to name the coalition and create the first administrator." }
                p { "No link at hand? Restart the service to print a new one, or run " code { "roundtable user add" } " on the server." }
            }
        },
    )
}

/// The set-up form proposes the zone of most coalitions using it until one is typed.
fn with_default_zone(form: &FormState) -> FormState {
    let mut form = form.clone();
    form.values
        .entry("time_zone".to_owned())
        .or_insert_with(|| "Europe/Brussels".to_owned());
    form
}

pub fn setup(chrome: &Chrome, action: &str, form: &FormState) -> Markup {
    layout(
        Some(chrome),
        "Set up the coalition",
        html! {
            section.narrow {
                h1 { "Set up the coalition" }
                p { "Name the coalition, choose the time zone its meetings are planned in, and create the first administrator. This link works once." }
                (form_problems(form))
                form method="post" action=(action) novalidate {
                    (csrf_field(&chrome.csrf_token))
                    fieldset {
                        legend { "The coalition" }
                        (field(form, "coalition_name", "Name of the coalition", "text", None))
                        (crate::components::time_zone_field(&with_default_zone(form), "time_zone", "Time zone", Some("Type a city of the zone, for example Brussels, Vienna or Nairobi.")))
                    }
                    fieldset {
                        legend { "The first administrator" }
                        (field(form, "name", "Your name", "text", None))
                        (field(form, "email", "Your email", "email", None))
                        (field(form, "password", "Password", "password", Some("At least 12 characters; a few unrelated words are easy to remember and hard to guess.")))
                        (field(form, "password_confirm", "Password again", "password", None))
                    }
                    button type="submit" { "Create the coalition" }
                }
            }
        },
    )
}

pub fn forgot_password(chrome: &Chrome, form: &FormState, sent: bool) -> Markup {
    layout(
        Some(chrome),
        "Forgot your password?",
        html! {
            section.narrow {
                h1 { "Forgot your password?" }
                @if sent {
                    div.flash.flash-success role="status" #reset-sent {
                        "If this address belongs to someone in the coalition, a link to choose a new password is on its way. It works once, for two hours."
                    }
                } @else {
                    p { "Give your email address; we mail you a link to choose a new password." }
                    form method="post" action="/password/forgot" novalidate {
                        (csrf_field(&chrome.csrf_token))
                        (field(form, "email", "Email", "email", None))
                        button type="submit" { "Send me the link" }
                    }
                }
            }
        },
    )
}

pub fn reset_password(chrome: &Chrome, action: &str, form: &FormState) -> Markup {
    layout(
        Some(chrome),
        "Choose a new password",
        html! {
            section.narrow {
                h1 { "Choose a new password" }
                (form_problems(form))
                form method="post" action=(action) novalidate {
                    (csrf_field(&chrome.csrf_token))
                    (field(form, "password", "New password", "password", Some("At least 12 characters; a few unrelated words are easy to remember and hard to guess.")))
                    (field(form, "password_confirm", "New password again", "password", None))
                    button type="submit" { "Save and sign in" }
                }
            }
        },
    )
}

/// The page behind the link mailed to a person's present address: one button makes the
/// change (mail programs that open links to check them change nothing).
pub fn confirm_email(chrome: &Chrome, action: &str, name: &str, new_email: &str) -> Markup {
    layout(
        Some(chrome),
        "Confirm your new address",
        html! {
            section.narrow {
                h1 { "Confirm your new address" }
                p { (name) ", your address is to become " strong { (new_email) } ". From then on you sign in with it, and mail goes there." }
                form method="post" action=(action) {
                    (csrf_field(&chrome.csrf_token))
                    button type="submit" { "Confirm the new address" }
                }
            }
        },
    )
}
