//! Roundtable: the governance of a multi-stakeholder coalition.
//!
//! This crate wires the capabilities together and builds the actix `App`, which `main` serves
//! and the integration tests drive.

pub mod actor;
pub mod addresses;
pub mod allocator;
pub mod audit;
pub mod auth;
pub mod care;

pub mod clean;
pub mod cli;
pub mod clock;
pub mod coalition;
pub mod complaints;
pub mod config;
pub mod db;
pub mod error;
pub mod evaluations;
pub mod fields;
pub mod icalendar;
pub mod mail;
pub mod markdown;
pub mod meetings;
pub mod membership;
pub mod page_cache;
pub mod personal;
pub mod scale;
pub mod schedule;
pub mod secret;
pub mod secretariat;
pub mod state;
pub mod statements;
pub mod task;
pub mod web;

use actix_session::SessionMiddleware;
use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, web as aweb};

pub use crate::state::AppState;

/// The whole application, as `serve` runs it and the tests drive it.
pub fn build_app(
    state: aweb::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let settings = &state.settings;
    let sessions = SessionMiddleware::builder(
        CookieSessionStore::default(),
        Key::from(&settings.cookie_key),
    )
    .cookie_name("roundtable_session".into())
    .cookie_secure(settings.secure_cookies())
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Lax)
    .cookie_content_security(CookieContentSecurity::Private)
    // The cookie outlives a browser restart up to the absolute limit; the idle and absolute
    // limits themselves are checked on every request (auth::session).
    .session_lifecycle(PersistentSession::default().session_ttl(
        actix_web::cookie::time::Duration::seconds(
            i64::try_from(settings.session_max.as_secs()).unwrap_or(i64::MAX),
        ),
    ))
    .build();
    App::new()
        .app_data(state.clone())
        .app_data(aweb::FormConfig::default().limit(256 * 1024))
        // An address whose id is not a number (`/statements/new`) is a page not found.
        .app_data(
            aweb::PathConfig::default().error_handler(|_, _| crate::error::Error::NotFound.into()),
        )
        .configure(web::routes)
        .wrap(from_fn(auth::csrf::guard))
        .wrap(from_fn(web::errors::framed))
        // Inside the session middleware, so it sees whether a rendering changed the session.
        .wrap(from_fn(web::cache::pages))
        .wrap(sessions)
        .wrap(from_fn(web::headers::private_no_store))
        .wrap(web::headers::security_headers(settings.secure_cookies()))
        .wrap(Compress::default())
        .wrap(from_fn(web::http::server_timing))
        .wrap(from_fn(web::http::head_as_get))
        .wrap(from_fn(web::logs::access_log))
}
