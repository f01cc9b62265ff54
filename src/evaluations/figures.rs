//! What the records say about an evaluation's period: the indicators beside the previous
//! period's, the charts' series and each organisation's part. Computed live until the report
//! is adopted, then frozen as they were, so that a record corrected later does not change
//! an adopted report. (The questionnaire's results need no freezing: answers are taken only
//! while the report is open.)

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::indicators::{self, Indicator, OrganisationPart};
use super::model::Evaluation;
use super::rules;
use super::series::{self, Series};
use crate::db::DbConn;
use crate::error::Error;

/// An indicator of the period beside the same indicator of the previous period.
pub type Compared = (Indicator, Option<Indicator>);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub indicators: Vec<Compared>,
    pub series: Series,
    pub organisations: Vec<OrganisationPart>,
}

/// What `frozen_indicators` holds: the figures, or (for reports adopted before the series
/// and each organisation's part were frozen) the indicators alone.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Figures(Figures),
    Indicators(Vec<Compared>),
}

fn stored(e: &Evaluation) -> Result<Option<Stored>, Error> {
    e.frozen_indicators
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|err| Error::Internal(format!("frozen figures of evaluation {}: {err}", e.id)))
}

/// The indicators beside the previous period's: as frozen at adoption, or computed now.
pub fn indicators_of(conn: &mut DbConn, e: &Evaluation) -> Result<Vec<Compared>, Error> {
    match stored(e)? {
        Some(Stored::Figures(f)) => Ok(f.indicators),
        Some(Stored::Indicators(i)) => Ok(i),
        None => compare(conn, e.period_from, e.period_until),
    }
}

/// Everything the report's page counts: as frozen at adoption, or computed now.
pub fn figures_of(conn: &mut DbConn, e: &Evaluation) -> Result<Figures, Error> {
    match stored(e)? {
        Some(Stored::Figures(f)) => Ok(f),
        Some(Stored::Indicators(indicators)) => Ok(Figures {
            indicators,
            series: series::compute(conn, e.period_from, e.period_until)?,
            organisations: indicators::per_organisation(conn, e.period_from, e.period_until)?,
        }),
        None => live(conn, e.period_from, e.period_until),
    }
}

/// The figures as adoption stores them.
pub fn frozen(conn: &mut DbConn, e: &Evaluation) -> Result<String, Error> {
    serde_json::to_string(&live(conn, e.period_from, e.period_until)?)
        .map_err(|err| Error::Internal(err.to_string()))
}

fn live(conn: &mut DbConn, from: NaiveDate, until: NaiveDate) -> Result<Figures, Error> {
    Ok(Figures {
        indicators: compare(conn, from, until)?,
        series: series::compute(conn, from, until)?,
        organisations: indicators::per_organisation(conn, from, until)?,
    })
}

/// The indicators of a period beside those of the period before it.
pub fn compare(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Compared>, Error> {
    let now = indicators::compute(conn, from, until)?;
    let (pf, pu) = rules::previous_period(from, until);
    let before = indicators::compute(conn, pf, pu)?;
    Ok(now
        .into_iter()
        .map(|i| {
            let previous = before.iter().find(|p| p.key == i.key).cloned();
            (i, previous)
        })
        .collect())
}
