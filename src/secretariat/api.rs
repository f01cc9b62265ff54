//! The JSON API of the rotation: the terms, past, current and planned. The same services,
//! hence the same permission checks, as the pages.

use actix_web::{HttpResponse, web};

use super::store;
use crate::AppState;
use crate::auth::api::ApiActor;
use crate::auth::permissions::{self, Action};
use crate::error::ApiError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/secretariat/terms", web::get().to(terms));
}

async fn terms(
    ApiActor(actor): ApiActor,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    permissions::require(&actor, Action::ViewDirectory)?;
    let terms = state.db(store::terms).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "terms": terms.iter().map(|t| serde_json::json!({
            "id": t.id, "starts_on": t.starts_on, "ends_on": t.ends_on,
            "civil_society_organisation_id": t.civil_society_org, "governmental_organisation_id": t.governmental_org,
            "pinned": t.pinned, "note": t.note,
        })).collect::<Vec<_>>(),
    })))
}
