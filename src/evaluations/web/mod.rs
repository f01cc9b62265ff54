//! The pages of evaluations: the list with the form that opens a cycle, and a cycle's page
//! with its indicators, report, evaluators and the actions on them.

pub mod answering;
pub mod cycle;
pub mod list;
pub mod questionnaire;
pub mod records;

use actix_web::web;

use crate::auth::permissions::{Actor, Role};

pub fn routes(cfg: &mut web::ServiceConfig) {
    list::routes(cfg);
    answering::routes(cfg);
    cycle::routes(cfg);
    records::routes(cfg);
}

/// Who the evaluations page is for: the secretariat, the people of members, evaluators
/// (an external evaluator has no other page) and the administrator (adopted reports).
pub fn sees_page(actor: &Actor) -> bool {
    actor.person.active
        && actor.roles.iter().any(|r| {
            matches!(
                r,
                Role::Secretariat
                    | Role::Member { .. }
                    | Role::Evaluator { .. }
                    | Role::Administrator
            )
        })
}

/// A value as the page shows it.
pub fn shown(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "–".into(),
        Some(v) => {
            let number = if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            };
            match unit {
                "percent" => format!("{number} %"),
                "days" => format!("{number} days"),
                "money" => format!("{v:.2}"),
                _ => number,
            }
        }
    }
}

/// A CSV file (RFC 4180, CRLF) of `header` and `rows`; every cell a spreadsheet could run as
/// a formula is made inert, as in the coalition's other exports.
pub fn csv_file(header: &[&str], rows: &[Vec<String>]) -> Result<String, crate::error::Error> {
    use crate::membership::import::inert;
    let failed = |e: csv::Error| crate::error::Error::Internal(format!("writing CSV: {e}"));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| inert(cell).into_owned()))
            .map_err(failed)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| crate::error::Error::Internal(format!("writing CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| crate::error::Error::Internal(e.to_string()))
}
