//! The calendar: upcoming meetings, a month view, and the person's feed.

use maud::{Markup, html};

use crate::components::{action_form, badge};
use crate::layout;
use crate::view::Chrome;

pub struct MeetingRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub when: String,
    pub place: String,
    pub status: String,
    pub status_key: String,
}

/// Whether a meeting in the month has taken place, was cancelled or is still ahead.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum EventState {
    Planned,
    Held,
    Cancelled,
}

pub struct MonthEvent {
    pub id: i64,
    pub title: String,
    pub state: EventState,
}

pub struct MonthDay {
    pub day: u32,
    pub in_month: bool,
    pub today: bool,
    pub blocked: Option<String>,
    pub meetings: Vec<MonthEvent>,
}

/// One page of the past meetings.
pub struct PastView {
    pub meetings: Vec<MeetingRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

pub struct CalendarView {
    pub upcoming: Vec<MeetingRow>,
    pub month_label: String,
    pub previous_month: String,
    pub next_month: String,
    pub weeks: Vec<Vec<MonthDay>>,
    pub can_plan: bool,
    pub can_create: bool,
    /// The person's feed address, when just created (it is shown once).
    pub feed_url: Option<String>,
    pub has_feed: bool,
    pub public_feed_url: String,
}

pub fn calendar(chrome: &Chrome, v: &CalendarView) -> Markup {
    layout(
        Some(chrome),
        "Meetings",
        html! {
            h1 { "Meetings" }
            div.actions {
                @if v.can_create { a.button href="/meetings/new" { "New meeting" } }
                @if v.can_plan { a href="/meetings/plan" { "Year plan, venues and dates to plan around" } }
                a href="/meetings/past" { "Past meetings" }
                a href="/secretariat" { "Secretariat rotation" }
            }
            section aria-labelledby="upcoming" {
                h2 #upcoming { "Coming up" }
                @if v.upcoming.is_empty() { p.empty { "Nothing is planned." } }
                @else {
                    (meeting_table("upcoming-table", &v.upcoming))
                }
            }
            section aria-labelledby="month" {
                h2 #month { (v.month_label) }
                div.actions { a href=(v.previous_month) { "← previous" } a href=(v.next_month) { "next →" } }
                table.month {
                    thead { tr { @for d in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] { th { (d) } } } }
                    tbody {
                        @for week in &v.weeks {
                            tr {
                                @for d in week {
                                    td.(if d.in_month { "" } else { "other-month" }).(if d.today { "today" } else { "" }).(if d.blocked.is_some() { "blocked" } else { "" })
                                        title=[d.blocked.as_deref()] {
                                        span.daynum { (d.day) }
                                        @if let Some(b) = &d.blocked { span.blocked-label { (b) } }
                                        @for e in &d.meetings { (month_event(e)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="feeds" {
                h2 #feeds { "In your calendar program" }
                p { "Public meetings: " code { (v.public_feed_url) } }
                @if let Some(url) = &v.feed_url {
                    div.flash.flash-success role="status" {
                        p { "Your personal feed (the coalition's meetings and those of your working groups). Add it to your calendar program as a subscription; keep it to yourself:" }
                        p { code #feed-url { (url) } }
                    }
                }
                p { @if v.has_feed { "You have a personal feed. Making a new address stops the old one." } @else { "Subscribe to your personal feed to see every meeting that concerns you." } }
                (action_form(&chrome.csrf_token, "/calendar/feed", if v.has_feed { "Make a new feed address" } else { "Create my feed" }, html! {}))
            }
        },
    )
}

/// A meeting in a day of the month: held meetings say so, cancelled ones are struck through;
/// both in words too, for screen readers and print.
fn month_event(e: &MonthEvent) -> Markup {
    let href = format!("/meetings/{}", e.id);
    html! {
        @match e.state {
            EventState::Planned => a.event href=(href) { (e.title) },
            EventState::Held => a.event.event-held href=(href) { (e.title) span.event-state { " · held" } },
            EventState::Cancelled => a.event.event-cancelled href=(href) { s { (e.title) } span.event-state { " · cancelled" } },
        }
    }
}

fn meeting_table(id: &str, rows: &[MeetingRow]) -> Markup {
    html! {
        table id=(id) {
            thead { tr { th { "When" } th { "Meeting" } th { "Kind" } th { "Where" } th { "State" } } }
            tbody { @for m in rows { tr {
                td data-label="When" { (m.when) }
                td data-label="Meeting" { a href=(format!("/meetings/{}", m.id)) { (m.title) } }
                td data-label="Kind" { (m.kind) }
                td data-label="Where" { (m.place) }
                td data-label="State" { (badge(&m.status, &m.status_key)) }
            } } }
        }
    }
}

/// The past meetings, newest first, with their state.
pub fn past(chrome: &Chrome, v: &PastView) -> Markup {
    layout(
        Some(chrome),
        "Past meetings",
        html! {
            h1 { "Past meetings" }
            div.actions { a href="/meetings" { "← Calendar" } }
            section aria-labelledby="past" {
                h2 #past { (v.total) " meetings, newest first" }
                @if v.meetings.is_empty() { p.empty { "No meeting has taken place yet." } }
                @else { (meeting_table("past-table", &v.meetings)) }
                @if v.pages > 1 {
                    nav.pager aria-label="Pages of past meetings" {
                        @if v.page > 1 { a rel="prev" href=(format!("/meetings/past?page={}", v.page - 1)) { "← newer" } }
                        span { "Page " (v.page) " of " (v.pages) }
                        @if v.page < v.pages { a rel="next" href=(format!("/meetings/past?page={}", v.page + 1)) { "older →" } }
                    }
                }
            }
        },
    )
}
