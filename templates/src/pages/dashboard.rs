//! The start page of a signed-in person: what needs them.

use maud::{Markup, html};

use crate::layout;
use crate::view::Chrome;

/// One thing waiting for the person, with where to act on it.
#[derive(Debug, Clone)]
pub struct Task {
    pub title: String,
    pub detail: String,
    pub href: String,
}

pub struct DashboardView {
    pub greeting_name: String,
    pub tasks: Vec<Task>,
}

pub fn dashboard(chrome: &Chrome, view: &DashboardView) -> Markup {
    layout(
        Some(chrome),
        "Dashboard",
        html! {
            h1 { "Welcome, " (view.greeting_name) }
            section aria-labelledby="needs-me" {
                h2 #needs-me { "What needs you" }
                @if view.tasks.is_empty() {
                    p.empty { "Nothing needs you right now." }
                } @else {
                    ul.tasks {
                        @for task in &view.tasks {
                            li {
                                a href=(task.href) { (task.title) }
                                p { (task.detail) }
                            }
                        }
                    }
                }
            }
        },
    )
}
