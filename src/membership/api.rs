//! The JSON API of membership: organisations, people and working groups. Reading needs a
//! member's token, writing the secretariat's; the services check both, as for the pages.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::directory::{self, Filter};
use super::groups;
use super::input::{GroupFields, OrganisationFields, PersonFields, StatusFields};
use super::model::{Organisation, WorkingGroup};
use super::organisations;
use super::people as members;
use super::rules::{Side, Status};
use crate::AppState;
use crate::auth::api::ApiActor;
use crate::auth::permissions::{self, Action};
use crate::auth::store as people_store;
use crate::error::ApiError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisations", web::get().to(list_organisations))
        .route("/organisations", web::post().to(create_organisation))
        .route("/organisations/{id}", web::get().to(get_organisation))
        .route("/organisations/{id}/status", web::post().to(change_status))
        .route("/organisations/{id}/people", web::post().to(add_person))
        .route("/people/{id}", web::get().to(get_person))
        .route("/working-groups", web::get().to(list_groups))
        .route("/working-groups", web::post().to(create_group))
        .route("/working-groups/{id}", web::get().to(get_group));
}

#[derive(Serialize)]
struct OrganisationJson {
    id: i64,
    name: String,
    short_name: String,
    sector: String,
    side: &'static str,
    status: String,
    region: String,
    address: String,
    website: String,
    email: String,
    phone: String,
    needs_authorisation: bool,
    offers_venue: bool,
    admitted_on: Option<NaiveDate>,
}

fn organisation_json(o: Organisation, sector: String, side: Side) -> OrganisationJson {
    OrganisationJson {
        id: o.id,
        name: o.name,
        short_name: o.short_name,
        sector,
        side: side.as_str(),
        status: o.status,
        region: o.region,
        address: o.address,
        website: o.website,
        email: o.email,
        phone: o.phone,
        needs_authorisation: o.needs_authorisation,
        offers_venue: o.offers_venue,
        admitted_on: o.admitted_on,
    }
}

#[derive(Deserialize)]
struct ListQuery {
    sector: Option<i64>,
    side: Option<String>,
    status: Option<String>,
    group: Option<i64>,
}

async fn list_organisations(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    permissions::require(&actor, Action::ViewDirectory)?;
    let filter = Filter {
        sector_id: query.sector,
        side: query.side.as_deref().and_then(Side::parse),
        status: query.status.as_deref().and_then(Status::parse),
        group_id: query.group,
    };
    let listing = state.db(move |conn| directory::list(conn, &filter)).await?;
    let items: Vec<OrganisationJson> = listing
        .entries
        .into_iter()
        .map(|e| organisation_json(e.organisation, e.sector.name, e.side))
        .collect();
    Ok(
        HttpResponse::Ok()
            .json(serde_json::json!({ "organisations": items, "count": items.len() })),
    )
}

#[derive(Serialize)]
struct PersonJson {
    id: i64,
    name: String,
    email: String,
    active: bool,
    organisation_id: Option<i64>,
    representation: Option<String>,
    is_authoriser: bool,
    job_title: String,
}

async fn get_organisation(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    permissions::require(&actor, Action::ViewDirectory)?;
    let id = id.into_inner();
    let (o, sector, people, history) = state
        .db(move |conn| {
            let o = organisations::get(conn, id)?;
            let sector = organisations::sector(conn, o.sector_id)?;
            Ok((
                o,
                sector,
                members::people_of(conn, id)?,
                organisations::history(conn, id)?,
            ))
        })
        .await?;
    let side = organisations::side_of(&sector);
    let people: Vec<PersonJson> = people
        .into_iter()
        .map(|(p, a)| PersonJson {
            id: p.id,
            name: p.name,
            email: p.email,
            active: p.active,
            organisation_id: Some(a.organisation_id),
            representation: a.representation,
            is_authoriser: a.is_authoriser,
            job_title: a.job_title,
        })
        .collect();
    let history: Vec<serde_json::Value> = history
        .into_iter()
        .map(|e| serde_json::json!({ "from": e.from_status, "to": e.to_status, "effective_on": e.effective_on, "decided_by": e.decided_by, "reason": e.reason }))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "organisation": organisation_json(o, sector.name, side),
        "people": people,
        "history": history,
    })))
}

async fn create_organisation(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    body: web::Json<OrganisationFields>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner().new_organisation()?;
    let (o, invited) = state
        .db(move |conn| {
            let created = organisations::create(
                conn,
                &actor,
                &new.details,
                new.status,
                new.effective_on,
                &new.reason,
                new.primary.as_ref(),
            )?;
            crate::schedule::membership_changed(conn)?;
            Ok(created)
        })
        .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "id": o.id,
        "name": o.name,
        "status": o.status,
        "invited": invited.map(|p| p.email),
    })))
}

async fn change_status(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<StatusFields>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (status, effective_on, reason) = body.into_inner().parse()?;
    let o = state
        .db(move |conn| {
            let changed =
                organisations::change_status(conn, &actor, id, status, effective_on, &reason)?;
            crate::schedule::membership_changed(conn)?;
            Ok(changed)
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "id": o.id, "status": o.status })))
}

async fn add_person(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<PersonFields>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let input = body.into_inner().parse()?;
    let person = state
        .db(move |conn| members::add_to_organisation(conn, &actor, id, &input))
        .await?;
    Ok(HttpResponse::Created()
        .json(serde_json::json!({ "id": person.id, "invited": person.email })))
}

async fn get_person(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if actor.id() != id {
        permissions::require(&actor, Action::ViewDirectory)?;
    }
    let (p, affiliation) = state
        .db(move |conn| {
            Ok((
                people_store::find(conn, id)?,
                members::affiliation_of(conn, id)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonJson {
        id: p.id,
        name: p.name,
        email: p.email,
        active: p.active,
        organisation_id: affiliation.as_ref().map(|(a, _)| a.organisation_id),
        representation: affiliation
            .as_ref()
            .and_then(|(a, _)| a.representation.clone()),
        is_authoriser: affiliation.as_ref().is_some_and(|(a, _)| a.is_authoriser),
        job_title: affiliation.map(|(a, _)| a.job_title).unwrap_or_default(),
    }))
}

fn group_json(g: &WorkingGroup) -> serde_json::Value {
    serde_json::json!({
        "id": g.id, "name": g.name, "mandate": g.mandate, "convenor_id": g.convenor_id,
        "status": g.status, "started_on": g.started_on, "closed_on": g.closed_on,
    })
}

async fn list_groups(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    permissions::require(&actor, Action::ViewDirectory)?;
    let list = state.db(groups::list).await?;
    Ok(HttpResponse::Ok().json(
        serde_json::json!({ "working_groups": list.iter().map(group_json).collect::<Vec<_>>() }),
    ))
}

async fn get_group(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    permissions::require(&actor, Action::ViewDirectory)?;
    let id = id.into_inner();
    let (g, orgs, nominees) = state
        .db(move |conn| {
            Ok((
                groups::get(conn, id)?,
                groups::members_of(conn, id)?,
                groups::nominees_of(conn, id)?,
            ))
        })
        .await?;
    let mut json = group_json(&g);
    json["members"] = serde_json::json!(
        orgs.iter()
            .map(|o| serde_json::json!({ "id": o.id, "name": o.name }))
            .collect::<Vec<_>>()
    );
    json["nominees"] = serde_json::json!(
        nominees
            .iter()
            .map(
                |(p, o)| serde_json::json!({ "id": p.id, "name": p.name, "organisation_id": o.id })
            )
            .collect::<Vec<_>>()
    );
    Ok(HttpResponse::Ok().json(json))
}

async fn create_group(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
    body: web::Json<GroupFields>,
) -> Result<HttpResponse, ApiError> {
    let (group, started_on) = body.into_inner().new_group()?;
    let g = state
        .db(move |conn| groups::create(conn, &actor, &group, started_on))
        .await?;
    Ok(HttpResponse::Created().json(group_json(&g)))
}
