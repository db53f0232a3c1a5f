//! The SigV4 parser: an arbitrary Authorization header, X-Amz-Date, session token and
//! query string (the presigned form), then the canonical request of what parses.
#![no_main]

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use credreport_server::sigv4::{self, SignedRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0);
    let mut next = || String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let (authorization, date, token, query) = (next(), next(), next(), next());
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("authorization", &authorization),
        ("x-amz-date", &date),
        ("x-amz-security-token", &token),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    }
    headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
    let req = SignedRequest {
        method: "POST",
        path: "/",
        query: &query,
        headers: &headers,
        body: data,
    };
    if let Ok(auth) = sigv4::parse_auth(&req) {
        let _ = sigv4::canonical_request(&req, &auth);
    }
});
