//! The web shell: routes, the page context, forms, security headers and the pages that belong
//! to no capability (dashboard, health, stylesheet, errors).

pub mod audit;
pub mod cache;
pub mod checklist;
pub mod client;
pub mod context;
pub mod errors;
pub mod forms;
pub mod gzip;
pub mod headers;
pub mod http;
pub mod logs;
pub mod shell;
pub mod uploads;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use maud::Markup;

use crate::error::Error;

/// Every route of the service. Each capability adds its own in its `web`/`api` modules.
pub fn routes(cfg: &mut web::ServiceConfig) {
    shell::routes(cfg);
    audit::routes(cfg);
    crate::auth::web::routes(cfg);
    crate::membership::web::routes(cfg);
    crate::secretariat::web::routes(cfg);
    crate::meetings::web::routes(cfg);
    crate::mail::web::routes(cfg);
    crate::statements::web::routes(cfg);
    crate::personal::web::routes(cfg);
    crate::care::web::routes(cfg);
    crate::complaints::web::routes(cfg);
    crate::evaluations::web::routes(cfg);
    cfg.service(
        web::scope("/api/v1")
            // A body, query or path the API cannot read is answered in its JSON shape too.
            .app_data(web::JsonConfig::default().error_handler(|e, _| {
                crate::error::ApiError(Error::Invalid(format!("the JSON body cannot be read: {e}")))
                    .into()
            }))
            .app_data(web::QueryConfig::default().error_handler(|e, _| {
                crate::error::ApiError(Error::Invalid(format!("the query cannot be read: {e}")))
                    .into()
            }))
            .app_data(
                web::PathConfig::default()
                    .error_handler(|_, _| crate::error::ApiError(Error::NotFound).into()),
            )
            .configure(crate::auth::api::routes)
            .configure(crate::membership::api::routes)
            .configure(crate::meetings::api::routes)
            .configure(crate::secretariat::api::routes)
            .configure(crate::statements::api::routes)
            .configure(crate::complaints::api::routes)
            .configure(crate::evaluations::api::routes),
    );
    cfg.default_service(web::to(shell::not_found));
}

/// A redirect after a form, so that reloading the page does not post it again.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A page with a chosen status (a form sent back with its problems is 422).
pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// "this link has expired" -> "This link has expired."
pub fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().chain(chars).collect();
            if !out.ends_with(['.', '!', '?']) {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

/// A date typed into a form (YYYY-MM-DD).
pub fn parse_date(value: &str, what: &str) -> Result<chrono::NaiveDate, Error> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Invalid(format!("{what}: {value:?} is not a date (YYYY-MM-DD)")))
}

/// A whole number typed into the form field `field`; refused beside it otherwise.
pub fn parse_number(value: &str, field: &str, what: &str) -> Result<i32, Error> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::field(field, format!("{what}: {value:?} is not a whole number")))
}

/// A checkbox's value: present ("on") when ticked.
pub fn ticked(value: &Option<String>) -> bool {
    matches!(value.as_deref(), Some("on" | "true" | "yes" | "1"))
}
