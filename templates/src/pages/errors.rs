//! Error pages, in the site's layout.

use maud::{Markup, html};

use crate::layout;
use crate::view::Chrome;

/// The same page in the site's frame (the menu of whoever is signed in).
pub fn framed_error_page(chrome: &Chrome, status: u16, message: &str) -> Markup {
    let title = title_of(status);
    layout(
        Some(chrome),
        title,
        html! {
            section.error-page {
                h1 { (title) }
                p #error-reason { (capitalise(message)) "." }
                @if status == 403 && chrome.person.is_none() {
                    p { a href="/login" { "Sign in" } " if this is yours to see." }
                }
                p { a href="/" { "Back to the start page" } }
            }
        },
    )
}

fn title_of(status: u16) -> &'static str {
    match status {
        403 => "Not allowed",
        404 => "Page not found",
        422 => "Please check your input",
        429 => "Too many attempts",
        413 => "Too large",
        400 => "Request not understood",
        503 => "Busy",
        s if s >= 500 => "Something went wrong",
        _ => "Request refused",
    }
}

pub fn error_page(status: u16, message: &str) -> Markup {
    let title = title_of(status);
    layout(
        None,
        title,
        html! {
            section.error-page {
                h1 { (title) }
                p { (capitalise(message)) "." }
                @if status >= 500 {
                    p { "The problem has been logged. Try again in a moment; if it persists, tell the administrator." }
                }
                p { a href="/" { "Back to the start page" } }
            }
        },
    )
}

fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
