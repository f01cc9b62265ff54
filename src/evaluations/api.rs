//! The JSON API of evaluations, for the coalition's other tools: the cycles the caller
//! reads, one cycle with its indicators and report state, and the indicators of any period.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::answering::{self, Respondent};
use super::store;
use crate::AppState;
use crate::auth::api::ApiActor;
use crate::auth::permissions::{self, Action, Role};
use crate::auth::visibility::EvaluationSight;
use crate::error::{ApiError, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/evaluations", web::get().to(list))
        .route("/evaluations/{id}", web::get().to(get))
        .route("/indicators", web::get().to(indicators));
}

fn summary(e: &super::model::Evaluation) -> serde_json::Value {
    json!({
        "id": e.id,
        "title": e.title,
        "kind": e.kind,
        "period": { "from": e.period_from, "until": e.period_until },
        "status": e.status,
        "report_due": e.report_due,
        "adopted_at": e.adopted_at,
    })
}

async fn list(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let items = state
        .db(move |conn| {
            Ok(store::visible(conn, &actor)?
                .iter()
                .map(summary)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "evaluations": items })))
}

async fn get(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let value = state
        .db(move |conn| {
            let e = store::readable(
                conn,
                &actor,
                id,
                EvaluationSight::Report,
                "the evaluation (API)",
            )?;
            let pairs = super::figures::indicators_of(conn, &e)?;
            let mut value = summary(&e);
            value["frozen"] = json!(e.frozen_indicators.is_some());
            value["indicators"] = store::indicators_json(&pairs);
            value["report"] =
                json!({ "findings": e.findings, "recommendations": e.recommendations });
            // The questionnaire's results, as the page shows them: nothing under three
            // answers, nothing that names who answered.
            let items = super::questionnaire::items(conn, id)?;
            let mut results = serde_json::Map::new();
            for (key, respondent) in [
                ("organisations", Respondent::Organisation),
                ("people", Respondent::Person),
            ] {
                let answers = answering::all_answers(conn, id, respondent)?;
                results.insert(
                    key.into(),
                    if answers.is_empty() {
                        Value::Null
                    } else {
                        json!(super::results::compute(&items, &answers))
                    },
                );
            }
            value["results"] = Value::Object(results);
            Ok(value)
        })
        .await?;
    Ok(HttpResponse::Ok().json(value))
}

/// The period asked for; by default the twelve months up to today.
#[derive(Deserialize)]
struct Period {
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
}

async fn indicators(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    period: web::Query<Period>,
) -> Result<HttpResponse, ApiError> {
    let evaluator = actor
        .roles
        .iter()
        .any(|r| matches!(r, Role::Evaluator { .. }));
    if !evaluator && !permissions::may(&actor, Action::ViewDirectory) {
        return Err(Error::NotFor(
            "the people of member organisations, the secretariat and evaluators",
        )
        .into());
    }
    let Period { from, to } = period.into_inner();
    let clock = state.clock.clone();
    let (from, to, pairs) = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            let to = to.unwrap_or(today);
            let from = from.unwrap_or(to - chrono::Duration::days(364));
            super::rules::check_period(from, to).map_err(Error::Invalid)?;
            Ok((from, to, super::figures::compare(conn, from, to)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "period": { "from": from, "until": to },
        "indicators": store::indicators_json(&pairs),
    })))
}
