//! The parts of an HTTP request that SigV4 covers, borrowed as the server received them.

use std::fmt;

/// A received request, as SigV4 sees it. Nothing is decoded or normalised here: the path
/// and query are the request target's bytes, the body is the raw body (before any form
/// decoding).
#[derive(Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The method exactly as received (`POST`); it is not upper-cased, since HTTP methods
    /// are case-sensitive.
    pub method: &'a str,
    /// The path as received, still percent-encoded (`/`).
    pub path: &'a str,
    /// The raw query string without the `?` (empty when there is none).
    pub query: &'a str,
    /// The received headers, `Host` included.
    pub headers: &'a http::HeaderMap,
    /// The raw body.
    pub body: &'a [u8],
}

/// Shows the shape of the request only: header names, not values (the `Authorization`
/// header holds the signature), and the query's length, not its text (a presigned query
/// holds it too).
impl fmt::Debug for SignedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(http::HeaderName::as_str).collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_len", &self.query.len())
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_header_values_and_no_query() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("AWS4-HMAC-SHA256 Signature=deadbeef"),
        );
        let req = SignedRequest {
            method: "GET",
            path: "/",
            query: "X-Amz-Signature=cafebabe",
            headers: &headers,
            body: b"secret body",
        };
        let shown = format!("{req:?}");
        assert!(shown.contains("authorization"), "{shown}");
        assert!(!shown.contains("deadbeef"), "{shown}");
        assert!(!shown.contains("cafebabe"), "{shown}");
        assert!(!shown.contains("secret body"), "{shown}");
    }
}
