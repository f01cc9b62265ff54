//! A person's page, and the page where an invited person sets their password.

use maud::{Markup, html};

use super::Options;
use crate::components::{
    anchored_form, checkbox, csrf_field, field, form_problems, refused_elsewhere, select,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub const ROLES_FORM: &str = "roles-form";
pub const INVITE_FORM: &str = "invite-form";
pub const DEACTIVATE_FORM: &str = "deactivate-form";
pub const EMAIL_FORM: &str = "email-form";

pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub organisation: Option<(i64, String)>,
    pub roles: String,
    pub job_title: String,
    pub show_contact: bool,
    pub email: String,
    pub phone: String,
    pub active: bool,
    pub invited: bool,
    pub groups: Vec<(i64, String)>,
    pub can_manage: bool,
    /// Current representation ("", "alternate", "primary") and authoriser flag, for the form.
    pub representation: String,
    pub is_authoriser: bool,
    /// A form on this page the service refused, as it was typed.
    pub refusal: Option<Refusal>,
    /// The download of everything held about the person (for the administrator answering
    /// their request).
    pub data_href: Option<String>,
    /// The administrator may erase the person (not themselves, not twice).
    pub may_erase: bool,
}

pub const ERASE_FORM: &str = "erase-form";

pub fn person(chrome: &Chrome, v: &PersonView) -> Markup {
    let csrf = &chrome.csrf_token;
    let state = |form: &str| Refusal::state_of(v.refusal.as_ref(), form);
    let roles_form = state(ROLES_FORM).or_values(&[
        ("representation", &v.representation),
        ("is_authoriser", if v.is_authoriser { "on" } else { "" }),
    ]);
    let deactivate = state(DEACTIVATE_FORM);
    let representations: Options = vec![
        ("".into(), "none".into()),
        ("alternate".into(), "alternate".into()),
        ("primary".into(), "primary".into()),
    ];
    layout(
        Some(chrome),
        &v.name,
        html! {
            h1 { (v.name) }
            @if let Some(href) = &v.data_href {
                p #person-data { a href=(href) { "Download everything held about " (v.name) " (JSON)" } " — for a request under the GDPR (access, portability)." }
            }
            (refused_elsewhere(v.refusal.as_ref(), |form| v.can_manage && v.active && (form != ROLES_FORM || v.organisation.is_some()) && (form != INVITE_FORM || v.invited)))
            section {
                dl.facts {
                    dt { "Organisation" }
                    dd { @match &v.organisation { Some((id, name)) => a href=(format!("/organisations/{id}")) { (name) }, None => "independent" } }
                    dt { "Roles" } dd #roles { (v.roles) }
                    @if !v.job_title.is_empty() { dt { "Position" } dd { (v.job_title) } }
                    @if v.show_contact {
                        dt { "Email" } dd { a href=(format!("mailto:{}", v.email)) { (v.email) } }
                        @if !v.phone.is_empty() { dt { "Telephone" } dd { (v.phone) } }
                    }
                    dt { "State" } dd { @if !v.active { "deactivated" } @else if v.invited { "invited, no password set yet" } @else { "active" } }
                    @if !v.groups.is_empty() {
                        dt { "Working groups" }
                        dd { @for (i, (id, name)) in v.groups.iter().enumerate() { @if i > 0 { ", " } a href=(format!("/groups/{id}")) { (name) } } }
                    }
                }
            }
            @if v.can_manage && v.active {
                div.columns {
                    @if v.organisation.is_some() {
                        section {
                            h2 { "Roles" }
                            (anchored_form(csrf, ROLES_FORM, &format!("/people/{}/roles", v.id), "Save roles", &roles_form, html! {
                                (select(&roles_form, "representation", "Representation", &representations, Some("To change the primary representative, use \"replace\" on the organisation's page.")))
                                (checkbox(&roles_form, "is_authoriser", "May give the organisation's internal authorisation"))
                            }))
                        }
                    }
                    section {
                        h2 { "Access" }
                        @if v.invited {
                            (anchored_form(csrf, INVITE_FORM, &format!("/people/{}/invite", v.id), "Mail the invitation again", &state(INVITE_FORM), html! {}))
                        }
                        @let change = state(EMAIL_FORM);
                        (anchored_form(csrf, EMAIL_FORM, &format!("/people/{}/email", v.id), "Change the address", &change, html! {
                            (field(&change, "email", "New email address", "email", Some(if v.invited {
                                "They have not set a password yet: the address changes at once, and a new invitation can then be mailed there."
                            } else {
                                "They have a password: the change waits until they confirm it from their present address."
                            })))
                        }))
                        (anchored_form(csrf, DEACTIVATE_FORM, &format!("/people/{}/deactivate", v.id), "Deactivate", &deactivate, html! {
                            (field(&deactivate, "reason", "Reason", "text", Some("They can no longer sign in; everything they did stays on record.")))
                        }))
                    }
                }
            }
            @if v.may_erase {
                section aria-labelledby="erase-heading" {
                    h2 #erase-heading { "Erase this person (on their request)" }
                    p { "Goes: the name and email (replaced by a pseudonym such as “Former representative #" (v.id) "”), the password, every sign-in, API token and link, mail preferences, nominations and mail still waiting for them; their name and address are replaced wherever a mail's text or the audit record's details held them." }
                    p { "Stays, because it is the coalition's record: the positions and authorisations given in their organisation's name, attendance, comments and statement versions they wrote, all under the pseudonym. The audit record keeps verifying, and notes the erasure." }
                    (crate::components::irreversible_form(csrf, ERASE_FORM, &format!("/people/{}/erase", v.id), "Erase this person", "the person's name and address cannot be brought back.", &state(ERASE_FORM), html! {}))
                }
            }
        },
    )
}

pub fn accept_invitation(chrome: &Chrome, action: &str, name: &str, form: &FormState) -> Markup {
    layout(
        Some(chrome),
        "Set your password",
        html! {
            section.narrow {
                h1 { "Welcome, " (name) }
                p { "Choose a password to sign in to the coalition's pages." }
                (form_problems(form))
                form method="post" action=(action) novalidate {
                    (csrf_field(&chrome.csrf_token))
                    (field(form, "password", "Password", "password", Some("At least 12 characters; a few unrelated words are easy to remember and hard to guess.")))
                    (field(form, "password_confirm", "Password again", "password", None))
                    button type="submit" { "Set password and sign in" }
                }
            }
        },
    )
}
