//! The JSON API of meetings. The same services, hence the same permission checks, as the
//! pages.

use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::input::{AttendanceFields, MeetingFields};
use super::model::Meeting;
use super::rules;
use super::store;
use super::{agenda, attendance, minutes};
use crate::AppState;
use crate::auth::api::ApiActor;
use crate::auth::permissions::{self, Action};
use crate::error::{ApiError, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings", web::get().to(list))
        .route("/meetings", web::post().to(create))
        .route("/meetings/{id}", web::get().to(get))
        .route(
            "/meetings/{id}/attendance",
            web::post().to(record_attendance),
        );
}

#[derive(Serialize)]
struct MeetingJson {
    id: i64,
    kind: String,
    group_id: Option<i64>,
    title: String,
    starts_at: String,
    ends_at: String,
    local_start: NaiveDateTime,
    local_end: NaiveDateTime,
    time_zone: String,
    venue_id: Option<i64>,
    online_url: String,
    status: String,
    cancel_reason: Option<String>,
    visibility: String,
    uid: String,
    sequence: i32,
}

fn json(m: &Meeting) -> MeetingJson {
    let zone = store::zone_of(m);
    MeetingJson {
        id: m.id,
        kind: m.kind.clone(),
        group_id: m.group_id,
        title: m.title.clone(),
        starts_at: format!("{}Z", m.starts_at.format("%Y-%m-%dT%H:%M:%S")),
        ends_at: format!("{}Z", m.ends_at.format("%Y-%m-%dT%H:%M:%S")),
        local_start: rules::local(m.starts_at, zone),
        local_end: rules::local(m.ends_at, zone),
        time_zone: m.time_zone.clone(),
        venue_id: m.venue_id,
        online_url: m.online_url.clone(),
        status: m.status.clone(),
        cancel_reason: m.cancel_reason.clone(),
        visibility: m.visibility.clone(),
        uid: m.uid.clone(),
        sequence: m.sequence,
    }
}

#[derive(Deserialize)]
struct Range {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

async fn list(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    range: web::Query<Range>,
) -> Result<HttpResponse, ApiError> {
    permissions::require(&actor, Action::ViewDirectory)?;
    // Without bounds: the years every backend can store (chrono's own limits are beyond
    // PostgreSQL's, which then answers with an error).
    let earliest = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    let day = |d: Option<NaiveDate>, default: NaiveDate| {
        d.unwrap_or(default)
            .clamp(earliest, latest)
            .and_time(chrono::NaiveTime::MIN)
    };
    let (from, to) = (day(range.from, earliest), day(range.to, latest));
    let list = state.db(move |conn| store::between(conn, from, to)).await?;
    let items: Vec<MeetingJson> = list
        .iter()
        .filter(|m| store::may_see(Some(&actor), m))
        .map(json)
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "meetings": items })))
}

async fn get(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let a = actor.clone();
    let (m, published, recorded, quorum, minutes_row, actions) = state
        .db(move |conn| {
            let m = store::get(conn, id)?;
            if !store::may_see(Some(&a), &m) {
                return Err(Error::Forbidden);
            }
            let quorum = attendance::quorum(conn, &m)?;
            Ok((
                m,
                agenda::latest_published(conn, id)?,
                attendance::of_meeting(conn, id)?,
                quorum,
                minutes::of_meeting(conn, id)?,
                minutes::actions_of_meeting(conn, id)?,
            ))
        })
        .await?;
    let agenda_json = published.map(|(v, items)| {
        serde_json::json!({
            "version": v.version_no,
            "published_at": v.published_at,
            "items": agenda::visible(items, Some(&actor)).iter().map(|i| serde_json::json!({
                "title": i.title, "presenter": i.presenter, "duration_minutes": i.duration_minutes,
                "description": i.description, "confidential": i.confidential,
            })).collect::<Vec<_>>(),
        })
    });
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "meeting": json(&m),
        "agenda": agenda_json,
        "attendance": recorded.iter().map(|a| serde_json::json!({ "organisation_id": a.organisation_id, "status": a.status, "represented_by": a.represented_by })).collect::<Vec<_>>(),
        "quorum": { "present_full": quorum.present_full, "full_members": quorum.full_members, "needed": quorum.needed, "reached": quorum.reached },
        "minutes": minutes_row.map(|x| serde_json::json!({ "status": x.status, "comment_deadline": x.comment_deadline, "approved_at": x.approved_at })),
        "actions": actions.iter().map(|a| serde_json::json!({ "id": a.id, "title": a.title, "owner_organisation_id": a.owner_organisation_id, "owner_person_id": a.owner_person_id, "due_on": a.due_on, "status": a.status })).collect::<Vec<_>>(),
    })))
}

async fn create(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    body: web::Json<MeetingFields>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner().parse()?;
    let m = state
        .db(move |conn| store::create(conn, &actor, &input))
        .await?;
    Ok(HttpResponse::Created().json(json(&m)))
}

async fn record_attendance(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<AttendanceFields>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let a = body.into_inner().parse()?;
    state
        .db(move |conn| {
            attendance::record(
                conn,
                &actor,
                id,
                a.organisation_id,
                &a.status,
                &a.represented_by,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
