//! The client's address behind a trusted proxy (issue 25, part 5), in process: the
//! address `X-Forwarded-For` names is the one the per-source failure limit counts when
//! the peer is a trusted proxy, and never otherwise; and the metrics count what the
//! requests met. (The console's sign-in limit: `console.rs`; the same behind a real
//! nginx: `tests/e2e/proxy_nginx.py`.)

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::{code, fixture, signed};
use credreport_server::proxies::TrustedProxies;
use credreport_server::throttle::Rate;
use credreport_server::{app, ServerConfig};
use tower::ServiceExt;

const LIST_USERS: &str = "Action=ListUsers&Version=2010-05-08";

/// A proxy in front of the server.
const PROXY: &str = "10.0.0.2";

fn trusting(ranges: &[&str]) -> TrustedProxies {
    TrustedProxies::new(ranges.iter().map(|r| r.parse().unwrap()).collect())
}

/// `req` from `peer`, with these `X-Forwarded-For` fields: its code (`OK` for success).
async fn send_from(router: &Router, mut req: Request<Body>, peer: &str, xff: &[&str]) -> String {
    let peer: SocketAddr = format!("{peer}:50000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    for f in xff {
        req.headers_mut()
            .append("x-forwarded-for", f.parse().unwrap());
    }
    let response = router.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    if status == StatusCode::OK {
        "OK".to_owned()
    } else {
        code(&String::from_utf8_lossy(&body)).to_owned()
    }
}

/// Failed authentications are counted per client behind the proxy: one client over its
/// limit is refused, another one through the same proxy is not, and neither is a client
/// that sends the first one's address directly; the metrics count the refusal and every
/// answer by action and code.
#[tokio::test]
async fn the_failure_limit_counts_each_forwarded_client_apart() {
    let f = fixture();
    let config = ServerConfig {
        trusted_proxies: trusting(&["10.0.0.0/8"]),
        failure_rate: Rate {
            per_second: 0.001,
            burst: 2.0,
        },
        ..ServerConfig::standard()
    };
    let metrics = config.metrics.clone();
    let router = app(f.iam.clone(), config);
    let wrong = "not-the-secret-at-all-000000000000000000";
    #[rustfmt::skip]
    let steps: &[(&str, &str, &[&str], &str)] = &[
        ("A's first failure", wrong, &["198.51.100.7"], "SignatureDoesNotMatch"),
        ("A's second failure", wrong, &["198.51.100.7"], "SignatureDoesNotMatch"),
        ("A over its limit, even with the right secret", &f.secret, &["198.51.100.7"], "Throttling"),
        ("B through the same proxy", &f.secret, &["198.51.100.8"], "OK"),
    ];
    for (name, secret, xff, want) in steps {
        let req = signed(&f.key_id, secret, LIST_USERS, 0);
        assert_eq!(send_from(&router, req, PROXY, xff).await, *want, "{name}");
    }
    let req = signed(&f.key_id, &f.secret, LIST_USERS, 0);
    let forged = send_from(&router, req, "192.0.2.1", &["198.51.100.7"]).await;
    assert_eq!(forged, "OK", "A's address forged by a direct client");

    let page = metrics.render();
    let value = |series: &str| {
        page.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {series} in\n{page}"))
            .to_owned()
    };
    #[rustfmt::skip]
    let cases = [
        ("credreport_throttled_requests_total{limit=\"failed_authentication\"}", "1"),
        ("credreport_throttled_requests_total{limit=\"account\"}", "0"),
        ("credreport_api_requests_total{action=\"ListUsers\",error=\"none\"}", "2"),
        ("credreport_api_requests_total{action=\"ListUsers\",error=\"SignatureDoesNotMatch\"}", "2"),
        ("credreport_api_requests_total{action=\"ListUsers\",error=\"Throttling\"}", "1"),
        ("credreport_api_request_duration_seconds_count{action=\"ListUsers\"}", "5"),
        ("credreport_store_errors_total", "0"),
    ];
    for (series, want) in cases {
        assert_eq!(value(series), want, "{series}");
    }
}

/// Without trusted proxies the header is never read: clients behind one proxy are one
/// source, and a failing one makes the others wait.
#[tokio::test]
async fn without_trusted_proxies_every_request_is_from_its_peer() {
    let f = fixture();
    let config = ServerConfig {
        failure_rate: Rate {
            per_second: 0.001,
            burst: 1.0,
        },
        ..ServerConfig::standard()
    };
    let router = app(f.iam.clone(), config);
    let wrong = "not-the-secret-at-all-000000000000000000";
    #[rustfmt::skip]
    let steps: &[(&str, &str, &[&str], &str)] = &[
        ("A fails", wrong, &["198.51.100.7"], "SignatureDoesNotMatch"),
        ("B behind the same peer waits", &f.secret, &["198.51.100.8"], "Throttling"),
    ];
    for (name, secret, xff, want) in steps {
        let req = signed(&f.key_id, secret, LIST_USERS, 0);
        assert_eq!(send_from(&router, req, PROXY, xff).await, *want, "{name}");
    }
}
