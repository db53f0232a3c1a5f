//! Hostile input on the wire (issue 15): the form decoder and its getters, the SigV4
//! `Authorization` header and presigned query parser, and the whole application (the Query
//! API and the console's forms) never panic and never answer 5xx, whatever a caller sends.
//! `PROPTEST_CASES` sets how many cases (`bench/hostile_input.sh` runs them for minutes).

mod common;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request};
use credreport_server::query::Params;
use credreport_server::sigv4::{self, SignedRequest};
use credreport_server::{app, ServerConfig};
use proptest::prelude::*;
use tower::ServiceExt;

/// Text made of the pieces SigV4 and the Query protocol are made of, and noise.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("AWS4-HMAC-SHA256 ".to_owned()),
        Just("Credential=".to_owned()),
        Just("AKIAIOSFODNN7EXAMPLE/20261123/us-east-1/iam/aws4_request".to_owned()),
        Just(", SignedHeaders=".to_owned()),
        Just("content-type;host;x-amz-date".to_owned()),
        Just(", Signature=".to_owned()),
        Just("0".repeat(64)),
        Just("/".to_owned()),
        Just("=".to_owned()),
        Just("&".to_owned()),
        Just("%".to_owned()),
        Just("X-Amz-Algorithm=AWS4-HMAC-SHA256".to_owned()),
        Just("X-Amz-Credential=".to_owned()),
        Just("X-Amz-Date=20261123T100000Z".to_owned()),
        Just("X-Amz-Expires=".to_owned()),
        Just("X-Amz-SignedHeaders=host".to_owned()),
        Just("X-Amz-Signature=".to_owned()),
        Just("Action=".to_owned()),
        Just("ListUsers".to_owned()),
        Just("Version=2010-05-08".to_owned()),
        Just("MaxItems=".to_owned()),
        Just("Tags.member.1.Key=".to_owned()),
        "\\PC{0,12}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn the_form_decoder_and_its_getters_never_panic(query in text(), body in text()) {
        let p = Params::parse(&query, body.as_bytes());
        let _ = p.max_items();
        let _ = p.status();
        let _ = p.bool("OnlyAttached", "onlyAttached");
        let _ = p.int("MaxItems", "maxItems");
        let _ = p.members("TagKeys");
        let _ = p.tags();
    }

    #[test]
    fn the_sigv4_parser_never_panics(authorization in text(), date in text(), query in text(), token in text()) {
        let mut headers = HeaderMap::new();
        for (name, value) in [("authorization", &authorization), ("x-amz-date", &date), ("x-amz-security-token", &token)] {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), v);
            }
        }
        headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        let req = SignedRequest { method: "POST", path: "/", query: &query, headers: &headers, body: b"" };
        if let Ok(auth) = sigv4::parse_auth(&req) {
            let _ = sigv4::canonical_request(&req, &auth);
        }
    }
}

/// Requests a caller could send, to the API and to the console.
fn request() -> impl Strategy<Value = (String, String, String, String, Vec<u8>)> {
    (
        prop_oneof![
            Just("POST".to_owned()),
            Just("GET".to_owned()),
            Just("PUT".to_owned())
        ],
        prop_oneof![
            Just("/".to_owned()),
            Just("/console/signin".to_owned()),
            Just("/console/users".to_owned()),
            Just("/console/users/%ZZ/key-create".to_owned()),
            Just("/console/credential-report/download".to_owned()),
            Just("/console/mfa".to_owned()),
            "/[a-z%/]{0,20}",
        ],
        text(),
        text(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
}

proptest! {
    // Each case builds a store: fewer by default; PROPTEST_CASES raises them for a soak.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_request_gets_a_5xx((method, path, query, authorization, noise) in request(), form in text()) {
        let f = common::fixture();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|_| unreachable!());
        let uri = if query.is_empty() { path.clone() } else { format!("{path}?{}", query.replace(' ', "%20").replace('#', "%23")) };
        let mut builder = Request::builder().method(method.as_str()).uri(uri.as_str());
        if let Ok(v) = HeaderValue::from_str(&authorization) {
            builder = builder.header("authorization", v);
        }
        let mut body = form.into_bytes();
        body.extend_from_slice(&noise);
        let Ok(req) = builder.header("cookie", "credreport_session=00; credreport_presession=zz").body(Body::from(body)) else {
            return Ok(());
        };
        let status = rt.block_on(async {
            let resp = app(f.iam.clone(), ServerConfig::standard()).oneshot(req).await;
            match resp {
                Ok(r) => {
                    let s = r.status();
                    let _ = to_bytes(r.into_body(), usize::MAX).await;
                    s.as_u16()
                }
                Err(_) => 599,
            }
        });
        prop_assert!(status < 500, "{method} {path}?{query}: {status}");
    }
}

/// JSON made of the pieces Organizations' inputs are made of, and noise.
fn json_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just("\"MaxResults\"".to_owned()),
        Just("\"NextToken\"".to_owned()),
        Just("\"AccountId\"".to_owned()),
        Just("\"313131313131313131313131\"".to_owned()),
        Just("\"123456789012\"".to_owned()),
        Just("null".to_owned()),
        Just("-1".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("1e3".to_owned()),
        "-?[0-9]{1,3}",
        "\"\\PC{0,8}\"",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..10).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    /// Signed by a key that may ask (the root of an account in an organization or not),
    /// whatever the target and body, Organizations never answers 5xx.
    #[test]
    fn no_organizations_request_gets_a_5xx(
        operation in prop_oneof![
            Just("DescribeOrganization".to_owned()),
            Just("ListAccounts".to_owned()),
            Just("DescribeAccount".to_owned()),
            Just("ListRoots".to_owned()),
            "[A-Za-z.]{0,24}",
        ],
        body in json_text(),
        organization in any::<bool>(),
    ) {
        let f = common::fixture();
        if organization {
            let management = f.iam.account_ids().unwrap_or_default().remove(0);
            let _ = f.iam.create_organization(&management, "prod", "prod@acme.example");
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|_| unreachable!());
        let target = format!("AWSOrganizationsV20161128.{operation}");
        let req = common::signed_json(&f.key_id, &f.secret, None, "organizations", &target, &body);
        let (status, answer, _) = rt.block_on(common::send(&f.iam, req));
        prop_assert!(status.as_u16() < 500, "{target} {body}: {status} {answer}");
        prop_assert!(serde_json::from_str::<serde_json::Value>(&answer).is_ok(), "{answer}");
    }
}
