//! Pages that belong to no capability: the dashboard, the health check, the stylesheet, the
//! audit record and the "not found" answer.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::{audit as audit_page, auth as auth_pages, dashboard};

use super::context::Page;
use crate::AppState;
use crate::audit::{self, Verdict};
use crate::auth::permissions::{self, Action};
use crate::error::{ApiError, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/healthz", web::get().to(healthz))
        .route("/static/style.css", web::get().to(stylesheet))
        .route("/admin/audit", web::get().to(audit_record));
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

async fn audit_record(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let actor = page.actor()?;
    permissions::require(actor, Action::ViewAudit)?;
    let (events, verdict, names) = state
        .db(|conn| {
            let events = audit::recent(conn, 200)?;
            let ids: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
            let names = crate::auth::store::names(conn, &ids)?;
            Ok((events, audit::verify(conn)?, names))
        })
        .await?;
    let verdict = match verdict {
        Verdict::Intact { events } => format!("The chain of {events} events is intact."),
        Verdict::Broken { event_id, reason } => {
            format!("The chain is broken at event #{event_id}: {reason}.")
        }
    };
    let rows: Vec<audit_page::AuditRow> = events
        .into_iter()
        .map(|e| audit_page::AuditRow {
            details: {
                let parsed = serde_json::from_str(&e.details).unwrap_or_default();
                if crate::auth::visibility::sees_audit_details(actor, &e.action, &parsed) {
                    e.details
                } else {
                    "(withheld: confidential)".into()
                }
            },
            id: e.id,
            when: e.occurred_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            actor: e.actor_id.map_or_else(
                || "system".into(),
                |id| {
                    names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("person #{id}"))
                },
            ),
            action: e.action,
            subject: match e.subject_id {
                Some(id) => format!("{} #{id}", e.subject_type),
                None => e.subject_type,
            },
            hash: e.hash,
        })
        .collect();
    let head = rows.first().map(|r| format!("{}:{}", r.id, r.hash));
    Ok(audit_page::audit_log(
        &page.chrome(),
        &rows,
        &verdict,
        head.as_deref(),
    ))
}

/// Unknown addresses: JSON under the API, a page elsewhere.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") {
        Err(ApiError(Error::NotFound).into())
    } else {
        Err(Error::NotFound.into())
    }
}
