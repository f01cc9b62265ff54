//! Pages that belong to no capability: the dashboard, the health check, the stylesheet and
//! the "not found" answer (the audit record's page: `web::audit`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::{auth as auth_pages, dashboard};

use super::context::Page;
use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::{ApiError, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/healthz", web::get().to(healthz))
        .route("/static/style.css", web::get().to(stylesheet));
}

async fn home(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    if page.setup_needed() {
        return Ok(auth_pages::setup_pending(&page.chrome()));
    }
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::UseOwnAccount)?;
    let name = actor.person.name.clone();
    let today = page.today();
    let fees_enabled = page.coalition.as_ref().is_some_and(|c| c.fees_enabled);
    let sets_up = permissions::may(&actor, Action::ManageMembership);
    let (tasks, setting_up) = state
        .db(move |conn| {
            let setting_up = if sets_up {
                super::checklist::steps(conn, today)?
            } else {
                Vec::new()
            };
            // What only this person can do comes first: positions and authorisations.
            let mut tasks = crate::statements::tasks::for_actor(conn, &actor, today)?;
            tasks.extend(crate::complaints::tasks::for_actor(conn, &actor, today)?);
            tasks.extend(crate::evaluations::tasks::for_actor(conn, &actor, today)?);
            tasks.extend(crate::meetings::tasks::for_actor(conn, &actor)?);
            tasks.extend(crate::membership::tasks::for_actor(
                conn,
                &actor,
                fees_enabled,
            )?);
            Ok((tasks, setting_up))
        })
        .await?;
    let view = dashboard::DashboardView {
        greeting_name: name,
        setting_up: setting_up
            .into_iter()
            .map(|s| dashboard::Step {
                title: s.title.into(),
                detail: s.detail,
                href: s.href.into(),
                done: s.done,
            })
            .collect(),
        tasks: tasks
            .into_iter()
            .map(|t| dashboard::Task {
                title: t.title,
                detail: t.detail,
                href: t.href,
            })
            .collect(),
    };
    Ok(dashboard::dashboard(&page.chrome(), &view))
}

/// 200 when the database answers, 503 when it does not: for load balancers and monitors.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let check = state
        .db(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
        .await;
    match check {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "database": "ok" })),
        Err(e) => {
            tracing::warn!("health check failed: {e}");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "unavailable", "database": "unreachable" }))
        }
    }
}

/// The stylesheet's address carries its content hash, so it may be cached for a year.
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(roundtable_templates::STYLESHEET)
}

/// Unknown addresses: JSON under the API, a page elsewhere.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") {
        Err(ApiError(Error::NotFound).into())
    } else {
        Err(Error::NotFound.into())
    }
}
