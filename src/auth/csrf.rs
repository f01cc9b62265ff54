//! CSRF protection: every state-changing request to the web pages must carry the session's
//! token, as the form field `csrf_token` or the `X-CSRF-Token` header. A file upload carries
//! it as the first part of its multipart body (every upload form puts it first), so only
//! that part is read here and the file streams on to the handler; never in the address,
//! where logs, history and Referer headers would keep it. The JSON API is exempt: it takes
//! bearer tokens only, never cookies, so a browser cannot be tricked into using it.

use actix_session::SessionExt;
use actix_web::body::{BoxBody, MessageBody};
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

/// How much of a multipart body is read looking for the token before giving up.
const MULTIPART_HEAD_LIMIT: usize = 8 * 1024;

/// The token in the first part of a multipart body: `Some(token)` once the part is complete,
/// `Some(None)` when the first part is something else, `None` while more bytes are needed.
fn token_in_first_part(head: &[u8], boundary: &str) -> Option<Option<String>> {
    let text = String::from_utf8_lossy(head);
    let opening = format!("--{boundary}\r\n");
    let start = text.find(&opening)? + opening.len();
    let headers_end = text[start..].find("\r\n\r\n")? + start;
    let headers = text[start..headers_end].to_ascii_lowercase();
    if !headers.contains(&format!("name=\"{FIELD}\"")) {
        return Some(None);
    }
    let value_start = headers_end + 4;
    let value_end = text[value_start..].find(&format!("\r\n--{boundary}"))? + value_start;
    Some(Some(text[value_start..value_end].trim().to_owned()))
}

fn multipart_boundary(req: &ServiceRequest) -> Option<String> {
    let content_type = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    let rest = content_type.strip_prefix("multipart/form-data")?;
    rest.split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .next()
}

/// Reads the body up to the end of its first part and puts what was read back in front of
/// the rest, so the handler sees the whole body.
async fn token_in_multipart(
    req: &mut ServiceRequest,
    boundary: &str,
) -> Result<Option<String>, actix_web::Error> {
    use actix_web::HttpMessage;
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut head = Vec::new();
    let token = loop {
        if let Some(found) = token_in_first_part(&head, boundary) {
            break found;
        }
        if head.len() > MULTIPART_HEAD_LIMIT {
            break None;
        }
        match payload.next().await {
            Some(chunk) => {
                let chunk: Bytes = chunk?;
                head.extend_from_slice(&chunk);
            }
            None => break None,
        }
    };
    let rest = futures_util::stream::once(std::future::ready(Ok(Bytes::from(head)))).chain(payload);
    let boxed: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = Result<Bytes, actix_web::error::PayloadError>>>,
    > = Box::pin(rest);
    req.set_payload(actix_web::dev::Payload::from(boxed));
    Ok(token)
}

fn token_in_form(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if is_safe(req.method()) || req.path().starts_with("/api/") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    checked(req, next).await
}

/// The refusals are answers (with the request), so the page frame and the security headers
/// outside reach them.
async fn checked(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let refuse = |req: ServiceRequest, e: actix_web::Error| Ok(req.error_response(e));
    let expected = session::expected_csrf_token(&req.get_session());
    let mut given = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let mut form_body = None;
    if given.is_none() && is_form {
        // Read the form, take the token, and put the body back for the handler.
        let body = match req.extract::<Bytes>().await {
            Ok(body) => body,
            Err(e) => return refuse(req, too_large_or_unreadable(e)),
        };
        given = token_in_form(&body);
        req.set_payload(actix_web::dev::Payload::from(body.clone()));
        form_body = Some(body);
    }
    if given.is_none()
        && expected.is_some()
        && let Some(boundary) = multipart_boundary(&req)
    {
        given = match token_in_multipart(&mut req, &boundary).await {
            Ok(token) => token,
            Err(e) => return refuse(req, e),
        };
    }
    match (expected, given) {
        (Some(e), Some(g)) if constant_time_eq(e.as_bytes(), g.as_bytes()) => {
            if let Some(problem) = form_body.as_deref().and_then(field_beyond_limits) {
                return refuse(req, Error::Invalid(problem).into());
            }
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        _ => {
            tracing::info!(
                path = %crate::secret::redacted_path(req.path()),
                "refused a request without a valid CSRF token"
            );
            refuse(req, Error::Csrf.into())
        }
    }
}

/// The first field of a form that no page could have sent: far longer than its limit (the
/// page's `maxlength` stops a browser there) or holding a NUL. A backstop before any handler,
/// with room to spare (a browser counts a line break as one character and sends two), so a
/// person's text always reaches the service, which checks it against the exact limit and
/// refuses beside the field with the text kept.
fn field_beyond_limits(body: &[u8]) -> Option<String> {
    url::form_urlencoded::parse(body).find_map(|(name, value)| {
        let max = roundtable_templates::limits::for_field(&name);
        if value.contains('\0') {
            Some(format!("the field {name:?} holds a NUL character"))
        } else if value.chars().count() > 2 * max {
            Some(format!(
                "the field {name:?} holds far more than its {max} characters"
            ))
        } else {
            None
        }
    })
}

/// A form body over the limit is a 413 with a page that says so.
fn too_large_or_unreadable(e: actix_web::Error) -> actix_web::Error {
    let too_large = e
        .as_error::<actix_web::error::PayloadError>()
        .is_some_and(|p| matches!(p, actix_web::error::PayloadError::Overflow));
    if too_large {
        Error::TooLarge("a form may hold at most 256 KB; attach large content as a file".into())
            .into()
    } else {
        e
    }
}

#[cfg(test)]
mod multipart_tests {
    use super::*;

    const B: &str = "xyz";

    #[test]
    fn the_token_is_read_from_a_complete_first_part() {
        let body = "--xyz\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n";
        assert_eq!(
            token_in_first_part(body.as_bytes(), B),
            Some(Some("abc123".into()))
        );
    }

    #[test]
    fn an_incomplete_part_asks_for_more_and_another_field_gives_nothing() {
        let partial = "--xyz\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc";
        assert_eq!(token_in_first_part(partial.as_bytes(), B), None);
        let file_first = "--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ndata";
        assert_eq!(token_in_first_part(file_first.as_bytes(), B), Some(None));
        assert_eq!(token_in_first_part(b"", B), None);
    }
}
