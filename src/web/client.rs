//! The client address of a request (see `crate::addresses` for the rules).

use actix_web::HttpRequest;

use crate::addresses::{Range, address_of, forwarded_chain};

/// The client address of a request, under the configured trusted proxies.
pub fn of_request(req: &HttpRequest, trusted: &[Range]) -> String {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let peer = req.peer_addr().map(|a| a.ip());
    let chain = if trusted.is_empty() {
        Vec::new()
    } else {
        forwarded_chain(header("forwarded"), header("x-forwarded-for"))
    };
    address_of(peer, &chain, trusted)
}
