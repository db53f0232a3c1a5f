//! What the in-process HTTP tests share: a store with one account and its root key at a
//! fixed clock, requests signed as botocore signs them, and the answer's parts.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used, dead_code)]

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::{Iam, IamConfig, ManualClock, SqliteStore, Store};
use credreport_report::Timestamp;
use credreport_server::sigv4::{self, SignedRequest};
use credreport_server::{app, ServerConfig};
use tower::ServiceExt;

pub const NOW: &str = "2026-11-23T10:00:00Z";

pub struct Fixture {
    pub iam: Iam,
    pub clock: ManualClock,
    pub key_id: String,
    pub secret: String,
    pub _dir: tempfile::TempDir,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap());
    let clock = ManualClock::new(Timestamp::parse(NOW.as_bytes()).unwrap().0);
    let iam = Iam::new(
        store,
        Arc::new(clock.clone()),
        MasterKey::generate().unwrap(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let created = iam.create_account(None, false).unwrap();
    let key = created.root_key.unwrap();
    Fixture {
        iam,
        clock,
        key_id: key.key.id,
        secret: key.secret.expose_str().unwrap().to_owned(),
        _dir: dir,
    }
}

/// A POST / signed as botocore signs it (content-type;host;x-amz-date), at `NOW` + `skew`.
pub fn signed(key_id: &str, secret: &str, body: &str, skew_secs: i64) -> Request<Body> {
    signed_with(key_id, secret, None, body, skew_secs)
}

/// The same, signed with temporary credentials and their session token (which botocore
/// signs as `x-amz-security-token`).
pub fn signed_with(
    key_id: &str,
    secret: &str,
    token: Option<&str>,
    body: &str,
    skew_secs: i64,
) -> Request<Body> {
    signed_in("us-east-1", key_id, secret, token, body, skew_secs)
}

/// The same, signed for `region`.
pub fn signed_in(
    region: &str,
    key_id: &str,
    secret: &str,
    token: Option<&str>,
    body: &str,
    skew_secs: i64,
) -> Request<Body> {
    sign_post(
        region,
        key_id,
        secret,
        token,
        "iam",
        &[(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        body,
        skew_secs,
    )
}

/// An AWS Organizations request (JSON 1.1) signed as botocore signs it
/// (content-type;host;x-amz-date;x-amz-target), for the scope service `service`.
pub fn signed_json(
    key_id: &str,
    secret: &str,
    token: Option<&str>,
    service: &str,
    target: &str,
    body: &str,
) -> Request<Body> {
    sign_post(
        "us-east-1",
        key_id,
        secret,
        token,
        service,
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", target),
        ],
        body,
        0,
    )
}

/// A POST / with `extra` headers, signed for `service` in `region` at `NOW` + `skew`,
/// every header signed.
#[allow(clippy::too_many_arguments)]
fn sign_post(
    region: &str,
    key_id: &str,
    secret: &str,
    token: Option<&str>,
    service: &str,
    extra: &[(&str, &str)],
    body: &str,
    skew_secs: i64,
) -> Request<Body> {
    let t = Timestamp::parse(NOW.as_bytes())
        .unwrap()
        .0
        .checked_add_secs(skew_secs)
        .unwrap();
    let (y, mo, d, h, mi, s) = t.civil();
    let amz_date = format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z");
    let scope = format!("{}/{region}/{service}/aws4_request", &amz_date[..8]);
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("host", "127.0.0.1:8080".parse().unwrap());
    for (name, value) in extra {
        let name: axum::http::HeaderName = name.parse().unwrap();
        headers.insert(name, value.parse().unwrap());
    }
    headers.insert("x-amz-date", amz_date.parse().unwrap());
    if let Some(token) = token {
        headers.insert("x-amz-security-token", token.parse().unwrap());
    }
    let mut names: Vec<&str> = headers.keys().map(axum::http::HeaderName::as_str).collect();
    names.sort_unstable();
    let signed_headers = names.join(";");
    let unsigned = format!(
        "AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed_headers}, Signature={}",
        "0".repeat(64)
    );
    headers.insert("authorization", unsigned.parse().unwrap());
    let req = SignedRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    let auth = sigv4::parse_auth(&req).unwrap();
    let canonical = sigv4::canonical_request(&req, &auth).unwrap();
    let key = sigv4::signing_key(
        format!("AWS4{secret}")
            .as_bytes()
            .strip_prefix(b"AWS4")
            .unwrap(),
        &amz_date[..8],
        region,
        service,
    );
    let sig = hex::encode(sigv4::signature(
        &key,
        &sigv4::string_to_sign(&auth, &canonical),
    ));
    let authorization = unsigned.replace(&"0".repeat(64), &sig);
    let mut builder = Request::post("/");
    for (name, value) in &headers {
        if name != "authorization" {
            builder = builder.header(name, value);
        }
    }
    builder
        .header("authorization", authorization)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub async fn send(iam: &Iam, req: Request<Body>) -> (StatusCode, String, Option<String>) {
    let response = app(iam.clone(), ServerConfig::standard())
        .oneshot(req)
        .await
        .unwrap();
    let status = response.status();
    let request_id = response
        .headers()
        .get("x-amzn-requestid")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (
        status,
        String::from_utf8(body.to_vec()).unwrap(),
        request_id,
    )
}

pub fn code(body: &str) -> &str {
    body.split("<Code>")
        .nth(1)
        .and_then(|s| s.split("</Code>").next())
        .unwrap_or("")
}

/// What a request came to, as the tables write it: `OK`, or the error's code.
pub fn outcome(status: StatusCode, body: &str) -> &str {
    if status == StatusCode::OK {
        "OK"
    } else {
        code(body)
    }
}

/// An answer's elements without the indentation between them, for matching fragments.
pub fn flat(body: &str) -> String {
    body.lines().map(str::trim).collect()
}
