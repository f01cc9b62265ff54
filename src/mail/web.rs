//! The outbox page, the retry and test buttons, and mail preferences.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use maud::Markup;
use roundtable_templates::FlashKind;
use roundtable_templates::pages::mail as pages;
use serde::Deserialize;

use super::model::DELIVERY_STATUSES;
use super::outbox::Recipient;
use super::{compose, worker};
use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::db::schema::{mail_preferences, outbox_deliveries};
use crate::error::Error;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, see_other, ticked};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/mail", web::get().to(outbox))
        .route("/mail/test", web::post().to(test_mail))
        .route("/mail/{id}/retry", web::post().to(retry))
        .route("/account/mail", web::get().to(preferences))
        .route("/account/mail", web::post().to(save_preferences));
}

#[derive(Deserialize)]
struct Filter {
    status: Option<String>,
}

async fn outbox(
    page: Page,
    state: web::Data<AppState>,
    filter: web::Query<Filter>,
) -> Result<Markup, Error> {
    let view = outbox_view(&page, &state, filter.into_inner().status).await?;
    Ok(pages::outbox(&page.chrome(), &view))
}

async fn outbox_view(
    page: &Page,
    state: &AppState,
    status: Option<String>,
) -> Result<pages::OutboxView, Error> {
    let actor = page.actor()?;
    permissions::require(actor, Action::ManageMail)?;
    let status = status.filter(|s| DELIVERY_STATUSES.contains(&s.as_str()));
    let s = status.clone();
    let (rows, counts) = state
        .db(move |conn| {
            let rows = worker::list(conn, s.as_deref(), 300)?;
            let mut counts = Vec::new();
            for st in DELIVERY_STATUSES {
                let n: i64 = outbox_deliveries::table
                    .filter(outbox_deliveries::status.eq(st))
                    .count()
                    .get_result(conn)?;
                counts.push((st.to_owned(), n));
            }
            Ok((rows, counts))
        })
        .await?;
    let view = pages::OutboxView {
        transport: state.mail.describe_for_people(),
        counts,
        filter: status.unwrap_or_else(|| "in the outbox".into()),
        rows: rows
            .into_iter()
            .map(|(d, m)| pages::DeliveryRow {
                id: d.id,
                subject: m.subject,
                recipient: format!("{} <{}>", d.recipient_name, d.recipient_email),
                may_retry: d.status == "failed",
                status: d.status,
                attempts: d.attempts,
                when: d.created_at.format("%Y-%m-%d %H:%M").to_string(),
                error: d.last_error.unwrap_or_default(),
            })
            .collect(),
        can_test: permissions::may(actor, Action::AdministerCoalition),
        refusal: None,
    };
    Ok(view)
}

async fn test_mail(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::AdministerCoalition)?;
    let to = Recipient {
        name: actor.person.name.clone(),
        email: actor.person.email.clone(),
        person_id: Some(actor.id()),
    };
    state
        .db(move |conn| crate::db::write_tx(conn, |conn| compose::test_mail(conn, to)))
        .await?;
    page.flash(
        FlashKind::Success,
        "A test mail is queued to you; it goes out within seconds.",
    );
    Ok(see_other("/mail"))
}

async fn retry(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state.db(move |conn| worker::retry(conn, &actor, id)).await;
    let sent = Sent {
        form_key: &pages::retry_form(id),
        form: &forms::NoFields {},
        back: "/mail?status=failed".into(),
        success: "The delivery is queued again.",
    };
    forms::answer(&page, sent, result, |refusal| async {
        let mut view = outbox_view(&page, &state, Some("failed".into())).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::outbox(&page.chrome(), &view),
        ))
    })
    .await
}

async fn preferences(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let id = page.actor()?.id();
    let essential = state
        .db(move |conn| {
            Ok(mail_preferences::table
                .find(id)
                .select(mail_preferences::essential_only)
                .first::<bool>(conn)
                .optional()?
                .unwrap_or(false))
        })
        .await?;
    Ok(pages::preferences(&page.chrome(), essential))
}

#[derive(Deserialize)]
struct PreferencesForm {
    essential_only: Option<String>,
}

async fn save_preferences(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<PreferencesForm>,
) -> Result<HttpResponse, Error> {
    let id = page.actor()?.id();
    let essential = ticked(&form.essential_only);
    state
        .db(move |conn| {
            crate::db::write_tx(conn, |conn| {
                diesel::delete(mail_preferences::table.find(id)).execute(conn)?;
                diesel::insert_into(mail_preferences::table)
                    .values((
                        mail_preferences::person_id.eq(id),
                        mail_preferences::essential_only.eq(essential),
                    ))
                    .execute(conn)?;
                crate::audit::record(
                    conn,
                    Some(id),
                    "mail.preferences",
                    crate::audit::Subject::new("person", id),
                    serde_json::json!({ "essential_only": essential }),
                )
            })
        })
        .await?;
    page.flash(FlashKind::Success, "Your mail preferences are saved.");
    Ok(see_other("/account/mail"))
}
