//! The member directory, the public member list and the import page.

use maud::{Markup, html};

use super::Options;
use crate::components::{badge, csrf_field, select};
use crate::layout;
use crate::view::{Chrome, FormState};

pub struct DirectoryRow {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub sector: String,
    pub side: String,
    pub status: String,
    pub status_key: String,
    pub region: String,
    pub email: String,
    pub phone: String,
}

pub struct DirectoryView {
    pub rows: Vec<DirectoryRow>,
    pub counts: Vec<(String, usize)>,
    pub sectors: Options,
    pub sides: Options,
    pub statuses: Options,
    pub groups: Options,
    pub filter: FormState,
    pub can_manage: bool,
    pub export_href: String,
}

pub fn directory(chrome: &Chrome, view: &DirectoryView) -> Markup {
    layout(
        Some(chrome),
        "Members",
        html! {
            h1 { "Members" }
            div.actions {
                a href=(view.export_href) { "Export as CSV" }
                @if view.can_manage {
                    a.button href="/organisations/new" { "Add an organisation" }
                    a href="/import" { "Import from CSV" }
                }
            }
            section aria-labelledby="filter-heading" {
                h2 #filter-heading { "Filter" }
                form.filters method="get" action="/organisations" {
                    (select(&view.filter, "sector", "Sector", &view.sectors, None))
                    (select(&view.filter, "side", "Side", &view.sides, None))
                    (select(&view.filter, "status", "Status", &view.statuses, None))
                    (select(&view.filter, "group", "Working group", &view.groups, None))
                    button type="submit" { "Show" }
                }
                ul.counts {
                    li { strong { (view.rows.len()) } " organisations" }
                    @for (label, n) in &view.counts {
                        li.count { (label) ": " strong { (n) } }
                    }
                }
            }
            @if view.rows.is_empty() {
                p.empty { "No organisation matches." }
            } @else {
                table #directory {
                    thead { tr { th { "Organisation" } th { "Sector" } th { "Side" } th { "Status" } th { "Region" } th { "Contact" } } }
                    tbody {
                        @for r in &view.rows {
                            tr {
                                td {
                                    a href=(format!("/organisations/{}", r.id)) { (r.name) }
                                    @if !r.short_name.is_empty() { " (" (r.short_name) ")" }
                                }
                                td data-label="Sector" { (r.sector) }
                                td data-label="Side" { (r.side) }
                                td data-label="Status" { (badge(&r.status, &r.status_key)) }
                                td data-label="Region" { (r.region) }
                                td.contact data-label="Contact" {
                                    @if !r.email.is_empty() { a href=(format!("mailto:{}", r.email)) { (r.email) } br; }
                                    (r.phone)
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The list the coalition chose to publish: names and sectors only.
pub fn public_list(chrome: &Chrome, members: &[(String, String)]) -> Markup {
    layout(
        Some(chrome),
        "Our members",
        html! {
            h1 { "Our members" }
            table #public-members {
                thead { tr { th { "Organisation" } th { "Sector" } } }
                tbody {
                    @for (name, sector) in members { tr { td { (name) } td { (sector) } } }
                }
            }
        },
    )
}

/// Why a file was not imported (a good one leads to the directory, with a message).
pub struct ImportReport {
    /// Bad rows by line; line 0 is the file as a whole (too large, not text).
    pub problems: Vec<(usize, String)>,
}

pub fn import(chrome: &Chrome, columns: &[&str], report: Option<&ImportReport>) -> Markup {
    layout(
        Some(chrome),
        "Import members",
        html! {
            h1 { "Import members from CSV" }
            @if let Some(report) = report {
                section.flash.flash-error role="alert" {
                    p { "Nothing was imported. Correct the file and choose it again:" }
                    ul #import-problems {
                        @for (line, message) in &report.problems {
                            li { @if *line > 0 { "Line " (line) ": " } (message) }
                        }
                    }
                }
            }
            section {
                p { "One row per person; an organisation's details are repeated on each of its rows. The first line names the columns:" }
                p { code { (columns.join(",")) } }
                p { "Required: organisation, sector (as named in the settings), status (full, associate or applicant). Every full member needs one row with representation \"primary\". Every row is checked first; nothing is imported unless all rows are good." }
                form method="post" action="/import" enctype="multipart/form-data" {
                    // First: the CSRF check reads only the first part of an upload.
                    (csrf_field(&chrome.csrf_token))
                    div.field {
                        label for="import-file" { "CSV file (UTF-8, at most 10 MB)" }
                        input #import-file type="file" name="file" accept=".csv,text/csv" required;
                    }
                    button type="submit" { "Check and import" }
                }
            }
        },
    )
}
