//! Small pieces the pages share: form fields with their messages, the CSRF field, tables.

use maud::{Markup, html};

use crate::view::{FormState, Refusal, WHOLE_FORM};

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
                maxlength=[has_length(kind).then(|| crate::limits::for_field(name))]
                aria-invalid=[(!errors.is_empty()).then_some("true")]
                autofocus[form.first_invalid() == Some(name)]
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

fn field_wrapper(
    form: &FormState,
    name: &str,
    label: &str,
    hint: Option<&str>,
    control: Markup,
) -> Markup {
    let errors = form.errors(name);
    html! {
        div.field.(if errors.is_empty() { "" } else { "field-invalid" }) {
            label for=(format!("field-{name}")) { (label) }
            @if let Some(hint) = hint { p.hint { (hint) } }
            (control)
            @if !errors.is_empty() {
                ul.field-errors id=(format!("field-{name}-errors")) {
                    @for message in errors { li { (message) } }
                }
            }
        }
    }
}

/// A drop-down; `options` are (value, label) pairs. An empty value is "none chosen".
pub fn select(
    form: &FormState,
    name: &str,
    label: &str,
    options: &[(String, String)],
    hint: Option<&str>,
) -> Markup {
    let chosen = form.value(name);
    let control = html! {
        select id=(format!("field-{name}")) name=(name)
            aria-invalid=[(!form.errors(name).is_empty()).then_some("true")]
            autofocus[form.first_invalid() == Some(name)] {
            @for (value, text) in options { (option(value, text, value == chosen)) }
        }
    };
    field_wrapper(form, name, label, hint, control)
}

/// One choice of a drop-down. An option without a `value` submits its text, with its
/// whitespace stripped and collapsed, so the attribute is left out only when that gives
/// `value` back: long lists (a plenary's 400 attendance rows) are then a fifth lighter.
pub fn option(value: &str, text: &str, selected: bool) -> Markup {
    let text_is_value =
        value == text && !value.is_empty() && value.split_ascii_whitespace().eq(value.split(' '));
    html! {
        @if text_is_value { option selected[selected] { (text) } }
        @else { option value=(value) selected[selected] { (text) } }
    }
}

pub fn textarea(
    form: &FormState,
    name: &str,
    label: &str,
    rows: u32,
    hint: Option<&str>,
) -> Markup {
    textarea_up_to(
        form,
        name,
        label,
        rows,
        hint,
        crate::limits::for_field(name),
    )
}

/// Whether an input of this type takes `maxlength`.
fn has_length(kind: &str) -> bool {
    matches!(
        kind,
        "text" | "email" | "url" | "search" | "tel" | "password"
    )
}

/// A textarea whose limit is below its field name's (a comment, which shares `body` with
/// the documents).
pub fn textarea_up_to(
    form: &FormState,
    name: &str,
    label: &str,
    rows: u32,
    hint: Option<&str>,
    max: usize,
) -> Markup {
    let control = html! {
        textarea id=(format!("field-{name}")) name=(name) rows=(rows) maxlength=(max)
            aria-invalid=[(!form.errors(name).is_empty()).then_some("true")]
            autofocus[form.first_invalid() == Some(name)] { (form.value(name)) }
    };
    field_wrapper(form, name, label, hint, control)
}

/// A checkbox that sends "on" when ticked.
pub fn checkbox(form: &FormState, name: &str, label: &str) -> Markup {
    let checked = matches!(form.value(name), "on" | "true" | "yes");
    html! {
        div.field.checkbox {
            label {
                input type="checkbox" name=(name) checked[checked];
                " " (label)
            }
        }
    }
}

/// A form that posts one action and, when refused, comes back in view: the page opens at the
/// form's anchor (the action's fragment) and its first invalid field takes the focus.
pub fn anchored_form(
    csrf: &str,
    anchor: &str,
    action: &str,
    button: &str,
    form: &FormState,
    fields: Markup,
) -> Markup {
    html! {
        form.action id=(anchor) method="post" action=(format!("{action}#{anchor}")) {
            (csrf_field(csrf))
            @for message in form.errors(WHOLE_FORM) {
                div.flash.flash-error role="alert" { (message) }
            }
            (fields)
            button type="submit" { (button) }
        }
    }
}

/// The name of the box that confirms an irreversible action.
pub const CONFIRM_FIELD: &str = "confirm";

/// A form for an action that cannot be undone (approving minutes, closing a group,
/// withdrawing a statement): it says what will happen, asks for a ticked box saying so, and
/// its button looks unlike "Save". The server refuses it without the box ticked.
pub fn irreversible_form(
    csrf: &str,
    anchor: &str,
    action: &str,
    button: &str,
    consequence: &str,
    form: &FormState,
    fields: Markup,
) -> Markup {
    let errors = form.errors(CONFIRM_FIELD);
    let id = format!("{anchor}-confirm");
    html! {
        // novalidate: the refusal comes from the server, beside the box, like every other.
        form.action.irreversible id=(anchor) method="post" action=(format!("{action}#{anchor}")) novalidate {
            (csrf_field(csrf))
            @for message in form.errors(WHOLE_FORM) {
                div.flash.flash-error role="alert" { (message) }
            }
            (fields)
            div.field.checkbox.(if errors.is_empty() { "" } else { "field-invalid" }) {
                label for=(id) {
                    input type="checkbox" id=(id) name=(CONFIRM_FIELD) required
                        aria-invalid=[(!errors.is_empty()).then_some("true")]
                        aria-describedby=[(!errors.is_empty()).then(|| format!("{id}-errors"))]
                        autofocus[!errors.is_empty() && form.first_invalid() == Some(CONFIRM_FIELD)];
                    " I understand: " (consequence)
                }
                @if !errors.is_empty() {
                    ul.field-errors id=(format!("{id}-errors")) { @for e in errors { li { (e) } } }
                }
            }
            button.danger type="submit" { (button) }
        }
    }
}

/// The messages of a refused form the page no longer shows (the round closed meanwhile,
/// say), said at the top of the page instead. `shown` tells which forms the page shows.
pub fn refused_elsewhere(refusal: Option<&Refusal>, shown: impl Fn(&str) -> bool) -> Markup {
    html! {
        @if let Some(r) = refusal.filter(|r| !shown(&r.form)) {
            @for message in r.state.errors.values().flatten() {
                div.flash.flash-error role="alert" { (message) }
            }
        }
    }
}

/// One button that posts one action in a line of text (remove, retry, mark done). Its
/// accessible name says what it acts on ("Remove Shelter from the group"); refused, the
/// page opens at it and the reason stands beside it.
pub struct ButtonForm<'a> {
    pub anchor: &'a str,
    pub action: &'a str,
    pub label: &'a str,
    pub accessible_name: &'a str,
    pub hidden: &'a [(&'a str, &'a str)],
}

pub fn button_form(csrf: &str, b: &ButtonForm<'_>, refusal: Option<&Refusal>) -> Markup {
    let messages: Vec<&String> = refusal
        .filter(|r| r.form == b.anchor)
        .map(|r| r.state.errors.values().flatten().collect())
        .unwrap_or_default();
    html! {
        form.inline id=(b.anchor) method="post" action=(format!("{}#{}", b.action, b.anchor)) {
            (csrf_field(csrf))
            @for (name, value) in b.hidden { input type="hidden" name=(name) value=(value); }
            " " button.link-dark type="submit" aria-label=(b.accessible_name) { (b.label) }
            @for message in messages { " " span.inline-error role="alert" { (message) } }
        }
    }
}

/// A small form that posts one action, with its own fields.
pub fn action_form(csrf: &str, action: &str, button: &str, fields: Markup) -> Markup {
    html! {
        form.action method="post" action=(action) {
            (csrf_field(csrf))
            (fields)
            button type="submit" { (button) }
        }
    }
}

/// A problem reported above a form (a rule the service checked, not a single field).
pub fn problem(message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            div.flash.flash-error role="alert" { (message) }
        }
    }
}

/// A badge for a status word.
pub fn badge(text: &str, kind: &str) -> Markup {
    html! { span.badge.(format!("badge-{kind}")) { (text) } }
}

/// The time zones people choose from: "Area/City" names (no legacy aliases such as
/// "US/Eastern" or "Etc/GMT+1"), sorted.
pub fn time_zone_names() -> &'static [&'static str] {
    static NAMES: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        let mut names: Vec<&'static str> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter(|n| {
                n.contains('/')
                    && ![
                        "Etc/", "US/", "SystemV/", "Canada/", "Brazil/", "Chile/", "Mexico/",
                    ]
                    .iter()
                    .any(|p| n.starts_with(p))
            })
            .collect();
        names.sort_unstable();
        names
    });
    &NAMES
}

/// A time-zone field people search by typing ("Brus" offers Europe/Brussels): a text input
/// with the zones as suggestions. The service checks the name it receives.
pub fn time_zone_field(form: &FormState, name: &str, label: &str, hint: Option<&str>) -> Markup {
    let list = format!("{name}-choices");
    let errors = form.errors(name);
    let id = format!("field-{name}");
    html! {
        div.field.(if errors.is_empty() { "" } else { "field-invalid" }) {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint { (hint) } }
            input id=(id) name=(name) type="text" list=(list) value=(form.value(name))
                autocomplete="off" maxlength=(crate::limits::NAME)
                aria-invalid=[(!errors.is_empty()).then_some("true")]
                autofocus[form.first_invalid() == Some(name)];
            datalist id=(list) {
                @for zone in time_zone_names() { option value=(zone) {} }
            }
            @if !errors.is_empty() {
                ul.field-errors { @for message in errors { li { (message) } } }
            }
        }
    }
}
