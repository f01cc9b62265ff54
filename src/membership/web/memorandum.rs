//! The memorandum page: the current text, signatures, new versions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::memorandum::{self as pages, ADOPT_FORM};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::markdown;
use crate::membership::mou;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{after_action, html, parse_date};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/memorandum", web::get().to(show))
        .route("/memorandum", web::post().to(adopt))
        .route("/memorandum/{version}/signatures", web::post().to(sign));
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let view = view(&page, &state).await?;
    Ok(pages::memorandum(&page.chrome(), &view))
}

async fn view(page: &Page, state: &AppState) -> Result<pages::MemorandumView, Error> {
    let actor = page.actor()?;
    permissions::require(actor, Action::ViewDirectory)?;
    let (versions, signatures) = state
        .db(|conn| {
            let versions = mou::versions(conn)?;
            let signatures = match versions.first() {
                Some(v) => mou::signature_status(conn, v.id)?,
                None => Vec::new(),
            };
            Ok((versions, signatures))
        })
        .await?;
    let current = versions.first().map(|v| {
        (
            v.id,
            format!("Version {}, adopted {}", v.version_no, v.adopted_on),
            v.title.clone(),
            markdown::render(&v.body),
        )
    });
    let rows: Vec<pages::SignatureRow> = signatures
        .into_iter()
        .map(|(o, s)| pages::SignatureRow {
            organisation_id: o.id,
            organisation: o.name,
            signed: s.map(|s| format!("by {} on {}", s.signed_by_name, s.signed_on)),
        })
        .collect();
    let view = pages::MemorandumView {
        current,
        signed_count: rows.iter().filter(|r| r.signed.is_some()).count(),
        signatures: rows,
        earlier: versions
            .iter()
            .skip(1)
            .map(|v| {
                format!(
                    "Version {} ({}), adopted {}",
                    v.version_no, v.title, v.adopted_on
                )
            })
            .collect(),
        can_manage: permissions::may(actor, Action::ManageMembership),
        today: page.today().to_string(),
        refusal: None,
    };
    Ok(view)
}

#[derive(Clone, Deserialize, Serialize)]
struct AdoptForm {
    title: String,
    body: String,
    adopted_on: String,
}

async fn adopt(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<AdoptForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let f = typed.clone();
    let result = match parse_date(&f.adopted_on, "adopted on") {
        Ok(date) => {
            state
                .db(move |conn| mou::adopt(conn, &actor, &f.title, &f.body, date))
                .await
        }
        Err(e) => Err(Error::field("adopted_on", e.to_string())),
    };
    let sent = Sent {
        form_key: ADOPT_FORM,
        form: &typed,
        back: "/memorandum".into(),
        success: "The new version is adopted; every member now shows as not yet signed.",
    };
    // A new text of the memorandum is long: refused, it comes back whole.
    forms::answer(&page, sent, result, |refusal| async {
        let mut view = view(&page, &state).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::memorandum(&page.chrome(), &view),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct SignForm {
    organisation_id: i64,
    signed_by_name: String,
    signed_on: String,
    #[serde(default)]
    reference: String,
}

async fn sign(
    page: Page,
    state: web::Data<AppState>,
    version: web::Path<i64>,
    form: web::Form<SignForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let version = version.into_inner();
    let form = form.into_inner();
    let back = if permissions::may(&actor, Action::ManageMembership) {
        "/memorandum".to_owned()
    } else {
        format!("/organisations/{}", form.organisation_id)
    };
    let result = match parse_date(&form.signed_on, "date of signature") {
        Ok(date) => {
            state
                .db(move |conn| {
                    mou::sign(
                        conn,
                        &actor,
                        version,
                        form.organisation_id,
                        &form.signed_by_name,
                        date,
                        &form.reference,
                    )
                })
                .await
        }
        Err(e) => Err(e),
    };
    after_action(&page, result, &back, "The signature is recorded.")
}
