//! A statement's page: its text and hash, versions, consultation, the round board with the
//! forms for positions and authorisations, and the drafters' actions. And the word diff.

use maud::{Markup, PreEscaped, html};

use super::Options;
use crate::components::{
    anchored_form, badge, field, irreversible_form, refused_elsewhere, select, textarea,
    textarea_up_to,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal};

pub struct VersionRow {
    pub number: i32,
    pub created: String,
    pub note: String,
    pub content_hash: String,
}

pub enum DiffPiece {
    Same(String),
    Removed(String),
    Added(String),
}

pub struct CommentRow {
    pub id: i64,
    pub who: String,
    pub created: String,
    pub version: i32,
    pub body: String,
    /// An amendment: its status and its word diff against the version it was made on.
    pub amendment: Option<(String, Vec<DiffPiece>)>,
    /// The reader may take this amendment into a new version, or decline it.
    pub may_take: bool,
}

pub struct BoardLine {
    pub organisation: String,
    pub standing_key: String,
    pub standing: String,
    /// Who answered when, the reason, the authorisation's reference.
    pub detail: String,
}

pub struct RoundView {
    pub id: i64,
    pub version: i32,
    pub content_hash: String,
    pub rule: String,
    pub deadline: String,
    /// What the positions add up to now, in words; and whether the rule is met.
    pub outcome: String,
    /// The count against the rule's threshold.
    pub tally: String,
    pub met: bool,
    pub lines: Vec<BoardLine>,
}

/// A form the person may use in the round, for one organisation.
pub struct OrganisationForm {
    pub organisation_id: i64,
    pub organisation: String,
    /// The current position or standing, in words.
    pub current: String,
}

pub struct PastRound {
    pub opened: String,
    pub version: i32,
    pub content_hash: String,
    pub rule: String,
    pub status_key: String,
    pub status: String,
}

pub struct StatementView {
    pub id: i64,
    pub title: String,
    pub context_note: String,
    pub origin: String,
    pub status_key: String,
    pub status: String,
    pub closing_reason: String,
    pub version: i32,
    pub html: String,
    pub source: String,
    pub content_hash: String,
    pub versions: Vec<VersionRow>,
    pub comments: Vec<CommentRow>,
    pub can_comment: bool,
    pub may_revise: bool,
    pub may_edit_details: bool,
    pub may_open_consultation: bool,
    pub may_open_round: bool,
    pub round: Option<RoundView>,
    pub past_rounds: Vec<PastRound>,
    pub position_forms: Vec<OrganisationForm>,
    pub authorisation_forms: Vec<OrganisationForm>,
    pub may_adopt: bool,
    /// A drafter may remind the members without an answer: how many they are.
    pub may_remind: Option<usize>,
    pub may_publish: bool,
    pub may_withdraw: bool,
    /// (organisation, approved, authorised, receipt link when the person may read it)
    pub signatories: Vec<(String, String, String, Option<String>)>,
    pub public_url: Option<String>,
    /// The amendment being taken into a new version: (comment id, its text).
    pub amendment: Option<(i64, String)>,
    pub default_deadline: String,
    /// (when, who, what), oldest first.
    pub history: Vec<(String, String, String)>,
    /// A form of this page the server refused, shown again as it was typed.
    pub refusal: Option<Refusal>,
}

/// The anchors of the page's forms, which the handlers name when a form is refused.
pub fn position_form(organisation_id: i64) -> String {
    format!("position-{organisation_id}")
}

pub fn authorisation_form(organisation_id: i64) -> String {
    format!("authorisation-{organisation_id}")
}

pub const VERSION_FORM: &str = "new-version-form";
pub const DETAILS_FORM: &str = "details-form";
pub const ROUND_FORM: &str = "round-form";
pub const COMMENT_FORM: &str = "comment-form";
pub const WITHDRAW_FORM: &str = "withdraw-form";
pub const ADOPT_FORM: &str = "adopt-form";
pub const REMIND_FORM: &str = "remind-form";
pub const PUBLISH_FORM: &str = "publish-form";
pub const CONSULTATION_FORM: &str = "consultation-form";

/// The anchor of the button that declines amendment (comment) `comment_id`.
pub fn decline_form(comment_id: i64) -> String {
    format!("decline-{comment_id}")
}

impl StatementView {
    /// Whether the page shows the form `key`. A refusal of a form the page no longer shows
    /// (the round closed meanwhile, say) is said above the page instead.
    fn shows_form(&self, key: &str) -> bool {
        let in_round = self.round.is_some();
        let drafting = self.drafting();
        self.position_forms
            .iter()
            .any(|f| in_round && position_form(f.organisation_id) == key)
            || self
                .authorisation_forms
                .iter()
                .any(|f| in_round && authorisation_form(f.organisation_id) == key)
            || self
                .comments
                .iter()
                .any(|c| c.may_take && decline_form(c.id) == key)
            || match key {
                VERSION_FORM => drafting && self.may_revise,
                DETAILS_FORM => drafting && self.may_edit_details,
                ROUND_FORM => drafting && self.may_open_round,
                WITHDRAW_FORM => drafting && self.may_withdraw,
                COMMENT_FORM => self.can_comment,
                ADOPT_FORM => in_round && self.may_adopt,
                REMIND_FORM => in_round && self.may_remind.is_some(),
                PUBLISH_FORM => in_round && self.may_publish,
                CONSULTATION_FORM => drafting && self.may_open_consultation,
                _ => false,
            }
    }

    /// The drafting section has something to offer.
    fn drafting(&self) -> bool {
        self.may_revise
            || self.may_withdraw
            || self.may_edit_details
            || self.may_open_round
            || self.may_open_consultation
    }
}

fn diff(pieces: &[DiffPiece]) -> Markup {
    html! {
        div.diff {
            @for p in pieces {
                @match p {
                    DiffPiece::Same(t) => (t),
                    DiffPiece::Removed(t) => del { (t) },
                    DiffPiece::Added(t) => ins { (t) },
                }
            }
        }
    }
}

pub fn statement(chrome: &Chrome, v: &StatementView) -> Markup {
    let base = format!("/statements/{}", v.id);
    let state = |form: &str| Refusal::state_of(v.refusal.as_ref(), form);
    layout(
        Some(chrome),
        &v.title,
        html! {
            p { a href="/statements" { "← Joint statements" } }
            (refused_elsewhere(v.refusal.as_ref(), |form| v.shows_form(form)))
            h1 { (v.title) }
            p { (badge(&v.status, &v.status_key)) " · from " (v.origin) }
            @if !v.closing_reason.is_empty() { p.muted #closing-reason { (v.closing_reason) } }
            @if let Some(url) = &v.public_url { p { "Public page: " a href=(url) { (url) } } }
            @if !v.context_note.is_empty() { p.muted { "Context: " (v.context_note) } }

            section #text {
                h2 { "Text (version " (v.version) ")" }
                div.statement-text { (PreEscaped(&v.html)) }
                p { "SHA-256 of this text: " code.hash #content-hash { (v.content_hash) } }
            }

            @if !v.signatories.is_empty() {
                section #signatories {
                    h2 { "Signatories" }
                    table { thead { tr { th { "Organisation" } th { "Approved" } th { "Authorised" } th { "Receipt" } } }
                    tbody { @for (org, approved, authorised, receipt) in &v.signatories { tr {
                        td { (org) } td data-label="Approved" { (approved) } td data-label="Authorised" { (authorised) }
                        td { @if let Some(r) = receipt { a href=(r) { "receipt" } } }
                    } } } }
                }
            }

            @if let Some(r) = &v.round {
                section #round {
                    h2 { "Approval round" }
                    p { "On version " (r.version) ", until " strong { (r.deadline) } " inclusive. Decision rule: " (r.rule) "." }
                    p { "Text of this round: " code.hash { (r.content_hash) } }
                    p #outcome class=(if r.met { "flash flash-success" } else { "flash flash-info" }) { (r.outcome) }
                    p #tally { (r.tally) }
                    table #board {
                        thead { tr { th { "Member" } th { "Standing" } th { "Details" } } }
                        tbody { @for l in &r.lines { tr {
                            td { (l.organisation) } td data-label="Standing" { (badge(&l.standing, &l.standing_key)) } td data-label="Details" { (l.detail) }
                        } } }
                    }
                    @for f in &v.position_forms {
                        @let anchor = position_form(f.organisation_id);
                        @let form = state(&anchor);
                        (anchored_form(&chrome.csrf_token, &anchor, &format!("/rounds/{}/positions", r.id), &format!("Record {}'s position", f.organisation), &form, html! {
                            p { "Your organisation " strong { (f.organisation) } " — now: " (f.current) "." }
                            input type="hidden" name="organisation_id" value=(f.organisation_id);
                            input type="hidden" name="content_hash" value=(r.content_hash);
                            // No choice is made for the person: a form sent back must never
                            // turn into an approval they did not pick.
                            (select(&form, "position", "Position", &[
                                ("".into(), "Choose…".into()),
                                ("approve".into(), "Approve this exact text".into()),
                                ("abstain".into(), "Abstain".into()),
                                ("object".into(), "Object".into()),
                            ], None))
                            (textarea(&form, "reason", "Reason (required to object)", 2, None))
                        }))
                    }
                    @for f in &v.authorisation_forms {
                        @let anchor = authorisation_form(f.organisation_id);
                        @let form = state(&anchor);
                        (anchored_form(&chrome.csrf_token, &anchor, &format!("/rounds/{}/authorisations", r.id), &format!("Record {}'s decision", f.organisation), &form, html! {
                            p { "Internal authorisation for " strong { (f.organisation) } " — now: " (f.current) ". You authorise exactly the text with SHA-256 " code.hash { (r.content_hash) } "." }
                            input type="hidden" name="organisation_id" value=(f.organisation_id);
                            input type="hidden" name="content_hash" value=(r.content_hash);
                            (select(&form, "decision", "Decision", &[
                                ("".into(), "Choose…".into()),
                                ("authorised".into(), "Authorise".into()),
                                ("refused".into(), "Refuse (withdraws the approval)".into()),
                            ], None))
                            (field(&form, "reference", "Internal reference (file number)", "text", None))
                        }))
                    }
                    @if let Some(silent) = v.may_remind {
                        (anchored_form(&chrome.csrf_token, REMIND_FORM, &format!("{base}/remind"), &format!("Remind the {silent} member{} without an answer", if silent == 1 { "" } else { "s" }), &state(REMIND_FORM), html! {
                            p.muted { "Their representatives get a mail with the deadline and the link (once a day at most; the service also reminds them a few days before the deadline)." }
                        }))
                    }
                    @if v.may_adopt {
                        (anchored_form(&chrome.csrf_token, ADOPT_FORM, &format!("{base}/adopt"), "Record the adoption", &state(ADOPT_FORM), html! {
                            p.muted { "Adopt now and publish later (for example on a release date). A withdrawn approval or authorisation still stops publication." }
                        }))
                    }
                    @if v.may_publish {
                        (anchored_form(&chrome.csrf_token, PUBLISH_FORM, &format!("{base}/publish"), "Publish", &state(PUBLISH_FORM), html! {
                            p.muted { "Everything is checked again at the moment of publishing." }
                        }))
                    }
                }
            }

            @if !v.past_rounds.is_empty() {
                section #past-rounds {
                    h2 { "Earlier rounds" }
                    table { thead { tr { th { "Opened" } th { "Version" } th { "Rule" } th { "Outcome" } th { "Text hash" } } }
                    tbody { @for p in &v.past_rounds { tr {
                        td data-label="Opened" { (p.opened) } td data-label="Version" { (p.version) } td data-label="Rule" { (p.rule) } td data-label="Outcome" { (badge(&p.status, &p.status_key)) } td data-label="Text hash" { code.hash { (p.content_hash) } }
                    } } } }
                }
            }

            section #versions {
                h2 { "Versions" }
                table { thead { tr { th { "Version" } th { "Written" } th { "Note" } th { "SHA-256" } th { "" } } }
                tbody { @for ver in &v.versions { tr {
                    td data-label="Version" { (ver.number) } td data-label="Written" { (ver.created) } td data-label="Note" { (ver.note) } td data-label="SHA-256" { code.hash { (ver.content_hash) } }
                    td { @if ver.number > 1 { a href=(format!("{base}/diff?from={}&to={}", ver.number - 1, ver.number)) { "changes" } } }
                } } } }
            }

            section #comments {
                h2 { "Comments and amendments" }
                @if v.comments.is_empty() { p.empty { "None yet." } }
                @for c in &v.comments {
                    article.comment id=(format!("comment-{}", c.id)) {
                        p.muted { (c.who) " · " (c.created) " · on version " (c.version) }
                        p { (c.body) }
                        @if let Some((status, pieces)) = &c.amendment {
                            p { "Proposed amendment " (badge(status, status)) }
                            (diff(pieces))
                            @if c.may_take {
                                p { a href=(format!("{base}?amendment={}#new-version", c.id)) { "Take it into a new version" } }
                                @let decline = decline_form(c.id);
                                (anchored_form(&chrome.csrf_token, &decline, &format!("/statement-comments/{}/decline", c.id), "Decline", &state(&decline), html! {}))
                            }
                        }
                    }
                }
                @if v.can_comment {
                    @let form = state(COMMENT_FORM);
                    (anchored_form(&chrome.csrf_token, COMMENT_FORM, &format!("{base}/comments"), "Send", &form, html! {
                        (textarea_up_to(&form, "body", "Your comment (or what your amendment changes and why)", 3, None, crate::limits::COMMENT))
                        details open[!form.value("proposed_text").is_empty()] {
                            summary { "Propose an amendment (a new text)" }
                            (textarea(&form, "proposed_text", "Proposed text", 10, Some("Leave empty for a plain comment.")))
                        }
                    }))
                }
            }

            section #history {
                h2 { "History" }
                table { thead { tr { th { "When" } th { "Who" } th { "What" } } }
                tbody { @for (when, who, what) in &v.history { tr { td data-label="When" { (when) } td data-label="Who" { (who) } td data-label="What" { (what) } } } } }
            }

            @if v.drafting() {
                section #drafting {
                    h2 { "Drafting" }
                    @if v.may_revise {
                        div #new-version {
                            h3 { "Write a new version" }
                            @if v.round.is_some() { p.flash.flash-info { "A round is open: a new version closes it as superseded, every position and authorisation in it becomes void, and every member is told." } }
                            @let suggested = v.amendment.as_ref().map(|(_, t)| t.as_str()).unwrap_or(&v.source);
                            @let form = state(VERSION_FORM).or_values(&[("body", suggested)]);
                            (anchored_form(&chrome.csrf_token, VERSION_FORM, &format!("{base}/versions"), "Save the new version", &form, html! {
                                @if let Some((id, _)) = &v.amendment { input type="hidden" name="amendment_id" value=(id); }
                                (textarea(&form, "body", "Text (Markdown)", 14, None))
                                (field(&form, "note", "What changed", "text", None))
                            }))
                        }
                    }
                    @if v.may_edit_details {
                        @let details = state(DETAILS_FORM).or_values(&[("title", &v.title), ("context_note", &v.context_note)]);
                        (anchored_form(&chrome.csrf_token, DETAILS_FORM, &format!("{base}/details"), "Save title and context", &details, html! {
                            (field(&details, "title", "Title", "text", None))
                            (textarea(&details, "context_note", "Context note", 3, None))
                        }))
                    }
                    @if v.may_open_consultation {
                        (anchored_form(&chrome.csrf_token, CONSULTATION_FORM, &format!("{base}/consultation"), "Open for members' comments", &state(CONSULTATION_FORM), html! {}))
                    }
                    @if v.may_open_round {
                        h3 { "Open an approval round on version " (v.version) }
                        @let round = state(ROUND_FORM).or_values(&[("deadline", &v.default_deadline), ("percent", "75")]);
                        (anchored_form(&chrome.csrf_token, ROUND_FORM, &format!("{base}/rounds"), "Open the round", &round, html! {
                            (select(&round, "rule", "Decision rule", &rules(), None))
                            (field(&round, "percent", "Share of approvals consensus needs (%)", "number", None))
                            (field(&round, "deadline", "Deadline (inclusive)", "date", None))
                        }))
                    }
                    @if v.may_withdraw {
                        @let form = state(WITHDRAW_FORM);
                        (irreversible_form(&chrome.csrf_token, WITHDRAW_FORM, &format!("{base}/withdraw"), "Withdraw the statement", "a withdrawn statement can no longer be approved or published; its versions and rounds stay on record.", &form, html! {
                            (field(&form, "reason", "Reason", "text", None))
                        }))
                    }
                }
            }
        },
    )
}

fn rules() -> Options {
    vec![
        (
            "unanimity".into(),
            "Unanimity: every full member approves".into(),
        ),
        (
            "consensus".into(),
            "Consensus: no objection and a share approves".into(),
        ),
        (
            "signatories".into(),
            "Signatories: in the name of those who approve".into(),
        ),
    ]
}

pub struct DiffView {
    pub id: i64,
    pub title: String,
    pub from: i32,
    pub to: i32,
    pub from_hash: String,
    pub to_hash: String,
    pub pieces: Vec<DiffPiece>,
    pub versions: Vec<i32>,
}

pub fn diff_page(chrome: &Chrome, v: &DiffView) -> Markup {
    let numbers: Options = v
        .versions
        .iter()
        .map(|n| (n.to_string(), format!("version {n}")))
        .collect();
    let mut form = FormState::default();
    form.values.insert("from".into(), v.from.to_string());
    form.values.insert("to".into(), v.to.to_string());
    layout(
        Some(chrome),
        &format!("Changes to {}", v.title),
        html! {
            p { a href=(format!("/statements/{}", v.id)) { "← " (v.title) } }
            h1 { "Version " (v.from) " → version " (v.to) }
            form.action method="get" action=(format!("/statements/{}/diff", v.id)) {
                (select(&form, "from", "From", &numbers, None))
                (select(&form, "to", "To", &numbers, None))
                button type="submit" { "Compare" }
            }
            p.muted { "Removed words are struck through, added words highlighted." }
            (diff(&v.pieces))
            p { "Version " (v.from) ": " code.hash { (v.from_hash) } br; "Version " (v.to) ": " code.hash { (v.to_hash) } }
        },
    )
}
