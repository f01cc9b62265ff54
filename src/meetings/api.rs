//! The JSON API of meetings. The same services, hence the same permission checks, as the
//! pages.

use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::model::Meeting;
use super::rules::{self, Kind};
use super::store::{self, MeetingInput};
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
    let from = range
        .from
        .map_or(NaiveDateTime::MIN, |d| d.and_time(chrono::NaiveTime::MIN));
    let to = range
        .to
        .map_or(NaiveDateTime::MAX, |d| d.and_time(chrono::NaiveTime::MIN));
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

#[derive(Deserialize)]
struct NewMeeting {
    kind: String,
    group_id: Option<i64>,
    title: String,
    date: NaiveDate,
    start: String,
    end: String,
    time_zone: Option<String>,
    venue_id: Option<i64>,
    #[serde(default)]
    online_url: String,
    #[serde(default)]
    public: bool,
    #[serde(default)]
    media_open: bool,
    #[serde(default)]
    media_reason: String,
}

async fn create(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    body: web::Json<NewMeeting>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let input = MeetingInput {
        kind: Kind::parse(&b.kind)
            .ok_or_else(|| Error::Invalid(format!("{:?} is not a kind of meeting", b.kind)))?,
        group_id: b.group_id,
        title: b.title,
        date: b.date,
        start: rules::parse_time(&b.start).map_err(Error::Invalid)?,
        end: rules::parse_time(&b.end).map_err(Error::Invalid)?,
        time_zone: b.time_zone,
        venue_id: b.venue_id,
        online_url: b.online_url,
        public: b.public,
        media_open: b.media_open,
        media_reason: b.media_reason,
    };
    let m = state
        .db(move |conn| store::create(conn, &actor, &input))
        .await?;
    Ok(HttpResponse::Created().json(json(&m)))
}

#[derive(Deserialize)]
struct AttendanceBody {
    organisation_id: i64,
    status: String,
    #[serde(default)]
    represented_by: String,
}

async fn record_attendance(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<AttendanceBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let b = body.into_inner();
    state
        .db(move |conn| {
            attendance::record(
                conn,
                &actor,
                id,
                b.organisation_id,
                &b.status,
                &b.represented_by,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
