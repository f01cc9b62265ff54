//! The web shell: routes, the page context, forms, security headers and the pages that belong
//! to no capability (dashboard, health, stylesheet, errors).

pub mod context;
pub mod forms;
pub mod headers;
pub mod shell;

use actix_web::web;

/// Every route of the service. Each capability adds its own in its `web`/`api` modules.
pub fn routes(cfg: &mut web::ServiceConfig) {
    shell::routes(cfg);
    crate::auth::web::routes(cfg);
    cfg.service(web::scope("/api/v1").configure(crate::auth::api::routes));
    cfg.default_service(web::to(shell::not_found));
}
