//! The form that plans or changes a meeting.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use roundtable_templates::pages::meetings::meeting as pages;
use roundtable_templates::{FlashKind, FormState};

use crate::AppState;
use crate::auth::permissions::{self, Action, Actor};
use crate::error::Error;
use crate::meetings::input::MeetingFields;
use crate::meetings::rules::{self, Kind};
use crate::meetings::store;
use crate::web::context::Page;
use crate::web::{forms, html, see_other};

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings/new", web::get().to(new_form))
        .route("/meetings", web::post().to(create))
        .route("/meetings/{id}/edit", web::get().to(edit_form))
        .route("/meetings/{id}", web::post().to(update));
}

async fn render_form(
    page: &Page,
    state: &web::Data<AppState>,
    title: &str,
    action: String,
    form: &FormState,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let (groups, venues) = state
        .db(|conn| Ok((crate::membership::groups::list(conn)?, store::venues(conn)?)))
        .await?;
    let view = pages::MeetingFormView {
        title: title.to_owned(),
        action,
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
            .collect(),
        groups: std::iter::once((String::new(), "—".to_owned()))
            .chain(
                groups
                    .into_iter()
                    .filter(|g| g.status == "active")
                    .map(|g| (g.id.to_string(), g.name)),
            )
            .collect(),
        venues: std::iter::once((String::new(), "to be decided / online only".to_owned()))
            .chain(
                venues
                    .into_iter()
                    .filter(|v| v.active)
                    .map(|v| (v.id.to_string(), v.name)),
            )
            .collect(),
        problem,
    };
    Ok(html(
        status,
        pages::meeting_form(&page.chrome(), &view, form),
    ))
}

async fn new_form(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let actor = page.actor()?;
    if !permissions::may(actor, Action::ManageMeetings)
        && !actor
            .roles
            .iter()
            .any(|r| matches!(r, crate::auth::Role::Convenor { .. }))
    {
        return Err(Error::Forbidden);
    }
    let mut form = FormState::default();
    for (k, v) in [("kind", "ad_hoc"), ("start", "10:00"), ("end", "12:00")] {
        form.values.insert(k.into(), v.into());
    }
    form.values.insert(
        "date".into(),
        (page.today() + chrono::Duration::days(14)).to_string(),
    );
    render_form(
        &page,
        &state,
        "New meeting",
        "/meetings".into(),
        &form,
        None,
        StatusCode::OK,
    )
    .await
}

async fn create(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<MeetingFields>,
) -> Result<HttpResponse, Error> {
    let actor: Actor = page.actor()?.clone();
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(input) => {
            state
                .db(move |conn| store::create(conn, &actor, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => {
            page.flash(FlashKind::Success, "The meeting is planned.");
            Ok(see_other(&format!("/meetings/{}", m.id)))
        }
        // A venue or group chosen from the list may be gone meanwhile: said, the rest kept.
        Err(Error::NotFound) => {
            let gone = Error::Invalid("the venue or working group chosen no longer exists".into());
            refused(
                &page,
                &state,
                "New meeting",
                "/meetings".into(),
                &form,
                gone,
            )
            .await
        }
        Err(e) => refused(&page, &state, "New meeting", "/meetings".into(), &form, e).await,
    }
}

/// The meeting form again, as typed, with the service's reasons beside their fields (or
/// above the form); an error that is not a refusal is an error page.
async fn refused(
    page: &Page,
    state: &web::Data<AppState>,
    title: &str,
    action: String,
    form: &MeetingFields,
    error: Error,
) -> Result<HttpResponse, Error> {
    let Some((kept, problem)) = forms::refused_form(form, &error) else {
        return Err(error);
    };
    render_form(
        page,
        state,
        title,
        action,
        &kept,
        problem,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn edit_form(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let m = state.db(move |conn| store::get(conn, id)).await?;
    store::require_manage(&actor, &m)?;
    let zone = store::zone_of(&m);
    let (start, end) = (
        rules::local(m.starts_at, zone),
        rules::local(m.ends_at, zone),
    );
    let mut form = FormState::default();
    for (k, v) in [
        ("kind", m.kind.clone()),
        (
            "group_id",
            m.group_id.map(|g| g.to_string()).unwrap_or_default(),
        ),
        ("title", m.title.clone()),
        ("date", start.date().to_string()),
        ("start", start.format("%H:%M").to_string()),
        ("end", end.format("%H:%M").to_string()),
        ("time_zone", m.time_zone.clone()),
        (
            "venue_id",
            m.venue_id.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("online_url", m.online_url.clone()),
        ("media_reason", m.media_reason.clone()),
    ] {
        form.values.insert(k.into(), v);
    }
    if m.visibility == "public" {
        form.values.insert("public".into(), "on".into());
    }
    if m.media_open {
        form.values.insert("media_open".into(), "on".into());
    }
    render_form(
        &page,
        &state,
        "Change the meeting",
        format!("/meetings/{id}"),
        &form,
        None,
        StatusCode::OK,
    )
    .await
}

async fn update(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<MeetingFields>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(input) => {
            state
                .db(move |conn| store::update(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            page.flash(FlashKind::Success, "The meeting is changed.");
            Ok(see_other(&format!("/meetings/{id}")))
        }
        Err(e) => {
            let title = "Change the meeting";
            refused(&page, &state, title, format!("/meetings/{id}"), &form, e).await
        }
    }
}
