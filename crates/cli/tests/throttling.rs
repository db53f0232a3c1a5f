//! Throttling as IAM does it (issue 15): past an account's request rate, `Throttling`
//! (HTTP 400); the AWS SDK for Rust's standard retry backs off and gets through; a source
//! that keeps failing to authenticate is refused before its signatures are checked; and
//! (issue 22) a source's console sign-in attempts past `--sign-in-burst` are refused
//! before their passwords are checked; (issue 25) behind `--trusted-proxies` the limits
//! count the forwarded client, and `--metrics-listen` counts the refusals.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{credreport, iam_client, iam_client_retrying, stderr, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_account_rate_the_sdk_is_throttled_and_its_standard_retry_gets_through() {
    let server = Server::start_with(&["--account-rate", "2", "--account-burst", "2"]);
    let once = iam_client(&server.endpoint, &server.key_id, &server.secret);
    let mut throttled = 0;
    for _ in 0..6 {
        if let Err(e) = once.list_users().send().await {
            let e = e.into_service_error();
            assert_eq!(
                aws_sdk_iam::error::ProvideErrorMetadata::code(&e),
                Some("Throttling"),
                "{e:?}"
            );
            throttled += 1;
        }
    }
    assert!(
        throttled >= 3,
        "6 requests at once at 2 a second: {throttled} throttled"
    );
    let retrying = iam_client_retrying(&server.endpoint, &server.key_id, &server.secret, 6);
    for i in 0..8 {
        retrying
            .list_users()
            .send()
            .await
            .unwrap_or_else(|e| panic!("request {i} with the standard retry: {e:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_keeps_failing_to_authenticate_is_refused_unchecked() {
    let server = Server::start_with(&["--failure-rate", "0.5", "--failure-burst", "3"]);
    let wrong = iam_client(
        &server.endpoint,
        &server.key_id,
        "not-the-secret-at-all-0000000000000000000",
    );
    let mut codes = Vec::new();
    for _ in 0..5 {
        let e = wrong
            .list_users()
            .send()
            .await
            .expect_err("a wrong secret")
            .into_service_error();
        codes.push(
            aws_sdk_iam::error::ProvideErrorMetadata::code(&e)
                .unwrap_or("")
                .to_owned(),
        );
    }
    assert_eq!(&codes[..3], ["SignatureDoesNotMatch"; 3], "{codes:?}");
    assert_eq!(&codes[3..], ["Throttling"; 2], "{codes:?}");
    // The right key from the same address waits too, until a token comes back.
    let right = iam_client(&server.endpoint, &server.key_id, &server.secret);
    let e = right
        .list_users()
        .send()
        .await
        .expect_err("still limited")
        .into_service_error();
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::code(&e),
        Some("Throttling")
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    right.list_users().send().await.expect("a token came back");
}

/// One HTTP/1.1 exchange on a new connection: the status and the whole answer.
fn exchange(addr: &str, request: &str) -> (u16, String) {
    let mut c = TcpStream::connect(addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    c.write_all(request.as_bytes()).expect("request");
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status: {answer}"));
    (status, answer)
}

/// Signs in to the console as the root of `account` over a fresh form (its pre-session
/// cookie and CSRF token): the answer's status and text.
fn console_sign_in(addr: &str, account: &str, password: &str) -> (u16, String) {
    let (_, form) = exchange(
        addr,
        "GET /console/signin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    let cookie = form
        .lines()
        .filter_map(|l| l.split_once(": "))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| v.strip_prefix("credreport_presession="))
        .and_then(|v| v.split(';').next())
        .expect("a pre-session cookie");
    let at = form.find("name=\"csrf_token\" value=\"").expect("a token") + 25;
    let token = &form[at..at + 32];
    let body = format!("csrf_token={token}&signin_as=root&account={account}&password={password}");
    exchange(
        addr,
        &format!(
            "POST /console/signin HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: credreport_presession={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_sign_ins_past_the_sources_burst_are_refused_before_the_password_is_checked() {
    let server = Server::start_with(&["--sign-in-rate", "0.5", "--sign-in-burst", "2"]);
    let addr = server.endpoint.trim_start_matches("http://").to_owned();
    let account = server.account.clone();
    let statuses: Vec<u16> = (0..3)
        .map(|i| console_sign_in(&addr, &account, &format!("guess-{i}")).0)
        .collect();
    // The root has no console password: every guess fails (401) until the burst is spent.
    assert_eq!(statuses, [401, 401, 429], "two guesses, then refused");
    let (status, text) = console_sign_in(&addr, &account, "guess-again");
    assert_eq!(status, 429);
    assert!(
        text.contains("Too many failed sign-in attempts from your network address"),
        "{text}"
    );
    // The API is not limited by the console's attempts.
    let root = iam_client(&server.endpoint, &server.key_id, &server.secret);
    root.list_users()
        .send()
        .await
        .expect("the API still answers");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        console_sign_in(&addr, &account, "guess-later").0,
        401,
        "a token came back: the attempt is checked again"
    );
}

/// An unsigned ListUsers (a failed authentication) from the test's own address, acting as
/// a proxy that names `client` in `X-Forwarded-For`: the answer's status and text.
fn unsigned_from(addr: &str, client: &str) -> (u16, String) {
    let body = "Action=ListUsers&Version=2010-05-08";
    exchange(
        addr,
        &format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: {client}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// The value of `series` in a scrape of `url` (`http://ADDR/metrics`).
fn scraped(url: &str, series: &str) -> Option<u64> {
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/metrics");
    let (status, page) = exchange(
        addr,
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200, "{page}");
    assert!(
        page.to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4"),
        "{page}"
    );
    page.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_failure_limit_counts_each_client_and_the_metrics_count_the_refusal(
) {
    let server = Server::start_with(&[
        "--trusted-proxies",
        "192.0.2.0/24,127.0.0.1",
        "--failure-rate",
        "0.001",
        "--failure-burst",
        "2",
        "--metrics-listen",
        "127.0.0.1:0",
    ]);
    let addr = server.endpoint.trim_start_matches("http://").to_owned();
    let log = server.log.lock().map(|l| l.clone()).unwrap_or_default();
    let metrics = log
        .lines()
        .find_map(|l| {
            Some(
                l[l.find("metrics on ")? + "metrics on ".len()..]
                    .split(' ')
                    .next()?
                    .to_owned(),
            )
        })
        .unwrap_or_else(|| panic!("no metrics address in the log:\n{log}"));
    let codes: Vec<(u16, bool)> = [
        "198.51.100.7",
        "198.51.100.7",
        "198.51.100.7",
        "198.51.100.8",
    ]
    .iter()
    .map(|client| {
        let (status, text) = unsigned_from(&addr, client);
        (status, text.contains("<Code>Throttling</Code>"))
    })
    .collect();
    assert_eq!(
        codes,
        [(403, false), (403, false), (400, true), (403, false)],
        "the first client's third failure is refused unchecked; the second client is not"
    );
    let series = "credreport_throttled_requests_total{limit=\"failed_authentication\"}";
    assert_eq!(scraped(&metrics, series), Some(1));
    let (status, _) = exchange(
        &addr,
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 404, "never on the API's listener");
    // The log is read from the server's pipe by a thread of its own.
    let logged = || {
        server
            .log
            .lock()
            .is_ok_and(|l| l.contains("source=198.51.100.7 via=127.0.0.1"))
    };
    assert!(
        credreport_testkit::eventually(logged),
        "the log names the forwarded client"
    );
}

#[test]
fn a_trusted_proxy_that_is_no_address_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("data");
    let data = data.to_str().expect("a UTF-8 path");
    for bad in ["10.0.0.0/33", "10.0.0.0/8,proxy.example"] {
        let out = credreport(
            &["serve", "--data-dir", data, "--trusted-proxies", bad],
            &[],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&out).contains("is not an IP address or a CIDR range"),
            "{bad}: {}",
            stderr(&out)
        );
    }
}
