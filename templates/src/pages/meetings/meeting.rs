//! A meeting's page: details, agenda, attendance and quorum, guests, minutes, action items;
//! and the meeting form.

use maud::{Markup, PreEscaped, html};

use super::Options;
use crate::components::{
    ButtonForm, anchored_form, badge, button_form, checkbox, csrf_field, field, form_problems,
    irreversible_form, option, problem, refused_elsewhere, select, textarea, textarea_up_to,
};
use crate::layout;
use crate::view::{Chrome, FormState, Refusal, WHOLE_FORM};

pub struct ItemRow {
    pub id: i64,
    pub title: String,
    pub presenter: String,
    pub duration: i32,
    pub description: String,
    pub confidential: bool,
}

pub struct AttendanceRow {
    pub organisation_id: i64,
    pub organisation: String,
    pub full_member: bool,
    /// present, apologies or absent; empty when not recorded yet.
    pub status: String,
    pub represented_by: String,
    /// The organisation's people, to choose who represented it (for the secretariat).
    pub people: Vec<String>,
}

pub struct GuestRow {
    pub id: i64,
    pub name: String,
    pub affiliation: String,
    pub attended: Option<bool>,
}

pub struct MinutesView {
    pub status: String,
    /// Approved minutes never change: only addenda correct them.
    pub is_approved: bool,
    pub body_html: String,
    pub body_source: String,
    /// The confidential part, rendered, for those entitled to it (None: not theirs to read).
    pub confidential_html: Option<String>,
    pub confidential_source: String,
    pub deadline: Option<String>,
    pub approved: Option<String>,
    /// The head of the audit record at approval, as SEQ:HASH.
    pub witness: Option<String>,
    pub comments: Vec<(String, String, String)>,
    /// (when, rendered text, confidential), only those the reader may see.
    pub addenda: Vec<(String, String, bool)>,
}

pub struct ActionRow {
    pub id: i64,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub may_update: bool,
    /// Open, and the reader may mark it done.
    pub may_mark_done: bool,
}

pub struct MeetingView {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub when: String,
    pub time_zone: String,
    pub place: String,
    pub online_url: String,
    pub status: String,
    pub status_key: String,
    pub cancel_reason: Option<String>,
    pub visibility: String,
    pub media: String,
    pub group: Option<(i64, String)>,
    pub can_manage: bool,
    /// The meeting was held and its minutes are not started: the reader may start them.
    pub may_start_minutes: bool,
    pub status_actions: Options,
    pub agenda_draft: Vec<ItemRow>,
    /// The agenda may still change (the meeting is neither held nor cancelled).
    pub agenda_open: bool,
    /// The items in preparation are those of the published version.
    pub draft_unchanged: bool,
    pub published: Option<(i32, String, Vec<ItemRow>)>,
    pub attendance: Vec<AttendanceRow>,
    pub quorum: Option<(String, bool)>,
    pub guests: Vec<GuestRow>,
    pub minutes: Option<MinutesView>,
    pub can_comment: bool,
    pub actions: Vec<ActionRow>,
    pub organisation_options: Options,
    pub person_options: Options,
    pub today: String,
    /// A form of this page the server refused, shown again as it was typed.
    pub refusal: Option<Refusal>,
}

/// The anchors of the page's forms, which the handlers name when a form is refused.
pub const STATUS_FORM: &str = "status-form";
pub const ITEM_FORM: &str = "item-form";
pub const PUBLISH_FORM: &str = "publish-form";
pub const GUEST_FORM: &str = "guest-form";
pub const START_MINUTES_FORM: &str = "start-minutes-form";
pub const MINUTES_FORM: &str = "minutes-form";
pub const COMMENT_FORM: &str = "minutes-comment-form";
pub const ADDENDUM_FORM: &str = "addendum-form";
pub const OPEN_COMMENTS_FORM: &str = "open-comments-form";
pub const APPROVE_FORM: &str = "approve-form";
pub const ACTION_FORM: &str = "action-form";

pub const ATTENDANCE_FORM: &str = "attendance-form";

/// The anchor of the form that changes an agenda item.
pub fn item_edit_form(item_id: i64) -> String {
    format!("item-{item_id}-edit")
}

/// The anchor of an agenda item's button `action` (up, down, remove).
pub fn item_button(item_id: i64, action: &str) -> String {
    format!("item-{item_id}-{action}")
}

pub fn guest_attended_form(guest_id: i64) -> String {
    format!("guest-{guest_id}-attended")
}

pub fn action_done_form(action_id: i64) -> String {
    format!("action-{action_id}-done")
}

impl MeetingView {
    /// Whether the page shows the form `key`; a refusal of a form it no longer shows is
    /// said at the top of the page.
    fn shows_form(&self, key: &str) -> bool {
        let minutes = self.minutes.as_ref();
        let drafting = minutes.is_some_and(|m| !m.is_approved) && self.can_manage;
        (key == ATTENDANCE_FORM && self.can_manage && !self.attendance.is_empty())
            || self.agenda_draft.iter().any(|i| {
                self.can_manage
                    && self.agenda_open
                    && (["up", "down", "remove"]
                        .iter()
                        .any(|action| item_button(i.id, action) == key)
                        || item_edit_form(i.id) == key)
            })
            || self
                .guests
                .iter()
                .any(|g| self.can_manage && guest_attended_form(g.id) == key)
            || self
                .actions
                .iter()
                .any(|a| a.may_mark_done && action_done_form(a.id) == key)
            || match key {
                STATUS_FORM => self.can_manage && !self.status_actions.is_empty(),
                ITEM_FORM => self.can_manage && self.agenda_open,
                GUEST_FORM | ACTION_FORM => self.can_manage,
                PUBLISH_FORM => {
                    self.can_manage
                        && self.agenda_open
                        && !self.agenda_draft.is_empty()
                        && !self.draft_unchanged
                }
                START_MINUTES_FORM => self.may_start_minutes && minutes.is_none(),
                MINUTES_FORM | OPEN_COMMENTS_FORM | APPROVE_FORM => drafting,
                COMMENT_FORM => self.can_comment && minutes.is_some(),
                ADDENDUM_FORM => self.can_manage && minutes.is_some_and(|m| m.is_approved),
                _ => false,
            }
    }
}

/// The agenda's items; `manage` (the CSRF token and a refused button, if any) adds the
/// buttons that move and remove them.
fn item_table(items: &[ItemRow], manage: Option<(&str, Option<&Refusal>)>) -> Markup {
    html! {
        ol.agenda {
            @for item in items {
                li {
                    strong { (item.title) }
                    @if item.confidential { " " (badge("confidential", "declined")) }
                    @if !item.presenter.is_empty() { " · " (item.presenter) }
                    @if item.duration > 0 { " · " (item.duration) " min" }
                    @if !item.description.is_empty() { p { (item.description) } }
                    @if let Some((csrf, refusal)) = manage {
                        // On a line of their own, each named with the item it acts on.
                        div.item-controls {
                            @for (action, label, name) in [("up", "up", "Move up"), ("down", "down", "Move down"), ("remove", "remove", "Remove")] {
                                (button_form(csrf, &ButtonForm {
                                    anchor: &item_button(item.id, action),
                                    action: &format!("/agenda-items/{}/{action}", item.id),
                                    label,
                                    accessible_name: &format!("{name}: {}", item.title),
                                    hidden: &[],
                                }, refusal))
                            }
                        }
                        (item_editor(csrf, item, refusal))
                    }
                }
            }
        }
    }
}

/// The form that changes an item, folded under "Change" (open when it was refused).
fn item_editor(csrf: &str, item: &ItemRow, refusal: Option<&Refusal>) -> Markup {
    let key = item_edit_form(item.id);
    let duration = item.duration.to_string();
    let form = Refusal::state_of(refusal, &key).or_values(&[
        ("title", &item.title),
        ("presenter", &item.presenter),
        ("duration_minutes", &duration),
        ("description", &item.description),
        ("confidential", if item.confidential { "on" } else { "" }),
    ]);
    let refused = refusal.is_some_and(|r| r.form == key);
    html! {
        details.item-editor open[refused] {
            summary { "Change" span.visually-hidden { ": " (item.title) } }
            (anchored_form(csrf, &key, &format!("/agenda-items/{}", item.id), "Save the item", &form, html! {
                (field(&form, "title", "Item", "text", None))
                (field(&form, "presenter", "Presented by", "text", None))
                (field(&form, "duration_minutes", "Minutes", "number", None))
                (textarea(&form, "description", "Description", 3, None))
                (checkbox(&form, "confidential", "Confidential: only the secretariat and full members see it; never in public pages or feeds"))
            }))
        }
    }
}

pub fn meeting(chrome: &Chrome, v: &MeetingView) -> Markup {
    let csrf = chrome.csrf_token.as_str();
    let base = format!("/meetings/{}", v.id);
    let state = |form: &str| Refusal::state_of(v.refusal.as_ref(), form);
    layout(
        Some(chrome),
        &v.title,
        html! {
            (refused_elsewhere(v.refusal.as_ref(), |form| v.shows_form(form)))
            h1 { (v.title) }
            p.lead { (badge(&v.status, &v.status_key)) " " (v.kind)
                @if let Some((id, name)) = &v.group { " · " a href=(format!("/groups/{id}")) { (name) } }
            }
            @if let Some(reason) = &v.cancel_reason { div.flash.flash-error role="status" { "Cancelled: " (reason) } }
            section {
                dl.facts {
                    dt { "When" } dd #when { (v.when) " (" (v.time_zone) ")" }
                    dt { "Where" } dd { (v.place) @if !v.online_url.is_empty() { " · " a href=(v.online_url) { "online link" } } }
                    dt { "Open to" } dd { (v.visibility) }
                    dt { "Media" } dd { (v.media) }
                }
                div.actions {
                    a href=(format!("{base}.ics")) { "Add to my calendar (.ics)" }
                    @if v.can_manage { a href=(format!("{base}/edit")) { "Change time, place or details" } }
                }
                @if v.can_manage && !v.status_actions.is_empty() {
                    @let form = state(STATUS_FORM);
                    (anchored_form(csrf, STATUS_FORM, &format!("{base}/status"), "Change the state", &form, html! {
                        (select(&form, "status", "New state", &v.status_actions, None))
                        (field(&form, "reason", "Reason (needed to cancel)", "text", None))
                    }))
                }
            }
            section aria-labelledby="agenda" {
                h2 #agenda { "Agenda" }
                @match &v.published {
                    Some((no, when, items)) => {
                        p.hint { "Version " (no) ", published " (when) "." }
                        (item_table(items, None))
                    },
                    None => p.empty { "The agenda has not been published yet." },
                }
                // Once held or cancelled the agenda no longer changes: no forms that would
                // only refuse when used.
                @if v.can_manage && v.agenda_open {
                    h3 { "Agenda in preparation" }
                    @if v.agenda_draft.is_empty() { p.empty { "No items yet." } }
                    @if v.draft_unchanged {
                        // The same items as the published version: shown again only on request.
                        // Open when a refused form of one of its items (a change, a move) comes back.
                        @let refused_here = v.refusal.as_ref().is_some_and(|r| {
                            v.agenda_draft.iter().any(|i| r.form.starts_with(&format!("item-{}-", i.id)))
                        });
                        details #agenda-draft open[refused_here] {
                            summary { "No changes since the published version: open to change the agenda" }
                            (item_table(&v.agenda_draft, Some((csrf, v.refusal.as_ref()))))
                        }
                    } @else {
                        (item_table(&v.agenda_draft, Some((csrf, v.refusal.as_ref()))))
                    }
                    div.columns {
                        @let form = state(ITEM_FORM);
                        div { (anchored_form(csrf, ITEM_FORM, &format!("{base}/agenda"), "Add the item", &form, html! {
                            (field(&form, "title", "Item", "text", None))
                            (field(&form, "presenter", "Presented by", "text", None))
                            (field(&form, "duration_minutes", "Minutes", "number", None))
                            (textarea(&form, "description", "Description", 3, None))
                            (checkbox(&form, "confidential", "Confidential: only the secretariat and full members see it; never in public pages or feeds"))
                        })) }
                        @if !v.agenda_draft.is_empty() && !v.draft_unchanged {
                            div { (anchored_form(csrf, PUBLISH_FORM, &format!("{base}/agenda/publish"), "Publish the agenda", &state(PUBLISH_FORM), html! {
                                p.hint { "Publishing freezes the agenda as a new version." }
                            })) }
                        }
                    }
                }
            }
            @if !v.attendance.is_empty() {
                section aria-labelledby="attendance" {
                    h2 #attendance { "Attendance" }
                    @if let Some((text, reached)) = &v.quorum {
                        p #quorum { (badge(if *reached { "quorum" } else { "no quorum" }, if *reached { "full" } else { "declined" })) " " (text) }
                    }
                    @if v.can_manage { (attendance_form(csrf, &base, v)) }
                    @else {
                        table #attendance-table {
                            thead { tr { th { "Organisation" } th { "Attendance" } th { "Represented by" } } }
                            tbody { @for a in &v.attendance { tr {
                                th scope="row" { (a.organisation) @if !a.full_member { " (associate)" } }
                                td data-label="Attendance" { @if a.status.is_empty() { "not recorded" } @else { (a.status) } }
                                td data-label="Represented by" { (a.represented_by) }
                            } } }
                        }
                    }
                }
            }
            section aria-labelledby="guests" {
                h2 #guests { "Invited guests" }
                @if v.guests.is_empty() { p.empty { "No guests." } }
                ul { @for g in &v.guests { li { (g.name) @if !g.affiliation.is_empty() { " (" (g.affiliation) ")" }
                    @match g.attended { Some(true) => " · attended", Some(false) => " · did not attend", None => "" }
                    @if v.can_manage {
                        (button_form(csrf, &ButtonForm {
                            anchor: &guest_attended_form(g.id),
                            action: &format!("/guests/{}/attended", g.id),
                            label: "attended",
                            accessible_name: &format!("{} attended", g.name),
                            hidden: &[("attended", "yes")],
                        }, v.refusal.as_ref()))
                    }
                } } }
                @if v.can_manage {
                    @let form = state(GUEST_FORM);
                    (anchored_form(csrf, GUEST_FORM, &format!("{base}/guests"), "Invite the guest", &form, html! {
                        (field(&form, "name", "Name", "text", None))
                        (field(&form, "email", "Email", "email", None))
                        (field(&form, "affiliation", "Affiliation", "text", None))
                    }))
                }
            }
            section aria-labelledby="minutes" {
                h2 #minutes { "Minutes" }
                @match &v.minutes {
                    None => {
                        p.empty { "No minutes yet." }
                        @if v.can_manage && !v.may_start_minutes {
                            p.hint #minutes-when { "The minutes open here once the meeting is marked as held (under Status, above)." }
                        }
                        @if v.may_start_minutes {
                            (anchored_form(csrf, START_MINUTES_FORM, &format!("{base}/minutes"), "Start the minutes", &state(START_MINUTES_FORM), html! {}))
                        }
                    },
                    Some(mv) => {
                        p #minutes-status { "State: " (mv.status)
                            @if let Some(d) = &mv.deadline { " · comments until " (d) }
                            @if let Some(a) = &mv.approved { " · " (a) }
                        }
                        @if let Some(w) = &mv.witness {
                            p.muted #minutes-witness { "The coalition's audit record at approval: " code { (w) } " (a witness anyone may keep)." }
                        }
                        div.prose #minutes-text { (PreEscaped(&mv.body_html)) }
                        @if let Some(confidential) = &mv.confidential_html {
                            @if !confidential.is_empty() {
                                div.prose.confidential #minutes-confidential {
                                    h3 { "Confidential part" }
                                    p.muted { "For full members and the secretariat only." }
                                    (PreEscaped(confidential))
                                }
                            }
                        }
                        @for (when, body, confidential) in &mv.addenda {
                            div.addendum.(if *confidential { "confidential" } else { "" }) {
                                h3 { "Addendum of " (when) @if *confidential { " (confidential)" } }
                                (PreEscaped(body))
                            }
                        }
                        @if !mv.comments.is_empty() {
                            h3 { "Comments" }
                            ul #comments { @for (who, when, body) in &mv.comments { li { strong { (who) } " (" (when) "): " (body) } } }
                        }
                        @if v.can_comment {
                            @let form = state(COMMENT_FORM);
                            (anchored_form(csrf, COMMENT_FORM, &format!("{base}/minutes/comments"), "Send the comment", &form, html! {
                                (textarea_up_to(&form, "body", "Your comment", 3, None, crate::limits::COMMENT))
                            }))
                        }
                        @if v.can_manage {
                            @if mv.is_approved {
                                @let form = state(ADDENDUM_FORM);
                                (anchored_form(csrf, ADDENDUM_FORM, &format!("{base}/minutes/addenda"), "Add the correction", &form, html! {
                                    (textarea(&form, "body", "Addendum (approved minutes never change)", 3, None))
                                    (checkbox(&form, "confidential", "Confidential: for full members and the secretariat only"))
                                }))
                            } @else {
                                @let form = state(MINUTES_FORM).or_values(&[("body", &mv.body_source), ("confidential_body", &mv.confidential_source)]);
                                (anchored_form(csrf, MINUTES_FORM, &format!("{base}/minutes"), "Save the draft", &form, html! {
                                    (textarea(&form, "body", "Minutes (Markdown), for everyone who may read this meeting", 14, None))
                                    @if mv.confidential_html.is_some() {
                                        (textarea(&form, "confidential_body", "Confidential part (Markdown), for full members and the secretariat only", 8, Some("The sections of confidential agenda items start here. Nothing in the first box is hidden, whatever its heading says.")))
                                    }
                                }))
                                @let form = state(OPEN_COMMENTS_FORM);
                                (anchored_form(csrf, OPEN_COMMENTS_FORM, &format!("{base}/minutes/comments/open"), "Open for comments", &form, html! {
                                    (field(&form, "deadline", "Comments until", "date", None))
                                }))
                                @let form = state(APPROVE_FORM);
                                (irreversible_form(csrf, APPROVE_FORM, &format!("{base}/minutes/approve"), "Approve the minutes", "approved minutes never change again; corrections become addenda.", &form, html! {
                                    (field(&form, "note", "Approved at (e.g. the plenary of 9 June); may be left empty once the comment deadline has passed", "text", None))
                                }))
                            }
                        }
                    },
                }
            }
            section aria-labelledby="actions-heading" {
                h2 #actions-heading { "Action items" }
                @if v.actions.is_empty() { p.empty { "None." } }
                @else {
                    table #actions-table {
                        thead { tr { th { "Action" } th { "Owner" } th { "Due" } th { "State" } } }
                        tbody { @for a in &v.actions { tr {
                            td { (a.title) } td { (a.owner) } td { (a.due) }
                            td { (a.status)
                                @if a.may_mark_done {
                                    (button_form(csrf, &ButtonForm {
                                        anchor: &action_done_form(a.id),
                                        action: &format!("/actions/{}/status", a.id),
                                        label: "mark done",
                                        accessible_name: &format!("Mark done: {}", a.title),
                                        hidden: &[("status", "done")],
                                    }, v.refusal.as_ref()))
                                }
                            }
                        } } }
                    }
                }
                @if v.can_manage {
                    @let form = state(ACTION_FORM);
                    (anchored_form(csrf, ACTION_FORM, &format!("{base}/actions"), "Add the action", &form, html! {
                        (field(&form, "title", "Action", "text", None))
                        (select(&form, "owner_organisation_id", "Owner organisation", &v.organisation_options, None))
                        (select(&form, "owner_person_id", "or owner person", &v.person_options, None))
                        (field(&form, "due_on", "Due", "date", None))
                    }))
                }
            }
        },
    )
}

pub struct MeetingFormView {
    pub title: String,
    pub action: String,
    pub kinds: Options,
    pub groups: Options,
    pub venues: Options,
    pub problem: Option<String>,
}

pub fn meeting_form(chrome: &Chrome, v: &MeetingFormView, form: &FormState) -> Markup {
    layout(
        Some(chrome),
        &v.title,
        html! {
            h1 { (v.title) }
            (problem(v.problem.as_deref()))
            (form_problems(form))
            form method="post" action=(v.action) novalidate {
                (csrf_field(&chrome.csrf_token))
                (select(form, "kind", "Kind", &v.kinds, None))
                (select(form, "group_id", "Working group (for a working-group meeting)", &v.groups, None))
                (field(form, "title", "Title", "text", None))
                (field(form, "date", "Date", "date", None))
                (field(form, "start", "Starts (HH:MM)", "text", None))
                (field(form, "end", "Ends (HH:MM)", "text", None))
                (crate::components::time_zone_field(form, "time_zone", "Time zone", Some("Type a city of the zone (Brussels, Nairobi); empty for the coalition's.")))
                (select(form, "venue_id", "Venue", &v.venues, None))
                (field(form, "online_url", "Online link (optional)", "text", None))
                (checkbox(form, "public", "Public meeting (shown on the public calendar)"))
                (checkbox(form, "media_open", "Open to the media"))
                (field(form, "media_reason", "Why it is open to the media", "text", None))
                button type="submit" { "Save" }
            }
        },
    )
}

/// The whole meeting's attendance as one form: per organisation whether it came and which of
/// its people represented it; one Save. A refused form comes back as typed, each message
/// beside its row.
fn attendance_form(csrf: &str, base: &str, v: &MeetingView) -> Markup {
    let refused = v
        .refusal
        .as_ref()
        .filter(|r| r.form == ATTENDANCE_FORM)
        .map(|r| &r.state);
    let statuses = [
        ("", "not recorded"),
        ("present", "present"),
        ("apologies", "apologies"),
        ("absent", "absent"),
    ];
    // The focus goes to the first refused field in the order of the rows.
    let first_invalid = refused.and_then(|f| {
        v.attendance.iter().find_map(|a| {
            [
                format!("status-{}", a.organisation_id),
                format!("represented_by-{}", a.organisation_id),
            ]
            .into_iter()
            .find(|name| !f.errors(name).is_empty())
        })
    });
    html! {
        form #(ATTENDANCE_FORM) method="post" action=(format!("{base}/attendance#{ATTENDANCE_FORM}")) novalidate {
            (csrf_field(csrf))
            @if let Some(f) = refused {
                @for message in f.errors(WHOLE_FORM) { p.field-errors role="alert" { (message) } }
            }
            table #attendance-table {
                thead { tr { th { "Organisation" } th { "Attendance" } th { "Represented by" } } }
                tbody { @for a in &v.attendance {
                    @let status_name = format!("status-{}", a.organisation_id);
                    @let who_name = format!("represented_by-{}", a.organisation_id);
                    @let status = refused.map_or(a.status.as_str(), |f| f.value(&status_name));
                    @let who = refused.map_or(a.represented_by.as_str(), |f| f.value(&who_name));
                    @let status_errors = refused.map(|f| f.errors(&status_name)).unwrap_or_default();
                    @let who_errors = refused.map(|f| f.errors(&who_name)).unwrap_or_default();
                    // A 400-member plenary has 400 of these rows: every byte here is 400 bytes
                    // of the page (hence no empty class, and `option` over `option value`).
                    tr class=[(!status_errors.is_empty() || !who_errors.is_empty()).then_some("row-invalid")] {
                        th scope="row" { (a.organisation) @if !a.full_member { " (associate)" } }
                        td data-label="Attendance" {
                            select id=(status_name) name=(status_name)
                                aria-label=(format!("Attendance of {}", a.organisation))
                                aria-invalid=[(!status_errors.is_empty()).then_some("true")]
                                aria-describedby=[(!status_errors.is_empty()).then(|| format!("{status_name}-errors"))]
                                autofocus[first_invalid.as_deref() == Some(status_name.as_str())] {
                                @for (value, label) in statuses { (option(value, label, value == status)) }
                            }
                            (row_errors(&status_name, status_errors))
                        }
                        td data-label="Represented by" {
                            select id=(who_name) name=(who_name)
                                aria-label=(format!("Who represented {}", a.organisation))
                                aria-invalid=[(!who_errors.is_empty()).then_some("true")]
                                aria-describedby=[(!who_errors.is_empty()).then(|| format!("{who_name}-errors"))]
                                autofocus[first_invalid.as_deref() == Some(who_name.as_str())] {
                                option value="" { "—" }
                                @for person in &a.people { (option(person, person, person == who)) }
                                // A name recorded before (or typed by a tool) that is not one
                                // of the organisation's people now stays choosable.
                                @if !who.is_empty() && !a.people.iter().any(|p| p == who) {
                                    (option(who, who, true))
                                }
                            }
                            (row_errors(&who_name, who_errors))
                        }
                    }
                } }
            }
            button type="submit" { "Save the attendance" }
        }
    }
}

fn row_errors(field: &str, errors: &[String]) -> Markup {
    html! {
        @if !errors.is_empty() {
            ul.field-errors id=(format!("{field}-errors")) { @for e in errors { li { (e) } } }
        }
    }
}
