//! Working groups: the list and a group's page.

use maud::{Markup, html};

use super::Options;
use crate::components::{
    ButtonForm, anchored_form, badge, button_form, field, irreversible_form, refused_elsewhere,
    select, textarea,
};
use crate::layout;
use crate::view::{Chrome, Refusal};

pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub convenor: String,
    pub status: String,
    pub members: usize,
}

/// The anchors of the groups' forms, which the handlers name when a form is refused.
pub const CREATE_FORM: &str = "create-group-form";
pub const EDIT_FORM: &str = "edit-group-form";
pub const CLOSE_FORM: &str = "close-group-form";
pub const MEMBER_FORM: &str = "group-member-form";
pub const NOMINEE_FORM: &str = "group-nominee-form";

/// The anchor of the button that takes `organisation_id` out of the group.
pub fn remove_form(organisation_id: i64) -> String {
    format!("remove-member-{organisation_id}")
}

pub fn groups(
    chrome: &Chrome,
    rows: &[GroupRow],
    can_create: bool,
    people: &Options,
    today: &str,
    refusal: Option<&Refusal>,
) -> Markup {
    let form = Refusal::state_of(refusal, CREATE_FORM).or_values(&[("started_on", today)]);
    layout(
        Some(chrome),
        "Working groups",
        html! {
            h1 { "Working groups" }
            @if rows.is_empty() { p.empty { "No working groups yet." } }
            @else {
                table #groups-table {
                    thead { tr { th { "Group" } th { "Convenor" } th { "Members" } th { "State" } } }
                    tbody { @for g in rows { tr {
                        td { a href=(format!("/groups/{}", g.id)) { (g.name) } } td { (g.convenor) } td { (g.members) } td { (badge(&g.status, &g.status)) }
                    } } }
                }
            }
            @if can_create {
                section {
                    h2 { "Create a working group" }
                    (anchored_form(&chrome.csrf_token, CREATE_FORM, "/groups", "Create", &form, html! {
                        (field(&form, "name", "Name", "text", None))
                        (textarea(&form, "mandate", "Mandate", 4, None))
                        (select(&form, "convenor_id", "Convenor", people, None))
                        (field(&form, "started_on", "Started on", "date", None))
                    }))
                }
            }
        },
    )
}

pub struct GroupView {
    pub id: i64,
    pub name: String,
    pub mandate: String,
    pub convenor: String,
    pub convenor_id: Option<i64>,
    pub status: String,
    pub dates: String,
    pub members: Vec<(i64, String)>,
    pub nominees: Vec<(i64, String, String)>,
    pub can_manage: bool,
    pub can_close: bool,
    /// The group is active and the reader may close it.
    pub may_close_now: bool,
    pub candidate_organisations: Options,
    pub candidate_people: Options,
    pub all_people: Options,
    pub today: String,
    /// A form of this page the server refused, shown again as it was typed.
    pub refusal: Option<Refusal>,
}

/// The forms the group page shows (a refused one that is gone is reported at the top).
fn shown_forms(v: &GroupView) -> Vec<String> {
    let mut shown = Vec::new();
    if v.can_manage {
        shown.extend(v.members.iter().map(|(id, _)| remove_form(*id)));
        shown.push(EDIT_FORM.to_owned());
        if !v.candidate_organisations.is_empty() {
            shown.push(MEMBER_FORM.to_owned());
        }
        if !v.candidate_people.is_empty() {
            shown.push(NOMINEE_FORM.to_owned());
        }
    }
    if v.may_close_now {
        shown.push(CLOSE_FORM.to_owned());
    }
    shown
}

pub fn group(chrome: &Chrome, v: &GroupView) -> Markup {
    let csrf = &chrome.csrf_token;
    let convenor = v.convenor_id.map(|i| i.to_string()).unwrap_or_default();
    let edit = Refusal::state_of(v.refusal.as_ref(), EDIT_FORM).or_values(&[
        ("name", &v.name),
        ("mandate", &v.mandate),
        ("convenor_id", &convenor),
    ]);
    let member =
        Refusal::state_of(v.refusal.as_ref(), MEMBER_FORM).or_values(&[("joined_on", &v.today)]);
    let nominee = Refusal::state_of(v.refusal.as_ref(), NOMINEE_FORM);
    let closing =
        Refusal::state_of(v.refusal.as_ref(), CLOSE_FORM).or_values(&[("closed_on", &v.today)]);
    layout(
        Some(chrome),
        &v.name,
        html! {
            h1 { (v.name) }
            (refused_elsewhere(v.refusal.as_ref(), |form| shown_forms(v).iter().any(|f| f == form)))
            p.lead { (badge(&v.status, &v.status)) " " (v.dates) " · convened by " (v.convenor) }
            section { h2 { "Mandate" } p #mandate { (v.mandate) } }
            div.columns {
                section {
                    h2 { "Member organisations" }
                    @if v.members.is_empty() { p.empty { "None yet." } }
                    ul #group-members { @for (id, name) in &v.members { li {
                        a href=(format!("/organisations/{id}")) { (name) }
                        @if v.can_manage {
                            (button_form(csrf, &ButtonForm {
                                anchor: &remove_form(*id),
                                action: &format!("/groups/{}/members/{id}/remove", v.id),
                                label: "remove",
                                accessible_name: &format!("Remove {name} from the group"),
                                hidden: &[],
                            }, v.refusal.as_ref()))
                        }
                    } } }
                    @if v.can_manage && !v.candidate_organisations.is_empty() {
                        (anchored_form(csrf, MEMBER_FORM, &format!("/groups/{}/members", v.id), "Add", &member, html! {
                            (select(&member, "organisation_id", "Organisation", &v.candidate_organisations, None))
                            (field(&member, "joined_on", "Joined on", "date", None))
                        }))
                    }
                }
                section {
                    h2 { "Nominated people" }
                    @if v.nominees.is_empty() { p.empty { "None yet." } }
                    ul #group-nominees { @for (id, name, org) in &v.nominees { li { a href=(format!("/people/{id}")) { (name) } " (" (org) ")" } } }
                    @if v.can_manage && !v.candidate_people.is_empty() {
                        (anchored_form(csrf, NOMINEE_FORM, &format!("/groups/{}/nominees", v.id), "Nominate", &nominee, html! {
                            (select(&nominee, "person_id", "Person", &v.candidate_people, None))
                        }))
                    }
                }
            }
            @if v.can_manage {
                section {
                    h2 { "Edit" }
                    (anchored_form(csrf, EDIT_FORM, &format!("/groups/{}", v.id), "Save", &edit, html! {
                        (field(&edit, "name", "Name", "text", None))
                        (textarea(&edit, "mandate", "Mandate", 4, None))
                        @if v.can_close { (select(&edit, "convenor_id", "Convenor", &v.all_people, None)) }
                        @else { input type="hidden" name="convenor_id" value=(v.convenor_id.map(|i| i.to_string()).unwrap_or_default()); }
                    }))
                    @if v.may_close_now {
                        (irreversible_form(csrf, CLOSE_FORM, &format!("/groups/{}/close", v.id), "Close the group", "a closed group cannot be reopened; its members, meetings and minutes stay on record.", &closing, html! {
                            (field(&closing, "closed_on", "Closed on", "date", None))
                            (field(&closing, "reason", "Reason", "text", None))
                        }))
                    }
                }
            }
        },
    )
}
