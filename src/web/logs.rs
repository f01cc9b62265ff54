//! What the service writes to its log: one line per request, never a secret. Paths that carry
//! a token are logged with the token replaced (`secret::redacted_path`), and query strings
//! are left out (a token may ride there too).

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Logs each request once it is answered: method, redacted path, status and time taken.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = crate::secret::redacted_path(req.path()).into_owned();
    let response = next.call(req).await?;
    tracing::info!(
        target: "roundtable::access",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
    );
    Ok(response)
}

/// Where logs go and how they look: standard error, as text or (`LOG_FORMAT=json`) one JSON
/// object per line. `RUST_LOG` chooses the detail (`info` by default;
/// `roundtable::access=warn` drops the request lines).
pub fn init(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
