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
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if api || !matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
        return Ok(res);
    }
    let message = res
        .response()
        .error()
        .and_then(|e| e.as_error::<Error>())
        .map(|e| e.to_string())
        .unwrap_or_else(|| "not found".into());
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
