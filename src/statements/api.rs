//! The JSON API of joint statements: statements, versions, rounds with their board, positions
//! and authorisations. The same services, hence the same permission checks, as the pages.

use crate::auth::visibility::StatementSight;
use actix_web::{HttpResponse, web};

use serde_json::{Value, json};

use super::input::{AuthorisationFields, PositionFields};
use super::model::{Round, Statement, Version};
use super::rounds::{self, BoardRow};
use super::rules::Outcome;
use super::store;
use crate::AppState;
use crate::auth::api::ApiActor;
use crate::auth::permissions::Actor;
use crate::db::DbConn;
use crate::error::{ApiError, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/statements", web::get().to(list))
        .route("/statements/{id}", web::get().to(get))
        .route("/statements/{id}/versions/{number}", web::get().to(version))
        .route("/rounds/{id}", web::get().to(round))
        .route("/rounds/{id}/positions", web::post().to(position))
        .route("/rounds/{id}/authorisations", web::post().to(authorisation));
}

fn require_see(actor: &Actor) -> Result<(), Error> {
    if store::may_see(Some(actor)) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

fn statement_json(s: &Statement) -> Value {
    json!({
        "id": s.id,
        "title": s.title,
        "context_note": s.context_note,
        "group_id": s.group_id,
        "status": s.status,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "published_at": s.published_at,
        "published_version_id": s.published_version_id,
        "closing_reason": s.closing_reason,
    })
}

fn version_json(v: &Version, with_body: bool) -> Value {
    let mut value = json!({
        "id": v.id,
        "number": v.version_no,
        "content_hash": v.content_hash,
        "note": v.note,
        "created_at": v.created_at,
    });
    if with_body {
        value["body"] = json!(v.body);
    }
    value
}

fn round_json(conn: &mut DbConn, r: &Round, today: chrono::NaiveDate) -> Result<Value, Error> {
    let rows: Vec<BoardRow> = rounds::board(conn, r)?;
    let outcome = match rounds::outcome(rounds::rule_of(r), &rows, r.deadline, today) {
        Outcome::Met { signatories } => json!({ "met": true, "signatories": signatories }),
        Outcome::Pending(why) => json!({ "met": false, "pending": why }),
        Outcome::Failed(why) => json!({ "met": false, "failed": why }),
    };
    Ok(json!({
        "id": r.id,
        "statement_id": r.statement_id,
        "version_id": r.version_id,
        "content_hash": r.content_hash,
        "rule": r.decision_rule,
        "consensus_percent": r.consensus_percent,
        "deadline": r.deadline,
        "status": r.status,
        "opened_at": r.opened_at,
        "adopted_at": r.adopted_at,
        "closed_at": r.closed_at,
        "outcome": outcome,
        "board": rows.iter().map(|row| json!({
            "organisation_id": row.member.id,
            "organisation": row.member.name,
            "needs_authorisation": row.member.needs_authorisation,
            "standing": row.standing.key(),
            "position": row.position.as_ref().map(|p| json!({
                "position": p.position, "reason": p.reason, "content_hash": p.content_hash,
                "person_id": p.person_id, "recorded_at": p.recorded_at,
            })),
            "authorisation": row.authorisation.as_ref().map(|a| json!({
                "decision": a.decision, "reference": a.reference, "content_hash": a.content_hash,
                "person_id": a.person_id, "decided_at": a.decided_at,
            })),
        })).collect::<Vec<_>>(),
    }))
}

async fn list(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require_see(&actor)?;
    let items = state
        .db(move |conn| {
            let mut items = Vec::new();
            let readable = store::list(conn)?
                .into_iter()
                .filter(|s| store::sight(&actor, s) > StatementSight::Nothing);
            for s in readable {
                let latest = store::latest_version(conn, s.id)?;
                let mut value = statement_json(&s);
                value["latest_version"] = version_json(&latest, false);
                items.push(value);
            }
            Ok(items)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "statements": items })))
}

async fn get(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    require_see(&actor)?;
    let id = id.into_inner();
    let clock = state.clock.clone();
    let value =
        state
            .db(move |conn| {
                let today = crate::coalition::today_by(conn, &clock)?;
                let s = store::readable(conn, &actor, id, StatementSight::Text)?;
                // The rounds' boards are for full members, drafters and the secretariat.
                let sees_board = store::sight(&actor, &s) == StatementSight::Board;
                let versions: Vec<Value> = store::versions(conn, id)?
                    .iter()
                    .map(|v| version_json(v, false))
                    .collect();
                let mut all_rounds = Vec::new();
                if sees_board {
                    for r in rounds::rounds_of(conn, id)? {
                        all_rounds.push(round_json(conn, &r, today)?);
                    }
                }
                let signatories: Vec<Value> = rounds::signatories_of(conn, id)?
                .iter()
                .map(|x| json!({
                    "organisation_id": x.organisation_id, "organisation": x.organisation_name,
                    "approved_at": x.approved_at, "authorised_at": x.authorised_at,
                }))
                .collect();
                Ok(json!({
                    "statement": statement_json(&s),
                    "versions": versions,
                    "rounds": all_rounds,
                    "signatories": signatories,
                }))
            })
            .await?;
    Ok(HttpResponse::Ok().json(value))
}

async fn version(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
) -> Result<HttpResponse, ApiError> {
    require_see(&actor)?;
    let (id, number) = path.into_inner();
    let v = state
        .db(move |conn| {
            store::readable(conn, &actor, id, StatementSight::Text)?;
            store::version(conn, id, number)
        })
        .await?;
    Ok(HttpResponse::Ok().json(version_json(&v, true)))
}

async fn round(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    require_see(&actor)?;
    let id = id.into_inner();
    let clock = state.clock.clone();
    let value = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            let r = rounds::get_round(conn, id)?;
            store::readable(conn, &actor, r.statement_id, StatementSight::Board)?;
            round_json(conn, &r, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(value))
}

async fn position(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<PositionFields>,
) -> Result<HttpResponse, ApiError> {
    let round_id = id.into_inner();
    let input = body.into_inner().parse()?;
    let clock = state.clock.clone();
    let p = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            rounds::take_position(conn, &actor, round_id, &input, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "round_id": p.round_id, "organisation_id": p.organisation_id, "position": p.position,
        "reason": p.reason, "content_hash": p.content_hash, "recorded_at": p.recorded_at,
    })))
}

async fn authorisation(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<AuthorisationFields>,
) -> Result<HttpResponse, ApiError> {
    let round_id = id.into_inner();
    let input = body.into_inner().parse()?;
    let clock = state.clock.clone();
    let a = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            rounds::authorise(conn, &actor, round_id, &input, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "round_id": a.round_id, "organisation_id": a.organisation_id, "decision": a.decision,
        "reference": a.reference, "content_hash": a.content_hash, "decided_at": a.decided_at,
    })))
}
