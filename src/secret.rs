//! Secrets handed to people (tokens, links, session and feed ids): random, URL-safe, and
//! stored only as their SHA-256, so a copy of the database lets nobody in.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes, URL-safe base64.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// What is stored of a secret.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Path prefixes whose next segment is a secret.
const TOKEN_PREFIXES: [&str; 5] = [
    "/invitation/",
    "/setup/",
    "/password/reset/",
    "/calendar/feed/",
    "/email/confirm/",
];

/// The path as it may be logged.
pub fn redacted_path(path: &str) -> Cow<'_, str> {
    for prefix in TOKEN_PREFIXES {
        if let Some(rest) = path.strip_prefix(prefix) {
            // The token ends at the next `/` or, for a feed, at its `.ics`.
            let end = rest
                .find('/')
                .or_else(|| rest.rfind(".ics"))
                .unwrap_or(rest.len());
            return Cow::Owned(format!("{prefix}[redacted]{}", &rest[end..]));
        }
    }
    Cow::Borrowed(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_paths_are_redacted() {
        assert_eq!(
            redacted_path("/invitation/abc123"),
            "/invitation/[redacted]"
        );
        assert_eq!(
            redacted_path("/password/reset/s3cret"),
            "/password/reset/[redacted]"
        );
        assert_eq!(redacted_path("/setup/tok"), "/setup/[redacted]");
        assert_eq!(
            redacted_path("/email/confirm/tok"),
            "/email/confirm/[redacted]"
        );
        assert_eq!(
            redacted_path("/calendar/feed/tok.ics"),
            "/calendar/feed/[redacted].ics"
        );
        assert_eq!(
            redacted_path("/calendar/feed/tok/groups/3.ics"),
            "/calendar/feed/[redacted]/groups/3.ics"
        );
    }

    #[test]
    fn other_paths_are_kept() {
        assert_eq!(redacted_path("/meetings/12"), "/meetings/12");
        assert_eq!(
            redacted_path("/calendar/public.ics"),
            "/calendar/public.ics"
        );
        assert!(matches!(redacted_path("/"), Cow::Borrowed("/")));
    }
}
