//! Small pieces the pages share: form fields with their messages, the CSRF field, tables.

use maud::{Markup, html};

use crate::view::FormState;

/// The hidden field every form carries; the server refuses a state change without it.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

/// A labelled input with its messages beside it and the person's input kept.
/// Passwords are never echoed back.
pub fn field(form: &FormState, name: &str, label: &str, kind: &str, hint: Option<&str>) -> Markup {
    let errors = form.errors(name);
    let id = format!("field-{name}");
    let described = if errors.is_empty() {
        None
    } else {
        Some(format!("{id}-errors"))
    };
    let value = if kind == "password" {
        ""
    } else {
        form.value(name)
    };
    html! {
        div.field.(if errors.is_empty() { "" } else { "field-invalid" }) {
            label for=(id) { (label) }
            @if let Some(hint) = hint {
                p.hint { (hint) }
            }
            input id=(id) name=(name) type=(kind) value=(value)
                aria-invalid=[(!errors.is_empty()).then_some("true")]
                aria-describedby=[described.as_deref()];
            @if !errors.is_empty() {
                ul.field-errors id=[described.as_deref()] {
                    @for message in errors { li { (message) } }
                }
            }
        }
    }
}

/// A summary above a form that came back with problems.
pub fn form_problems(form: &FormState) -> Markup {
    html! {
        @if !form.errors.is_empty() {
            div.flash.flash-error role="alert" {
                "Please correct the fields marked below."
            }
        }
    }
}
