//! Gzip for kept pages. Nearly every browser asks for it, and the compression middleware
//! compressed a kept page again at every answer: the secretariat's dashboard, kept, went
//! from 41,000 answers a second to 2,200 once the client said `Accept-Encoding: gzip`
//! (README, "Performance"). A kept page is compressed once, when kept, and both forms are
//! answered from memory; the middleware leaves an answer that says its encoding alone.

use std::io::Write;

use actix_web::http::header::{self, HeaderMap};
use actix_web::web::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;

/// Below this a body gains too little to be worth a second copy.
const SMALLEST: usize = 1024;

/// Whether the client accepts gzip: a `gzip` (or `x-gzip`) coding in `Accept-Encoding`
/// whose weight is not zero. Anything else is answered as it is (and the compression
/// middleware negotiates as it always did).
pub fn accepted(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let weight = parts
                .filter_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip"))
                && weight > 0.0
        })
}

/// The body gzipped, when it is text and large enough to gain from it.
pub fn compressed(
    headers: &[(header::HeaderName, header::HeaderValue)],
    body: &Bytes,
) -> Option<Bytes> {
    let text = headers.iter().any(|(name, value)| {
        name == header::CONTENT_TYPE
            && value
                .to_str()
                .is_ok_and(|t| t.starts_with("text/") || t.contains("json") || t.contains("xml"))
    });
    let encoded = headers
        .iter()
        .any(|(name, _)| name == header::CONTENT_ENCODING);
    if !text || encoded || body.len() < SMALLEST {
        return None;
    }
    // Once per change of the data, so the default level (smaller than the middleware's
    // fastest one, which runs at every answer).
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;
    use std::io::Read;

    fn asking(value: &'static str) -> bool {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        accepted(&headers)
    }

    #[test]
    fn gzip_is_accepted_only_when_asked_for_with_a_weight() {
        assert!(asking("gzip, deflate, br, zstd"));
        assert!(asking("br;q=1.0, GZIP;q=0.5"));
        assert!(asking("x-gzip"));
        assert!(!asking("gzip;q=0"));
        assert!(!asking("br, deflate"));
        assert!(!asking("identity"));
        assert!(!accepted(&HeaderMap::new()));
    }

    #[test]
    fn text_is_compressed_once_and_gives_back_the_same_bytes() {
        let html = vec![(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )];
        let page = Bytes::from("<p>the coalition's meeting</p>\n".repeat(100));
        let gzipped = compressed(&html, &page).expect("a page of text");
        assert!(gzipped.len() < page.len() / 4);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gzipped[..])
            .read_to_end(&mut back)
            .expect("gzip");
        assert_eq!(back, page);
        // Not text, already encoded, or too small: left as it is.
        let png = vec![(header::CONTENT_TYPE, HeaderValue::from_static("image/png"))];
        assert!(compressed(&png, &page).is_none());
        let mut encoded = html.clone();
        encoded.push((header::CONTENT_ENCODING, HeaderValue::from_static("br")));
        assert!(compressed(&encoded, &page).is_none());
        assert!(compressed(&html, &Bytes::from_static(b"<p>short</p>")).is_none());
    }
}
