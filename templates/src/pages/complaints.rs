//! The complaints procedure's pages: the list (mine, my panels, the secretariat's register
//! without content), the filing form, a complaint with its stage, time limits, thread,
//! files, panel and access record, and the procedure's settings.

use maud::{Markup, html};

pub use super::Options;
use crate::components::{
    anchored_form, badge, checkbox, field, irreversible_form, refused_elsewhere, select, textarea,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub const FILE_FORM: &str = "file-complaint";
pub const ACKNOWLEDGE_FORM: &str = "acknowledge";
pub const APPOINT_FORM: &str = "appoint";
pub const DECLARE_FORM: &str = "declare";
pub const ASSESS_FORM: &str = "assess";
pub const MESSAGE_FORM: &str = "write";
pub const PROPOSE_FORM: &str = "propose";
pub const ANSWER_FORM: &str = "answer";
pub const HEARING_FORM: &str = "hearing";
pub const REFER_FORM: &str = "refer";
pub const CLOSE_FORM: &str = "close";
pub const WITHDRAW_FORM: &str = "withdraw";
pub const REOPEN_FORM: &str = "reopen";
pub const SATISFACTION_FORM: &str = "satisfaction";
pub const SETTINGS_FORM: &str = "complaint-settings";

/// A complaint in a list: what the reader may see of it.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub reference: String,
    pub stage: String,
    pub stage_key: String,
    pub due: String,
    pub overdue: bool,
    /// Only for those who read the content.
    pub title: Option<String>,
    /// Who the reader is to it, in words.
    pub role: String,
}

pub struct ListView {
    pub mine: Vec<Row>,
    pub panels: Vec<Row>,
    /// The secretariat's register (reference, stage, dates; never content).
    pub register: Option<Vec<Row>>,
    /// Whom the person may file for (an organisation, or the secretariat), empty if none.
    pub file_as: Options,
    pub respondents: Options,
    pub form: FormState,
}

fn rows_table(caption: &str, rows: &[Row], with_title: bool) -> Markup {
    html! {
        table.stack {
            caption { (caption) }
            thead { tr {
                th scope="col" { "Reference" }
                @if with_title { th scope="col" { "Title" } }
                th scope="col" { "Stage" }
                th scope="col" { "Next step due" }
                th scope="col" { "You are" }
            } }
            tbody {
                @for r in rows {
                    tr {
                        td data-label="Reference" { a href=(format!("/complaints/{}", r.id)) { (r.reference) } }
                        @if with_title { td data-label="Title" { (r.title.as_deref().unwrap_or("")) } }
                        td data-label="Stage" { (badge(&r.stage, &r.stage_key)) }
                        td data-label="Next step due" {
                            (r.due)
                            @if r.overdue { " " (badge("overdue", "due")) }
                        }
                        td data-label="You are" { (r.role) }
                    }
                }
            }
        }
    }
}

pub fn list(chrome: &Chrome, v: &ListView) -> Markup {
    layout(
        Some(chrome),
        "Complaints",
        html! {
            h1 { "Complaints" }
            p.lead { "A complaint between members is handled by a panel of members without a conflict of interest, through set stages and time limits. Only the parties and the panel read it; the secretariat sees that it exists, its stage and its dates." }
            section aria-labelledby="mine" {
                h2 #mine { "Complaints you are party to" }
                @if v.mine.is_empty() { p.empty { "None." } } @else { (rows_table("Complaints you are party to", &v.mine, true)) }
            }
            @if !v.panels.is_empty() {
                section aria-labelledby="panels" {
                    h2 #panels { "Panels you sit on" }
                    (rows_table("Panels you sit on", &v.panels, false))
                }
            }
            @if let Some(register) = &v.register {
                section aria-labelledby="register" {
                    h2 #register { "The register" }
                    p { "Every complaint's reference, stage and time limit, to schedule the work. Their content is for the parties and the panel only. " a href="/complaints/settings" { "The procedure's settings" } }
                    @if register.is_empty() { p.empty { "No complaint has been filed." } } @else { (rows_table("The register", register, false)) }
                }
            }
            @if !v.file_as.is_empty() {
                section aria-labelledby="file" {
                    h2 #file { "File a complaint" }
                    (anchored_form(&chrome.csrf_token, FILE_FORM, "/complaints", "File the complaint", &v.form, html! {
                        (select(&v.form, "organisation_id", "On behalf of", &v.file_as, None))
                        (select(&v.form, "about", "It is about", &about_options(), None))
                        (select(&v.form, "respondent_org", "The organisation (when it is about another member)", &v.respondents, None))
                        (select(&v.form, "record_kind", "The decision (when it is about a decision)", &record_options(), None))
                        (field(&v.form, "record_id", "Its number (the meeting's, statement's or application's, as in its address)", "number", None))
                        (field(&v.form, "title", "A short title", "text", Some("Seen by the parties and the panel only.")))
                        (textarea(&v.form, "body", "What happened, and what you would like to see resolved", 8, None))
                        (checkbox(&v.form, "filer_unnamed", "Keep my name from the respondent"))
                        p.hint { "Your organisation is always named to the respondent, and your own organisation and the panel always see your name. In a small coalition what you write, and when, may still point to you: the respondent may guess." }
                    }))
                }
            }
        },
    )
}

fn about_options() -> Options {
    [
        ("organisation", "Another member organisation"),
        ("secretariat", "The secretariat"),
        ("decision", "A decision of the coalition"),
        ("issue", "A contentious issue (no respondent)"),
    ]
    .iter()
    .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
    .collect()
}

fn record_options() -> Options {
    [
        ("", "None"),
        ("meeting", "A meeting's decision"),
        ("statement", "A statement round"),
        ("application", "An admission decision"),
    ]
    .iter()
    .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
    .collect()
}

#[derive(Debug, Clone)]
pub struct PanelRow {
    pub name: String,
    pub organisation: String,
    pub side: String,
    pub status: String,
}

#[derive(Debug, Clone)]
pub struct FileRow {
    pub name: String,
    pub href: String,
    pub size: String,
}

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub author: String,
    pub audience: String,
    pub when: String,
    pub body: String,
    pub files: Vec<FileRow>,
}

/// What the parties and the serving panel read.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub title: String,
    pub body: String,
    pub filer: String,
    pub record: Option<(String, String)>,
    pub assessment: String,
    pub proposal: String,
    pub panel_summary: String,
    pub outcome: String,
    pub lesson: String,
    pub answers: Vec<String>,
    pub messages: Vec<MessageRow>,
    /// Who opened the content, and when.
    pub access: Vec<(String, String, String)>,
    /// The case's record: what happened, when, by whom.
    pub history: Vec<(String, String)>,
}

/// The forms the reader may use now (None: not offered).
#[derive(Debug, Clone, Default)]
pub struct Actions {
    pub acknowledge: bool,
    /// The system's proposal is pre-chosen.
    pub appoint: Option<(Options, Vec<String>, usize)>,
    pub declare: bool,
    pub assess: bool,
    pub write: bool,
    pub propose: bool,
    pub answer: bool,
    pub hearing: Option<Options>,
    pub refer: Option<Options>,
    pub close: Option<Options>,
    pub withdraw: bool,
    pub reopen: bool,
    pub satisfaction: bool,
}

pub struct CaseView {
    pub id: i64,
    pub reference: String,
    pub stage: String,
    pub stage_key: String,
    pub waits_for: String,
    pub due: Option<String>,
    pub overdue: bool,
    pub filed: String,
    pub panel: Vec<PanelRow>,
    /// The parties, for those who may know who they are.
    pub parties: Option<(String, String, String)>,
    pub content: Option<Content>,
    pub erased: bool,
    pub actions: Actions,
    pub refusal: Option<Refusal>,
}

fn state_of(v: &CaseView, form: &str) -> FormState {
    Refusal::state_of(v.refusal.as_ref(), form)
}

pub fn complaint(chrome: &Chrome, v: &CaseView) -> Markup {
    let csrf = &chrome.csrf_token;
    let action = |what: &str| format!("/complaints/{}/{what}", v.id);
    let a = &v.actions;
    let shown = |form: &str| match form {
        ACKNOWLEDGE_FORM => a.acknowledge,
        APPOINT_FORM => a.appoint.is_some(),
        DECLARE_FORM => a.declare,
        ASSESS_FORM => a.assess,
        MESSAGE_FORM => a.write,
        PROPOSE_FORM => a.propose,
        ANSWER_FORM => a.answer,
        HEARING_FORM => a.hearing.is_some(),
        REFER_FORM => a.refer.is_some(),
        CLOSE_FORM => a.close.is_some(),
        WITHDRAW_FORM => a.withdraw,
        REOPEN_FORM => a.reopen,
        SATISFACTION_FORM => a.satisfaction,
        _ => false,
    };
    layout(
        Some(chrome),
        &format!("Complaint {}", v.reference),
        html! {
            h1 { "Complaint " (v.reference) }
            (refused_elsewhere(v.refusal.as_ref(), shown))
            dl.facts {
                dt { "Stage" } dd { (badge(&v.stage, &v.stage_key)) }
                dt { "Waits for" } dd { (v.waits_for) }
                dt { "Due" } dd {
                    (v.due.as_deref().unwrap_or("no time limit"))
                    @if v.overdue { " " (badge("overdue", "due")) }
                }
                dt { "Filed" } dd { (v.filed) }
                @if let Some((complainant, about, respondent)) = &v.parties {
                    dt { "Complainant" } dd { (complainant) }
                    dt { "About" } dd { (about) }
                    dt { "Respondent" } dd { (respondent) }
                }
            }
            @if v.erased {
                p.notice { "The retention period is over: the content of this case has been erased. Its reference, dates, stages, outcome and lesson learned remain." }
            }
            @if a.acknowledge {
                (anchored_form(csrf, ACKNOWLEDGE_FORM, &action("acknowledge"), "Acknowledge receipt", &state_of(v, ACKNOWLEDGE_FORM), html! {
                    p { "Tells the complainant the complaint is received; the panel's assessment is then due." }
                }))
            }
            section aria-labelledby="panel" {
                h2 #panel { "The panel" }
                @if v.panel.is_empty() { p.empty { "No one has been appointed yet." } } @else {
                    ul { @for p in &v.panel { li { (p.name) ", " (p.organisation) " (" (p.side) "): " (p.status) } } }
                }
                @if let Some((choices, proposed, seats)) = &a.appoint {
                    @let names: Vec<String> = (0..proposed.len()).map(|i| format!("person_{i}")).collect();
                    @let defaults: Vec<(&str, &str)> = names.iter().map(String::as_str).zip(proposed.iter().map(String::as_str)).collect();
                    @let form = state_of(v, APPOINT_FORM).or_values(&defaults);
                    (anchored_form(csrf, APPOINT_FORM, &action("panel"), "Appoint", &form, html! {
                        p { (seats) " seat(s) to fill. The proposal puts the least recently served first and balances the sides; nobody of a party (or of the secretariat, when it is a party) is offered." }
                        @for i in 0..*seats {
                            (select(&form, &format!("person_{i}"), &format!("Seat {}", i + 1), choices, None))
                        }
                    }))
                }
                @if a.declare {
                    (anchored_form(csrf, DECLARE_FORM, &action("declare"), "Send my declaration", &state_of(v, DECLARE_FORM), html! {
                        p { "You are asked to sit on this panel. Knowing who the parties are, do you have a conflict of interest: a tie to either party, an interest in the outcome, a part in what the complaint is about? The case opens to you only once you declare none." }
                        (select(&state_of(v, DECLARE_FORM), "no_conflict", "My declaration", &[
                            ("yes".to_owned(), "I have no conflict of interest and will serve".to_owned()),
                            ("no".to_owned(), "I have a conflict of interest, or cannot serve: I decline".to_owned()),
                        ], None))
                    }))
                }
            }
            @if let Some(c) = &v.content {
                section aria-labelledby="content" {
                    h2 #content { (c.title) }
                    p { "Filed by " (c.filer) "." }
                    @if let Some((label, href)) = &c.record { p { "About: " a href=(href) { (label) } } }
                    div.prose { @for para in c.body.split("\n\n") { p { (para) } } }
                }
                @if !c.assessment.is_empty() {
                    section aria-labelledby="assessment" { h2 #assessment { "The assessment" } p { (c.assessment) } }
                }
                @if a.assess {
                    (anchored_form(csrf, ASSESS_FORM, &action("assess"), "Record the assessment", &state_of(v, ASSESS_FORM), html! {
                        (select(&state_of(v, ASSESS_FORM), "admissible", "The complaint is", &[
                            ("yes".to_owned(), "Admissible: open the dialogue (the respondent is told)".to_owned()),
                            ("no".to_owned(), "Not admissible: close the case".to_owned()),
                        ], None))
                        (textarea(&state_of(v, ASSESS_FORM), "reasons", "The reasons", 4, None))
                    }))
                }
                section aria-labelledby="thread" {
                    h2 #thread { "The dialogue" }
                    @if c.messages.is_empty() { p.empty { "No statement has been exchanged yet." } }
                    @for m in &c.messages {
                        article.message {
                            p.meta { strong { (m.author) } ", " (m.when) ", " (m.audience) }
                            @for para in m.body.split("\n\n") { p { (para) } }
                            @if !m.files.is_empty() {
                                ul.files { @for f in &m.files { li { a href=(f.href) { (f.name) } " (" (f.size) ")" } } }
                            }
                        }
                    }
                    @if a.write {
                        @let form = state_of(v, MESSAGE_FORM);
                        form.action id=(MESSAGE_FORM) method="post" enctype="multipart/form-data" action=(format!("{}#{MESSAGE_FORM}", action("messages"))) {
                            (crate::components::csrf_field(csrf))
                            (crate::components::form_problems(&form))
                            (select(&form, "audience", "For", &[
                                ("parties".to_owned(), "Both parties and the panel".to_owned()),
                                ("panel".to_owned(), "The panel only (and my own side)".to_owned()),
                            ], None))
                            (textarea(&form, "body", "Your statement", 6, None))
                            div.field {
                                label for="field-file" { "Attach a file (PDF, image or office document, up to 10 MB)" }
                                input type="file" id="field-file" name="file" accept=".pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.odt,.ods,.doc,.xls";
                                @for e in form.errors("file") { p.field-error role="alert" { (e) } }
                            }
                            button type="submit" { "Send" }
                        }
                    }
                }
                @if let Some(meetings) = &a.hearing {
                    (anchored_form(csrf, HEARING_FORM, &action("hearing"), "Hold the hearing there", &state_of(v, HEARING_FORM), html! {
                        p { "A hearing takes place at a planned meeting, as a confidential agenda item." }
                        (select(&state_of(v, HEARING_FORM), "meeting_id", "Meeting", meetings, None))
                    }))
                }
                @if !c.proposal.is_empty() {
                    section aria-labelledby="proposal" {
                        h2 #proposal { "The proposed resolution" }
                        p { (c.proposal) }
                        @if !c.panel_summary.is_empty() { p.hint { "The summary the plenary reads if it is not accepted: " (c.panel_summary) } }
                        @if !c.answers.is_empty() { ul { @for an in &c.answers { li { (an) } } } }
                    }
                }
                @if a.propose {
                    (anchored_form(csrf, PROPOSE_FORM, &action("propose"), "Propose the resolution", &state_of(v, PROPOSE_FORM), html! {
                        (textarea(&state_of(v, PROPOSE_FORM), "proposal", "The proposed resolution", 6, None))
                        (textarea(&state_of(v, PROPOSE_FORM), "summary", "A summary for the plenary, should a party not accept", 4, Some("Only this summary reaches the plenary, as a confidential agenda item.")))
                    }))
                }
                @if a.answer {
                    (anchored_form(csrf, ANSWER_FORM, &action("answer"), "Send our answer", &state_of(v, ANSWER_FORM), html! {
                        (select(&state_of(v, ANSWER_FORM), "accepts", "Our answer to the proposal", &[
                            ("".to_owned(), "Choose".to_owned()),
                            ("yes".to_owned(), "We accept the proposed resolution".to_owned()),
                            ("no".to_owned(), "We do not accept it (the case goes to the plenary)".to_owned()),
                        ], None))
                    }))
                }
                @if let Some(meetings) = &a.refer {
                    (anchored_form(csrf, REFER_FORM, &action("refer"), "Refer to this plenary", &state_of(v, REFER_FORM), html! {
                        p { "The plenary reads only the panel's summary, as a confidential agenda item." }
                        (select(&state_of(v, REFER_FORM), "meeting_id", "Plenary", meetings, None))
                    }))
                }
                @if let Some(outcomes) = &a.close {
                    (irreversible_form(csrf, CLOSE_FORM, &action("close"), "Close the case", "the case closes; it may be reopened within 30 days", &state_of(v, CLOSE_FORM), html! {
                        (select(&state_of(v, CLOSE_FORM), "outcome", "Outcome", outcomes, None))
                        (textarea(&state_of(v, CLOSE_FORM), "lesson", "The lesson learned", 4, Some("Not confidential: it goes into the coalition's evaluation. Name no one.")))
                    }))
                }
                @if !c.outcome.is_empty() {
                    section aria-labelledby="outcome" {
                        h2 #outcome { "Outcome" }
                        p { (c.outcome) }
                        @if !c.lesson.is_empty() { p { "Lesson learned: " (c.lesson) } }
                    }
                }
                @if a.satisfaction {
                    (anchored_form(csrf, SATISFACTION_FORM, &action("satisfaction"), "Send", &state_of(v, SATISFACTION_FORM), html! {
                        (select(&state_of(v, SATISFACTION_FORM), "satisfaction", "How satisfied are you with how the case was handled?", &(1..=5).rev().map(|n| (n.to_string(), match n { 5 => "5: fully".to_owned(), 1 => "1: not at all".to_owned(), n => n.to_string() })).collect::<Vec<_>>(), None))
                    }))
                }
                @if a.withdraw {
                    (irreversible_form(csrf, WITHDRAW_FORM, &action("withdraw"), "Withdraw the complaint", "the case ends now; it may be reopened within 30 days", &state_of(v, WITHDRAW_FORM), html! {}))
                }
                @if a.reopen {
                    (anchored_form(csrf, REOPEN_FORM, &action("reopen"), "Reopen the case", &state_of(v, REOPEN_FORM), html! {
                        p { "A closed case may be reopened within 30 days of closing." }
                    }))
                }
                section aria-labelledby="access" {
                    h2 #access { "Who opened this case" }
                    p.hint { "Every opening of the case's content is recorded, and shown to the parties and the panel." }
                    table.stack {
                        caption { "Openings, newest first" }
                        thead { tr { th scope="col" { "Who" } th scope="col" { "When" } th scope="col" { "How" } } }
                        tbody { @for (who, when, how) in c.access.iter().take(50) {
                            tr { td data-label="Who" { (who) } td data-label="When" { (when) } td data-label="How" { (how) } }
                        } }
                    }
                }
                section aria-labelledby="history" {
                    h2 #history { "The case's record" }
                    ul { @for (when, what) in &c.history { li { (when) ": " (what) } } }
                }
            }
        },
    )
}

pub struct SettingsView {
    pub form: FormState,
}

pub fn settings(chrome: &Chrome, v: &SettingsView) -> Markup {
    layout(
        Some(chrome),
        "Complaints procedure",
        html! {
            h1 { "The complaints procedure" }
            (anchored_form(&chrome.csrf_token, SETTINGS_FORM, "/complaints/settings", "Save", &v.form, html! {
                fieldset {
                    legend { "The panel" }
                    (field(&v.form, "panel_size", "People on a panel", "number", None))
                    (checkbox(&v.form, "standing_committee", "A standing complaints committee sits instead of a panel per case"))
                    (textarea(&v.form, "committee", "The committee's members (one e-mail address per line)", 4, Some("Used only when the standing committee is chosen. Conflicted members are left out case by case.")))
                }
                fieldset {
                    legend { "Time limits, in working days (weekends and the coalition's blocked dates do not count)" }
                    (field(&v.form, "acknowledge_days", "To acknowledge receipt", "number", None))
                    (field(&v.form, "assess_days", "To assess admissibility", "number", None))
                    (field(&v.form, "dialogue_days", "For the dialogue, until the panel proposes", "number", None))
                    (field(&v.form, "answer_days", "For the parties to answer a proposal", "number", None))
                    (field(&v.form, "close_days", "To close a resolved case", "number", None))
                    (field(&v.form, "reminder_days", "Remind this many days before a due date", "number", None))
                }
                fieldset {
                    legend { "Retention" }
                    (field(&v.form, "retention_years", "Years a closed case's content is kept", "number", Some("Then the content and files are erased and the people pseudonymised; the reference, dates, stages, outcome and lesson learned remain.")))
                }
            }))
        },
    )
}
