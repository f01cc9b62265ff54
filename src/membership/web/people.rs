//! A person's page, the secretariat's actions on people, and accepting an invitation.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::person as pages;
use roundtable_templates::{FlashKind, FormState};
use serde::{Deserialize, Serialize};

use super::roles_text;
use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::auth::{session, store as people_store, tokens};
use crate::error::Error;
use crate::membership::people as members;
use crate::membership::rules::Representation;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, see_other, ticked};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/people/{id}", web::get().to(show))
        .route("/people/{id}/erase", web::post().to(erase))
        .route("/people/{id}/roles", web::post().to(set_roles))
        .route("/people/{id}/deactivate", web::post().to(deactivate))
        .route("/people/{id}/invite", web::post().to(resend_invitation))
        .route("/people/{id}/email", web::post().to(change_email))
        .route("/invitation/{token}", web::get().to(invitation_page))
        .route("/invitation/{token}", web::post().to(accept_invitation));
}

async fn show(page: Page, state: web::Data<AppState>, id: web::Path<i64>) -> Result<Markup, Error> {
    let view = view(&page, &state, id.into_inner()).await?;
    Ok(pages::person(&page.chrome(), &view))
}

/// The person page's answer to one of its forms (see `forms::answer`).
async fn answer<T: Serialize, R>(
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
            pages::person(&page.chrome(), &view),
        ))
    })
    .await
}

async fn view(page: &Page, state: &AppState, id: i64) -> Result<pages::PersonView, Error> {
    let actor = page.actor()?.clone();
    if actor.id() != id {
        permissions::require(&actor, Action::ViewDirectory)?;
    }
    let (person, affiliation, groups) = state
        .db(move |conn| {
            let person = people_store::find(conn, id)?;
            let affiliation = members::affiliation_of(conn, id)?;
            let groups: Vec<(i64, String)> = {
                use crate::db::schema::{working_group_nominees as n, working_groups as g};
                use diesel::prelude::*;
                g::table
                    .inner_join(n::table)
                    .filter(n::person_id.eq(id))
                    .select((g::id, g::name))
                    .load(conn)?
            };
            Ok((person, affiliation, groups))
        })
        .await?;
    let view = pages::PersonView {
        id,
        name: person.name.clone(),
        organisation: affiliation.as_ref().map(|(_, o)| (o.id, o.name.clone())),
        roles: affiliation
            .as_ref()
            .map(|(a, _)| roles_text(a.representation.as_deref(), a.is_authoriser))
            .unwrap_or_else(|| "—".into()),
        job_title: affiliation
            .as_ref()
            .map(|(a, _)| a.job_title.clone())
            .unwrap_or_default(),
        show_contact: true,
        email: person.email.clone(),
        phone: affiliation
            .as_ref()
            .map(|(a, _)| a.phone.clone())
            .unwrap_or_default(),
        active: person.active,
        invited: person.password_hash.is_none(),
        groups,
        can_manage: permissions::may(&actor, Action::ManageMembership),
        // The person's own data is on their account page; here, the administrator's.
        data_href: (actor.id() != id
            && permissions::may(&actor, Action::ExportPersonalData { person_id: id }))
        .then(|| format!("/people/{id}/data.json")),
        may_erase: actor.id() != id
            && permissions::may(&actor, Action::AdministerCoalition)
            && !person.email.ends_with("@erased.invalid"),
        representation: affiliation
            .as_ref()
            .and_then(|(a, _)| a.representation.clone())
            .unwrap_or_default(),
        is_authoriser: affiliation.as_ref().is_some_and(|(a, _)| a.is_authoriser),
        refusal: None,
    };
    Ok(view)
}

#[derive(Deserialize, Serialize)]
struct RolesForm {
    #[serde(default)]
    representation: String,
    is_authoriser: Option<String>,
}

async fn set_roles(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RolesForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let representation = match form.representation.as_str() {
        "" | "none" => Ok(None),
        other => Representation::parse(other)
            .map(Some)
            .ok_or_else(|| Error::field("representation", "choose a representation from the list")),
    };
    let is_authoriser = ticked(&form.is_authoriser);
    let result = match representation {
        Ok(r) => {
            state
                .db(move |conn| members::set_roles(conn, &actor, id, r, is_authoriser))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: pages::ROLES_FORM,
        form: &form.into_inner(),
        back: format!("/people/{id}#roles"),
        success: "The roles are saved.",
    };
    answer(&page, &state, id, sent, result).await
}

#[derive(Deserialize, Serialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn deactivate(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let reason = form.reason.clone();
    let result = state
        .db(move |conn| members::deactivate(conn, &actor, id, &reason))
        .await;
    let sent = Sent {
        form_key: pages::DEACTIVATE_FORM,
        form: &form,
        back: format!("/people/{id}"),
        success: "The person is deactivated; their history stays.",
    };
    answer(&page, &state, id, sent, result).await
}

#[derive(Deserialize, Serialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn change_email(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let wanted = form.email.clone();
    let result = state
        .db(move |conn| crate::auth::email::request(conn, &actor, id, &wanted))
        .await;
    let message = match &result {
        Ok(crate::auth::email::Requested::Changed) => "The address is changed.".to_owned(),
        Ok(crate::auth::email::Requested::AwaitingConfirmation { mailed_to }) => format!(
            "A link to confirm the change is mailed to {mailed_to}; the address changes when it is followed."
        ),
        Err(_) => String::new(),
    };
    let sent = Sent {
        form_key: pages::EMAIL_FORM,
        form: &form,
        back: format!("/people/{id}"),
        success: &message,
    };
    answer(&page, &state, id, sent, result).await
}

async fn resend_invitation(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| members::resend_invitation(conn, &actor, id))
        .await;
    let message = match &result {
        Ok(person) => format!("The invitation is mailed again to {}.", person.email),
        Err(_) => String::new(),
    };
    let sent = Sent {
        form_key: pages::INVITE_FORM,
        form: &forms::NoFields {},
        back: format!("/people/{id}"),
        success: &message,
    };
    answer(&page, &state, id, sent, result).await
}

async fn invitation_page(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<Markup, Error> {
    let token = token.into_inner();
    let t = token.clone();
    let person = state
        .db(move |conn| {
            let link = tokens::peek_link_token(conn, members::PURPOSE_INVITATION, &t)?;
            people_store::find(conn, link.person_id.ok_or(Error::NotFound)?)
        })
        .await?;
    Ok(pages::accept_invitation(
        &page.chrome(),
        &format!("/invitation/{token}"),
        &person.name,
        &FormState::default(),
    ))
}

async fn accept_invitation(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<forms::NewPasswordForm>,
) -> Result<HttpResponse, Error> {
    let token = token.into_inner();
    let form = form.into_inner();
    if let Err(back) = forms::check(&form) {
        let t = token.clone();
        let person = state
            .db(move |conn| {
                let link = tokens::peek_link_token(conn, members::PURPOSE_INVITATION, &t)?;
                people_store::find(conn, link.person_id.ok_or(Error::NotFound)?)
            })
            .await?;
        let markup = pages::accept_invitation(
            &page.chrome(),
            &format!("/invitation/{token}"),
            &person.name,
            &back,
        );
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, markup));
    }
    let person = state
        .db(move |conn| members::accept_invitation(conn, &token, &form.password))
        .await?;
    page.sign_in(&state, person.id).await?;
    session::push_flash(
        &page.session,
        FlashKind::Success,
        "Your password is set. Welcome!",
    );
    Ok(see_other("/"))
}

#[derive(Clone, Deserialize, Serialize)]
struct EraseForm {
    confirm: Option<String>,
}

/// The administrator erases a person, once they have confirmed what stays and what goes.
async fn erase(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<EraseForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::AdministerCoalition)?;
    let id = id.into_inner();
    let typed = form.into_inner();
    let result = match forms::confirmed(typed.confirm.as_deref()) {
        Ok(()) => {
            state
                .db(move |conn| crate::personal::erase::erase(conn, &actor, id))
                .await
        }
        Err(e) => Err(e),
    };
    let success = match &result {
        Ok(erased) if erased.older_events_naming_them > 0 => format!(
            "Erased: the person is now {}. {} older events of the audit record still name them: they were written before names were kept apart from the chain, and changing them would break it.",
            erased.pseudonym, erased.older_events_naming_them
        ),
        Ok(erased) => format!("Erased: the person is now {}.", erased.pseudonym),
        Err(_) => String::new(),
    };
    let sent = Sent {
        form_key: pages::ERASE_FORM,
        form: &typed,
        back: format!("/people/{id}"),
        success: &success,
    };
    answer(&page, &state, id, sent, result).await
}
