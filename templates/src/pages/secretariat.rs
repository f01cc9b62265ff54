//! The secretariat rotation and the hand-over page.

use maud::{Markup, html};

use crate::components::{
    ButtonForm, anchored_form, badge, button_form, checkbox, field, refused_elsewhere, select,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub struct TermRow {
    pub id: i64,
    pub period: String,
    pub civil_society: String,
    pub governmental: String,
    pub state: String,
    pub note: String,
}

pub struct RotationView {
    pub started: bool,
    /// Before the start: the first terms a start today would plan (period, civil society,
    /// governmental).
    pub preview: Vec<(String, String, String)>,
    pub current: Option<String>,
    pub why: Vec<String>,
    pub terms: Vec<TermRow>,
    pub covers: Vec<String>,
    pub can_manage: bool,
    pub future_terms: Vec<(String, String)>,
    pub current_and_future: Vec<(String, String)>,
    pub candidates_civil: Vec<(String, String)>,
    pub candidates_gov: Vec<(String, String)>,
    pub settings: FormState,
    pub opt_outs: Vec<(i64, String, bool)>,
    pub today: String,
    /// A form of this page the server refused, shown again as it was typed.
    pub refusal: Option<Refusal>,
}

/// The anchors of the page's forms, which the handlers name when a form is refused.
pub const START_FORM: &str = "start-form";
pub const SWAP_FORM: &str = "swap-form";
pub const REPLACE_FORM: &str = "replace-form";
pub const COVER_FORM: &str = "cover-form";
pub const SETTINGS_FORM: &str = "settings-form";

/// The anchor of the button that opts organisation `id` out of (or back into) the rotation.
pub fn opt_out_form(id: i64) -> String {
    format!("opt-out-{id}")
}

impl RotationView {
    /// Whether the page shows the form `key`.
    fn shows_form(&self, key: &str) -> bool {
        self.can_manage
            && match key {
                START_FORM => !self.started,
                SWAP_FORM | REPLACE_FORM | COVER_FORM => self.started,
                SETTINGS_FORM => true,
                _ => self
                    .opt_outs
                    .iter()
                    .any(|(id, _, _)| opt_out_form(*id) == key),
            }
    }
}

pub fn rotation(chrome: &Chrome, v: &RotationView) -> Markup {
    let csrf = chrome.csrf_token.as_str();
    let sides = vec![
        ("civil_society".to_owned(), "Civil society".to_owned()),
        ("governmental".to_owned(), "Governmental".to_owned()),
    ];
    let state = |form: &str| Refusal::state_of(v.refusal.as_ref(), form);
    let start = state(START_FORM).or_values(&[("first_term_starts", &v.today)]);
    layout(
        Some(chrome),
        "Secretariat rotation",
        html! {
            (refused_elsewhere(v.refusal.as_ref(), |form| v.shows_form(form)))
            h1 { "Secretariat rotation" }
            @if !v.started {
                p { "The rotation has not started: until it does, the administrators act for the secretariat." }
                @if !v.preview.is_empty() {
                    h2 { "Who would hold it" }
                    p { "Started today, with the settings below, the first terms would be:" }
                    table #preview {
                        thead { tr { th { "Term" } th { "Civil society" } th { "Governmental" } } }
                        tbody { @for (period, civil, gov) in &v.preview { tr { td { (period) } td { (civil) } td { (gov) } } } }
                    }
                }
                @if v.can_manage {
                    div.flash.flash-info role="note" #what-changes {
                        p { strong { "What starting changes. " } "From the first term on, the holders act for the secretariat: membership, meetings, statements, the rotation itself. The administrators then keep the installation (settings, accounts, mail, the audit record) and read what is not confidential, but no longer act for the secretariat. It cannot be undone from this page." }
                    }
                    (anchored_form(csrf, START_FORM, "/secretariat/start", "Start the rotation", &start, html! {
                        (field(&start, "first_term_starts", "The first term starts on", "date", None))
                    }))
                }
            } @else {
                section {
                    h2 { "Now" }
                    p #current { (v.current.as_deref().unwrap_or("No term is running today.")) }
                    h3 { "Why these, and who is next" }
                    ul #why { @for w in &v.why { li { (w) } } }
                    p { a href="/secretariat/handover" { "Hand-over page for the incoming secretariat" } }
                }
                section {
                    h2 { "Terms" }
                    table #terms {
                        thead { tr { th { "Term" } th { "Civil society" } th { "Governmental" } th { "State" } th { "Note" } } }
                        tbody { @for t in &v.terms { tr {
                            td { (t.period) } td { (t.civil_society) } td { (t.governmental) }
                            td { (badge(&t.state, match t.state.as_str() { "current" => "active", "past" => "closed", _ => "due" })) } td { (t.note) }
                        } } }
                    }
                    @if !v.covers.is_empty() { h3 { "Interim cover" } ul { @for c in &v.covers { li { (c) } } } }
                }
                @if v.can_manage {
                    div.columns {
                        section {
                            h2 { "Swap two future terms" }
                            // Two different terms to begin with: swapping a term with itself
                            // is never what is meant.
                            @let second = v.future_terms.get(1).map(|(id, _)| id.as_str()).unwrap_or("");
                            @let form = state(SWAP_FORM).or_values(&[("term_b", second)]);
                            (anchored_form(csrf, SWAP_FORM, "/secretariat/swap", "Swap", &form, html! {
                                (select(&form, "term_a", "Term", &v.future_terms, None))
                                (select(&form, "term_b", "with term", &v.future_terms, None))
                                (field(&form, "reason", "Reason", "text", None))
                            }))
                        }
                        section {
                            h2 { "Replace a holder" }
                            @let form = state(REPLACE_FORM);
                            (anchored_form(csrf, REPLACE_FORM, "/secretariat/replace", "Replace", &form, html! {
                                (select(&form, "term_id", "Future term", &v.future_terms, None))
                                (select(&form, "side", "Seat", &sides, None))
                                (select(&form, "organisation_id", "By", &[v.candidates_civil.clone(), v.candidates_gov.clone()].concat(), None))
                                (field(&form, "reason", "Reason", "text", None))
                            }))
                        }
                        section {
                            h2 { "Interim cover" }
                            @let form = state(COVER_FORM);
                            (anchored_form(csrf, COVER_FORM, "/secretariat/cover", "Put in cover", &form, html! {
                                (select(&form, "term_id", "Term", &v.current_and_future, None))
                                (select(&form, "side", "Seat", &sides, None))
                                (select(&form, "organisation_id", "Covered by", &[v.candidates_civil.clone(), v.candidates_gov.clone()].concat(), None))
                                (field(&form, "starts_on", "From", "date", None))
                                (field(&form, "ends_on", "Until (exclusive)", "date", None))
                                (field(&form, "reason", "Reason", "text", None))
                            }))
                        }
                    }
                }
            }
            @if v.can_manage {
                div.columns {
                    section {
                        h2 { "Settings" }
                        @let form = v.refusal.as_ref().filter(|r| r.form == SETTINGS_FORM).map_or_else(|| v.settings.clone(), |r| r.state.clone());
                        (anchored_form(csrf, SETTINGS_FORM, "/secretariat/settings", "Save", &form, html! {
                            (field(&form, "term_months", "Term length (months)", "number", None))
                            (field(&form, "horizon_terms", "Plan this many terms ahead", "number", None))
                            (checkbox(&form, "paired", "A co-secretariat: one civil-society and one governmental member"))
                        }))
                    }
                    section {
                        h2 { "Opting out" }
                        p #opt-out-explained { "A full member that cannot hold the secretariat for a while (no capacity this year, a conflict with its mandate) may opt out. It is left out of the terms planned from now on; a term that has begun, or one fixed by a swap or a replacement, stays as it is. It rotates again from the next planned term once it opts back in." }
                        ul #opt-outs { @for (id, name, out) in &v.opt_outs { li {
                            (name) @if *out { " " (badge("opted out", "declined")) }
                            (button_form(csrf, &ButtonForm {
                                anchor: &opt_out_form(*id),
                                action: &format!("/secretariat/opt-out/{id}"),
                                label: if *out { "rotate again" } else { "opt out" },
                                // The visible words start the accessible name (WCAG 2.5.3: what people see is what
                                // they can say to a voice control).
                                accessible_name: &if *out { format!("Rotate again: {name}") } else { format!("Opt out of the rotation: {name}") },
                                hidden: &[("opt_out", if *out { "no" } else { "yes" })],
                            }, v.refusal.as_ref()))
                        } } }
                    }
                }
            }
        },
    )
}

pub struct HandoverView {
    pub incoming: String,
    pub actions: Vec<(String, String, String, String)>,
    pub meetings: Vec<(i64, String, String, String)>,
    pub open_business: Vec<(String, String)>,
}

pub fn handover(chrome: &Chrome, v: &HandoverView) -> Markup {
    layout(
        Some(chrome),
        "Hand-over",
        html! {
            h1 { "Hand-over" }
            p.lead #incoming { (v.incoming) }
            section { h2 { "Open action items" }
                @if v.actions.is_empty() { p.empty { "None." } }
                table #handover-actions { tbody { @for (title, owner, due, meeting) in &v.actions { tr { td { (title) } td { (owner) } td { (due) } td { (meeting) } } } } }
            }
            section { h2 { "Next meetings" }
                @if v.meetings.is_empty() { p.empty { "None planned." } }
                table #handover-meetings { tbody { @for (id, title, when, state) in &v.meetings { tr { td { a href=(format!("/meetings/{id}")) { (title) } } td { (when) } td { (state) } } } } }
            }
            section { h2 { "Other open business" }
                @if v.open_business.is_empty() { p.empty { "None." } }
                ul { @for (text, href) in &v.open_business { li { a href=(href) { (text) } } } }
            }
        },
    )
}
