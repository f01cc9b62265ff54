//! The JSON API of complaints, for the parties and the panel: the same services, hence the
//! same visibility rule, as the pages. The register (reference, stage, due date) for the
//! secretariat; content only for those who read it, each opening recorded.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::store::{self, Case};
use super::{steps, thread};
use crate::AppState;
use crate::auth::api::ApiActor;
use crate::auth::visibility::{self, ComplaintSight};
use crate::db::DbConn;
use crate::error::{ApiError, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/complaints", web::get().to(list))
        .route("/complaints/{id}", web::get().to(get))
        .route("/complaints/{id}/messages", web::post().to(message))
        .route("/complaints/{id}/answer", web::post().to(answer));
}

/// What anyone who sees a complaint at all may read of it.
fn register_json(case: &Case) -> Value {
    let c = &case.complaint;
    json!({
        "id": c.id,
        "reference": c.reference,
        "stage": c.stage,
        "stage_since": c.stage_since,
        "due_on": c.due_on,
        "filed_at": c.filed_at,
        "closed_at": c.closed_at,
        "sight": format!("{:?}", case.sight).to_lowercase(),
    })
}

fn case_json(conn: &mut DbConn, case: &Case) -> Result<Value, Error> {
    let mut value = register_json(case);
    let c = &case.complaint;
    let panel: Vec<Value> = case
        .panel
        .iter()
        .filter(|s| s.status != "declined")
        .map(|s| json!({ "person_id": s.person_id, "organisation_id": s.organisation_id, "side": s.side, "status": s.status }))
        .collect();
    value["panel"] = json!(panel);
    if case.sight >= ComplaintSight::Parties {
        value["complainant_organisation_id"] = json!(c.complainant_org);
        value["about"] = json!(c.about);
        value["respondent_organisation_id"] = json!(c.respondent_org);
    }
    if case.sight >= ComplaintSight::Content {
        let hidden = visibility::hides_complaint_filer(&case.standing, c.filer_unnamed);
        value["filed_by"] = if hidden {
            Value::Null
        } else {
            json!(c.filed_by)
        };
        value["title"] = json!(c.title);
        value["body"] = json!(c.body);
        value["record"] = json!({ "kind": c.record_kind, "id": c.record_id });
        value["admissible"] = json!(c.admissible);
        value["assessment"] = json!(c.assessment);
        value["proposal"] = json!(c.proposal);
        value["outcome"] = json!(c.outcome);
        value["lesson"] = json!(c.lesson);
        let messages: Vec<Value> = thread::readable(conn, case)?
            .into_iter()
            .map(|(m, files)| {
                let by = if hidden && Some(m.person_id) == c.filed_by { Value::Null } else { json!(m.person_id) };
                json!({
                    "id": m.id,
                    "party": m.party,
                    "audience": m.audience,
                    "person_id": by,
                    "body": m.body,
                    "created_at": m.created_at,
                    "files": files.iter().map(|f| json!({
                        "id": f.id, "name": f.name, "content_type": f.content_type, "size_bytes": f.size_bytes,
                        "url": format!("/complaints/{}/files/{}", c.id, f.id),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        value["messages"] = json!(messages);
    }
    Ok(value)
}

async fn list(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let items = state
        .db(move |conn| {
            Ok(store::visible(conn, &actor)?
                .iter()
                .map(register_json)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "complaints": items })))
}

async fn get(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let value = state
        .db(move |conn| {
            let case = store::open(conn, &actor, id, ComplaintSight::Register, "api")?;
            case_json(conn, &case)
        })
        .await?;
    Ok(HttpResponse::Ok().json(value))
}

#[derive(Deserialize)]
struct MessageBody {
    audience: String,
    body: String,
}

async fn message(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: web::Json<MessageBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let clock = state.clock.clone();
    let message_id = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            thread::post(
                conn,
                &actor,
                id,
                &body.audience,
                &body.body,
                Vec::new(),
                today,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(json!({ "id": message_id })))
}

#[derive(Deserialize)]
struct AnswerBody {
    /// true or false ("yes" and "no" are read too, as the page sends them).
    accepts: Value,
}

async fn answer(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: web::Json<AnswerBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let accepts = match &body.accepts {
        Value::Bool(b) => *b,
        Value::String(s) if s == "yes" => true,
        Value::String(s) if s == "no" => false,
        _ => {
            return Err(
                Error::field("accepts", "answer true (accept) or false (do not accept)").into(),
            );
        }
    };
    let clock = state.clock.clone();
    let c = state
        .db(move |conn| {
            let today = crate::coalition::today_by(conn, &clock)?;
            steps::answer(conn, &actor, id, accepts, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "reference": c.reference, "stage": c.stage })))
}
