//! Evaluations: the list of cycles with the form that opens one, and a cycle's page with
//! its indicators beside the previous period's, its evaluators, the report and its stage.

use maud::{Markup, PreEscaped, html};

pub use super::Options;
use crate::components::{anchored_form, badge, field, select, textarea};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub const NEW_FORM: &str = "new-evaluation";
pub const EVALUATOR_FORM: &str = "evaluator";
pub const REPORT_FORM: &str = "report";
pub const STATUS_FORM: &str = "stage";

#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub status: String,
    pub status_key: String,
}

pub struct ListView {
    pub rows: Vec<Row>,
    /// The form to open a cycle (the secretariat's), with the plenaries to choose from.
    pub new: Option<Options>,
    pub form: FormState,
}

pub fn list(chrome: &Chrome, v: &ListView) -> Markup {
    layout(
        Some(chrome),
        "Evaluations",
        html! {
            h1 { "Evaluations" }
            p.lead { "The coalition reviews its work at set times: indicators drawn from its own records, compared with the period before, and the evaluators' report." }
            @if v.rows.is_empty() { p.empty { "No evaluation to show." } } @else {
                table.stack {
                    caption { "Evaluation cycles" }
                    thead { tr { th scope="col" { "Evaluation" } th scope="col" { "Period" } th scope="col" { "Report" } } }
                    tbody { @for r in &v.rows { tr {
                        td data-label="Evaluation" { a href=(format!("/evaluations/{}", r.id)) { (r.title) } }
                        td data-label="Period" { (r.period) }
                        td data-label="Report" { (badge(&r.status, &r.status_key)) }
                    } } }
                }
            }
            @if let Some(plenaries) = &v.new {
                section aria-labelledby="new" {
                    h2 #new { "Open an evaluation" }
                    (anchored_form(&chrome.csrf_token, NEW_FORM, "/evaluations", "Open the evaluation", &v.form, html! {
                        (field(&v.form, "title", "Title", "text", None))
                        (select(&v.form, "kind", "Kind", &[("annual".to_owned(), "Annual review".to_owned()), ("mid_term".to_owned(), "Mid-term review".to_owned())], None))
                        (field(&v.form, "period_from", "The period's first day", "date", Some("By default, the day after the last evaluation's period (or a year ago).")))
                        (field(&v.form, "period_until", "The period's last day", "date", None))
                        (field(&v.form, "questionnaire_opens", "Questionnaire opens", "date", None))
                        (field(&v.form, "questionnaire_closes", "Questionnaire closes", "date", None))
                        (field(&v.form, "report_due", "Report due", "date", None))
                        (select(&v.form, "plenary_meeting_id", "The plenary that discusses it", plenaries, None))
                    }))
                }
            }
        },
    )
}

#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub area: String,
    pub label: String,
    pub definition: String,
    pub value: String,
    pub previous: String,
    pub link: Option<String>,
}

pub struct PageView {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub period: String,
    pub previous_period: String,
    pub status: String,
    pub status_key: String,
    pub schedule: Vec<(String, String)>,
    pub frozen: bool,
    pub indicators: Vec<IndicatorRow>,
    /// Rendered Markdown.
    pub findings_html: String,
    pub recommendations_html: String,
    /// (name, external) for those who work on the cycle.
    pub evaluators: Option<Vec<(String, bool)>>,
    pub reads: Option<Vec<(String, String, String)>>,
    pub may_appoint: bool,
    pub report_form: Option<FormState>,
    /// The stages the secretariat may move the report to.
    pub next_stages: Options,
    pub refusal: Option<Refusal>,
}

fn state_of(v: &PageView, form: &str) -> FormState {
    Refusal::state_of(v.refusal.as_ref(), form)
}

pub fn page(chrome: &Chrome, v: &PageView) -> Markup {
    let csrf = &chrome.csrf_token;
    let mut areas: Vec<&str> = Vec::new();
    for i in &v.indicators {
        if !areas.contains(&i.area.as_str()) {
            areas.push(&i.area);
        }
    }
    layout(
        Some(chrome),
        &v.title,
        html! {
            h1 { (v.title) }
            dl.facts {
                dt { "Kind" } dd { (v.kind) }
                dt { "Period" } dd { (v.period) }
                dt { "Report" } dd { (badge(&v.status, &v.status_key)) }
                @for (what, when) in &v.schedule { dt { (what) } dd { (when) } }
            }
            p.no-print { a href=(format!("/evaluations/{}/indicators.csv", v.id)) { "Download the indicators (CSV)" } }
            section aria-labelledby="indicators" {
                h2 #indicators { "Indicators" }
                p.hint {
                    "Drawn from the coalition's records for the period, beside the previous period (" (v.previous_period) "). "
                    @if v.frozen { "Frozen as they were when the report was adopted." } @else { "Computed now: later changes to the records change them until the report is adopted." }
                }
                @for area in &areas {
                    table.stack.indicators {
                        caption { (area) }
                        thead { tr { th scope="col" { "Indicator" } th scope="col" { "This period" } th scope="col" { "Previous period" } } }
                        tbody { @for i in v.indicators.iter().filter(|i| i.area == *area) { tr {
                            td data-label="Indicator" {
                                @match &i.link { Some(href) => a href=(href) { (i.label) }, None => (i.label) }
                                br; small.hint { (i.definition) }
                            }
                            td data-label="This period" { (i.value) }
                            td data-label="Previous period" { (i.previous) }
                        } } }
                    }
                }
            }
            section aria-labelledby="report" {
                h2 #report { "The report" }
                h3 { "Findings" }
                @if v.findings_html.is_empty() { p.empty { "Not written yet." } } @else { div.prose { (PreEscaped(&v.findings_html)) } }
                h3 { "Recommendations" }
                @if v.recommendations_html.is_empty() { p.empty { "Not written yet." } } @else { div.prose { (PreEscaped(&v.recommendations_html)) } }
                @if let Some(form) = &v.report_form {
                    @let form = if v.refusal.as_ref().is_some_and(|r| r.form == REPORT_FORM) { state_of(v, REPORT_FORM) } else { form.clone() };
                    (anchored_form(csrf, REPORT_FORM, &format!("/evaluations/{}/report", v.id), "Save the report", &form, html! {
                        (textarea(&form, "findings", "Findings (Markdown)", 10, None))
                        (textarea(&form, "recommendations", "Recommendations (Markdown)", 8, None))
                    }))
                }
            }
            @if !v.next_stages.is_empty() {
                (anchored_form(csrf, STATUS_FORM, &format!("/evaluations/{}/status", v.id), "Move the report", &state_of(v, STATUS_FORM), html! {
                    (select(&state_of(v, STATUS_FORM), "status", "The report's next stage", &v.next_stages, Some("Adoption freezes the indicators as they are now.")))
                }))
            }
            @if let Some(evaluators) = &v.evaluators {
                section.no-print aria-labelledby="evaluators" {
                    h2 #evaluators { "Evaluators" }
                    @if evaluators.is_empty() { p.empty { "None appointed yet." } }
                    ul { @for (name, external) in evaluators { li { (name) @if *external { " (external)" } } } }
                    @if v.may_appoint {
                        (anchored_form(csrf, EVALUATOR_FORM, &format!("/evaluations/{}/evaluators", v.id), "Appoint", &state_of(v, EVALUATOR_FORM), html! {
                            (field(&state_of(v, EVALUATOR_FORM), "email", "The evaluator's e-mail address", "email", Some("A person of a member organisation, or someone new: an external evaluator, invited by mail, whose only role is this evaluation.")))
                            (field(&state_of(v, EVALUATOR_FORM), "name", "Their name (for someone new)", "text", None))
                        }))
                    }
                }
            }
            @if let Some(reads) = &v.reads {
                section.no-print aria-labelledby="reads" {
                    h2 #reads { "What the evaluators read" }
                    table.stack {
                        caption { "Reads, newest first" }
                        thead { tr { th scope="col" { "Who" } th scope="col" { "What" } th scope="col" { "When" } } }
                        tbody { @for (who, what, when) in reads { tr { td data-label="Who" { (who) } td data-label="What" { (what) } td data-label="When" { (when) } } } }
                    }
                }
            }
        },
    )
}
