//! CSRF protection: every state-changing request to the web pages must carry the session's
//! token, as the form field `csrf_token`, the `X-CSRF-Token` header, or (for file uploads,
//! whose bodies are not read here) the `csrf_token` query parameter. The JSON API is exempt:
//! it takes bearer tokens only, never cookies, so a browser cannot be tricked into using it.

use actix_session::SessionExt;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use subtle_eq::constant_time_eq;

use super::session;
use crate::error::Error;

mod subtle_eq {
    /// Compares without stopping at the first difference.
    pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

pub const FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn token_in_query(req: &ServiceRequest) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

fn token_in_form(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    if is_safe(req.method()) || req.path().starts_with("/api/") {
        return next.call(req).await;
    }
    let expected = session::expected_csrf_token(&req.get_session());
    let mut given = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| token_in_query(&req));
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if given.is_none() && is_form {
        // Read the form, take the token, and put the body back for the handler.
        let body = req.extract::<Bytes>().await?;
        given = token_in_form(&body);
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    match (expected, given) {
        (Some(e), Some(g)) if constant_time_eq(e.as_bytes(), g.as_bytes()) => next.call(req).await,
        _ => {
            tracing::info!(
                path = %crate::secret::redacted_path(req.path()),
                "refused a request without a valid CSRF token"
            );
            Err(Error::Csrf.into())
        }
    }
}
