//! The admission queue, criteria, the application form and an application's dossier.

use maud::{Markup, html};

use super::Options;
use crate::components::{
    ButtonForm, anchored_form, badge, button_form, checkbox, csrf_field, field, form_problems,
    problem, refused_elsewhere, select, textarea,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub const CRITERION_FORM: &str = "criterion-form";
pub const DECISION_FORM: &str = "decision-form";

/// The anchor of the button that retires criterion `id`.
pub fn held_form(id: i64) -> String {
    format!("held-{id}")
}

pub fn retire_form(id: i64) -> String {
    format!("retire-criterion-{id}")
}

pub struct QueueRow {
    pub id: i64,
    pub organisation: String,
    pub sector: String,
    pub contact: String,
    pub submitted: String,
    pub via: String,
}

/// A public application held because it named a known organisation or email.
pub struct HeldRow {
    pub id: i64,
    pub organisation: String,
    pub contact: String,
    pub motivation: String,
    pub matches: String,
    pub submitted: String,
}

/// The field of the public application form that only robots fill in.
pub const APPLICATION_HONEYPOT: &str = "homepage";

pub struct AdmissionView {
    pub queue: Vec<QueueRow>,
    pub held: Vec<HeldRow>,
    pub criteria: Vec<(i64, String)>,
    pub public_form_open: bool,
    /// A form on this page the service refused, as it was typed.
    pub refusal: Option<Refusal>,
}

pub fn admission(chrome: &Chrome, v: &AdmissionView) -> Markup {
    let csrf = &chrome.csrf_token;
    layout(
        Some(chrome),
        "Admission",
        html! {
            (refused_elsewhere(v.refusal.as_ref(), |form| form == CRITERION_FORM || v.criteria.iter().any(|(id, _)| retire_form(*id) == form) || v.held.iter().any(|h| held_form(h.id) == form)))
            h1 { "Admission" }
            div.actions {
                a.button href="/admission/new" { "Enter an application" }
                @if v.public_form_open { span { "The public application form is open at " a href="/apply" { "/apply" } "." } }
                @else { span.hint { "The public application form is closed (see Settings)." } }
            }
            section aria-labelledby="queue" {
                h2 #queue { "Waiting for a decision" }
                @if v.queue.is_empty() { p.empty { "No application is waiting." } }
                @else {
                    table #queue-table {
                        thead { tr { th { "Organisation" } th { "Sector" } th { "Contact" } th { "Submitted" } th { "Via" } } }
                        tbody { @for r in &v.queue { tr {
                            td { a href=(format!("/admission/{}", r.id)) { (r.organisation) } }
                            td { (r.sector) } td { (r.contact) } td { (r.submitted) } td { (r.via) }
                        } } }
                    }
                }
            }
            @if !v.held.is_empty() {
                section aria-labelledby="held" {
                    h2 #held { "Held: these name someone the coalition already knows" }
                    p { "The public form gives every applicant the same answer, so that it tells nobody who is in the coalition. These applications named an organisation or an email that already exists; nothing was created. Answer the contact if it is genuine (a new person, a returning member), then dismiss it here." }
                    table #held-table {
                        thead { tr { th { "Organisation" } th { "Contact" } th { "Matches" } th { "Motivation" } th { "Submitted" } th { "Dealt with" } } }
                        tbody { @for h in &v.held { tr {
                            td { (h.organisation) } td { (h.contact) } td { (h.matches) } td { (h.motivation) } td { (h.submitted) }
                            td { (button_form(csrf, &ButtonForm {
                                anchor: &held_form(h.id),
                                action: &format!("/admission/held/{}/dismiss", h.id),
                                label: "dismiss",
                                accessible_name: &format!("Dismiss the held application of {}", h.organisation),
                                hidden: &[],
                            }, v.refusal.as_ref())) }
                        } } }
                    }
                }
            }
            section aria-labelledby="criteria" {
                h2 #criteria { "Admission criteria" }
                p { "Every applicant answers each of these statements." }
                ol #criteria-list {
                    @for (id, text) in &v.criteria {
                        li {
                            (text)
                            (button_form(csrf, &ButtonForm {
                                anchor: &retire_form(*id),
                                action: &format!("/admission/criteria/{id}/retire"),
                                label: "retire",
                                accessible_name: &format!("Retire the criterion: {text}"),
                                hidden: &[],
                            }, v.refusal.as_ref()))
                        }
                    }
                }
                @let criterion = Refusal::state_of(v.refusal.as_ref(), CRITERION_FORM);
                (anchored_form(csrf, CRITERION_FORM, "/admission/criteria", "Add the criterion", &criterion, html! {
                    (textarea(&criterion, "text", "New criterion", 2, None))
                }))
            }
        },
    )
}

pub struct ApplicationFormView {
    pub action: String,
    pub title: String,
    pub sectors: Options,
    pub criteria: Vec<(i64, String)>,
    /// Full members that may sponsor: (id, name).
    pub sponsors: Vec<(i64, String)>,
    pub problem: Option<String>,
}

pub fn application_form(chrome: &Chrome, v: &ApplicationFormView, form: &FormState) -> Markup {
    layout(
        Some(chrome),
        &v.title,
        html! {
            h1 { (v.title) }
            (problem(v.problem.as_deref()))
            (form_problems(form))
            form method="post" action=(v.action) novalidate {
                (csrf_field(&chrome.csrf_token))
                fieldset {
                    legend { "The organisation" }
                    (field(form, "name", "Name", "text", None))
                    (field(form, "short_name", "Short name", "text", None))
                    (select(form, "sector_id", "Sector", &v.sectors, None))
                    (field(form, "region", "Country or region", "text", None))
                    (field(form, "website", "Website", "text", None))
                    (field(form, "email", "Email", "email", None))
                }
                fieldset {
                    legend { "Contact person" }
                    (field(form, "contact_name", "Name", "text", None))
                    (field(form, "contact_email", "Email", "email", None))
                }
                fieldset {
                    legend { "Criteria" }
                    @for (id, text) in &v.criteria {
                        div.criterion {
                            p { (text) }
                            (checkbox(form, &format!("attest_{id}"), "We attest to this"))
                            (field(form, &format!("comment_{id}"), "Comment (optional)", "text", None))
                        }
                    }
                    @if v.criteria.is_empty() { p.empty { "The coalition has set no criteria." } }
                }
                fieldset {
                    legend { "Why the organisation wishes to join" }
                    (textarea(form, "motivation", "Motivation", 5, None))
                }
                @if !v.sponsors.is_empty() {
                    fieldset {
                        legend { "Sponsoring members (optional)" }
                        @for (id, name) in &v.sponsors {
                            (checkbox(form, &format!("sponsor_{id}"), name))
                        }
                    }
                }
                div.not-for-people aria-hidden="true" {
                    label for=(APPLICATION_HONEYPOT) { "Leave this field empty" }
                    input #(APPLICATION_HONEYPOT) type="text" name=(APPLICATION_HONEYPOT) tabindex="-1" autocomplete="off" value="";
                }
                button type="submit" { "Submit the application" }
            }
        },
    )
}

pub struct DossierView {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation: String,
    pub sector: String,
    pub side: String,
    pub contact: String,
    pub motivation: String,
    pub submitted: String,
    pub answers: Vec<(String, bool, String)>,
    pub sponsors: Vec<String>,
    /// decision, by, when, reason
    pub decision: Option<(String, String, String, String)>,
    pub today: String,
    /// The decision form, refused, as it was typed.
    pub refusal: Option<Refusal>,
}

pub fn dossier(chrome: &Chrome, v: &DossierView) -> Markup {
    let decisions: Options = vec![
        ("full".into(), "Admit as full member".into()),
        ("associate".into(), "Admit as associate".into()),
        ("declined".into(), "Decline".into()),
    ];
    let decision = Refusal::state_of(v.refusal.as_ref(), DECISION_FORM)
        .or_values(&[("effective_on", &v.today)]);
    layout(
        Some(chrome),
        &format!("Application of {}", v.organisation),
        html! {
            h1 { "Application of " a href=(format!("/organisations/{}", v.organisation_id)) { (v.organisation) } }
            section {
                dl.facts {
                    dt { "Sector" } dd { (v.sector) " · " (v.side) }
                    dt { "Contact" } dd { (v.contact) }
                    dt { "Submitted" } dd { (v.submitted) }
                    dt { "Sponsors" } dd { @if v.sponsors.is_empty() { "none" } @else { (v.sponsors.join(", ")) } }
                }
                h2 { "Motivation" }
                p { (v.motivation) }
                h2 { "Criteria" }
                table #answers {
                    thead { tr { th { "Criterion" } th { "Attested" } th { "Comment" } } }
                    tbody { @for (text, attested, comment) in &v.answers { tr {
                        td { (text) } td { @if *attested { (badge("yes", "full")) } @else { (badge("no", "declined")) } } td { (comment) }
                    } } }
                }
            }
            section {
                h2 { "Decision" }
                @match &v.decision {
                    Some((d, by, when, reason)) => {
                        (refused_elsewhere(v.refusal.as_ref(), |_| false))
                        p #decision { (d) " by " (by) ", " (when) ": " (reason) }
                    },
                    None => (anchored_form(&chrome.csrf_token, DECISION_FORM, &format!("/admission/{}/decision", v.id), "Record the decision", &decision, html! {
                        (select(&decision, "decision", "Decision", &decisions, None))
                        (field(&decision, "effective_on", "With effect from", "date", None))
                        (field(&decision, "reason", "Reason", "text", Some("For example: decision of the plenary of 12 March.")))
                    })),
                }
            }
        },
    )
}

/// Shown to a public applicant after submitting.
pub fn application_received(chrome: &Chrome, organisation: &str) -> Markup {
    layout(
        Some(chrome),
        "Application received",
        html! {
            section.narrow {
                h1 { "Thank you" }
                p { "The application of " strong { (organisation) } " has been received. The secretariat will be in touch with the contact person." }
            }
        },
    )
}
