//! The coalition's settings page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::settings as pages;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::coalition::{self, Options};
use crate::error::Error;
use crate::membership::organisations;
use crate::membership::rules::Side;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, ticked};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(show))
        .route("/settings", web::post().to(save))
        .route("/settings/sectors", web::post().to(save_sector));
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let view = view(&page, &state).await?;
    Ok(pages::settings(&page.chrome(), &view))
}

/// The settings page's answer to one of its forms (see `forms::answer`).
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
            pages::settings(&page.chrome(), &view),
        ))
    })
    .await
}

async fn view(page: &Page, state: &AppState) -> Result<pages::SettingsView, Error> {
    permissions::require(page.actor()?, Action::ManageCoalitionSettings)?;
    let (c, sectors) = state
        .db(|conn| {
            Ok((
                coalition::get(conn)?.ok_or(Error::NotFound)?,
                organisations::sectors(conn)?,
            ))
        })
        .await?;
    let view = pages::SettingsView {
        publish_member_list: c.publish_member_list,
        public_applications: c.public_applications,
        fees_enabled: c.fees_enabled,
        publish_statements: c.publish_statements,
        sectors: sectors
            .into_iter()
            .map(|s| {
                let side = organisations::side_of(&s).label().to_owned();
                (s.name, side)
            })
            .collect(),
        refusal: None,
    };
    Ok(view)
}

#[derive(Deserialize, Serialize)]
struct OptionsForm {
    publish_member_list: Option<String>,
    public_applications: Option<String>,
    fees_enabled: Option<String>,
    publish_statements: Option<String>,
}

async fn save(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<OptionsForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let options = Options {
        publish_member_list: ticked(&form.publish_member_list),
        public_applications: ticked(&form.public_applications),
        fees_enabled: ticked(&form.fees_enabled),
        publish_statements: ticked(&form.publish_statements),
    };
    let result = state
        .db(move |conn| coalition::set_options(conn, &actor, options))
        .await;
    let sent = Sent {
        form_key: pages::OPTIONS_FORM,
        form: &form.into_inner(),
        back: "/settings".into(),
        success: "The settings are saved.",
    };
    answer(&page, &state, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct SectorForm {
    name: String,
    side: String,
}

async fn save_sector(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SectorForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let form = form.into_inner();
    let name = form.name.clone();
    let result = match Side::parse(&form.side) {
        Some(side) => {
            state
                .db(move |conn| organisations::save_sector(conn, &actor, &name, side))
                .await
        }
        None => Err(Error::field("side", "choose a side")),
    };
    let sent = Sent {
        form_key: pages::SECTOR_FORM,
        form: &form,
        back: "/settings#sectors".into(),
        success: "The sector is saved.",
    };
    answer(&page, &state, sent, result).await
}
