//! HTTP that clients rely on: HEAD wherever GET works, and conditional requests (ETag with
//! weak comparison, Last-Modified) so calendar clients that poll get a cheap 304.

use actix_web::Error as ActixError;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use chrono::{DateTime, NaiveDateTime, Utc};

use crate::db::count::{Tally, counting};

/// HEAD is answered as GET (calendar subscription checkers send HEAD first). The server's
/// HTTP/1 encoder knows the request was HEAD: it sends GET's headers, Content-Length
/// included, and no body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, ActixError> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// With `SERVER_TIMING=true`, counts the database work of each request and says how much
/// there was: `Server-Timing: db;dur=<ms>;desc="<n> queries"`.
pub async fn server_timing(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, ActixError> {
    let shown = req
        .app_data::<actix_web::web::Data<crate::AppState>>()
        .is_some_and(|state| state.settings.server_timing);
    if !shown {
        // Nobody reads the figure: connections stay uninstrumented.
        return next.call(req).await;
    }
    let tally = std::sync::Arc::new(Tally::default());
    let mut res = counting(tally.clone(), next.call(req)).await?;
    let value = format!(
        "db;dur={:.1};desc=\"{} queries\"",
        tally.millis(),
        tally.queries()
    );
    if let Ok(value) = header::HeaderValue::from_str(&value) {
        res.headers_mut()
            .insert(header::HeaderName::from_static("server-timing"), value);
    }
    Ok(res)
}

/// RFC 7232's weak comparison: `W/"x"` and `"x"` name the same representation.
fn weakly_equal(a: &str, b: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    opaque(a) == opaque(b)
}

/// Whether the client's copy is current: If-None-Match against `etag` (weakly; `*` matches),
/// or, only when no If-None-Match is sent, If-Modified-Since against `modified`.
pub fn not_modified(
    req: &actix_web::HttpRequest,
    etag: &str,
    modified: Option<NaiveDateTime>,
) -> bool {
    unchanged(
        req.headers(),
        Some(etag),
        modified.map(|m| m.and_utc().timestamp()),
    )
}

/// The same rule over a set of request headers and an answer's ETag and Last-Modified
/// headers (the page cache answers kept pages' conditional requests with it).
pub fn unchanged_for(
    conditions: &HeaderMap,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> bool {
    let modified = last_modified
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .map(|m| m.timestamp());
    unchanged(conditions, etag, modified)
}

/// The rule itself; `modified` in whole seconds (HTTP dates have no more).
fn unchanged(conditions: &HeaderMap, etag: Option<&str>, modified: Option<i64>) -> bool {
    if let Some(tags) = conditions.get(header::IF_NONE_MATCH) {
        return tags.to_str().is_ok_and(|v| {
            v.split(',')
                .any(|t| t.trim() == "*" || etag.is_some_and(|etag| weakly_equal(t, etag)))
        });
    }
    let since = conditions
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
    match (since, modified) {
        (Some(since), Some(modified)) => modified <= since.timestamp(),
        _ => false,
    }
}

/// An HTTP date (IMF-fixdate), for Last-Modified.
pub fn http_date(at: NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("time")
    }

    #[test]
    fn etags_compare_weakly_and_win_over_dates() {
        let tag = "\"abc\"";
        let weak = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "W/\"abc\", \"other\""))
            .to_http_request();
        assert!(not_modified(&weak, tag, None));
        let other = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"other\""))
            .insert_header((header::IF_MODIFIED_SINCE, "Sun, 29 Nov 2026 12:00:00 GMT"))
            .to_http_request();
        // A tag that does not match decides, whatever the date says.
        assert!(!not_modified(&other, tag, Some(at("2020-01-01 00:00:00"))));
    }

    #[test]
    fn dates_decide_without_a_tag() {
        let req = TestRequest::default()
            .insert_header((header::IF_MODIFIED_SINCE, "Sun, 29 Nov 2026 12:00:00 GMT"))
            .to_http_request();
        assert!(not_modified(&req, "\"x\"", Some(at("2026-11-29 12:00:00"))));
        assert!(not_modified(&req, "\"x\"", Some(at("2026-11-29 11:59:59"))));
        assert!(!not_modified(
            &req,
            "\"x\"",
            Some(at("2026-11-29 12:00:01"))
        ));
        assert!(!not_modified(&req, "\"x\"", None));
        assert_eq!(
            http_date(at("2026-11-29 12:00:00")),
            "Sun, 29 Nov 2026 12:00:00 GMT"
        );
    }
}
