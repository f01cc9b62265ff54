//! The procedure's settings, kept by the secretariat: the panel's size or a standing
//! committee, the time limits in working days, the reminders and the retention period.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use roundtable_templates::FormState;
use roundtable_templates::pages::complaints::{self as pages, SETTINGS_FORM};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::complaints::store::{self, SettingsInput};
use crate::error::Error;
use crate::web::context::Page;
use crate::web::{forms, html, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/complaints/settings", web::get().to(show))
        .route("/complaints/settings", web::post().to(save));
}

#[derive(Clone, Deserialize, Serialize)]
struct SettingsForm {
    #[serde(default)]
    panel_size: String,
    #[serde(default)]
    standing_committee: Option<String>,
    #[serde(default)]
    committee: String,
    #[serde(default)]
    acknowledge_days: String,
    #[serde(default)]
    assess_days: String,
    #[serde(default)]
    dialogue_days: String,
    #[serde(default)]
    answer_days: String,
    #[serde(default)]
    close_days: String,
    #[serde(default)]
    reminder_days: String,
    #[serde(default)]
    retention_years: String,
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<maud::Markup, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::KeepComplaintsRegister)?;
    let (s, committee) = state
        .db(|conn| Ok((store::settings(conn)?, store::committee_emails(conn)?)))
        .await?;
    let n = |v: i32| v.to_string();
    let values = [
        ("panel_size", n(s.panel_size)),
        (
            "standing_committee",
            if s.standing_committee {
                "on".into()
            } else {
                String::new()
            },
        ),
        ("committee", committee.join("\n")),
        ("acknowledge_days", n(s.acknowledge_days)),
        ("assess_days", n(s.assess_days)),
        ("dialogue_days", n(s.dialogue_days)),
        ("answer_days", n(s.answer_days)),
        ("close_days", n(s.close_days)),
        ("reminder_days", n(s.reminder_days)),
        ("retention_years", n(s.retention_years)),
    ];
    let defaults: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let form = FormState::default().or_values(&defaults);
    Ok(pages::settings(
        &page.chrome(),
        &pages::SettingsView { form },
    ))
}

async fn save(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let form = form.into_inner();
    // Refused before anything is read: the settings are the secretariat's alone.
    permissions::require(&actor, Action::KeepComplaintsRegister)?;
    let mut problems = crate::fields::Problems::default();
    let mut number = |field: &str, value: &str, range: std::ops::RangeInclusive<i32>| {
        let parsed = value
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|v| range.contains(v));
        problems.need(
            field,
            parsed,
            &format!(
                "write a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        )
    };
    let panel_size = number("panel_size", &form.panel_size, 1..=7);
    let acknowledge_days = number("acknowledge_days", &form.acknowledge_days, 1..=60);
    let assess_days = number("assess_days", &form.assess_days, 1..=120);
    let dialogue_days = number("dialogue_days", &form.dialogue_days, 1..=250);
    let answer_days = number("answer_days", &form.answer_days, 1..=60);
    let close_days = number("close_days", &form.close_days, 1..=60);
    let reminder_days = number("reminder_days", &form.reminder_days, 0..=30);
    let retention_years = number("retention_years", &form.retention_years, 1..=30);
    let input = (|| {
        Some(SettingsInput {
            panel_size: panel_size?,
            acknowledge_days: acknowledge_days?,
            assess_days: assess_days?,
            dialogue_days: dialogue_days?,
            answer_days: answer_days?,
            close_days: close_days?,
            reminder_days: reminder_days?,
            retention_years: retention_years?,
            standing_committee: crate::web::ticked(&form.standing_committee),
            committee: form
                .committee
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    })();
    let result = match problems.finish(input) {
        Ok(input) => {
            state
                .db(move |conn| store::save_settings(conn, &actor, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            page.flash(
                roundtable_templates::FlashKind::Success,
                "The procedure's settings are saved.",
            );
            Ok(see_other("/complaints/settings"))
        }
        Err(e) => match forms::refusal(SETTINGS_FORM, &form, &e) {
            Some(refused) => Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                pages::settings(
                    &page.chrome(),
                    &pages::SettingsView {
                        form: refused.state,
                    },
                ),
            )),
            None => Err(e),
        },
    }
}
