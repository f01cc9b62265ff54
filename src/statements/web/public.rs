//! The public pages of published statements and the receipt a signatory downloads.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::statements::public as pages;

use super::{day, minute};
use crate::AppState;
use crate::error::Error;
use crate::markdown;
use crate::statements::rules::Status;
use crate::statements::{rounds, store};
use crate::web::context::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/public/statements", web::get().to(list))
        .route("/public/statements/{id}", web::get().to(show))
        .route(
            "/statements/{id}/receipts/{organisation}",
            web::get().to(receipt),
        );
}

/// Only when the coalition publishes statements; otherwise the pages do not exist.
fn require_publishing(conn: &mut crate::db::DbConn) -> Result<String, Error> {
    match crate::coalition::get(conn)? {
        Some(c) if c.publish_statements => Ok(c.name),
        _ => Err(Error::NotFound),
    }
}

async fn list(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let rows = state
        .db(|conn| {
            require_publishing(conn)?;
            Ok(store::list(conn)?
                .into_iter()
                .filter(|s| store::status_of(s) == Status::Published)
                .map(|s| pages::PublicRow {
                    id: s.id,
                    title: s.title,
                    published: s.published_at.map(day).unwrap_or_default(),
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(pages::list(&page.chrome_without_forms(), &rows))
}

async fn show(page: Page, state: web::Data<AppState>, id: web::Path<i64>) -> Result<Markup, Error> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let coalition = require_publishing(conn)?;
            let s = store::get(conn, id)?;
            let version_id = s.published_version_id.ok_or(Error::NotFound)?;
            if store::status_of(&s) != Status::Published {
                return Err(Error::NotFound);
            }
            let version = store::version_by_id(conn, version_id)?;
            Ok(pages::PublicStatement {
                title: s.title,
                coalition,
                published: s.published_at.map(day).unwrap_or_default(),
                html: markdown::render(&version.body),
                content_hash: version.content_hash,
                signatories: rounds::signatories_of(conn, id)?
                    .into_iter()
                    .map(|x| x.organisation_name)
                    .collect(),
            })
        })
        .await?;
    Ok(pages::statement(&page.chrome_without_forms(), &view))
}

/// The receipt, as plain text: for the organisation's own people and the drafters.
async fn receipt(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, organisation_id) = path.into_inner();
    let base_url = state.settings.base_url.trim_end_matches('/').to_owned();
    let text = state
        .db(move |conn| {
            let s = store::get(conn, id)?;
            let own = crate::membership::people::affiliation_of(conn, actor.id())?
                .is_some_and(|(_, o)| o.id == organisation_id);
            if !own && !store::may_draft(&actor, &s) {
                return Err(Error::Forbidden);
            }
            let r = rounds::receipt(conn, id, organisation_id)?;
            let coalition = crate::mail::compose::coalition_name(conn)?;
            Ok(pages::receipt_text(&pages::ReceiptView {
                coalition,
                title: r.statement.title.clone(),
                organisation: r.signatory.organisation_name.clone(),
                content_hash: r.content_hash.clone(),
                published: r.statement.published_at.map(minute).unwrap_or_default(),
                approved: minute(r.signatory.approved_at),
                approved_by: r.approved_by.clone(),
                authorised: r.signatory.authorised_at.map(|t| {
                    (
                        minute(t),
                        r.authorised_by.clone().unwrap_or_default(),
                        r.signatory.authorisation_reference.clone(),
                    )
                }),
                public_url: format!("{base_url}/public/statements/{id}"),
                witness: r
                    .statement
                    .published_audit_seq
                    .zip(r.statement.published_audit_hash.clone())
                    .map(|(seq, hash)| format!("{seq}:{hash}")),
            }))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "inline; filename=\"receipt-statement-{id}-organisation-{organisation_id}.txt\""
            ),
        ))
        .body(text))
}
