//! An organisation's page and its form.

use maud::{Markup, html};

use super::Options;
use crate::components::{
    anchored_form, badge, checkbox, csrf_field, field, form_problems, problem, refused_elsewhere,
    select, textarea,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub const SIGN_FORM: &str = "sign-form";
pub const PERSON_FORM: &str = "person-form";
pub const PRIMARY_FORM: &str = "primary-form";
pub const STATUS_FORM: &str = "status-form";

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub roles: String,
    pub job_title: String,
    pub active: bool,
    /// Has not set a password yet.
    pub invited: bool,
}

pub struct HistoryRow {
    pub date: String,
    pub change: String,
    pub by: String,
    pub reason: String,
}

pub struct FeeRow {
    pub year: i32,
    pub tier: String,
    pub amount: String,
    pub status: String,
    pub paid: String,
}

pub struct OrganisationView {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub sector: String,
    pub side: String,
    pub status: String,
    pub status_key: String,
    pub admitted_on: Option<String>,
    pub facts: Vec<(String, String)>,
    pub show_contact: bool,
    pub contact: Vec<(String, String)>,
    pub people: Vec<PersonRow>,
    pub history: Vec<HistoryRow>,
    pub fees: Option<Vec<FeeRow>>,
    /// Current memorandum version and this organisation's signature of it.
    pub memorandum: Option<(i64, String, Option<String>)>,
    pub groups: Vec<(i64, String)>,
    /// Meetings and how the organisation attended: (meeting id, title, date, attendance).
    pub attendance: Vec<(i64, String, String, String)>,
    pub can_manage: bool,
    pub can_sign: bool,
    pub status_options: Options,
    pub people_options: Options,
    pub today: String,
    /// A form on this page the service refused, as it was typed.
    pub refusal: Option<Refusal>,
}

pub fn organisation(chrome: &Chrome, v: &OrganisationView) -> Markup {
    let csrf = &chrome.csrf_token;
    let state = |form: &str| Refusal::state_of(v.refusal.as_ref(), form);
    let sign = state(SIGN_FORM).or_values(&[("signed_on", &v.today)]);
    let person = state(PERSON_FORM);
    let primary = state(PRIMARY_FORM);
    let status = state(STATUS_FORM).or_values(&[("effective_on", &v.today)]);
    layout(
        Some(chrome),
        &v.name,
        html! {
            h1 { (v.name) @if !v.short_name.is_empty() { " (" (v.short_name) ")" } }
            (refused_elsewhere(v.refusal.as_ref(), |form| shown_forms(v).contains(&form)))
            p.lead {
                (badge(&v.status, &v.status_key)) " " (v.sector) " · " (v.side)
                @if let Some(d) = &v.admitted_on { " · member since " (d) }
            }
            @if v.can_manage {
                div.actions { a href=(format!("/organisations/{}/edit", v.id)) { "Edit details" } }
            }
            div.columns {
                section aria-labelledby="facts" {
                    h2 #facts { "Details" }
                    dl.facts {
                        @for (k, val) in &v.facts { dt { (k) } dd { (val) } }
                        @if v.show_contact {
                            @for (k, val) in &v.contact { dt { (k) } dd { (val) } }
                        }
                    }
                }
                section aria-labelledby="mou" {
                    h2 #mou { "Memorandum" }
                    @match &v.memorandum {
                        None => p.empty { "The coalition has no memorandum yet." },
                        Some((version_id, label, signed)) => {
                            p { (label) ": "
                                @if let Some(s) = signed { (badge("signed", "signed")) " " (s) }
                                @else { (badge("not yet signed", "unsigned")) }
                            }
                            @if signed.is_none() && v.can_sign {
                                (anchored_form(csrf, SIGN_FORM, &format!("/memorandum/{version_id}/signatures"), "Record the signature", &sign, html! {
                                    input type="hidden" name="organisation_id" value=(v.id);
                                    input type="hidden" name="from" value="organisation";
                                    (field(&sign, "signed_by_name", "Signed on the organisation's behalf by", "text", None))
                                    (field(&sign, "signed_on", "Date of signature", "date", None))
                                    (field(&sign, "reference", "Reference (optional)", "text", None))
                                }))
                            }
                        }
                    }
                    h2 { "Working groups" }
                    @if v.groups.is_empty() { p.empty { "None." } }
                    ul { @for (id, name) in &v.groups { li { a href=(format!("/groups/{id}")) { (name) } } } }
                }
            }
            section aria-labelledby="people" {
                h2 #people { "People" }
                @if v.people.is_empty() { p.empty { "Nobody recorded yet." } }
                @else {
                    table #people-table {
                        thead { tr { th { "Name" } th { "Roles" } th { "Position" } @if v.show_contact { th { "Email" } } th { "State" } } }
                        tbody {
                            @for p in &v.people {
                                tr {
                                    td { a href=(format!("/people/{}", p.id)) { (p.name) } }
                                    td.roles { (p.roles) }
                                    td { (p.job_title) }
                                    @if v.show_contact { td { (p.email) } }
                                    td { @if !p.active { "deactivated" } @else if p.invited { "invited" } @else { "active" } }
                                }
                            }
                        }
                    }
                }
                @if v.can_manage {
                    div.columns {
                        div {
                            h3 { "Add a person" }
                            (anchored_form(csrf, PERSON_FORM, &format!("/organisations/{}/people", v.id), "Add and invite", &person, html! {
                                (field(&person, "name", "Name", "text", None))
                                (field(&person, "email", "Email", "email", None))
                                (select(&person, "representation", "Representation", &[
                                    ("".into(), "none".into()), ("alternate".into(), "alternate".into()), ("primary".into(), "primary (if there is none)".into())], None))
                                (checkbox(&person, "is_authoriser", "May give the organisation's internal authorisation"))
                                (field(&person, "job_title", "Position (optional)", "text", None))
                            }))
                        }
                        @if !v.people_options.is_empty() {
                            div {
                                h3 { "Replace the primary representative" }
                                (anchored_form(csrf, PRIMARY_FORM, &format!("/organisations/{}/primary", v.id), "Replace", &primary, html! {
                                    (select(&primary, "person_id", "New primary representative", &v.people_options, Some("The present one stays on as an alternate.")))
                                    (field(&primary, "reason", "Reason", "text", None))
                                }))
                            }
                        }
                    }
                }
            }
            @if let Some(fees) = &v.fees {
                section aria-labelledby="fees" {
                    h2 #fees { "Fees" }
                    @if fees.is_empty() { p.empty { "No fees recorded." } }
                    @else {
                        table #fees-table {
                            thead { tr { th { "Year" } th { "Tier" } th { "Amount" } th { "State" } th { "Paid" } } }
                            tbody { @for f in fees { tr { td data-label="Year" { (f.year) } td data-label="Tier" { (f.tier) } td data-label="Amount" { (f.amount) } td data-label="State" { (badge(&f.status, &f.status)) } td data-label="Paid" { (f.paid) } } } }
                        }
                    }
                }
            }
            section aria-labelledby="attendance-history" {
                h2 #attendance-history { "Attendance" }
                @if v.attendance.is_empty() { p.empty { "No attendance recorded yet." } }
                @else {
                    table #attendance-history-table {
                        thead { tr { th { "Date" } th { "Meeting" } th { "Attendance" } } }
                        tbody { @for (id, title, date, status) in &v.attendance { tr {
                            td data-label="Date" { (date) } td data-label="Meeting" { a href=(format!("/meetings/{id}")) { (title) } } td data-label="Attendance" { (status) }
                        } } }
                    }
                }
            }
            section aria-labelledby="history" {
                h2 #history { "Membership history" }
                table #history-table {
                    thead { tr { th { "Date" } th { "Change" } th { "Decided by" } th { "Reason" } } }
                    tbody { @for h in &v.history { tr { td data-label="Date" { (h.date) } td data-label="Change" { (h.change) } td data-label="Decided by" { (h.by) } td data-label="Reason" { (h.reason) } } } }
                }
                @if v.can_manage && !v.status_options.is_empty() {
                    (anchored_form(csrf, STATUS_FORM, &format!("/organisations/{}/status", v.id), "Record the decision", &status, html! {
                        (select(&status, "status", "New status", &v.status_options, None))
                        (field(&status, "effective_on", "With effect from", "date", None))
                        (field(&status, "reason", "Reason", "text", None))
                    }))
                }
            }
        },
    )
}

/// The forms the page shows (a refused one that is gone, say signed meanwhile, is reported
/// at the top instead).
fn shown_forms(v: &OrganisationView) -> Vec<&'static str> {
    let mut shown = Vec::new();
    if v.can_sign
        && v.memorandum
            .as_ref()
            .is_some_and(|(_, _, signed)| signed.is_none())
    {
        shown.push(SIGN_FORM);
    }
    if v.can_manage {
        shown.push(PERSON_FORM);
        if !v.people_options.is_empty() {
            shown.push(PRIMARY_FORM);
        }
        if !v.status_options.is_empty() {
            shown.push(STATUS_FORM);
        }
    }
    shown
}

pub struct OrganisationFormView<'a> {
    pub title: &'a str,
    pub action: String,
    pub sectors: Options,
    /// Shown when creating: the first status and the primary representative.
    pub is_new: bool,
    pub problem: Option<String>,
}

pub fn organisation_form(
    chrome: &Chrome,
    v: &OrganisationFormView<'_>,
    form: &FormState,
) -> Markup {
    let authorisation: Options = vec![
        (
            "".into(),
            "as its side usually does (governmental: yes)".into(),
        ),
        ("yes".into(), "yes".into()),
        ("no".into(), "no".into()),
    ];
    let statuses: Options = vec![
        ("full".into(), "Full member".into()),
        ("associate".into(), "Associate".into()),
        ("applicant".into(), "Applicant".into()),
    ];
    layout(
        Some(chrome),
        v.title,
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
                    (select(form, "sector_id", "Sector", &v.sectors, Some("The sector decides the side: governmental or civil society.")))
                    (field(form, "region", "Country or region", "text", None))
                    (textarea(form, "address", "Address", 3, None))
                    (field(form, "website", "Website", "text", None))
                    (field(form, "email", "Email", "email", None))
                    (field(form, "phone", "Telephone", "text", None))
                    (select(form, "needs_authorisation", "Needs internal authorisation before signing a joint statement", &authorisation, None))
                    (checkbox(form, "offers_venue", "Offers its premises as a meeting venue"))
                    (field(form, "fee_tier", "Fee tier (optional)", "text", None))
                }
                @if v.is_new {
                    fieldset {
                        legend { "Membership" }
                        (select(form, "status", "Status", &statuses, None))
                        (field(form, "effective_on", "With effect from", "date", None))
                        (field(form, "reason", "Reason or basis", "text", Some("For example: founding member, decision of the plenary of 12 March.")))
                    }
                    fieldset {
                        legend { "Primary representative" }
                        p.hint { "Required for a full member. They receive an invitation link to set a password." }
                        (field(form, "primary_name", "Name", "text", None))
                        (field(form, "primary_email", "Email", "email", None))
                    }
                }
                button type="submit" { "Save" }
            }
        },
    )
}
