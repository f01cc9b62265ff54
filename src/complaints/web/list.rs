//! The list of complaints (mine, my panels, the secretariat's register) and the filing form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use roundtable_templates::FormState;
use roundtable_templates::pages::complaints::{self as pages, FILE_FORM, Row};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action, Actor, Role};
use crate::auth::visibility::ComplaintSight;
use crate::complaints::rules::Seat;
use crate::complaints::store::{self, Case, ComplaintInput};
use crate::db::DbConn;
use crate::db::schema::organisations;
use crate::error::Error;
use crate::web::context::Page;
use crate::web::{forms, html, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/complaints", web::get().to(show))
        .route("/complaints", web::post().to(file));
}

fn row(case: &Case, today: chrono::NaiveDate) -> Row {
    let c = &case.complaint;
    let stage = case.stage();
    let role = match (case.standing.party(), case.standing.seat) {
        (_, Seat::Serving) => "on the panel".to_owned(),
        (_, Seat::Appointed) => "asked to sit on the panel".to_owned(),
        (Some(p), _) => p.as_str().to_owned(),
        (None, _) => "the secretariat (register)".to_owned(),
    };
    Row {
        id: c.id,
        reference: c.reference.clone(),
        stage: stage.label().to_owned(),
        stage_key: stage.as_str().to_owned(),
        due: c
            .due_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| "none".into()),
        overdue: c.due_on.is_some_and(|d| d < today),
        title: (case.sight == ComplaintSight::Content && c.erased_at.is_none())
            .then(|| c.title.clone()),
        role,
    }
}

/// Whom the person may file for: each organisation they belong to, and the secretariat.
fn file_as(conn: &mut DbConn, actor: &Actor) -> Result<pages::Options, Error> {
    let own: Vec<i64> = actor
        .roles
        .iter()
        .filter_map(|r| match r {
            Role::Member { organisation_id } => Some(*organisation_id),
            _ => None,
        })
        .collect();
    let names = crate::membership::organisations::names(conn, &own)?;
    let mut options: pages::Options = own
        .iter()
        .filter_map(|o| Some((o.to_string(), names.get(o)?.clone())))
        .collect();
    if permissions::may(
        actor,
        Action::FileComplaint {
            organisation_id: None,
        },
    ) {
        options.push(("secretariat".into(), "The secretariat".into()));
    }
    Ok(options)
}

fn respondents(conn: &mut DbConn) -> Result<pages::Options, Error> {
    let rows: Vec<(i64, String)> = organisations::table
        .filter(organisations::status.eq_any(["full", "associate"]))
        .order(organisations::name)
        .select((organisations::id, organisations::name))
        .load(conn)?;
    let mut options = vec![(String::new(), "None".to_owned())];
    options.extend(rows.into_iter().map(|(id, name)| (id.to_string(), name)));
    Ok(options)
}

async fn render(page: &Page, state: &AppState, form: FormState) -> Result<maud::Markup, Error> {
    let actor = page.actor()?.clone();
    let today = page.today();
    let view = state
        .db(move |conn| {
            let cases = store::visible(conn, &actor)?;
            if !super::sees_page(&actor) && cases.is_empty() {
                return Err(Error::NotFor(
                    "the people of member organisations and the secretariat",
                ));
            }
            let mine = cases
                .iter()
                .filter(|c| c.standing.party().is_some())
                .map(|c| row(c, today))
                .collect();
            let panels = cases
                .iter()
                .filter(|c| c.standing.seat != Seat::None)
                .map(|c| row(c, today))
                .collect();
            let register = permissions::may(&actor, Action::KeepComplaintsRegister)
                .then(|| cases.iter().map(|c| row(c, today)).collect());
            Ok(pages::ListView {
                mine,
                panels,
                register,
                file_as: file_as(conn, &actor)?,
                respondents: respondents(conn)?,
                form,
            })
        })
        .await?;
    Ok(pages::list(&page.chrome(), &view))
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<maud::Markup, Error> {
    render(&page, &state, FormState::default()).await
}

#[derive(Clone, Deserialize, Serialize)]
pub struct FileForm {
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    about: String,
    #[serde(default)]
    respondent_org: String,
    #[serde(default)]
    record_kind: String,
    #[serde(default)]
    record_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    filer_unnamed: Option<String>,
}

impl FileForm {
    fn input(&self) -> Result<ComplaintInput, Error> {
        let mut problems = crate::fields::Problems::default();
        let organisation_id = match self.organisation_id.trim() {
            "secretariat" => None,
            value => problems.need(
                "organisation_id",
                value.parse().ok(),
                "choose on whose behalf you file",
            ),
        };
        let respondent_org = problems.optional_id(
            "respondent_org",
            &self.respondent_org,
            "choose an organisation",
        );
        let record_id = problems.optional_id(
            "record_id",
            &self.record_id,
            "write the number in the record's address",
        );
        problems.finish(Some(ComplaintInput {
            organisation_id,
            about: self.about.clone(),
            respondent_org,
            record_kind: self.record_kind.clone(),
            record_id,
            title: self.title.clone(),
            body: self.body.clone(),
            filer_unnamed: crate::web::ticked(&self.filer_unnamed),
        }))
    }
}

async fn file(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<FileForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let form = form.into_inner();
    let today = page.today();
    let result = match form.input() {
        Ok(input) => {
            state
                .db(move |conn| store::file(conn, &actor, &input, today))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => {
            page.flash(
                roundtable_templates::FlashKind::Success,
                &format!("Complaint {} is filed. The secretariat acknowledges it within the time limit; a panel is then appointed.", c.reference),
            );
            Ok(see_other(&format!("/complaints/{}", c.id)))
        }
        Err(e) => match forms::refusal(FILE_FORM, &form, &e) {
            Some(refused) => Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page, &state, refused.state).await?,
            )),
            None => Err(e),
        },
    }
}
