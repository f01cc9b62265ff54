//! The list of evaluations and the form that opens one.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use roundtable_templates::FormState;
use roundtable_templates::pages::evaluations::{self as pages, NEW_FORM};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::db::schema::meetings;
use crate::error::Error;
use crate::evaluations::store::{self, EvaluationInput};
use crate::web::context::Page;
use crate::web::{forms, html, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/evaluations", web::get().to(show))
        .route("/evaluations", web::post().to(create));
}

async fn render(
    page: &Page,
    state: &AppState,
    form: Option<FormState>,
) -> Result<maud::Markup, Error> {
    let actor = page.actor()?.clone();
    if !super::sees_page(&actor) {
        return Err(Error::NotFor(
            "the secretariat, the people of member organisations and evaluators",
        ));
    }
    let today = page.today();
    let view = state
        .db(move |conn| {
            let rows = store::visible(conn, &actor)?
                .into_iter()
                .map(|e| {
                    let status = store::status_of(&e);
                    pages::Row {
                        id: e.id,
                        title: e.title,
                        period: format!("{} to {}", e.period_from, e.period_until),
                        status: status.label().into(),
                        status_key: status.as_str().into(),
                    }
                })
                .collect();
            let (new, form) = if permissions::may(&actor, Action::ManageEvaluations) {
                let plenaries: Vec<(i64, String, chrono::NaiveDateTime)> = meetings::table
                    .filter(meetings::kind.eq_any(["plenary", "extraordinary"]))
                    .filter(meetings::starts_at.ge(today.and_hms_opt(0, 0, 0).unwrap_or_default()))
                    .order(meetings::starts_at)
                    .limit(20)
                    .select((meetings::id, meetings::title, meetings::starts_at))
                    .load(conn)?;
                let mut options = vec![(String::new(), "Not chosen yet".to_owned())];
                options.extend(plenaries.into_iter().map(|(id, title, at)| {
                    (
                        id.to_string(),
                        format!("{title}, {}", at.format("%Y-%m-%d")),
                    )
                }));
                let (from, until) = store::suggested_period(conn, today)?;
                let year = chrono::Datelike::year(&until);
                let form = form.unwrap_or_default().or_values(&[
                    ("title", &format!("Annual review {year}")),
                    ("kind", "annual"),
                    ("period_from", &from.to_string()),
                    ("period_until", &until.to_string()),
                ]);
                (Some(options), form)
            } else {
                (None, FormState::default())
            };
            Ok(pages::ListView { rows, new, form })
        })
        .await?;
    Ok(pages::list(&page.chrome(), &view))
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<maud::Markup, Error> {
    render(&page, &state, None).await
}

#[derive(Clone, Deserialize, Serialize)]
struct NewForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    period_from: String,
    #[serde(default)]
    period_until: String,
    #[serde(default)]
    questionnaire_opens: String,
    #[serde(default)]
    questionnaire_closes: String,
    #[serde(default)]
    report_due: String,
    #[serde(default)]
    plenary_meeting_id: String,
}

impl NewForm {
    fn input(&self) -> Result<EvaluationInput, Error> {
        let mut problems = crate::fields::Problems::default();
        let mut date = |field: &str, value: &str, what: &str| match value.trim() {
            "" => None,
            v => problems.date(field, v, what),
        };
        let period_from = date("period_from", &self.period_from, "the first day");
        let period_until = date("period_until", &self.period_until, "the last day");
        let questionnaire_opens = date(
            "questionnaire_opens",
            &self.questionnaire_opens,
            "the opening day",
        );
        let questionnaire_closes = date(
            "questionnaire_closes",
            &self.questionnaire_closes,
            "the closing day",
        );
        let report_due = date("report_due", &self.report_due, "the report's due date");
        let plenary_meeting_id = problems.optional_id(
            "plenary_meeting_id",
            &self.plenary_meeting_id,
            "choose a plenary",
        );
        problems.finish(Some(EvaluationInput {
            title: self.title.clone(),
            kind: self.kind.clone(),
            period_from,
            period_until,
            questionnaire_opens,
            questionnaire_closes,
            report_due,
            plenary_meeting_id,
        }))
    }
}

async fn create(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<NewForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ManageEvaluations)?;
    let form = form.into_inner();
    let result = match form.input() {
        Ok(input) => {
            state
                .db(move |conn| store::create(conn, &actor, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(e) => {
            page.flash(
                roundtable_templates::FlashKind::Success,
                "The evaluation is open: appoint its evaluators.",
            );
            Ok(see_other(&format!("/evaluations/{}", e.id)))
        }
        Err(e) => match forms::refusal(NEW_FORM, &form, &e) {
            Some(refused) => Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page, &state, Some(refused.state)).await?,
            )),
            None => Err(e),
        },
    }
}
