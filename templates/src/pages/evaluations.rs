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
pub const ITEM_FORM: &str = "item";
pub const DEFAULT_FORM: &str = "default-questionnaire";
pub const ANSWER_FORM: &str = "answers";
pub const FOLLOWUP_FORM: &str = "followup";
pub const FOLLOWUP_UPDATE_FORM: &str = "followup-update";
pub const PEOPLE_FORM: &str = "people-answer";

#[derive(Debug, Clone)]
pub struct FollowUpRow {
    pub id: i64,
    pub action: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub outcome: String,
    pub overdue: bool,
}

fn followup_table(caption: &str, rows: &[FollowUpRow]) -> Markup {
    html! {
        table.stack {
            caption { (caption) }
            thead { tr { th scope="col" { "Action" } th scope="col" { "Owner" } th scope="col" { "Due" } th scope="col" { "What became of it" } } }
            tbody { @for f in rows { tr {
                td data-label="Action" { (f.action) }
                td data-label="Owner" { (f.owner) }
                td data-label="Due" { (f.due) @if f.overdue { " " (badge("overdue", "due")) } }
                td data-label="What became of it" { (badge(&f.status, &f.status)) " " (f.outcome) }
            } } }
        }
    }
}

/// An item of the questionnaire as the builders see it.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: i64,
    pub theme: String,
    pub kind: String,
    pub text: String,
    pub choices: Vec<String>,
}

/// The questionnaire as its builders see it.
pub struct Builder {
    pub items: Vec<ItemRow>,
    /// Items may still be added and removed.
    pub editable: bool,
    /// (answered, asked) and the names of the organisations that answered.
    pub participation: (usize, usize, Vec<String>),
    /// Every person of a member answers too, for themselves; how many have.
    pub people_answer: bool,
    pub people_answered: usize,
    pub opens: String,
}

/// One theme's scores (1 to 5) for the chart and its table.
#[derive(Debug, Clone)]
pub struct ThemeScore {
    pub theme: String,
    pub mean: Option<f64>,
    pub governmental: Option<f64>,
    pub civil_society: Option<f64>,
    pub flag: String,
}

#[derive(Debug, Clone)]
pub struct ItemScore {
    pub theme: String,
    pub text: String,
    pub answers: usize,
    pub mean: Option<f64>,
    pub governmental: Option<f64>,
    pub civil_society: Option<f64>,
    pub distribution: Vec<(String, usize)>,
    pub open: Vec<String>,
}

pub struct ResultsView {
    pub responses: usize,
    pub themes: Vec<ThemeScore>,
    pub items: Vec<ItemScore>,
}

fn score(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into())
}

/// Theme scores by side as a bar chart drawn on the server, with its data table for screen
/// readers (and for print).
pub fn theme_chart(themes: &[ThemeScore]) -> Markup {
    let row_height = 34;
    let label_width = 260.0;
    let bar_space = 300.0;
    let height = themes.len() * row_height + 30;
    let x = |v: f64| label_width + (v - 1.0).max(0.0) / 4.0 * bar_space;
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {} {height}", label_width + bar_space + 40.0)) role="img" aria-labelledby="theme-chart-title" preserveAspectRatio="xMinYMin meet" {
                title #theme-chart-title { "Theme scores from 1 to 5, governmental and civil-society members side by side" }
                @for tick in 1..=5 {
                    line x1=(x(f64::from(tick))) x2=(x(f64::from(tick))) y1="0" y2=(height - 20) stroke="#c7ccd4" stroke-width="1" {}
                    text x=(x(f64::from(tick))) y=(height - 5) text-anchor="middle" font-size="12" fill="#1d2430" { (tick) }
                }
                @for (i, t) in themes.iter().enumerate() {
                    @let y = i * row_height;
                    text x="0" y=(y + 20) font-size="13" fill="#1d2430" { (t.theme) }
                    @if let Some(g) = t.governmental {
                        rect x=(label_width) y=(y + 6) width=(x(g) - label_width) height="10" fill="#1f5fa8" {}
                    }
                    @if let Some(c) = t.civil_society {
                        rect x=(label_width) y=(y + 18) width=(x(c) - label_width) height="10" fill="#b3541e" {}
                    }
                }
            }
            figcaption { span style="color:#1f5fa8" { "■" } " governmental  " span style="color:#b3541e" { "■" } " civil society. A side with fewer than three answers has no bar." }
            div.visually-hidden.print-table { table {
                caption { "Theme scores by side" }
                thead { tr { th scope="col" { "Theme" } th scope="col" { "All" } th scope="col" { "Governmental" } th scope="col" { "Civil society" } } }
                tbody { @for t in themes { tr { th scope="row" { (t.theme) } td { (score(t.mean)) } td { (score(t.governmental)) } td { (score(t.civil_society)) } } } }
            } }
        }
    }
}

/// The indicators given as shares, this period beside the previous one, as a bar chart
/// drawn on the server with its data table.
pub fn comparison_chart(rows: &[&IndicatorRow]) -> Markup {
    let row_height = 34;
    let label_width = 300.0;
    let bar_space = 280.0;
    let height = rows.len() * row_height + 30;
    let x = |v: f64| label_width + v.clamp(0.0, 100.0) / 100.0 * bar_space;
    let pct = |v: Option<f64>| v.map(|v| format!("{v:.1} %")).unwrap_or_else(|| "–".into());
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {} {height}", label_width + bar_space + 40.0)) role="img" aria-labelledby="comparison-chart-title" preserveAspectRatio="xMinYMin meet" {
                title #comparison-chart-title { "Shares in this period beside the previous period, from 0 to 100 %" }
                @for tick in [0, 25, 50, 75, 100] {
                    line x1=(x(f64::from(tick))) x2=(x(f64::from(tick))) y1="0" y2=(height - 20) stroke="#c7ccd4" stroke-width="1" {}
                    text x=(x(f64::from(tick))) y=(height - 5) text-anchor="middle" font-size="12" fill="#1d2430" { (tick) }
                }
                @for (i, r) in rows.iter().enumerate() {
                    @let y = i * row_height;
                    text x="0" y=(y + 20) font-size="13" fill="#1d2430" { (r.label) }
                    @if let Some(v) = r.number { rect x=(label_width) y=(y + 6) width=(x(v) - label_width) height="10" fill="#1f5fa8" {} }
                    @if let Some(v) = r.previous_number { rect x=(label_width) y=(y + 18) width=(x(v) - label_width) height="10" fill="#8a93a3" {} }
                }
            }
            figcaption { span style="color:#1f5fa8" { "■" } " this period  " span style="color:#8a93a3" { "■" } " the previous period" }
            div.visually-hidden.print-table { table {
                caption { "Shares, this period and the previous" }
                thead { tr { th scope="col" { "Indicator" } th scope="col" { "This period" } th scope="col" { "Previous period" } } }
                tbody { @for r in rows { tr { th scope="row" { (r.label) } td { (pct(r.number)) } td { (pct(r.previous_number)) } } } }
            } }
        }
    }
}

/// Values over the period's steps, one bar per series in each step, drawn on the server with
/// the data table. `max` is the scale's top (100 for shares).
pub fn series_chart(
    id: &str,
    title: &str,
    steps: &[String],
    series: &[(&str, &str, Vec<Option<f64>>)],
    max: f64,
) -> Markup {
    let left = 40.0;
    let chart_height = 160.0;
    let width_per_step = 16.0 * series.len() as f64 + 14.0;
    let width = left + width_per_step * steps.len() as f64 + 10.0;
    let y = |v: f64| 10.0 + chart_height - (v / max.max(1.0)).clamp(0.0, 1.0) * chart_height;
    let label_every = (steps.len() / 10).max(1);
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {width} {}", chart_height + 40.0)) role="img" aria-labelledby=(format!("{id}-title")) preserveAspectRatio="xMinYMin meet" {
                title id=(format!("{id}-title")) { (title) }
                @for tick in [0.0, max / 2.0, max] {
                    line x1=(left) x2=(width) y1=(y(tick)) y2=(y(tick)) stroke="#c7ccd4" stroke-width="1" {}
                    text x=(left - 4.0) y=(y(tick) + 4.0) text-anchor="end" font-size="11" fill="#1d2430" { (format!("{tick:.0}")) }
                }
                @for (i, step) in steps.iter().enumerate() {
                    @let x0 = left + width_per_step * i as f64 + 7.0;
                    @for (k, (_, color, values)) in series.iter().enumerate() {
                        @if let Some(v) = values.get(i).copied().flatten() {
                            rect x=(x0 + 16.0 * k as f64) y=(y(v)) width="13" height=(y(0.0) - y(v)) fill=(color) {}
                        }
                    }
                    @if i % label_every == 0 {
                        text x=(x0) y=(chart_height + 28.0) font-size="10" fill="#1d2430" { (step) }
                    }
                }
            }
            figcaption { @for (label, color, _) in series { span style=(format!("color:{color}")) { "■" } " " (label) "  " } }
            div.visually-hidden.print-table { table {
                caption { (title) }
                thead { tr { th scope="col" { "Step" } @for (label, _, _) in series { th scope="col" { (label) } } } }
                tbody { @for (i, step) in steps.iter().enumerate() { tr { th scope="row" { (step) } @for (_, _, values) in series { td { (values.get(i).copied().flatten().map(|v| format!("{v}")).unwrap_or_else(|| "–".into())) } } } } }
            } }
        }
    }
}

/// The period over time: attendance by side, statement throughput.
pub struct SeriesView {
    pub steps: Vec<String>,
    pub governmental: Vec<Option<f64>>,
    pub civil_society: Vec<Option<f64>>,
    pub rounds_opened: Vec<Option<f64>>,
    pub adopted: Vec<Option<f64>>,
}

/// The results of the organisations' answers (`personal` false) or of the people's own.
fn results_section(r: &ResultsView, personal: bool) -> Markup {
    let anchor = if personal {
        "personal-results"
    } else {
        "results"
    };
    html! {
        section aria-labelledby=(anchor) {
            @if personal {
                h2 #(anchor) { "The people's own answers" }
                p { (r.responses) " people answered for themselves. No figure rests on fewer than three answers." }
            } @else {
                h2 #(anchor) { "The questionnaire's results" }
                p { (r.responses) " organisations answered. No figure rests on fewer than three answers." }
            }
            @if !r.themes.is_empty() {
                (theme_chart(&r.themes))
                table.stack {
                    caption { "Themes" }
                    thead { tr { th scope="col" { "Theme" } th scope="col" { "All" } th scope="col" { "Governmental" } th scope="col" { "Civil society" } th scope="col" { "Reading" } } }
                    tbody { @for t in &r.themes { tr {
                        td data-label="Theme" { (t.theme) }
                        td data-label="All" { (score(t.mean)) }
                        td data-label="Governmental" { (score(t.governmental)) }
                        td data-label="Civil society" { (score(t.civil_society)) }
                        td data-label="Reading" { @if t.flag == "concern" { (badge("a concern", "due")) } @else if t.flag == "strength" { (badge("a strength", "active")) } }
                    } } }
                }
            }
            @for i in &r.items {
                article.item-result {
                    h3 { (i.text) }
                    p.hint { (i.theme) ", " (i.answers) " answers" @if i.mean.is_some() { ": mean " (score(i.mean)) " (governmental " (score(i.governmental)) ", civil society " (score(i.civil_society)) ")" } }
                    @if !i.distribution.is_empty() { ul.distribution { @for (label, n) in &i.distribution { li { (label) ": " (n) } } } }
                    @if !i.open.is_empty() { ul.open-answers { @for text in &i.open { li { (text) } } } }
                }
            }
        }
    }
}

fn builder_section(
    csrf: &str,
    id: i64,
    b: &Builder,
    form: &FormState,
    people_form: &FormState,
) -> Markup {
    html! {
        section.no-print aria-labelledby="questionnaire" {
            h2 #questionnaire { "The questionnaire" }
            p { (b.participation.0) " of " (b.participation.1) " member organisations have answered. " (b.opens) }
            @if !b.participation.2.is_empty() { p.hint { "Answered: " (b.participation.2.join(", ")) ". What each answered is not kept with its name." } }
            @if b.people_answer { p { "Every person of a member answers too, for themselves: " (b.people_answered) " have." } }
            @if b.items.is_empty() { p.empty { "No items yet." } }
            ol { @for item in &b.items { li {
                strong { (item.theme) } " (" (item.kind) "): " (item.text)
                @if !item.choices.is_empty() { " [" (item.choices.join(" / ")) "]" }
                @if b.editable {
                    form.inline method="post" action=(format!("/evaluations/{id}/items/{}/remove#questionnaire", item.id)) {
                        (crate::components::csrf_field(csrf))
                        " " button.link-dark type="submit" aria-label=(format!("Remove the item {}", item.text)) { "Remove" }
                    }
                }
            } } }
            @if b.editable {
                @if b.items.is_empty() {
                    (anchored_form(csrf, DEFAULT_FORM, &format!("/evaluations/{id}/items/default"), "Use the default questionnaire", &FormState::default(), html! {
                        p { "Fourteen items on trust between sides, communication, meetings, the secretariat, statements, confidentiality, grievances, the value of taking part and ways forward." }
                    }))
                }
                @let people = people_form.clone().or_values(&[("people_answer", if b.people_answer { "on" } else { "" })]);
                (anchored_form(csrf, PEOPLE_FORM, &format!("/evaluations/{id}/questionnaire/people"), "Save who answers", &people, html! {
                    div.field {
                        label { input type="checkbox" name="people_answer" value="on" checked[people.value("people_answer") == "on"]; " Every person of a member answers too, for themselves (besides each organisation's one answer)" }
                    }
                }))
                (anchored_form(csrf, ITEM_FORM, &format!("/evaluations/{id}/items"), "Add the item", form, html! {
                    (field(form, "theme", "Theme", "text", None))
                    (select(form, "kind", "Kind", &[
                        ("rating".to_owned(), "A statement rated from 1 (disagree) to 5 (agree)".to_owned()),
                        ("single".to_owned(), "A single choice".to_owned()),
                        ("multiple".to_owned(), "Several choices".to_owned()),
                        ("open".to_owned(), "An open question".to_owned()),
                    ], None))
                    (textarea(form, "text", "The statement or question", 3, None))
                    (textarea(form, "choices", "The choices, one per line (for a choice)", 4, None))
                }))
            }
        }
    }
}

/// The answer form of a member organisation, or of a person answering for themselves.
pub struct AnswerView {
    pub id: i64,
    pub title: String,
    pub organisation: String,
    /// A person's own answer (the side and sector of `organisation` go with it).
    pub personal: bool,
    pub items: Vec<ItemRow>,
    /// Why no answer is taken now, if so.
    pub closed: Option<String>,
    pub form: FormState,
}

pub fn answer_page(chrome: &Chrome, v: &AnswerView) -> Markup {
    let form = &v.form;
    let mut themes: Vec<&str> = Vec::new();
    for i in &v.items {
        if !themes.contains(&i.theme.as_str()) {
            themes.push(&i.theme);
        }
    }
    layout(
        Some(chrome),
        &format!("Questionnaire: {}", v.title),
        html! {
            h1 { "Questionnaire: " (v.title) }
            @if v.personal {
                p { "You answer for yourself, once. The answers are kept apart from who gave them: the coalition knows that you answered, not what you answered. Only the side and sector of " strong { (v.organisation) } " stay with the answers, and no figure is shown for fewer than three answers." }
            } @else {
                p { "You answer for " strong { (v.organisation) } ", once. The answers are kept apart from who gave them: the coalition knows that your organisation answered, not what it answered. Only your side and sector stay with the answers, and no figure is shown for fewer than three answers." }
            }
            @match &v.closed {
                Some(why) => p.notice { (why) },
                None => form.action id=(ANSWER_FORM) method="post" action=(format!("/evaluations/{}/questionnaire#{ANSWER_FORM}", v.id)) {
                    (crate::components::csrf_field(&chrome.csrf_token))
                    (crate::components::form_problems(form))
                    @for theme in &themes {
                        fieldset {
                            legend { (theme) }
                            @for item in v.items.iter().filter(|i| i.theme == *theme) {
                                @let name = format!("item-{}", item.id);
                                div.field {
                                    @match item.kind.as_str() {
                                        "rating" => {
                                            fieldset.rating {
                                                legend { (item.text) }
                                                @for r in 1..=5 {
                                                    label { input type="radio" name=(name) value=(r) checked[form.value(&name) == r.to_string()]; " " (r) @if r == 1 { " (disagree)" } @if r == 5 { " (agree)" } }
                                                }
                                            }
                                        }
                                        "single" | "multiple" => {
                                            fieldset {
                                                legend { (item.text) }
                                                @for c in &item.choices {
                                                    label { input type=(if item.kind == "single" { "radio" } else { "checkbox" }) name=(name) value=(c) checked[form.value(&name).lines().any(|l| l == c)]; " " (c) }
                                                    br;
                                                }
                                            }
                                        }
                                        _ => {
                                            label for=(name) { (item.text) }
                                            textarea id=(name) name=(name) rows="4" maxlength="5000" { (form.value(&name)) }
                                        }
                                    }
                                    @for e in form.errors(&name) { p.field-error role="alert" { (e) } }
                                }
                            }
                        }
                    }
                    button type="submit" { @if v.personal { "Send my answers" } @else { "Send our answers" } }
                },
            }
        },
    )
}

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
    pub unit: String,
    pub number: Option<f64>,
    pub previous_number: Option<f64>,
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
    pub builder: Option<Builder>,
    /// The organisations' answers.
    pub results: Option<ResultsView>,
    /// The people's own answers, when they answer too.
    pub personal_results: Option<ResultsView>,
    /// (address, label) of the answer forms open to the reader: for their organisation,
    /// for themselves.
    pub answer_links: Vec<(String, String)>,
    /// This cycle's follow-up actions (once adopted).
    pub followups: Vec<FollowUpRow>,
    /// The previous cycle's title and what became of its actions.
    pub previous_followups: Option<(String, Vec<FollowUpRow>)>,
    /// The owners to choose from, for the secretariat adding or updating actions.
    pub followup_owners: Option<Options>,
    pub series: Option<SeriesView>,
    /// (organisation, side, attendance, positions taken of the rounds) for each member.
    pub per_organisation: Vec<(String, String, String, String)>,
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
            // A refused form the page does not show now says why at the top.
            (crate::components::refused_elsewhere(v.refusal.as_ref(), |form| match form {
                EVALUATOR_FORM => v.may_appoint,
                REPORT_FORM => v.report_form.is_some(),
                STATUS_FORM => !v.next_stages.is_empty(),
                ITEM_FORM | DEFAULT_FORM | PEOPLE_FORM => v.builder.as_ref().is_some_and(|b| b.editable),
                FOLLOWUP_FORM => v.followup_owners.is_some(),
                FOLLOWUP_UPDATE_FORM => v.followup_owners.is_some() && !v.followups.is_empty(),
                _ => false,
            }))
            dl.facts {
                dt { "Kind" } dd { (v.kind) }
                dt { "Period" } dd { (v.period) }
                dt { "Report" } dd { (badge(&v.status, &v.status_key)) }
                @for (what, when) in &v.schedule { dt { (what) } dd { (when) } }
            }
            p.no-print {
                a href=(format!("/evaluations/{}/indicators.csv", v.id)) { "Download the indicators (CSV)" }
                @if v.builder.is_some() { " · " a href=(format!("/evaluations/{}/answers.csv", v.id)) { "Download the anonymous answers (CSV)" } }
            }
            @for (link, label) in &v.answer_links { p.notice.no-print { a href=(link) { (label) } } }
            section aria-labelledby="indicators" {
                h2 #indicators { "Indicators" }
                p.hint {
                    "Drawn from the coalition's records for the period, beside the previous period (" (v.previous_period) "). "
                    @if v.frozen { "Frozen as they were when the report was adopted." } @else { "Computed now: later changes to the records change them until the report is adopted." }
                }
                @let shares: Vec<&IndicatorRow> = v.indicators.iter().filter(|i| i.unit == "percent" && (i.number.is_some() || i.previous_number.is_some())).collect();
                @if !shares.is_empty() { (comparison_chart(&shares)) }
                @if let Some(series) = &v.series {
                    h3 { "Over the period" }
                    (series_chart("attendance-chart", "Attendance rate by side, in %", &series.steps, &[("governmental", "#1f5fa8", series.governmental.clone()), ("civil society", "#b3541e", series.civil_society.clone())], 100.0))
                    @let top = series.rounds_opened.iter().chain(&series.adopted).flatten().fold(1.0_f64, |a, b| a.max(*b));
                    (series_chart("throughput-chart", "Statement throughput: rounds opened and statements adopted", &series.steps, &[("rounds opened", "#1f5fa8", series.rounds_opened.clone()), ("adopted", "#2e7d4f", series.adopted.clone())], top.ceil()))
                }
                @if !v.per_organisation.is_empty() {
                    table.stack #per-organisation {
                        caption { "Each member's part in the period" }
                        thead { tr { th scope="col" { "Organisation" } th scope="col" { "Side" } th scope="col" { "Attendance" } th scope="col" { "Positions taken" } } }
                        tbody { @for (name, side, attendance, positions) in &v.per_organisation { tr {
                            td data-label="Organisation" { (name) } td data-label="Side" { (side) } td data-label="Attendance" { (attendance) } td data-label="Positions taken" { (positions) }
                        } } }
                    }
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
            @if let Some(r) = &v.results { (results_section(r, false)) }
            @if let Some(r) = &v.personal_results { (results_section(r, true)) }
            @if let Some(b) = &v.builder { (builder_section(csrf, v.id, b, &state_of(v, ITEM_FORM), &state_of(v, PEOPLE_FORM))) }
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
            @if let Some((title, rows)) = &v.previous_followups {
                section aria-labelledby="previous-followups" {
                    h2 #previous-followups { "What became of the recommendations of " (title) }
                    @if rows.is_empty() { p.empty { "That review left no follow-up actions." } } @else { (followup_table("The previous review's actions", rows)) }
                }
            }
            @if !v.followups.is_empty() || v.followup_owners.is_some() {
                section aria-labelledby="followups" {
                    h2 #followups { "Follow-up actions" }
                    @if !v.followups.is_empty() { (followup_table("This review's actions", &v.followups)) }
                    @if let Some(owners) = &v.followup_owners {
                        @let form = state_of(v, FOLLOWUP_FORM);
                        (anchored_form(csrf, FOLLOWUP_FORM, &format!("/evaluations/{}/followups", v.id), "Add the action", &form, html! {
                            (textarea(&form, "action", "A recommendation, as an action", 3, None))
                            (select(&form, "owner_organisation_id", "Owner", owners, None))
                            (field(&form, "due_on", "Due", "date", None))
                        }))
                        @if !v.followups.is_empty() {
                            @let form = state_of(v, FOLLOWUP_UPDATE_FORM);
                            @let actions: Options = v.followups.iter().map(|f| (f.id.to_string(), f.action.clone())).collect();
                            (anchored_form(csrf, FOLLOWUP_UPDATE_FORM, &format!("/evaluations/{}/followups/update", v.id), "Record it", &form, html! {
                                (select(&form, "followup_id", "Which action", &actions, None))
                                (select(&form, "status", "Status", &[("done".to_owned(), "done".to_owned()), ("dropped".to_owned(), "dropped".to_owned()), ("open".to_owned(), "open again".to_owned())], None))
                                (field(&form, "outcome", "What became of it", "text", None))
                            }))
                        }
                    }
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

/// A table of the records behind the indicators.
#[derive(Debug, Clone)]
pub struct RecordTable {
    pub caption: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

pub struct RecordsView {
    pub id: i64,
    pub title: String,
    pub period: String,
    pub area: String,
    /// Every area: (its address, its name, whether it is this one).
    pub areas: Vec<(String, String, bool)>,
    pub tables: Vec<RecordTable>,
}

/// The records behind an evaluation's indicators, one area at a time.
pub fn records_page(chrome: &Chrome, v: &RecordsView) -> Markup {
    layout(
        Some(chrome),
        &format!("{}: {}", v.area, v.title),
        html! {
            p.no-print { a href=(format!("/evaluations/{}", v.id)) { "← " (v.title) } }
            h1 { (v.area) }
            p.lead { "The records the indicators of " (v.period) " count, as they stand today. Only what is counted is shown: no agenda or minute text, no complaint, no one organisation's fees. Your reading is recorded." }
            nav.no-print aria-label="Records behind the indicators" { ul.inline {
                @for (href, label, current) in &v.areas { li {
                    @if *current { a href=(href) aria-current="page" { (label) } } @else { a href=(href) { (label) } }
                } }
            } }
            @for t in &v.tables {
                @if t.rows.is_empty() { h2 { (t.caption) } p.empty { "None in the period." } } @else {
                    table.stack.records {
                        caption { (t.caption) " (" (t.rows.len()) ")" }
                        thead { tr { @for h in &t.header { th scope="col" { (h) } } } }
                        tbody { @for row in &t.rows { tr {
                            @for (h, cell) in t.header.iter().zip(row) { td data-label=(h) { (cell) } }
                        } } }
                    }
                }
            }
        },
    )
}
