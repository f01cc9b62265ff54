//! The fees page: the year's schedule, its ledger and what is outstanding.

use maud::{Markup, html};

use crate::components::{anchored_form, badge, field};
use crate::layout;
use crate::view::{Chrome, Refusal};

pub struct LedgerRow {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation: String,
    pub year: i32,
    pub tier: String,
    pub amount: String,
    pub status: String,
    pub paid: String,
    pub note: String,
    /// Still due: a payment or a waiver may be recorded.
    pub may_settle: bool,
}

pub struct FeesView {
    pub enabled: bool,
    pub year: i32,
    pub schedule: Vec<(String, String)>,
    pub ledger: Vec<LedgerRow>,
    pub outstanding: Vec<LedgerRow>,
    pub today: String,
    /// A form of this page the server refused, shown again as it was typed.
    pub refusal: Option<Refusal>,
}

/// The anchors of the page's forms, which the handlers name when a form is refused.
pub const TIER_FORM: &str = "tier-form";
pub const LEDGER_FORM: &str = "ledger-form";

pub fn paid_form(entry_id: i64) -> String {
    format!("paid-{entry_id}")
}

pub fn waive_form(entry_id: i64) -> String {
    format!("waive-{entry_id}")
}

pub fn fees(chrome: &Chrome, v: &FeesView) -> Markup {
    let csrf = &chrome.csrf_token;
    let state = |form: &str| Refusal::state_of(v.refusal.as_ref(), form);
    let tier = state(TIER_FORM).or_values(&[("currency", "EUR")]);
    layout(
        Some(chrome),
        "Fees",
        html! {
            h1 { "Membership fees " (v.year) }
            @if !v.enabled {
                p.empty { "This coalition does not keep membership fees. The secretariat can turn them on in " a href="/settings" { "Settings" } "." }
            } @else {
                div.actions {
                    a href=(format!("/fees?year={}", v.year - 1)) { "← " (v.year - 1) }
                    a href=(format!("/fees?year={}", v.year + 1)) { (v.year + 1) " →" }
                }
                div.columns {
                    section {
                        h2 { "Schedule" }
                        @if v.schedule.is_empty() { p.empty { "No tiers for this year." } }
                        table #schedule { tbody { @for (tier, amount) in &v.schedule { tr { td { (tier) } td { (amount) } } } } }
                        (anchored_form(csrf, TIER_FORM, "/fees/tiers", "Save the tier", &tier, html! {
                            input type="hidden" name="year" value=(v.year);
                            (field(&tier, "tier", "Tier", "text", Some("Organisations are given a tier on their page. An amount of 0 waives the fee.")))
                            (field(&tier, "amount", "Amount", "text", None))
                            (field(&tier, "currency", "Currency", "text", None))
                        }))
                        (anchored_form(csrf, LEDGER_FORM, "/fees/ledger", "Write the year's ledger", &state(LEDGER_FORM), html! {
                            input type="hidden" name="year" value=(v.year);
                        }))
                    }
                    section {
                        h2 { "Outstanding (all years)" }
                        @if v.outstanding.is_empty() { p.empty { "Nothing is outstanding." } }
                        @else {
                            table #outstanding { tbody { @for r in &v.outstanding { tr {
                                td { a href=(format!("/organisations/{}", r.organisation_id)) { (r.organisation) } } td { (r.year) } td { (r.amount) }
                            } } } }
                        }
                    }
                }
                section {
                    h2 { "Ledger " (v.year) }
                    @if v.ledger.is_empty() { p.empty { "No ledger yet for this year." } }
                    @else {
                        table #ledger {
                            thead { tr { th { "Organisation" } th { "Tier" } th { "Amount" } th { "State" } th { "Paid" } th { "Record" } } }
                            tbody { @for r in &v.ledger { tr {
                                td { a href=(format!("/organisations/{}", r.organisation_id)) { (r.organisation) } }
                                td { (r.tier) } td { (r.amount) } td { (badge(&r.status, &r.status)) " " (r.note) } td { (r.paid) }
                                td {
                                    @if r.may_settle {
                                        @let paid_key = paid_form(r.id);
                                        @let paid = state(&paid_key).or_values(&[("paid_on", &v.today)]);
                                        (anchored_form(csrf, &paid_key, &format!("/fees/{}/paid", r.id), "Paid", &paid, html! {
                                            (field(&paid, "paid_on", "Date", "date", None))
                                            (field(&paid, "reference", "Reference", "text", None))
                                        }))
                                        @let waive_key = waive_form(r.id);
                                        @let waive = state(&waive_key);
                                        (anchored_form(csrf, &waive_key, &format!("/fees/{}/waive", r.id), "Waive", &waive, html! {
                                            (field(&waive, "note", "Why", "text", None))
                                        }))
                                    }
                                }
                            } } }
                        }
                    }
                }
            }
        },
    )
}
