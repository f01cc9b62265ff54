//! The year plan, the rule behind it, venues and the calendars to plan around.

use maud::{Markup, html};

use super::Options;
use crate::components::{
    ButtonForm, anchored_form, badge, button_form, checkbox, csrf_field, field, refused_elsewhere,
    select,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub struct ProposalRow {
    pub date: String,
    pub time: String,
    pub moved: Option<String>,
    pub venue: String,
    pub existing: Option<(i64, String)>,
}

/// The anchors of the page's forms, which the handlers name when a form is refused.
pub const RULE_FORM: &str = "rule-form";
pub const VENUE_FORM: &str = "venue-form";
pub const CONFIRM_FORM: &str = "confirm-form";

/// The anchor of the button that removes imported calendar `id`.
pub fn remove_calendar_form(id: i64) -> String {
    format!("remove-calendar-{id}")
}

pub struct PlanView {
    pub year: i32,
    pub proposals: Vec<ProposalRow>,
    /// The rule's form: the saved rule, or what was typed when it was refused.
    pub rule: FormState,
    /// The new venue's form: empty, or what was typed when it was refused.
    pub venue: FormState,
    pub weekdays: Options,
    pub weeks: Options,
    pub rotations: Options,
    pub venues: Vec<(String, String, bool)>,
    pub imports: Vec<(i64, String, String)>,
    pub import_action: String,
    pub report: Option<String>,
    /// A form of this page the service refused (other than the rule and the venue, which
    /// come back in their own fields above).
    pub refusal: Option<Refusal>,
}

pub fn plan(chrome: &Chrome, v: &PlanView) -> Markup {
    let csrf = chrome.csrf_token.as_str();
    layout(
        Some(chrome),
        "Year plan",
        html! {
            h1 { "Year plan " (v.year) }
            div.actions {
                a href=(format!("/meetings/plan?year={}", v.year - 1)) { "← " (v.year - 1) }
                a href=(format!("/meetings/plan?year={}", v.year + 1)) { (v.year + 1) " →" }
            }
            (refused_elsewhere(v.refusal.as_ref(), |form| form == CONFIRM_FORM || v.imports.iter().any(|(id, _, _)| remove_calendar_form(*id) == form)))
            @if let Some(r) = &v.report { div.flash.flash-info role="status" #import-report { (r) } }
            section aria-labelledby="preview" {
                h2 #preview { "Plenaries proposed" }
                table #proposals {
                    thead { tr { th { "Date" } th { "Time" } th { "Venue" } th { "Note" } th { "In the calendar" } } }
                    tbody { @for p in &v.proposals { tr {
                        td { (p.date) } td { (p.time) } td { (p.venue) }
                        td.moved { @if let Some(m) = &p.moved { (badge("moved", "due")) " " (m) } }
                        td { @match &p.existing { Some((id, when)) => a href=(format!("/meetings/{id}")) { (when) }, None => "not yet" } }
                    } } }
                }
                @let confirm = Refusal::state_of(v.refusal.as_ref(), CONFIRM_FORM);
                (anchored_form(csrf, CONFIRM_FORM, "/meetings/plan/confirm", "Confirm these plenaries", &confirm, html! {
                    input type="hidden" name="year" value=(v.year);
                    (checkbox(&confirm, "move_planned", "Also move plenaries already in the calendar that have no agenda yet"))
                    p.hint { "Plenaries already confirmed, held or cancelled are never touched." }
                }))
            }
            div.columns {
                section {
                    h2 { "The rule" }
                    (anchored_form(csrf, RULE_FORM, "/meetings/plan/rule", "Save the rule", &v.rule, html! {
                        (field(&v.rule, "plenary_months", "Months (numbers)", "text", Some("3,6,9,12 for quarterly plenaries.")))
                        (select(&v.rule, "plenary_week", "Which", &v.weeks, None))
                        (select(&v.rule, "plenary_weekday", "Weekday", &v.weekdays, None))
                        (field(&v.rule, "plenary_start", "Starts", "text", None))
                        (field(&v.rule, "plenary_end", "Ends", "text", None))
                        (crate::components::time_zone_field(&v.rule, "time_zone", "Time zone (empty: the coalition's)", None))
                        (field(&v.rule, "quorum_percent", "Quorum: more than this percentage of full members", "number", None))
                        (select(&v.rule, "venue_rotation", "Venues", &v.rotations, None))
                    }))
                }
                section {
                    h2 { "Venues" }
                    table #venues { tbody { @for (name, kind, active) in &v.venues { tr { td { (name) } td { (kind) } td { @if !active { "retired" } } } } } }
                    (anchored_form(csrf, VENUE_FORM, "/venues", "Add a neutral venue", &v.venue, html! {
                        (field(&v.venue, "name", "Name", "text", None))
                        (field(&v.venue, "address", "Address", "text", None))
                        (field(&v.venue, "notes", "Notes (access, capacity)", "text", None))
                    }))
                    p.hint { "Members that offer their premises appear here by themselves." }
                }
            }
            section aria-labelledby="dates" {
                h2 #dates { "Dates to plan around" }
                p { "Import calendars of public holidays or partner events (.ics files, as Google, Outlook or holiday sites export them). Their days are avoided when the plenaries are planned." }
                table #imports { tbody { @for (id, name, detail) in &v.imports { tr { td { (name) } td { (detail) }
                    td { (button_form(csrf, &ButtonForm {
                        anchor: &remove_calendar_form(*id),
                        action: &format!("/meetings/calendars/{id}/remove"),
                        label: "remove",
                        accessible_name: &format!("Remove the calendar {name}"),
                        hidden: &[],
                    }, v.refusal.as_ref())) }
                } } } }
                form method="post" action=(v.import_action) enctype="multipart/form-data" {
                    // First: the CSRF check reads only the first part of an upload.
                    (csrf_field(&chrome.csrf_token))
                    div.field { label for="calendar-name" { "Name" } input #calendar-name type="text" name="name" placeholder="Public holidays"; }
                    div.field { label for="calendar-file" { "Calendar file (.ics)" } input #calendar-file type="file" name="file" accept=".ics,text/calendar"; }
                    button type="submit" { "Import" }
                }
            }
        },
    )
}
