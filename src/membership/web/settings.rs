//! The coalition's settings page.

use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::settings as pages;
use serde::Deserialize;

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::coalition::{self, Options};
use crate::error::Error;
use crate::membership::organisations;
use crate::membership::rules::Side;
use crate::web::context::Page;
use crate::web::{after_action, ticked};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/settings", web::get().to(show))
        .route("/settings", web::post().to(save))
        .route("/settings/sectors", web::post().to(save_sector));
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
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
    };
    Ok(pages::settings(&page.chrome(), &view))
}

#[derive(Deserialize)]
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
    after_action(&page, result, "/settings", "The settings are saved.")
}

#[derive(Deserialize)]
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
    let result = match Side::parse(&form.side) {
        Some(side) => {
            state
                .db(move |conn| organisations::save_sector(conn, &actor, &form.name, side))
                .await
        }
        None => Err(Error::Invalid("choose a side".into())),
    };
    after_action(&page, result, "/settings", "The sector is saved.")
}
