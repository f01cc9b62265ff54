//! Error pages in the site's frame: a refused person keeps the menu (they are still signed
//! in and may go elsewhere) and reads why, and who may. The error itself knows no request;
//! this middleware, inside the session, re-renders web pages (never the API's JSON) with the
//! page's chrome.

use actix_web::Error as ActixError;
use actix_web::FromRequest;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;

use super::context::Page;
use crate::error::Error;

pub async fn framed(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, ActixError> {
    let api = req.path().starts_with("/api/");
    if api {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // The middleware inside (CSRF, form limits) answers its refusals as responses, not
    // errors, so they arrive here to be framed and, outside, get the security headers.
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let is_html = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    // Pages a handler rendered itself (a refused form, 422) stay as they are; errors (the
    // handler's own, or the framework's plain-text ones) get the frame.
    let from_error = res.response().error().is_some() || !is_html;
    if !(status.is_client_error() || status.is_server_error()) || !from_error {
        return Ok(res);
    }
    let message = res
        .response()
        .error()
        .map(|e| match e.as_error::<Error>() {
            Some(ours) => ours.to_string(),
            None => plain_message(status, &e.to_string()),
        })
        .unwrap_or_else(|| plain_message(status, ""));
    let (request, response) = res.into_parts();
    let Ok(page) = Page::extract(&request).await else {
        return Ok(ServiceResponse::new(request, response));
    };
    let markup = roundtable_templates::pages::errors::framed_error_page(
        &page.chrome(),
        status.as_u16(),
        &message,
    );
    let mut answer = actix_web::HttpResponse::build(status);
    for (name, value) in response.headers() {
        if name != actix_web::http::header::CONTENT_LENGTH {
            answer.insert_header((name.clone(), value.clone()));
        }
    }
    let answer = answer
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string());
    Ok(ServiceResponse::new(request, answer))
}

/// What to say for an error the framework raised (a body it could not read).
fn plain_message(status: StatusCode, detail: &str) -> String {
    match status {
        StatusCode::NOT_FOUND => "not found".into(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            "what was sent is larger than this form takes (256 KB; files have their own limits)"
                .into()
        }
        _ if detail.is_empty() => "the request could not be read".into(),
        _ => format!("the request could not be read: {detail}"),
    }
}
