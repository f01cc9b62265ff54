//! An organisation's page, its form, and the secretariat's actions on it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::FormState;
use roundtable_templates::pages::membership::organisation as pages;
use serde::{Deserialize, Serialize};

use super::{roles_text, status_label};
use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::auth::store as people_store;
use crate::error::Error;
use crate::membership::input::{OrganisationFields, PersonFields, StatusFields};
use crate::membership::organisations;
use crate::membership::people as members;
use crate::membership::rules::{self, Status, format_amount};
use crate::membership::{fees, groups, mou};
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/organisations/new", web::get().to(new_form))
        .route("/organisations", web::post().to(create))
        .route("/organisations/{id}", web::get().to(show))
        .route("/organisations/{id}/edit", web::get().to(edit_form))
        .route("/organisations/{id}", web::post().to(update))
        .route("/organisations/{id}/status", web::post().to(change_status))
        .route("/organisations/{id}/people", web::post().to(add_person))
        .route(
            "/organisations/{id}/primary",
            web::post().to(replace_primary),
        );
}

async fn sector_options(state: &web::Data<AppState>) -> Result<Vec<(String, String)>, Error> {
    let sectors = state.db(organisations::sectors).await?;
    Ok(std::iter::once((String::new(), "choose…".to_owned()))
        .chain(sectors.into_iter().map(|s| {
            (
                s.id.to_string(),
                format!(
                    "{} ({})",
                    s.name,
                    rules::Side::parse(&s.side).map_or("", |x| x.label())
                ),
            )
        }))
        .collect())
}

async fn render_form(
    page: &Page,
    state: &web::Data<AppState>,
    is_new: bool,
    action: String,
    form: &FormState,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let view = pages::OrganisationFormView {
        title: if is_new {
            "Add an organisation"
        } else {
            "Edit the organisation"
        },
        action,
        sectors: sector_options(state).await?,
        is_new,
        problem,
    };
    Ok(html(
        status,
        pages::organisation_form(&page.chrome(), &view, form),
    ))
}

async fn new_form(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    permissions::require(page.actor()?, Action::ManageMembership)?;
    let mut form = FormState::default();
    form.values
        .insert("effective_on".into(), page.today().to_string());
    form.values.insert("status".into(), "full".into());
    render_form(
        &page,
        &state,
        true,
        "/organisations".into(),
        &form,
        None,
        StatusCode::OK,
    )
    .await
}

async fn create(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<OrganisationFields>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ManageMembership)?;
    let form = form.into_inner();
    let result = match form.new_organisation() {
        Ok(new) => {
            state
                .db(move |conn| {
                    let created = organisations::create(
                        conn,
                        &actor,
                        &new.details,
                        new.status,
                        new.effective_on,
                        &new.reason,
                        new.primary.as_ref(),
                    )?;
                    crate::schedule::membership_changed(conn)?;
                    Ok(created)
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((organisation, invited)) => {
            let mut message = format!("{} is recorded.", organisation.name);
            if let Some(person) = invited {
                message.push_str(&format!(
                    " {} is mailed an invitation to set a password ({}).",
                    person.name, person.email
                ));
            }
            page.flash(roundtable_templates::FlashKind::Success, &message);
            Ok(see_other(&format!("/organisations/{}", organisation.id)))
        }
        Err(e) => refused(&page, &state, true, "/organisations".into(), &form, e).await,
    }
}

/// The organisation form again, as typed, with the reasons beside their fields (or above
/// the form); an error that is not a refusal is an error page.
async fn refused(
    page: &Page,
    state: &web::Data<AppState>,
    is_new: bool,
    action: String,
    form: &OrganisationFields,
    error: Error,
) -> Result<HttpResponse, Error> {
    let Some((kept, problem)) = forms::refused_form(form, &error) else {
        return Err(error);
    };
    let status = match error {
        Error::Conflict(_) => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    render_form(page, state, is_new, action, &kept, problem, status).await
}

async fn show(page: Page, state: web::Data<AppState>, id: web::Path<i64>) -> Result<Markup, Error> {
    let view = view(&page, &state, id.into_inner()).await?;
    Ok(pages::organisation(&page.chrome(), &view))
}

/// The organisation page's answer to one of its forms (see `forms::answer`): refused, the
/// page again with the form as typed, open at it.
pub(super) async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    id: i64,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| async move {
        let mut view = view(page, state, id).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::organisation(&page.chrome(), &view),
        ))
    })
    .await
}

async fn view(page: &Page, state: &AppState, id: i64) -> Result<pages::OrganisationView, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewDirectory)?;
    let can_manage = permissions::may(&actor, Action::ManageMembership);
    let can_sign = permissions::may(
        &actor,
        Action::SignMemorandum {
            organisation_id: id,
        },
    );
    let fees_enabled = page.coalition.as_ref().is_some_and(|c| c.fees_enabled)
        && crate::auth::visibility::sees_fees_of(&actor, id);
    let data = state
        .db(move |conn| {
            let (organisation, sector) = organisations::with_sector(conn, id)?;
            let people = members::people_of(conn, id)?;
            let history = organisations::history(conn, id)?;
            let deciders: Vec<i64> = history.iter().filter_map(|e| e.decided_by).collect();
            let deciders = people_store::names(conn, &deciders)?;
            let ledger = if fees_enabled {
                Some(fees::ledger_of(conn, id)?)
            } else {
                None
            };
            let memorandum = mou::signature_of(conn, id)?;
            let groups = groups::groups_of(conn, id)?;
            let attended = crate::meetings::attendance::history_of(conn, id)?;
            Ok((
                organisation,
                sector,
                people,
                history,
                deciders,
                ledger,
                memorandum,
                (groups, attended),
            ))
        })
        .await?;
    let (organisation, sector, people, history, deciders, ledger, memorandum, (groups, attended)) =
        data;
    let status = organisations::status_of(&organisation);
    let side = organisations::side_of(&sector);
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
    let view = pages::OrganisationView {
        id,
        name: organisation.name.clone(),
        short_name: organisation.short_name.clone(),
        sector: sector.name.clone(),
        side: side.label().to_owned(),
        status: status.label().to_owned(),
        status_key: status.as_str().to_owned(),
        admitted_on: organisation.admitted_on.map(|d| d.to_string()),
        facts: vec![
            ("Region".into(), organisation.region.clone()),
            (
                "Needs internal authorisation".into(),
                yes_no(organisation.needs_authorisation),
            ),
            (
                "Offers its premises as a venue".into(),
                yes_no(organisation.offers_venue),
            ),
            (
                "Fee tier".into(),
                organisation.fee_tier.clone().unwrap_or_else(|| "—".into()),
            ),
        ],
        show_contact: true,
        contact: vec![
            ("Address".into(), organisation.address.clone()),
            ("Website".into(), organisation.website.clone()),
            ("Email".into(), organisation.email.clone()),
            ("Telephone".into(), organisation.phone.clone()),
        ],
        people: people
            .iter()
            .map(|(p, a)| pages::PersonRow {
                id: p.id,
                name: p.name.clone(),
                email: p.email.clone(),
                roles: roles_text(a.representation.as_deref(), a.is_authoriser),
                job_title: a.job_title.clone(),
                active: p.active,
                invited: p.password_hash.is_none(),
            })
            .collect(),
        history: history
            .iter()
            .map(|e| pages::HistoryRow {
                date: e.effective_on.to_string(),
                change: match &e.from_status {
                    Some(from) => {
                        format!("{} → {}", status_label(from), status_label(&e.to_status))
                    }
                    None => format!("recorded as {}", status_label(&e.to_status).to_lowercase()),
                },
                by: e
                    .decided_by
                    .and_then(|d| deciders.get(&d).cloned())
                    .unwrap_or_else(|| "—".into()),
                reason: e.reason.clone(),
            })
            .collect(),
        fees: ledger.map(|rows| {
            rows.into_iter()
                .map(|f| pages::FeeRow {
                    year: f.year,
                    tier: f.tier,
                    amount: format_amount(f.amount_cents, &f.currency),
                    status: f.status,
                    paid: match f.paid_on {
                        Some(d) => format!("{d} {}", f.reference),
                        None => f.note,
                    },
                })
                .collect()
        }),
        memorandum: memorandum.map(|(v, s)| {
            (
                v.id,
                format!("Version {} of {}", v.version_no, v.adopted_on),
                s.map(|s| format!("by {} on {}", s.signed_by_name, s.signed_on)),
            )
        }),
        groups: groups.into_iter().map(|g| (g.id, g.name)).collect(),
        attendance: attended
            .into_iter()
            .map(|(m, a)| {
                let status = if a.represented_by.is_empty() {
                    a.status
                } else {
                    format!("{} ({})", a.status, a.represented_by)
                };
                (
                    m.id,
                    m.title,
                    m.starts_at.format("%Y-%m-%d").to_string(),
                    status,
                )
            })
            .collect(),
        can_manage,
        can_sign: can_sign && status.participates(),
        status_options: Status::ALL
            .iter()
            .filter(|to| rules::check_transition(status, **to).is_ok())
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
        people_options: people
            .iter()
            .filter(|(p, a)| p.active && a.representation.as_deref() != Some("primary"))
            .map(|(p, _)| (p.id.to_string(), p.name.clone()))
            .collect(),
        today: page.today().to_string(),
        refusal: None,
    };
    Ok(view)
}

async fn edit_form(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    permissions::require(page.actor()?, Action::ManageMembership)?;
    let id = id.into_inner();
    let o = state.db(move |conn| organisations::get(conn, id)).await?;
    let mut form = FormState::default();
    for (k, v) in [
        ("name", o.name),
        ("short_name", o.short_name),
        ("sector_id", o.sector_id.to_string()),
        ("region", o.region),
        ("address", o.address),
        ("website", o.website),
        ("email", o.email),
        ("phone", o.phone),
        (
            "needs_authorisation",
            if o.needs_authorisation { "yes" } else { "no" }.to_owned(),
        ),
        ("fee_tier", o.fee_tier.unwrap_or_default()),
    ] {
        form.values.insert(k.into(), v);
    }
    if o.offers_venue {
        form.values.insert("offers_venue".into(), "on".into());
    }
    render_form(
        &page,
        &state,
        false,
        format!("/organisations/{id}"),
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
    form: web::Form<OrganisationFields>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ManageMembership)?;
    let id = id.into_inner();
    let form = form.into_inner();
    let action = format!("/organisations/{id}");
    let result = match form.details() {
        Ok(input) => {
            state
                .db(move |conn| organisations::update(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(o) => {
            page.flash(
                roundtable_templates::FlashKind::Success,
                &format!("{} is updated.", o.name),
            );
            Ok(see_other(&action))
        }
        Err(e) => refused(&page, &state, false, action, &form, e).await,
    }
}

async fn change_status(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<StatusFields>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let typed = form.into_inner();
    let result = match typed.parse() {
        Ok((to, date, reason)) => {
            state
                .db(move |conn| {
                    let changed =
                        organisations::change_status(conn, &actor, id, to, date, &reason)?;
                    crate::schedule::membership_changed(conn)?;
                    Ok(changed)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: pages::STATUS_FORM,
        form: &typed,
        back: format!("/organisations/{id}#history"),
        success: "The decision is recorded.",
    };
    answer(&page, &state, id, sent, result).await
}

async fn add_person(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<PersonFields>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(input) => {
            state
                .db(move |conn| members::add_to_organisation(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    let message = match &result {
        Ok(person) => format!(
            "{} is added and mailed an invitation to set a password ({}).",
            person.name, person.email
        ),
        Err(_) => String::new(),
    };
    let sent = Sent {
        form_key: pages::PERSON_FORM,
        form: &form,
        back: format!("/organisations/{id}#people"),
        success: &message,
    };
    answer(&page, &state, id, sent, result).await
}

#[derive(Deserialize, Serialize)]
struct PrimaryForm {
    person_id: i64,
    #[serde(default)]
    reason: String,
}

async fn replace_primary(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<PrimaryForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let (person_id, reason) = (form.person_id, form.reason.clone());
    let result = state
        .db(move |conn| members::replace_primary(conn, &actor, id, person_id, &reason))
        .await;
    let sent = Sent {
        form_key: pages::PRIMARY_FORM,
        form: &form,
        back: format!("/organisations/{id}#people"),
        success: "The primary representative is replaced.",
    };
    answer(&page, &state, id, sent, result).await
}
