//! The memorandum page: the current text, signatures, new versions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::memorandum::{self as pages, ADOPT_FORM, SIGN_FORM};
use roundtable_templates::pages::membership::organisation as organisation_page;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::markdown;
use crate::membership::mou;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, parse_date};

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

/// The memorandum page's answer to one of its forms (see `forms::answer`): refused, the page
/// again with the form as typed (a new text of the memorandum is long: it comes back whole).
async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| async move {
        let mut view = view(page, state).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::memorandum(&page.chrome(), &view),
        ))
    })
    .await
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
    answer(&page, &state, sent, result).await
}

#[derive(Deserialize, Serialize)]
struct SignForm {
    organisation_id: i64,
    signed_by_name: String,
    signed_on: String,
    #[serde(default)]
    reference: String,
    /// "organisation" when sent from the organisation's page, which it then returns to.
    #[serde(default)]
    from: String,
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
    let organisation_id = form.organisation_id;
    let result = match parse_date(&form.signed_on, "date of signature") {
        Ok(date) => {
            let (name, reference) = (form.signed_by_name.clone(), form.reference.clone());
            state
                .db(move |conn| {
                    mou::sign(
                        conn,
                        &actor,
                        version,
                        organisation_id,
                        &name,
                        date,
                        &reference,
                    )
                })
                .await
        }
        Err(e) => Err(Error::field("signed_on", e.to_string())),
    };
    let success = "The signature is recorded.";
    if form.from == "organisation" {
        let sent = Sent {
            form_key: organisation_page::SIGN_FORM,
            form: &form,
            back: format!("/organisations/{organisation_id}#mou"),
            success,
        };
        return super::organisations::answer(&page, &state, organisation_id, sent, result).await;
    }
    let sent = Sent {
        form_key: SIGN_FORM,
        form: &form,
        back: "/memorandum#signatures".into(),
        success,
    };
    answer(&page, &state, sent, result).await
}
