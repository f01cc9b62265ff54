//! Pages rendered once per change. A page read again before anything changed is answered
//! from memory: the same bytes a fresh rendering would give, for the same person in the same
//! browser.
//!
//! What a rendering depends on is its key and its epoch. The key: the address (with its
//! query), the browser's server session and its CSRF token (the page's forms carry it). The
//! epoch: the data's version (`db::version`, raised by triggers with every committed change,
//! read from the database on every request, so several instances agree) and the minute of
//! the service's clock (deadlines, "today" and the calendar's dates move with time). The
//! cache holds one epoch's pages; the first request of a newer epoch empties it.
//!
//! Kept only: a 200 to a GET without an `Authorization` header, rendered without changing
//! the browser's session (no flash message taken, no CSRF token made), and for a signed-in
//! person only while their session is certainly live (the page extractor says until when:
//! `SessionLiveUntil`). Pages marked `no-store` are kept too: that word is for browsers and
//! proxies on the way; this memory is the server's own, keyed to the one browser session,
//! and holds nothing the database does not. A rendering that changes data (an
//! evaluator's read is recorded) raises the version itself, so it is never answered from
//! memory. Conditional requests are answered here: a calendar client's 304 costs one query.
//! The same page asked for several times at once by one browser is rendered once; the
//! others wait for it (`PageCache::turn`). A kept page of text is gzipped once, when kept,
//! for the clients that accept it (`web::gzip`).

use actix_session::{SessionExt, SessionStatus};
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{HttpMessage, HttpResponse};
use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::auth::session;
use crate::page_cache::{Entry, Epoch, Key};

/// Put in a request's extensions by the page extractor: the signed-in session lets its
/// browser in until this instant at the latest (its idle or its absolute limit).
#[derive(Clone, Copy, Debug)]
pub struct SessionLiveUntil(pub NaiveDateTime);

/// Addresses whose answer is cheaper than a look-up, or whose meaning is to ask afresh.
const NOT_KEPT: [&str; 2] = ["/healthz", "/static/"];

/// The page (gzipped when the client accepts it and it was worth it), or a 304 when the
/// client's conditions say its copy is this one.
fn answer(entry: &Entry, conditions: &HeaderMap, gzip: bool) -> HttpResponse {
    let current = super::http::unchanged_for(
        conditions,
        entry.header(&header::ETAG),
        entry.header(&header::LAST_MODIFIED),
    );
    if current {
        return not_modified(entry.headers.iter().map(|(name, value)| (name, value)));
    }
    let mut answer = HttpResponse::Ok();
    for (name, value) in &entry.headers {
        answer.append_header((name.clone(), value.clone()));
    }
    // With two forms the answer depends on what the client accepts: caches on the way must
    // know (a body of one form is left to the compression middleware, which says so itself).
    if entry.gzipped.is_some() {
        answer.append_header((header::VARY, "accept-encoding"));
    }
    match entry.gzipped.as_ref().filter(|_| gzip) {
        Some(gzipped) => answer
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(gzipped.clone()),
        None => answer.body(entry.body.clone()),
    }
}

/// A 304 with an answer's headers, less those that describe a body it does not have.
fn not_modified<'a>(
    headers: impl Iterator<Item = (&'a header::HeaderName, &'a header::HeaderValue)>,
) -> HttpResponse {
    let mut not_modified = HttpResponse::NotModified();
    for (name, value) in headers {
        if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
            not_modified.append_header((name.clone(), value.clone()));
        }
    }
    not_modified.finish()
}

/// An answer that is not kept, with the conditions taken from its request applied to it: a
/// 304 when the client's copy is current (a feed too large to keep still answers one).
fn answer_unkept(
    res: ServiceResponse<impl MessageBody + 'static>,
    conditions: &HeaderMap,
) -> ServiceResponse<BoxBody> {
    let header = |name: &header::HeaderName| res.headers().get(name).and_then(|v| v.to_str().ok());
    let current = res.status() == StatusCode::OK
        && !conditions.is_empty()
        && super::http::unchanged_for(
            conditions,
            header(&header::ETAG),
            header(&header::LAST_MODIFIED),
        );
    if !current {
        return res.map_into_boxed_body();
    }
    let answer = not_modified(res.headers().iter());
    let (req, _) = res.into_parts();
    ServiceResponse::new(req, answer)
}

fn candidate(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !req.headers().contains_key(header::AUTHORIZATION)
        && !NOT_KEPT.iter().any(|p| req.path().starts_with(p))
}

/// The address, the server session and the CSRF token, hashed: the cache keeps no session
/// id in the clear.
fn key_of(req: &ServiceRequest, sid: Option<&str>, csrf: Option<&str>) -> Key {
    let mut hash = Sha256::new();
    for part in [
        req.uri().to_string().as_str(),
        sid.unwrap_or(""),
        csrf.unwrap_or(""),
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize().into()
}

/// The conditional headers, taken out of the request so the handler renders the whole
/// page (which is then kept) and answered here.
fn take_conditions(req: &mut ServiceRequest) -> HeaderMap {
    let mut conditions = HeaderMap::new();
    for name in [header::IF_NONE_MATCH, header::IF_MODIFIED_SINCE] {
        for value in req.headers_mut().remove(&name) {
            conditions.append(name.clone(), value);
        }
    }
    conditions
}

/// The middleware: answers from memory when it can, keeps what it may.
pub async fn pages(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<Data<AppState>>().cloned();
    let Some(state) = state.filter(|s| s.page_cache.enabled() && candidate(&req)) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let browser = req.get_session();
    if session::has_flashes(&browser) {
        // The page shows the message once, and takes it from the session.
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let sid = session::session_id(&browser);
    let key = key_of(
        &req,
        sid.as_deref(),
        session::expected_csrf_token(&browser).as_deref(),
    );
    let now = state.clock.now();
    let version = state.db(crate::db::version::current).await?;
    let epoch = Epoch {
        version,
        minute: now.timestamp().div_euclid(60),
    };
    let conditions = take_conditions(&mut req);
    let gzip = super::gzip::accepted(req.headers());
    let _turn = loop {
        if let Some(entry) = state.page_cache.get(epoch, &key, now.naive_utc()) {
            return Ok(req.into_response(answer(&entry, &conditions, gzip)));
        }
        if let Some(turn) = state.page_cache.turn(key).await {
            // A rendering that ended just before this turn began may have kept it.
            if let Some(entry) = state.page_cache.get(epoch, &key, now.naive_utc()) {
                return Ok(req.into_response(answer(&entry, &conditions, gzip)));
            }
            break turn;
        }
    };
    let res = next.call(req).await?;
    let live_until = res
        .request()
        .extensions()
        .get::<SessionLiveUntil>()
        .map(|l| l.0);
    let small = matches!(res.response().body().size(), BodySize::Sized(n) if n as usize <= state.page_cache.largest());
    let keep = res.status() == StatusCode::OK
        && small
        && res.request().get_session().status() == SessionStatus::Unchanged
        && (sid.is_none() || live_until.is_some());
    if !keep {
        return Ok(answer_unkept(res, &conditions));
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let headers: Vec<_> = head
        .headers()
        .iter()
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let entry = Entry {
        gzipped: super::gzip::compressed(&headers, &body),
        headers,
        body,
        live_until,
    };
    let answer = answer(&entry, &conditions, gzip);
    state.page_cache.put(epoch, key, entry);
    Ok(ServiceResponse::new(req, answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;
    use actix_web::web::Bytes;

    #[test]
    fn a_kept_page_answers_a_conditional_request_with_304() {
        let e = Entry {
            headers: vec![
                (header::ETAG, HeaderValue::from_static("\"a\"")),
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html")),
            ],
            body: Bytes::from_static(b"body"),
            gzipped: None,
            live_until: None,
        };
        let mut conditions = HeaderMap::new();
        assert_eq!(answer(&e, &conditions, false).status(), StatusCode::OK);
        conditions.insert(header::IF_NONE_MATCH, HeaderValue::from_static("W/\"a\""));
        let not_modified = answer(&e, &conditions, true);
        assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
        // The same 304 as an answer that is not kept: the validator, not the body's type.
        assert!(not_modified.headers().contains_key(header::ETAG));
        assert!(!not_modified.headers().contains_key(header::CONTENT_TYPE));
        conditions.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"b\""));
        assert_eq!(answer(&e, &conditions, false).status(), StatusCode::OK);
    }

    #[test]
    fn a_kept_page_is_answered_gzipped_to_a_client_that_accepts_it() {
        let e = Entry {
            headers: vec![(header::CONTENT_TYPE, HeaderValue::from_static("text/html"))],
            body: Bytes::from_static(b"page"),
            gzipped: Some(Bytes::from_static(b"gzipped page")),
            live_until: None,
        };
        let conditions = HeaderMap::new();
        let gzipped = answer(&e, &conditions, true);
        assert_eq!(
            gzipped
                .headers()
                .get(header::CONTENT_ENCODING)
                .map(|v| v.as_bytes()),
            Some(&b"gzip"[..])
        );
        assert!(gzipped.headers().get(header::VARY).is_some());
        let plain = answer(&e, &conditions, false);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(plain.headers().get(header::VARY).is_some());
        let body = |r: HttpResponse| match r.into_body().try_into_bytes() {
            Ok(bytes) => bytes,
            Err(_) => panic!("a kept body is whole"),
        };
        assert_eq!(
            body(answer(&e, &conditions, true)),
            Bytes::from_static(b"gzipped page")
        );
        assert_eq!(body(plain), Bytes::from_static(b"page"));
    }
}
