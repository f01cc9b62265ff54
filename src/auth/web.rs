//! Sign-in, sign-out, the first-run set-up page and the account page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::{account as account_page, auth as auth_pages};
use roundtable_templates::{FlashKind, FormState};
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::permissions::{self, Action};
use super::store::{self, PersonDraft};
use super::{email, session, sessions, tokens};
use crate::AppState;
use crate::error::Error;
use crate::web::context::Page;
use crate::web::{capitalise, forms};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/login", web::get().to(login_page))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/setup/{token}", web::get().to(setup_page))
        .route("/setup/{token}", web::post().to(setup))
        .route("/account", web::get().to(account))
        .route("/account/tokens", web::post().to(create_token))
        .route("/account/tokens/{id}/revoke", web::post().to(revoke_token))
        .route("/account/sessions/{id}/end", web::post().to(end_session))
        .route("/password/forgot", web::get().to(forgot_page))
        .route("/password/forgot", web::post().to(forgot))
        .route("/password/reset/{token}", web::get().to(reset_page))
        .route("/password/reset/{token}", web::post().to(reset))
        .route("/email/confirm/{token}", web::get().to(confirm_email_page))
        .route("/email/confirm/{token}", web::post().to(confirm_email));
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

fn render(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

#[derive(Debug, Deserialize, Serialize, Validate)]
pub struct LoginForm {
    #[validate(length(min = 1, message = "enter your email"))]
    email: String,
    #[serde(skip_serializing)]
    #[validate(length(min = 1, message = "enter your password"))]
    password: String,
}

async fn login_page(page: Page) -> HttpResponse {
    if page.actor.is_some() {
        return see_other("/");
    }
    render(
        StatusCode::OK,
        auth_pages::login(&page.chrome(), &FormState::default(), None),
    )
}

async fn login(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, Error> {
    let form = form.into_inner();
    if let Err(state) = forms::check(&form) {
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            auth_pages::login(&page.chrome(), &state, None),
        ));
    }
    let (email, password, address) = (
        form.email.clone(),
        form.password.clone(),
        page.client_address.clone(),
    );
    let st = state.clone();
    let result = state
        .db(move |conn| store::sign_in(conn, &st.settings.throttle, &email, &password, &address))
        .await;
    match result {
        Ok(person) => {
            page.sign_in(&state, person.id).await?;
            Ok(see_other("/"))
        }
        Err(e @ (Error::Invalid(_) | Error::Throttled(_))) => {
            let kept = FormState {
                values: forms::values_of(&form),
                errors: Default::default(),
            };
            let message = capitalise(&e.to_string());
            Ok(render(
                e.status(),
                auth_pages::login(&page.chrome(), &kept, Some(&message)),
            ))
        }
        Err(e) => Err(e),
    }
}

async fn logout(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    page.sign_out(&state).await?;
    session::push_flash(&page.session, FlashKind::Info, "You have signed out.");
    Ok(see_other("/login"))
}

#[derive(Debug, Deserialize, Serialize, Validate)]
pub struct SetupForm {
    #[validate(length(
        min = 1,
        max = 200,
        message = "give the coalition a name (up to 200 characters)"
    ))]
    coalition_name: String,
    #[validate(custom(function = "valid_time_zone"))]
    time_zone: String,
    #[validate(length(min = 1, max = 200, message = "enter your name"))]
    name: String,
    #[validate(email(message = "enter a valid email address"))]
    email: String,
    #[serde(skip_serializing)]
    #[validate(custom(function = "crate::auth::password::validate"))]
    password: String,
    #[serde(skip_serializing)]
    #[validate(must_match(other = "password", message = "the two passwords differ"))]
    password_confirm: String,
}

fn valid_time_zone(tz: &str) -> Result<(), validator::ValidationError> {
    crate::coalition::parse_time_zone(tz)
        .map(drop)
        .map_err(|_| {
            validator::ValidationError::new("time_zone")
                .with_message("choose a time zone from the list".into())
        })
}

async fn setup_page(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<Markup, Error> {
    let token = token.into_inner();
    let t = token.clone();
    state
        .db(move |conn| tokens::peek_link_token(conn, tokens::PURPOSE_SETUP, &t).map(drop))
        .await?;
    if !page.setup_needed() {
        return Err(Error::Conflict(
            "the coalition has already been set up".into(),
        ));
    }
    let action = format!("/setup/{token}");
    Ok(auth_pages::setup(
        &page.chrome(),
        &action,
        &FormState::default(),
    ))
}

async fn setup(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, Error> {
    let token = token.into_inner();
    let form = form.into_inner();
    let action = format!("/setup/{token}");
    if let Err(form_state) = forms::check(&form) {
        let markup = auth_pages::setup(&page.chrome(), &action, &form_state);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, markup));
    }
    let f = SetupForm { ..form };
    let person = state
        .db(move |conn| {
            let admin = PersonDraft {
                name: &f.name,
                email: &f.email,
                password: Some(&f.password),
                is_admin: true,
            };
            store::bootstrap(conn, Some(&token), &f.coalition_name, &f.time_zone, &admin)
        })
        .await?;
    page.sign_in(&state, person.id).await?;
    session::push_flash(
        &page.session,
        FlashKind::Success,
        "The coalition is set up. Welcome!",
    );
    Ok(see_other("/"))
}

async fn account_view(
    page: &Page,
    state: &web::Data<AppState>,
    new_token: Option<String>,
) -> Result<account_page::AccountView, Error> {
    let actor = page.actor()?;
    permissions::require(actor, Action::UseOwnAccount)?;
    let person_id = actor.id();
    let (rows, open) = state
        .db(move |conn| {
            Ok((
                tokens::list_api_tokens(conn, person_id)?,
                sessions::of_person(conn, person_id)?,
            ))
        })
        .await?;
    let when = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let now = page.now.naive_utc();
    Ok(account_page::AccountView {
        name: actor.person.name.clone(),
        email: actor.person.email.clone(),
        sessions: open
            .into_iter()
            .map(|s| account_page::SessionRow {
                id: s.id,
                started: when(s.created_at),
                last_seen: when(s.last_seen_at),
                from: if s.user_agent.is_empty() {
                    s.address.clone()
                } else {
                    format!("{} · {}", s.address, s.user_agent)
                },
                this_browser: page.server_session == Some(s.id),
                ended: s
                    .ended_at
                    .map(|t| format!("ended {}: {}", when(t), s.ended_why)),
            })
            .collect(),
        tokens: rows
            .into_iter()
            .map(|t| account_page::TokenRow {
                id: t.id,
                label: t.label,
                created: when(t.created_at),
                last_used: t.last_used_at.map(|at| {
                    if t.last_used_from.is_empty() {
                        when(at)
                    } else {
                        format!("{} from {}", when(at), t.last_used_from)
                    }
                }),
                revoked: t.revoked_at.map(when),
                expiry: match t.expires_at {
                    Some(end) if end <= now => format!("expired {}", when(end)),
                    Some(end) => format!("until {}", when(end)),
                    None => "no end".into(),
                },
            })
            .collect(),
        new_token,
    })
}

async fn account(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let view = account_view(&page, &state, None).await?;
    Ok(account_page::account(
        &page.chrome(),
        &view,
        &FormState::default(),
    ))
}

#[derive(Debug, Deserialize, Serialize, Validate)]
pub struct TokenForm {
    #[validate(length(
        min = 1,
        max = 100,
        message = "say what the token is for (up to 100 characters)"
    ))]
    label: String,
    /// Days the token works; empty: until revoked.
    #[serde(default)]
    #[validate(custom(function = "token_days"))]
    valid_days: String,
}

/// A token's life in days (1 to ten years), or empty for no end.
fn validity(value: &str) -> Option<Option<chrono::TimeDelta>> {
    match value.trim() {
        "" => Some(None),
        days => days
            .parse::<u16>()
            .ok()
            .filter(|d| (1..=3660).contains(d))
            .map(|d| Some(chrono::TimeDelta::days(i64::from(d)))),
    }
}

fn token_days(value: &str) -> Result<(), validator::ValidationError> {
    match validity(value) {
        Some(_) => Ok(()),
        None => Err(validator::ValidationError::new("days")
            .with_message("choose how long the token works".into())),
    }
}

async fn create_token(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, Error> {
    let form = form.into_inner();
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ManageOwnTokens)?;
    if let Err(form_state) = forms::check(&form) {
        let view = account_view(&page, &state, None).await?;
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            account_page::account(&page.chrome(), &view, &form_state),
        ));
    }
    let label = form.label.clone();
    let valid_for = validity(&form.valid_days).flatten();
    let token = state
        .db(move |conn| tokens::create_expiring_api_token(conn, &actor.person, &label, valid_for))
        .await?;
    let view = account_view(&page, &state, Some(token)).await?;
    Ok(render(
        StatusCode::OK,
        account_page::account(&page.chrome(), &view, &FormState::default()),
    ))
}

/// Ends one of the person's own sessions (a browser left signed in elsewhere).
async fn end_session(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::UseOwnAccount)?;
    let (id, person_id) = (id.into_inner(), actor.id());
    state
        .db(move |conn| sessions::end_own(conn, person_id, id))
        .await?;
    page.flash(
        FlashKind::Success,
        "That session has ended; its browser is signed out.",
    );
    Ok(see_other("/account#sessions"))
}

async fn revoke_token(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ManageOwnTokens)?;
    let id = id.into_inner();
    state
        .db(move |conn| tokens::revoke_api_token(conn, &actor.person, id))
        .await?;
    page.flash(
        FlashKind::Success,
        "The token is revoked; it no longer works.",
    );
    Ok(see_other("/account"))
}

async fn forgot_page(page: Page) -> Markup {
    auth_pages::forgot_password(&page.chrome(), &FormState::default(), false)
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    email: String,
}

/// The same answer whether or not the address exists.
async fn forgot(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<ForgotForm>,
) -> Result<Markup, Error> {
    let email = form.into_inner().email;
    state
        .db(move |conn| store::request_password_reset(conn, &email))
        .await?;
    Ok(auth_pages::forgot_password(
        &page.chrome(),
        &FormState::default(),
        true,
    ))
}

async fn confirm_email_page(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<Markup, Error> {
    let token = token.into_inner();
    let t = token.clone();
    let (person, new_email) = state.db(move |conn| email::pending(conn, &t)).await?;
    Ok(auth_pages::confirm_email(
        &page.chrome(),
        &format!("/email/confirm/{token}"),
        &person.name,
        &new_email,
    ))
}

async fn confirm_email(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let token = token.into_inner();
    let person = state.db(move |conn| email::confirm(conn, &token)).await?;
    page.flash(
        FlashKind::Success,
        &format!("Your address is now {}.", person.email),
    );
    Ok(see_other(if page.actor.is_some() {
        "/account"
    } else {
        "/login"
    }))
}

async fn reset_page(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<Markup, Error> {
    let token = token.into_inner();
    let t = token.clone();
    state
        .db(move |conn| tokens::peek_link_token(conn, store::PURPOSE_RESET, &t).map(drop))
        .await?;
    Ok(auth_pages::reset_password(
        &page.chrome(),
        &format!("/password/reset/{token}"),
        &FormState::default(),
    ))
}

async fn reset(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<forms::NewPasswordForm>,
) -> Result<HttpResponse, Error> {
    let token = token.into_inner();
    let form = form.into_inner();
    if let Err(back) = forms::check(&form) {
        let markup =
            auth_pages::reset_password(&page.chrome(), &format!("/password/reset/{token}"), &back);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, markup));
    }
    let person = state
        .db(move |conn| store::reset_password(conn, &token, &form.password))
        .await?;
    page.sign_in(&state, person.id).await?;
    session::push_flash(
        &page.session,
        FlashKind::Success,
        "Your new password is set. Every other session of yours has ended; revoke below any API token you no longer trust.",
    );
    Ok(see_other("/account#tokens"))
}
