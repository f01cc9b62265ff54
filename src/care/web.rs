//! The administrator's data-care page.

use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::care as pages;
use roundtable_templates::{FormState, Refusal};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::ticked;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/care", web::get().to(show))
        .route("/admin/care", web::post().to(save));
}

#[derive(Clone, Default, Deserialize, Serialize)]
struct CareForm {
    backup_daily: Option<String>,
    #[serde(default)]
    backup_keep: String,
    #[serde(default)]
    mail_body_days: String,
    #[serde(default)]
    session_days: String,
    #[serde(default)]
    throttle_days: String,
}

impl CareForm {
    fn choice(&self) -> Result<super::store::Choice, Error> {
        let mut problems = crate::error::FieldErrors::new();
        let mut number = |field: &str, value: &str| -> i32 {
            value.trim().parse().unwrap_or_else(|_| {
                problems.insert(
                    field.into(),
                    vec![format!("{value:?} is not a whole number")],
                );
                0
            })
        };
        let choice = super::store::Choice {
            backup_daily: ticked(&self.backup_daily),
            backup_keep: number("backup_keep", &self.backup_keep),
            mail_body_days: number("mail_body_days", &self.mail_body_days),
            session_days: number("session_days", &self.session_days),
            throttle_days: number("throttle_days", &self.throttle_days),
        };
        if problems.is_empty() {
            Ok(choice)
        } else {
            Err(Error::InvalidFields(problems))
        }
    }
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    page_with(&page, &state, None).await
}

async fn page_with(
    page: &Page,
    state: &AppState,
    refusal: Option<Refusal>,
) -> Result<Markup, Error> {
    let actor = page.actor()?;
    permissions::require(actor, Action::AdministerCoalition)?;
    let settings = state.db(super::store::get).await?;
    let form = match refusal {
        Some(r) => r.state,
        None => FormState::default().or_values(&[
            (
                "backup_daily",
                if settings.backup_daily { "on" } else { "" },
            ),
            ("backup_keep", &settings.backup_keep.to_string()),
            ("mail_body_days", &settings.mail_body_days.to_string()),
            ("session_days", &settings.session_days.to_string()),
            ("throttle_days", &settings.throttle_days.to_string()),
        ]),
    };
    let view = pages::CareView {
        folder: super::backup_folder(&state.settings.data_dir)
            .display()
            .to_string(),
        last_backup: settings.last_backup_at.map(|at| {
            (
                at.format("%Y-%m-%d %H:%M").to_string(),
                settings.last_backup_result.clone(),
            )
        }),
        form,
    };
    Ok(pages::care(&page.chrome(), &view))
}

async fn save(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<CareForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    // Who may, before what was sent: a refusal says so whatever the form held.
    permissions::require(&actor, Action::AdministerCoalition)?;
    let typed = form.into_inner();
    let result = match typed.choice() {
        Ok(choice) => {
            state
                .db(move |conn| super::store::save(conn, &actor, &choice))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: pages::CARE_FORM,
        form: &typed,
        back: "/admin/care".into(),
        success: "The data-care settings are saved.",
    };
    forms::answer(&page, sent, result, |refusal| async {
        let markup = page_with(&page, &state, Some(refusal)).await?;
        Ok(crate::web::html(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            markup,
        ))
    })
    .await
}
