//! The records behind an evaluation's indicators, for those who work on it (the secretariat
//! and the evaluation's evaluators): one page per area, each reading recorded.

use actix_web::web;
use roundtable_templates::pages::evaluations::{self as pages, RecordTable, RecordsView};

use crate::AppState;
use crate::auth::visibility::EvaluationSight;
use crate::error::Error;
use crate::evaluations::records::{self, Area};
use crate::evaluations::store;
use crate::web::context::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/evaluations/{id}/records/{area}", web::get().to(show));
}

/// Where an indicator's records are, for those who work on the evaluation.
pub fn link(id: i64, key: &str) -> Option<String> {
    Area::of_indicator(key).map(|a| format!("/evaluations/{id}/records/{}", a.slug()))
}

async fn show(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<maud::Markup, Error> {
    let actor = page.actor()?.clone();
    let (id, slug) = path.into_inner();
    let area = Area::parse(&slug).ok_or(Error::NotFound)?;
    let (e, tables) = state
        .db(move |conn| {
            let e = store::readable(
                conn,
                &actor,
                id,
                EvaluationSight::Work,
                &format!("the records: {}", area.label().to_lowercase()),
            )?;
            let tables = records::tables(conn, area, e.period_from, e.period_until)?;
            Ok((e, tables))
        })
        .await?;
    let view = RecordsView {
        id,
        title: e.title,
        period: format!("{} to {}", e.period_from, e.period_until),
        area: area.label().into(),
        areas: Area::ALL
            .into_iter()
            .map(|a| {
                (
                    format!("/evaluations/{id}/records/{}", a.slug()),
                    a.label().to_owned(),
                    a == area,
                )
            })
            .collect(),
        tables: tables
            .into_iter()
            .map(|t| RecordTable {
                caption: t.caption,
                header: t.header,
                rows: t.rows,
            })
            .collect(),
    };
    Ok(pages::records_page(&page.chrome(), &view))
}
