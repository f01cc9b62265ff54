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

/// A step of setting the coalition up.
#[derive(Debug, Clone)]
pub struct Step {
    pub title: String,
    pub detail: String,
    pub href: String,
    pub done: bool,
}

pub struct DashboardView {
    pub greeting_name: String,
    /// Empty once the coalition is set up (or for people who do not set it up).
    pub setting_up: Vec<Step>,
    pub tasks: Vec<Task>,
}

pub fn dashboard(chrome: &Chrome, view: &DashboardView) -> Markup {
    layout(
        Some(chrome),
        "Dashboard",
        html! {
            h1 { "Welcome, " (view.greeting_name) }
            @if !view.setting_up.is_empty() {
                section aria-labelledby="setting-up" {
                    h2 #setting-up { "Setting up the coalition" }
                    p { (view.setting_up.iter().filter(|s| s.done).count()) " of " (view.setting_up.len()) " steps done." }
                    ol.checklist #checklist {
                        @for step in &view.setting_up {
                            li.(if step.done { "done" } else { "to-do" }) {
                                (crate::components::badge(if step.done { "done" } else { "to do" }, if step.done { "active" } else { "due" }))
                                " "
                                a href=(step.href) { (step.title) }
                                p { (step.detail) }
                            }
                        }
                    }
                }
            }
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
