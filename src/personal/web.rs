//! The download of a person's data: `/account/data.json` for oneself, `/people/{id}/data.json`
//! for the administrator answering a request.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::AppState;
use crate::error::Error;
use crate::web::context::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/data.json", web::get().to(own))
        .route("/people/{id}/data.json", web::get().to(of_person));
}

async fn own(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let id = page.actor()?.id();
    download(&page, &state, id).await
}

async fn of_person(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    download(&page, &state, id.into_inner()).await
}

async fn download(page: &Page, state: &AppState, person_id: i64) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let file = state
        .db(move |conn| super::export(conn, &actor, person_id))
        .await?;
    let body = serde_json::to_string_pretty(&file)
        .map_err(|e| Error::Internal(format!("writing the file: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"roundtable-person-{person_id}-{}.json\"",
                page.today()
            ),
        ))
        // A person's data is not kept by caches on the way.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
